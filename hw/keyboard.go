package hw

// Keyboard is the input device. Keystrokes are scheduled at cycles (by a
// scenario's `at N key "..."`, or as host input arrives); when the clock
// reaches a keystroke's cycle its bytes enter the device buffer and the
// keyboard raises IRQKeyboard. The kernel's interrupt handler drains the
// buffer into the terminal.
type Keyboard struct {
	buf      []byte      // bytes that have arrived and not yet been read
	schedule []keystroke // future input, sorted by cycle (stable for equal cycles)
}

type keystroke struct {
	at    uint64
	bytes []byte
}

// Type schedules bytes to arrive at cycle at.
func (k *Keyboard) Type(at uint64, bytes []byte) {
	i := len(k.schedule)
	for i > 0 && k.schedule[i-1].at > at {
		i--
	}
	k.schedule = append(k.schedule, keystroke{})
	copy(k.schedule[i+1:], k.schedule[i:])
	k.schedule[i] = keystroke{at: at, bytes: append([]byte(nil), bytes...)}
}

// Next returns the cycle of the next scheduled keystroke.
func (k *Keyboard) Next() (uint64, bool) {
	if len(k.schedule) == 0 {
		return 0, false
	}
	return k.schedule[0].at, true
}

// Scheduled reports whether any input is still to arrive.
func (k *Keyboard) Scheduled() bool { return len(k.schedule) > 0 }

// arrive moves every keystroke due by cycle now into the buffer and reports
// whether any arrived.
func (k *Keyboard) arrive(now uint64) bool {
	n := 0
	for n < len(k.schedule) && k.schedule[n].at <= now {
		k.buf = append(k.buf, k.schedule[n].bytes...)
		n++
	}
	k.schedule = k.schedule[n:]
	return n > 0
}

// Read takes every byte that has arrived.
func (k *Keyboard) Read() []byte {
	b := k.buf
	k.buf = nil
	return b
}

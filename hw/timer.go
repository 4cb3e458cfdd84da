package hw

// Timer is a one-shot comparator, like RISC-V's mtimecmp: when the clock
// reaches the deadline it raises IRQTimer once. The kernel re-arms it for the
// earliest thing it waits for (end of the running quantum, a sleeper's
// deadline).
type Timer struct {
	deadline uint64 // cycle at which to fire
	armed    bool
}

// Set arms the timer for cycle t, replacing any earlier setting.
func (t *Timer) Set(cycle uint64) { t.deadline, t.armed = cycle, true }

// Cancel disarms the timer.
func (t *Timer) Cancel() { t.armed = false }

// Deadline returns the cycle the timer fires at, if armed.
func (t *Timer) Deadline() (uint64, bool) { return t.deadline, t.armed }

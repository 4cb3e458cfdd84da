package kernel

import (
	"fmt"

	"ipcsim/abi"
	"ipcsim/sched"
)

// Terminal is the console's terminal: the keyboard feeds its line
// discipline, and what processes write to it goes to the console.
//
// It works in canonical mode (termios(3), "Canonical and noncanonical
// mode"): typed bytes collect in an edit line; newline makes the line
// readable; the erase character (DEL or ^H) deletes the last byte of the edit
// line; ^D makes the edit line readable without a newline, so ^D on an empty
// line reads as end of file. A read returns at most one line.
type Terminal struct {
	k     *Kernel
	echo  bool     // echo typed input to the console (ECHO)
	edit  []byte   // the line being typed, not yet readable
	lines [][]byte // completed lines, oldest first; an empty line is an end-of-file mark
	hup   bool     // the host input has ended: reads find end of file once the lines are drained

	readers sched.WaitQueue // processes waiting for a line
}

// Control characters of the line discipline (termios c_cc defaults).
const (
	chEOF   = 0x04 // VEOF: ^D
	chErase = 0x7f // VERASE: DEL (^? on most keyboards)
	chBS    = 0x08 // ^H, also treated as erase
)

func newTerminal(k *Kernel, echo bool) *Terminal { return &Terminal{k: k, echo: echo} }

// Name identifies the terminal in traces.
func (tt *Terminal) Name() string { return "tty" }

// receive runs the line discipline over bytes that came from the keyboard.
func (tt *Terminal) receive(in []byte) {
	ready := false
	for _, ch := range in {
		switch ch {
		case chErase, chBS:
			if n := len(tt.edit); n > 0 {
				tt.edit = tt.edit[:n-1]
				tt.output([]byte("\b \b"))
			}
		case chEOF:
			tt.lines = append(tt.lines, tt.edit)
			tt.edit = nil
			ready = true
		case '\n':
			tt.lines = append(tt.lines, append(tt.edit, '\n'))
			tt.edit = nil
			tt.output([]byte{'\n'})
			ready = true
		default:
			tt.edit = append(tt.edit, ch)
			tt.output([]byte{ch})
		}
	}
	if ready {
		tt.readers.Notify(abi.POLLIN)
	}
}

// hangup records that no more input will come (the host's stdin ended):
// a partial line becomes readable, then reads return end of file.
func (tt *Terminal) hangup() {
	if len(tt.edit) > 0 {
		tt.lines = append(tt.lines, tt.edit)
		tt.edit = nil
	}
	tt.hup = true
	tt.readers.Notify(abi.POLLIN | abi.POLLHUP)
}

func (tt *Terminal) output(b []byte) {
	if tt.echo {
		tt.k.m.Console.Write(b)
	}
}

// Read returns bytes of the first completed line.
func (tt *Terminal) Read(c *call, dst []byte, nonblock bool) (int, error) {
	if len(tt.lines) == 0 {
		if tt.hup {
			return 0, nil
		}
		if nonblock {
			return 0, abi.EAGAIN
		}
		return 0, &blockError{q: &tt.readers, mask: abi.POLLIN, reason: "waiting for terminal input"}
	}
	line := tt.lines[0]
	n := copy(dst, line)
	if n == len(line) {
		tt.lines = tt.lines[1:]
	} else {
		tt.lines[0] = line[n:]
	}
	return n, nil
}

// Write sends src to the console.
func (tt *Terminal) Write(_ *call, src []byte, _ bool) (int, error) {
	tt.k.m.Console.Write(src)
	return len(src), nil
}

// Release: the terminal outlives every process.
func (tt *Terminal) Release() {}

// Readiness: readable when a line (or end of file) is ready; always
// writable.
func (tt *Terminal) Readiness() sched.EventMask {
	ev := sched.EventMask(abi.POLLOUT | abi.POLLWRNORM)
	if len(tt.lines) > 0 || tt.hup {
		ev |= abi.POLLIN | abi.POLLRDNORM
	}
	if tt.hup {
		ev |= abi.POLLHUP
	}
	return ev
}

// Queue is where readers and pollers of the terminal wait.
func (tt *Terminal) Queue() *sched.WaitQueue { return &tt.readers }

// waiting reports whether a process sleeps on terminal input.
func (tt *Terminal) waiting() bool { return !tt.readers.Empty() }

func (tt *Terminal) String() string {
	return fmt.Sprintf("tty: %d lines ready, %d bytes being edited", len(tt.lines), len(tt.edit))
}

package kernel

import (
	"encoding/binary"
	"fmt"

	"ipcsim/abi"
	"ipcsim/proc"
	"ipcsim/sched"
)

// Terminal is the console's terminal: the keyboard feeds its line
// discipline, and what processes write to it goes to the console. It is the
// controlling terminal of init's session (1), the session every spawned
// program starts in, and it knows that session's foreground process group.
//
// The line discipline (termios(3), Linux's n_tty):
//   - ICANON: typed bytes collect in an edit line; newline makes the line
//     readable; VERASE (DEL by default) deletes the last byte, VWERASE
//     (^W, with IEXTEN) the last word, VKILL (^U) the whole edit line; VEOF (^D) makes the edit line readable without a
//     newline, so ^D on an empty line reads as end of file. A read returns
//     at most one line. Without ICANON every byte is readable at once
//     (VMIN bytes satisfy a read; VTIME is not implemented).
//   - ISIG: VINTR (^C), VQUIT (^\) and VSUSP (^Z) are eaten and send
//     SIGINT, SIGQUIT and SIGTSTP to the foreground process group, and the
//     pending input is thrown away (unless NOFLSH).
//   - ECHO: typed bytes are echoed to the console (control characters as
//     ^X with ECHOCTL).
//   - ICRNL: a typed carriage return becomes a newline.
//
// Output is not post-processed: the console shows what was written.
type Terminal struct {
	k       *Kernel
	termios termios
	edit    []byte   // the line being typed (canonical mode), not yet readable
	lines   [][]byte // readable input: lines (canonical), or chunks (raw); an empty line is an end-of-file mark
	hup     bool     // the host input has ended: reads find end of file once the lines are drained
	sid     int      // the session the terminal controls
	fg      int      // its foreground process group

	readers sched.WaitQueue // processes waiting for input
}

// termios is struct termios as the kernel's TCGETS/TCSETS take it on
// riscv64 (include/uapi/asm-generic/termbits.h): four flag words, the line
// discipline, and NCCS = 19 control characters: 36 bytes.
type termios struct {
	iflag, oflag, cflag, lflag uint32
	line                       byte
	cc                         [nccs]byte
}

const (
	nccs        = 19
	termiosSize = 17 + nccs

	// c_cc indices.
	vINTR   = 0
	vQUIT   = 1
	vERASE  = 2
	vKILL   = 3
	vEOF    = 4
	vTIME   = 5
	vMIN    = 6
	vSUSP   = 10
	vWERASE = 14

	// c_lflag bits.
	lISIG    = 0000001
	lICANON  = 0000002
	lECHO    = 0000010
	lECHOE   = 0000020
	lECHOK   = 0000040
	lNOFLSH  = 0000200
	lTOSTOP  = 0000400
	lECHOCTL = 0001000
	lECHOKE  = 0004000
	lIEXTEN  = 0100000

	// c_iflag bits.
	iICRNL = 0000400
	iIXON  = 0002000
)

// defaultTermios is what a Linux terminal starts with (stty sane):
// canonical mode, echo, signals, and the control characters of Linux's
// INIT_C_CC (include/linux/tty.h): VINTR ^C, VQUIT ^\, VERASE DEL, VKILL
// ^U, VEOF ^D, VTIME 0, VMIN 1, VSWTC 0, VSTART ^Q, VSTOP ^S, VSUSP ^Z,
// VEOL 0, VREPRINT ^R, VDISCARD ^O, VWERASE ^W, VLNEXT ^V, VEOL2 0.
func defaultTermios(echo bool) termios {
	t := termios{
		iflag: iICRNL | iIXON,
		oflag: 05,   // OPOST|ONLCR
		cflag: 0277, // B38400|CS8|CREAD
		lflag: lISIG | lICANON | lECHOE | lECHOK | lECHOCTL | lECHOKE | lIEXTEN,
	}
	if echo {
		t.lflag |= lECHO
	}
	copy(t.cc[:], []byte{3, 0x1c, 0x7f, 0x15, 4, 0, 1, 0, 0x11, 0x13, 0x1a, 0, 0x12, 0x0f, 0x17, 0x16, 0})
	return t
}

func (t *termios) encode() []byte {
	b := make([]byte, termiosSize)
	binary.LittleEndian.PutUint32(b[0:], t.iflag)
	binary.LittleEndian.PutUint32(b[4:], t.oflag)
	binary.LittleEndian.PutUint32(b[8:], t.cflag)
	binary.LittleEndian.PutUint32(b[12:], t.lflag)
	b[16] = t.line
	copy(b[17:], t.cc[:])
	return b
}

func decodeTermios(b []byte) termios {
	var t termios
	t.iflag = binary.LittleEndian.Uint32(b[0:])
	t.oflag = binary.LittleEndian.Uint32(b[4:])
	t.cflag = binary.LittleEndian.Uint32(b[8:])
	t.lflag = binary.LittleEndian.Uint32(b[12:])
	t.line = b[16]
	copy(t.cc[:], b[17:])
	return t
}

func newTerminal(k *Kernel, echo bool) *Terminal {
	return &Terminal{k: k, termios: defaultTermios(echo), sid: 1, fg: 1}
}

// Name identifies the terminal in traces.
func (tt *Terminal) Name() string { return "tty" }

func (tt *Terminal) lflag(bit uint32) bool { return tt.termios.lflag&bit != 0 }

// ttyBufSize is N_TTY_BUF_SIZE, the input the line discipline holds:
// "The maximum line length is 4096 chars (including the terminating newline
// character); lines longer than 4096 chars are truncated. After 4095
// characters, input processing (e.g., ISIG and ECHO* processing) continues,
// but any input data after 4095 characters up to (but not including) any
// terminating newline is discarded" - termios(3). In non-canonical mode,
// input beyond it is dropped until a process reads. It bounds the host
// memory a terminal uses, however much is typed or piped in.
const ttyBufSize = 4096

// buffered returns how many bytes of input the terminal holds.
func (tt *Terminal) buffered() int {
	n := len(tt.edit)
	for _, l := range tt.lines {
		n += len(l)
	}
	return n
}

// receive runs the line discipline over bytes that came from the keyboard.
func (tt *Terminal) receive(in []byte) {
	cc := &tt.termios.cc
	ready := false
	held := tt.buffered()
	var raw []byte // this call's non-canonical input, one chunk of tt.lines
	for _, ch := range in {
		if ch == '\r' && tt.termios.iflag&iICRNL != 0 {
			ch = '\n'
		}
		if tt.lflag(lISIG) {
			sig := abi.Signal(0)
			switch ch {
			case cc[vINTR]:
				sig = abi.SIGINT
			case cc[vQUIT]:
				sig = abi.SIGQUIT
			case cc[vSUSP]:
				sig = abi.SIGTSTP
			}
			if sig != 0 && ch != 0 {
				tt.echoControl(ch)
				if !tt.lflag(lNOFLSH) {
					tt.edit, tt.lines, raw, held = nil, nil, nil, 0
				}
				tt.signalForeground(sig, ch)
				continue
			}
		}
		if !tt.lflag(lICANON) {
			if held < ttyBufSize {
				if raw == nil {
					tt.lines = append(tt.lines, nil)
				}
				raw = append(raw, ch)
				tt.lines[len(tt.lines)-1] = raw
				held++
				ready = true
			}
			tt.echo(ch)
			continue
		}
		raw = nil
		switch {
		case ch == cc[vERASE]:
			// Only VERASE erases: Linux's default is DEL (INIT_C_CC), so a
			// ^H (backspace) is an ordinary byte of the line unless a
			// program sets VERASE to it (stty erase ^H).
			if n := len(tt.edit); n > 0 {
				tt.edit = tt.edit[:n-1]
				held--
				tt.output([]byte("\b \b"))
			}
		case ch == cc[vWERASE] && tt.lflag(lIEXTEN):
			// n_tty's eraser: going back, it erases bytes until it has
			// seen a word (letters, digits, '_') and meets a byte that is
			// not of one: "foo bar  " becomes "foo ", "a.b-c" "a.b-".
			seen := false
			for n := len(tt.edit); n > 0; n-- {
				c := tt.edit[n-1]
				if word := c == '_' || '0' <= c && c <= '9' || 'a' <= c|0x20 && c|0x20 <= 'z'; word {
					seen = true
				} else if seen {
					break
				}
				tt.edit = tt.edit[:n-1]
				held--
				tt.output([]byte("\b \b"))
			}
		case ch == cc[vKILL]:
			for range tt.edit {
				tt.output([]byte("\b \b"))
			}
			held -= len(tt.edit)
			tt.edit = nil
		case ch == cc[vEOF]:
			tt.lines = append(tt.lines, tt.edit)
			tt.edit = nil
			ready = true
		case ch == '\n' && held >= ttyBufSize && len(tt.lines) > 0:
			// Full, with a line to read: dropped until a process reads
			// (a newline is always taken while no line is readable).
		case ch == '\n':
			tt.lines = append(tt.lines, append(tt.edit, '\n'))
			tt.edit = nil
			tt.echo('\n')
			held++
			ready = true
		default:
			if held < ttyBufSize-1 { // room is kept for the newline
				tt.edit = append(tt.edit, ch)
				held++
			}
			tt.echo(ch)
		}
	}
	if ready {
		tt.readers.Notify(abi.POLLIN)
	}
}

// signalForeground sends sig to every process of the foreground group, as
// a keystroke does ("generate a SIGINT signal ... sent to the foreground
// process group" - termios(3)).
func (tt *Terminal) signalForeground(sig abi.Signal, ch byte) {
	k := tt.k
	members := k.group(tt.fg)
	if k.tracing {
		k.emit(nil, "tty", fmt.Sprintf("tty: %s is %v: to the foreground process group %d (%s)",
			caret(ch), sig, tt.fg, plural(len(members), "process")))
	}
	for _, t := range members {
		k.sendSignal(t, sig, proc.SigInfo{Code: abi.SI_KERNEL}, caret(ch)+" on the terminal")
	}
}

// caret renders a control character as ^C.
func caret(ch byte) string {
	if ch < 0x20 {
		return "^" + string(rune(ch+'@'))
	}
	if ch == 0x7f {
		return "^?"
	}
	return string(rune(ch))
}

// echo echoes one typed byte (ECHO), control characters as ^X and DEL as
// ^? (ECHOCTL: n_tty's echo_char takes every iscntrl byte but tab).
func (tt *Terminal) echo(ch byte) {
	if (ch < 0x20 || ch == 0x7f) && ch != '\n' && ch != '\t' && tt.lflag(lECHOCTL) {
		tt.output([]byte(caret(ch)))
		return
	}
	tt.output([]byte{ch})
}

func (tt *Terminal) echoControl(ch byte) {
	if tt.lflag(lECHOCTL) {
		tt.output([]byte(caret(ch)))
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
	if tt.lflag(lECHO) {
		tt.k.m.Console.Write(b)
	}
}

// background reports whether t reads or writes its controlling terminal
// from a process group other than the foreground one.
func (tt *Terminal) background(t *Task) bool {
	return t.SID == tt.sid && t.PGID != tt.fg
}

// jobControl applies the rule for a background process using the terminal
// (termios(3), gVisor's TTY.CheckChange): it gets sig (SIGTTIN for a read,
// SIGTTOU for a write or a change) sent to its whole group, and its call
// stays pending so that it runs again once the group is continued (or
// ends in EINTR/restart under a handler). If the signal is ignored or
// blocked, or the group is orphaned, a read fails with EIO and a write is
// simply allowed (allowIgnored).
func (tt *Terminal) jobControl(c *call, sig abi.Signal, allowIgnored bool) error {
	t, k := c.t, tt.k
	if t.Sig.Ignored(sig) || t.Sig.Mask.Has(sig) || k.orphaned(t.PGID) {
		if allowIgnored {
			return nil
		}
		return abi.EIO
	}
	if !c.jobSignaled {
		// Once per call: the blocking protocol tries a call twice before it
		// sleeps, and Linux's __tty_check_change signals the group once.
		c.jobSignaled = true
		for _, m := range k.group(t.PGID) {
			k.sendSignal(m, sig, proc.SigInfo{Code: abi.SI_KERNEL}, "background access to the terminal")
		}
	}
	return &blockError{why: func() string { return fmt.Sprintf("background process group %d uses the terminal (%v)", t.PGID, sig) }}
}

// Read returns input: at most one line in canonical mode.
func (tt *Terminal) Read(c *call, dst []byte, nonblock bool) (int, error) {
	if tt.background(c.t) {
		if err := tt.jobControl(c, abi.SIGTTIN, false); err != nil {
			return 0, err
		}
	}
	if !tt.lflag(lICANON) {
		return tt.readRaw(dst, nonblock)
	}
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

// readRaw reads in non-canonical mode: it waits for VMIN bytes (VMIN 0:
// returns at once), then returns what is there, up to len(dst).
func (tt *Terminal) readRaw(dst []byte, nonblock bool) (int, error) {
	avail := 0
	for _, l := range tt.lines {
		avail += len(l)
	}
	vmin := int(tt.termios.cc[vMIN])
	if avail == 0 || avail < min(vmin, len(dst)) {
		switch {
		case tt.hup || vmin == 0:
			if avail == 0 {
				return 0, nil
			}
		case nonblock:
			return 0, abi.EAGAIN
		default:
			return 0, &blockError{q: &tt.readers, mask: abi.POLLIN,
				why: func() string { return fmt.Sprintf("waiting for terminal input (%d of VMIN %d bytes)", avail, vmin) }}
		}
	}
	n := 0
	for len(tt.lines) > 0 && n < len(dst) {
		m := copy(dst[n:], tt.lines[0])
		n += m
		if m == len(tt.lines[0]) {
			tt.lines = tt.lines[1:]
		} else {
			tt.lines[0] = tt.lines[0][m:]
		}
	}
	return n, nil
}

// Write sends src to the console; with TOSTOP a background writer gets
// SIGTTOU first. A failure of the console's host stream reaches the writer
// as Linux's errno (hostWriteError).
func (tt *Terminal) Write(c *call, src []byte, _ bool) (int, error) {
	if tt.lflag(lTOSTOP) && tt.background(c.t) {
		if err := tt.jobControl(c, abi.SIGTTOU, true); err != nil {
			return 0, err
		}
	}
	if n, err := tt.k.m.Console.Write(src); err != nil {
		// ipcsim exec: the host's terminal (or a character device taken
		// for one) failed the write.
		return n, hostWriteError(c, tt.Name(), err)
	}
	return len(src), nil
}

// Release: the terminal outlives every process.
func (tt *Terminal) Release() {}

// Readiness: readable when input (or end of file) is ready; always
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

// available counts the readable bytes (FIONREAD).
func (tt *Terminal) available() int {
	n := 0
	for _, l := range tt.lines {
		n += len(l)
	}
	return n
}

// ioctl handles the terminal requests of tty_ioctl(4).
func (tt *Terminal) ioctl(c *call, req uint32, arg uint64) (int64, error) {
	t := c.t
	as := t.AS
	switch req {
	case abi.TCGETS:
		if as.WriteBytes(arg, tt.termios.encode()) != nil {
			return 0, abi.EFAULT
		}
		return 0, nil
	case abi.TCSETS, abi.TCSETSW, abi.TCSETSF:
		b := make([]byte, termiosSize)
		if as.ReadBytes(arg, b) != nil {
			return 0, abi.EFAULT
		}
		if tt.background(t) {
			if err := tt.jobControl(c, abi.SIGTTOU, true); err != nil {
				return 0, err
			}
		}
		if req == abi.TCSETSF {
			tt.edit, tt.lines = nil, nil // flush pending input
		}
		old := tt.termios
		tt.termios = decodeTermios(b)
		if old.lflag&lICANON != 0 && tt.termios.lflag&lICANON == 0 && len(tt.edit) > 0 {
			// Leaving canonical mode makes the edit line readable.
			tt.lines = append(tt.lines, tt.edit)
			tt.edit = nil
		}
		tt.readers.Notify(abi.POLLIN)
		return 0, nil
	case abi.TIOCGWINSZ:
		var b [8]byte
		binary.LittleEndian.PutUint16(b[0:], 24) // rows
		binary.LittleEndian.PutUint16(b[2:], 80) // columns
		if as.WriteBytes(arg, b[:]) != nil {
			return 0, abi.EFAULT
		}
		return 0, nil
	case abi.TIOCGPGRP:
		if t.SID != tt.sid {
			return 0, abi.ENOTTY // not its controlling terminal
		}
		var b [4]byte
		putInt32(b[:], int32(tt.fg))
		if as.WriteBytes(arg, b[:]) != nil {
			return 0, abi.EFAULT
		}
		return 0, nil
	case abi.TIOCSPGRP:
		// tcsetpgrp(3): "ENOTTY: ... fd does not refer to the controlling
		// terminal of the calling process"; "EPERM: pgrp has a supported
		// value, but is not the process group ID of a process in the same
		// session as the calling process"; a background caller gets
		// SIGTTOU unless it blocks or ignores it.
		if t.SID != tt.sid {
			return 0, abi.ENOTTY
		}
		var b [4]byte
		if as.ReadBytes(arg, b[:]) != nil {
			return 0, abi.EFAULT
		}
		pgrp := int32(binary.LittleEndian.Uint32(b[:]))
		if pgrp < 0 {
			return 0, abi.EINVAL
		}
		inSession := false
		for _, m := range tt.k.group(int(pgrp)) {
			inSession = inSession || m.SID == t.SID && m.Process.State != proc.Zombie
		}
		if !inSession {
			return 0, abi.EPERM
		}
		if tt.background(t) {
			if err := tt.jobControl(c, abi.SIGTTOU, true); err != nil {
				return 0, err
			}
		}
		tt.setForeground(int(pgrp))
		return 0, nil
	case abi.FIONREAD:
		var b [4]byte
		putInt32(b[:], int32(tt.available()))
		if as.WriteBytes(arg, b[:]) != nil {
			return 0, abi.EFAULT
		}
		return 0, nil
	}
	return 0, abi.ENOTTY
}

// setForeground makes pgrp the foreground process group, and wakes
// background readers so that they check again.
func (tt *Terminal) setForeground(pgrp int) {
	if tt.fg != pgrp && tt.k.tracing {
		tt.k.emit(nil, "tty", fmt.Sprintf("tty: foreground process group %d -> %d", tt.fg, pgrp))
	}
	tt.fg = pgrp
	tt.readers.Notify(abi.POLLIN)
}

func (tt *Terminal) String() string {
	return fmt.Sprintf("tty: %d lines ready, %d bytes being edited, foreground group %d", len(tt.lines), len(tt.edit), tt.fg)
}

// state is the terminal for inspect.
func (tt *Terminal) state() *TerminalState {
	var readable []byte
	for _, l := range tt.lines {
		readable = append(readable, l...)
	}
	return &TerminalState{Session: tt.sid, Foreground: tt.fg, Canonical: tt.termios.lflag&lICANON != 0,
		Echo: tt.termios.lflag&lECHO != 0, Editing: quoteBytes(tt.edit, 64), Readable: quoteBytes(readable, 64)}
}

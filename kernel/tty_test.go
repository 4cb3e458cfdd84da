package kernel

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"

	"ipcsim/abi"
	"ipcsim/proc"
)

// reader is a process of the terminal's foreground group (init's, 1).
func reader() *call { return &call{t: &Task{Process: &proc.Process{PID: 1, PGID: 1, SID: 1}}} }

// readAll drains what the terminal would give successive reads of 64 bytes.
func readAll(t *testing.T, tt *Terminal) []string {
	t.Helper()
	var out []string
	for len(tt.lines) > 0 {
		buf := make([]byte, 64)
		n, err := tt.Read(reader(), buf, true)
		require.NoError(t, err)
		out = append(out, string(buf[:n]))
	}
	return out
}

func TestLineDisciplineCanonical(t *testing.T) {
	var console bytes.Buffer
	k := New(Config{Stdout: &console, Echo: true})
	tt := k.tty
	// Erase (VERASE, DEL) edits the line, ^U kills it, ^D ends a line
	// without a newline, ^D on an empty line is end of file, CR is NL.
	// ^H is not VERASE in Linux's default termios: it is a byte of the
	// line, echoed as ^H (ECHOCTL).
	tt.receive([]byte("helx\x7fp\n" + "oops\x15ok\r" + "ab\bc\x04" + "\x04"))
	require.Equal(t, []string{"help\n", "ok\n", "ab\bc", ""}, readAll(t, tt))
	require.Equal(t, "helx\b \bp\noops\b \b\b \b\b \b\b \bok\nab^Hc", console.String(),
		"echo shows the editing; ^D is not echoed")

	// VWERASE (^W) erases back to the start of the last word.
	tt.receive([]byte("foo bar  \x17x\n" + "a.b-c\x17\x17\n"))
	require.Equal(t, []string{"foo x\n", "a.\n"}, readAll(t, tt), "the second ^W takes \"-\" and \"b\"")

	// stty erase ^H: then ^H erases and DEL is an ordinary byte.
	tt.termios.cc[vERASE] = '\b'
	tt.receive([]byte("ab\bc\x7f\n"))
	require.Equal(t, []string{"ac\x7f\n"}, readAll(t, tt))
	require.True(t, bytes.HasSuffix(console.Bytes(), []byte("ab\b \bc^?\n")), "DEL echoes as ^?")

	_, err := tt.Read(reader(), make([]byte, 8), true)
	require.ErrorIs(t, err, abi.EAGAIN, "no line ready: a non-blocking read gets EAGAIN")
	_, err = tt.Read(reader(), make([]byte, 8), false)
	var blk *blockError
	require.ErrorAs(t, err, &blk, "a blocking read sleeps on the terminal's wait queue")
	require.Equal(t, "waiting for terminal input", blk.text())
}

func TestLineDisciplineSignalsAndRawMode(t *testing.T) {
	k := New(Config{})
	tt := k.tty
	// ISIG: ^C is eaten and flushes the pending input (no foreground
	// process here to signal).
	tt.receive([]byte("half a line\x03"))
	require.Empty(t, tt.lines)
	require.Empty(t, tt.edit)

	// TCSETS without ICANON: every byte is readable at once, VMIN 1.
	raw := tt.termios
	raw.lflag &^= lICANON | lECHO
	tt.termios = decodeTermios(raw.encode())
	require.Equal(t, raw, tt.termios, "termios survives encode/decode (the 36 bytes of TCGETS)")
	tt.receive([]byte("xy"))
	buf := make([]byte, 8)
	n, err := tt.Read(reader(), buf, false)
	require.NoError(t, err)
	require.Equal(t, "xy", string(buf[:n]))
	// Linux's INIT_C_CC, by asm-generic's c_cc indices.
	require.Equal(t, [nccs]byte{
		vINTR: 0x03, vQUIT: 0x1c, vERASE: 0x7f, vKILL: 0x15, vEOF: 0x04, vTIME: 0, vMIN: 1,
		7: 0, 8: 0x11, 9: 0x13, vSUSP: 0x1a, 11: 0, 12: 0x12, 13: 0x0f, 14: 0x17, 15: 0x16, 16: 0,
	}, defaultTermios(true).cc, "VSWTC VSTART VSTOP VSUSP VEOL VREPRINT VDISCARD VWERASE VLNEXT VEOL2")
	require.Equal(t, uint32(0x8a3b), defaultTermios(true).lflag, "stty sane: ISIG ICANON ECHO ECHOE ECHOK ECHOCTL ECHOKE IEXTEN")
}

// The terminal holds at most N_TTY_BUF_SIZE bytes of input: a canonical
// line keeps its first 4095 bytes and its newline, a full buffer drops
// what comes until a process reads, and raw input stops at 4096 bytes.
func TestLineDisciplineBounded(t *testing.T) {
	k := New(Config{})
	tt := k.tty
	long := bytes.Repeat([]byte("x"), 10000)
	tt.receive(append(long, '\n'))
	require.Len(t, tt.lines, 1)
	require.Len(t, tt.lines[0], ttyBufSize, "4095 bytes and the newline")
	require.Equal(t, byte('\n'), tt.lines[0][ttyBufSize-1])

	// Full with a readable line: more lines are dropped, newlines too.
	tt.receive([]byte("more\n\n\n"))
	require.Len(t, tt.lines, 1)
	require.Equal(t, ttyBufSize, tt.buffered())

	// Raw mode: one chunk per arrival, at most ttyBufSize in all.
	tt.lines = nil
	tt.termios.lflag &^= lICANON
	for range 3 {
		tt.receive(long)
	}
	require.Equal(t, ttyBufSize, tt.buffered())
	require.Len(t, tt.lines, 1, "the input of one arrival is one chunk")
}

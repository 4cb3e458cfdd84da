package kernel

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/require"

	"ipcsim/abi"
	"ipcsim/sim/asm"
)

// spinCat loops 1000 times, then copies fd 0 to fd 1 until end of file.
const spinCat = `
	.bss
buf:	.zero 16
	.text
	.globl _start
_start:	li t0, 1000
1:	addi t0, t0, -1
	bnez t0, 1b
2:	li a0, 0
	la a1, buf
	li a2, 16
	li a7, SYS_read
	ecall
	blez a0, 3f
	mv a2, a0
	li a0, 1
	la a1, buf
	li a7, SYS_write
	ecall
	j 2b
3:	neg a0, a0
	li a7, SYS_exit
	ecall
`

// cycleReader records the cycle of each read of the host input.
type cycleReader struct {
	r      io.Reader
	k      *Kernel
	cycles []uint64
}

func (c *cycleReader) Read(b []byte) (int, error) {
	c.cycles = append(c.cycles, c.k.Now())
	return c.r.Read(b)
}

// With Config.StdinFile the host input reaches fd 0 as it is, and the
// host is read only once the reader sleeps (never while it spins), so the
// output does not depend on how the host splits its input.
func TestStdinHostFile(t *testing.T) {
	pre := map[string]int64{}
	for _, s := range abi.Symbols() {
		pre[s.Name] = s.Value
	}
	p, err := asm.Assemble("spincat.s", []byte(spinCat), asm.Options{Predefined: pre})
	require.NoError(t, err)
	input := "a\x03b\x04\x15\x08\x7f\n"
	for _, oneByte := range []bool{false, true} {
		var out, trace bytes.Buffer
		in := &cycleReader{r: strings.NewReader(input)}
		if oneByte {
			in.r = iotest.OneByteReader(in.r)
		}
		k := New(Config{
			Stdout: &out, Stderr: io.Discard, Input: in, StdinFile: true, StdoutFile: true,
			Files: []File{{Path: "/spincat", Data: p.ELF, Mode: 0755}},
			Trace: func(e *Event) { trace.WriteString(e.Text + "\n") },
		})
		in.k = k
		_, err := k.Spawn("spincat", []string{"spincat"}, nil)
		require.NoError(t, err)
		res := k.Run()
		require.Equal(t, StopAllExited, res.Reason)
		require.Equal(t, input, out.String(), "one byte at a time: %v", oneByte)
		require.Equal(t, 0, res.Exits[0].ShellStatus())
		require.Greater(t, in.cycles[0], uint64(2000), "the host is read only once the program waits")
		require.Contains(t, trace.String(), "blocks: waiting for host input on stdin")
		require.Contains(t, trace.String(), "woken: by the host (input on stdin)")
		require.Contains(t, trace.String(), "host: end of stdin")
	}
}

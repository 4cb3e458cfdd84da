package asm

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// hello is the smallest complete program: write(1, msg, len) and exit(42), by the
// Linux riscv64 system call ABI (number in a7, arguments in a0..a2).
const hello = `# hello: write(2) a line to stdout, then exit(2) with status 42.
        .section .rodata
msg:    .ascii "hello, world\n"
len = . - msg

        .text
        .globl _start
_start:
        li a0, 1                # fd: stdout
        la a1, msg
        li a2, len
        li a7, SYS_write
        ecall
        la t0, counter          # exercise .data and .bss too
        lw t1, 0(t0)
        addi t1, t1, 7
        sw t1, 0(t0)
        la t2, scratch
        sd t1, 0(t2)
        ld a0, 0(t2)            # status: 35 + 7
        li a7, SYS_exit
        ecall

        .data
counter: .word 35
        .bss
scratch: .space 8
`

// TestHelloUnderQemu runs the assembled program under qemu-riscv64 (user mode)
// when it is installed: the ELF must load and run on a real Linux loader.
func TestHelloUnderQemu(t *testing.T) {
	qemu, err := exec.LookPath("qemu-riscv64")
	if err != nil {
		t.Skip("qemu-riscv64 not installed")
	}
	prog, err := Assemble("hello.s", []byte(hello), Options{Predefined: map[string]int64{"SYS_write": 64, "SYS_exit": 93}})
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "hello")
	require.NoError(t, os.WriteFile(path, prog.ELF, 0o755))
	out, err := exec.Command(qemu, path).Output()
	var exit *exec.ExitError
	require.True(t, errors.As(err, &exit), "want exit status 42, got %v", err)
	require.Equal(t, 42, exit.ExitCode())
	require.Equal(t, "hello, world\n", string(out))
}

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// hostioSrc reads data.txt from its working directory, overwrites it and
// reads it again, unlinks it and finds it gone, then runs ./beside.
const hostioSrc = `
	.data
data:	.asciz "data.txt"
beside:	.asciz "./beside"
arg0:	.asciz "beside"
	.align 3
argv:	.dword arg0, 0
chg:	.ascii "changed\n"
gone:	.ascii "gone\n"
bad:	.ascii "unexpected\n"
	.bss
buf:	.zero 64
	.text
	.globl _start
_start:	li a1, O_RDONLY
	call cat
	li a0, AT_FDCWD
	la a1, data
	li a2, O_WRONLY|O_TRUNC
	li a7, SYS_openat
	ecall
	blt a0, zero, fail
	la a1, chg
	li a2, 8
	li a7, SYS_write
	ecall
	li a1, O_RDONLY
	call cat
	li a0, AT_FDCWD
	la a1, data
	li a2, 0
	li a7, SYS_unlinkat
	ecall
	bnez a0, fail
	li a0, AT_FDCWD
	la a1, data
	li a2, O_RDONLY
	li a7, SYS_openat
	ecall
	li t0, -ENOENT
	bne a0, t0, fail
	li a0, 1
	la a1, gone
	li a2, 5
	li a7, SYS_write
	ecall
	la a0, beside
	la a1, argv
	addi a2, a1, 8
	li a7, SYS_execve
	ecall
fail:	li a0, 1
	la a1, bad
	li a2, 11
	li a7, SYS_write
	ecall
	li a0, 1
	li a7, SYS_exit
	ecall

# cat opens data.txt and copies what one read gives to fd 1.
cat:	li a0, AT_FDCWD
	la a1, data
	li a2, O_RDONLY
	li a7, SYS_openat
	ecall
	blt a0, zero, fail
	la a1, buf
	li a2, 64
	li a7, SYS_read
	ecall
	blt a0, zero, fail
	mv a2, a0
	li a0, 1
	la a1, buf
	li a7, SYS_write
	ecall
	ret
`

// besideSrc prints its /proc/self/exe and a newline and exits with 7;
// with an argument it first runs /proc/self/exe again without one.
const besideSrc = `
	.data
self:	.asciz "/proc/self/exe"
arg0:	.asciz "again"
	.align 3
argv:	.dword arg0, 0
nl:	.ascii "\n"
	.bss
buf:	.zero 256
	.text
	.globl _start
_start:	ld t0, 0(sp)
	li t1, 2
	blt t0, t1, 1f
	la a0, self
	la a1, argv
	addi a2, a1, 8
	li a7, SYS_execve
	ecall
	li a7, SYS_exit
	ecall
1:	li a0, AT_FDCWD
	la a1, self
	la a2, buf
	li a3, 256
	li a7, SYS_readlinkat
	ecall
	mv a2, a0
	li a0, 1
	la a1, buf
	li a7, SYS_write
	ecall
	li a0, 1
	la a1, nl
	li a2, 1
	li a7, SYS_write
	ecall
	li a0, 7
	li a7, SYS_exit
	ecall
`

// hostFolder makes a folder holding hostio, beside and data.txt, and makes
// it the current directory for the test.
func hostFolder(t *testing.T) string {
	dir := t.TempDir()
	for name, src := range map[string]string{"hostio": hostioSrc, "beside": besideSrc} {
		data, err := os.ReadFile(assemble(t, name, src))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "data.txt"), []byte("original\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	dir, err := os.Getwd() // as exec sees it (TMPDIR may be a symbolic link)
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// exec shows the host's current folder at its own path: a program reads a
// data file there, overwrites and unlinks it in the machine only (the
// host's bytes stay), and runs a program beside it by a relative path,
// which finds its own path in /proc/self/exe.
func TestExecHostFolder(t *testing.T) {
	dir := hostFolder(t)
	var stdout, stderr strings.Builder
	st := Main([]string{"exec", "./hostio"}, strings.NewReader(""), &stdout, &stderr)
	want := "original\nchanged\ngone\n" + filepath.Join(dir, "beside") + "\n"
	if st != 7 || stdout.String() != want || stderr.String() != "" {
		t.Errorf("status %d, stdout %q, stderr %q; want 7 and %q", st, stdout.String(), stderr.String(), want)
	}
	got, err := os.ReadFile(filepath.Join(dir, "data.txt"))
	if err != nil || string(got) != "original\n" {
		t.Errorf("the host's data.txt is now %q (%v); the program's writes must stay in the machine", got, err)
	}
}

// execve("/proc/self/exe") runs the program again; the program given by
// an absolute path outside the current folder is placed at that path.
func TestExecProcSelfExe(t *testing.T) {
	prog := assemble(t, "beside", besideSrc) // in a folder of its own
	hostFolder(t)
	var stdout, stderr strings.Builder
	st := Main([]string{"exec", prog, "x"}, strings.NewReader(""), &stdout, &stderr)
	if want := prog + "\n"; st != 7 || stdout.String() != want || stderr.String() != "" {
		t.Errorf("status %d, stdout %q, stderr %q; want 7 and %q", st, stdout.String(), stderr.String(), want)
	}
}

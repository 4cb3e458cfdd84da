package sim

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// fpUserSrc puts values in f1 and fcsr, lets the other process run, and
// exits with 0 if it finds them again (the kernel saved and restored
// them), 2 if not.
const fpUserSrc = `	.text
	.globl _start
_start:	li t0, 0x4045000000000000
	fmv.d.x f1, t0
	csrwi fcsr, 0x15
	li s0, 3
loop:	li a7, SYS_sched_yield
	ecall
	addi s0, s0, -1
	bnez s0, loop
	fmv.x.d t1, f1
	csrr t2, fcsr
	li a0, 2
	bne t0, t1, out
	li t3, 0x15
	bne t2, t3, out
	li a0, 0
out:	li a7, SYS_exit
	ecall
`

// fpFreshSrc has never used floating point when it first reads f1 and
// fcsr, after the other process set its own: it exits with 1 if it finds
// the other's rather than zeros, as a process's own registers are. Then
// it puts values of its own there and lets the other run again before it
// exits with 0.
const fpFreshSrc = `	.text
	.globl _start
_start:	li a7, SYS_sched_yield
	ecall
	fmv.x.d t1, f1
	csrr t2, fcsr
	or t1, t1, t2
	li a0, 1
	bnez t1, out
	li t0, -1
	fmv.d.x f1, t0
	csrwi fcsr, 0x3
	li a7, SYS_sched_yield
	ecall
	li a0, 0
out:	li a7, SYS_exit
	ecall
`

// TestFPStateIsPerProcess: the kernel copies floating-point state to and
// from the CPU only for a thread that used it (kernel/run.go's loadFP and
// saveFP), yet each process still sees only its own: a process that never
// used floating point reads zeros after another set its registers, and
// the other finds its values again after the switches.
func TestFPStateIsPerProcess(t *testing.T) {
	src := "spawn fpuser.s\nspawn fpfresh.s\n-- fpuser.s --\n" + fpUserSrc + "-- fpfresh.s --\n" + fpFreshSrc
	s, err := parse("fp.txtar", []byte(src), noDisk)
	require.NoError(t, err)
	o, err := s.Run(Options{})
	require.NoError(t, err)
	status := map[string]int{}
	for _, e := range o.Result.Exits {
		status[e.Name] = e.Status
	}
	require.Equal(t, map[string]int{"fpuser": 0, "fpfresh": 0}, status)
}

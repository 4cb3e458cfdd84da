package sim

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// quietScenario makes calls whose trace reads user memory the call itself
// never touches: each fails before it reads its pointer arguments, which
// point into pages nobody touched yet (an mmap area's, and below the
// stack, where a fault would grow it). Then it takes new pages (their
// frame numbers show in inspect), forks, and both processes block on a
// pipe forever, so that the end state keeps every page table.
const quietScenario = `# Tracing must not change the run.
machine mem=1M quantum=10000 trapcost=0 seed=1 limit=1000000
spawn quiet.s
-- quiet.s --
	.text
	.globl _start
_start:
	li a0, 0
	li a1, 16*4096
	li a2, PROT_READ|PROT_WRITE
	li a3, MAP_PRIVATE|MAP_ANONYMOUS
	li a4, -1
	li a5, 0
	li a7, SYS_mmap
	ecall
	mv s0, a0			# 16 untouched pages

	li a0, 99
	mv a1, s0
	li a2, 10
	li a7, SYS_write
	ecall				# write(99, page 0, 10): EBADF

	li t0, 4096+1
	add a0, s0, t0			# misaligned: EINVAL before the timeout is read
	li a1, 0			# FUTEX_WAIT
	li a2, 0
	li t0, 2*4096
	add a3, s0, t0			# the timeout on page 2
	li a4, 0
	li a5, 0
	li a7, SYS_futex
	ecall

	li a0, 1			# an unreadable path: EFAULT before argv is read
	li t0, 3*4096
	add a1, s0, t0			# argv on page 3
	mv a2, a1
	li a7, SYS_execve
	ecall

	li a0, 99
	li t0, 4*4096
	add a1, s0, t0			# the message on page 4
	li a2, 10
	li a3, 0
	li t0, 5*4096
	add a4, s0, t0			# the timeout on page 5
	li a7, SYS_mq_timedsend
	ecall				# EBADF

	li t0, 11*4096
	add a0, s0, t0			# the pollfd array on page 11
	li a1, 1025			# more than RLIMIT_NOFILE: EINVAL before it is read
	li a2, 0
	li a3, 0
	li a4, 8
	li a7, SYS_ppoll
	ecall

	li a0, 64
	li t0, 12*4096
	add a1, s0, t0			# the three sets on page 12
	addi a2, a1, 8
	addi a3, a1, 16
	li a4, 0
	li a5, 1			# an unreadable sigmask: EFAULT before the sets are read
	li a7, SYS_pselect6
	ecall

	li a0, 99
	li t0, 13*4096
	add a1, s0, t0			# the events on page 13
	li a2, 8
	li a3, 0
	li a4, 0
	li a5, 8
	li a7, SYS_epoll_pwait
	ecall				# EBADF

	li a0, 99
	li t0, 200*1024
	sub a1, sp, t0			# below the stack: a fault would grow it
	li a2, 10
	li a7, SYS_write
	ecall				# EBADF

	li t0, 7*4096
	add t0, s0, t0
	sd t0, 0(t0)			# a first touch: the next free frame

	addi sp, sp, -16
	mv a0, sp
	li a1, 0
	li a7, SYS_pipe2
	ecall

	li a0, SIGCHLD
	li a1, 0
	li a2, 0
	li a3, 0
	li a4, 0
	li a7, SYS_clone
	ecall				# fork
	beqz a0, child
	li t0, 8*4096
	add t0, s0, t0
	sd t0, 0(t0)			# the parent takes a page
	j wait
child:
	li t0, 9*4096
	add t0, s0, t0
	sd t0, 0(t0)			# the child takes another
	li a0, 99
	li t0, 10*4096
	add a1, s0, t0
	li a2, 10
	li a7, SYS_write
	ecall				# EBADF, in the child
wait:
	lw a0, 0(sp)
	mv a1, sp
	li a2, 1
	li a7, SYS_read
	ecall				# blocks for ever: both hold the write end
`

// TestTraceChangesNothing runs the same scenario untraced, traced, and
// traced instruction by instruction, and compares the end state: the
// inspect output (text and JSON: every page with its frame), the console,
// the cycle and instruction counts and how the machine stopped.
func TestTraceChangesNothing(t *testing.T) {
	type end struct {
		Inspect, JSON, Console string
		Result                 any
	}
	run := func(src string, trace bool) (end, string) {
		t.Helper()
		s, err := Parse("quiet.txtar", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		o, err := s.Run(Options{KeepTrace: trace, PauseAt: 900_000})
		if err != nil {
			t.Fatal(err)
		}
		var text, js bytes.Buffer
		if err := WriteSnapshot(&text, o.Snapshot, false); err != nil {
			t.Fatal(err)
		}
		if err := WriteSnapshot(&js, o.Snapshot, true); err != nil {
			t.Fatal(err)
		}
		var tr strings.Builder
		for _, e := range o.Trace {
			tr.WriteString(e.Text + "\n")
		}
		return end{text.String(), js.String(), string(o.Console), o.Result}, tr.String()
	}
	want, _ := run(quietScenario, false)
	if !strings.Contains(want.Inspect, "sleeping") {
		t.Fatalf("the scenario should end with its processes asleep:\n%s", want.Inspect)
	}
	got, trace := run(quietScenario, true)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("tracing changed the run (-untraced +traced):\n%s\ntrace:\n%s", diff, trace)
	}
	for _, line := range []string{
		`write(99, "\0\0\0\0\0\0\0\0\0\0", 10) = -1 EBADF (Bad file descriptor)`,
		`futex(0x3ff7ff1001, FUTEX_WAIT, 0, {tv_sec=0, tv_nsec=0}, NULL, 0) = -1 EINVAL (Invalid argument)`,
		`execve(0x1, [], []) = -1 EFAULT (Bad address)`,
		`mq_timedsend(99, "\0\0\0\0\0\0\0\0\0\0", 10, 0, {tv_sec=0, tv_nsec=0}) = -1 EBADF (Bad file descriptor)`,
		`ppoll([{fd=0, events=0}, {fd=0, events=0}, `,
		`pselect6(64, [], [], [], NULL, 0x1) = -1 EFAULT (Bad address)`,
		`epoll_pwait(99, 0x3ff7ffd000, 8, 0, NULL, 8) = -1 EBADF (Bad file descriptor)`,
	} {
		if !strings.Contains(trace, line) {
			t.Errorf("the trace lacks %q:\n%s", line, trace)
		}
	}

	insns := strings.Replace(quietScenario, "limit=1000000", "limit=1000000 insns=on", 1)
	got, _ = run(insns, true)
	want, _ = run(insns, false)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("tracing instructions changed the run (-untraced +traced):\n%s", diff)
	}
}

// TestTraceHugeSyscallNumber: a7 holds any 64-bit value. One of 2^63 or
// more used to index the syscall table with a negative int in the trace
// formatter and crash every traced run; it is ENOSYS, traced as strace
// names an unknown call.
func TestTraceHugeSyscallNumber(t *testing.T) {
	const src = `# li a7, -1; ecall
machine mem=1M limit=100000
spawn huge.s
expect unimplemented syscall_0x8000000000000000 syscall_0xffffffffffffffff
expect exit huge 0
-- huge.s --
	.text
	.globl _start
_start:
	li a0, 1
	li a7, -1
	ecall
	li t0, -ENOSYS
	bne a0, t0, fail
	li a0, 2
	li a7, 1<<63
	ecall
	li t0, -ENOSYS
	bne a0, t0, fail
	li a0, 0
	li a7, SYS_exit
	ecall
fail:
	li a0, 1
	li a7, SYS_exit
	ecall
`
	s, err := Parse("huge.txtar", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	o, err := s.Run(Options{KeepTrace: true})
	if err != nil {
		t.Fatal(err)
	}
	if m := s.Check(o); len(m) != 0 {
		t.Errorf("mismatches: %v", m)
	}
	var texts, names []string
	for _, e := range o.Trace {
		if e.Kind == "syscall" && e.PID == o.PIDs[0] {
			texts, names = append(texts, e.Text), append(names, e.Syscall)
		}
	}
	want := []string{
		"syscall_0xffffffffffffffff(0x1, 0, 0, 0, 0, 0) = -1 ENOSYS (Function not implemented)",
		"syscall_0x8000000000000000(0x2, 0, 0, 0, 0, 0) = -1 ENOSYS (Function not implemented)",
		"exit(0)",
	}
	if diff := cmp.Diff(want, texts); diff != "" {
		t.Errorf("trace (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"syscall_0xffffffffffffffff", "syscall_0x8000000000000000", "exit"}, names); diff != "" {
		t.Errorf("event names (-want +got):\n%s", diff)
	}
}

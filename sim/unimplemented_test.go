package sim

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// socketSrc calls io_uring_setup twice, acct once and number 500 once, then
// writes "hi" and exits 0: a run that "passes" on its exit and console
// alone.
const socketSrc = `	.text
	.globl _start
_start:	li a0, 1
	li a1, 1
	li a2, 0
	li a7, SYS_io_uring_setup
	ecall
	li a7, SYS_io_uring_setup
	ecall
	li a7, SYS_acct
	ecall
	li a7, 500
	ecall
	li a0, 1
	la a1, msg
	li a2, 3
	li a7, SYS_write
	ecall
	li a0, 0
	li a7, SYS_exit
	ecall
	.data
msg:	.ascii "hi\n"
`

// checkScenario parses and runs src, and returns its mismatches as strings.
func checkScenario(t *testing.T, src string) []string {
	t.Helper()
	s, err := parse("x.txtar", []byte(src), noDisk)
	if err != nil {
		t.Fatal(err)
	}
	o, err := s.Run(Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range s.Check(o) {
		got = append(got, m.String())
	}
	return got
}

// A run that calls what ipcsim does not implement fails even though its
// exit and console are as expected, and the message names the calls and
// the line that would accept them.
func TestUnimplementedFails(t *testing.T) {
	got := checkScenario(t, "# story\nspawn sock.s\nexpect exit sock 0\n-- sock.s --\n"+socketSrc+"-- want/console --\nhi\n")
	want := []string{"x.txtar:1:1: unimplemented: the run called what ipcsim does not implement, and each call failed with ENOSYS: " +
		"acct (1 call, first by pid 2 at cycle 11), io_uring_setup (2 calls, first by pid 2 at cycle 9), syscall_0x1f4 (1 call, first by pid 2 at cycle 12) " +
		"(if the scenario means to, say so: expect unimplemented acct io_uring_setup syscall_0x1f4)"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("mismatches (-want +got):\n%s", d)
	}
}

// "expect unimplemented" names exactly the calls: in any order, then the
// scenario passes; one missing or one too many fails the line.
func TestExpectUnimplemented(t *testing.T) {
	run := func(names string) []string {
		return checkScenario(t, "spawn sock.s\nexpect unimplemented "+names+"   # the sockets lesson comes later\nexpect exit sock 0\n-- sock.s --\n"+socketSrc)
	}
	if got := run("syscall_0x1f4 io_uring_setup acct io_uring_setup"); len(got) != 0 {
		t.Errorf("every call named: %q", got)
	}
	if d := cmp.Diff([]string{"x.txtar:2:1: expect unimplemented io_uring_setup syscall_0x1f4: the run also called acct (1 call, first by pid 2 at cycle 11)"}, run("io_uring_setup syscall_0x1f4")); d != "" {
		t.Errorf("one too few (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]string{"x.txtar:2:1: expect unimplemented acct add_key io_uring_setup syscall_0x1f4: the run made no unimplemented call to add_key (did not call it, or ipcsim implements it now)"}, run("acct add_key io_uring_setup syscall_0x1f4")); d != "" {
		t.Errorf("one too many (-want +got):\n%s", d)
	}
	// A run that calls nothing unimplemented fails the line too.
	got := checkScenario(t, "spawn hello.s\nexpect unimplemented socket\n-- hello.s --\n"+helloSrc)
	if d := cmp.Diff([]string{"x.txtar:2:1: expect unimplemented socket: the run made no unimplemented call to socket (did not call it, or ipcsim implements it now)"}, got); d != "" {
		t.Errorf("nothing called (-want +got):\n%s", d)
	}
}

func TestExpectUnimplementedErrors(t *testing.T) {
	src := "spawn hello.s\nexpect unimplemented\nexpect unimplemented sockt\nexpect unimplemented \"socket\"\n" +
		"expect unimplemented syscall_0x40 syscall_0x007\nexpect unimplemented socket\nexpect unimplemented bind\n" +
		"expect seeds 1..3 always unimplemented socket\nexpect seeds 1..3 always\n-- hello.s --\n" + helloSrc
	want := `x.txtar:2:21: expected system call names after expect unimplemented (such as socket bind), found end of line
x.txtar:3:22: unknown system call sockt: expected a name as the trace writes it, such as socket or syscall_0x1f4
x.txtar:4:22: unknown system call "socket": expected a name as the trace writes it, such as socket or syscall_0x1f4
x.txtar:5:22: unknown system call syscall_0x40: expected a name as the trace writes it, such as socket or syscall_0x1f4
x.txtar:7:8: duplicate expect unimplemented (first at line 6): name every call on one line
x.txtar:8:26: expect unimplemented states the run with the machine's own seed: it cannot follow seeds
x.txtar:9:25: expected exit, signal or console after always, found end of line`
	_, err := parse("x.txtar", []byte(src), noDisk)
	var list ErrorList
	if !errors.As(err, &list) {
		t.Fatalf("error %v (%T), want an ErrorList", err, err)
	}
	if d := cmp.Diff(strings.Split(want, "\n"), strings.Split(err.Error(), "\n")); d != "" {
		t.Errorf("errors (-want +got):\n%s", d)
	}
}

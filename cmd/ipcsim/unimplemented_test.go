package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// sockSrc calls io_uring_setup twice and acct once (both fail with ENOSYS), writes
// "hi" and exits 0.
const sockSrc = `	.text
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

const sockLine = "unimplemented: acct (1 call, first by pid 2 at cycle 11), io_uring_setup (2 calls, first by pid 2 at cycle 9)\n"

// run ends with a line naming the unimplemented calls, after the exits,
// in both formats (a JSON document in json); the run itself still
// succeeds.
func TestRunUnimplemented(t *testing.T) {
	file := filepath.Join(t.TempDir(), "sock.txtar")
	writeFile(t, file, []byte("# A program that needs sockets.\nspawn sock.s\n-- sock.s --\n"+sockSrc), 0o644)
	for _, format := range []string{"text", "json"} {
		st, out, stderr := run(t, "run", "--format="+format, file)
		want := "--- exits\npid 2 (sock): exited with status 0\n" + sockLine
		if format == "json" {
			want = `{"type":"exit","pid":2,"name":"sock","cycle":18,"status":0,"wstatus":0,"describe":"exited with status 0"}` + "\n" +
				`{"type":"stop","reason":"exited","describe":"all processes exited","cycle":18,"instructions":18}` + "\n" +
				`{"type":"unimplemented","text":"` + strings.TrimSuffix(strings.TrimPrefix(sockLine, "unimplemented: "), "\n") + `",` +
				`"calls":[{"name":"acct","count":1,"pid":2,"cycle":11},{"name":"io_uring_setup","count":2,"pid":2,"cycle":9}]}` + "\n"
		}
		if st != 0 || !strings.HasSuffix(out, want) {
			t.Errorf("%s: status %d, stderr %q, output:\n%s\nwant it to end with\n%s", format, st, stderr, out, want)
		}
		if !strings.Contains(out, "acct(") || !strings.Contains(out, "ENOSYS") {
			t.Errorf("%s: the trace does not show the failed calls:\n%s", format, out)
		}
	}
	// A run without such calls prints no such line.
	if _, out, _ := run(t, "run", helloScenario); strings.Contains(out, "unimplemented") {
		t.Errorf("hello: output:\n%s", out)
	}
}

// test fails the scenario unless it expects the calls.
func TestTestUnimplemented(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "sock.txtar")
	writeFile(t, file, []byte("spawn sock.s\nexpect exit sock 0\n-- sock.s --\n"+sockSrc+"-- want/console --\nhi\n"), 0o644)
	st, out, _ := run(t, "test", file)
	want := "--- FAIL: " + file + "\n    " + file + ":1:1: unimplemented: the run called what ipcsim does not implement, and each call failed with ENOSYS: " +
		strings.TrimSuffix(strings.TrimPrefix(sockLine, "unimplemented: "), "\n") +
		" (if the scenario means to, say so: expect unimplemented acct io_uring_setup)\n0 passed, 1 failed\n"
	if st != exitFailed || out != want {
		t.Errorf("status %d, output:\n%s\nwant status 1 and\n%s", st, out, want)
	}
	writeFile(t, file, []byte("spawn sock.s\nexpect unimplemented io_uring_setup acct\nexpect exit sock 0\n-- sock.s --\n"+sockSrc+"-- want/console --\nhi\n"), 0o644)
	if st, out, _ := run(t, "test", file); st != 0 || out != "ok "+file+"\n1 passed, 0 failed\n" {
		t.Errorf("expected: status %d, output:\n%s", st, out)
	}
}

// exec says nothing of unimplemented calls unless asked, as qemu-riscv64;
// with --warn-unimplemented it names them on standard error.
func TestExecWarnUnimplemented(t *testing.T) {
	prog := assemble(t, "sock", sockSrc)
	st, out, stderr := run(t, "exec", prog)
	if st != 0 || out != "hi\n" || stderr != "" {
		t.Errorf("exec: status %d, stdout %q, stderr %q", st, out, stderr)
	}
	st, out, stderr = run(t, "exec", "--warn-unimplemented", prog)
	if st != 0 || out != "hi\n" || stderr != "ipcsim: "+sockLine {
		t.Errorf("exec --warn-unimplemented: status %d, stdout %q, stderr %q; want stderr %q", st, out, stderr, "ipcsim: "+sockLine)
	}
}

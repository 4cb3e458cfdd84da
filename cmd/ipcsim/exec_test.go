package main

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"testing/iotest"
	"time"
)

// catSrc copies fd 0 to fd 1 until end of file, then exits with the errno
// of ioctl(0, TCGETS) (25, ENOTTY, when fd 0 is not a terminal).
const catSrc = `
	.bss
buf:	.zero 64
	.text
	.globl _start
_start:	li a0, 0
	la a1, buf
	li a2, 64
	li a7, SYS_read
	ecall
	blt a0, zero, fail
	beqz a0, done
	mv a2, a0
	li a0, 1
	la a1, buf
	li a7, SYS_write
	ecall
	blt a0, zero, fail
	j _start
done:	li a0, 0
	li a1, TCGETS
	la a2, buf
	li a7, SYS_ioctl
	ecall
fail:	neg a0, a0
	li a7, SYS_exit
	ecall
`

// ttysSrc exits with a bit per standard descriptor that is a terminal
// (ioctl TCGETS succeeds): 1 for fd 0, 2 for fd 1, 4 for fd 2.
const ttysSrc = `
	.bss
buf:	.zero 64
	.text
	.globl _start
_start:	li s0, 0
	li s1, 0
	li s2, 1
1:	mv a0, s1
	li a1, TCGETS
	la a2, buf
	li a7, SYS_ioctl
	ecall
	bnez a0, 2f
	or s0, s0, s2
2:	addi s1, s1, 1
	slli s2, s2, 1
	li t0, 3
	blt s1, t0, 1b
	mv a0, s0
	li a7, SYS_exit
	ecall
`

// yesSrc writes "y\n" to fd 1 until a write fails, then exits with its
// errno. With an argument it ignores SIGPIPE first.
const yesSrc = `
	.data
act:	.dword 1, 0, 0
y:	.ascii "y\n"
	.text
	.globl _start
_start:	ld t0, 0(sp)
	li t1, 2
	blt t0, t1, 1f
	li a0, SIGPIPE
	la a1, act
	li a2, 0
	li a3, 8
	li a7, SYS_rt_sigaction
	ecall
1:	li a0, 1
	la a1, y
	li a2, 2
	li a7, SYS_write
	ecall
	bge a0, zero, 1b
	neg a0, a0
	li a7, SYS_exit
	ecall
`

// A pipe or file as standard input passes every byte as it is, as under
// qemu-riscv64: ^C, ^D, ^U, ^H, DEL, ^W and ^Z are data, not the line
// discipline's, and fd 0 is not a terminal.
func TestExecStdinNotTerminal(t *testing.T) {
	cat := assemble(t, "cat", catSrc)
	input := "a\x03b\x04c\x15d\x08e\x7ff\x17g\x1a\x1c\r\n\x04\x04last"
	for _, tt := range []struct {
		name string
		in   io.Reader
	}{
		{"whole", strings.NewReader(input)},
		{"one byte at a time", iotest.OneByteReader(strings.NewReader(input))},
	} {
		var stdout, stderr strings.Builder
		st := Main([]string{"exec", cat}, tt.in, &stdout, &stderr)
		if st != int(syscall.ENOTTY) || stdout.String() != input || stderr.String() != "" {
			t.Errorf("%s: status %d, stdout %q, stderr %q; want 25 (ENOTTY) and stdout %q", tt.name, st, stdout.String(), stderr.String(), input)
		}
	}
}

// fd 0 and 1 are the terminal only when ipcsim's are; fd 2 is always
// the host's stream. /dev/null is a character device but not a terminal
// (qemu's program finds no tty there either).
func TestExecWhichFDsAreTerminals(t *testing.T) {
	ttys := assemble(t, "ttys", ttysSrc)
	if st, _, _ := run(t, "exec", ttys); st != 0 {
		t.Errorf("buffers as stdin and stdout: status %d, want 0 (no terminal)", st)
	}
	var stderr strings.Builder
	for _, dev := range []string{os.DevNull, "/dev/zero", "/dev/full"} {
		f, err := os.OpenFile(dev, os.O_RDWR, 0)
		if err != nil {
			t.Log(err)
			continue
		}
		if st := Main([]string{"exec", ttys}, f, f, &stderr); st != 0 {
			t.Errorf("%s as stdin and stdout: status %d, want 0 (not a terminal)", dev, st)
		}
		f.Close()
	}
	// The master side of a new pseudo-terminal is a terminal.
	ptmx, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Skip(err)
	}
	defer ptmx.Close()
	if st := Main([]string{"exec", ttys}, ptmx, io.Discard, &stderr); st != 1 {
		t.Errorf("/dev/ptmx as stdin: status %d, want 1 (fd 0 is the terminal)", st)
	}
	if st := Main([]string{"exec", ttys}, strings.NewReader(""), ptmx, &stderr); st != 2 {
		t.Errorf("/dev/ptmx as stdout: status %d, want 2 (fd 1 is the terminal)", st)
	}
}

// errWriter fails every write with err.
type errWriter struct{ err error }

func (w errWriter) Write([]byte) (int, error) { return 0, w.err }

// The host's write errors reach the program as Linux's errno.
func TestExecWriteErrors(t *testing.T) {
	yes := assemble(t, "yes", yesSrc)
	var stderr strings.Builder
	for _, tt := range []struct {
		err  error
		want int
	}{
		{syscall.ENOSPC, 28},
		{&os.PathError{Op: "write", Path: "x", Err: syscall.EDQUOT}, 122},
		{syscall.EIO, 5},
		{errors.New("something else"), 5},
	} {
		if st := Main([]string{"exec", yes}, strings.NewReader(""), errWriter{tt.err}, &stderr); st != tt.want {
			t.Errorf("stdout failing with %v: status %d, want %d", tt.err, st, tt.want)
		}
	}

	// A real /dev/full.
	full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		t.Fatalf("issue 15's ENOSPC check needs Linux's /dev/full: %v", err)
	}
	defer full.Close()
	if st := Main([]string{"exec", yes}, strings.NewReader(""), full, &stderr); st != 28 {
		t.Errorf("stdout /dev/full: status %d, want 28 (ENOSPC)", st)
	}
}

// A write to a pipe whose reader left gets SIGPIPE (status 141, the
// default action kills) or, with SIGPIPE ignored, EPIPE (32).
func TestExecBrokenPipe(t *testing.T) {
	yes := assemble(t, "yes", yesSrc)
	for _, tt := range []struct {
		args []string
		want int
	}{
		{[]string{"exec", yes}, 128 + 13},
		{[]string{"exec", yes, "ignore"}, 32},
	} {
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		r.Close()
		var stderr strings.Builder
		st := Main(tt.args, strings.NewReader(""), w, &stderr)
		w.Close()
		if st != tt.want {
			t.Errorf("%v: status %d, want %d; stderr %q", tt.args[2:], st, tt.want, stderr.String())
		}
	}
}

// TestExecBrokenStdoutProcess runs ipcsim exec as its own process, with
// its standard output a pipe that the reader closes after one byte, as
// "ipcsim exec yes | head -c1" does: ipcsim must not die of the host's
// SIGPIPE, and exits 141 as the program did.
func TestExecBrokenStdoutProcess(t *testing.T) {
	if prog := os.Getenv("IPCSIM_EXEC_PROG"); prog != "" {
		os.Exit(Main([]string{"exec", prog}, os.Stdin, os.Stdout, os.Stderr))
	}
	yes := assemble(t, "yes", yesSrc)
	cmd := exec.Command(os.Args[0], "-test.run=^TestExecBrokenStdoutProcess$")
	cmd.Env = append(os.Environ(), "IPCSIM_EXEC_PROG="+yes)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := time.AfterFunc(time.Minute, func() { cmd.Process.Kill() })
	defer done.Stop()
	b := make([]byte, 1)
	if _, err := out.Read(b); err != nil || b[0] != 'y' {
		t.Errorf("first byte %q, %v; want 'y'", b, err)
	}
	out.Close()
	err = cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 128+13 {
		t.Errorf("ipcsim exec yes | head -c1: %v (stderr %q); want exit status 141", err, stderr.String())
	}
}

// TestExecTraceToFile: --trace=FILE (a sim.TraceWriter, whose Records'
// lines another goroutine makes) writes the lines --trace writes to
// standard error as they happen, text and JSON, over many batches; a file
// that cannot take the trace is said on standard error, and the status is
// still the program's.
func TestExecTraceToFile(t *testing.T) {
	prog := filepath.Join("..", "..", "testdata", "bench", "bin", "pipepingpong")
	for _, format := range []string{"text", "json"} {
		file := filepath.Join(t.TempDir(), "trace")
		st, _, _ := run(t, "exec", "--format="+format, "--trace="+file, prog, "3000")
		var stdout, stderr strings.Builder
		st2 := Main([]string{"exec", "--format=" + format, "--trace", prog, "3000"}, strings.NewReader(""), &stdout, &stderr)
		got, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if st != 0 || st2 != 0 || len(got) == 0 || string(got) != stderr.String() {
			t.Errorf("%s: status %d and %d; the file's %d bytes are not the %d written to standard error", format, st, st2, len(got), stderr.Len())
		}
	}
	st, _, errs := run(t, "exec", "--trace=/dev/full", prog, "3000")
	if st != 0 || !strings.Contains(errs, "ipcsim exec: --trace: ") || !strings.Contains(errs, "no space left on device") {
		t.Errorf("--trace=/dev/full: status %d, stderr %q", st, errs)
	}
}

// mixSrc writes "out\n" to standard output, "err\n" to standard error,
// reads standard input, and writes both again: a program whose trace
// and output share a file under 2>&1.
const mixSrc = `
	.data
out:	.ascii "out\n"
err:	.ascii "err\n"
buf:	.space 8
	.text
	.globl _start
_start:	li s0, 2
1:	li a0, 1
	la a1, out
	li a2, 4
	li a7, SYS_write
	ecall
	li a7, SYS_getpid
	ecall
	li a0, 2
	la a1, err
	li a2, 4
	li a7, SYS_write
	ecall
	li a0, 0
	la a1, buf
	li a2, 8
	li a7, SYS_read
	ecall
	addi s0, s0, -1
	bnez s0, 1b
	li a0, 0
	li a7, SYS_exit
	ecall
`

// watchedInput is standard input that notes, at each read, what the
// output shows by then.
type watchedInput struct {
	in   io.Reader
	out  *strings.Builder
	seen []string
}

func (w *watchedInput) Read(p []byte) (int, error) {
	w.seen = append(w.seen, w.out.String())
	return w.in.Read(p)
}

// TestExecTraceSharesStderr: --trace to a standard error that is not a
// terminal (sharedStderr: the lines wait in a buffer) writes what writing
// each line as it happens writes, in the same order, with standard output
// the same file (2>&1), text and JSON, ipcsim's own message at a cycle
// limit last; and whoever reads the output when the program waits for
// input sees all of it so far.
func TestExecTraceSharesStderr(t *testing.T) {
	mix := assemble(t, "mix", mixSrc)
	for _, args := range [][]string{{"--format=text"}, {"--format=json"}, {"--limit=20"}} {
		exec := func(unbuffered bool) (int, string, []string) {
			unbufferedTrace = unbuffered
			defer func() { unbufferedTrace = false }()
			var both strings.Builder
			in := &watchedInput{in: strings.NewReader("a\nb\n"), out: &both}
			st := Main(append(append([]string{"exec", "--trace"}, args...), mix), in, &both, &both)
			return st, both.String(), in.seen
		}
		wantSt, want, wantSeen := exec(true)
		st, got, gotSeen := exec(false)
		limited := args[0] == "--limit=20" // stops before the first read
		if st != wantSt || got != want || !slices.Equal(gotSeen, wantSeen) || len(wantSeen) == 0 && !limited || !strings.Contains(want, "getpid") {
			t.Errorf("%v: buffered, status %d and the output\n%s\nat its reads %q;\nline by line, status %d and\n%s\nat its reads %q", args, st, got, gotSeen, wantSt, want, wantSeen)
		}
		if limited && (wantSt != exitCycleLimit || !strings.HasSuffix(want, "ipcsim: cycle limit 20 reached\n")) {
			t.Errorf("--limit=20: status %d, output\n%s\nwant the cycle limit's message last", wantSt, want)
		}
	}
}

// traceChild starts this test binary as ipcsim exec --trace of
// pipepingpong with N round trips (the test named test runs Main when
// IPCSIM_TRACE_N is set), through sh, whose trap ignores SIGINT, if
// ignoreINT, its standard error stderr. The child is killed after a minute.
func traceChild(t *testing.T, test, n string, ignoreINT bool, stderr *os.File) *exec.Cmd {
	t.Helper()
	cmd := childCommand(t, test, "IPCSIM_TRACE_N="+n, ignoreINT)
	cmd.Stderr = stderr
	startChild(t, cmd)
	return cmd
}

// childCommand is this test binary running only the test named test,
// with env (NAME=VALUE) added to its environment, through sh, whose trap
// ignores SIGINT, if ignoreINT.
func childCommand(t *testing.T, test, env string, ignoreINT bool) *exec.Cmd {
	t.Helper()
	self, err := filepath.Abs(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(self, "-test.run=^"+test+"$")
	if ignoreINT {
		cmd = exec.Command("sh", "-c", `trap '' INT; exec "$0" "$@"`, self, "-test.run=^"+test+"$")
	}
	cmd.Env = append(os.Environ(), env)
	return cmd
}

// startChild starts cmd, which is killed after a minute.
func startChild(t *testing.T, cmd *exec.Cmd) {
	t.Helper()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := time.AfterFunc(time.Minute, func() { cmd.Process.Kill() })
	t.Cleanup(func() { done.Stop() })
}

// traceChildMain is the child of traceChild: ipcsim exec --trace.
func traceChildMain() {
	if n := os.Getenv("IPCSIM_TRACE_N"); n != "" {
		prog := filepath.Join("..", "..", "testdata", "bench", "bin", "pipepingpong")
		os.Exit(Main([]string{"exec", "--trace", prog, n}, os.Stdin, os.Stdout, os.Stderr))
	}
}

// untilWritten waits until f has some bytes: the trace is on its way (the
// buffer was written once), so the signals are caught by then.
func untilWritten(f *os.File) {
	for {
		if fi, err := f.Stat(); err == nil && fi.Size() > 0 {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// killedBy reports whether err is the end of a process killed by sig.
func killedBy(err error, sig syscall.Signal) bool {
	var ee *exec.ExitError
	return errors.As(err, &ee) && ee.Sys().(syscall.WaitStatus).Signal() == sig
}

// interruptTraceChild runs traceChild with its standard error a file,
// sends it SIGINT once the trace is on its way, and returns
// the trace, and how it ended.
func interruptTraceChild(t *testing.T, test, n string, ignoreINT bool) (trace []byte, end error) {
	t.Helper()
	f, err := os.Create(filepath.Join(t.TempDir(), "trace"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cmd := traceChild(t, test, n, ignoreINT, f)
	untilWritten(f)
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	end = cmd.Wait()
	b, err := os.ReadFile(f.Name())
	if err != nil {
		t.Fatal(err)
	}
	return b, end
}

// TestExecTraceSignalFlushes runs ipcsim exec --trace as its own process,
// its standard error a file, on a program that runs for ever, and ends it
// with SIGINT (^C): the trace waiting in the buffer is written first, so
// that the file ends with a whole line, and ipcsim dies of the signal as
// it would have.
func TestExecTraceSignalFlushes(t *testing.T) {
	traceChildMain()
	b, err := interruptTraceChild(t, "TestExecTraceSignalFlushes", "1000000000", false)
	if !killedBy(err, syscall.SIGINT) {
		t.Errorf("ipcsim exec --trace, ^C: %v; want killed by SIGINT", err)
	}
	if len(b) == 0 || b[len(b)-1] != '\n' {
		t.Errorf("the trace (%d bytes) ends in the middle of a line: %q", len(b), b[max(0, len(b)-100):])
	}
}

// TestExecTraceSignalIgnored: a SIGINT ipcsim was started with ignored
// (by sh's trap, as a script's cmd & has it) stays ignored with the trace
// buffered: the run goes on to its end, trace and all.
func TestExecTraceSignalIgnored(t *testing.T) {
	traceChildMain()
	b, err := interruptTraceChild(t, "TestExecTraceSignalIgnored", "200000", true)
	if err != nil {
		t.Errorf("ipcsim exec --trace with SIGINT ignored, sent SIGINT: %v; want the run to its end", err)
	}
	if !bytes.HasSuffix(b, []byte("wait4(-1, NULL, 0, NULL) = 2\n")) {
		t.Errorf("the trace does not end with init reaping the program: %q", b[max(0, len(b)-200):])
	}
}

// TestExecTraceSignalStuckWriter: SIGTERM ends ipcsim exec --trace whose
// standard error is a pipe nobody reads (a pager at a full screen): the
// lines cannot go out, and ipcsim does not wait for them for ever.
func TestExecTraceSignalStuckWriter(t *testing.T) {
	traceChildMain()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	cmd := traceChild(t, "TestExecTraceSignalStuckWriter", "1000000000", false, w)
	w.Close()
	if _, err := r.Read(make([]byte, 1)); err != nil { // the trace is on its way
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond) // the pipe fills, the writer waits
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); !killedBy(err, syscall.SIGTERM) {
		t.Errorf("ipcsim exec --trace 2>pipe not read, SIGTERM: %v; want killed by SIGTERM", err)
	}
}

// errCountSrc ignores SIGPIPE and writes "e\n" to standard error up to
// 200 times; it exits with how many writes succeeded.
const errCountSrc = `
	.data
act:	.dword 1, 0, 0
e:	.ascii "e\n"
	.text
	.globl _start
_start:	li a0, SIGPIPE
	la a1, act
	li a2, 0
	li a3, 8
	li a7, SYS_rt_sigaction
	ecall
	li s1, 0
1:	li a0, 2
	la a1, e
	li a2, 2
	li a7, SYS_write
	ecall
	blt a0, zero, 2f
	addi s1, s1, 1
	li t0, 200
	blt s1, t0, 1b
2:	mv a0, s1
	li a7, SYS_exit
	ecall
`

// TestExecTraceBrokenStderr: with the trace buffered on standard error
// (sharedStderr), a write of the program's own to a standard error whose
// reader left fails at once with EPIPE, as on Linux, not once the buffer
// fills.
func TestExecTraceBrokenStderr(t *testing.T) {
	prog := assemble(t, "errcount", errCountSrc)
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	r.Close()
	defer w.Close()
	if st := Main([]string{"exec", "--trace", prog}, strings.NewReader(""), io.Discard, w); st != 0 {
		t.Errorf("%d writes to a broken standard error succeeded; want none", st)
	}
}

// readyLoopSrc says "ready" on standard output, calls getppid, and loops
// for ever without a call.
const readyLoopSrc = `
	.data
ready:	.ascii "ready\n"
	.text
	.globl _start
_start:	li a0, 1
	la a1, ready
	li a2, 6
	li a7, SYS_write
	ecall
	li a7, SYS_getppid
	ecall
1:	j 1b
`

// TestExecTraceSignalStopsTheMachine: ^C to ipcsim exec --trace, its
// standard error a file, while the program computes after a call: the
// call's line, which waits in the TraceWriter's batch (the program
// writes nothing after it that would make it go out, and the time
// slices' lines are too few to fill the batch), is written before
// ipcsim dies of the signal, because the signal stops the machine soon
// (kernel.Interrupt) and the run's end writes the trace. The signal is
// sent a moment after the program says "ready", just before the call; a
// machine too slow to make the call by then is given two more tries.
//
// Two lengths of time slice: 2,000,000 cycles, some 4 ms of the host's
// (ten times that under the race detector, still well within
// signalFlushWait), and 10^12, the most --quantum takes, which the
// machine would take an hour to end (the kernel runs a slice in pieces:
// runUser's slicePiece).
func TestExecTraceSignalStopsTheMachine(t *testing.T) {
	if prog := os.Getenv("IPCSIM_TRACE_PROG"); prog != "" {
		q := "--quantum=" + os.Getenv("IPCSIM_TRACE_QUANTUM")
		os.Exit(Main([]string{"exec", "--trace", q, prog}, os.Stdin, os.Stdout, os.Stderr))
	}
	prog := assemble(t, "readyloop", readyLoopSrc)
	for _, quantum := range []string{"2000000", "1000000000000"} {
		var trace []byte
		for try := 0; try < 3; try++ {
			f, err := os.Create(filepath.Join(t.TempDir(), "trace"))
			if err != nil {
				t.Fatal(err)
			}
			cmd := childCommand(t, "TestExecTraceSignalStopsTheMachine", "IPCSIM_TRACE_PROG="+prog, false)
			cmd.Env = append(cmd.Env, "IPCSIM_TRACE_QUANTUM="+quantum)
			cmd.Stderr = f
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			startChild(t, cmd)
			if _, err := io.ReadFull(out, make([]byte, len("ready\n"))); err != nil {
				t.Fatal(err)
			}
			time.Sleep(100 * time.Millisecond)
			if err := cmd.Process.Signal(os.Interrupt); err != nil {
				t.Fatal(err)
			}
			end := cmd.Wait()
			f.Close()
			if !killedBy(end, syscall.SIGINT) {
				t.Fatalf("ipcsim exec --trace --quantum=%s, ^C: %v; want killed by SIGINT", quantum, end)
			}
			if trace, err = os.ReadFile(f.Name()); err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(trace, []byte("getppid() = ")) {
				break
			}
		}
		if !bytes.Contains(trace, []byte("getppid() = ")) {
			t.Errorf("--quantum=%s: the trace after ^C has no line of the program's last call, getppid:\n%s", quantum, trace)
		}
	}
}

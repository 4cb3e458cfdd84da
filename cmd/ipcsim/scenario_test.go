package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ipcsim/abi"
	"ipcsim/kernel"
	"ipcsim/sim"
	"ipcsim/sim/asm"
)

const helloScenario = "../../testdata/scenarios/hello.txtar"

func TestRun(t *testing.T) {
	st, out, stderr := run(t, "run", helloScenario)
	if st != 0 {
		t.Fatalf("status %d, stderr %q", st, stderr)
	}
	want := "--- console\nhello, world\n--- exits\npid 2 (hello): exited with status 0\n"
	if !strings.HasSuffix(out, want) || !strings.Contains(out, `pid 2   write(1, "hello, world\n", 13) = 13`) {
		t.Errorf("output:\n%s\nwant a trace, then\n%s", out, want)
	}
	st, out, _ = run(t, "run", "--format=json", helloScenario)
	if st != 0 || !strings.Contains(out, `"text":"write(1, \"hello, world\\n\", 13) = 13"`) {
		t.Errorf("json: status %d, output:\n%s", st, out)
	}
}

// TestRunTraceWriter: ipcsim run writes its trace with a sim.TraceWriter
// (the lines of the commonest events made on another core), filtered or
// not, with the tree of --tree or not: its lines are HostTracer's of the
// events the filter shows, text and JSON, one machine or hosts on a
// network (neither scenario has a want/trace section, which would make
// the run give the writer every event), and then come the console (text)
// or the other documents (JSON). With --tree the output is the same but
// for the tree at its end. A run that fails before it starts writes
// nothing to standard output and its error to standard error.
func TestRunTraceWriter(t *testing.T) {
	for _, name := range []string{"msg_queued_types", "net_udp"} {
		file := "../../testdata/scenarios/" + name + ".txtar"
		s, err := sim.Load(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, format := range []string{"text", "json"} {
			all := ""
			for _, f := range [][]string{nil, {"--pid=2", "--hide=wake"}, {"--only=switch,syscall", "--from=500"}} {
				fs := flag.NewFlagSet("run", flag.ContinueOnError)
				filter := filterFlags(fs) // as run reads them
				if err := fs.Parse(f); err != nil {
					t.Fatal(err)
				}
				var want, wantTree bytes.Buffer
				trace, _ := sim.HostTracer(&want, format == "json", s.HostWidth())
				shown := filter.Wrap(trace)
				rt := sim.NewRunTree(s.HostNames())
				if _, err := s.Run(sim.Options{Trace: func(e *kernel.Event) { shown(e); rt.Event(e) }}); err != nil {
					t.Fatal(err)
				}
				for i, h := range rt.Hosts() { // as run writes the tree in text
					fmt.Fprintf(&wantTree, "--- processes %s\n", h)
					rt.Write(&wantTree, i)
				}
				if len(s.Hosts) == 0 {
					wantTree.WriteString("--- processes\n")
					rt.Write(&wantTree, 0)
				}
				args := append(append([]string{"run", "--format=" + format}, f...), file)
				st, out, stderr := run(t, args...)
				next := "--- console"
				if format == "json" {
					next = `{"type":`
				}
				if f == nil {
					all = want.String()
				}
				shows := want.Len() > 0 && (f == nil) == (want.String() == all) // a filter hides some, not all
				if st != exitOK || !shows || !strings.HasPrefix(out, want.String()) || !strings.HasPrefix(out[want.Len():], next) {
					t.Errorf("%s %s %v: status %d, stderr %q; the output\n%s\nis not the trace\n%s\nthen %q", name, format, f, st, stderr, out, want.String(), next)
				}
				_, tree, _ := run(t, append([]string{"run", "--tree"}, args[1:]...)...)
				if !strings.HasPrefix(tree, out) || len(tree) == len(out) || format == "text" && tree[len(out):] != wantTree.String() {
					t.Errorf("%s %s %v: the output is not the --tree output without its tree:\n%s\n--- with --tree:\n%s", name, format, f, out, tree)
				}
			}
		}
	}
	bin, err := filepath.Abs("../../testdata/bench/bin")
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "limit.txtar")
	writeFile(t, file, []byte("machine maxprocs=2\nspawn "+bin+"/nop\nspawn "+bin+"/pipepingpong 5\n"), 0o644)
	st, out, stderr := run(t, "run", file)
	if st != exitBadInput || out != "" || !strings.Contains(stderr, "limit.txtar:3:7: cannot spawn") {
		t.Errorf("a spawn refused: status %d, stdout %q, stderr %q", st, out, stderr)
	}
}

// TestTestCommand runs a passing scenario, breaks it, and repairs it with --update.
func TestTestCommand(t *testing.T) {
	data, err := os.ReadFile(helloScenario)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "hello.txtar")
	writeFile(t, file, data, 0o644)

	st, out, _ := run(t, "test", dir)
	if st != 0 || out != "ok "+file+"\n1 passed, 0 failed\n" {
		t.Errorf("passing: status %d, output:\n%s", st, out)
	}
	st, out, _ = run(t, "test", "-q", file)
	if st != 0 || out != "1 passed, 0 failed\n" {
		t.Errorf("quiet: status %d, output:\n%s", st, out)
	}

	broken := strings.Replace(string(data), "-- want/console --\nhello, world\n", "-- want/console --\ngoodbye\n", 1)
	writeFile(t, file, []byte(broken), 0o644)
	st, out, _ = run(t, "test", file)
	wantDiff := "want/console differs (-want +got):\n        --- want\n        +++ got\n        @@ -1 +1 @@\n        -goodbye\n        +hello, world\n"
	if st != 1 || !strings.HasPrefix(out, "--- FAIL: "+file+"\n") || !strings.Contains(out, wantDiff) || !strings.HasSuffix(out, "0 passed, 1 failed\n") {
		t.Errorf("failing: status %d, output:\n%s", st, out)
	}

	st, out, _ = run(t, "test", "--update", file)
	if st != 0 || !strings.HasSuffix(out, "1 passed, 0 failed\n") {
		t.Errorf("update: status %d, output:\n%s", st, out)
	}
	if got, err := os.ReadFile(file); err != nil || string(got) != string(data) {
		t.Errorf("update did not restore the file byte for byte:\n%s", got)
	}
}

// TestTestChecksNothing: ipcsim test passes a scenario with no expect
// line and no want/ section, and warns that it checks nothing, even with
// -q; once --update has recorded its want/ sections, the warning is gone.
func TestTestChecksNothing(t *testing.T) {
	data, err := os.ReadFile(helloScenario)
	if err != nil {
		t.Fatal(err)
	}
	text, _, _ := strings.Cut(string(data), "-- want/")
	text = strings.ReplaceAll(text, "expect exit hello 0\n", "")
	text = strings.ReplaceAll(text, "expect console \"hello, world\\n\"\n", "")
	if strings.Contains(text, "expect ") {
		t.Fatalf("hello.txtar's expect lines changed: fix the test\n%s", text)
	}
	file := filepath.Join(t.TempDir(), "nothing.txtar")
	writeFile(t, file, []byte(text), 0o644)

	warning := "warning: " + file + " checks nothing: no expect line, no want/ section (ipcsim test --update records its console and exits)\n"
	st, out, _ := run(t, "test", file)
	if st != 0 || out != "ok "+file+"\n"+warning+"1 passed, 0 failed\n" {
		t.Errorf("status %d, output:\n%s", st, out)
	}
	st, out, _ = run(t, "test", "-q", file)
	if st != 0 || out != warning+"1 passed, 0 failed\n" {
		t.Errorf("-q: status %d, output:\n%s", st, out)
	}
	st, out, _ = run(t, "test", "--update", file)
	if st != 0 || strings.Contains(out, "warning") {
		t.Errorf("--update: status %d, output:\n%s", st, out)
	}
	st, out, _ = run(t, "test", file)
	if st != 0 || out != "ok "+file+"\n1 passed, 0 failed\n" {
		t.Errorf("after --update: status %d, output:\n%s", st, out)
	}
}

// assemble writes the assembly src as an ELF file in a temporary directory.
func assemble(t *testing.T, name, src string) string {
	t.Helper()
	pre := map[string]int64{}
	for _, s := range abi.Symbols() {
		pre[s.Name] = s.Value
	}
	p, err := asm.Assemble(name+".s", []byte(src), asm.Options{Predefined: pre})
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(file, p.ELF, 0o755); err != nil {
		t.Fatal(err)
	}
	return file
}

func TestExec(t *testing.T) {
	// echo1 writes argv[1] and a newline, then exits with argc.
	echo1 := assemble(t, "echo1", `
	.data
nl:	.ascii "\n"
	.text
	.globl _start
_start:	ld s0, 0(sp)
	ld a1, 16(sp)
	mv t0, a1
1:	lbu t1, 0(t0)
	beqz t1, 2f
	addi t0, t0, 1
	j 1b
2:	sub a2, t0, a1
	li a0, 1
	li a7, SYS_write
	ecall
	li a0, 2
	la a1, nl
	li a2, 1
	li a7, SYS_write
	ecall
	mv a0, s0
	li a7, SYS_exit
	ecall
`)
	var stdout, stderr strings.Builder
	st := Main([]string{"exec", echo1, "some words", "x"}, strings.NewReader(""), &stdout, &stderr)
	if st != 3 || stdout.String() != "some words" || stderr.String() != "\n" {
		t.Errorf("exec: status %d, stdout %q, stderr %q; want 3, %q, %q", st, stdout.String(), stderr.String(), "some words", "\n")
	}

	stdout.Reset()
	stderr.Reset()
	st = Main([]string{"exec", "--trace", echo1, "a"}, strings.NewReader(""), &stdout, &stderr)
	if st != 2 || !strings.Contains(stderr.String(), `write(1, "a", 1) = 1`) {
		t.Errorf("exec --trace: status %d, stderr %q", st, stderr.String())
	}

	spin := assemble(t, "spin", "\t.text\n\t.globl _start\n_start: j _start\n")
	st, _, errs := run(t, "exec", "--limit=5000", spin)
	if st != exitCycleLimit || errs != "ipcsim: cycle limit 5000 reached\n" {
		t.Errorf("spin: status %d, stderr %q", st, errs)
	}
	// Without --limit, exec stops at its default limit (lowered here: the
	// real one, 10^12 cycles, takes about an hour of host time).
	defer func(n uint64) { execDefaultLimit = n }(execDefaultLimit)
	execDefaultLimit = 7000
	st, _, errs = run(t, "exec", spin)
	if st != exitCycleLimit || !strings.HasPrefix(errs, "ipcsim: exec's default cycle limit 7000 reached") {
		t.Errorf("spin without --limit: status %d, stderr %q", st, errs)
	}
	if st, _, errs = run(t, "exec", "--limit=none", countdown(t)); st != 0 {
		t.Errorf("--limit=none: status %d, stderr %q", st, errs)
	}

	segv := assemble(t, "segv", "\t.text\n\t.globl _start\n_start: sd zero, 0(zero)\n")
	if st, _, _ := run(t, "exec", segv); st != 128+11 {
		t.Errorf("segv: status %d, want 139", st)
	}
}

// napForever sleeps 0.1 s of virtual time in a loop, forever: a scenario
// that never ends unless a cycle limit stops it (a sleep, so that reaching
// the default limit takes few host cycles).
const napForever = `# naps forever
spawn nap.s
-- nap.s --
	.text
	.globl _start
_start:	la a0, ts
	li a1, 0
	li a7, SYS_nanosleep
	ecall
	j _start
	.data
ts:	.dword 0, 100000000
`

// TestDefaultCycleLimit: run, test and inspect stop a scenario without
// limit= at the default limit, and say so (issue 15: ipcsim test DIR in CI
// used to hang on a scenario that never ended).
func TestDefaultCycleLimit(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "nap.txtar")
	os.WriteFile(file, []byte(napForever), 0o644)
	st, out, stderr := run(t, "run", file)
	if st != 0 || !strings.Contains(out, "--- exits\nstopped at cycle 1000000000: cycle limit reached\n") ||
		!strings.Contains(stderr, "stopped at the default cycle limit (1000000000 cycles") {
		t.Errorf("run: status %d, stderr %q, output ends %q", st, stderr, out[max(0, len(out)-200):])
	}
	st, out, _ = run(t, "run", "--limit=250_000_000", file)
	if st != 0 || !strings.Contains(out, "--- exits\nstopped at cycle 250000000: cycle limit reached\n") {
		t.Errorf("run --limit: status %d, output ends %q", st, out[max(0, len(out)-200):])
	}
	st, out, _ = run(t, "test", dir)
	if st != exitOK || !strings.HasSuffix(out, "1 passed, 0 failed\n") {
		t.Errorf("test: status %d, output %q", st, out)
	}
	// A failing scenario says that the default limit stopped it.
	os.WriteFile(file, []byte(napForever+"-- want/exits --\n"), 0o644)
	st, out, _ = run(t, "test", file)
	if st != exitFailed || !strings.Contains(out, "\n    ipcsim test: "+file+" stopped at the default cycle limit (1000000000 cycles") {
		t.Errorf("failing test: status %d, output %q", st, out)
	}
	os.WriteFile(file, []byte(napForever), 0o644)
	st, out, _ = run(t, "inspect", "--at=2_000_000_000", file)
	if st != exitOK || !strings.HasPrefix(out, "the run ended before cycle 2000000000: cycle limit reached at cycle 1000000000; this is the state it ended in\nstate at cycle 1000000000\n") {
		t.Errorf("inspect: status %d, output %q", st, out)
	}
	st, out, _ = run(t, "run", "--limit=none", helloScenario)
	if st != 0 || !strings.HasSuffix(out, "pid 2 (hello): exited with status 0\n") {
		t.Errorf("run --limit=none: status %d, output ends %q", st, out[max(0, len(out)-200):])
	}
}

// TestRunFloodsConsole: ipcsim run shows the first MiB of a console that
// received far more, and says how much there was (issue 15).
func TestRunFloodsConsole(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "flood.txtar")
	os.WriteFile(file, []byte(`machine mem=1M limit=20_000
spawn flood.s
-- flood.s --
	.text
	.globl _start
_start:	li a0, 1
	la a1, buf
	li a2, 4096
	li a7, SYS_write
	ecall
	j _start
	.data
buf:	.space 4095
	.byte 10
`), 0o644)
	st, out, stderr := run(t, "run", file)
	_, console, _ := strings.Cut(out, "--- console\n")
	console, exits, _ := strings.Cut(console, "--- exits\n")
	lines := strings.Split(console, "\n")
	if st != 0 || len(console) < 1<<20 || len(console) > 1<<20+200 ||
		lines[len(lines)-2] != `\ console output exceeds 1048576 bytes: 13647872 bytes written, the first 1048576 shown` ||
		exits != "stopped at cycle 20000: cycle limit reached\n" {
		t.Errorf("status %d, stderr %q, console of %d bytes ending %q, exits %q", st, stderr, len(console), lines[len(lines)-2], exits)
	}
}

// countdown is a program that runs past the lowered default limit and
// exits 0: --limit=none must let it finish.
func countdown(t *testing.T) string {
	return assemble(t, "count", "\t.text\n\t.globl _start\n_start: li t0, 5000\n1: addi t0, t0, -1\n\tbnez t0, 1b\n\tli a0, 0\n\tli a7, 93\n\tecall\n")
}

// TestTestCProgram: a C scenario whose binary is stale is bad input,
// named at its section with how to rebuild it; --update without the
// compiler cannot rebuild it, and leaves a fresh binary alone.
func TestTestCProgram(t *testing.T) {
	dir := t.TempDir()
	copyTo := func(from, to string) {
		data, err := os.ReadFile(from)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
			t.Fatal(err)
		}
		writeFile(t, to, data, 0o644)
	}
	for _, f := range []string{"start.S", "link.ld", "rt.h"} {
		copyTo(filepath.Join("../../testdata/linux/rt", f), filepath.Join(dir, "linux/rt", f))
	}
	file := filepath.Join(dir, "scenarios/hello_c.txtar")
	copyTo("../../testdata/scenarios/hello_c.txtar", file)
	for _, f := range []string{"hello", "hello.stamp"} {
		copyTo(filepath.Join("../../testdata/scenarios/build/hello_c", f), filepath.Join(dir, "scenarios/build/hello_c", f))
	}
	gcc := filepath.Join(dir, "no/riscv64-linux-gnu-gcc")
	t.Setenv("IPCSIM_CC", gcc)

	for _, args := range [][]string{{"test", file}, {"test", "--update", file}} {
		if st, out, _ := run(t, args...); st != 0 || out != "ok "+file+"\n1 passed, 0 failed\n" {
			t.Errorf("%v with a fresh binary: status %d, output:\n%s", args, st, out)
		}
	}

	data, _ := os.ReadFile(file)
	writeFile(t, file, []byte(strings.Replace(string(data), `print("hello, world\n");`, `print("hi\n");`, 1)), 0o644)
	st, out, _ := run(t, "test", file)
	want := "--- FAIL: " + file + "\n    " + file + ":22:1: hello.c changed since its binary was built (sha256 "
	wantEnd := "; run ipcsim test --update " + file + " with " + gcc + " installed\n0 passed, 1 failed\n"
	if st != 2 || !strings.HasPrefix(out, want) || !strings.HasSuffix(out, wantEnd) {
		t.Errorf("stale: status %d, output:\n%s\nwant status 2 and\n%s...%s", st, out, want, wantEnd)
	}
	st, out, _ = run(t, "test", "--update", file)
	want = "--- FAIL: " + file + "\n    " + file + ":22:1: cannot build hello.c: " + gcc + " not found: install Debian's gcc-riscv64-linux-gnu, or name a compiler in IPCSIM_CC\n0 passed, 1 failed\n"
	if st != 2 || out != want {
		t.Errorf("stale, --update without the compiler: status %d, output:\n%s\nwant status 2 and\n%s", st, out, want)
	}
	if st, _, stderr := run(t, "run", file); st != 2 || !strings.Contains(stderr, file+":22:1: hello.c changed since its binary was built") {
		t.Errorf("run stale: status %d, stderr:\n%s", st, stderr)
	}
}

package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"ipcsim/kernel"
	"ipcsim/sim"
)

// run, test and explore --check on scenarios that keep the invariants:
// the same output as without, the same exit status. (A kernel that breaks
// one is kernel_test's TestScenarioCheckReportsBrokenInvariant; how the
// commands report it is TestInvariantStatus.)
func TestCheckFlagPasses(t *testing.T) {
	cow := filepath.Join("..", "..", "testdata", "scenarios", "cow.txtar")
	st, plain, _ := run(t, "run", cow)
	stc, checked, errs := run(t, "run", "--check", cow)
	if st != 0 || stc != 0 || errs != "" || plain != checked {
		t.Fatalf("run --check: status %d (without: %d), stderr %q, output differs: %v", stc, st, errs, plain != checked)
	}
	st, out, _ := run(t, "test", "--check", cow)
	if st != 0 || !strings.Contains(out, "1 passed, 0 failed") {
		t.Fatalf("test --check: status %d:\n%s", st, out)
	}
	counter := filepath.Join("..", "..", "testdata", "scenarios", "explore_counter.txtar")
	st, out, _ = run(t, "explore", "--check", "--schedules=30", "--workers=1", counter)
	if st != exitFailed || !strings.Contains(out, "replay: ipcsim run --check --replay ipx1:") || strings.Contains(out, "invariants") {
		t.Fatalf("explore --check: status %d:\n%s", st, out)
	}
}

// A broken invariant is the last section of the text output, or a message
// on standard error, with its name, detail and cycle; it fails the run.
func TestInvariantStatus(t *testing.T) {
	o := &sim.Outcome{Result: kernel.Result{Reason: kernel.StopInvariant,
		Invariant: &kernel.InvariantError{Invariant: "pipes", Detail: "pipe#1 counts 2 readers, but 1 open descriptions read it", Cycle: 1234}}}
	var b bytes.Buffer
	if st := invariantStatus(&b, "run", true, o); st != exitFailed {
		t.Fatalf("status %d", st)
	}
	want := "--- invariants\nkernel invariant \"pipes\" broken at cycle 1234: pipe#1 counts 2 readers, but 1 open descriptions read it (the run stopped there)\n"
	if b.String() != want {
		t.Fatalf("got %q, want %q", b.String(), want)
	}
	b.Reset()
	o.Hosts = []sim.HostOutcome{{Name: "alice"}, {Name: "bob", Result: kernel.HostResult{Result: o.Result}}}
	invariantStatus(&b, "run", false, o)
	if want := "ipcsim run: host bob: kernel invariant \"pipes\" broken at cycle 1234: "; !strings.HasPrefix(b.String(), want) {
		t.Fatalf("got %q, want %q...", b.String(), want)
	}
	if st := invariantStatus(&b, "run", true, &sim.Outcome{}); st != exitOK {
		t.Fatalf("no break: status %d", st)
	}
}

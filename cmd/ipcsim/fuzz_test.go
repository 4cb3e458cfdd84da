package main

import (
	"regexp"
	"strings"
	"testing"

	"ipcsim/explore"
)

// fuzzOut runs ipcsim fuzz and returns its status and its output without
// the rate line (the wall clock's).
func fuzzOut(t *testing.T, args ...string) (int, string) {
	t.Helper()
	st, out, errs := run(t, append([]string{"fuzz"}, args...)...)
	if errs != "" {
		t.Fatalf("ipcsim fuzz %v: stderr %q", args, errs)
	}
	rate := regexp.MustCompile(`(?m)^rate: \d+ calls/s, \d+ cases/s \(wall clock, [0-9.]+s\)\n`)
	if !rate.MatchString(out) {
		t.Fatalf("ipcsim fuzz %v: no rate line in\n%s", args, out)
	}
	return st, rate.ReplaceAllString(out, "")
}

// A short run with invariants checked: the same summary for one worker
// and for three, nothing failing.
func TestFuzzWorkers(t *testing.T) {
	st1, out1 := fuzzOut(t, "--check", "--seed=3", "--calls=2000", "--workers=1")
	st3, out3 := fuzzOut(t, "--check", "--seed=3", "--calls=2000", "--workers=3")
	if st1 != 0 || st3 != 0 {
		t.Fatalf("status %d and %d:\n%s", st1, st3, out1)
	}
	if out1 != out3 {
		t.Fatalf("the workers changed the output:\n%s\n---\n%s", out1, out3)
	}
	sum := regexp.MustCompile(`^fuzz: seed 3, 4 processes x 50 calls a case: \d+ cases, \d+ calls, \d+ respawns, \d+ instructions, \d+ invariant checks, 0 failing\n$`)
	if !sum.MatchString(out1) {
		t.Fatalf("summary:\n%s", out1)
	}
	_, plain := fuzzOut(t, "--seed=3", "--calls=2000")
	if !strings.Contains(plain, "invariants not checked") {
		t.Fatalf("without --check:\n%s", plain)
	}
}

// A panic in a case (here injected before a call, where the kernel runs)
// fails that case only, with a token; --replay runs the case again, with
// its trace, and fails in the same way.
func TestFuzzFailureReplay(t *testing.T) {
	defer func(old func(c, i int)) { fuzzTestHook = old }(fuzzTestHook)
	fuzzTestHook = func(c, i int) {
		if c == 5 && i == 7 {
			panic("injected")
		}
	}
	st, out := fuzzOut(t, "--check", "--seed=1", "--calls=1500", "--procs=2", "--k=20", "--workers=2")
	if st != exitFailed {
		t.Fatalf("status %d:\n%s", st, out)
	}
	fail := regexp.MustCompile(`(?m)^--- FAIL: case 5: kernel panic: injected \(before call 7\)\n    replay: ipcsim fuzz --replay (ipf1:\S+)\n`)
	m := fail.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no failure of case 5 in:\n%s", out)
	}
	if strings.Count(out, "--- FAIL") != 1 || !strings.Contains(out, ", 1 failing\n") {
		t.Fatalf("one failing case expected:\n%s", out)
	}
	want := "ipf1:" + explore.Build() + ":seed=1,case=5,procs=2,k=20"
	if m[1] != want {
		t.Fatalf("token %s, want %s", m[1], want)
	}
	st, rout, errs := run(t, "fuzz", "--replay", m[1])
	if st != exitFailed || errs != "" {
		t.Fatalf("replay: status %d, stderr %q", st, errs)
	}
	for _, w := range []string{"--- fuzz call 0\n", "--- fuzz call 7\n", "--- end of case 5: 7 calls, invariants checked\n",
		"FAIL: case 5: kernel panic: injected (before call 7)\n", "ipcsim/cmd/ipcsim"} {
		if !strings.Contains(rout, w) {
			t.Errorf("replay output lacks %q:\n%s", w, rout)
		}
	}
	if !regexp.MustCompile(`(?m)^ *\d+ +pid \d+ +\S`).MatchString(rout) {
		t.Errorf("replay output has no trace:\n%s", rout)
	}

	// Without the panic the case passes.
	fuzzTestHook = nil
	st, rout, _ = run(t, "fuzz", "--replay", m[1])
	if st != 0 || !strings.HasSuffix(rout, "ok: the case passes on this build\n") || !strings.Contains(rout, "--- end of case 5: ") {
		t.Fatalf("replay without the panic: status %d:\n%s", st, rout[max(0, len(rout)-500):])
	}
}

func TestFuzzBadInput(t *testing.T) {
	for _, tc := range []struct {
		args   []string
		stderr string
	}{
		{[]string{"--calls=0"}, "bad --calls 0: expected at least 1"},
		{[]string{"--procs=0"}, "bad --procs 0: expected 1 to 32"},
		{[]string{"--k=0"}, "bad --k 0: expected 1 to 100000"},
		{[]string{"--workers=0"}, "bad --workers 0: expected at least 1"},
		{[]string{"--frob"}, "flag provided but not defined: -frob"},
		{[]string{"extra"}, `unexpected argument "extra"`},
		{[]string{"--replay=ipx1:abc:def:pct:seed=1"}, "bad fuzz token"},
		{[]string{"--replay=ipf1:abc:seed=1,case=2"}, "a token has the parameters seed, case, procs, k"},
		{[]string{"--replay=ipf1:0123456789ab:seed=1,case=2,procs=4,k=50"}, "fuzz token from another build of ipcsim (build 0123456789ab; this one is "},
		{[]string{"--replay=ipf1:0123456789ab:seed=1,case=2,procs=4,k=50", "--seed=2"}, "--replay runs the case as the token says: no other flag"},
	} {
		st, _, errs := run(t, append([]string{"fuzz"}, tc.args...)...)
		if st != exitBadInput || !strings.Contains(errs, tc.stderr) {
			t.Errorf("fuzz %v: status %d, stderr %q; want 2 and %q", tc.args, st, errs, tc.stderr)
		}
	}
}

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ipcsim/abi"
	"ipcsim/explore"
	"ipcsim/kernel"
	"ipcsim/sim"
)

// TestReportCommand checks ipcsim report: the page goes to -o FILE or to
// standard output, the same bytes each time, and bad input is status 2
// with a message that says where.
func TestReportCommand(t *testing.T) {
	const scenario = "../../testdata/scenarios/pipe_parent_child.txtar"
	page := filepath.Join(t.TempDir(), "report.html")
	if st, out, stderr := run(t, "report", "-o", page, scenario); st != exitOK || out != "" || stderr != "" {
		t.Fatalf("status %d, stdout %q, stderr %q", st, out, stderr)
	}
	b, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	st, out, stderr := run(t, "report", scenario)
	if st != exitOK || stderr != "" {
		t.Fatalf("status %d, stderr %q", st, stderr)
	}
	if out != string(b) {
		t.Errorf("the page on standard output differs from the one of -o")
	}
	if !strings.HasPrefix(out, "<!DOCTYPE html>") || !strings.Contains(out, "pipe_parent_child.txtar") {
		t.Errorf("not the page of the scenario: %.200q", out)
	}

	bad := filepath.Join(t.TempDir(), "bad.txtar")
	writeFile(t, bad, []byte("machine bogus=1\n"), 0o644)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"report"}, "expected one scenario file, found 0 arguments"},
		{[]string{"report", bad}, "bad.txtar:1:9: unknown machine setting \"bogus\""},
		{[]string{"report", "--seed=x", scenario}, "ipcsim report: invalid value"},
		{[]string{"report", "--replay=nonsense", scenario}, "ipcsim report: "},
	} {
		st, _, stderr := run(t, tc.args...)
		if st != exitBadInput || !strings.Contains(stderr, tc.want) {
			t.Errorf("%q: status %d, stderr %q; want status 2 and %q", tc.args, st, stderr, tc.want)
		}
	}
}

// TestReportReplayFaults: report --replay runs the token's fault plan
// and network faults, as run --replay does.
func TestReportReplayFaults(t *testing.T) {
	const file = "../../testdata/faults/explore_fork.txtar"
	s, err := sim.Load(file)
	if err != nil {
		t.Fatal(err)
	}
	tok := explore.Token{Build: explore.Build(), Scenario: s.Fingerprint(), Strategy: "list",
		Faults: []kernel.Fault{{Call: "clone", Nth: 1, Action: kernel.FaultErrno, Errno: abi.EAGAIN}}}
	st, plain, stderr := run(t, "report", file)
	st2, faulty, stderr2 := run(t, "report", "--replay", tok.String(), file)
	if st != exitOK || st2 != exitOK {
		t.Fatalf("status %d, %d: %s%s", st, st2, stderr, stderr2)
	}
	// The failing fork makes no child: pid 3 is only on the plain page.
	if !strings.Contains(plain, "pid 3 (unchecked)") || strings.Contains(faulty, "pid 3 (unchecked)") {
		t.Errorf("the page of the replay is not that of a run whose fork failed")
	}
}

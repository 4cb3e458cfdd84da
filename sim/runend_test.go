package sim

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"ipcsim/kernel"
)

// inspectText is what ipcsim inspect --at=at prints of a bundled scenario.
func inspectText(t *testing.T, path string, at uint64, asJSON bool) string {
	t.Helper()
	s, err := Load(path)
	require.NoError(t, err)
	o, err := s.Run(Options{PauseAt: at})
	require.NoError(t, err)
	var b strings.Builder
	require.NoError(t, WriteInspect(&b, s, o, at, asJSON))
	return b.String()
}

// A host that lost power ended then; it is no deadlock, and the run has
// ended before a cycle only if every host had ended by it.
func TestInspectHostDownIsNoDeadlock(t *testing.T) {
	for _, tc := range []struct {
		path  string
		at    uint64
		first string // the first line
		has   string
	}{
		// alice retransmits until 927 s; bob went down at 0.5 s.
		{"../testdata/scenarios/net_host_down.txtar", 100000000000, "=== host alice (10.0.0.1)", "=== host bob (10.0.0.2): down since cycle 500000000 (power lost)\n"},
		{"../testdata/scenarios/net_host_down.txtar", 500000001, "=== host alice (10.0.0.1)", "=== host bob (10.0.0.2): down since cycle 500000000 (power lost)\n"},
		{"../testdata/scenarios/net_host_down.txtar", 1000000000000,
			"the run ended before cycle 1000000000000: alice: all processes exited at cycle 927650010174; bob: lost power at cycle 500000000; this is the state it ended in", ""},
		{"../testdata/scenarios/hosts_two.txtar", 10001,
			"the run ended before cycle 10001: alice: all processes exited at cycle 3013; bob: lost power at cycle 10000; this is the state it ended in", ""},
		// alice ended, bob goes on: alice's heading says so.
		{"../testdata/scenarios/hosts_two.txtar", 5000, "=== host alice (10.0.0.1)",
			"=== host alice (10.0.0.1)\nits run ended: all processes exited at cycle 3013; this is the state it ended in\nstate at cycle 3013\n"},
		{"../testdata/scenarios/hello.txtar", 999999, "the run ended before cycle 999999: all processes exited at cycle 12; this is the state it ended in", ""},
	} {
		got := inspectText(t, tc.path, tc.at, false)
		if first, _, _ := strings.Cut(got, "\n"); first != tc.first {
			t.Errorf("%s --at=%d: first line\n%s\nwant\n%s", tc.path, tc.at, first, tc.first)
		}
		if strings.Contains(got, "deadlock") {
			t.Errorf("%s --at=%d: says deadlock:\n%s", tc.path, tc.at, got)
		}
		if !strings.Contains(got, tc.has) {
			t.Errorf("%s --at=%d: lacks %q", tc.path, tc.at, tc.has)
		}
	}
}

// inspect --format=json says that the run ended before the cycle, when
// and how: at the top for a scenario without hosts, per host with hosts,
// with the cycle a host went down.
func TestInspectJSONEnded(t *testing.T) {
	var one struct {
		Cycle uint64  `json:"cycle"`
		Ended *RunEnd `json:"ended"`
	}
	require.NoError(t, json.Unmarshal([]byte(inspectText(t, "../testdata/scenarios/hello.txtar", 999999, true)), &one))
	if d := cmp.Diff(&RunEnd{Cycle: 12, Reason: "exited", Describe: "all processes exited"}, one.Ended); d != "" || one.Cycle != 12 {
		t.Errorf("hello --at=999999: cycle %d, ended (-want +got):\n%s", one.Cycle, d)
	}
	one.Ended = nil
	require.NoError(t, json.Unmarshal([]byte(inspectText(t, "../testdata/scenarios/hello.txtar", 5, true)), &one))
	require.Nil(t, one.Ended, "paused before the end")

	type host struct {
		Host   string  `json:"host"`
		Down   bool    `json:"down"`
		DownAt uint64  `json:"down_at"`
		Ended  *RunEnd `json:"ended"`
	}
	var two struct {
		Hosts []host `json:"hosts"`
	}
	require.NoError(t, json.Unmarshal([]byte(inspectText(t, "../testdata/scenarios/net_host_down.txtar", 100000000000, true)), &two))
	want := []host{
		{Host: "alice"},
		{Host: "bob", Down: true, DownAt: 500000000, Ended: &RunEnd{Cycle: 500000000, Reason: "down", Describe: "lost power"}},
	}
	if d := cmp.Diff(want, two.Hosts); d != "" {
		t.Errorf("net_host_down --at=100000000000 (-want +got):\n%s", d)
	}
	var hosts []host // without links: an array
	require.NoError(t, json.Unmarshal([]byte(inspectText(t, "../testdata/scenarios/hosts_two.txtar", 10001, true)), &hosts))
	want = []host{
		{Host: "alice", Ended: &RunEnd{Cycle: 3013, Reason: "exited", Describe: "all processes exited"}},
		{Host: "bob", Down: true, DownAt: 10000, Ended: &RunEnd{Cycle: 10000, Reason: "down", Describe: "lost power"}},
	}
	if d := cmp.Diff(want, hosts); d != "" {
		t.Errorf("hosts_two --at=10001 (-want +got):\n%s", d)
	}
}

// The report's heading says how each host ended, and no state it keeps
// calls a host's power loss a deadlock.
func TestReportHeadingHostDown(t *testing.T) {
	for _, tc := range []struct{ path, stop string }{
		{"../testdata/scenarios/net_host_down.txtar", "alice: all processes exited at cycle 927650010174; bob: lost power at cycle 500000000"},
		{"../testdata/scenarios/hosts_two.txtar", "alice: all processes exited at cycle 3013; bob: lost power at cycle 10000"},
	} {
		_, d := reportOf(t, tc.path)
		require.Equal(t, tc.stop, d.Stop, tc.path)
		for _, text := range d.Texts {
			require.NotContains(t, text, "deadlock", tc.path)
		}
	}
}

// Summary: a host down is not a deadlock, a paused host means the run
// goes on, and the cycle limit wins.
func TestSummaryHosts(t *testing.T) {
	exited := kernel.HostResult{Result: kernel.Result{Reason: kernel.StopAllExited, Cycles: 5}}
	down := kernel.HostResult{Result: kernel.Result{Reason: kernel.StopPaused, Cycles: 7}, Down: true, Lost: []string{"pid 2 (x) running"}}
	paused := kernel.HostResult{Result: kernel.Result{Reason: kernel.StopPaused, Cycles: 9}}
	off := kernel.HostResult{Result: kernel.Result{Reason: kernel.StopPaused, Cycles: 7}, Down: true, UpAt: 20} // boots again at 20
	deadlock := kernel.HostResult{Result: kernel.Result{Reason: kernel.StopDeadlock, Cycles: 3}}
	limit := kernel.HostResult{Result: kernel.Result{Reason: kernel.StopCycleLimit, Cycles: 11}}
	for _, tc := range []struct {
		hosts []kernel.HostResult
		want  kernel.StopReason
	}{
		{[]kernel.HostResult{exited, down}, kernel.StopAllExited},
		{[]kernel.HostResult{down, exited}, kernel.StopAllExited},
		{[]kernel.HostResult{paused, down}, kernel.StopPaused},
		{[]kernel.HostResult{down, paused}, kernel.StopPaused},
		{[]kernel.HostResult{exited, off}, kernel.StopPaused},
		{[]kernel.HostResult{off, down}, kernel.StopPaused},
		{[]kernel.HostResult{deadlock, paused}, kernel.StopPaused},
		{[]kernel.HostResult{exited, deadlock, down}, kernel.StopDeadlock},
		{[]kernel.HostResult{paused, limit}, kernel.StopCycleLimit},
	} {
		if got := Summary(tc.hosts).Reason; got != tc.want {
			t.Errorf("Summary(%v) = %v, want %v", tc.hosts, got, tc.want)
		}
	}
}

// TestStopReasonNames: each way a host stops has its JSON name; a broken
// invariant is not "paused".
func TestStopReasonNames(t *testing.T) {
	for r, want := range map[kernel.StopReason]string{
		kernel.StopAllExited: "exited", kernel.StopCycleLimit: "cycle_limit", kernel.StopDeadlock: "deadlock",
		kernel.StopInvariant: "invariant", kernel.StopPaused: "paused",
	} {
		if got := stopReason(r); got != want {
			t.Errorf("stopReason(%v) = %q, want %q", r, got, want)
		}
	}
}

// hostsTwoUp is hosts_two with bob's power back at cycle 20000, and the
// lines after it: alice's run ends at 3013, bob loses power at 10000 and
// boots again at 20000.
func hostsTwoUp(t *testing.T, lines ...string) *Scenario {
	t.Helper()
	const path = "../testdata/scenarios/hosts_two.txtar"
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	const down = "at 10000 down bob\n"
	require.Contains(t, string(data), down)
	s, err := Parse(path, []byte(strings.Replace(string(data), down, down+"at 20000 up bob\n"+strings.Join(append(lines, ""), "\n"), 1)))
	require.NoError(t, err)
	s.Wants = nil
	return s
}

// A host that is off but boots again later (at CYCLE up) has not ended:
// paused between its down and its up, after every other host ended, the
// run goes on; inspect says when the host boots again, not that the run
// ended. After the up, with nothing left to run anywhere, it has ended.
func TestInspectHostOffUntilUp(t *testing.T) {
	s := hostsTwoUp(t)
	inspect := func(at uint64, asJSON bool) (*Outcome, string) {
		o, err := s.Run(Options{PauseAt: at})
		require.NoError(t, err)
		var b strings.Builder
		require.NoError(t, WriteInspect(&b, s, o, at, asJSON))
		return o, b.String()
	}
	o, got := inspect(15000, false)
	require.Equal(t, "", o.End(), "bob boots again at 20000")
	require.Equal(t, kernel.StopPaused, o.Result.Reason, "the run goes on")
	require.Equal(t, uint64(20000), o.Hosts[1].Result.UpAt)
	if first, _, _ := strings.Cut(got, "\n"); first != "=== host alice (10.0.0.1)" {
		t.Errorf("--at=15000: first line %q: the run has not ended", first)
	}
	require.Contains(t, got, "=== host alice (10.0.0.1)\nits run ended: all processes exited at cycle 3013; this is the state it ended in\n")
	require.Contains(t, got, "=== host bob (10.0.0.2): down since cycle 10000 (power lost); it boots again at cycle 20000\n")

	type host struct {
		Host   string  `json:"host"`
		Down   bool    `json:"down"`
		DownAt uint64  `json:"down_at"`
		UpAt   uint64  `json:"up_at"`
		Ended  *RunEnd `json:"ended"`
	}
	var hosts []host
	_, js := inspect(15000, true)
	require.NoError(t, json.Unmarshal([]byte(js), &hosts))
	want := []host{
		{Host: "alice", Ended: &RunEnd{Cycle: 3013, Reason: "exited", Describe: "all processes exited"}},
		{Host: "bob", Down: true, DownAt: 10000, UpAt: 20000},
	}
	if d := cmp.Diff(want, hosts); d != "" {
		t.Errorf("--at=15000 --format=json (-want +got):\n%s", d)
	}

	o, got = inspect(25000, false)
	const end = "alice: all processes exited at cycle 3013; bob: all processes exited at cycle 20000"
	require.Equal(t, end, o.End())
	require.True(t, strings.HasPrefix(got, "the run ended before cycle 25000: "+end+"; this is the state it ended in\n"), got)
}

// An assertion on a host paused while it is off, awaiting its boot, is
// not checked at the power loss: the host has not ended.
func TestAssertHostOffUntilUp(t *testing.T) {
	s := hostsTwoUp(t, "eventually on bob exited ticker")
	o, err := s.Run(Options{PauseAt: 15000})
	require.NoError(t, err)
	report, failed := s.RunAsserts(o)
	require.False(t, failed, "%q", report)
	require.Len(t, report, 1)
	require.NotContains(t, report[0], "when the host lost power")
}

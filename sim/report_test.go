package sim

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"ipcsim/kernel"
)

// reportOf writes the report of a bundled scenario and returns the page
// and the data its script draws.
func reportOf(t *testing.T, path string) (string, *reportData) {
	t.Helper()
	s, err := Load(path)
	require.NoError(t, err)
	var b bytes.Buffer
	require.NoError(t, WriteReport(&b, s, ReportOptions{}))
	page := b.String()
	const open = `<script id="data" type="application/json">`
	i := strings.Index(page, open)
	require.GreaterOrEqual(t, i, 0, "no data in the page")
	j := strings.Index(page[i:], "</script>")
	var d reportData
	require.NoError(t, json.Unmarshal([]byte(page[i+len(open):i+j]), &d))
	return page, &d
}

// TestReportDeterministic checks that a report is the same bytes every
// time, and fetches nothing: no URL of another site in the page.
func TestReportDeterministic(t *testing.T) {
	for _, path := range []string{"../testdata/scenarios/pipe_parent_child.txtar", "../testdata/scenarios/hosts_two.txtar"} {
		a, _ := reportOf(t, path)
		b, _ := reportOf(t, path)
		if a != b {
			t.Errorf("%s: two reports differ", path)
		}
		for _, bad := range []string{"http://", "https://", "src=", "@import", "<link"} {
			if strings.Contains(strings.ReplaceAll(a, `"http://www.w3.org/2000/svg"`, ""), bad) {
				t.Errorf("%s: the page has %q: it should fetch nothing", path, bad)
			}
		}
	}
}

// TestReportSnapshotsAreInspect checks that each state a report keeps,
// taken in one run paused at many cycles, is what ipcsim inspect prints
// of a run paused at that cycle alone.
func TestReportSnapshotsAreInspect(t *testing.T) {
	for _, path := range []string{"../testdata/scenarios/pipe_parent_child.txtar", "../testdata/scenarios/net_server_fork.txtar"} {
		s, err := Load(path)
		require.NoError(t, err)
		_, d := reportOf(t, path)
		require.NotEmpty(t, d.Snapshots, path)
		step := max(1, len(d.Snapshots)/12)
		for i := 0; i < len(d.Snapshots); i += step {
			at := d.Snapshots[i][0]
			o, err := s.Run(Options{PauseAt: at})
			require.NoError(t, err)
			var want strings.Builder
			require.NoError(t, WriteInspect(&want, s, o, at, false))
			if diff := cmp.Diff(want.String(), d.Texts[d.Snapshots[i][1]]); diff != "" {
				t.Errorf("%s: the state at cycle %d differs from inspect's (-inspect +report):\n%s", path, at, diff)
			}
		}
	}
}

// TestSnapshotsKeepTheRun checks that pausing a run to look at it does
// not change it: the trace is the same with and without the pauses.
func TestSnapshotsKeepTheRun(t *testing.T) {
	s, err := Load("../testdata/scenarios/pipe_full.txtar")
	require.NoError(t, err)
	trace := func(opts Options) []string {
		var lines []string
		opts.Trace = func(e *kernel.Event) { lines = append(lines, FormatHostEvent(e, 0)) }
		_, err := s.Run(opts)
		require.NoError(t, err)
		return lines
	}
	plain := trace(Options{})
	var seen []uint64
	paused := trace(Options{SnapshotAt: []uint64{1, 2, 50, 51, 777, 2000, 1 << 40}, Snapshot: func(at uint64, o *Outcome) {
		require.NotNil(t, o.Snapshot)
		seen = append(seen, at)
	}})
	if diff := cmp.Diff(plain, paused); diff != "" {
		t.Errorf("pausing changed the run (-plain +paused):\n%s", diff)
	}
	require.Equal(t, []uint64{1, 2, 50, 51, 777, 2000, 1 << 40}, seen)
}

// TestReportTimeline checks what the page draws of a pipe between a
// parent and its child: a track per process, slices in each state, and
// the arrows of the fork, the bytes and the wakeups.
func TestReportTimeline(t *testing.T) {
	_, d := reportOf(t, "../testdata/scenarios/pipe_parent_child.txtar")
	require.Equal(t, []string{"machine (interrupts, terminal)", "pid 1 (init)", "pid 2 (parent)", "pid 3 (parent)"}, d.Tracks)
	states := map[string]bool{}
	for _, s := range d.Slices {
		states[reportStates[s[1]]] = true
		require.Less(t, s[2], s[3], "a slice ends after it starts")
	}
	require.True(t, states["running"] && states["blocked"] && states["ready"], "states: %v", states)
	cats := map[string]bool{}
	for _, f := range d.Flows {
		cats[d.Strings[f[2]]] = true
	}
	for _, c := range []string{"fork", "bytes", "wakeup", "signal"} {
		require.True(t, cats[c], "no %s arrow: %v", c, cats)
	}
	require.Contains(t, d.Consoles[0], "hello from your parent")
}

// TestReportSampled checks that a long run keeps at most
// MaxReportSnapshots states, in order, the first and the last included.
func TestReportSampled(t *testing.T) {
	c := newCycleSampler(MaxReportSnapshots)
	for i := uint64(1); i <= 100000; i++ {
		c.add(i * 3)
		c.add(i * 3) // repeated cycles count once
	}
	at, sampled := c.pick()
	require.True(t, sampled)
	require.Equal(t, 100000, c.distinct)
	require.LessOrEqual(t, len(at), MaxReportSnapshots)
	require.Greater(t, len(at), MaxReportSnapshots*9/10)
	require.Equal(t, uint64(3), at[0])
	require.Equal(t, uint64(300000), at[len(at)-1])
	for i := 1; i < len(at); i++ {
		require.Less(t, at[i-1], at[i])
	}
	require.LessOrEqual(t, len(c.kept), 4*MaxReportSnapshots+1)

	_, d := reportOf(t, "../testdata/scenarios/race_counter.txtar")
	require.LessOrEqual(t, len(d.Snapshots), MaxReportSnapshots)
	require.NotEmpty(t, d.Snapshots)
}

// TestReportFlowsBetweenHosts: the report draws the bytes of a TCP
// connection from a track of one host to a track of the other, from the
// send's cycle to the receive's; and a queued message from its msgsnd to
// its msgrcv.
func TestReportFlowsBetweenHosts(t *testing.T) {
	_, d := reportOf(t, "../testdata/scenarios/net_server_iterative.txtar")
	n := 0
	for _, f := range d.Flows {
		if d.Strings[f[2]] != "bytes" {
			continue
		}
		n++
		require.NotEqual(t, d.TrackHost[f[0]], d.TrackHost[f[1]], "bytes within a host: %v", f)
		require.Less(t, f[5], f[3], "sent before received: %v", f)
	}
	require.Equal(t, 6, n, "three requests and three replies")

	_, d = reportOf(t, "../testdata/scenarios/msg_queued_types.txtar")
	var labels []string
	for _, f := range d.Flows {
		if d.Strings[f[2]] == "message" {
			labels = append(labels, d.Strings[f[4]])
			require.Less(t, f[5], f[3], "sent before received: %v", f)
		}
	}
	require.Equal(t, []string{"q#0: message 2 (1 byte)", "q#0: message 4 (1 byte)", "q#0: message 3 (1 byte)",
		"q#0: message 5 (1 byte)", "q#0: message 1 (1 byte)"}, labels)
}

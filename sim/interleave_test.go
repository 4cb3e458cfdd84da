package sim

import (
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"ipcsim/kernel"
)

// The hosts of a scenario run in turns (kernel.Cluster): each up to a
// horizon that nothing another host does can reach back before, and,
// while tracing, at most MaxAhead cycles beyond the others. How far each
// host runs in its turn is the simulator's business, never the simulated
// world's: these tests run the same scenario under several interleavings
// and require the same outcome from each.
//
// An interleaving is set by tracing (which bounds the hosts by
// DefaultMaxAhead), by Options.MaxAhead (which bounds them traced or not),
// and by pauses (Options.SnapshotAt pauses every host at each cycle and
// goes on).

// interleaving is one way to run a scenario's hosts.
type interleaving struct {
	traced bool     // with the scenario's want/trace, and every event kept
	ahead  uint64   // Options.MaxAhead: 0 for the cluster's default
	pauses []uint64 // Options.SnapshotAt: cycles to pause at, and go on
	// writer, with traced, writes the trace with a TraceWriter (text,
	// "batches" or "inline"), as ipcsim run does, in place of keeping its
	// events: the cluster holds Records back, and merges them.
	writer string
}

func (il interleaving) String() string {
	s := "untraced"
	if il.traced {
		s = "traced"
	}
	if il.ahead != 0 {
		s += fmt.Sprintf(" MaxAhead %d", il.ahead)
	}
	if len(il.pauses) > 0 {
		s += fmt.Sprintf(" paused at %v", il.pauses)
	}
	if il.writer != "" {
		s += " by a TraceWriter (" + il.writer + ")"
	}
	return s
}

// ran is what one interleaving gave: the outcome of the run, its trace
// as text (traced), and the outcome at each pause.
type ran struct {
	out    *Outcome
	events []kernel.Event // traced, every event
	trace  []string       // the events as text, frame numbers masked
	paused []*Outcome
}

// runInterleaved runs s under il. An untraced run drops the want/trace
// section, which would make Run trace.
func runInterleaved(t testing.TB, s *Scenario, il interleaving) ran {
	t.Helper()
	sc := *s
	if !il.traced || il.writer != "" {
		// A TraceWriter is given Records only when nothing else of the
		// run needs the events (Options.TraceLog).
		sc.Wants = slices.DeleteFunc(slices.Clone(s.Wants), func(w Want) bool { return w.Name == "want/trace" })
	}
	var r ran
	opts := Options{KeepTrace: il.traced && il.writer == "", MaxAhead: il.ahead, SnapshotAt: il.pauses}
	if len(il.pauses) > 0 {
		opts.Snapshot = func(at uint64, o *Outcome) { r.paused = append(r.paused, o) }
	}
	var lines strings.Builder
	var w *TraceWriter
	if il.traced && il.writer != "" {
		hosts := s.HostNames()
		w = newTraceWriter(&lines, false, hosts, s.HostWidth(), nil, il.writer == "inline")
		opts.TraceLog = w
	}
	o, err := sc.Run(opts)
	if err != nil {
		t.Fatal(err)
	}
	if w != nil {
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		for line := range strings.Lines(lines.String()) {
			r.trace = append(r.trace, maskFrameIDs(strings.TrimSuffix(line, "\n")))
		}
	}
	for i := range o.Trace {
		r.trace = append(r.trace, maskFrameIDs(FormatHostEvent(&o.Trace[i], s.HostWidth())))
	}
	r.events, o.Trace = o.Trace, nil
	r.out = o
	for _, p := range r.paused {
		maskLinks(p)
	}
	return r
}

// frameID is a frame's number in a link's line of the trace ("frame #12")
// or in inspect's list of frames in flight ("#12 10.0.0.1:..."): frames
// are numbered in the order the simulator made the sends, and hosts that
// take turns differently make two hosts' sends in a different order. The
// numbers are known to differ between interleavings (not what happens to
// the frames), so the comparisons mask them.
var frameID = regexp.MustCompile(`#\d+`)

// maskFrameIDs replaces the frame numbers of a trace line of a link with
// "#N".
func maskFrameIDs(line string) string {
	if !strings.Contains(line, " link ") {
		return line
	}
	return frameID.ReplaceAllString(line, "#N")
}

// maskLinks replaces the frame numbers of the frames in flight of a
// paused outcome with "#N".
func maskLinks(o *Outcome) {
	for i := range o.Links {
		for j, f := range o.Links[i].InFlight {
			o.Links[i].InFlight[j] = frameID.ReplaceAllString(f, "#N")
		}
	}
}

// inTimeOrder fails t if the trace's cycles go back anywhere.
func inTimeOrder(t *testing.T, events []kernel.Event, what string) {
	t.Helper()
	var last *kernel.Event
	for i := range events {
		e := &events[i]
		if last != nil && e.Cycle < last.Cycle {
			t.Fatalf("%s: the trace goes back in time:\n%s\n%s", what, FormatHostEvent(last, 6), FormatHostEvent(e, 6))
		}
		last = e
	}
}

// sameOutcome fails t if b differs from a: each host's result, console
// and snapshot, the links at a pause, and the assertions' results.
func sameOutcome(t testing.TB, a, b *Outcome, what string) {
	t.Helper()
	if d := cmp.Diff(a, b, cmpopts.IgnoreUnexported(Outcome{}), cmpopts.EquateEmpty()); d != "" {
		t.Errorf("%s (-want +got):\n%s", what, d)
	}
}

// sameTrace fails t if trace b differs from trace a, frame numbers masked.
func sameTrace(t testing.TB, a, b []string, what string) {
	t.Helper()
	if d := cmp.Diff(a, b); d != "" {
		t.Errorf("%s: the trace differs (-want +got):\n%s", what, d)
	}
}

// pauseCycles picks cycles to pause a run at: a third and two thirds of
// the way through, and where the scenario itself acts on the hosts or the
// links (a host's power, a partition, a heal) and a cycle after.
func pauseCycles(s *Scenario, o *Outcome) []uint64 {
	end := o.Result.Cycles
	at := []uint64{max(end/3, 1), max(2*end/3, 1)}
	for _, d := range s.Downs {
		at = append(at, d.At, d.At+1)
	}
	for _, e := range s.LinkEvents {
		at = append(at, e.At, e.At+1)
	}
	slices.Sort(at)
	return slices.Compact(at)
}

// allScenarioFiles returns every bundled scenario's file: the scenarios
// and the faults.
func allScenarioFiles(t *testing.T) []string {
	t.Helper()
	var files []string
	for _, dir := range []string{"scenarios", "faults"} {
		m, err := filepath.Glob(filepath.Join("..", "testdata", dir, "*.txtar"))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) < 80 {
		t.Fatalf("found only %d scenarios", len(files))
	}
	return files
}

// TestInterleavingChangesNoScenario: every bundled scenario with more than
// one host ends the same however its hosts take turns: untraced as the
// cluster runs them (each up to the network's lookahead ahead), or
// bounded untraced, or traced with MaxAhead 1, 7, 1000, the default and
// 1<<40, or paused on the way. Traced, the trace is the same whatever
// MaxAhead is, but for the frames' numbers (frameID), and in time order;
// paused, each pause shows the same state traced and untraced.
func TestInterleavingChangesNoScenario(t *testing.T) {
	n := 0
	for _, f := range allScenarioFiles(t) {
		s, err := Load(f)
		if err != nil {
			t.Fatal(err)
		}
		if len(s.Hosts) < 2 {
			continue
		}
		n++
		t.Run(filepath.Base(f), func(t *testing.T) {
			t.Parallel()
			base := runInterleaved(t, s, interleaving{})
			for _, ahead := range []uint64{1, 7, 1000} {
				il := interleaving{ahead: ahead}
				sameOutcome(t, base.out, runInterleaved(t, s, il).out, il.String())
			}
			first := runInterleaved(t, s, interleaving{traced: true, ahead: 1})
			sameOutcome(t, base.out, first.out, "traced MaxAhead 1")
			for _, ahead := range []uint64{7, 1000, 0, 1 << 40} {
				il := interleaving{traced: true, ahead: ahead}
				r := runInterleaved(t, s, il)
				sameOutcome(t, base.out, r.out, il.String())
				sameTrace(t, first.trace, r.trace, il.String())
			}
			inTimeOrder(t, first.events, "traced MaxAhead 1")
			// Paused on the way, the run ends the same, and each pause
			// shows the same whether the hosts ran in long turns
			// (untraced) or in short ones (traced, MaxAhead 1).
			pauses := pauseCycles(s, base.out)
			long := runInterleaved(t, s, interleaving{pauses: pauses})
			short := runInterleaved(t, s, interleaving{traced: true, ahead: 1, pauses: pauses})
			sameOutcome(t, base.out, long.out, "untraced, paused")
			sameOutcome(t, base.out, short.out, "traced MaxAhead 1, paused")
			sameTrace(t, first.trace, short.trace, "traced MaxAhead 1, paused")
			for i, at := range pauses {
				sameOutcome(t, long.paused[i], short.paused[i], fmt.Sprintf("at the pause at %d, traced MaxAhead 1", at))
			}
		})
	}
	if n < 10 {
		t.Fatalf("found only %d scenarios with hosts", n)
	}
}

// TestTraceInTimeOrderWhenAQuietHostTakesAFrame: the trace is in time
// order when a host whose processes all sleep takes a frame while
// another runs ahead of it. In net_server_nonblock, the server polls
// accept4 without blocking while c1 sleeps in connect until the SYN-ACK
// arrives at cycle 208089; with the server's events of the next 1000
// cycles held back for the merge, c1's took the frame, which had left
// the wire's queue, so its bound (Cluster.eventBound) looked past the
// frame to its next timer, and the server's held events were written
// before c1's at 208089.
func TestTraceInTimeOrderWhenAQuietHostTakesAFrame(t *testing.T) {
	s, err := Load("../testdata/scenarios/net_server_nonblock.txtar")
	if err != nil {
		t.Fatal(err)
	}
	for _, ahead := range []uint64{0, 1000} { // 0: the default, as ipcsim run traces
		o, err := s.Run(Options{KeepTrace: true, MaxAhead: ahead})
		if err != nil {
			t.Fatal(err)
		}
		inTimeOrder(t, o.Trace, fmt.Sprintf("MaxAhead %d", ahead))
	}
}

// TestPausedHostStandsAtThePause: a run paused at a cycle says that every
// host that goes on stands there (Result.Cycles), however far the cluster
// happened to run it: a host whose processes all sleep does nothing
// before its next event, after the pause, and its clock lags where its
// last turn left it. It used to say that cycle, which differed traced and
// untraced (explore_partition: bob at 10008462 or 10676840).
func TestPausedHostStandsAtThePause(t *testing.T) {
	s, err := Load("../testdata/faults/explore_partition.txtar")
	if err != nil {
		t.Fatal(err)
	}
	const pause = 10676840
	for _, il := range []interleaving{{}, {traced: true, ahead: 1}} {
		o, err := s.Run(Options{PauseAt: pause, KeepTrace: il.traced, MaxAhead: il.ahead})
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range o.Hosts {
			if h.Result.Reason != kernel.StopPaused || h.Result.Cycles != pause {
				t.Errorf("%s: %s: %s at cycle %d, want paused at %d", il, h.Name, h.Result.Reason, h.Result.Cycles, pause)
			}
		}
	}
}

// TestCutBeforeTheFrameWakesItsReceiver: a frame on its way when its link
// is cut does not wake its receiver, however the hosts take turns. Bob's
// udpping server idles, deadlocked, from cycle 520502; alice's fourth
// ping, due at bob at 1559834, dies in the cut at 1500000. The wire
// made the cut only when a host first sent or took a frame after it, or
// when a pause looked at the links: without a pause alice did not send
// before bob's turn came for the frame, so bob woke at 1559834 to take
// nothing, and his run said it ended there; paused at 1500001, it said
// 520502. The cluster now has the fabric make its changes (Fabric.Change)
// before it runs a host past them.
func TestCutBeforeTheFrameWakesItsReceiver(t *testing.T) {
	in := interleaveInput{latAB: 245, latAC: 300, bandwidth: 1, trapcost: 46, partAt: 1_500_000,
		healAfter: 2_000_000, pings: 67, tcpStart: 94} // found by FuzzInterleave
	s, err := Parse(filepath.Join("..", "testdata", "scenarios", "cut.txtar"), []byte(in.scenario()))
	if err != nil {
		t.Fatal(err)
	}
	for _, il := range []interleaving{{}, {pauses: []uint64{1_500_001}}, {traced: true, ahead: 1}} {
		bob := runInterleaved(t, s, il).out.Hosts[1].Result
		if bob.Reason != kernel.StopDeadlock || bob.Cycles != 520502 {
			t.Errorf("%s: bob: %s at cycle %d, want a deadlock at 520502", il, bob.Reason, bob.Cycles)
		}
	}
}

// TestLinkChangeToldBeforeThePause: a host that runs on its own, making a
// system call after another, passes the cycle of a partition within one
// turn, and the run pauses before any host sends a frame or the cluster
// takes another turn: the cut is made only at the pause. Its line must
// still come before the host's later events, and the trace stay in time
// order, paused or not.
func TestLinkChangeToldBeforeThePause(t *testing.T) {
	src := `machine mem=16M quantum=10000 seed=1 limit=20000
host alice ip=10.0.0.1
host bob ip=10.0.0.2
link alice bob latency=1ms
spawn on alice busy.s
at 5000 partition alice bob
` + busySrc
	s, err := Parse("busy.txtar", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	for _, pauses := range [][]uint64{nil, {5001}, {5500}, {4999, 5001, 9000}} {
		o, err := s.Run(Options{KeepTrace: true, SnapshotAt: pauses, Snapshot: func(uint64, *Outcome) {}})
		if err != nil {
			t.Fatal(err)
		}
		what := fmt.Sprintf("paused at %v", pauses)
		inTimeOrder(t, o.Trace, what)
		cut := slices.IndexFunc(o.Trace, func(e kernel.Event) bool { return strings.Contains(e.Text, "cut (partition)") })
		if cut < 0 {
			t.Fatalf("%s: no cut in the trace", what)
		}
		if o.Trace[cut].Cycle != 5000 {
			t.Errorf("%s: the cut is told at cycle %d, want 5000", what, o.Trace[cut].Cycle)
		}
	}
}

// TestLinkChangeNamesItsFirstEnd: a link's cut and heal are told on the
// line of the link's first end (bob of "link bob carol"), not of the
// first host, which may not be on the link at all.
func TestLinkChangeNamesItsFirstEnd(t *testing.T) {
	src := `machine mem=16M quantum=10000 seed=1 limit=20000
host alice ip=10.0.0.1
host bob ip=10.0.0.2
host carol ip=10.0.0.3
link bob carol latency=1ms
spawn on alice busy.s
at 5000 partition bob carol
at 6000 heal bob carol
` + busySrc
	s, err := Parse("busy.txtar", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	o, err := s.Run(Options{KeepTrace: true})
	if err != nil {
		t.Fatal(err)
	}
	var told []string
	for _, e := range o.Trace {
		if e.Kind == "net" {
			told = append(told, fmt.Sprintf("%d %s %s", e.Cycle, e.Host, e.Text))
		}
	}
	want := []string{
		"5000 bob link bob-carol: cut (partition): the frames on it are lost, and it carries nothing until it heals",
		"6000 bob link bob-carol: healed: it carries frames again",
	}
	if d := cmp.Diff(want, told); d != "" {
		t.Errorf("the link's lines (-want +got):\n%s", d)
	}
}

package sim

import (
	"runtime"
	"strconv"
	"strings"
	"testing"

	"ipcsim/kernel"
)

// floodScenario writes 4 KiB to the console in a loop until its cycle limit:
// about 130 MB of output and 3.7 MB of trace in 200000 cycles. Its want/
// sections hold something else, so the run is checked against them.
const floodScenario = `# writes 4 KiB to the console in a loop, for ever
machine mem=1M limit=200_000
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
buf:	.space 4096
-- want/console --
nothing
-- want/trace --
        0  pid 1   init starts: it reaps every child, orphans included
`

// TestBoundedMemory runs a scenario that floods the console, with a
// want/console and a want/trace section and its trace streamed (as ipcsim
// run does), and requires the host heap to stay within a few MB during and
// after the run: the console keeps MaxConsoleBytes, the trace kept for
// want/trace at most MaxTraceBytes (issue 15: both used to be kept whole,
// 530 MB for ipcsim run of this scenario and 1.1 GB for ipcsim test).
func TestBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 130 MB to a simulated console")
	}
	s, err := parse("flood.txtar", []byte(floodScenario), noDisk)
	if err != nil {
		t.Fatal(err)
	}
	var before, m runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	var peak uint64
	events := 0
	o, err := s.Run(Options{Trace: func(e *kernel.Event) {
		_ = FormatEvent(e) // what ipcsim run does with each event, but for the writing
		if events++; events%1000 == 0 {
			runtime.ReadMemStats(&m)
			peak = max(peak, m.HeapAlloc)
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	ms := s.Check(o)
	runtime.GC()
	runtime.ReadMemStats(&m)
	kept := int64(m.HeapAlloc) - int64(before.HeapAlloc)
	t.Logf("console %d bytes, %d events; heap before %d, peak %d (sampled every 1000 events), kept after the run %d bytes",
		o.ConsoleBytes, events, before.HeapAlloc, peak, kept)
	if o.ConsoleBytes < 100<<20 {
		t.Fatalf("the scenario wrote only %d bytes", o.ConsoleBytes)
	}
	// What a run keeps: 1 MiB of console, 1 MiB of trace, a little more.
	// The peak adds the machine (1 MiB of memory) and the garbage of
	// formatting events that the collector has not taken yet (GOGC lets
	// the heap reach twice what is live).
	const keptBound, peakBound = 4 << 20, 16 << 20
	if kept > keptBound {
		t.Errorf("the outcome holds %d bytes of heap, want at most %d", kept, keptBound)
	}
	if peak > before.HeapAlloc+peakBound {
		t.Errorf("heap grew by %d bytes during the run, want at most %d", peak-before.HeapAlloc, peakBound)
	}
	var got []string
	for _, mm := range ms {
		got = append(got, mm.String())
	}
	want := []string{
		"flood.txtar:15:1: want/console: console output exceeds 1048576 bytes (136527872 written): want/console and expect console check at most that much",
		"flood.txtar:17:1: want/trace: trace exceeds 1048576 bytes (3734220 written): want/trace checks at most that much; it first differs from want/trace at line 2",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("mismatches:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if _, err := s.Updated(o); err == nil || !strings.Contains(err.Error(), "flood.txtar:15:1: cannot record want/console: console output exceeds 1048576 bytes") {
		t.Errorf("Updated: error %v", err)
	}
	runtime.KeepAlive(o)
}

// TestTraceRecord: the trace kept for want/trace is the run's trace, the
// part that agrees with the section taken from the section itself.
func TestTraceRecord(t *testing.T) {
	want := "a\nb\nc\n"
	for _, got := range []string{"a\nb\nc\n", "a\nb\n", "a\nb\nc\nd\n", "x\n", "a\nx\nc\n", "", "a\nb\nc\nc\n", "ab\n"} {
		r := &traceRecord{want: []byte(want)}
		for _, l := range splitLines(got) {
			r.add(strings.TrimSuffix(l, "\n"))
		}
		if string(r.text()) != got || r.exceeded() || r.total != uint64(len(got)) {
			t.Errorf("lines %q: kept %q (total %d, exceeded %v)", got, r.text(), r.total, r.exceeded())
		}
	}
}

// TestBoundedExits: a fork loop's exits are kept up to MaxExits and
// counted beyond (issue 15: 6 million Exit records, 1.5 GB, in a run of
// 10^8 cycles).
func TestBoundedExits(t *testing.T) {
	src := `machine mem=1M limit=400_000
spawn fl.s
expect exit pid 20000 0
expect exit pid 3 0
-- fl.s --
	.text
	.globl _start
_start:	li a0, SIGCHLD
	li a1, 0
	li a2, 0
	li a3, 0
	li a4, 0
	li a7, SYS_clone
	ecall
	beqz a0, child
	li a0, -1
	li a1, 0
	li a2, 0
	li a3, 0
	li a7, SYS_wait4
	ecall
	j _start
child:	li a0, 0
	li a7, SYS_exit
	ecall
-- want/exits --
`
	s, err := parse("fl.txtar", []byte(src), noDisk)
	if err != nil {
		t.Fatal(err)
	}
	o, err := s.Run(Options{})
	if err != nil {
		t.Fatal(err)
	}
	r := o.Result
	if len(r.Exits) != MaxExits || r.ExitsDropped < MaxExits {
		t.Fatalf("%d exits kept, %d dropped; want %d kept and more dropped", len(r.Exits), r.ExitsDropped, MaxExits)
	}
	var got []string
	for _, m := range s.Check(o) {
		got = append(got, m.String())
	}
	all := uint64(len(r.Exits)) + r.ExitsDropped
	want := []string{
		"fl.txtar:3:1: expect exit pid 20000 0: pid 20000 is not among the first 10000 exits, which are all a run keeps (" + strconv.FormatUint(r.ExitsDropped, 10) + " more processes exited)",
		"fl.txtar:26:1: want/exits: more than 10000 processes exited (" + strconv.FormatUint(all, 10) + " in all): want/exits records at most 10000",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("mismatches:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if f := FormatExits(r); !strings.Contains(f, "\n... and "+strconv.FormatUint(r.ExitsDropped, 10)+" more exits, not kept (a run keeps the first 10000)\nstopped at cycle 400000") {
		t.Errorf("FormatExits ends %q", f[len(f)-200:])
	}
}

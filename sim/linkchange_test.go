package sim

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"ipcsim/kernel"
)

// Regression tests of an audit of the network's place in the trace (the
// network as a source of its own, Fabric.NextChange): whatever the hosts
// do around a scheduled link change (all idle, one down for good, one
// running on its own, a system call that runs past it or past a pause),
// every interleaving and every pause tells the same changes at the same
// places, in time order.

// busySrc is a program that makes system calls for ever.
const busySrc = `-- busy.s --
	.text
	.globl _start
_start:
1:	li a7, SYS_getpid
	ecall
	j 1b
`

// sameEverywhere runs src traced as the cluster runs it, then under each
// of ils, and fails t if an outcome or a trace differs, or a trace goes
// back in time.
func sameEverywhere(t *testing.T, src string, ils []interleaving) ran {
	t.Helper()
	s, err := Parse("../testdata/scenarios/linkchange.txtar", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	base := runInterleaved(t, s, interleaving{traced: true})
	inTimeOrder(t, base.events, "traced")
	for _, il := range ils {
		r := runInterleaved(t, s, il)
		sameOutcome(t, base.out, r.out, il.String())
		if il.traced {
			sameTrace(t, base.trace, r.trace, il.String())
			inTimeOrder(t, r.events, il.String())
		}
	}
	return base
}

// told counts the lines of the trace that contain what.
func told(r ran, what string) int {
	n := 0
	for _, l := range r.trace {
		if strings.Contains(l, what) {
			n++
		}
	}
	return n
}

// TestLinkChangeWhenEveryHostIdles: the change comes after every host has
// nothing left to do, when the simulated world has ended: no run tells it,
// paused at it or after it or not paused (a run paused there used to tell
// it, one not paused did not; for a while after that, every run told it,
// at the end of a trace whose hosts had stopped long before).
func TestLinkChangeWhenEveryHostIdles(t *testing.T) {
	r := sameEverywhere(t, `machine mem=16M quantum=10000 seed=1 limit=1000000
host alice ip=10.0.0.1
host bob ip=10.0.0.2
link alice bob latency=1ms
spawn on alice quick.s
at 100000 partition alice bob
-- quick.s --
	.text
	.globl _start
_start:
	li a0, 0
	li a7, SYS_exit
	ecall
`, []interleaving{{traced: true, pauses: []uint64{100000}}, {traced: true, pauses: []uint64{200000}}})
	if n := told(r, "cut (partition)"); n != 0 {
		t.Errorf("the cut is told %d times, want none", n)
	}
}

// TestLinkChangeWhileOneHostRunsAlone: bob is down for good, alice runs
// on her own and never sends: her turns used to run past the change, which
// then held every later event back to the end of the run (997,699 at once
// at a limit of 2,000,000) and was told only if a pause made it. Now no
// turn runs past a change (horizon).
func TestLinkChangeWhileOneHostRunsAlone(t *testing.T) {
	r := sameEverywhere(t, `machine mem=16M quantum=10000 seed=1 limit=20000
host alice ip=10.0.0.1
host bob ip=10.0.0.2
link alice bob latency=1ms
spawn on alice busy.s
at 100 down bob
at 5000 partition alice bob
`+busySrc, []interleaving{{traced: true, pauses: []uint64{6000}}, {traced: true, ahead: 1}, {ahead: 1}})
	if n := told(r, "cut (partition)"); n != 1 {
		t.Errorf("the cut is told %d times, want once", n)
	}
	// A change at a cycle with another, and a pause exactly there.
	sameEverywhere(t, `machine mem=16M quantum=10000 seed=1 limit=20000
host alice ip=10.0.0.1
host bob ip=10.0.0.2
link alice bob latency=1ms
spawn on alice busy.s
at 5000 partition alice bob
at 5000 heal alice bob
at 7001 partition alice bob
`+busySrc, []interleaving{
		{traced: true, pauses: []uint64{5000}},
		{traced: true, pauses: []uint64{5000, 7001}},
		{traced: true, ahead: 1, pauses: []uint64{4999, 5000, 5001, 7000, 7001}},
		{traced: true, ahead: 1},
		{traced: true, ahead: 1 << 40},
	})
}

// TestPauseWhereASystemCallRunsPast: alice's system calls take 5000
// cycles, so she stands past a pause; what she did after it used to be
// written at the pause, before bob's earlier events (and a change's) that
// came when the run went on. Now it waits, held, for its turn.
func TestPauseWhereASystemCallRunsPast(t *testing.T) {
	src := `machine mem=16M quantum=10000 trapcost=0 seed=1 limit=60000
host alice ip=10.0.0.1 trapcost=5000
host bob ip=10.0.0.2
link alice bob latency=1ms
spawn on alice busy.s
spawn on bob busy.s
at 20003 partition alice bob
` + busySrc
	var ils []interleaving
	for p := uint64(20000); p < 30000; p += 2473 {
		ils = append(ils, interleaving{traced: true, pauses: []uint64{p}})
	}
	ils = append(ils, interleaving{traced: true, ahead: 1, pauses: []uint64{20000, 22473}})
	sameEverywhere(t, src, ils)
}

// TestPauseNotPastTheLimit: a host paused past its cycle limit stands at
// its limit, which it cannot run past, not at the pause.
func TestPauseNotPastTheLimit(t *testing.T) {
	s, err := Parse("../testdata/scenarios/linkchange.txtar", []byte(`machine mem=16M quantum=10000 seed=1 limit=20000
host alice ip=10.0.0.1
host bob ip=10.0.0.2
link alice bob latency=1ms
spawn on alice busy.s
`+busySrc))
	if err != nil {
		t.Fatal(err)
	}
	r := runInterleaved(t, s, interleaving{pauses: []uint64{30000}})
	for _, p := range r.paused {
		for _, h := range p.Hosts {
			if h.Result.Cycles > 20000 {
				t.Errorf("paused at 30000: %s at cycle %d, past its limit 20000", h.Name, h.Result.Cycles)
			}
		}
	}
}

// TestArrivalToldWhenTaken: a frame that arrives while its host is in a
// long system call is told when the host takes it, not at its arrival,
// which the host's trace had already passed.
func TestArrivalToldWhenTaken(t *testing.T) {
	for _, tc := range []uint64{1500, 3000} {
		src := fmt.Sprintf(`machine mem=16M quantum=10000 trapcost=0 seed=1 limit=150000
host alice ip=10.0.0.1 trapcost=%d
host bob ip=10.0.0.2
link alice bob latency=10us
spawn on bob ../net/bin/udpping server
spawn on alice ../net/bin/udpping client 10.0.0.2 3
spawn on alice busy.s
spawn on bob busy.s
`, tc) + busySrc
		r := sameEverywhere(t, src, []interleaving{{traced: true, ahead: 7}, {traced: true, ahead: 1 << 40}})
		if !slices.ContainsFunc(r.trace, func(l string) bool { return strings.Contains(l, " arrives UDP") }) {
			t.Errorf("trapcost %d: no frame arrives", tc)
		}
	}
}

// TestPauseAfterTheEnd: a change after every host reached its cycle limit
// is told by no run, paused past it or not.
func TestPauseAfterTheEnd(t *testing.T) {
	r := sameEverywhere(t, `machine mem=16M quantum=10000 seed=1 limit=20000
host alice ip=10.0.0.1
host bob ip=10.0.0.2
link alice bob latency=1ms
spawn on alice busy.s
at 25000 partition alice bob
`+busySrc, []interleaving{{traced: true, pauses: []uint64{30000}}, {traced: true, pauses: []uint64{19000, 25000, 30000}}})
	if n := told(r, "cut (partition)"); n != 0 {
		t.Errorf("the cut is told %d times, want none", n)
	}
}

// TestFinalPauseTellsTheCallThatRanPast: a run that stops at a pause for
// good (PauseAt: inspect --at, the stepper) tells the system call that ran
// past the pause, whose effects the paused state shows, as a machine alone
// does.
func TestFinalPauseTellsTheCallThatRanPast(t *testing.T) {
	s, err := Parse("../testdata/scenarios/linkchange.txtar", []byte(`machine mem=16M quantum=10000 seed=1 limit=60000
host alice ip=10.0.0.1 trapcost=5000
host bob ip=10.0.0.2
spawn on alice hello.s
spawn on bob busy.s
-- hello.s --
	.data
msg:	.ascii "hello\n"
	.text
	.globl _start
_start:
	li a0, 1
	la a1, msg
	li a2, 6
	li a7, SYS_write
	ecall
1:	j 1b
`+busySrc))
	if err != nil {
		t.Fatal(err)
	}
	full, err := s.Run(Options{KeepTrace: true})
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(full.Trace, func(e kernel.Event) bool { return e.Syscall == "write" })
	if i < 0 {
		t.Fatal("no write in the trace")
	}
	write := full.Trace[i]
	o, err := s.Run(Options{KeepTrace: true, PauseAt: write.Cycle - 1000})
	if err != nil {
		t.Fatal(err)
	}
	if string(o.Console) != "hello\n" {
		t.Errorf("paused at %d: console %q, want the write's \"hello\\n\"", write.Cycle-1000, o.Console)
	}
	if !slices.ContainsFunc(o.Trace, func(e kernel.Event) bool { return e.Syscall == "write" && e.Cycle == write.Cycle }) {
		t.Errorf("paused at %d: the write at %d, past the pause, is not told", write.Cycle-1000, write.Cycle)
	}
	inTimeOrder(t, o.Trace, "paused")
}

// sleeperSrc sleeps 50 ms (50,000,000 cycles), then exits.
const sleeperSrc = `-- sleeper.s --
	.data
ts:	.dword 0, 50000000
	.text
	.globl _start
_start:
	la a0, ts
	li a1, 0
	li a7, SYS_nanosleep
	ecall
	li a0, 0
	li a7, SYS_exit
	ecall
`

// TestNothingPastTheLimit: a host whose next thing (the end of a sleep, a
// power loss) comes after its cycle limit ends at its limit, and the
// network makes no change after that: the cut at 40,000,000 is not told,
// paused on the way or not. (The cluster picked the sleeper at its wake-up
// and made the changes up to there before it ended the host at its limit.)
func TestNothingPastTheLimit(t *testing.T) {
	for _, src := range []string{`machine mem=16M quantum=10000 seed=1 limit=20000
host alice ip=10.0.0.1
host bob ip=10.0.0.2
link alice bob latency=1ms
spawn on alice sleeper.s
at 40000000 partition alice bob
` + sleeperSrc, `machine mem=16M quantum=10000 seed=1 limit=20000
host alice ip=10.0.0.1
host bob ip=10.0.0.2
link alice bob latency=1ms
spawn on alice sleeper.s
at 50000 down alice
at 25000 partition alice bob
` + sleeperSrc} {
		r := sameEverywhere(t, src, []interleaving{{traced: true, pauses: []uint64{30000}}})
		if n := told(r, "cut (partition)"); n != 0 {
			t.Errorf("every host stopped by 20000, yet the cut is told %d times\n%s", n, src)
		}
	}
}

// TestFinalPausePastAChange: a run stopped for good at a pause tells the
// lines of a system call that ran past the pause, and so the cut they went
// past first.
func TestFinalPausePastAChange(t *testing.T) {
	pausedPast(t, "at 20003 partition alice bob", "cut (partition)")
}

// TestFinalPausePastAPowerLoss: a run stopped for good at a pause does
// not tell the lines of a system call that ran past a host's power loss,
// which a pause does not take: they would come before it.
func TestFinalPausePastAPowerLoss(t *testing.T) {
	pausedPast(t, "at 20003 down bob", "power lost")
}

// pausedPast stops for good, at pauses just before it, a run of two busy
// hosts whose change (a scenario line) comes at cycle 20003, while
// alice's system calls take 5000 cycles and so run past the pauses. It
// fails t if the trace goes back in time, or tells lines after the change
// and not the change (its line contains told).
func pausedPast(t *testing.T, change, told string) {
	t.Helper()
	s, err := Parse("../testdata/scenarios/linkchange.txtar", []byte(`machine mem=16M quantum=10000 trapcost=0 seed=1 limit=60000
host alice ip=10.0.0.1 trapcost=5000
host bob ip=10.0.0.2
link alice bob latency=1ms
spawn on alice busy.s
spawn on bob busy.s
`+change+"\n"+busySrc))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []uint64{20000, 20002} {
		o, err := s.Run(Options{KeepTrace: true, PauseAt: p})
		if err != nil {
			t.Fatal(err)
		}
		inTimeOrder(t, o.Trace, fmt.Sprintf("paused at %d", p))
		past := slices.ContainsFunc(o.Trace, func(e kernel.Event) bool { return e.Cycle > 20003 })
		changed := slices.ContainsFunc(o.Trace, func(e kernel.Event) bool { return strings.Contains(e.Text, told) })
		if past && !changed {
			t.Errorf("paused at %d: lines after %q are told, the change is not", p, change)
		}
	}
}

// TestLinkAtAPauseAfterTheEnd: inspect at a pause after the run ended
// shows the link as the simulated world left it: not cut by a partition
// it never reached, and so with its frame still on the way.
func TestLinkAtAPauseAfterTheEnd(t *testing.T) {
	s, err := Parse("../testdata/scenarios/linkchange.txtar", []byte(`machine mem=16M quantum=10000 trapcost=0 seed=1 limit=1000000
host alice ip=10.0.0.1
host bob ip=10.0.0.2
link alice bob latency=2ms
spawn on bob ../net/bin/udpping server
spawn on alice ../net/bin/udpping client 10.0.0.2 1
spawn on alice busy.s
spawn on bob busy.s
at 1500000 partition alice bob
`+busySrc))
	if err != nil {
		t.Fatal(err)
	}
	o, err := s.Run(Options{PauseAt: 3000000})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range o.Links {
		if l.Cut && len(l.InFlight) > 0 {
			t.Errorf("link %s shown cut with %d frames still on it: %q", l.Name, len(l.InFlight), l.InFlight)
		}
	}
}

// TestLinkChangeAtZeroComesFirst: the network's lines come first in their
// cycle, and a change at cycle 0 comes before the hosts' boot lines, which
// the hosts emit as they are built, before the network is connected: they
// are held back until then.
func TestLinkChangeAtZeroComesFirst(t *testing.T) {
	r := sameEverywhere(t, `machine mem=16M quantum=10000 seed=1 limit=3000
host alice ip=10.0.0.1
host bob ip=10.0.0.2
link alice bob latency=1ms
spawn on alice busy.s
spawn on bob busy.s
at 0 partition alice bob
`+busySrc, []interleaving{
		{traced: true, pauses: []uint64{0}},
		{traced: true, ahead: 1, pauses: []uint64{0, 1}},
		{ahead: 1},
	})
	if len(r.trace) == 0 || !strings.Contains(r.trace[0], "cut (partition)") {
		t.Errorf("the trace does not begin with the cut at cycle 0:\n%s", strings.Join(r.trace[:min(len(r.trace), 5)], "\n"))
	}
}

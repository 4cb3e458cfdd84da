package sched

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRoundRobinOrder(t *testing.T) {
	rr := NewRoundRobin(100, 0, nil)
	for _, pid := range []int{3, 1, 2} {
		rr.Ready(pid, WhyNew)
	}
	var got []int
	pid, _ := rr.Pick() // 3 runs, is preempted, and goes to the tail
	got = append(got, pid)
	rr.Ready(pid, WhyPreempted)
	for {
		pid, ok := rr.Pick()
		if !ok {
			break
		}
		got = append(got, pid)
	}
	if diff := cmp.Diff([]int{3, 1, 2, 3}, got); diff != "" {
		t.Errorf("pick order (-want +got):\n%s", diff)
	}
	if rr.Len() != 0 {
		t.Errorf("Len = %d after draining", rr.Len())
	}
}

// TestRoundRobinSliceJitter: slices lie in [quantum, quantum+jitter], the
// same seed gives the same slices, and the draws come from the PRNG passed
// in, in order (the kernel shares it with AT_RANDOM, so the order matters).
func TestRoundRobinSliceJitter(t *testing.T) {
	const quantum, jitter = 200, 50
	slices := func(seed uint64) []uint64 {
		rr := NewRoundRobin(quantum, jitter, rand.New(rand.NewPCG(seed, 1)))
		out := make([]uint64, 200)
		for i := range out {
			out[i] = rr.Slice(2)
		}
		return out
	}
	a, b := slices(7), slices(7)
	if diff := cmp.Diff(a, b); diff != "" {
		t.Errorf("same seed, different slices (-first +second):\n%s", diff)
	}
	if cmp.Equal(a, slices(8)) {
		t.Errorf("seeds 7 and 8 give the same slices")
	}
	seen := map[uint64]bool{}
	for _, s := range a {
		if s < quantum || s > quantum+jitter {
			t.Fatalf("slice %d outside [%d, %d]", s, quantum, quantum+jitter)
		}
		seen[s] = true
	}
	if len(seen) < jitter/2 {
		t.Errorf("only %d distinct slices in 200 draws", len(seen))
	}
	r := rand.New(rand.NewPCG(7, 1))
	for i, s := range a {
		if want := quantum + r.Uint64N(jitter+1); s != want {
			t.Fatalf("slice %d = %d, want %d drawn from the PRNG", i, s, want)
		}
	}
}

// TestRoundRobinNoJitterNoDraw: without jitter a slice is the quantum and
// leaves the shared PRNG alone.
func TestRoundRobinNoJitterNoDraw(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	rr := NewRoundRobin(300, 0, r)
	for range 10 {
		if s := rr.Slice(1); s != 300 {
			t.Fatalf("Slice = %d, want 300", s)
		}
	}
	if got, want := r.Uint64(), rand.New(rand.NewPCG(1, 2)).Uint64(); got != want {
		t.Errorf("Slice drew from the PRNG without jitter")
	}
}

// TestRoundRobinPoints: round robin preempts only at a slice end or a
// sched_yield, and only when another process is ready.
func TestRoundRobinPoints(t *testing.T) {
	rr := NewRoundRobin(100, 0, nil)
	all := []PointKind{PointSyscall, PointBlock, PointWake, PointSliceEnd, PointYield, PointExit}
	for _, k := range all {
		if d := rr.Point(Point{Kind: k, PID: 2}); d != Continue {
			t.Errorf("%v with nobody ready: %v, want Continue", k, d)
		}
	}
	rr.Ready(3, WhyNew)
	for _, k := range all {
		want := Continue
		if k == PointSliceEnd || k == PointYield {
			want = Preempt
		}
		if d := rr.Point(Point{Kind: k, PID: 2, Other: 3}); d != want {
			t.Errorf("%v with pid 3 ready: %v, want %v", k, d, want)
		}
	}
}

// TestRoundRobinNoAllocs: the calls of a context switch allocate nothing
// once the ring has grown.
func TestRoundRobinNoAllocs(t *testing.T) {
	var p Policy = NewRoundRobin(100, 10, rand.New(rand.NewPCG(1, 1)))
	p.Ready(1, WhyNew)
	allocs := testing.AllocsPerRun(100, func() {
		p.Ready(2, WhyWoken)
		pid, _ := p.Pick()
		p.Slice(pid)
		p.Point(Point{Kind: PointSyscall, PID: pid, Sysno: 64})
		p.Point(Point{Kind: PointSliceEnd, PID: pid})
	})
	if allocs != 0 {
		t.Errorf("%v allocations per switch, want 0", allocs)
	}
}

// Slice never panics or wraps, whatever a caller below the scenario
// checks passes: a jitter of 2^64-1, a quantum of 2^64-1, a quantum of 0.
func TestRoundRobinSliceExtremes(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, c := range []struct{ quantum, jitter uint64 }{
		{10, math.MaxUint64}, {math.MaxUint64, math.MaxUint64}, {math.MaxUint64, 5}, {0, 0},
	} {
		rr := NewRoundRobin(c.quantum, c.jitter, r)
		for range 100 {
			if s := rr.Slice(1); s < max(c.quantum, 1) {
				t.Fatalf("quantum %d jitter %d: slice %d below the quantum", c.quantum, c.jitter, s)
			}
		}
	}
}

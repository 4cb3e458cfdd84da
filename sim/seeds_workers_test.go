package sim

import (
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"ipcsim/kernel"
)

// The tallies of a seed sweep do not depend on how many workers run it:
// one, a few, or more than there are seeds; overlapping ranges run a seed
// once and tally it for each.
func TestRunSeedsWorkers(t *testing.T) {
	s, err := Load("../testdata/scenarios/race_counter.txtar")
	if err != nil {
		t.Fatal(err)
	}
	s.Expects = append(s.Expects, s.Expects[len(s.Expects)-1])
	r := *s.Expects[len(s.Expects)-1].Seeds
	r.From, r.To = 90, 140 // overlaps 1..100, and spans two batches of one worker
	s.Expects[len(s.Expects)-1].Seeds = &r
	want := s.runSeedsOn(1)
	for _, workers := range []int{2, 3, 200} {
		got := s.runSeedsOn(workers)
		if d := cmp.Diff(want, got, cmp.AllowUnexported(seedTally{})); d != "" {
			t.Errorf("%d workers: tallies differ from 1 worker's (-1 +%d):\n%s", workers, workers, d)
		}
	}
	if t1 := want[len(s.Expects)-1]; len(t1.held)+len(t1.broke) != 51 {
		t.Errorf("seeds 90..140: %d held, %d broke, expected 51 runs", len(t1.held), len(t1.broke))
	}
}

// Machines built at once on several goroutines (as the workers of a seed
// sweep or an exploration build them, sharing the scenario and its parsed
// programs) run exactly as machines built one after another: the same
// trace, byte for byte, and the same console.
func TestRunConcurrentTraces(t *testing.T) {
	s, err := Load("../testdata/scenarios/race_counter.txtar")
	if err != nil {
		t.Fatal(err)
	}
	const seeds = 12
	run := func(seed uint64) string {
		var b strings.Builder
		o, err := s.WithSeed(seed).Run(Options{Trace: func(e *kernel.Event) {
			b.WriteString(FormatEvent(e))
			b.WriteByte('\n')
		}})
		if err != nil {
			t.Error(err)
			return ""
		}
		return b.String() + "console: " + string(o.Console)
	}
	want := make([]string, seeds+1)
	for seed := uint64(1); seed <= seeds; seed++ {
		want[seed] = run(seed)
	}
	got := make([]string, seeds+1)
	var wg sync.WaitGroup
	for seed := uint64(1); seed <= seeds; seed++ {
		wg.Go(func() { got[seed] = run(seed) })
	}
	wg.Wait()
	for seed := uint64(1); seed <= seeds; seed++ {
		if got[seed] != want[seed] {
			t.Errorf("seed %d: the concurrent run's trace differs from the sequential run's", seed)
		}
	}
	if want[1] == want[2] || !strings.Contains(want[1], "counter = ") {
		t.Errorf("seeds 1 and 2 gave the same trace, or no console:\n%.500s", want[1])
	}
}

// TestRunSeedsWorkersAssertions: the assertions' tally over a seed sweep
// (which seeds broke each always or eventually line, in how many runs each
// sometimes line was true) is the same on any number of workers too.
func TestRunSeedsWorkersAssertions(t *testing.T) {
	s, err := Load("../testdata/scenarios/assert_counter.txtar")
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Asserts) == 0 {
		t.Fatal("assert_counter.txtar has no assertions")
	}
	want := s.runSeedsOn(1)[assertTallyKey].asserts
	if want == nil || len(want.seeds) == 0 {
		t.Fatal("no assertion tally over the seeds")
	}
	for _, workers := range []int{2, 3, 200} {
		got := s.runSeedsOn(workers)[assertTallyKey].asserts
		if d := cmp.Diff(want, got, cmp.AllowUnexported(assertSweep{})); d != "" {
			t.Errorf("%d workers: the assertions' tally differs from 1 worker's (-1 +%d):\n%s", workers, workers, d)
		}
	}
}

package explore

import (
	"bytes"
	"fmt"
	"testing"
)

// TestPCTAsList: a PCT schedule recorded as a list of switches at PCT's
// decision points (recordPCT) replays, as a pctlist token, the very same
// run, trace and console byte for byte; on unlocked and locked counters,
// processes and threads, so that every kind of decision point is met
// (picks, wakeups, the slice end after a system call, LR/SC).
func TestPCTAsList(t *testing.T) {
	for _, name := range []string{"explore_counter.txtar", "threads_explore_race.txtar", "spinlock_lrsc.txtar",
		"futex_lock.txtar", "sem_counter.txtar", "threads_explore_mutex.txtar"} {
		s := load(t, name)
		x := &explorer{s: s}
		var k uint64
		for n := range 12 {
			tok := Token{Strategy: "pct", Seed: 5, Run: n, Depth: 3, K: k}
			pol := tok.Policy().(*pct)
			if _, err := run(s, pol); err != nil {
				t.Fatal(err)
			}
			if n == 0 {
				k = max(pol.step, 1)
			}
			sw, kind, ok := x.asList(tok, pol)
			if !ok || kind != "pctlist" {
				t.Fatalf("%s: run %d: no list (%q)", name, n, kind)
			}
			list := Token{Strategy: "pctlist", Switches: sw}
			if a, b := traceOf(t, s, tok), traceOf(t, s, list); !bytes.Equal(a, b) {
				t.Errorf("%s: %s replayed as %s (%d switches) gives another run", name, tok, list, len(sw))
			}
		}
	}
}

// TestShrinkPCTAndPB: the failures PCT and pb find on explore_counter
// shrink to one switch (one preemption is all the unlocked two-process
// counter needs: just after a load, to the other process, which runs on
// until it is done), and that one switch still fails.
func TestShrinkPCTAndPB(t *testing.T) {
	s := load(t, "explore_counter.txtar")
	for _, strategy := range []string{"pct", "pb", "portfolio"} {
		for seed := uint64(0); seed < 8; seed++ {
			rep, err := Explore(s, Config{Strategy: strategy, Schedules: 40, Seed: seed, Build: "test", Workers: 2})
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Failures) == 0 {
				t.Fatalf("%s seed %d: no failure", strategy, seed)
			}
			f := rep.Failures[0]
			want := map[string]string{"pct": "pctlist", "pb": "list", "random": "list"}[f.Token.Strategy]
			if f.Shrunk == nil || f.Shrunk.Strategy != want {
				t.Fatalf("%s seed %d: %s shrunk to %v, want a %s token", strategy, seed, f.Token, f.Shrunk, want)
			}
			if len(f.Shrunk.Switches) != 1 || f.Switches < 1 {
				t.Errorf("%s seed %d: %s shrunk from %d switches to %s, want 1", strategy, seed, f.Token, f.Switches, f.Shrunk)
			}
			if !failsUnder(s, f.Shrunk.Policy(), f.Shrunk.plan()) {
				t.Errorf("%s seed %d: the shrunk %s does not fail", strategy, seed, f.Shrunk)
			}
		}
	}
}

// TestShrinkDeterministic: the same exploration shrinks its failures to
// the same tokens every time, with 1 worker or 4.
func TestShrinkDeterministic(t *testing.T) {
	s := load(t, "explore_counter.txtar")
	shrunk := func(workers int) string {
		rep, err := Explore(s, Config{Schedules: 30, Seed: 4, Build: "test", All: true, Workers: workers})
		if err != nil {
			t.Fatal(err)
		}
		out := ""
		for _, f := range rep.Failures {
			out += fmt.Sprintf("%d %s -> %v\n", f.Schedule, f.Token, f.Shrunk)
		}
		return out
	}
	a, b, c := shrunk(1), shrunk(1), shrunk(4)
	if a == "" || a != b || a != c {
		t.Errorf("the shrunk tokens differ from one exploration to the next:\n%s---\n%s---\n%s", a, b, c)
	}
}

// TestShrinkToOneSwitchThreads: on the two-thread race, random's failures
// keep dozens of switches, and the local moves of the shrink can stop at
// two (each needed where it is); the search for a single switch then
// finds the one preemption that loses the update, for every seed.
func TestShrinkToOneSwitchThreads(t *testing.T) {
	s := load(t, "threads_explore_race.txtar")
	for seed := uint64(0); seed < 4; seed++ {
		rep, err := Explore(s, Config{Strategy: "random", Schedules: 20, Seed: seed, Build: "test", Workers: 2})
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Failures) == 0 {
			t.Fatalf("seed %d: no failure", seed)
		}
		f := rep.Failures[0]
		if f.Shrunk == nil || len(f.Shrunk.Switches) != 1 {
			t.Errorf("seed %d: %s shrunk from %d switches to %v, want 1", seed, f.Token, f.Switches, f.Shrunk)
			continue
		}
		if !failsUnder(s, f.Shrunk.Policy(), f.Shrunk.plan()) {
			t.Errorf("seed %d: the shrunk %s does not fail", seed, f.Shrunk)
		}
	}
}

package explore

import (
	"bytes"
	"os"
	"strconv"
	"strings"
	"testing"

	"ipcsim/kernel"
	"ipcsim/sim"
)

func load(t *testing.T, name string) *sim.Scenario {
	t.Helper()
	s, err := sim.Load("../testdata/scenarios/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestPCTFindsLostUpdate: explore_counter passes under round robin, and
// PCT at depth 3 finds its lost update within 20 schedules for at least 45
// of the seeds 1..50. Measured when written: 50 of 50 within 20, 48 of 50
// within 10.
func TestPCTFindsLostUpdate(t *testing.T) {
	s := load(t, "explore_counter.txtar")
	found, within10 := 0, 0
	for seed := uint64(1); seed <= 50; seed++ {
		rep, err := Explore(s, Config{Strategy: "pct", Depth: 3, Schedules: 20, Seed: seed, Build: "test"})
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Failures) == 0 {
			continue
		}
		found++
		if rep.Failures[0].Token.Run < 10 {
			within10++
		}
		if ms := rep.Failures[0].Mismatches; !strings.Contains(ms[0].String(), "expect exit race 0") {
			t.Errorf("seed %d: the failure is not the lost update: %v", seed, ms)
		}
	}
	t.Logf("PCT depth 3 found the lost update within 20 schedules for %d of 50 seeds (within 10: %d)", found, within10)
	if found < 45 {
		t.Errorf("PCT depth 3 found the lost update within 20 schedules for only %d of 50 seeds, want at least 45", found)
	}
}

// TestRandomFindsAndShrinks: random preemption finds the lost update too,
// and the shrunk list of switches still fails, with fewer switches.
func TestRandomFindsAndShrinks(t *testing.T) {
	s := load(t, "explore_counter.txtar")
	rep, err := Explore(s, Config{Strategy: "random", Schedules: 50, Seed: 1, Build: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Failures) != 1 {
		t.Fatalf("random preemption found no lost update in 50 schedules")
	}
	f := rep.Failures[0]
	if f.Shrunk == nil || len(f.Shrunk.Switches) > f.Switches || len(f.Shrunk.Switches) == 0 {
		t.Fatalf("shrunk %v from %d switches", f.Shrunk, f.Switches)
	}
	t.Logf("a failing schedule of %d switches shrank to %d: %v", f.Switches, len(f.Shrunk.Switches), f.Shrunk)
	if !fails(s, f.Shrunk.Switches) {
		t.Errorf("the shrunk schedule does not fail")
	}
}

// TestLockedCountersPass: no strategy flags the counters that a lock
// protects, processes or threads, in 200 schedules.
func TestLockedCountersPass(t *testing.T) {
	n := 200
	if testing.Short() {
		n = 20
	}
	if v := os.Getenv("LOCKED_N"); v != "" {
		n, _ = strconv.Atoi(v)
	}
	for _, name := range []string{"spinlock_amoswap.txtar", "spinlock_lrsc.txtar", "sem_counter.txtar", "futex_lock.txtar",
		"threads_explore_mutex.txtar", "threads_explore_atomic.txtar"} {
		s := load(t, name)
		for _, cfg := range []Config{{Strategy: "pct", Depth: 3}, {Strategy: "random"}, {Strategy: "pb"}, {Strategy: "portfolio"}} {
			cfg.Schedules, cfg.Seed, cfg.Build, cfg.All = n, 1, "test", true
			rep, err := Explore(s, cfg)
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Failures) > 0 {
				t.Errorf("%s, %s: %d of %d schedules fail; first %s: %v", name, cfg.Strategy, len(rep.Failures), n, rep.Failures[0].Token, rep.Failures[0].Mismatches)
			}
		}
	}
}

// traceOf runs s under the token's schedule and returns its text trace.
func traceOf(t *testing.T, s *sim.Scenario, tok Token) []byte {
	t.Helper()
	var b bytes.Buffer
	o, err := s.Run(sim.Options{Policy: tok.Policy(), Trace: func(e *kernel.Event) {
		b.WriteString(sim.FormatEvent(e))
		b.WriteByte('\n')
	}})
	if err != nil {
		t.Fatal(err)
	}
	b.Write(o.Console)
	return b.Bytes()
}

// TestReplay: a token's run is the same, byte for byte, every time, and a
// random schedule replayed as the list of its switches is the same run.
func TestReplay(t *testing.T) {
	s := load(t, "explore_counter.txtar")
	for _, strategy := range []string{"pct", "random", "pb"} {
		rep, err := Explore(s, Config{Strategy: strategy, Schedules: 50, Seed: 2, Build: "test", NoShrink: true})
		if err != nil || len(rep.Failures) == 0 {
			t.Fatalf("%s: no failing schedule (%v)", strategy, err)
		}
		tok, err := ParseToken(rep.Failures[0].Token.String())
		if err != nil {
			t.Fatal(err)
		}
		a, b := traceOf(t, s, tok), traceOf(t, s, tok)
		if !bytes.Equal(a, b) {
			t.Errorf("%s: two replays of %s differ", strategy, tok)
		}
		if !bytes.Contains(a, []byte("(want 6)")) || bytes.Contains(a, []byte("counter = 6 ")) {
			t.Errorf("%s: the replay of %s does not lose an update:\n%s", strategy, tok, a[max(0, len(a)-200):])
		}
		if strategy == "random" {
			pol := tok.Policy().(*switcher)
			if _, err := run(s, pol); err != nil {
				t.Fatal(err)
			}
			list := Token{Strategy: "list", Switches: pol.switches}
			if c := traceOf(t, s, list); !bytes.Equal(a, c) {
				t.Errorf("the random schedule replayed as its switches %v gives another run", list)
			}
		}
	}
}

func TestTokens(t *testing.T) {
	for _, tok := range []Token{
		{Build: "b", Scenario: "s", Strategy: "pct", Seed: 7, Run: 3, Depth: 3, K: 57},
		{Build: "b", Scenario: "s", Strategy: "random", Seed: 1, Run: 9, P: 0.05},
		{Build: "b", Scenario: "s", Strategy: "pb", Run: 40, K: 13, W: 2},
		{Build: "b", Scenario: "s", Strategy: "pb", Run: 0},
		{Build: "b", Scenario: "s", Strategy: "list", Switches: []Switch{{12, 3}, {40, 2}}},
		{Build: "b", Scenario: "s", Strategy: "list"},
	} {
		got, err := ParseToken(tok.String())
		if err != nil {
			t.Fatalf("%s: %v", tok, err)
		}
		if got.String() != tok.String() {
			t.Errorf("round trip: %s became %s", tok, got)
		}
	}
	for _, bad := range []string{"", "ipx1:b:s:pct:seed=1", "ipx2:b:s:list:sw=", "ipx1:b:s:dfs:seed=1",
		"ipx1:b:s:list:sw=3.2_1.2", "ipx1:b:s:pb:run=1,k=0,w=0", "ipx1:b:s:pb:run=9,k=3,w=1", "ipx1:b:s:pb:run=1,k=3",
		"ipx1:b:s:pb:run=1,k=3,w=-1", "ipx1:b:s:random:seed=1,run=0,p=2", "ipx1:b:s:pct:seed=1,run=0,depth=3,k=5,k=6"} {
		if _, err := ParseToken(bad); err == nil {
			t.Errorf("ParseToken(%q) took it", bad)
		}
	}
	tok := Token{Build: "aaaa", Scenario: "s"}
	if err := tok.Check("bbbb", "s"); err == nil || !strings.Contains(err.Error(), "another build") {
		t.Errorf("a token of another build: %v", err)
	}
	if err := tok.Check("aaaa", "t"); err == nil || !strings.Contains(err.Error(), "another version of the scenario") {
		t.Errorf("a token of another scenario: %v", err)
	}
}

// TestPCTTarget is issue 12's target: PCT at depth 3 finds the lost
// update of the unlocked counter within 10 schedules for at least 999 of
// the seeds 1..1000 (the first of the ten, which learns the step bound,
// included). With -short, seeds 1..100 and all of them. Measured when
// written: 1000 of 1000, in a mean of 2.6 schedules.
func TestPCTTarget(t *testing.T) {
	s := load(t, "explore_counter.txtar")
	seeds, want := uint64(1000), 999
	if testing.Short() {
		seeds, want = 100, 100
	}
	found, schedules := 0, 0
	for seed := uint64(1); seed <= seeds; seed++ {
		rep, err := Explore(s, Config{Strategy: "pct", Depth: 3, Schedules: 10, Seed: seed, Build: "test", NoShrink: true, Workers: 2})
		if err != nil {
			t.Fatal(err)
		}
		schedules += rep.Schedules
		if len(rep.Failures) > 0 {
			found++
		}
	}
	t.Logf("PCT depth 3 found the lost update within 10 schedules for %d of %d seeds (%d schedules run)", found, seeds, schedules)
	if found < want {
		t.Errorf("PCT depth 3 found the lost update within 10 schedules for %d of %d seeds, want at least %d", found, seeds, want)
	}
}

package explore

import (
	"fmt"

	"ipcsim/sched"
	"ipcsim/sim"
)

// Config says how to explore.
type Config struct {
	Strategy  string  // "pct" (default) or "random"
	Depth     int     // pct: the depth d (d-1 change points); default 3
	P         float64 // random: the probability of a switch at each step; default 0.05
	Schedules int     // how many schedules to run; default 100
	Seed      uint64  // the explorer's seed: schedule i draws from PCG(Seed, i)
	All       bool    // go on after the first failing schedule
	NoShrink  bool    // do not shrink failing random schedules
	Build     string  // the build's fingerprint for tokens; default Build()
}

// Failure is a schedule that broke the scenario's expectations.
type Failure struct {
	Token      Token
	Mismatches []sim.Mismatch
	// Shrunk, for a random schedule, is a list of switches that still
	// fails, from which no single switch can be dropped (nil if not
	// shrunk); Switches is how many switches the schedule made.
	Shrunk   *Token
	Switches int
}

// Report is what an exploration found.
type Report struct {
	Schedules    int    // schedules run (shrinking runs not counted)
	Instructions uint64 // user instructions retired in those schedules
	K            uint64 // pct: the step bound learned from the first run
	Failures     []Failure
}

// Defaults fills in the zero fields of cfg.
func (cfg *Config) Defaults() {
	if cfg.Strategy == "" {
		cfg.Strategy = "pct"
	}
	if cfg.Depth == 0 {
		cfg.Depth = 3
	}
	if cfg.P == 0 {
		cfg.P = 0.05
	}
	if cfg.Schedules == 0 {
		cfg.Schedules = 100
	}
	if cfg.Build == "" {
		cfg.Build = Build()
	}
}

// Explore runs the scenario under cfg.Schedules schedules of the strategy,
// checks each run's expect lines (sim.Scenario.CheckRun), and reports the
// failing schedules: the first one, or all with cfg.All. The scenario's
// machine (its seed included) is unchanged; only the schedule varies.
//
// PCT's step bound k is the number of steps of the first run (schedule 0,
// which has no change point); schedules 1 on draw their change points from
// 1..k.
func Explore(s *sim.Scenario, cfg Config) (*Report, error) {
	cfg.Defaults()
	if cfg.Strategy != "pct" && cfg.Strategy != "random" {
		return nil, fmt.Errorf("unknown strategy %q: expected pct or random", cfg.Strategy)
	}
	if cfg.Depth < 1 || cfg.Depth > maxDepth {
		return nil, fmt.Errorf("depth %d out of range: expected 1 to %d", cfg.Depth, maxDepth)
	}
	if !(cfg.P > 0 && cfg.P <= 1) {
		return nil, fmt.Errorf("probability %v out of range: expected above 0, at most 1", cfg.P)
	}
	rep := &Report{}
	for i := 0; i < cfg.Schedules; i++ {
		t := Token{Build: cfg.Build, Scenario: s.Fingerprint(), Strategy: cfg.Strategy,
			Seed: cfg.Seed, Run: i, Depth: cfg.Depth, K: rep.K, P: cfg.P}
		if t.Strategy != "pct" {
			t.Depth, t.K = 0, 0
		} else {
			t.P = 0
		}
		pol := t.Policy()
		o, err := run(s, pol)
		if err != nil {
			return nil, err
		}
		rep.Schedules++
		rep.Instructions += o.Result.Instructions
		if p, ok := pol.(*pct); ok && i == 0 {
			rep.K = max(p.step, 1)
		}
		ms := s.CheckRun(o)
		if len(ms) == 0 {
			continue
		}
		f := Failure{Token: t, Mismatches: ms}
		if sw, ok := pol.(*switcher); ok {
			f.Switches = len(sw.switches)
			if !cfg.NoShrink {
				shrunk := Shrink(s, sw.switches)
				f.Shrunk = &Token{Build: cfg.Build, Scenario: s.Fingerprint(), Strategy: "list", Switches: shrunk}
			}
		}
		rep.Failures = append(rep.Failures, f)
		if !cfg.All {
			break
		}
	}
	return rep, nil
}

// run runs the scenario once under pol, keeping no trace.
func run(s *sim.Scenario, pol sched.Policy) (*sim.Outcome, error) {
	c := *s
	c.Wants = nil // nothing to render: keep no trace
	return c.Run(sim.Options{Policy: pol})
}

// fails reports whether the scenario breaks its expectations under the
// switches sw.
func fails(s *sim.Scenario, sw []Switch) bool {
	o, err := run(s, newList(sw))
	return err == nil && len(s.CheckRun(o)) > 0
}

// Shrink reduces the switches of a failing schedule greedily: it drops each
// switch in turn, last first, and keeps it dropped if the run still fails,
// until a whole pass drops nothing. What is left still fails, and no single
// switch of it can go. Dropping a switch changes what the later steps are,
// so the switches kept keep their step numbers but may land elsewhere in
// the programs; only the failure counts.
func Shrink(s *sim.Scenario, sw []Switch) []Switch {
	cur := append([]Switch(nil), sw...)
	for changed := true; changed; {
		changed = false
		for i := len(cur) - 1; i >= 0; i-- {
			try := append(append([]Switch(nil), cur[:i]...), cur[i+1:]...)
			if fails(s, try) {
				cur, changed = try, true
			}
		}
	}
	return cur
}

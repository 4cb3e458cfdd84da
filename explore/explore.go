package explore

import (
	"fmt"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"ipcsim/kernel"
	"ipcsim/sched"
	"ipcsim/sim"
)

// Config says how to explore.
type Config struct {
	Strategy  string  // "portfolio" (default), "pct", "random", "pb" or "dpor"
	Depth     int     // pct: the depth d (d-1 change points); default 3
	P         float64 // random: the probability of a switch at each step; default 0.05
	Schedules int     // how many schedules make the space, 0 to Schedules-1; default 100
	Seed      uint64  // the explorer's seed: schedule i draws from PCG(Seed, i)
	All       bool    // go on after the first failing schedule
	NoShrink  bool    // do not shrink failing schedules
	Build     string  // the build's fingerprint for tokens; default Build()
	// Faults gives each schedule a fault plan too (faults.go); its token
	// records the plan.
	Faults bool
	// Workers is how many goroutines run schedules at once (each run is
	// single-threaded); default runtime.GOMAXPROCS(0). The report does not
	// depend on it.
	Workers int
	// Shard and Shards: run only the schedules j with j mod Shards ==
	// Shard (Shards 0 means 1). Merge puts the reports of the shards
	// 0..Shards-1 together into the report of a single run.
	Shard, Shards int
	// Limit: dpor makes at most this many runs (default DefaultLimit);
	// Schedules, Workers and shards are for the other strategies.
	Limit int
	// Explored, if set, is called once, when every schedule has run and
	// before the failing ones are shrunk: the command line reads the
	// wall clock there, so that its rate is that of the schedules alone.
	Explored func()
}

// Failure is a schedule that broke the scenario's expectations.
type Failure struct {
	Schedule   int // its index in the exploration (Token.Run is its strategy's own index)
	Token      Token
	Mismatches []sim.Mismatch
	// Shrunk is a list of switches that still fails, from which no
	// single switch can be dropped (nil if not shrunk): a "list" token
	// for random and pb, "pctlist" for pct, "dpor" for dpor. Switches is
	// how many switches the schedule made, as such a list. With a fault
	// plan, Shrunk has only the faults still needed too, and Faults is
	// how many the plan had.
	Shrunk   *Token
	Switches int
	Faults   int
}

// Ran is one schedule that ran: its index and the user instructions it
// retired.
type Ran struct {
	Schedule     int
	Instructions uint64
	Seen         []bool // per assertion of the scenario: true at a point of this run (sometimes.go)
}

// Report is what an exploration found.
type Report struct {
	Schedules    int    // schedules run (shrinking runs not counted)
	Instructions uint64 // user instructions retired in those schedules
	K            uint64 // pct: the step bound learned from its first run
	// pb: the preemption points of its first run (which has none) and
	// the most processes a preemption could go to at one of them; PBSpace
	// is how many schedules pb has up to PBK preemptions (saturating), and
	// Exhausted says the exploration asked for more than that.
	PBK       uint64
	PBW       int
	PBSpace   uint64
	Exhausted bool
	Failures  []Failure
	Runs      []Ran // the schedules run, in order (what Merge needs)
	// FaultCandidates is how many faults the plans drew from (Config.Faults).
	FaultCandidates int
	// dpor: the complete runs, one per class of equivalent schedules
	// (Schedules counts the sleep-set blocked runs too), and whether the
	// search finished before the limit.
	Executions, SleepBlocked int
	Complete                 bool
}

// Strategies are the sampling strategies a Config may name; the portfolio
// rotates the other three: schedule i uses portfolio[i mod 3], as its run
// i/3. A Config may also name "dpor", the exhaustive search (dpor.go),
// which runs on one goroutine, whole, up to Config.Limit runs.
var (
	Strategies = []string{"portfolio", "pct", "random", "pb"}
	portfolio  = []string{"pct", "random", "pb"}
)

// Defaults fills in the zero fields of cfg.
func (cfg *Config) Defaults() {
	if cfg.Strategy == "" {
		cfg.Strategy = "portfolio"
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
	if cfg.Workers == 0 {
		cfg.Workers = runtime.GOMAXPROCS(0)
	}
	if cfg.Shards == 0 {
		cfg.Shards = 1
	}
}

// slot returns the strategy of schedule i and its index among the
// schedules of that strategy.
func (cfg *Config) slot(i int) (string, int) {
	if cfg.Strategy != "portfolio" {
		return cfg.Strategy, i
	}
	return portfolio[i%len(portfolio)], i / len(portfolio)
}

// first returns the first schedule of strategy st, or -1 if it has none.
func (cfg *Config) first(st string) int {
	for i := 0; i < min(cfg.Schedules, len(portfolio)); i++ {
		if s, _ := cfg.slot(i); s == st {
			return i
		}
	}
	return -1
}

// explorer holds what every schedule's token depends on: the
// configuration, and what the first runs of pct and pb learned.
type explorer struct {
	s           *sim.Scenario
	fingerprint string // s.Fingerprint(), hashed once: every token carries it
	cfg         Config
	k           uint64         // pct's step bound
	pbk         uint64         // pb's preemption points
	pbw         int            // pb's widest choice
	pbSpace     uint64         // pb's schedules in all (saturating)
	faults      []kernel.Fault // with cfg.Faults: the candidate faults (faults.go)
	net         []NetFault     // and the candidate network faults (netfaults.go)
	traffic     [][]uint64     // per link, the cycles it took a frame at (for partitions)
}

// token returns the token of schedule i; ok is false if it has none (pb
// exhausted: its space has fewer schedules than the exploration).
func (x *explorer) token(i int) (Token, bool) {
	st, run := x.cfg.slot(i)
	t := Token{Build: x.cfg.Build, Scenario: x.fingerprint, Strategy: st, Seed: x.cfg.Seed, Run: run}
	switch st {
	case "pct":
		t.Depth = x.cfg.Depth
		if run > 0 {
			t.K = x.k
		}
	case "random":
		t.P = x.cfg.P
	case "pb":
		t.Seed = 0
		if run > 0 {
			t.K, t.W = x.pbk, x.pbw
			if uint64(run) >= x.pbSpace {
				return Token{}, false
			}
		}
	}
	if x.cfg.Faults && i != x.cfg.first("pct") && i != x.cfg.first("pb") {
		t.setPlan(faultPlan(x.cfg.Seed, i, x.faults, x.net, x.traffic))
	}
	return t, true
}

// result is what one schedule gave.
type result struct {
	ran          bool
	instructions uint64
	seen         []bool
	failure      *Failure
	pol          sched.Policy // of a failure: the switches it made, to shrink
	err          error
}

// Explore runs the scenario under cfg.Schedules schedules of the strategy,
// checks each run's expect lines (sim.Scenario.CheckRun), and reports the
// failing schedules: the first one, or all with cfg.All. The scenario's
// machine (its seed included) is unchanged; only the schedule varies.
// The failures reported are shrunk (unless cfg.NoShrink) once every
// schedule has run, after cfg.Explored.
//
// PCT's step bound k is the number of steps of its first run (run 0, which
// has no change point); its later runs draw their change points from 1..k.
// In the same way pb's run 0, without preemptions, gives the preemption
// points among which the later runs choose.
//
// Schedules run on cfg.Workers goroutines, each run on one; the results
// are put together in the order of the schedules, so that the report (the
// first failure, the counts, every token) is the same whatever the
// number of workers and their timing. Without cfg.All the first failure
// in that order ends the exploration: the schedules before it all ran,
// those after it do not count.
func Explore(s *sim.Scenario, cfg Config) (*Report, error) {
	cfg.Defaults()
	if cfg.Strategy == "dpor" {
		return exploreDPOR(s, cfg)
	}
	if !slices.Contains(Strategies, cfg.Strategy) {
		return nil, fmt.Errorf("unknown strategy %q: expected portfolio, pct, random, pb or dpor", cfg.Strategy)
	}
	if cfg.Depth < 1 || cfg.Depth > maxDepth {
		return nil, fmt.Errorf("depth %d out of range: expected 1 to %d", cfg.Depth, maxDepth)
	}
	if !(cfg.P > 0 && cfg.P <= 1) {
		return nil, fmt.Errorf("probability %v out of range: expected above 0, at most 1", cfg.P)
	}
	if cfg.Shards < 1 || cfg.Shard < 0 || cfg.Shard >= cfg.Shards {
		return nil, fmt.Errorf("shard %d/%d: expected 0 <= i < n", cfg.Shard, cfg.Shards)
	}
	if cfg.Workers < 1 {
		return nil, fmt.Errorf("%d workers: expected at least 1", cfg.Workers)
	}
	x := &explorer{s: s, fingerprint: s.Fingerprint(), cfg: cfg}
	if cfg.Faults {
		var err error
		if x.faults, x.traffic, err = learnFaults(s); err != nil {
			return nil, err
		}
		x.net = append(netCandidates(s), partCandidates(x.traffic)...)
	}
	// The schedules of this shard: schedule Shard + m*Shards is the m-th.
	n := 0
	if cfg.Shard < cfg.Schedules {
		n = (cfg.Schedules - cfg.Shard + cfg.Shards - 1) / cfg.Shards
	}
	res := make([]result, n)
	own := func(i int) (int, bool) { return i / cfg.Shards, i%cfg.Shards == cfg.Shard }

	// The first runs of pct and pb learn what the others need. Every shard
	// runs them; one that does not own them does not count them.
	for _, st := range []string{"pct", "pb"} {
		i := cfg.first(st)
		if i < 0 {
			continue
		}
		t, _ := x.token(i)
		r, pol := x.runSchedule(i, t)
		if r.err != nil {
			return nil, r.err
		}
		switch p := pol.(type) {
		case *pct:
			x.k = max(p.step, 1)
		case *switcher:
			x.pbk, x.pbw = p.pb.points, p.pb.width
		}
		if m, ok := own(i); ok {
			res[m] = r
		}
	}
	rep := &Report{K: x.k, PBK: x.pbk, PBW: x.pbw, FaultCandidates: len(x.faults) + len(x.net)}
	if i := cfg.first("pb"); i >= 0 {
		x.pbSpace = pbSpace(x.pbk, x.pbw)
		rep.PBSpace = x.pbSpace
		runs := cfg.Schedules // pb's runs in the space: the schedules i, i+3, ... of the portfolio
		if cfg.Strategy == "portfolio" {
			runs = (cfg.Schedules-1-i)/len(portfolio) + 1
		}
		rep.Exhausted = uint64(runs) > x.pbSpace
	}

	// The other schedules, on the workers. stop is the first failing
	// (or erring) schedule found so far: without All, nothing after it
	// counts, so nothing after it starts.
	var next, stop atomic.Int64
	stop.Store(int64(n))
	lower := func(m int) {
		for {
			cur := stop.Load()
			if int64(m) >= cur || stop.CompareAndSwap(cur, int64(m)) {
				return
			}
		}
	}
	for m := range res {
		if res[m].err != nil || (res[m].failure != nil && !cfg.All) {
			lower(m)
		}
	}
	var wg sync.WaitGroup
	for range min(cfg.Workers, max(n, 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				m := int(next.Add(1) - 1)
				if m >= n || int64(m) > stop.Load() {
					return
				}
				if res[m].ran {
					continue // a first run, done above
				}
				i := cfg.Shard + m*cfg.Shards
				t, ok := x.token(i)
				if !ok {
					continue
				}
				res[m], _ = x.runSchedule(i, t)
				if res[m].err != nil || (res[m].failure != nil && !cfg.All) {
					lower(m)
				}
			}
		}()
	}
	wg.Wait()

	// The results in the order of the schedules.
	var pols []sched.Policy // of each failure reported
	for m := range res {
		r := res[m]
		if r.err != nil {
			return nil, r.err
		}
		if !r.ran {
			continue
		}
		rep.Schedules++
		rep.Instructions += r.instructions
		rep.Runs = append(rep.Runs, Ran{cfg.Shard + m*cfg.Shards, r.instructions, r.seen})
		if r.failure != nil {
			rep.Failures = append(rep.Failures, *r.failure)
			pols = append(pols, r.pol)
			if !cfg.All {
				break
			}
		}
	}
	if cfg.Explored != nil {
		cfg.Explored()
	}
	if !cfg.NoShrink {
		shrinkAll(len(rep.Failures), cfg.Workers, func(i int) { x.shrink(&rep.Failures[i], pols[i]) })
	}
	return rep, nil
}

// runSchedule runs schedule i, whose token is t, and checks it. It
// returns the policy too, for what the run learned (and, in the result of
// a failure, for shrinking it).
func (x *explorer) runSchedule(i int, t Token) (result, sched.Policy) {
	pol := t.Policy()
	o, err := runFaults(x.s, pol, t.plan())
	if err != nil {
		return result{err: err}, pol
	}
	r := result{ran: true, instructions: o.Result.Instructions, seen: x.s.SometimesSeen(o)}
	ms := x.s.CheckRun(o)
	if len(ms) == 0 {
		return r, pol
	}
	f := &Failure{Schedule: i, Token: t, Mismatches: ms, Faults: t.plan().size()}
	r.failure, r.pol = f, pol
	if sw, ok := pol.(*switcher); ok {
		f.Switches = len(sw.switches) // random and pb: counted even unshrunk
	}
	return r, pol
}

// shrink shrinks the failure f, whose run was made under pol: it sets
// f.Shrunk (and, as a list, f.Switches).
func (x *explorer) shrink(f *Failure, pol sched.Policy) {
	t := f.Token
	if sw, kind, ok := x.asList(t, pol); ok {
		// Every strategy: the schedule the run took, as a list of
		// switches, and its faults shrink together.
		f.Switches = len(sw)
		shrunk, p := shrinkList(x.s, sw, t.plan(), kind)
		f.Shrunk = &Token{Build: x.cfg.Build, Scenario: x.fingerprint, Strategy: kind, Switches: shrunk}
		f.Shrunk.setPlan(p)
	} else if f.Faults > 1 {
		// No list (a PCT run the list could not follow): the schedule
		// stays as it is, its faults shrink.
		st := t
		st.setPlan(shrinkFaults(x.s, t.Policy, t.plan()))
		f.Shrunk = &st
	}
}

// shrinkAll calls shrink(i) for i in 0..n-1, on up to workers goroutines
// (each shrink is its own, and the same whatever runs beside it).
func shrinkAll(n, workers int, shrink func(i int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(workers, n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				shrink(i)
			}
		}()
	}
	wg.Wait()
}

// asList returns the schedule that the run of token t under pol made, as
// a list of switches that replays it exactly, and the token kind of that
// list: "list" for random and pb (the switches their switcher made),
// "pctlist" for PCT (the run again, recorded: steplist.go). ok is false
// if the list would not replay the run.
func (x *explorer) asList(t Token, pol sched.Policy) (sw []Switch, kind string, ok bool) {
	switch p := pol.(type) {
	case *switcher:
		return p.switches, "list", true
	case *pct:
		rec := recordPCT(t.Policy().(*pct))
		if _, err := runFaults(x.s, rec, t.plan()); err != nil || rec.diverged {
			return nil, "", false
		}
		return rec.list.switches, "pctlist", true
	}
	return nil, "", false
}

// Merge puts together the reports of the shards 0..n-1 of one
// exploration (the same Config but for Shard), each of which ran on its
// own (another process, another machine), into the report of the
// exploration run whole: all is the Config's All. Without All, each shard
// stopped at its own first failure, after all its schedules before it; the
// first of those failures ends the whole, and what the shards ran after
// it is dropped.
func Merge(all bool, reps ...*Report) *Report {
	out := &Report{}
	if len(reps) == 0 {
		return out
	}
	r0 := reps[0]
	out.K, out.PBK, out.PBW, out.PBSpace, out.Exhausted = r0.K, r0.PBK, r0.PBW, r0.PBSpace, r0.Exhausted
	out.FaultCandidates = r0.FaultCandidates
	var fails []Failure
	for _, r := range reps {
		out.Runs = append(out.Runs, r.Runs...)
		fails = append(fails, r.Failures...)
	}
	slices.SortFunc(out.Runs, func(a, b Ran) int { return a.Schedule - b.Schedule })
	slices.SortFunc(fails, func(a, b Failure) int { return a.Schedule - b.Schedule })
	if !all && len(fails) > 0 {
		fails = fails[:1]
		last := fails[0].Schedule
		out.Runs = slices.DeleteFunc(out.Runs, func(r Ran) bool { return r.Schedule > last })
	}
	out.Failures = fails
	for _, r := range out.Runs {
		out.Schedules++
		out.Instructions += r.Instructions
	}
	return out
}

// run runs the scenario once under pol, keeping no trace.
func run(s *sim.Scenario, pol sched.Policy) (*sim.Outcome, error) {
	return runFaults(s, pol, plan{})
}

// runFaults runs the scenario once under pol and the fault plan p,
// keeping no trace.
func runFaults(s *sim.Scenario, pol sched.Policy, p plan) (*sim.Outcome, error) {
	s, err := applyNet(s, p.net)
	if err != nil {
		return nil, err
	}
	c := *s
	c.Wants = nil // nothing to render: keep no trace
	return c.Run(sim.Options{Policy: pol, Faults: p.sys})
}

// fails reports whether the scenario breaks its expectations under the
// switches sw.
func fails(s *sim.Scenario, sw []Switch) bool { return failsUnder(s, newList(sw), plan{}) }

// failsUnder reports whether the scenario breaks its expectations under
// pol and faults.
func failsUnder(s *sim.Scenario, pol sched.Policy, p plan) bool {
	o, err := runFaults(s, pol, p)
	return err == nil && len(s.CheckRun(o)) > 0
}

// Shrink reduces the switches of a failing schedule greedily: it drops each
// switch in turn, last first, and keeps it dropped if the run still fails,
// until a whole pass drops nothing. What is left still fails, and no single
// switch of it can go. Dropping a switch changes what the later steps are,
// so the switches kept keep their step numbers but may land elsewhere in
// the programs; only the failure counts.
func Shrink(s *sim.Scenario, sw []Switch) []Switch {
	return shrinkSwitches(s, sw, plan{}, "list")
}

// shrinkSwitches is Shrink under a fault plan, for a list of the token
// kind kind ("list", "pctlist" or "dpor": Token.Policy replays it).
func shrinkSwitches(s *sim.Scenario, sw []Switch, p plan, kind string) []Switch {
	return shrinkWith(sw, func(try []Switch) bool {
		return failsUnder(s, Token{Strategy: kind, Switches: try}.Policy(), p)
	})
}

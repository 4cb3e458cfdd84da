package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"time"

	"ipcsim/explore"
	"ipcsim/sim"
)

// cmdExplore is "ipcsim explore [--strategy=portfolio|pct|random|pb|dpor]
// [--depth=3] [--p=0.05] [--schedules=N] [--seed=S] [--all] [--no-shrink]
// [--faults] [--workers=N] [--shard=i/n] [--report=FILE.json] [--limit=N]
// FILE.txtar", and "ipcsim explore merge FILE.json..." (explore_report.go).
func cmdExplore(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "merge" {
		return cmdExploreMerge(args[1:], stdout, stderr)
	}
	fs := flag.NewFlagSet("explore", flag.ContinueOnError)
	var cfg explore.Config
	var shard, reportFile string
	fs.StringVar(&cfg.Strategy, "strategy", "portfolio", "portfolio (pct, random and pb in turn), pct, random, pb, or dpor (exhaustive, for small scenarios)")
	fs.IntVar(&cfg.Depth, "depth", 3, "PCT's depth")
	fs.Float64Var(&cfg.P, "p", 0.05, "random: the probability of a switch at each step")
	fs.IntVar(&cfg.Schedules, "schedules", 100, "how many schedules to run")
	fs.Uint64Var(&cfg.Seed, "seed", 0, "the explorer's seed")
	fs.BoolVar(&cfg.All, "all", false, "go on after the first failing schedule")
	fs.BoolVar(&cfg.NoShrink, "no-shrink", false, "do not shrink failing schedules")
	fs.BoolVar(&cfg.Faults, "faults", false, "choose a fault plan for each schedule too (failing calls, short transfers)")
	fs.IntVar(&cfg.Workers, "workers", runtime.GOMAXPROCS(0), "schedules run at once (the output does not depend on it)")
	fs.StringVar(&shard, "shard", "0/1", "i/n: run only the schedules j with j mod n = i")
	fs.IntVar(&cfg.Limit, "limit", explore.DefaultLimit, "dpor: stop after this many runs (the search is then incomplete)")
	fs.StringVar(&reportFile, "report", "", "also write what the exploration found to this file, as JSON, for ipcsim explore merge")
	check := checkFlag(fs)
	if st := parseFlags(fs, interleave(fs, args), stdout, stderr); st >= 0 {
		return st
	}
	if fs.NArg() != 1 {
		fmt.Fprintf(stderr, "ipcsim explore: expected one scenario file, found %d arguments (see ipcsim help)\n", fs.NArg())
		return exitBadInput
	}
	if cfg.Schedules < 1 {
		fmt.Fprintf(stderr, "ipcsim explore: bad --schedules %d: expected at least 1\n", cfg.Schedules)
		return exitBadInput
	}
	if cfg.Workers < 1 {
		fmt.Fprintf(stderr, "ipcsim explore: bad --workers %d: expected at least 1\n", cfg.Workers)
		return exitBadInput
	}
	if cfg.Limit < 1 {
		fmt.Fprintf(stderr, "ipcsim explore: bad --limit %d: expected at least 1\n", cfg.Limit)
		return exitBadInput
	}
	if _, err := fmt.Sscanf(shard, "%d/%d", &cfg.Shard, &cfg.Shards); err != nil || fmt.Sprintf("%d/%d", cfg.Shard, cfg.Shards) != shard ||
		cfg.Shards < 1 || cfg.Shard < 0 || cfg.Shard >= cfg.Shards {
		fmt.Fprintf(stderr, "ipcsim explore: bad --shard %q: expected i/n with 0 <= i < n\n", shard)
		return exitBadInput
	}
	s, err := sim.Load(fs.Arg(0))
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitBadInput
	}
	runCmd := "ipcsim run"
	if *check {
		// Every schedule (and every shrinking run) checks the kernel's
		// invariants; a break fails the schedule (sim.Scenario.CheckRun).
		s = s.WithInvariants()
		runCmd = "ipcsim run --check"
	}
	if os.Getenv("GOGC") == "" {
		// Each run allocates a machine and drops it: with the collector
		// at its default of 100 it spends more time than the runs
		// (a third more schedules per second at 400, measured on
		// explore_counter), and the heap that stays live is small.
		defer debug.SetGCPercent(debug.SetGCPercent(400))
	}
	cfg.Build = explore.Build() // before the clock starts: it reads the executable
	// The wall clock, for the rate line only: the schedules' time, up to
	// cfg.Explored, and apart from it what shrinking and explaining the
	// failures took.
	start := time.Now()
	var explored time.Duration
	cfg.Explored = func() { explored = time.Since(start) }
	rep, err := explore.Explore(s, cfg)
	if err != nil {
		fmt.Fprintf(stderr, "ipcsim explore: %v\n", err)
		return exitBadInput
	}
	out := newExploreReport(s, fs.Arg(0), runCmd, cfg, *check, rep) // explains the failures
	after := time.Since(start) - explored
	if reportFile != "" {
		if err := out.write(reportFile); err != nil {
			fmt.Fprintf(stderr, "ipcsim explore: --report: %v\n", err)
			return exitBadInput
		}
	}
	failed := out.print(stdout)
	rateLine(stdout, rep, explored, after, !cfg.NoShrink)
	if failed {
		return exitFailed
	}
	return exitOK
}

// rateLine prints the rate of the schedules explored, by the wall clock:
// explored is the time they took, after the time that shrinking (if
// shrunk) and explaining the failures took after them, told apart so
// that the rate is that of the exploration alone.
func rateLine(w io.Writer, rep *explore.Report, explored, after time.Duration, shrunk bool) {
	secs := explored.Seconds()
	if secs <= 0 {
		return
	}
	fmt.Fprintf(w, "rate: %.0f schedules/s, %.3g simulated instructions/s (wall clock, %.3fs",
		float64(rep.Schedules)/secs, float64(rep.Instructions)/secs, secs)
	if len(rep.Failures) > 0 {
		what := "explaining"
		if shrunk {
			what = "shrinking and explaining"
		}
		fmt.Fprintf(w, "; %s the failures took %.3fs more", what, after.Seconds())
	}
	fmt.Fprintln(w, ")")
}

// dporSummary prints what an exhaustive search found: how many classes of
// equivalent schedules it ran, one run each, and whether that is all.
func dporSummary(stdout io.Writer, cfg explore.Config, rep *explore.Report) {
	how := "complete"
	switch {
	case rep.Complete:
	case len(rep.Failures) > 0 && !cfg.All:
		how = "incomplete: stopped at the first failing one; --all goes on"
	default:
		how = fmt.Sprintf("incomplete: stopped at --limit %d runs", cfg.Limit)
	}
	fmt.Fprintf(stdout, "explore: dpor: %d executions explored (%s), %d failing; %d runs, %d of them sleep-set blocked\n",
		rep.Executions, how, len(rep.Failures), rep.Schedules, rep.SleepBlocked)
}

// summary prints the line of a sampling strategy's exploration.
func summary(stdout io.Writer, cfg explore.Config, rep *explore.Report) {
	pct := fmt.Sprintf("pct depth %d (k = %d steps)", cfg.Depth, rep.K)
	random := fmt.Sprintf("random p=%g", cfg.P)
	pb := fmt.Sprintf("pb (k = %d preemption points, w = %d", rep.PBK, rep.PBW)
	if rep.Exhausted {
		pb += fmt.Sprintf(", %d schedules in all", rep.PBSpace)
	}
	pb += ")"
	desc := map[string]string{"pct": pct, "random": random, "pb": pb,
		"portfolio": "portfolio of " + strings.Join([]string{pct, random, pb}, ", ")}[cfg.Strategy]
	if cfg.Shards > 1 {
		desc += fmt.Sprintf(", shard %d/%d", cfg.Shard, cfg.Shards)
	}
	if cfg.Faults {
		desc += fmt.Sprintf(", fault plans from %d candidate faults", rep.FaultCandidates)
	}
	fmt.Fprintf(stdout, "explore: %s, seed %d: %d schedules, %d failing\n", desc, cfg.Seed, rep.Schedules, len(rep.Failures))
}

// exploreSometimes reports the sometimes assertions of the scenario over
// the schedules explored: in how many each was true, and as a failure each
// that none saw. A shard sees part of the schedules: it gives its counts
// and fails nothing (the shards' counts add up). It returns whether an
// assertion failed.
func exploreSometimes(w io.Writer, s *sim.Scenario, rep *explore.Report, shard bool, path string) bool {
	seen := rep.Sometimes(s)
	for i, a := range s.Asserts {
		if a.Kind == sim.AssertSometimes {
			fmt.Fprintf(w, "sometimes: line %d: %s: true in %d of %d schedules\n", a.Pos.Line, a.Text, seen[i], rep.Schedules)
		}
	}
	if shard {
		return false
	}
	ms := rep.SometimesMismatches(s)
	if len(ms) == 0 {
		return false
	}
	fmt.Fprintf(w, "--- FAIL: sometimes assertions of %s\n", path)
	for _, m := range ms {
		fmt.Fprintf(w, "    %s\n", m)
	}
	return true
}

// interleave moves the flags that follow the first positional argument in
// front of it, so that "ipcsim run FILE --replay TOKEN" parses as
// "ipcsim run --replay TOKEN FILE" (the flag package stops at the first
// positional argument). A flag without "=" that takes a value takes the
// next argument with it; "--" ends the flags as usual.
func interleave(fs *flag.FlagSet, args []string) []string {
	var flags, pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			pos = append(pos, args[i+1:]...)
			break
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			pos = append(pos, a)
			continue
		}
		flags = append(flags, a)
		name := strings.TrimLeft(a, "-")
		if strings.Contains(name, "=") {
			continue
		}
		if f := fs.Lookup(name); f != nil && i+1 < len(args) {
			if b, ok := f.Value.(interface{ IsBoolFlag() bool }); !ok || !b.IsBoolFlag() {
				flags = append(flags, args[i+1])
				i++
			}
		}
	}
	return append(flags, pos...)
}

// shrunkFrom says what shrinking took away: "from 7 switches to 2", "from
// 2 faults to 1", or both.
func shrunkFrom(f explore.Failure) string {
	var parts []string
	if f.Shrunk.Strategy != f.Token.Strategy || f.Token.Strategy == "dpor" {
		// The schedule as a list of switches (every strategy), shrunk;
		// a schedule kept as it is (only its faults shrank) says nothing.
		parts = append(parts, fmt.Sprintf("from %d switches to %d", f.Switches, len(f.Shrunk.Switches)))
	}
	if f.Faults > 0 {
		parts = append(parts, fmt.Sprintf("from %d faults to %d", f.Faults, len(f.Shrunk.Faults)+len(f.Shrunk.Net)))
	}
	return strings.Join(parts, ", ")
}

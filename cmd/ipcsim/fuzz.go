package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"time"

	"ipcsim/explore"
	"ipcsim/fuzz"
	"ipcsim/sim"
)

// cmdFuzz is "ipcsim fuzz [--seed=S] [--calls=N] [--procs=P] [--k=K]
// [--check] [--workers=N]" and "ipcsim fuzz --replay TOKEN".
func cmdFuzz(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("fuzz", flag.ContinueOnError)
	var cfg fuzz.Config
	fs.Uint64Var(&cfg.Seed, "seed", 0, "the fuzzer's seed: case c draws its calls from PCG(seed, c)")
	fs.IntVar(&cfg.Calls, "calls", 10000, "run cases until this many calls were made")
	fs.IntVar(&cfg.Procs, "procs", 4, "processes per case")
	fs.IntVar(&cfg.PerProc, "k", 50, "calls per process in a case")
	fs.BoolVar(&cfg.Check, "check", false, "check the kernel's invariants at every step")
	fs.IntVar(&cfg.Workers, "workers", runtime.GOMAXPROCS(0), "cases run at once (the output does not depend on it)")
	replay := fs.String("replay", "", "run the case of this token again, with its trace")
	if st := parseFlags(fs, args, stdout, stderr); st >= 0 {
		return st
	}
	if fs.NArg() != 0 {
		fmt.Fprintf(stderr, "ipcsim fuzz: unexpected argument %q (see ipcsim help)\n", fs.Arg(0))
		return exitBadInput
	}
	if *replay != "" {
		set := false
		fs.Visit(func(f *flag.Flag) { set = set || f.Name != "replay" })
		if set {
			fmt.Fprintf(stderr, "ipcsim fuzz: --replay runs the case as the token says: no other flag\n")
			return exitBadInput
		}
		return fuzzReplay(*replay, stdout, stderr)
	}
	switch {
	case cfg.Calls < 1:
		fmt.Fprintf(stderr, "ipcsim fuzz: bad --calls %d: expected at least 1\n", cfg.Calls)
		return exitBadInput
	case cfg.Procs < 1 || cfg.Procs > fuzz.MaxProcs:
		fmt.Fprintf(stderr, "ipcsim fuzz: bad --procs %d: expected 1 to %d\n", cfg.Procs, fuzz.MaxProcs)
		return exitBadInput
	case cfg.PerProc < 1 || cfg.PerProc > fuzz.MaxPerProc:
		fmt.Fprintf(stderr, "ipcsim fuzz: bad --k %d: expected 1 to %d\n", cfg.PerProc, fuzz.MaxPerProc)
		return exitBadInput
	case cfg.Workers < 1:
		fmt.Fprintf(stderr, "ipcsim fuzz: bad --workers %d: expected at least 1\n", cfg.Workers)
		return exitBadInput
	}
	if os.Getenv("GOGC") == "" {
		// Every case builds a machine and drops it (see cmdExplore).
		defer debug.SetGCPercent(debug.SetGCPercent(400))
	}
	cfg.Before = fuzzTestHook
	cfg.Build = explore.Build() // before the clock starts: it reads the executable
	start := time.Now()         // the wall clock, for the rate line only
	rep, err := fuzz.Run(cfg)
	if err != nil {
		fmt.Fprintf(stderr, "ipcsim fuzz: %v\n", err)
		return exitBadInput
	}
	elapsed := time.Since(start).Seconds()
	for _, f := range rep.Failures {
		fmt.Fprintf(stdout, "--- FAIL: %s\n", f.String())
		fmt.Fprintf(stdout, "    replay: ipcsim fuzz --replay %s\n", f.Token)
	}
	checked := "invariants not checked (--check checks them)"
	if cfg.Check {
		checked = fmt.Sprintf("%d invariant checks", rep.Checks)
	}
	fmt.Fprintf(stdout, "fuzz: seed %d, %d processes x %d calls a case: %d cases, %d calls, %d respawns, %d instructions, %s, %d failing\n",
		cfg.Seed, cfg.Procs, cfg.PerProc, rep.Cases, rep.Calls, rep.Respawns, rep.Instructions, checked, len(rep.Failures))
	if elapsed > 0 {
		fmt.Fprintf(stdout, "rate: %.0f calls/s, %.0f cases/s (wall clock, %.3fs)\n",
			float64(rep.Calls)/elapsed, float64(rep.Cases)/elapsed, elapsed)
	}
	if rep.Stalled {
		fmt.Fprintf(stdout, "fuzz: stopped before %d calls: no case of the last batch made a call\n", cfg.Calls)
	}
	if len(rep.Failures) > 0 {
		return exitFailed
	}
	return exitOK
}

// fuzzTestHook, set by tests only, runs before each call of a case as
// the kernel does: a panic in it is a kernel panic to the fuzzer.
var fuzzTestHook func(c, i int)

// fuzzReplay runs the case of a token with its trace: every event, each
// call the fuzzer makes marked before it, and last how the case ended.
func fuzzReplay(token string, stdout, stderr io.Writer) int {
	tok, err := fuzz.ParseToken(token)
	if err == nil {
		err = tok.Check(explore.Build())
	}
	if err != nil {
		fmt.Fprintf(stderr, "ipcsim fuzz: %v\n", err)
		return exitBadInput
	}
	out := bufio.NewWriter(stdout)
	defer out.Flush()
	trace, traceErr := sim.HostTracer(out, false, 0)
	res, err := fuzz.Replay(tok, fuzz.Config{
		Trace: trace,
		Before: func(c, i int) {
			fmt.Fprintf(out, "--- fuzz call %d\n", i)
			if fuzzTestHook != nil {
				fuzzTestHook(c, i)
			}
		},
	})
	if err == nil {
		err = traceErr()
	}
	if err != nil {
		out.Flush()
		fmt.Fprintf(stderr, "ipcsim fuzz: %v\n", err)
		return exitBadInput
	}
	fmt.Fprintf(out, "--- end of case %d: %d calls, invariants checked\n", res.Case, res.Calls)
	if f := res.Failure; f != nil {
		fmt.Fprintf(out, "FAIL: %s\n", f.String())
		if f.Stack != "" {
			fmt.Fprintf(out, "%s", strings.TrimRight(f.Stack, "\n")+"\n")
		}
		return exitFailed
	}
	fmt.Fprintf(out, "ok: the case passes on this build\n")
	return exitOK
}

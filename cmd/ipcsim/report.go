package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"

	"ipcsim/sched"
	"ipcsim/sim"
)

// cmdReport is "ipcsim report [-o FILE.html] [--seed=N] [--limit=N|none]
// [--replay=TOKEN] FILE.txtar": one self-contained HTML page of a run
// (sim.WriteReport).
func cmdReport(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	outPath := fs.String("o", "", "write the page to this file (default: standard output)")
	seed := seedFlag(fs)
	limit := limitFlag(fs)
	replay := fs.String("replay", "", "run the schedule of this token from ipcsim explore")
	if st := parseFlags(fs, interleave(fs, args), stdout, stderr); st >= 0 {
		return st
	}
	if fs.NArg() != 1 {
		fmt.Fprintf(stderr, "ipcsim report: expected one scenario file, found %d arguments (see ipcsim help)\n", fs.NArg())
		return exitBadInput
	}
	s, err := sim.Load(fs.Arg(0))
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitBadInput
	}
	var ropts sim.ReportOptions
	if *replay != "" {
		if seed.set || limit.set {
			fmt.Fprintf(stderr, "ipcsim report: --replay runs the scenario as explored: not with --seed or --limit\n")
			return exitBadInput
		}
		rs, tok, err := replayToken(s, *replay) // its network faults too
		if err != nil {
			fmt.Fprintf(stderr, "ipcsim report: %v\n", err)
			return exitBadInput
		}
		s = rs
		ropts.Policy = func() sched.Policy { return tok.Policy() }
		ropts.Faults = tok.Faults
	}
	s = override(s, seed, limit)
	var page bytes.Buffer
	if err := sim.WriteReport(&page, s, ropts); err != nil {
		fmt.Fprintln(stderr, err)
		return exitBadInput
	}
	if *outPath == "" || *outPath == "-" {
		if _, err := stdout.Write(page.Bytes()); err != nil {
			fmt.Fprintf(stderr, "ipcsim report: %v\n", err)
			return exitBadInput
		}
		return exitOK
	}
	if err := os.WriteFile(*outPath, page.Bytes(), 0o644); err != nil {
		fmt.Fprintf(stderr, "ipcsim report: %v\n", err)
		return exitBadInput
	}
	return exitOK
}

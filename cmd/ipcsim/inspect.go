package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"

	"ipcsim/sim"
)

// cmdInspect is "ipcsim inspect --at=CYCLE [--format=text|json] FILE.txtar".
func cmdInspect(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("inspect", flag.ContinueOnError)
	at := fs.String("at", "", "the cycle to stop at (required)")
	format := fs.String("format", "text", "output format: text or json")
	limit := limitFlag(fs)
	if st := parseFlags(fs, args, stdout, stderr); st >= 0 {
		return st
	}
	if *at == "" {
		fmt.Fprintf(stderr, "ipcsim inspect: --at=CYCLE is required: the cycle to stop at\n")
		return exitBadInput
	}
	cycle, err := sim.ParseCount(*at)
	if err != nil || cycle == 0 || cycle > sim.MaxCycleLimit {
		fmt.Fprintf(stderr, "ipcsim inspect: --at: expected a cycle from 1 to 2^62, found %q\n", *at)
		return exitBadInput
	}
	if *format != "text" && *format != "json" {
		fmt.Fprintf(stderr, "ipcsim inspect: bad --format %q: expected text or json\n", *format)
		return exitBadInput
	}
	if fs.NArg() != 1 {
		fmt.Fprintf(stderr, "ipcsim inspect: expected one scenario file, found %d arguments (see ipcsim help)\n", fs.NArg())
		return exitBadInput
	}
	s, err := sim.Load(fs.Arg(0))
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitBadInput
	}
	s = override(s, &settingFlag{}, limit)
	o, err := s.Run(sim.Options{PauseAt: cycle})
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitBadInput
	}
	out := bufio.NewWriter(stdout)
	defer out.Flush()
	if err := sim.WriteInspect(out, s, o, cycle, *format == "json"); err != nil {
		fmt.Fprintf(stderr, "ipcsim inspect: %v\n", err)
		return exitBadInput
	}
	return exitOK
}

package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"strconv"

	"ipcsim/sim"
)

// cmdRun is "ipcsim run [--format=text|json] [--seed=N] FILE.txtar".
func cmdRun(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	format := fs.String("format", "text", "trace format: text or json")
	seed := seedFlag(fs)
	if st := parseFlags(fs, args, stdout, stderr); st >= 0 {
		return st
	}
	if *format != "text" && *format != "json" {
		fmt.Fprintf(stderr, "ipcsim run: bad --format %q: expected text or json\n", *format)
		return exitBadInput
	}
	if fs.NArg() != 1 {
		fmt.Fprintf(stderr, "ipcsim run: expected one scenario file, found %d arguments (see ipcsim help)\n", fs.NArg())
		return exitBadInput
	}
	s, err := sim.Load(fs.Arg(0))
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitBadInput
	}
	if seed.set {
		s = s.WithSeed(seed.n)
	}
	out := bufio.NewWriter(stdout)
	defer out.Flush()
	trace, traceErr := sim.Tracer(out, *format == "json")
	o, err := s.Run(sim.Options{Trace: trace})
	if err != nil {
		out.Flush()
		fmt.Fprintln(stderr, err)
		return exitBadInput
	}
	if err := traceErr(); err != nil {
		fmt.Fprintf(stderr, "ipcsim run: writing the trace: %v\n", err)
		return exitBadInput
	}
	writeConsole(out, o.Console)
	fmt.Fprintf(out, "--- exits\n%s", sim.FormatExits(o.Result))
	if u := o.Result.Unimplemented; len(u) > 0 {
		// Last, so that nobody misses it: a run whose calls failed with
		// ENOSYS shows little of what the scenario meant to show.
		fmt.Fprintf(out, "unimplemented: %s\n", sim.FormatUnimplemented(u))
	}
	return exitOK
}

// writeConsole prints console output under a header; output that does not
// end in a newline is marked, so that the next header starts a line.
func writeConsole(w io.Writer, console []byte) {
	fmt.Fprintf(w, "--- console\n")
	w.Write(console)
	if n := len(console); n > 0 && console[n-1] != '\n' {
		fmt.Fprintf(w, "\n\\ No newline at end of console\n")
	}
}

// seedOverride is the --seed flag of run and test: the machine's seed for
// this run, in place of the scenario's seed= setting.
type seedOverride struct {
	n   uint64
	set bool
}

func (o *seedOverride) String() string {
	if !o.set {
		return ""
	}
	return strconv.FormatUint(o.n, 10)
}

func (o *seedOverride) Set(s string) error {
	n, err := sim.ParseCount(s)
	if err != nil {
		return err
	}
	o.n, o.set = n, true
	return nil
}

// seedFlag defines --seed on fs.
func seedFlag(fs *flag.FlagSet) *seedOverride {
	o := &seedOverride{}
	fs.Var(o, "seed", "run the machine with this seed instead of the scenario's")
	return o
}

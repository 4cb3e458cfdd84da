package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"

	"ipcsim/sim"
)

// cmdRun is "ipcsim run [--format=text|json] FILE.txtar".
func cmdRun(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	format := fs.String("format", "text", "trace format: text or json")
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

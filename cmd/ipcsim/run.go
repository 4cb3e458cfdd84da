package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"strconv"

	"ipcsim/kernel"
	"ipcsim/sim"
)

// cmdRun is "ipcsim run [--format=text|json|chrome|mermaid] [--tree]
// [--seed=N] [--pcap=DIR] FILE.txtar".
func cmdRun(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	format := fs.String("format", "text", "trace format: text, json (lines), chrome (a Chrome trace for Perfetto) or mermaid (a sequence diagram)")
	tree := fs.Bool("tree", false, "end with the tree of the processes that lived in the run (text and json)")
	seed := seedFlag(fs)
	limit := limitFlag(fs)
	replay := fs.String("replay", "", "run the schedule of this token from ipcsim explore")
	filter := filterFlags(fs)
	quiz := fs.Bool("quiz", false, "quiz mode: hide the results of the calls a course asks about, the causes of wakeups and the console, as numbered questions")
	answers := fs.Bool("answers", false, "with --quiz: print the answers at the end")
	check := checkFlag(fs)
	pcapDir := fs.String("pcap", "", "capture each host's packets to `DIR`/HOST.pcap (DIR/ipcsim.pcap without host lines), for Wireshark or tshark -r")
	if st := parseFlags(fs, interleave(fs, args), stdout, stderr); st >= 0 {
		return st
	}
	switch *format {
	case "text", "json", "chrome", "mermaid":
	default:
		fmt.Fprintf(stderr, "ipcsim run: bad --format %q: expected text, json, chrome or mermaid\n", *format)
		return exitBadInput
	}
	view := *format == "chrome" || *format == "mermaid"
	if *tree && view {
		fmt.Fprintf(stderr, "ipcsim run: --tree goes with --format=text or json: the %s output is one document\n", *format)
		return exitBadInput
	}
	if view && filter.Active() {
		fmt.Fprintf(stderr, "ipcsim run: the trace filters (--pid, --host, --from, --to, --hide, --only) go with --format=text or json: the %s view needs every event\n", *format)
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
	hostNames := s.HostNames()
	if err := filter.Check(hostNames); err != nil {
		fmt.Fprintf(stderr, "ipcsim run: %v\n", err)
		return exitBadInput
	}
	if (*quiz || *answers) && *format != "text" || *answers && !*quiz {
		fmt.Fprintf(stderr, "ipcsim run: --quiz goes with --format=text, and --answers with --quiz\n")
		return exitBadInput
	}
	var theQuiz *sim.Quiz
	var opts sim.Options
	if *replay != "" {
		if seed.set || limit.set {
			fmt.Fprintf(stderr, "ipcsim run: --replay runs the scenario as explored: not with --seed or --limit\n")
			return exitBadInput
		}
		rs, tok, err := replayToken(s, *replay)
		if err != nil {
			fmt.Fprintf(stderr, "ipcsim run: %v\n", err)
			return exitBadInput
		}
		s, opts = rs, tok.Options() // the schedule and the fault plan the explorer chose
	}
	s = override(s, seed, limit)
	out := bufio.NewWriter(stdout)
	defer out.Flush()
	var (
		trace    func(*kernel.Event)
		traceErr func() error
		writer   *sim.TraceWriter // the text or JSON trace, when nothing else reads the events
		chrome   *sim.ChromeTrace
		mermaid  *sim.Mermaid
		runTree  *sim.RunTree
	)
	switch *format {
	case "chrome":
		chrome = sim.NewChromeTraceHosts(out, s.Path, hostNames)
		trace = chrome.Event
	case "mermaid":
		mermaid = sim.NewMermaidHosts(out, sim.MaxMermaidItems, hostNames)
		trace = mermaid.Event
	case "text", "json":
		if *tree {
			runTree = sim.NewRunTree(hostNames)
		}
		if !*quiz {
			// The lines of the events shown: those of the commonest
			// are made on another core (sim.TraceWriter).
			writer = sim.NewTraceWriter(out, *format == "json", hostNames, s.HostWidth(), filter)
			defer writer.Close() // on every way out: its lines, its goroutine and batches
			opts.TraceLog, traceErr = writer, writer.Close
			if runTree != nil {
				opts.TraceLog = treeLog{writer, runTree}
			}
			break
		}
		theQuiz = sim.NewQuiz(out, s.HostWidth())
		trace, traceErr = filter.Wrap(theQuiz.Event), func() error { return nil }
		if runTree != nil {
			show := trace
			trace = func(e *kernel.Event) {
				show(e)
				runTree.Event(e) // every event, shown or not
			}
		}
	}
	opts.Trace = trace
	opts.Check = *check
	var captures *captureFiles
	if *pcapDir != "" {
		captures, err = createCaptures(*pcapDir, hostNames)
		if err != nil {
			fmt.Fprintf(stderr, "ipcsim run: --pcap: %v\n", err)
			return exitBadInput
		}
		defer captures.close() // if the run fails; finish closes them otherwise
		opts.Pcap = captures.writers()
	}
	o, err := s.Run(opts)
	if err != nil {
		if writer != nil {
			writer.Close() // its lines, then the error
		}
		out.Flush()
		fmt.Fprintln(stderr, err)
		return exitBadInput
	}
	if captures != nil {
		if err := captures.finish(); err != nil {
			fmt.Fprintf(stderr, "ipcsim run: --pcap: %v\n", err)
			return exitBadInput
		}
	}
	switch {
	case chrome != nil:
		err = chrome.Close(o.Result.Cycles)
	case mermaid != nil:
		err = mermaid.Close()
	default:
		err = traceErr()
	}
	if err != nil {
		fmt.Fprintf(stderr, "ipcsim run: writing the trace: %v\n", err)
		return exitBadInput
	}
	// A failed always or eventually assertion makes the status 1
	// (sim/assert_check.go).
	asserts, assertFailed := s.RunAsserts(o)
	status := exitOK
	if assertFailed {
		status = exitFailed
	}
	if view {
		// The output is one document (JSON, a diagram): what the text
		// trace ends with goes to standard error, and only a warning.
		if u := o.Result.Unimplemented; len(u) > 0 {
			fmt.Fprintf(stderr, "unimplemented: %s\n", sim.FormatUnimplemented(u))
		}
		writeAsserts(stderr, asserts)
		limitNote(stderr, "run", s, o)
		return max(status, invariantStatus(stderr, "run", false, o))
	}
	if *format == "json" {
		// Every line a JSON document: the console, the exits and the
		// rest follow the events as documents with a "type".
		err := sim.WriteRunJSON(out, o, runTree)
		if err == nil {
			err = s.WriteAssertJSON(out, o)
		}
		if err != nil {
			fmt.Fprintf(stderr, "ipcsim run: writing the output: %v\n", err)
			return exitBadInput
		}
		limitNote(stderr, "run", s, o)
		return max(status, invariantStatus(stderr, "run", false, o))
	}
	if *quiz {
		theQuiz.Flush() // what the run's last events held back
		// The console would give the answers away.
		fmt.Fprintf(out, "--- console (hidden in a quiz)\n")
		if *answers {
			fmt.Fprintf(out, "--- answers\n")
			for _, a := range theQuiz.Answers() {
				fmt.Fprintln(out, a)
			}
		}
		limitNote(stderr, "run", s, o)
		return max(status, invariantStatus(out, "run", true, o))
	}
	if len(s.Hosts) > 0 {
		for i := range o.Hosts {
			writeConsole(out, "--- console "+o.Hosts[i].Name, &o.Hosts[i])
		}
		fmt.Fprintf(out, "--- exits\n%s", sim.FormatHostExits(o.Hosts))
	} else {
		writeConsole(out, "--- console", &o.Hosts[0])
		fmt.Fprintf(out, "--- exits\n%s", sim.FormatExits(o.Result))
	}
	if runTree != nil {
		// With hosts, a tree per host, as the consoles are.
		if len(s.Hosts) > 0 {
			for i, h := range runTree.Hosts() {
				fmt.Fprintf(out, "--- processes %s\n", h)
				runTree.Write(out, i)
			}
		} else {
			fmt.Fprintf(out, "--- processes\n")
			runTree.Write(out, 0)
		}
	}
	writeAsserts(out, asserts)
	if u := o.Result.Unimplemented; len(u) > 0 {
		// Last, so that nobody misses it: a run whose calls failed with
		// ENOSYS shows little of what the scenario meant to show.
		fmt.Fprintf(out, "unimplemented: %s\n", sim.FormatUnimplemented(u))
	}
	limitNote(stderr, "run", s, o)
	return max(status, invariantStatus(out, "run", true, o))
}

// writeAsserts prints what the run showed of the scenario's assertions,
// under a header, if it has any.
func writeAsserts(w io.Writer, lines []string) {
	if len(lines) == 0 {
		return
	}
	fmt.Fprintf(w, "--- assertions\n")
	for _, l := range lines {
		fmt.Fprintln(w, l)
	}
}

// filterFlags defines the trace filters of ipcsim run on fs: --pid,
// --host, --from, --to, --hide and --only. A list flag may be given more
// than once; its lists add up.
func filterFlags(fs *flag.FlagSet) *sim.TraceFilter {
	f := &sim.TraceFilter{}
	fs.Func("pid", "show only the events of these processes: 2,3 (or alice:2 with hosts; 0 is the machine itself)", func(v string) error {
		refs, err := sim.ParsePIDs(v)
		f.PIDs = append(f.PIDs, refs...)
		return err
	})
	fs.Func("host", "show only the events of these hosts: alice,bob", func(v string) error {
		hosts, err := sim.ParseHosts(v)
		f.Hosts = append(f.Hosts, hosts...)
		return err
	})
	fs.Func("from", "show only the events from this cycle on", func(v string) error {
		n, err := sim.ParseCount(v)
		f.From = n
		return err
	})
	fs.Func("to", "show only the events up to this cycle (included)", func(v string) error {
		n, err := sim.ParseCount(v)
		f.To, f.HasTo = n, err == nil
		return err
	})
	fs.Func("hide", "hide the events of these kinds: switch,irq (kinds: "+sim.KindNames()+")", func(v string) error {
		kinds, err := sim.ParseKinds(v)
		f.Hide = append(f.Hide, kinds...)
		return err
	})
	fs.Func("only", "show only the events of these kinds: syscall,signal (kinds: "+sim.KindNames()+")", func(v string) error {
		kinds, err := sim.ParseKinds(v)
		f.Only = append(f.Only, kinds...)
		return err
	})
	return f
}

// limitNote says on w why a run stopped at the default cycle limit, and how
// to change it: the scenario did not ask for that limit.
func limitNote(w io.Writer, cmd string, s *sim.Scenario, o *sim.Outcome) {
	if o.Result.Reason == kernel.StopCycleLimit && s.Machine.CycleLimit == sim.DefaultCycleLimit {
		fmt.Fprintf(w, "ipcsim %s: %s stopped at the default cycle limit (%d cycles, 1 s of virtual time); limit=N or limit=none in its machine line, or --limit=N|none, changes it\n",
			cmd, s.Path, sim.DefaultCycleLimit)
	}
}

// writeConsole prints the console output of a host under a header, as a
// want/console section holds it (sim.EncodeConsole): output that does not
// end in a newline is marked, so that the next header starts a line. Of
// output beyond what a run keeps (sim.MaxConsoleBytes), a last line says
// how much there was.
func writeConsole(w io.Writer, header string, o *sim.HostOutcome) {
	fmt.Fprintf(w, "%s\n", header)
	if !o.ConsoleExceeded() {
		w.Write(sim.EncodeConsole(o.Console))
		return
	}
	kept := o.Console
	if n := len(kept); n > 0 && kept[n-1] != '\n' {
		kept = append(kept[:n:n], '\n')
	}
	w.Write(sim.EncodeConsole(kept))
	fmt.Fprintf(w, "\\ console output exceeds %d bytes: %d bytes written, the first %d shown\n", sim.MaxConsoleBytes, o.ConsoleBytes, len(o.Console))
}

// settingFlag is a flag that sets the machine, such as --seed, --limit or
// --mem: its value is parsed and checked as the same setting of a
// scenario's machine line is (sim.ParseSetting), so that it gives the same
// ranges and the same messages.
type settingFlag struct {
	key string // the machine setting: seed, limit, mem, quantum, trapcost
	n   uint64
	set bool
}

func (f *settingFlag) String() string {
	switch {
	case !f.set:
		return ""
	case f.key == "limit" && f.n == 0:
		return "none"
	}
	return strconv.FormatUint(f.n, 10)
}

func (f *settingFlag) Set(s string) error {
	var n uint64
	var err error
	if f.key == "seed" {
		n, err = sim.ParseCount(s) // any 64-bit seed
	} else {
		n, err = sim.ParseSetting(f.key, s)
	}
	if err != nil {
		return err
	}
	f.n, f.set = n, true
	return nil
}

// seedFlag defines --seed on fs: the machine's seed for this run, in
// place of the scenario's seed=.
func seedFlag(fs *flag.FlagSet) *settingFlag {
	f := &settingFlag{key: "seed"}
	fs.Var(f, "seed", "run the machine with this seed instead of the scenario's")
	return f
}

// limitFlag defines --limit on fs: the cycle limit for this run (N or
// none), in place of the scenario's limit=.
func limitFlag(fs *flag.FlagSet) *settingFlag {
	f := &settingFlag{key: "limit"}
	fs.Var(f, "limit", "stop the machine at this cycle (or none) instead of the scenario's limit")
	return f
}

// override applies --seed and --limit to a scenario.
func override(s *sim.Scenario, seed, limit *settingFlag) *sim.Scenario {
	if seed.set {
		s = s.WithSeed(seed.n)
	}
	if limit.set {
		s = s.WithLimit(limit.n)
	}
	return s
}

// treeLog is the trace of ipcsim run --tree through a sim.TraceWriter: the
// writer writes what it shows, and the tree sees every Event. The tree
// needs no Record (a Record's event is a read, a write, a block, a wakeup
// or a switch: RunTree follows spawns, execs, exits and reparentings).
type treeLog struct {
	*sim.TraceWriter
	tree *sim.RunTree
}

func (l treeLog) Event(e *kernel.Event) {
	l.TraceWriter.Event(e)
	l.tree.Event(e)
}

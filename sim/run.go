package sim

import (
	"ipcsim/kernel"
	"ipcsim/sched"
	"ipcsim/sim/asm"
)

// Options change how a scenario runs.
type Options struct {
	// Trace, if not nil, receives every event as it happens. The event is
	// only valid during the call.
	Trace func(*kernel.Event)
	// KeepTrace keeps every event in Outcome.Trace, with no bound: for
	// tests of short runs. (A want/trace section needs no kept events: Run
	// compares the trace with it as it comes, see traceRecord.)
	KeepTrace bool
	// PauseAt, if not 0, stops the machine at that cycle and keeps a
	// snapshot of the kernel's objects in Outcome.Snapshot.
	PauseAt uint64
	// Policy, if not nil, schedules the processes instead of the kernel's
	// round robin (kernel.Config.Policy): how an explorer steers a run. It
	// serves this run only.
	Policy sched.Policy
}

// Outcome is what happened in one run of a scenario. What it keeps of a
// run is bounded, however long the run: the first MaxConsoleBytes of the
// console, and at most MaxTraceBytes of the text trace for the want/trace
// section.
type Outcome struct {
	Console      []byte         // the console output: all of it, or its first MaxConsoleBytes
	ConsoleBytes uint64         // how many bytes were written to the console in all
	Result       kernel.Result  // why the machine stopped, and who exited how
	Trace        []kernel.Event // every event, with Options.KeepTrace
	PIDs         []int          // PIDs[i] is the pid of Spawns[i]
	// Snapshot is the state at Options.PauseAt (or where the machine
	// stopped, if that came first).
	Snapshot *kernel.Snapshot

	trace *traceRecord // the text trace, as far as want/trace needs it
}

// MaxConsoleBytes is how much console output a run keeps: a want/console
// section or an expect console line can check this much, and a run that
// writes more fails them ("console output exceeds 1048576 bytes").
const MaxConsoleBytes = 1 << 20

// ConsoleExceeded reports whether the console received more than the
// MaxConsoleBytes that Console keeps.
func (o *Outcome) ConsoleExceeded() bool { return o.ConsoleBytes > uint64(len(o.Console)) }

// MaxExits is how many process exits a run keeps, in order of death: a
// want/exits section or an expect exit line can check the first MaxExits,
// and a run in which more processes exit fails want/exits ("more than
// 10000 processes exited").
const MaxExits = 10000

// consoleBuffer is the console of a scenario: it keeps the first
// MaxConsoleBytes written to it and counts the rest, so that a process
// writing in a loop costs the host no memory.
type consoleBuffer struct {
	kept  []byte
	total uint64
}

func (c *consoleBuffer) Write(p []byte) (int, error) {
	c.total += uint64(len(p))
	if room := MaxConsoleBytes - len(c.kept); room > 0 {
		c.kept = append(c.kept, p[:min(room, len(p))]...)
	}
	return len(p), nil
}

// Run builds the machine the scenario describes, installs its programs,
// types its keystrokes, starts its processes and runs until the machine
// stops. The same scenario always gives the same Outcome.
//
// The error is an ErrorList positioned at a spawn line if the kernel refuses
// to start a program.
func (s *Scenario) Run(opts Options) (*Outcome, error) {
	o := &Outcome{}
	console := &consoleBuffer{}
	if w := s.want("want/trace"); w != nil {
		o.trace = &traceRecord{want: wantContents(*w)}
	}
	cfg := kernel.Config{
		MemBytes:          s.Machine.MemBytes,
		Quantum:           s.Machine.Quantum,
		TrapCost:          s.Machine.TrapCost,
		Seed:              s.Machine.Seed,
		Jitter:            s.Machine.Jitter,
		Echo:              s.Machine.Echo,
		Disassemble:       asm.Disassemble,
		TraceInstructions: s.Machine.TraceInstructions,
		MaxProcs:          s.Machine.MaxProcs,
		CycleLimit:        s.Machine.CycleLimit,
		MaxExits:          MaxExits,
		Stdout:            console,
		Policy:            opts.Policy,
	}
	if opts.KeepTrace || o.trace != nil || opts.Trace != nil {
		cfg.Trace = func(e *kernel.Event) {
			if opts.Trace != nil {
				opts.Trace(e)
			}
			if o.trace != nil {
				o.trace.add(FormatEvent(e))
			}
			if opts.KeepTrace {
				c := *e
				if e.Ret != nil { // the kernel may reuse what Ret points to
					r := *e.Ret
					c.Ret = &r
				}
				o.Trace = append(o.Trace, c)
			}
		}
	}
	k := kernel.New(cfg)
	for _, key := range s.Keys {
		k.Type(key.At, key.Keys)
	}
	var errs ErrorList
	// The programs are files of the name space, where execve finds them.
	for _, p := range s.Programs {
		if err := k.Install(kernel.File{Path: p.Path(), Data: p.ELF, Mode: 0755}); err != nil {
			errs.Add(p.Pos, "cannot install %s: %v", p.Source, err)
		}
	}
	for _, in := range s.Installs {
		if err := k.Install(kernel.File{Path: in.Path, Data: in.Data, Mode: in.Mode}); err != nil {
			errs.Add(in.Pos, "cannot install %s: %v", in.Source, err)
		}
	}
	for _, sp := range s.Spawns {
		argv := append([]string{sp.Program.Name}, sp.Args...)
		pid, err := k.SpawnAs(sp.Program.Path(), argv, []string{}, sp.UID, sp.GID)
		if err != nil {
			errs.Add(sp.Pos, "cannot spawn %s: %v", sp.Program.Source, err)
			continue
		}
		o.PIDs = append(o.PIDs, pid)
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	if opts.PauseAt != 0 {
		o.Result = k.RunUntil(opts.PauseAt)
		snap := k.Snapshot()
		o.Snapshot = &snap
	} else {
		o.Result = k.Run()
	}
	o.Console, o.ConsoleBytes = console.kept, console.total
	return o, nil
}

// want returns the want/ section called name, or nil.
func (s *Scenario) want(name string) *Want {
	for i := range s.Wants {
		if s.Wants[i].Name == name {
			return &s.Wants[i]
		}
	}
	return nil
}

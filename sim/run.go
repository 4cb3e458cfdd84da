package sim

import (
	"bytes"
	"fmt"
	"io/fs"

	"ipcsim/kernel"
	"ipcsim/sched"
	"ipcsim/sim/asm"
)

// Options change how a scenario runs.
type Options struct {
	// Trace, if not nil, receives every event as it happens. The event is
	// only valid during the call.
	Trace func(*kernel.Event)
	// KeepTrace keeps every event in Outcome.Trace. Run keeps them anyway
	// when the scenario has a want/trace section.
	KeepTrace bool
	// PauseAt, if not 0, stops the machine at that cycle and keeps a
	// snapshot of the kernel's objects in Outcome.Snapshot.
	PauseAt uint64
	// Policy, if not nil, schedules the processes instead of the kernel's
	// round robin (kernel.Config.Policy): how an explorer steers a run. It
	// serves this run only.
	Policy sched.Policy
}

// Outcome is what happened in one run of a scenario.
type Outcome struct {
	Console []byte         // every byte written to the console
	Result  kernel.Result  // why the machine stopped, and who exited how
	Trace   []kernel.Event // the events, if kept
	PIDs    []int          // PIDs[i] is the pid of Spawns[i]
	// Snapshot is the state at Options.PauseAt (or where the machine
	// stopped, if that came first).
	Snapshot *kernel.Snapshot
}

// Run builds the machine the scenario describes, installs its programs,
// types its keystrokes, starts its processes and runs until the machine
// stops. The same scenario always gives the same Outcome.
//
// The error is an ErrorList positioned at a spawn line if the kernel refuses
// to start a program.
func (s *Scenario) Run(opts Options) (*Outcome, error) {
	o := &Outcome{}
	var console bytes.Buffer
	keep := opts.KeepTrace || s.want("want/trace") != nil
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
		Stdout:            &console,
		Lookup:            s.lookup,
		Policy:            opts.Policy,
	}
	if keep || opts.Trace != nil {
		cfg.Trace = func(e *kernel.Event) {
			if opts.Trace != nil {
				opts.Trace(e)
			}
			if keep {
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
	o.Console = console.Bytes()
	return o, nil
}

// lookup is execve's file system: the scenario's programs under /bin.
func (s *Scenario) lookup(path string) ([]byte, error) {
	for _, p := range s.Programs {
		if p.Path() == path {
			return p.ELF, nil
		}
	}
	return nil, fmt.Errorf("%s: %w", path, fs.ErrNotExist)
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

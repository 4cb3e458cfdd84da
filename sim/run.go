package sim

import (
	"cmp"
	"fmt"
	"io"
	"ipcsim/hw"
	"slices"
	"strings"

	"ipcsim/kernel"
	"ipcsim/sched"
	"ipcsim/sim/asm"
)

// Options change how a scenario runs.
type Options struct {
	// Trace, if not nil, receives every event as it happens. The event is
	// only valid during the call (kernel.Event.Keep).
	Trace func(*kernel.Event)
	// TraceLog, if not nil, takes the trace too, or in Trace's place: the
	// hosts' Records (kernel/trace_record.go) as they are when nothing
	// else of the run needs the events (no Trace, no KeepTrace, no
	// want/trace section), and every event as an Event otherwise. A
	// TraceWriter is one: it makes the Records' lines on another core.
	TraceLog kernel.ClusterLog
	// KeepTrace keeps every event in Outcome.Trace, with no bound: for
	// tests of short runs. (A want/trace section needs no kept events: Run
	// compares the trace with it as it comes, see traceRecord.)
	KeepTrace bool
	// PauseAt, if not 0, stops the machine at that cycle and keeps a
	// snapshot of the kernel's objects in Outcome.Snapshot.
	PauseAt uint64
	// SnapshotAt, with Snapshot, pauses the machine at each of these
	// cycles (ascending) in one run, as PauseAt would, and calls Snapshot
	// with an Outcome of the state there (Snapshot, Hosts' snapshots,
	// Links, Result: StopPaused, or how the run ended if it ended
	// before), what "ipcsim inspect --at" shows of that cycle. The run
	// then goes on: pausing does not change it.
	SnapshotAt []uint64
	Snapshot   func(at uint64, o *Outcome)
	// Policy, if not nil, schedules the processes instead of the kernel's
	// round robin (kernel.Config.Policy): how an explorer steers a run. It
	// serves this run only.
	Policy sched.Policy
	// Faults are added to the scenario's fault lines, for the first host
	// (kernel.Config.Faults): an explorer's fault plan.
	Faults []kernel.Fault
	// Check makes every host's kernel check its invariants at every step
	// (kernel.Config.CheckInvariants), as Scenario.CheckInvariants does:
	// a broken one stops the host, and Outcome.BrokenInvariant says which.
	Check bool
	// MaxAhead, if not 0, bounds how many cycles a host of a scenario
	// with hosts runs ahead of the others (kernel.ClusterConfig.MaxAhead),
	// traced or not; 0 leaves the cluster's default (DefaultMaxAhead
	// traced, the network's lookahead untraced). It changes no run, only
	// how often the hosts take turns: for tests and experiments
	// (TestInterleavingChangesNoScenario).
	MaxAhead uint64
	// Pcap, if not nil, holds a writer per host, in the order of the
	// scenario's host lines (one for a scenario without them): host i's
	// packets are captured to Pcap[i] in the pcap format
	// (kernel.Config.Pcap). A nil writer captures nothing.
	Pcap []io.Writer
}

// Outcome is what happened in one run of a scenario. What it keeps of a
// run is bounded, however long the run: the first MaxConsoleBytes of the
// console, and at most MaxTraceBytes of the text trace for the want/trace
// section.
//
// In a scenario with hosts, Hosts holds each host's console, result and
// snapshot; Console, ConsoleBytes and Snapshot are the first host's, and
// Result sums the run up (Summary).
type Outcome struct {
	Console      []byte         // the console output: all of it, or its first MaxConsoleBytes
	ConsoleBytes uint64         // how many bytes were written to the console in all
	Result       kernel.Result  // why the machine stopped, and who exited how
	Trace        []kernel.Event // every event, with Options.KeepTrace
	PIDs         []int          // PIDs[i] is the pid of Spawns[i] (on its host)
	// Snapshot is the state at Options.PauseAt (or where the machine
	// stopped, if that came first).
	Snapshot *kernel.Snapshot
	// Hosts is how each host fared, in the order of the scenario's host
	// lines; one host, without a name, for a scenario without them.
	Hosts []HostOutcome
	// Links is the network's links at Options.PauseAt, with the frames on
	// them (a scenario with link lines).
	Links []kernel.LinkState

	// Asserts is what the run showed of each assertion of the scenario
	// (assert_run.go), in the order of Scenario.Asserts.
	Asserts []AssertResult

	trace *traceRecord // the text trace, as far as want/trace needs it
}

// HostOutcome is what happened on one host.
type HostOutcome struct {
	Name         string
	Console      []byte // the host's console: all of it, or its first MaxConsoleBytes
	ConsoleBytes uint64
	Result       kernel.HostResult
	Snapshot     *kernel.Snapshot // at Options.PauseAt
}

// host returns host i's outcome; an Outcome made without Hosts (by hand,
// in a test) is one host.
func (o *Outcome) host(i int) *HostOutcome {
	if len(o.Hosts) == 0 {
		return &HostOutcome{Console: o.Console, ConsoleBytes: o.ConsoleBytes, Result: kernel.HostResult{Result: o.Result}, Snapshot: o.Snapshot}
	}
	return &o.Hosts[i]
}

// ConsoleExceeded reports whether the host's console received more than
// the MaxConsoleBytes that Console keeps.
func (h *HostOutcome) ConsoleExceeded() bool { return h.ConsoleBytes > uint64(len(h.Console)) }

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

// Run builds the machines the scenario describes (one, or one per host
// line, on one clock: kernel.Cluster), installs their programs, types
// their keystrokes, starts their processes and runs until every machine
// stops. The same scenario always gives the same Outcome.
//
// The error is an ErrorList positioned at a spawn line if the kernel refuses
// to start a program.
func (s *Scenario) Run(opts Options) (*Outcome, error) {
	o := &Outcome{}
	if w := s.want("want/trace"); w != nil {
		o.trace = &traceRecord{want: wantContents(*w)}
	}
	nhosts := max(1, len(s.Hosts))
	consoles := make([]*consoleBuffer, nhosts)
	cc := kernel.ClusterConfig{MaxAhead: opts.MaxAhead}
	for i := range nhosts {
		m, name := s.Machine, ""
		if len(s.Hosts) > 0 {
			m, name = s.HostMachine(i), s.Hosts[i].Name
		}
		consoles[i] = &consoleBuffer{}
		cc.Hosts = append(cc.Hosts, kernel.Config{
			Host:              name,
			MemBytes:          m.MemBytes,
			Quantum:           m.Quantum,
			TrapCost:          m.TrapCost,
			Seed:              m.Seed,
			Jitter:            m.Jitter,
			Echo:              m.Echo,
			Disassemble:       asm.Disassemble,
			TraceInstructions: m.TraceInstructions,
			MaxProcs:          m.MaxProcs,
			CycleLimit:        m.CycleLimit,
			MaxExits:          MaxExits,
			Stdout:            consoles[i],
			CheckInvariants:   opts.Check || s.CheckInvariants,
		})
		if i < len(opts.Pcap) {
			cc.Hosts[i].Pcap = opts.Pcap[i]
		}
	}
	// The network: hosts with links between them; each host's stack hands
	// the wire its packets to other hosts.
	var net *kernel.Net
	if len(s.Links) > 0 {
		net = kernel.NewNet(s.Machine.Seed)
	}
	for i, h := range s.Hosts {
		cc.Hosts[i].Addr = h.IP
		if net != nil {
			cc.Hosts[i].Network = net.Sender(i)
		}
	}
	for _, w := range s.Watches {
		cc.Hosts[w.Host].Watches = append(cc.Hosts[w.Host].Watches, kernel.Watch{Addr: w.Addr, Size: w.Size, Segment: w.Segment})
	}
	// A policy holds one machine's ready set: it steers the first host.
	cc.Hosts[0].Policy = opts.Policy
	cc.Hosts[0].Faults = s.faultPlan(opts)
	mon := s.newAssertMonitor(consoles, cc.Hosts) // nil without assertions
	if opts.KeepTrace || o.trace != nil || opts.Trace != nil {
		width := s.HostWidth()
		cc.Trace = func(e *kernel.Event) {
			if opts.Trace != nil {
				opts.Trace(e)
			}
			if o.trace != nil {
				o.trace.add(FormatHostEvent(e, width))
			}
			if opts.KeepTrace {
				o.Trace = append(o.Trace, e.Keep())
			}
			if opts.TraceLog != nil {
				opts.TraceLog.Event(e)
			}
		}
	} else if opts.TraceLog != nil {
		cc.TraceLog = opts.TraceLog
	}
	// A host that boots again (at CYCLE up) has the files of the first
	// boot and what the scenario does to it from then on: its keys, timed
	// spawns and actions; the processes of its spawn lines are not started
	// again (a machine switched on runs init, nothing else).
	var segWatches *segmentWatches // nil without watches of segments
	cc.Reboot = func(host int, k *kernel.Kernel) {
		s.reboot(host, k)
		if mon != nil {
			mon.rebooted(host, k)
		}
		if segWatches != nil {
			segWatches.rebooted(host, k)
		}
	}
	c := kernel.NewCluster(cc)
	segWatches = s.newSegmentWatches(c)
	if mon != nil {
		mon.watch(c) // the scheduling points of their hosts are the checking points
	}
	if net != nil {
		if err := s.connectNet(c, net); err != nil {
			return nil, err
		}
	}
	for _, key := range s.Keys {
		c.Host(key.Host).Type(key.At, key.Keys)
	}
	for _, d := range s.Downs {
		if d.Up {
			c.Up(d.Host, d.At)
		} else {
			c.Down(d.Host, d.At)
		}
	}
	var errs ErrorList
	for i := range nhosts {
		k := c.Host(i)
		// The programs are files of the name space, where execve finds them:
		// every host has them all.
		for _, p := range s.Programs {
			if err := k.Install(kernel.File{Path: p.Path(), Data: p.ELF, Mode: 0755}); err != nil && i == 0 {
				errs.Add(p.Pos, "cannot install %s: %v", p.Source, err)
			}
		}
		for _, in := range s.Installs {
			if in.Host >= 0 && in.Host != i {
				continue
			}
			if err := k.Install(kernel.File{Path: in.Path, Data: in.Data, Mode: in.Mode}); err != nil && (in.Host >= 0 || i == 0) {
				errs.Add(in.Pos, "cannot install %s: %v", in.Source, err)
			}
		}
	}
	for _, sp := range s.Spawns {
		argv := append([]string{sp.Program.Name}, sp.Args...)
		k := c.Host(sp.Host)
		start := k.SpawnAs
		if sp.Background {
			start = k.SpawnBackground
		}
		if sp.Timed {
			timedSpawn(k, sp)
			continue
		}
		pid, err := start(sp.Program.Path(), argv, []string{}, sp.UID, sp.GID)
		if err != nil {
			errs.Add(sp.Pos, "cannot spawn %s: %v", sp.Program.Source, err)
			continue
		}
		o.PIDs = append(o.PIDs, pid)
	}
	for _, a := range s.Actions {
		scheduleAction(c.Host(a.Host), a)
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	if mon != nil {
		mon.start(c, o.PIDs)
	}
	if opts.Snapshot != nil {
		for _, at := range opts.SnapshotAt {
			if opts.PauseAt != 0 && at >= opts.PauseAt {
				break
			}
			p := &Outcome{PIDs: o.PIDs}
			p.finish(s, c, c.RunUntil(at), consoles, net, at)
			opts.Snapshot(at, p)
		}
	}
	var results []kernel.HostResult
	if opts.PauseAt != 0 {
		results = c.RunUntil(opts.PauseAt)
	} else {
		results = c.Run()
	}
	if mon != nil {
		o.Asserts = mon.finish(results)
	}
	if segWatches != nil {
		segWatches.finish(c, results)
	}
	o.finish(s, c, results, consoles, net, opts.PauseAt)
	if opts.PauseAt != 0 {
		// The run stops at the pause for good: the events of a host whose
		// system call ran past it are told, as a machine alone tells them.
		c.FlushHeld()
	} else if opts.Snapshot == nil {
		// Nothing of the machines outlives the run (the Outcome holds
		// copies, no Snapshot): their memory goes to the next run's, as a
		// sweep or an exploration runs thousands (Cluster.Release).
		c.Release()
	}
	return o, nil
}

// timedSpawn has k start the process of "at CYCLE spawn" line sp at its
// cycle; a failure is a note in the trace.
func timedSpawn(k *kernel.Kernel, sp Spawn) {
	argv := append([]string{sp.Program.Name}, sp.Args...)
	start := k.SpawnAs
	if sp.Background {
		start = k.SpawnBackground
	}
	path, uid, gid := sp.Program.Path(), sp.UID, sp.GID
	k.At(sp.At, func() {
		if _, err := start(path, argv, []string{}, uid, gid); err != nil {
			k.Note(fmt.Sprintf("spawn at cycle %d failed: %v", sp.At, err))
		}
	})
}

// scheduleAction has k do "at CYCLE kill" or "at CYCLE inspect" line a at
// its cycle.
func scheduleAction(k *kernel.Kernel, a Action) {
	switch a.Kind {
	case "kill":
		k.At(a.At, func() { k.Kill(a.PID, a.Signal) })
	case "inspect":
		k.At(a.At, k.Procdump)
	}
}

// reboot prepares the new kernel of host, which boots again at "at CYCLE
// up" (now, its clock): the programs and installed files the first boot
// had (they installed then, so they install now), and the keys, timed
// spawns and actions of the host from now on. Those before now were the
// earlier boot's, or came while the host was down, and are lost with it.
// A kill names a pid of the new boot, whose pids start again at 1.
func (s *Scenario) reboot(host int, k *kernel.Kernel) {
	now := k.Now()
	for _, p := range s.Programs {
		k.Install(kernel.File{Path: p.Path(), Data: p.ELF, Mode: 0755})
	}
	for _, in := range s.Installs {
		if in.Host < 0 || in.Host == host {
			k.Install(kernel.File{Path: in.Path, Data: in.Data, Mode: in.Mode})
		}
	}
	for _, key := range s.Keys {
		if key.Host == host && key.At >= now {
			k.Type(key.At, key.Keys)
		}
	}
	for _, sp := range s.Spawns {
		if sp.Host == host && sp.Timed && sp.At >= now {
			timedSpawn(k, sp)
		}
	}
	for _, a := range s.Actions {
		if a.Host == host && a.At >= now {
			scheduleAction(k, a)
		}
	}
}

// finish fills in o from the hosts' results: their consoles and, paused
// at a cycle (pause not 0), their snapshots and the network's links.
func (o *Outcome) finish(s *Scenario, c *kernel.Cluster, results []kernel.HostResult, consoles []*consoleBuffer, net *kernel.Net, pause uint64) {
	if pause != 0 && net != nil {
		o.Links = net.Snapshot()
	}
	for i := range results {
		r := &results[i]
		if pause != 0 && s.exitedAt(c, i, *r, pause) {
			// The cluster calls a host that waits paused, but this one
			// waits for nothing: every process exited, as a run without
			// the pause would end it.
			r.Reason, r.Blocked = kernel.StopAllExited, nil
			if n := len(r.Exits); n > 0 && r.ExitsDropped == 0 {
				r.Cycles = r.Exits[n-1].Cycle
			}
		}
		h := HostOutcome{Name: r.Name, Console: consoles[i].kept, ConsoleBytes: consoles[i].total, Result: *r}
		if pause != 0 {
			snap := c.Host(i).Snapshot()
			if r.Reason == kernel.StopPaused && snap.Cycle < pause {
				// A host whose processes all sleep does nothing before
				// its next event, which comes at or after the pause: its
				// clock lags, as far as the cluster happened to run it,
				// but its state is that of the pause.
				snap.Cycle = pause
			}
			h.Snapshot = &snap
		}
		o.Hosts = append(o.Hosts, h)
	}
	o.Console, o.ConsoleBytes, o.Snapshot = o.Hosts[0].Console, o.Hosts[0].ConsoleBytes, o.Hosts[0].Snapshot
	o.Result = o.Hosts[0].Result.Result
	if len(o.Hosts) > 1 || o.Hosts[0].Name != "" {
		o.Result = Summary(results)
	}
}

// exitedAt reports whether host i, paused at cycle pause with result r,
// has ended as a run without the pause would end it: up (not down), every
// process but init exited and reaped, and no spawn of the scenario still
// to come on it. (A host of a network idles, paused, once its processes
// have exited: a packet may still come, which its kernel answers alone.)
func (s *Scenario) exitedAt(c *kernel.Cluster, i int, r kernel.HostResult, pause uint64) bool {
	if r.Down || r.Reason != kernel.StopPaused {
		return false
	}
	if procs, _ := c.Host(i).ProbeProcs(); procs > 0 {
		return false
	}
	for _, sp := range s.Spawns {
		if sp.Host == i && sp.Timed && sp.At >= pause {
			return false
		}
	}
	return true
}

// Summary sums up the run of several hosts in one Result, for what looks
// at a run as a whole (why it stopped, how far it went, what it called
// that ipcsim does not implement): Reason is StopCycleLimit if a host
// reached the limit, else StopPaused if a host was paused (the run goes
// on; a host off until it boots again, HostResult.UpAt, is paused), else StopInvariant or StopDeadlock if a host that is up ended so,
// else StopAllExited: every host's processes exited, or died with it
// when it lost power, which is not a deadlock (RunEnd says which, host by
// host). Cycles is the latest host's clock; Instructions and the
// unimplemented calls are the hosts' together. Invariant is the first
// host's broken invariant, if one broke (--check). Exits and Blocked stay
// empty: pids are per host (see Outcome.Hosts).
func Summary(hosts []kernel.HostResult) kernel.Result {
	var r kernel.Result
	for _, h := range hosts {
		switch {
		case h.Reason == kernel.StopCycleLimit:
			r.Reason = kernel.StopCycleLimit
		case r.Reason == kernel.StopCycleLimit, h.Down && h.UpAt == 0:
		case h.Reason == kernel.StopPaused:
			r.Reason = kernel.StopPaused
		case r.Reason == kernel.StopPaused:
		case h.Reason == kernel.StopInvariant, r.Reason == kernel.StopAllExited:
			r.Reason = h.Reason
		}
		if r.Invariant == nil {
			r.Invariant = h.Invariant // the first host's broken invariant
		}
		r.Cycles = max(r.Cycles, h.Cycles)
		r.Instructions += h.Instructions
		r.Unimplemented = append(r.Unimplemented, h.Unimplemented...)
	}
	slices.SortStableFunc(r.Unimplemented, func(a, b kernel.Unimplemented) int { return strings.Compare(a.Name, b.Name) })
	return r
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

// connectNet joins the hosts of c through net: each host at its address,
// each link line a link of the wire, each partition and heal line an
// event of the wire.
func (s *Scenario) connectNet(c *kernel.Cluster, net *kernel.Net) error {
	var errs ErrorList
	for i, h := range s.Hosts {
		if err := net.AddHost(c.Host(i), h.IP); err != nil {
			errs.Add(h.Pos, "%v", err)
		}
	}
	for _, l := range s.Links {
		_, err := net.Wire().AddLink(hw.LinkConfig{
			Name: s.LinkName(l), A: l.A, B: l.B, Latency: l.Latency, Bandwidth: l.Bandwidth,
			Loss: float64(l.Loss) / 1e6, Duplicate: float64(l.Duplicate) / 1e6, Reorder: float64(l.Reorder) / 1e6,
		})
		if err != nil {
			errs.Add(l.Pos, "%v", err)
		}
	}
	events := slices.Clone(s.LinkEvents)
	slices.SortStableFunc(events, func(a, b LinkEvent) int { return cmp.Compare(a.At, b.At) })
	for _, e := range events {
		if err := net.Schedule(e.At, s.LinkName(s.Links[e.Link]), e.Kind == Partition); err != nil {
			errs.Add(e.Pos, "%v", err)
		}
	}
	if err := errs.Err(); err != nil {
		return err
	}
	c.Connect(net)
	return nil
}

// LinkName is a link's name on the wire and in the trace: its hosts'
// names as the link line gives them, "alice-bob".
func (s *Scenario) LinkName(l Link) string { return s.Hosts[l.A].Name + "-" + s.Hosts[l.B].Name }

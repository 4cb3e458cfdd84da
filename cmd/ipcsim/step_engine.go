package main

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"ipcsim/abi"
	"ipcsim/explore"
	"ipcsim/kernel"
	"ipcsim/sim"
)

// The engine of ipcsim step, without the terminal: it moves through a
// scenario's run by deterministic replay. A position is a cycle P: the
// state where the kernel pauses when its clock reaches P (sim.Options.
// PauseAt), with the trace of every event before P. The kernel pauses
// between cycles, not between two events of one cycle, so a step runs the
// next event and the others of its cycle (a call that blocks, and the
// switch away, happen at one cycle). Going back reruns the scenario from
// the start to the end of the previous event's cycle; the frames already
// seen are cached, so back is instant.

// maxTimeline is how many events the first run keeps the cycle of: a
// longer run can still be stepped to a cycle, but not event by event past
// them.
const maxTimeline = 1 << 20

// maxTraceLines is how many of the last trace lines a frame keeps.
const maxTraceLines = 200

// maxFrames is how many frames the cache keeps before it starts again.
const maxFrames = 4096

// mark is what the stepper keeps of one event of the whole run: enough to
// find the next event, system call or breakpoint.
type mark struct {
	cycle   uint64
	pid     int
	kind    string
	syscall string
	obj     string
	addr    uint64 // the watched address, for watch events
}

// frame is the machine at one position.
type frame struct {
	at     uint64 // the cycle it paused at (PauseAt)
	insns  bool   // run with instruction tracing: the trace holds instructions
	snap   *kernel.Snapshot
	result kernel.Result
	trace  []string // the last maxTraceLines lines of the trace before at
	events int      // how many events came before at
	// cycles is the distinct cycles of those events, in order (with
	// insns only: without, the timeline has them): "back" goes to the
	// end of the one before.
	cycles []uint64
}

// ended reports whether the run ended before the frame's cycle.
func (f *frame) ended() bool { return f.result.Reason != kernel.StopPaused }

type frameKey struct {
	at    uint64
	insns bool
}

// engine replays one scenario.
type engine struct {
	s         *sim.Scenario // the scenario, with the watches breakpoints added
	timeline  []mark        // every event of the whole run (up to maxTimeline), without instructions
	truncated bool          // the run had more events than the timeline keeps
	end       kernel.Result // how the whole run ended
	cache     map[frameKey]*frame
	// replay, with ipcsim step --replay, is the token whose schedule and
	// faults every run follows (its network faults are in s already);
	// failed is what that run broke of the scenario's expectations.
	replay *explore.Token
	failed []sim.Mismatch
	// broken is the first always assertion the replayed run broke (its
	// cycle is not 0 then): where it was false, and how.
	broken     sim.AssertResult
	brokenText string
}

// opts returns o for one run of the scenario: with a replay token, under
// a new policy of its schedule (a policy serves one run) and its fault
// plan, as ipcsim run --replay runs it.
func (e *engine) opts(o sim.Options) sim.Options {
	if e.replay != nil {
		r := e.replay.Options()
		o.Policy, o.Faults = r.Policy, r.Faults
	}
	return o
}

// newEngine runs the scenario once to the end, keeping its timeline.
func newEngine(s *sim.Scenario, replay *explore.Token) (*engine, error) {
	c := *s
	c.Wants = nil // no want/trace comparison while replaying
	c.Machine.TraceInstructions = false
	e := &engine{s: &c, replay: replay}
	return e, e.rebuild()
}

// rebuild runs the whole scenario again for its timeline, and forgets the
// frames (after a watch was added).
func (e *engine) rebuild() error {
	e.timeline, e.truncated, e.cache = nil, false, map[frameKey]*frame{}
	o, err := e.s.Run(e.opts(sim.Options{Trace: func(ev *kernel.Event) {
		if len(e.timeline) >= maxTimeline {
			e.truncated = true
			return
		}
		m := mark{cycle: ev.Cycle, pid: ev.PID, kind: ev.Kind, syscall: ev.Syscall, obj: ev.Obj}
		if ev.Mem != nil {
			m.addr = ev.Mem.Addr
		}
		e.timeline = append(e.timeline, m)
	}}))
	if err != nil {
		return err
	}
	e.end = o.Result
	if e.replay != nil {
		e.failed = e.s.CheckRun(o)
		e.broken, e.brokenText = sim.AssertResult{}, ""
		for i, r := range o.Asserts {
			a := &e.s.Asserts[i]
			if r.Failed && a.Kind == sim.AssertAlways && (e.broken.Cycle == 0 || r.Cycle < e.broken.Cycle) {
				e.broken, e.brokenText = r, a.Text
			}
		}
	}
	return nil
}

// frame returns the machine paused at cycle at (at least 1), from the
// cache or by running the scenario from the start.
func (e *engine) frame(at uint64, insns bool) (*frame, error) {
	at = max(at, 1)
	key := frameKey{at, insns}
	if f, ok := e.cache[key]; ok {
		return f, nil
	}
	s := e.s
	if insns {
		c := *e.s
		c.Machine.TraceInstructions = true
		s = &c
	}
	f := &frame{at: at, insns: insns}
	width := s.HostWidth()
	ring := make([]string, 0, maxTraceLines)
	o, err := s.Run(e.opts(sim.Options{PauseAt: at, Trace: func(ev *kernel.Event) {
		if len(ring) == maxTraceLines {
			copy(ring, ring[1:])
			ring = ring[:maxTraceLines-1]
		}
		ring = append(ring, sim.FormatHostEvent(ev, width))
		f.events++
		if insns && (len(f.cycles) == 0 || f.cycles[len(f.cycles)-1] != ev.Cycle) {
			f.cycles = append(f.cycles, ev.Cycle)
		}
	}}))
	if err != nil {
		return nil, err
	}
	f.trace, f.snap, f.result = ring, o.Snapshot, o.Result
	if len(e.cache) >= maxFrames {
		e.cache = map[frameKey]*frame{}
	}
	e.cache[key] = f
	return f, nil
}

// next returns the position after the first event at or after cycle at
// that match says is one: the end of its cycle. ok is false if no event
// of the timeline does.
func (e *engine) next(at uint64, match func(*mark) bool) (uint64, bool) {
	i, _ := slices.BinarySearchFunc(e.timeline, at, func(m mark, c uint64) int {
		if m.cycle < c {
			return -1
		}
		return 1
	})
	for ; i < len(e.timeline); i++ {
		if match == nil || match(&e.timeline[i]) {
			return e.timeline[i].cycle + 1, true
		}
	}
	return 0, false
}

// back returns the position one event before f: the end of the cycle of
// the last event before f's last cycle, or the start (cycle 1).
func (e *engine) back(f *frame) uint64 {
	if f.insns {
		for i := len(f.cycles) - 1; i >= 0; i-- {
			if f.cycles[i]+1 < f.at {
				return f.cycles[i] + 1
			}
		}
		return 1
	}
	i, _ := slices.BinarySearchFunc(e.timeline, f.at-1, func(m mark, c uint64) int {
		if m.cycle < c {
			return -1
		}
		return 1
	})
	if i > 0 {
		return e.timeline[i-1].cycle + 1
	}
	return 1
}

// nextInstruction returns the position after the next instruction that
// retires at or after cycle at, on any processor of the run: it reruns
// the scenario with instruction tracing up to the next event of the
// timeline. ok is false if none is left.
func (e *engine) nextInstruction(at uint64) (uint64, bool, error) {
	bound, ok := e.next(at, nil)
	if !ok {
		bound = max(e.end.Cycles, at) + 1
	}
	c := *e.s
	c.Machine.TraceInstructions = true
	found := uint64(0)
	_, err := c.Run(e.opts(sim.Options{PauseAt: bound, Trace: func(ev *kernel.Event) {
		if found == 0 && ev.Kind == "insn" && ev.Cycle >= at {
			found = ev.Cycle + 1
		}
	}}))
	if err != nil {
		return 0, false, err
	}
	if found == 0 {
		return bound, ok, nil
	}
	return found, true, nil
}

// A breakpoint is what "run to a breakpoint" stops at: an event of a
// system call, of a process, on an object, or a store to a watched
// address.
type breakpoint struct {
	text    string
	syscall string
	pid     int
	obj     string
	addr    uint64
	watch   bool
}

func (b *breakpoint) match(m *mark) bool {
	switch {
	case b.syscall != "":
		return m.syscall == b.syscall && (m.kind == "syscall" || m.kind == "block")
	case b.pid != 0:
		return m.pid == b.pid
	case b.obj != "":
		return m.obj == b.obj
	case b.watch:
		return m.kind == "watch" && m.addr == b.addr
	}
	return false
}

// parseBreakpoint reads what the user typed after "b": "write" (a system
// call), "pid 3", "pipe#1" or "tty" (an object a read or write used),
// "watch 0x11058" or "0x11058" (stores to a word).
func parseBreakpoint(text string) (*breakpoint, error) {
	text = strings.TrimSpace(text)
	b := &breakpoint{text: text}
	f := strings.Fields(text)
	switch {
	case len(f) == 0:
		return nil, fmt.Errorf("a breakpoint is a system call's name, pid N, an object (pipe#1, tty) or watch ADDRESS")
	case f[0] == "pid":
		if len(f) != 2 {
			return nil, fmt.Errorf("expected pid N, found %q", text)
		}
		n, err := strconv.Atoi(f[1])
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("pid: expected a number above 0, found %q", f[1])
		}
		b.pid = n
	case f[0] == "watch" || strings.HasPrefix(f[0], "0x"):
		a := f[0]
		if f[0] == "watch" {
			if len(f) != 2 {
				return nil, fmt.Errorf("expected watch ADDRESS, found %q", text)
			}
			a = f[1]
		}
		n, err := strconv.ParseUint(a, 0, 64)
		if err != nil || n%4 != 0 {
			return nil, fmt.Errorf("watch: expected an address aligned to 4 bytes (0x11058), found %q", a)
		}
		b.addr, b.watch = n, true
	case len(f) != 1:
		return nil, fmt.Errorf("expected a system call's name, pid N, an object or watch ADDRESS, found %q", text)
	case strings.ContainsAny(f[0], "#/") || f[0] == "tty":
		b.obj = f[0]
	default:
		for _, no := range abi.Sysnos() {
			if no.String() == f[0] {
				b.syscall = f[0]
				return b, nil
			}
		}
		return nil, fmt.Errorf("no system call is named %q (nor is it pid N, an object or watch ADDRESS)", f[0])
	}
	return b, nil
}

// addWatch makes the scenario watch the word at addr (host 0) if it does
// not already, and runs it again for the timeline: a watch changes
// nothing in the run but its trace.
func (e *engine) addWatch(addr uint64) error {
	for _, w := range e.s.Watches {
		if w.Host == 0 && w.Addr == addr {
			return nil
		}
	}
	e.s.Watches = append(slices.Clone(e.s.Watches), sim.Watch{Addr: addr, Size: 4})
	return e.rebuild()
}

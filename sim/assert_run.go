package sim

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"ipcsim/abi"
	"ipcsim/kernel"
	"ipcsim/sched"
)

// Checking assertions while a run goes. The monitor reads the kernel's
// state through its probes (kernel/inspect_probe.go) at each checking
// point, which are the scheduling points of the machine (sched.Point: the
// steps at which explore's strategies may switch), and the end of the run:
//
//   - a thread enters a system call,
//   - a call puts its thread to sleep,
//   - a sleeping thread is woken,
//   - the timer ends a time slice,
//   - a thread calls sched_yield,
//   - a thread or process exits.
//
// So what a system call changes is seen at the next point, which comes
// before any other call and before any other thread runs: in the state
// the call left, but for what the thread's own instructions stored to
// shared memory meanwhile. A store to shared memory is seen at the next
// point, not at the instruction that made it: "always shm 0x1234[0] <= 6"
// holds if the word went above 6 and back between two points. The
// monitor wraps the scheduling policy (kernel.WrapPolicy), passes every
// call on to it unchanged and needs no trace, so it changes nothing in
// the run and costs little; a scenario without assertions has no monitor.
//
// A condition is read in three-valued logic (Kleene's): a test of an
// object that does not exist (a pipe not yet made or already freed, a
// process that has not exited, "state" of a reaped process) is neither
// true nor false. always fails only on false, eventually and sometimes
// are met only by true; ! keeps the unknown unknown, false && unknown is
// false, true || unknown is true.

// AssertResult is what a run showed of one assertion (Outcome.Asserts[i]
// is about Scenario.Asserts[i]).
type AssertResult struct {
	// Failed: always was false at a point (the first such point is
	// below), or eventually was never true (below: the end).
	Failed bool
	// Seen: eventually or sometimes was true at a point (the first is
	// below).
	Seen  bool
	Cycle uint64 // the point's cycle
	At    string // the point: "when pid 2 entered write", "at the end of the run"
	State string // the values of the condition's tests there: "pipe#1.bytes = 5000"
	// Points is how many points the monitor checked while the assertion
	// was still open.
	Points uint64
}

// tri is a truth value of three-valued logic.
type tri uint8

const (
	triFalse tri = iota
	triTrue
	triUnknown
)

// assertMonitor checks a run's assertions at each checking point.
type assertMonitor struct {
	s     *Scenario
	hosts []*hostMonitor // per host: nil for a host no assertion is about
	pids  []int          // the pid of each spawn (on its host), by index (0 for a timed one)
	scans []int          // per console atom: how much of its console was searched in vain, or -1 once found
	res   []AssertResult
}

// hostMonitor checks the assertions about one host at that host's
// checking points: the hosts of a cluster run in turn, each with its own
// scheduling points, and a host no assertion is about is not watched.
type hostMonitor struct {
	m       *assertMonitor
	k       *kernel.Kernel // nil until the processes are spawned
	asserts []int          // the indexes in Scenario.Asserts of its assertions, in order
	open    int            // of those, not yet decided
	console *consoleBuffer // the host's console
	perPID  map[int][]byte // each process's console output, if a console of atom needs it
	pending []byte         // console output not yet put to a process
}

// newAssertMonitor returns a monitor of the scenario's assertions, or nil
// if it has none. consoles and cfgs are the hosts' (one without host
// lines); a host's monitor sees the console through the writer it puts in
// the host's config.
func (s *Scenario) newAssertMonitor(consoles []*consoleBuffer, cfgs []kernel.Config) *assertMonitor {
	if len(s.Asserts) == 0 {
		return nil
	}
	m := &assertMonitor{s: s, hosts: make([]*hostMonitor, len(consoles)), res: make([]AssertResult, len(s.Asserts))}
	for i, a := range s.Asserts {
		h := m.hosts[a.Host]
		if h == nil {
			h = &hostMonitor{m: m, console: consoles[a.Host]}
			m.hosts[a.Host] = h
		}
		h.asserts = append(h.asserts, i)
		h.open++
		walkCond(a.cond, func(c condNode) {
			if cc, ok := c.(*condConsole); ok {
				for len(m.scans) <= cc.scan {
					m.scans = append(m.scans, 0)
				}
				if cc.who != nil && h.perPID == nil {
					h.perPID = map[int][]byte{}
				}
			}
		})
	}
	for i, h := range m.hosts {
		if h != nil && h.perPID != nil {
			cfgs[i].Stdout = assertConsole{h}
		}
	}
	return m
}

// assertConsole is a host's console as the monitor sees it: what goes to
// the console buffer is also kept to be put to the process that wrote it.
type assertConsole struct{ h *hostMonitor }

func (c assertConsole) Write(p []byte) (int, error) {
	c.h.pending = append(c.h.pending, p...)
	return c.h.console.Write(p)
}

// policy wraps a host's scheduling policy: it sees each point after the
// policy has decided.
type assertPolicy struct {
	sched.Policy
	h *hostMonitor
}

func (p assertPolicy) Point(pt sched.Point) sched.Decision {
	d := p.Policy.Point(pt)
	p.h.point(pt)
	return d
}

// Interrupt checks the host's assertions after an interrupt changed its
// kernel's state with no process running (sched.InterruptObserver): a
// handshake completed or a connection reset by a packet is seen when the
// packet arrives, not at the next system call.
func (p assertPolicy) Interrupt(cycle uint64, what string) {
	if p.h.k != nil && p.h.open > 0 {
		p.h.check(cycle, func() string { return what })
	}
}

// wrap is a host monitor's kernel.WrapPolicy function.
func (h *hostMonitor) wrap(p sched.Policy) sched.Policy { return assertPolicy{p, h} }

// watch puts the monitor of each host that assertions are about in the
// place of its scheduling policy: its scheduling points are the checking
// points. A host without assertions keeps its policy as it is.
func (m *assertMonitor) watch(c *kernel.Cluster) {
	for i, h := range m.hosts {
		if h != nil {
			c.Host(i).WrapPolicy(h.wrap)
		}
	}
}

// rebooted watches the new kernel of host, which boots again (at CYCLE
// up): its scheduling points are the host's checking points from now on.
func (m *assertMonitor) rebooted(host int, k *kernel.Kernel) {
	if h := m.hosts[host]; h != nil {
		k.WrapPolicy(h.wrap)
		if h.k != nil {
			h.k = k
		}
	}
}

// start begins checking, once the spawns have their pids (Outcome.PIDs,
// in the order of the spawns that are not timed).
func (m *assertMonitor) start(c *kernel.Cluster, pids []int) {
	for i, h := range m.hosts {
		if h != nil {
			h.k = c.Host(i)
		}
	}
	m.pids = make([]int, len(m.s.Spawns))
	j := 0
	for i, sp := range m.s.Spawns {
		if !sp.Timed && j < len(pids) {
			m.pids[i] = pids[j]
			j++
		}
	}
}

// point takes every scheduling point of the run.
func (h *hostMonitor) point(pt sched.Point) {
	if h.k == nil {
		return
	}
	if len(h.pending) > 0 && pt.Kind != sched.PointWake {
		// Console output comes from a write of the running thread,
		// which every point but a wakeup is about.
		if pid, ok := h.k.ProbeProcess(pt.PID); ok {
			if out := h.perPID[pid]; len(out) < MaxConsoleBytes {
				h.perPID[pid] = append(out, h.pending[:min(len(h.pending), MaxConsoleBytes-len(out))]...)
			}
		}
		h.pending = h.pending[:0]
	}
	if h.open > 0 {
		h.check(pt.Cycle, func() string { return h.pointName(pt) })
	}
}

// pointName says which checking point a scheduling point is.
func (h *hostMonitor) pointName(pt sched.Point) string {
	thread := h.thread
	switch pt.Kind {
	case sched.PointSyscall:
		return fmt.Sprintf("when %s entered %s", thread(pt.PID), abi.Sysno(pt.Sysno))
	case sched.PointBlock:
		return fmt.Sprintf("when %s blocked in %s", thread(pt.PID), abi.Sysno(pt.Sysno))
	case sched.PointWake:
		return fmt.Sprintf("when %s was woken", thread(pt.PID))
	case sched.PointSliceEnd:
		return fmt.Sprintf("at the end of %s's time slice", thread(pt.PID))
	case sched.PointYield:
		return fmt.Sprintf("when %s yielded", thread(pt.PID))
	}
	return fmt.Sprintf("when %s exited", thread(pt.PID))
}

// thread names a thread as explore does: "pid 2" for a process's first
// thread, whose id is the pid, "pid 2 tid 4" for another.
func (h *hostMonitor) thread(tid int) string {
	pid, ok := h.k.ProbeProcess(tid)
	switch {
	case ok && pid == tid:
		return "pid " + strconv.Itoa(pid)
	case ok:
		return fmt.Sprintf("pid %d tid %d", pid, tid)
	}
	return "tid " + strconv.Itoa(tid)
}

// check evaluates every open assertion about the host at one point.
func (h *hostMonitor) check(cycle uint64, at func() string) {
	m := h.m
	for _, i := range h.asserts {
		a, r := &m.s.Asserts[i], &m.res[i]
		if r.Failed || r.Seen {
			continue
		}
		r.Points++
		v := h.eval(a.cond)
		switch {
		case a.Kind == AssertAlways && v == triFalse:
			r.Failed = true
		case a.Kind != AssertAlways && v == triTrue:
			r.Seen = true
		default:
			continue
		}
		h.open--
		r.Cycle, r.At, r.State = cycle, at(), h.state(a.cond)
		if r.Failed {
			h.k.Note(fmt.Sprintf("assertion failed (line %d): %s: false %s: %s", a.Pos.Line, a.Text, r.At, r.State))
		} else {
			h.k.Note(fmt.Sprintf("assertion reached (line %d): %s: true %s: %s", a.Pos.Line, a.Text, r.At, r.State))
		}
	}
}

// The ends of a host's run, as AssertResult.At names them.
const (
	atEnd       = "at the end of the run"
	atPowerLoss = "when the host lost power" // at CYCLE down HOST
)

// finish checks the end of the run on each host (results are the hosts',
// in order) and returns what the run showed. A host's end is where its
// kernel stopped, or lost power for good (at CYCLE down HOST). A host
// paused before its end (Options.PauseAt: inspect, step), or off until it
// boots again (HostResult.UpAt), has no end to check: what is still open
// stays open.
func (m *assertMonitor) finish(results []kernel.HostResult) []AssertResult {
	for i, h := range m.hosts {
		r := results[i]
		switch {
		case h == nil || h.k == nil:
		case r.Down && r.UpAt != 0:
		case r.Down:
			h.finish(r.Cycles, atPowerLoss)
		case r.Reason != kernel.StopPaused:
			h.finish(r.Cycles, atEnd)
		}
	}
	return m.res
}

// finish checks the end of the host's run, at its clock's last cycle; at
// says what that end is.
func (h *hostMonitor) finish(cycle uint64, at string) {
	m := h.m
	h.pending = h.pending[:0] // written outside any call (echo): nobody's
	if h.open > 0 {
		h.check(cycle, func() string { return at })
	}
	for _, i := range h.asserts {
		a, r := &m.s.Asserts[i], &m.res[i]
		if r.Failed || r.Seen {
			continue
		}
		// Undecided: an always that held, an eventually that failed, a
		// sometimes this run did not see. State is the end's.
		r.Cycle, r.At, r.State = cycle, at, h.state(a.cond)
		if a.Kind == AssertEventually {
			r.Failed = true
			h.k.Note(fmt.Sprintf("assertion failed (line %d): %s: never true in the run; %s: %s", a.Pos.Line, a.Text, endName(at), r.State))
		}
	}
}

// endName is how a message names the end of a host's run: "at the end"
// (as it always has), or "when the host lost power".
func endName(at string) string {
	if at == atPowerLoss {
		return at
	}
	return "at the end"
}

// eval evaluates a condition now.
func (h *hostMonitor) eval(c condNode) tri {
	switch c := c.(type) {
	case condAnd:
		l := h.eval(c.l)
		if l == triFalse {
			return triFalse
		}
		r := h.eval(c.r)
		if r == triFalse {
			return triFalse
		}
		if l == triTrue && r == triTrue {
			return triTrue
		}
		return triUnknown
	case condOr:
		l := h.eval(c.l)
		if l == triTrue {
			return triTrue
		}
		r := h.eval(c.r)
		if r == triTrue {
			return triTrue
		}
		if l == triFalse && r == triFalse {
			return triFalse
		}
		return triUnknown
	case condNot:
		switch h.eval(c.x) {
		case triTrue:
			return triFalse
		case triFalse:
			return triTrue
		}
		return triUnknown
	case *condConsole:
		return truth(h.consoleHas(c))
	case *condExited:
		_, ok := h.k.ProbeExit(h.pid(c.who))
		return truth(ok)
	case *condCompare:
		if c.v.kind == valState {
			st, ok := h.k.ProbeState(h.pid(c.v.who))
			if !ok {
				return triUnknown
			}
			return truth((st == c.state) == (c.op == "=="))
		}
		n, ok := h.value(&c.v)
		if !ok {
			return triUnknown
		}
		return truth(compare(n, c.op, c.n))
	}
	return triUnknown
}

func truth(b bool) tri {
	if b {
		return triTrue
	}
	return triFalse
}

func compare(a int64, op string, b int64) bool {
	switch op {
	case "==":
		return a == b
	case "!=":
		return a != b
	case "<":
		return a < b
	case "<=":
		return a <= b
	case ">":
		return a > b
	}
	return a >= b
}

// pid returns the pid a Who names in this run (on the host: an
// assertion names only the processes of its own host).
func (h *hostMonitor) pid(w *Who) int {
	if pids := h.m.pids; w.Spawn >= 0 && w.Spawn < len(pids) {
		return pids[w.Spawn]
	}
	return w.PID
}

// value reads a value of the state; ok is false if its object does not
// exist.
func (h *hostMonitor) value(v *condValue) (int64, bool) {
	k := h.k
	switch v.kind {
	case valExit:
		x, ok := k.ProbeExit(h.pid(v.who))
		return int64(x.ShellStatus()), ok
	case valProcs:
		n, _ := k.ProbeProcs()
		return int64(n), true
	case valZombies:
		_, n := k.ProbeProcs()
		return int64(n), true
	case valPipe:
		n, ok := k.ProbePipe(v.id)
		return int64(n), ok
	case valMsgq:
		n, ok := k.ProbeMsgQueue(v.ref)
		return int64(n), ok
	case valSem:
		n, ok := k.ProbeSem(v.ref, v.id)
		return int64(n), ok
	case valShm:
		return k.ProbeShm(v.ref, v.off, v.size)
	case valTCP:
		return int64(k.ProbeTCP(v.tcpState)), true
	}
	return 0, false
}

// consoleHas reports whether the console (or a process's output to it)
// holds the atom's text. The console only grows, so once found the text
// stays found, and each point searches only what is new.
func (h *hostMonitor) consoleHas(c *condConsole) bool {
	scans := h.m.scans
	done := scans[c.scan]
	if done < 0 {
		return true
	}
	out := h.console.kept
	if c.who != nil {
		out = h.perPID[h.pid(c.who)]
	}
	from := max(0, done-len(c.text)+1)
	if bytes.Contains(out[from:], c.text) {
		scans[c.scan] = -1
		return true
	}
	scans[c.scan] = len(out)
	return false
}

// state renders the values of a condition's tests now, for a message:
// "pipe#1.bytes = 5000, state writer = sleeping".
func (h *hostMonitor) state(c condNode) string {
	var parts []string
	walkCond(c, func(c condNode) {
		var s string
		switch c := c.(type) {
		case *condConsole:
			where := "the console"
			if c.who != nil {
				where = "the output of " + c.who.Name
			}
			if h.consoleHas(c) {
				s = fmt.Sprintf("%s holds %s", where, strconv.Quote(string(c.text)))
			} else {
				s = fmt.Sprintf("%s does not hold %s", where, strconv.Quote(string(c.text)))
			}
		case *condExited:
			name := c.who.Name
			if c.who.Spawn >= 0 {
				name = fmt.Sprintf("%s (pid %d)", name, h.pid(c.who))
			}
			if x, ok := h.k.ProbeExit(h.pid(c.who)); ok {
				s = fmt.Sprintf("%s %s", name, x.Describe())
			} else {
				s = name + " has not exited"
			}
		case *condCompare:
			if c.v.kind == valState {
				st, ok := h.k.ProbeState(h.pid(c.v.who))
				if !ok {
					st = "none (no such process)"
				}
				s = fmt.Sprintf("%s = %s", c.v.text, st)
				break
			}
			n, ok := h.value(&c.v)
			switch {
			case ok:
				s = fmt.Sprintf("%s = %d", c.v.text, n)
			case c.v.kind == valExit:
				s = fmt.Sprintf("%s: pid %d has not exited", c.v.text, h.pid(c.v.who))
			default:
				s = fmt.Sprintf("%s: no such object", c.v.text)
			}
		default:
			return
		}
		for _, p := range parts {
			if p == s {
				return
			}
		}
		parts = append(parts, s)
	})
	return strings.Join(parts, ", ")
}

// walkCond calls f on every node of a condition, in order.
func walkCond(c condNode, f func(condNode)) {
	f(c)
	switch c := c.(type) {
	case condAnd:
		walkCond(c.l, f)
		walkCond(c.r, f)
	case condOr:
		walkCond(c.l, f)
		walkCond(c.r, f)
	case condNot:
		walkCond(c.x, f)
	}
}

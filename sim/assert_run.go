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
	s       *Scenario
	k       *kernel.Kernel // nil until the processes are spawned
	pids    []int          // the pid of each spawn, by index (0 for a timed one)
	console *consoleBuffer // the machine's console
	scans   []int          // per console atom: how much of its console was searched in vain, or -1 once found
	perPID  map[int][]byte // each process's console output, if a console of atom needs it
	pending []byte         // console output not yet put to a process
	res     []AssertResult
	open    int // assertions not yet decided
}

// newAssertMonitor returns a monitor of the scenario's assertions, or nil
// if it has none. The monitor sees the console through the writer it
// puts in cfg.
func (s *Scenario) newAssertMonitor(console *consoleBuffer, cfg *kernel.Config) *assertMonitor {
	if len(s.Asserts) == 0 {
		return nil
	}
	m := &assertMonitor{s: s, console: console, res: make([]AssertResult, len(s.Asserts)), open: len(s.Asserts)}
	for _, a := range s.Asserts {
		walkCond(a.cond, func(c condNode) {
			if cc, ok := c.(*condConsole); ok {
				for len(m.scans) <= cc.scan {
					m.scans = append(m.scans, 0)
				}
				if cc.who != nil && m.perPID == nil {
					m.perPID = map[int][]byte{}
				}
			}
		})
	}
	if m.perPID != nil {
		cfg.Stdout = assertConsole{m}
	}
	return m
}

// assertConsole is the console as the monitor sees it: what goes to the
// console buffer is also kept to be put to the process that wrote it.
type assertConsole struct{ m *assertMonitor }

func (c assertConsole) Write(p []byte) (int, error) {
	c.m.pending = append(c.m.pending, p...)
	return c.m.console.Write(p)
}

// policy wraps the kernel's scheduling policy: it sees each point after
// the policy has decided.
type assertPolicy struct {
	sched.Policy
	m *assertMonitor
}

func (p assertPolicy) Point(pt sched.Point) sched.Decision {
	d := p.Policy.Point(pt)
	p.m.point(pt)
	return d
}

// wrap is the monitor's kernel.WrapPolicy function.
func (m *assertMonitor) wrap(p sched.Policy) sched.Policy { return assertPolicy{p, m} }

// start begins checking, once the spawns have their pids (Outcome.PIDs,
// in the order of the spawns that are not timed).
func (m *assertMonitor) start(k *kernel.Kernel, pids []int) {
	m.k = k
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
func (m *assertMonitor) point(pt sched.Point) {
	if m.k == nil {
		return
	}
	if len(m.pending) > 0 && pt.Kind != sched.PointWake {
		// Console output comes from a write of the running thread,
		// which every point but a wakeup is about.
		if pid, ok := m.k.ProbeProcess(pt.PID); ok {
			if out := m.perPID[pid]; len(out) < MaxConsoleBytes {
				m.perPID[pid] = append(out, m.pending[:min(len(m.pending), MaxConsoleBytes-len(out))]...)
			}
		}
		m.pending = m.pending[:0]
	}
	if m.open > 0 {
		m.check(pt.Cycle, func() string { return m.pointName(pt) })
	}
}

// pointName says which checking point a scheduling point is.
func (m *assertMonitor) pointName(pt sched.Point) string {
	thread := m.thread
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
func (m *assertMonitor) thread(tid int) string {
	pid, ok := m.k.ProbeProcess(tid)
	switch {
	case ok && pid == tid:
		return "pid " + strconv.Itoa(pid)
	case ok:
		return fmt.Sprintf("pid %d tid %d", pid, tid)
	}
	return "tid " + strconv.Itoa(tid)
}

// check evaluates every open assertion at one point.
func (m *assertMonitor) check(cycle uint64, at func() string) {
	for i := range m.s.Asserts {
		a, r := &m.s.Asserts[i], &m.res[i]
		if r.Failed || r.Seen {
			continue
		}
		r.Points++
		v := m.eval(a.cond)
		switch {
		case a.Kind == AssertAlways && v == triFalse:
			r.Failed = true
		case a.Kind != AssertAlways && v == triTrue:
			r.Seen = true
		default:
			continue
		}
		m.open--
		r.Cycle, r.At, r.State = cycle, at(), m.state(a.cond)
		if r.Failed {
			m.k.Note(fmt.Sprintf("assertion failed (line %d): %s: false %s: %s", a.Pos.Line, a.Text, r.At, r.State))
		} else {
			m.k.Note(fmt.Sprintf("assertion reached (line %d): %s: true %s: %s", a.Pos.Line, a.Text, r.At, r.State))
		}
	}
}

// finish checks the end of the run and returns what the run showed. A
// run paused before its end (Options.PauseAt: inspect, step) has no end
// to check: what is still open stays open.
func (m *assertMonitor) finish(cycle uint64, paused bool) []AssertResult {
	if m.k == nil || paused {
		return m.res
	}
	m.pending = m.pending[:0] // written outside any call (echo): nobody's
	if m.open > 0 {
		m.check(cycle, func() string { return "at the end of the run" })
	}
	for i := range m.s.Asserts {
		a, r := &m.s.Asserts[i], &m.res[i]
		if r.Failed || r.Seen {
			continue
		}
		// Undecided: an always that held, an eventually that failed, a
		// sometimes this run did not see. State is the end's.
		r.Cycle, r.At, r.State = cycle, "at the end of the run", m.state(a.cond)
		if a.Kind == AssertEventually {
			r.Failed = true
			m.k.Note(fmt.Sprintf("assertion failed (line %d): %s: never true in the run; at the end: %s", a.Pos.Line, a.Text, r.State))
		}
	}
	return m.res
}

// eval evaluates a condition now.
func (m *assertMonitor) eval(c condNode) tri {
	switch c := c.(type) {
	case condAnd:
		l := m.eval(c.l)
		if l == triFalse {
			return triFalse
		}
		r := m.eval(c.r)
		if r == triFalse {
			return triFalse
		}
		if l == triTrue && r == triTrue {
			return triTrue
		}
		return triUnknown
	case condOr:
		l := m.eval(c.l)
		if l == triTrue {
			return triTrue
		}
		r := m.eval(c.r)
		if r == triTrue {
			return triTrue
		}
		if l == triFalse && r == triFalse {
			return triFalse
		}
		return triUnknown
	case condNot:
		switch m.eval(c.x) {
		case triTrue:
			return triFalse
		case triFalse:
			return triTrue
		}
		return triUnknown
	case *condConsole:
		return truth(m.consoleHas(c))
	case *condExited:
		_, ok := m.k.ProbeExit(m.pid(c.who))
		return truth(ok)
	case *condCompare:
		if c.v.kind == valState {
			st, ok := m.k.ProbeState(m.pid(c.v.who))
			if !ok {
				return triUnknown
			}
			return truth((st == c.state) == (c.op == "=="))
		}
		n, ok := m.value(&c.v)
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

// pid returns the pid a Who names in this run.
func (m *assertMonitor) pid(w *Who) int {
	if w.Spawn >= 0 && w.Spawn < len(m.pids) {
		return m.pids[w.Spawn]
	}
	return w.PID
}

// value reads a value of the state; ok is false if its object does not
// exist.
func (m *assertMonitor) value(v *condValue) (int64, bool) {
	k := m.k
	switch v.kind {
	case valExit:
		x, ok := k.ProbeExit(m.pid(v.who))
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
	}
	return 0, false
}

// consoleHas reports whether the console (or a process's output to it)
// holds the atom's text. The console only grows, so once found the text
// stays found, and each point searches only what is new.
func (m *assertMonitor) consoleHas(c *condConsole) bool {
	done := m.scans[c.scan]
	if done < 0 {
		return true
	}
	out := m.console.kept
	if c.who != nil {
		out = m.perPID[m.pid(c.who)]
	}
	from := max(0, done-len(c.text)+1)
	if bytes.Contains(out[from:], c.text) {
		m.scans[c.scan] = -1
		return true
	}
	m.scans[c.scan] = len(out)
	return false
}

// state renders the values of a condition's tests now, for a message:
// "pipe#1.bytes = 5000, state writer = sleeping".
func (m *assertMonitor) state(c condNode) string {
	var parts []string
	walkCond(c, func(c condNode) {
		var s string
		switch c := c.(type) {
		case *condConsole:
			where := "the console"
			if c.who != nil {
				where = "the output of " + c.who.Name
			}
			if m.consoleHas(c) {
				s = fmt.Sprintf("%s holds %s", where, strconv.Quote(string(c.text)))
			} else {
				s = fmt.Sprintf("%s does not hold %s", where, strconv.Quote(string(c.text)))
			}
		case *condExited:
			name := c.who.Name
			if c.who.Spawn >= 0 {
				name = fmt.Sprintf("%s (pid %d)", name, m.pid(c.who))
			}
			if x, ok := m.k.ProbeExit(m.pid(c.who)); ok {
				s = fmt.Sprintf("%s %s", name, x.Describe())
			} else {
				s = name + " has not exited"
			}
		case *condCompare:
			if c.v.kind == valState {
				st, ok := m.k.ProbeState(m.pid(c.v.who))
				if !ok {
					st = "none (no such process)"
				}
				s = fmt.Sprintf("%s = %s", c.v.text, st)
				break
			}
			n, ok := m.value(&c.v)
			switch {
			case ok:
				s = fmt.Sprintf("%s = %d", c.v.text, n)
			case c.v.kind == valExit:
				s = fmt.Sprintf("%s: pid %d has not exited", c.v.text, m.pid(c.v.who))
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

package explore

import (
	"fmt"
	"strings"

	"ipcsim/kernel"
	"ipcsim/sim"
)

// Explaining a failure: the failing schedule is run again with every
// instruction traced (which does not move a preemption: the trace never
// changes a run), and the trace is searched for the lost update, the
// race of a read-modify-write that another task's write slips into:
//
//	A loads v from x; A is switched out; B stores to x; A stores to x
//	a value it computed from v: B's store is lost.
//
// It is found in the order of the trace, from the memory accesses the
// instruction trace records (kernel.MemEvent): for each word, its last
// store and each task's last load of it. A word is a word of physical
// memory of one host (MemEvent.Phys): two processes that fork share
// virtual addresses, and each has its own frames behind them, so their
// accesses to one address are to different memory and race with nothing.

// task names a thread of a run: its host, pid and tid ("pid 2", "pid 2
// tid 4", "alice pid 2").
type task struct {
	host     string
	pid, tid int
}

func (t task) String() string {
	s := fmt.Sprintf("pid %d", t.pid)
	if t.tid != 0 {
		s += fmt.Sprintf(" tid %d", t.tid)
	}
	if t.host != "" {
		s = t.host + " " + s
	}
	return s
}

// word is one word of memory: a physical address of a host or, for an
// access whose frame the trace does not give, a virtual address of one
// process (its threads share it).
type word struct {
	host string
	pid  int // 0 for a physical address
	addr uint64
}

// wordOf returns the word an access of who is to.
func wordOf(who task, m *kernel.MemEvent) word {
	if m.HasPhys {
		return word{who.host, 0, m.Phys}
	}
	return word{who.host, who.pid, m.Addr}
}

type access struct {
	who   task
	cycle uint64
	value uint64
	pc    string
	seq   int    // the word's stores so far (for a load: before it)
	addr  uint64 // the virtual address, in who's address space
}

// Explain replays the schedule of token t on s and, if the run shows a
// lost update, describes it in a few lines of plain words; nil if it
// finds none (the failure is of another kind: a deadlock, an order of
// messages...).
func Explain(s *sim.Scenario, t Token) ([]string, error) {
	why, _, err := ExplainAt(s, t)
	return why, err
}

// ExplainAt is Explain, and tells the cycle of the store that lost the
// update too (0 with no lost update): where ipcsim step --replay opens.
func ExplainAt(s *sim.Scenario, t Token) ([]string, uint64, error) {
	s, err := t.ApplyNet(s) // the token's network faults, if any
	if err != nil {
		return nil, 0, err
	}
	c := *s
	c.Wants = nil
	c.Machine.TraceInstructions = true
	var (
		loads     = map[word]map[task]access{} // looked up only
		lastStore = map[word]access{}          // looked up only
		stores    = map[word]int{}             // stores to each word so far (looked up only)
		switches  []switchAt                   // when each task was switched out
		found     []string
		at        uint64 // the cycle of the store that lost the update
	)
	trace := func(e *kernel.Event) {
		if found != nil {
			return
		}
		who := task{e.Host, e.PID, e.TID}
		if e.Kind == "switch" && strings.HasPrefix(e.Text, "switch ") {
			switches = append(switches, switchAt{e.Cycle, e.Text})
			return
		}
		m := e.Mem
		if e.Kind != "insn" || m == nil {
			return
		}
		w := wordOf(who, m)
		a := access{who, e.Cycle, m.Value, e.PC, stores[w], m.Addr}
		switch m.Op {
		case "load", "lr":
			if loads[w] == nil {
				loads[w] = map[task]access{}
			}
			loads[w][who] = a
		case "store", "sc", "amo":
			if m.Op == "sc" && m.Fail {
				return
			}
			prev, stored := lastStore[w]
			ld, loaded := loads[w][who]
			if m.Op != "amo" && stored && loaded && prev.who != who && ld.cycle < prev.cycle {
				found = describeLost(ld, prev, a, stores[w]-ld.seq, switches)
				at = e.Cycle
			}
			stores[w]++
			lastStore[w] = a
		}
	}
	opts := t.Options()
	opts.Trace = trace
	if _, err := c.Run(opts); err != nil {
		return nil, 0, err
	}
	return found, at, nil
}

// switchAt is one context switch of the run: its cycle and text ("switch
// pid 2 -> pid 3 (time slice used up)").
type switchAt struct {
	cycle uint64
	text  string
}

// describeLost tells the lost update: who loaded, the switch that took
// it off the CPU, who stored in between, and the store that lost it.
// Each at its own virtual address: a shared segment may be mapped at
// different addresses in two processes.
func describeLost(ld, other, st access, lost int, switches []switchAt) []string {
	lines := []string{fmt.Sprintf("%s loads %d from %#x at cycle %d (pc %s)", ld.who, int64(int32(ld.value)), ld.addr, ld.cycle, ld.pc)}
	for _, sw := range switches {
		if sw.cycle >= ld.cycle && sw.cycle <= other.cycle && strings.Contains(sw.text, "switch "+ld.who.String()+" ->") {
			lines = append(lines, fmt.Sprintf("at cycle %d the CPU goes from %s to another: %s", sw.cycle, ld.who, strings.TrimPrefix(sw.text, "switch ")))
			break
		}
	}
	what := fmt.Sprintf("one update (%s's) is lost", other.who)
	if lost > 1 {
		what = fmt.Sprintf("the %d stores made meanwhile, the last by %s, are lost", lost, other.who)
	}
	lines = append(lines,
		fmt.Sprintf("%s stores %d to %#x at cycle %d (pc %s)", other.who, int64(int32(other.value)), other.addr, other.cycle, other.pc),
		fmt.Sprintf("%s stores %d to %#x at cycle %d (pc %s), computed from the %d it loaded before: %s",
			st.who, int64(int32(st.value)), st.addr, st.cycle, st.pc, int64(int32(ld.value)), what))
	return lines
}

// ExplainDeadlock replays the schedule of token t on s and, if the run
// stopped in a deadlock, returns what ipcsim run prints under its stop
// line: each blocked process or thread and what it waits on, then the
// wait-for cycle if the kernel finds one (kernel.Result.Blocked, in the
// kernel's own words). Lines of a scenario with hosts start with the
// host's name. nil if the run did not deadlock.
func ExplainDeadlock(s *sim.Scenario, t Token) ([]string, error) {
	s, err := t.ApplyNet(s) // the token's network faults, if any
	if err != nil {
		return nil, err
	}
	c := *s
	c.Wants = nil // nothing to render: keep no trace
	o, err := c.Run(t.Options())
	if err != nil {
		return nil, err
	}
	var lines []string
	for _, h := range o.Hosts {
		r := h.Result
		if r.Reason != kernel.StopDeadlock || r.Down {
			continue
		}
		for _, l := range r.Blocked {
			if h.Name != "" {
				l = h.Name + ": " + l
			}
			lines = append(lines, l)
		}
	}
	return lines, nil
}

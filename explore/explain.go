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
// store and each task's last load of it.

// task names a thread of a run: its pid and tid ("pid 2", "pid 2 tid 4").
type task struct{ pid, tid int }

func (t task) String() string {
	if t.tid != 0 {
		return fmt.Sprintf("pid %d tid %d", t.pid, t.tid)
	}
	return fmt.Sprintf("pid %d", t.pid)
}

type access struct {
	who   task
	cycle uint64
	value uint64
	pc    string
	seq   int // the word's stores so far (for a load: before it)
}

// Explain replays the schedule of token t on s and, if the run shows a
// lost update, describes it in a few lines of plain words; nil if it
// finds none (the failure is of another kind: a deadlock, an order of
// messages...).
func Explain(s *sim.Scenario, t Token) ([]string, error) {
	s, err := t.ApplyNet(s) // the token's network faults, if any
	if err != nil {
		return nil, err
	}
	c := *s
	c.Wants = nil
	c.Machine.TraceInstructions = true
	var (
		loads     = map[uint64]map[task]access{} // looked up only
		lastStore = map[uint64]access{}          // looked up only
		stores    = map[uint64]int{}             // stores to each word so far (looked up only)
		switches  []switchAt                     // when each task was switched out
		found     []string
	)
	trace := func(e *kernel.Event) {
		if found != nil {
			return
		}
		who := task{e.PID, e.TID}
		if e.Kind == "switch" && strings.HasPrefix(e.Text, "switch ") {
			switches = append(switches, switchAt{e.Cycle, e.Text})
			return
		}
		m := e.Mem
		if e.Kind != "insn" || m == nil {
			return
		}
		a := access{who, e.Cycle, m.Value, e.PC, stores[m.Addr]}
		switch m.Op {
		case "load", "lr":
			if loads[m.Addr] == nil {
				loads[m.Addr] = map[task]access{}
			}
			loads[m.Addr][who] = a
		case "store", "sc", "amo":
			if m.Op == "sc" && m.Fail {
				return
			}
			prev, stored := lastStore[m.Addr]
			ld, loaded := loads[m.Addr][who]
			if m.Op != "amo" && stored && loaded && prev.who != who && ld.cycle < prev.cycle {
				found = describeLost(m.Addr, ld, prev, a, stores[m.Addr]-ld.seq, switches)
			}
			stores[m.Addr]++
			lastStore[m.Addr] = a
		}
	}
	if _, err := c.Run(sim.Options{Policy: t.Policy(), Faults: t.Faults, Trace: trace}); err != nil {
		return nil, err
	}
	return found, nil
}

// switchAt is one context switch of the run: its cycle and text ("switch
// pid 2 -> pid 3 (time slice used up)").
type switchAt struct {
	cycle uint64
	text  string
}

// describeLost tells the lost update: who loaded, the switch that took
// it off the CPU, who stored in between, and the store that lost it.
func describeLost(addr uint64, ld, other, st access, lost int, switches []switchAt) []string {
	lines := []string{fmt.Sprintf("%s loads %d from %#x at cycle %d (pc %s)", ld.who, int64(int32(ld.value)), addr, ld.cycle, ld.pc)}
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
		fmt.Sprintf("%s stores %d to %#x at cycle %d (pc %s)", other.who, int64(int32(other.value)), addr, other.cycle, other.pc),
		fmt.Sprintf("%s stores %d to %#x at cycle %d (pc %s), computed from the %d it loaded before: %s",
			st.who, int64(int32(st.value)), addr, st.cycle, st.pc, int64(int32(ld.value)), what))
	return lines
}

package explore

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"ipcsim/abi"
	"ipcsim/kernel"
	"ipcsim/sched"
	"ipcsim/sim"
)

// Faults as choices of the explorer (issue 12, Config.Faults). Besides
// its schedule, each schedule then gets a fault plan (kernel/fault.go):
// one or two faults drawn from the faults the scenario's calls could meet
// and, with links, from the network faults of netfaults.go.
// A run without faults first counts the calls the programs make (on the
// first host); each call that a fault can hit gives candidates "the Nth
// call fails with E" (every error Linux can give it, and a short transfer
// for a read or write), N from 1 to the calls counted (at most
// maxFaultNth). Schedule i draws its plan from PCG(Seed ^ faultSalt, i),
// apart from the PRNG of its schedule, so that --faults leaves every
// schedule's switches as they were. The first runs of pct and pb, which
// learn what the others need, run without faults.
//
// The token records the plan, so a replay needs no learning run; shrinking
// drops the faults one at a time, as it drops switches, while the run
// still fails. Kills are left out: killing a process breaks nearly every
// expectation, and finds nothing.
//
// In a scenario with link lines, network faults are candidates too
// (netfaults.go): a link made lossier, slower, or given to reordering or
// duplication; the token records them after n=.

// maxFaultNth bounds N in a candidate "the Nth call": the first calls of
// each kind are where a program meets a fault first.
const maxFaultNth = 8

// maxPlanFaults is the most faults a schedule's plan has.
const maxPlanFaults = 2

// faultSalt keeps the fault plans' PRNG apart from the schedules'.
const faultSalt = 0x6661756c74730000 // "faults"

// learnFaults runs s once without faults and returns the candidate
// faults, in the order the calls first appear, then N, then action, and
// the traffic of each link (in the order of the link lines): the cycles
// at which it took a frame, ascending, each once (netfaults.go).
func learnFaults(s *sim.Scenario) ([]kernel.Fault, [][]uint64, error) {
	c := *s
	c.Wants = nil
	var order []string
	counts := map[string]uint64{} // looked up, never iterated
	// streams counts the reads and writes on pipes and sockets: the only
	// ones a short transfer, EPIPE or ECONNRESET can hit.
	streams := map[string]uint64{}
	first := ""
	if len(s.Hosts) > 0 {
		first = s.Hosts[0].Name
	}
	traffic := make([][]uint64, len(s.Links))
	_, err := c.Run(sim.Options{Trace: func(e *kernel.Event) {
		if e.Kind == "net" {
			if l, ok := linkTraffic(s, e.Text); ok {
				traffic[l] = append(traffic[l], e.Cycle)
			}
			return
		}
		if e.Kind != "syscall" || e.Host != first || e.PID == 1 {
			return
		}
		if counts[e.Syscall] == 0 {
			order = append(order, e.Syscall)
		}
		counts[e.Syscall]++
		if e.Obj != "" && !strings.HasPrefix(e.Obj, "tty") && !strings.HasPrefix(e.Obj, "/") {
			streams[e.Syscall]++
		}
	}})
	if err != nil {
		return nil, nil, err
	}
	for i := range traffic {
		// The hosts at the two ends run apart by up to the lookahead:
		// their sends come out of cycle order.
		slices.Sort(traffic[i])
		traffic[i] = slices.Compact(traffic[i])
	}
	var out []kernel.Fault
	for _, name := range order {
		f := kernel.Fault{Call: name}
		var acts []kernel.Fault
		for _, e := range kernel.InjectableErrnos(name) {
			f.Action, f.Errno = kernel.FaultErrno, e
			acts = append(acts, f)
		}
		f.Action, f.Errno = kernel.FaultShort, 0
		if kernel.CheckFault(kernel.Fault{Call: name, Nth: 1, Action: kernel.FaultShort}) == nil {
			acts = append(acts, f)
		}
		for n := uint64(1); n <= min(counts[name], maxFaultNth); n++ {
			for _, a := range acts {
				if onStreams(name, a) && n > streams[name] {
					continue // read and write: the calls on a pipe or socket are fewer
				}
				a.Nth = n
				out = append(out, a)
			}
		}
	}
	return out, traffic, nil
}

// onStreams reports whether fault a of call name only hits reads and
// writes on pipes and sockets, which the trace tells apart (Event.Obj).
func onStreams(name string, a kernel.Fault) bool {
	if name != "read" && name != "write" {
		return false
	}
	return a.Action == kernel.FaultShort || a.Errno == abi.EPIPE || a.Errno == abi.ECONNRESET
}

// A plan is what a run is given besides its schedule: faults at the
// system-call boundary of the first host, and changes to the links.
type plan struct {
	sys []kernel.Fault
	net []NetFault
}

func (p plan) size() int { return len(p.sys) + len(p.net) }

// without returns p without its item i (the system-call faults first,
// then the network ones).
func (p plan) without(i int) plan {
	if i < len(p.sys) {
		return plan{slices.Delete(slices.Clone(p.sys), i, i+1), p.net}
	}
	i -= len(p.sys)
	return plan{p.sys, slices.Delete(slices.Clone(p.net), i, i+1)}
}

// plan returns the token's plan.
func (t Token) plan() plan { return plan{t.Faults, t.Net} }

// setPlan puts p into the token.
func (t *Token) setPlan(p plan) {
	t.Faults, t.Net = nil, nil
	if len(p.sys) > 0 {
		t.Faults = p.sys
	}
	if len(p.net) > 0 {
		t.Net = p.net
	}
}

// faultPlan returns the fault plan of schedule i: 1 to maxPlanFaults
// distinct candidates of sys and net together, in the order of the
// candidates; a partition's cycles are drawn after, among its link's
// traffic (drawPart).
func faultPlan(seed uint64, i int, sys []kernel.Fault, net []NetFault, traffic [][]uint64) plan {
	n := len(sys) + len(net)
	if n == 0 {
		return plan{}
	}
	r := rand.New(rand.NewPCG(seed^faultSalt, uint64(i)))
	k := min(1+r.IntN(maxPlanFaults), n)
	var picked []int
	for len(picked) < k {
		j := r.IntN(n)
		if !slices.Contains(picked, j) {
			picked = append(picked, j)
		}
	}
	slices.Sort(picked)
	var p plan
	for _, j := range picked {
		if j < len(sys) {
			p.sys = append(p.sys, sys[j])
		} else {
			p.net = append(p.net, net[j-len(sys)])
		}
	}
	for k, n := range p.net {
		if n.Kind == "part" {
			p.net[k] = drawPart(r, n, traffic)
		}
	}
	return p
}

// formatFaults writes a plan for a token: CALL.N.ACTION joined by +,
// where ACTION is an errno, short or kill.
func formatFaults(fs []kernel.Fault) string {
	parts := make([]string, len(fs))
	for i, f := range fs {
		call := f.Call
		if call == "" {
			call = "any"
		}
		act := f.Errno.String()
		switch f.Action {
		case kernel.FaultShort:
			act = "short"
		case kernel.FaultKill:
			act = "kill"
		}
		parts[i] = fmt.Sprintf("%s.%d.%s", call, f.Nth, act)
	}
	return strings.Join(parts, "+")
}

// parseFaults reads what formatFaults writes.
func parseFaults(v string) ([]kernel.Fault, error) {
	var out []kernel.Fault
	for _, p := range strings.Split(v, "+") {
		fs := strings.Split(p, ".")
		if len(fs) != 3 {
			return nil, fmt.Errorf("fault %q: expected CALL.N.ACTION", p)
		}
		f := kernel.Fault{Call: fs[0]}
		if f.Call == "any" {
			f.Call = ""
		}
		n, err := strconv.ParseUint(fs[1], 10, 64)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("fault %q: expected a call count N from 1", p)
		}
		f.Nth = n
		switch fs[2] {
		case "short":
			f.Action = kernel.FaultShort
		case "kill":
			f.Action = kernel.FaultKill
		default:
			f.Action = kernel.FaultErrno
			e, ok := kernel.ErrnoByName(fs[2])
			if !ok {
				return nil, fmt.Errorf("fault %q: unknown action %q (an errno, short or kill)", p, fs[2])
			}
			f.Errno = e
		}
		if err := kernel.CheckFault(f); err != nil {
			return nil, fmt.Errorf("fault %q: %v", p, err)
		}
		out = append(out, f)
	}
	return out, nil
}

// shrinkFaults drops the faults of a failing run one at a time, last
// first, keeping a drop if the run, under a policy newly made by pol,
// still fails; it goes on until a pass drops nothing.
func shrinkFaults(s *sim.Scenario, pol func() sched.Policy, p plan) plan {
	cur := p
	for changed := true; changed; {
		changed = false
		for i := cur.size() - 1; i >= 0; i-- {
			try := cur.without(i)
			if failsUnder(s, pol(), try) {
				cur, changed = try, true
			}
		}
	}
	return cur
}

// shrinkList reduces the switches and the faults of a failing list
// schedule together: the faults, then the switches (Shrink), until a
// whole pass drops nothing. No single switch or fault of what is left can
// go. kind is the token kind that replays the list ("list", "pctlist").
func shrinkList(s *sim.Scenario, sw []Switch, p plan, kind string) ([]Switch, plan) {
	cur, fs := slices.Clone(sw), p
	for {
		nf := shrinkFaults(s, func() sched.Policy { return Token{Strategy: kind, Switches: cur}.Policy() }, fs)
		nsw := shrinkSwitches(s, cur, nf, kind)
		if nf.size() == fs.size() && len(nsw) == len(cur) {
			return cur, fs
		}
		cur, fs = nsw, nf
	}
}

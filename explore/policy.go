// Package explore searches the schedules of a scenario for one that breaks
// its expectations (issue 12): scheduling policies that preempt where a
// seeded PRNG says (random preemption, PCT) or where an enumeration of the
// schedules with few preemptions says (pb, pb.go), and a portfolio of the
// three; for small scenarios, an exhaustive search with dynamic
// partial-order reduction (dpor, dpor.go) that runs one schedule per class
// of equivalent schedules and says when it has run them all; replay
// tokens that reproduce a failing run exactly; the shrinking of a failing
// schedule; and runs on a pool of workers, or split into shards, whose
// report does not depend on either.
//
// A policy here is a sched.Policy that the kernel asks at every choice
// (sim.Options.Policy); the kernel itself is untouched. Random preemption
// and pb give time slices of 1 to MaxSlice cycles, so the timer asks the
// policy every few instructions and a preemption may fall between any two
// instructions: that is what exposes a race between a plain load and a
// plain store. PCT and dpor are also sched.AccessObservers: the kernel
// shows them each access to shared memory and the end of each system
// call, and they end a time slice right after an access, so that their
// preemptions fall between any two visible operations (a preemption
// between two private instructions is the same schedule as one after the
// last shared access before them).
//
// Steps. A step is a scheduling point at which the policy could switch to
// another process: a slice end (random and pb: every 1 to MaxSlice
// instructions; PCT: after each access to shared memory), a system call
// entry, a wakeup or a sched_yield, while at least one other process waits
// in the ready set. Points with no one to switch to are not steps, so a
// schedule is described by the few hundred steps where processes really
// compete, not by the thousands of instructions of a lone process.
package explore

import (
	"math"
	"math/rand/v2"
	"slices"

	"ipcsim/sched"
)

// readySet is a policy's ready set in arrival order. It is small (the
// processes of a scenario), so a slice with linear removal does.
type readySet []int

func (r *readySet) add(pid int) { *r = append(*r, pid) }

// take removes pid and reports whether it was there.
func (r *readySet) take(pid int) bool {
	i := slices.Index(*r, pid)
	if i < 0 {
		return false
	}
	*r = slices.Delete(*r, i, i+1)
	return true
}

// initPID is the kernel's init, which only reaps: the scenario's processes
// never wait for it, so a switch to it decides nothing.
const initPID = 1

// isStep reports whether a point is a step: a point where Preempt means a
// switch, with a process other than init ready.
func isStep(p sched.Point, ready readySet) bool {
	switch p.Kind {
	case sched.PointSyscall, sched.PointWake, sched.PointSliceEnd, sched.PointYield:
		for _, pid := range ready {
			if pid != initPID {
				return true
			}
		}
	}
	return false
}

// A Switch is one decision of a schedule: at step Step, give the CPU to
// process PID.
type Switch struct {
	Step uint64
	PID  int
}

// switcher runs processes first come, first served, each until it blocks
// or dies, except at the steps where decide names another ready process:
// there it switches to that process. Random preemption and replayed
// decision lists are both switchers, so that the switches a random run
// made, replayed as a list, give the very same run.
type switcher struct {
	ready    readySet
	running  int // the pid last picked, 0 once it blocked or died
	want     int // the pid the last switch asked for, for the next Pick
	step     uint64
	slices   sliceSeq
	decide   func(step uint64, running int, ready readySet) (pid int, ok bool)
	switches []Switch // the switches made, in order
	pb       *pbState // pb: its preemption points (nil for the others)
}

func (s *switcher) Ready(pid int, _ sched.Why) { s.ready.add(pid) }

func (s *switcher) Pick() (int, bool) {
	want := s.want
	s.want = 0
	if want != 0 && s.ready.take(want) {
		s.running = want
		return want, true
	}
	if len(s.ready) == 0 {
		s.running = 0
		return 0, false
	}
	pid := s.ready[0]
	s.ready = s.ready[1:]
	s.running = pid
	return pid, true
}

func (s *switcher) Slice(int) uint64 { return s.slices.next() }

func (s *switcher) Point(p sched.Point) sched.Decision {
	if (p.Kind == sched.PointBlock || p.Kind == sched.PointExit) && p.PID == s.running {
		s.running = 0
	}
	if !isStep(p, s.ready) {
		return sched.Continue
	}
	s.step++
	pid, ok := s.decide(s.step, s.running, s.ready)
	if !ok || pid == s.running || !slices.Contains(s.ready, pid) {
		return sched.Continue
	}
	s.want = pid
	s.switches = append(s.switches, Switch{s.step, pid})
	return sched.Preempt
}

// newRandom returns the random-preemption policy: at each step, with
// probability p, switch to a process drawn uniformly from the ready set.
func newRandom(r *rand.Rand, p float64) *switcher {
	return &switcher{decide: func(_ uint64, _ int, ready readySet) (int, bool) {
		if r.Float64() >= p {
			return 0, false
		}
		return ready[r.IntN(len(ready))], true // init among them: a switch that decides little
	}}
}

// newList returns the policy that makes exactly the given switches (in
// increasing order of step), the form a shrunk schedule takes. A switch
// whose process is not ready at its step is skipped.
func newList(sw []Switch) *switcher {
	i := 0
	return &switcher{decide: func(step uint64, _ int, _ readySet) (int, bool) {
		for i < len(sw) && sw[i].Step < step {
			i++
		}
		if i < len(sw) && sw[i].Step == step {
			return sw[i].PID, true
		}
		return 0, false
	}}
}

// pct is the PCT scheduler of Burckhardt, Kothari, Musuvathi and
// Nagarakatte, "A Randomized Scheduler with Probabilistic Guarantees of
// Finding Bugs" (ASPLOS 2010): every process gets a random priority of at
// least depth when it is created; depth-1 change points are drawn
// uniformly from the steps 1..k; at the i-th change point the running
// process's priority drops to i (below every initial priority); and the
// highest-priority ready process always runs. A bug of depth d is found
// with probability at least 1/(n k^(d-1)) per run, for n processes.
//
// After 4k+1000 steps the policy turns round robin with one-step slices:
// strict priorities would let a spinning process starve a lock holder of
// lower priority for ever, and report a livelock that no fair scheduler
// gives. The first run, which learns k, has no change points and no such
// bound.
type pct struct {
	r       *rand.Rand
	depth   int
	prio    map[int]uint64
	change  []uint64 // change[i] is the step of change point i+1; 0 if none
	ready   readySet
	running int
	want    int
	step    uint64
	fair    uint64 // from this step on, round robin (0: never)
	forced  bool   // the slice ends after a call, for a process of higher priority (SyscallDone)
	access  accessSteps
}

// newPCT returns a PCT policy of the given depth whose change points lie
// in the steps 1..k (no change points if k is 0: the run that learns k).
func newPCT(r *rand.Rand, depth int, k uint64) *pct {
	p := &pct{r: r, depth: depth, prio: map[int]uint64{}}
	if k > 0 {
		p.fair = 4*k + 1000
	}
	for i := 1; i < depth; i++ {
		var c uint64
		if k > 0 {
			c = 1 + r.Uint64N(k)
		}
		p.change = append(p.change, c)
	}
	return p
}

// higher reports whether a runs before b: higher priority, then lower pid.
func (p *pct) higher(a, b int) bool {
	if p.prio[a] != p.prio[b] {
		return p.prio[a] > p.prio[b]
	}
	return a < b
}

// best returns the ready process of highest priority.
func (p *pct) best() (int, bool) {
	if len(p.ready) == 0 {
		return 0, false
	}
	b := p.ready[0]
	for _, pid := range p.ready[1:] {
		if p.higher(pid, b) {
			b = pid
		}
	}
	return b, true
}

func (p *pct) Ready(pid int, _ sched.Why) {
	if _, ok := p.prio[pid]; !ok {
		// A random initial priority, at least depth: above every
		// priority a change point gives. Ties (2^-62) go to the lower pid.
		// Init runs first whenever it is ready, and is never lowered: it
		// only reaps, and left ready it would turn every step of a lone
		// process into a step (see isStep).
		p.prio[pid] = uint64(p.depth) + p.r.Uint64N(1<<62)
		if pid == initPID {
			p.prio[pid] = math.MaxUint64
		}
	}
	p.ready.add(pid)
}

func (p *pct) Pick() (int, bool) {
	pid, ok := p.want, p.want != 0
	p.want = 0
	if !ok || !slices.Contains(p.ready, pid) {
		pid, ok = p.best()
	}
	if !ok {
		p.running = 0
		return 0, false
	}
	p.ready.take(pid)
	p.running = pid
	return pid, true
}

// Slice is long: PCT's steps come from the accesses (Access), not from the
// timer. A slice still ends, so that a process that never touches shared
// memory cannot hold the CPU for ever.
func (p *pct) Slice(int) uint64 { return pctSlice }

// pctSlice is the time slice PCT gives, in cycles.
const pctSlice = 1 << 14

// Access ends the running process's slice after each access to shared
// memory while another process is ready, so that the slice end is a step
// (sched.AccessObserver). PCT's steps are thus the points between two
// visible operations, not between two instructions: a preemption between
// two private instructions orders the shared accesses as a preemption
// after the last access before them does, so no interleaving of the
// shared accesses is lost, and the change points fall only where they can
// matter (the PCT paper counts steps the same way). An LR is not a step:
// its SC follows without a trap between, as the kernel breaks the
// reservation at every trap.
//
// A process that spins on an LR alone (lr; bnez back to the lr, while the
// lock is taken) would then have no step at all, and under strict
// priorities spin for ever: its second LR in a row is a step. The slice
// end breaks the reservation of that LR, but the loop takes another before
// it tries its SC.
func (p *pct) Access(pid int, a sched.Access) bool {
	return p.access.endsSlice(pid, a, p.ready)
}

// accessSteps is the rule of PCT's Access, apart so that a replayed list
// of switches at PCT's steps (stepList) ends its slices at the very same
// accesses: after each access while another process (not init) is ready,
// but not after an LR unless it is the second in a row.
type accessSteps struct {
	afterLR int // the process whose last shared access was an LR, or 0
}

func (s *accessSteps) endsSlice(pid int, a sched.Access, ready readySet) bool {
	if a.LR && s.afterLR != pid {
		s.afterLR = pid
		return false
	}
	s.afterLR = 0
	return othersReady(ready)
}

// SyscallDone ends the slice after a system call that made a process of
// higher priority ready (fork, a wakeup): under PCT it must run before the
// caller's next shared access, not after it. That slice end is no step of
// its own (forced): the call's entry was the step.
func (p *pct) SyscallDone(int) bool {
	b, ok := p.best()
	p.forced = ok && p.running != 0 && p.higher(b, p.running)
	return p.forced
}

// othersReady reports whether a process other than init is ready.
func othersReady(ready readySet) bool {
	for _, pid := range ready {
		if pid != initPID {
			return true
		}
	}
	return false
}

func (p *pct) Point(pt sched.Point) sched.Decision {
	if (pt.Kind == sched.PointBlock || pt.Kind == sched.PointExit) && pt.PID == p.running {
		p.running = 0
	}
	if p.forced && pt.Kind == sched.PointSliceEnd {
		p.forced = false
		if b, ok := p.best(); ok && p.higher(b, p.running) {
			p.want = b
			return sched.Preempt
		}
		return sched.Continue
	}
	if !isStep(pt, p.ready) {
		return sched.Continue
	}
	p.step++
	if p.running == 0 {
		return sched.Continue
	}
	if p.fair > 0 && p.step >= p.fair {
		// Past the steps PCT is about, strict priorities could starve a
		// lock holder under a spinning process for ever (a livelock no
		// fair scheduler has): run round robin, one step each.
		p.want = p.ready[0]
		return sched.Preempt
	}
	for i, c := range p.change {
		if c == p.step && p.running != initPID {
			p.prio[p.running] = uint64(i + 1)
		}
	}
	if b, _ := p.best(); p.higher(b, p.running) {
		p.want = b
		return sched.Preempt
	}
	return sched.Continue
}

// MaxSlice is the longest time slice the explorer's policies give, in
// cycles (instructions).
const MaxSlice = 4

// sliceSeq gives the lengths of successive time slices: 1 to MaxSlice
// cycles, a fixed pseudo-random function of how many slices came before.
// Slices of one cycle everywhere would let a preemption fall anywhere, but
// the kernel breaks the LR/SC reservation at every interrupt, as Linux
// does, so a spinlock built on lr/sc would never be taken; slices of 1 to
// 4 cycles still put a slice end between any two instructions in some
// schedule. The sequence needs no seed, so a list of switches replays a
// random schedule exactly (the slices are the same), and a shrunk list
// keeps it reproducible.
type sliceSeq struct{ n uint64 }

func (s *sliceSeq) next() uint64 {
	s.n++
	z := s.n * 0x9e3779b97f4a7c15 // splitmix64's finaliser
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	z ^= z >> 31
	return 1 + z%MaxSlice
}

package sched

import (
	"math"
	"math/rand/v2"
)

// A Policy decides who runs and for how long. The kernel keeps the
// mechanism (which processes are runnable, the CPU, the timer) and asks the
// policy at every choice, so that a policy can be swapped without touching
// the kernel: round robin by default, an explorer's own to steer a run
// through the interleavings it wants to try.
//
// Processes are named by pid, so that a policy needs no kernel type and can
// live above the kernel (an explorer) as well as here. Pids are not reused
// within a run.
//
// The ready set. The kernel calls Ready when a process that is not in the
// ready set becomes runnable, and Pick is the only way out of it: a pid
// stays there until Pick returns it. A process can block, stop or die while
// its pid waits in the ready set (a stopped process that is continued, or a
// woken one, keeps its place and Ready is not called again); when Pick
// returns such a pid the kernel skips it and calls Pick again. So a policy
// need not follow deaths and blocks to stay correct, and must not drop a
// pid on its own, or that process would never run again.
//
// The kernel calls the policy on its single thread, in an order that
// depends only on the run: a deterministic policy gives a deterministic
// machine. A policy's randomness must come from a seeded source.
type Policy interface {
	// Ready adds pid to the ready set: it became runnable for the reason
	// why. Calls come in the order the kernel makes processes runnable.
	Ready(pid int, why Why)
	// Pick removes and returns the pid to run next; ok is false when the
	// ready set is empty (the CPU idles until a device event).
	Pick() (pid int, ok bool)
	// Slice returns how many cycles pid may run before the timer ends its
	// time slice (at least 1). The kernel asks when it puts pid on the CPU,
	// and again when a slice ends and the policy lets pid keep the CPU.
	Slice(pid int) uint64
	// Point tells the policy of a scheduling point and returns what the
	// kernel should do with the running process (see Decision).
	Point(p Point) Decision
}

// Why says how a process became runnable.
type Why uint8

const (
	WhyNew       Why = iota // created: booted, spawned or forked
	WhyWoken                // woken from a sleep in a system call
	WhyPreempted            // its time slice ended, or the policy preempted it
	WhyYielded              // it called sched_yield
	WhyContinued            // SIGCONT (or SIGKILL) ended a stop
)

func (w Why) String() string {
	return [...]string{"new", "woken", "preempted", "yielded", "continued"}[w]
}

// PointKind is the kind of a scheduling point.
type PointKind uint8

const (
	// PointSyscall: the running process PID enters system call Sysno,
	// before the call does anything. Preempt switches away at once; the
	// call runs when PID next runs, and is not reported again.
	PointSyscall PointKind = iota
	// PointBlock: the running process PID blocks in system call Sysno and
	// leaves the CPU. The decision is ignored.
	PointBlock
	// PointWake: process PID, asleep in a system call, is woken by process
	// Other (0: by the timer, a device or the kernel itself) and is now in
	// the ready set. Preempt makes the running process, if any, give up the
	// CPU once the kernel is done with the current trap or interrupt (as
	// Linux's need_resched is honoured on the way back to user mode).
	PointWake
	// PointSliceEnd: the timer ended the time slice of the running process
	// PID. Preempt puts it back in the ready set (Ready with WhyPreempted)
	// and runs the next; Continue lets it run a new Slice.
	PointSliceEnd
	// PointYield: the running process PID calls sched_yield. Preempt gives
	// the CPU to the next (Ready with WhyYielded); Continue lets it go on
	// with the rest of its slice.
	PointYield
	// PointExit: process PID died (it is a zombie now). The decision is
	// ignored.
	PointExit
)

func (k PointKind) String() string {
	return [...]string{"syscall", "block", "wake", "slice end", "yield", "exit"}[k]
}

// A Point is one scheduling point, reported to Policy.Point. It holds no
// pointers, so that passing one costs no allocation.
type Point struct {
	Kind  PointKind
	PID   int    // the process the point is about
	Other int    // PointWake: the waker's pid, or 0
	Sysno int    // PointSyscall, PointBlock: the system call's number (Linux riscv64)
	Cycle uint64 // the virtual time of the point
}

// An InterruptObserver is a Policy that also wants to know when the kernel
// has handled a device's interrupt that changed kernel state while no
// process ran: a packet arrived and the network stack took it, or a TCP
// timer fired. It is not a scheduling point (the policy decides nothing
// there); the assertion monitor (package sim) checks its conditions then,
// so that what the network does is seen when it happens.
type InterruptObserver interface {
	Interrupt(cycle uint64, what string)
}

// Decision is a policy's answer at a scheduling point.
type Decision uint8

const (
	Continue Decision = iota // leave the running process on the CPU
	Preempt                  // take the CPU from it (what that means depends on the point's kind)
)

func (d Decision) String() string { return [...]string{"continue", "preempt"}[d] }

// RoundRobin is the default policy: first come, first served, each process
// running for a time slice of Quantum cycles plus a seeded jitter in
// [0, Jitter], which moves the preemption points from one seed to the next.
// It preempts only at the end of a slice or at sched_yield, and then only
// if another process is ready.
type RoundRobin struct {
	quantum uint64
	jitter  uint64
	rand    *rand.Rand    // the jitter's source
	queue   RunQueue[int] // the ready set, in round-robin order
}

// NewRoundRobin returns a round-robin policy with time slices of quantum
// plus a random number of cycles in [0, jitter], drawn from r.
//
// The kernel passes its own PRNG, the one that also gives each process its
// AT_RANDOM bytes: a slice draws from it exactly when the kernel asks for
// one, so the sequence of draws, and with it the run, depends on the seed
// alone.
func NewRoundRobin(quantum, jitter uint64, r *rand.Rand) *RoundRobin {
	return &RoundRobin{quantum: quantum, jitter: jitter, rand: r}
}

// Ready appends pid to the tail of the run queue.
func (rr *RoundRobin) Ready(pid int, _ Why) { rr.queue.Push(pid) }

// Pick takes the pid at the head of the run queue.
func (rr *RoundRobin) Pick() (int, bool) { return rr.queue.Pop() }

// Slice returns the quantum plus a jitter drawn from the seeded PRNG (no
// draw when jitter is 0).
func (rr *RoundRobin) Slice(int) uint64 {
	q := rr.quantum
	if rr.jitter > 0 {
		var j uint64
		if rr.jitter == math.MaxUint64 {
			j = rr.rand.Uint64() // [0, 2^64-1]: jitter+1 would wrap to 0
		} else {
			j = rr.rand.Uint64N(rr.jitter + 1)
		}
		q += min(j, math.MaxUint64-q) // saturate: a slice cannot wrap the clock
	}
	return max(q, 1)
}

// Point preempts at the end of a slice or at sched_yield if someone else
// is waiting for the CPU (a pid the kernel will skip counts, as it always
// has: the kernel then picks the same process again).
func (rr *RoundRobin) Point(p Point) Decision {
	if (p.Kind == PointSliceEnd || p.Kind == PointYield) && rr.queue.Len() > 0 {
		return Preempt
	}
	return Continue
}

// Len returns the number of pids in the ready set.
func (rr *RoundRobin) Len() int { return rr.queue.Len() }

package proc

import (
	"math/bits"
	"slices"

	"ipcsim/abi"
)

// SigAction is a signal's disposition (struct sigaction of rt_sigaction(2)).
type SigAction struct {
	Handler uint64     // SIG_DFL (0), SIG_IGN (1) or the address of a handler
	Flags   uint64     // SA_RESTART, SA_SIGINFO, ...
	Mask    abi.SigSet // signals blocked while the handler runs
}

// SigInfo is what a handler learns about a signal (siginfo_t).
type SigInfo struct {
	Code   int32  // si_code: SI_USER, SI_KERNEL, CLD_EXITED, SEGV_MAPERR, ...
	PID    int    // si_pid: the sender, or the child for SIGCHLD
	UID    int    // si_uid
	Status int32  // si_status: SIGCHLD's exit code or signal
	Addr   uint64 // si_addr: the faulting address of SIGSEGV, SIGBUS, SIGILL
	Value  uint64 // si_value: the sigval of an mq_notify or sigqueue signal
}

// SigActions is what each signal does, indexed by signal number ([0]
// unused): the signal handlers a process's threads share
// (CLONE_SIGHAND; Linux's sighand_struct).
type SigActions [abi.NSIG + 1]SigAction

// Signals is a thread's signal state (signal(7)): what each signal does
// (Actions, shared by the threads of a process), which signals the
// thread blocks, and which are pending for it alone. A process's
// process-directed signals are pending in a Signals of their own
// (Process.Shared).
type Signals struct {
	Actions *SigActions // the process's dispositions, shared by its threads (defaultActions until one changes)
	Mask    abi.SigSet  // blocked signals
	Pending abi.SigSet  // generated, not yet delivered
	// queue holds the pending instances with their siginfo, in the order
	// they were sent: one of each pending standard signal ("only one
	// instance of [a standard] signal is queued", and the first one's
	// info is kept), and of the real-time signals as many as were sent
	// ("Multiple instances of real-time signals can be queued",
	// signal(7)), up to MaxQueued. A list rather than a table of every
	// signal keeps an idle process small: nearly always it is empty.
	queue []queued
}

// queued is one pending instance of a signal.
type queued struct {
	sig  abi.Signal
	info SigInfo
}

// MaxQueued bounds the queued real-time signals of a process (Linux's
// RLIMIT_SIGPENDING, which depends on the machine's memory; ipcsim fixes
// it). Beyond it a signal still becomes pending but no further instance is
// queued, as Linux does for kill(2).
const MaxQueued = 1024

// Add makes sig pending with info.
func (s *Signals) Add(sig abi.Signal, info SigInfo) {
	if sig >= abi.SIGRTMIN && s.queuedRealtime() < MaxQueued || sig < abi.SIGRTMIN && !s.Pending.Has(sig) {
		s.queue = append(s.queue, queued{sig, info})
	}
	s.Pending |= abi.SigSetOf(sig)
}

// standardSignals is the set of the standard signals, 1 to SIGRTMIN-1.
const standardSignals = abi.SigSet(1)<<(abi.SIGRTMIN-1) - 1

// queuedRealtime counts the queued instances of real-time signals: the
// queue holds one instance of each pending standard signal, and the rest
// are real-time.
func (s *Signals) queuedRealtime() int {
	return len(s.queue) - bits.OnesCount64(uint64(s.Pending&standardSignals))
}

// Take removes one pending instance of sig and returns its info; sig stays
// pending while more real-time instances are queued.
func (s *Signals) Take(sig abi.Signal) SigInfo {
	var info SigInfo
	for i, q := range s.queue {
		if q.sig == sig {
			info = q.info
			s.queue = slices.Delete(s.queue, i, i+1)
			break
		}
	}
	more := false // only a real-time signal can have another instance
	for _, q := range s.queue {
		more = more || q.sig == sig
	}
	if !more {
		s.Pending &^= abi.SigSetOf(sig)
	}
	return info
}

// Discard throws away every pending instance of the signals in set.
func (s *Signals) Discard(set abi.SigSet) {
	kept := s.queue[:0]
	for _, q := range s.queue {
		if !set.Has(q.sig) {
			kept = append(kept, q)
		}
	}
	s.queue = kept
	s.Pending &^= set
}

// Ignored reports whether sig is ignored: SIG_IGN, or SIG_DFL with a
// default action of "ignore". SIGCONT at SIG_DFL counts too: continuing
// happens when it is generated, and then Linux drops it
// (SIG_KERNEL_IGNORE_MASK).
func (s *Signals) Ignored(sig abi.Signal) bool {
	h := s.Actions[sig].Handler
	return h == abi.SIG_IGN || h == abi.SIG_DFL && (sig.Default() == abi.ActIgn || sig == abi.SIGCONT)
}

// Deliverable returns the pending signals that are not blocked.
func (s *Signals) Deliverable() abi.SigSet { return s.Pending &^ s.Mask }

// Fork returns the child's signal state: "The child inherits copies of the
// parent's set of open file descriptors ... signal mask and dispositions";
// "the child's set of pending signals is initially empty" - fork(2).
func (s *Signals) Fork() Signals {
	if s.DefaultActions() {
		return Signals{Actions: s.Actions, Mask: s.Mask} // a copy would be the same table
	}
	acts := *s.Actions
	return Signals{Actions: &acts, Mask: s.Mask}
}

// Thread returns the signal state of a new thread of the same process:
// the same dispositions (shared), the creator's mask ("The signal mask
// is inherited", pthread_create(3)), nothing pending.
func (s *Signals) Thread() Signals { return Signals{Actions: s.Actions, Mask: s.Mask} }

// NewSignals returns the state of a process's first thread: every
// disposition SIG_DFL, nothing blocked or pending.
func NewSignals() Signals { return Signals{Actions: &defaultActions} }

// defaultActions is every disposition at SIG_DFL: the table of every
// process that has changed none, shared by them all and never written. A
// process takes a table of its own when it first changes one (the kernel's
// setAction), so that an idle process does not cost the host a table of
// 1.5 KiB (a third of what it cost before; BenchmarkIdleProcessMemory).
var defaultActions SigActions

// DefaultActions reports whether s has the shared table of SIG_DFL
// dispositions (defaultActions), which must not be written: a change of a
// disposition first gives the process, every thread of it, a table of its
// own.
func (s *Signals) DefaultActions() bool { return s.Actions == &defaultActions }

// DefaultActionsIntact reports whether the shared table of SIG_DFL
// dispositions still is all SIG_DFL (the kernel's invariant checks).
func DefaultActionsIntact() bool { return defaultActions == SigActions{} }

// Exec resets handled signals to SIG_DFL, keeping ignored ones, the mask
// and the pending set (execve(2), signal(7)).
func (s *Signals) Exec() {
	if s.DefaultActions() {
		return // nothing is handled
	}
	for i := range s.Actions {
		if s.Actions[i].Handler != abi.SIG_IGN {
			s.Actions[i] = SigAction{}
		}
	}
}

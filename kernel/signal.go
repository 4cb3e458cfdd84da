package kernel

import (
	"fmt"

	"ipcsim/abi"
	"ipcsim/proc"
)

// Signals go to a process or to one of its threads (signal(7): "A
// signal may be process-directed or thread-directed"). A process-directed
// signal is pending for the process (Process.Shared) and is taken by any
// of its threads that does not block it; a thread-directed one is
// pending for that thread alone (Task.Sig).

// sendSignal generates sig for t's process, as kill(2), the terminal, a
// child's death (SIGCHLD), an interval timer or mq_notify do. "A signal
// may be blocked, which means that it will not be delivered until it is
// later unblocked" - signal(7). An unblocked signal whose disposition is
// to ignore it is dropped at once.
func (k *Kernel) sendSignal(t *Task, sig abi.Signal, info proc.SigInfo, why string) {
	k.generate(t, sig, info, why, false)
}

// sendThreadSignal generates sig for thread t alone, as tgkill(2),
// tkill(2), a fault of its own instruction, or a write of its to a
// broken pipe (SIGPIPE) do.
func (k *Kernel) sendThreadSignal(t *Task, sig abi.Signal, info proc.SigInfo, why string) {
	k.generate(t, sig, info, why, true)
}

func (k *Kernel) generate(t *Task, sig abi.Signal, info proc.SigInfo, why string, thread bool) {
	if t.Process.State == proc.Zombie || thread && t.State == proc.Zombie {
		return
	}
	if t.State == proc.Zombie {
		t = t.threads[0] // the first thread has exited: a live one stands for the process
	}
	s := &t.Sig
	blocked := s.Mask.Has(sig)
	if s.Ignored(sig) && !blocked && sig != abi.SIGCONT {
		if k.tracing {
			k.emitSignal(t, sig, info, fmt.Sprintf("%v (%s): ignored", sig, why))
		}
		return
	}
	// "The only signals that can be sent to process ID 1, the init process,
	// are those for which init has explicitly installed signal handlers.
	// This is done to assure the system is not brought down accidentally."
	// - kill(2). (Linux's SIGNAL_UNKILLABLE: even SIGKILL.)
	if t == k.init && s.Actions[sig].Handler == abi.SIG_DFL {
		if k.tracing {
			k.emitSignal(t, sig, info, fmt.Sprintf("%v (%s): init takes no signal it has no handler for", sig, why))
		}
		return
	}
	k.generateSideEffects(t, sig)
	if s.Ignored(sig) && !blocked {
		if k.tracing {
			k.emitSignal(t, sig, info, fmt.Sprintf("%v (%s): ignored", sig, why))
		}
		return
	}
	target := t
	if thread {
		s.Add(sig, info)
	} else {
		t.Shared.Add(sig, info)
		target = signalTarget(t, sig)
		blocked = target == nil
	}
	if k.tracing {
		var other *Task // another thread of t's process takes it
		if !thread && target != nil && target != t {
			other = target
		}
		k.tracePending(t, sig, info, why, blocked, other)
	}
	if !blocked && target.State == proc.Sleeping {
		// "A signal interrupts a sleeping task only if that task does not
		// block the signal": it wakes, and on its way back to user mode
		// meets the signal (deliverSignals decides EINTR or restart).
		why := "" // read only by the trace (fast path: no formatting untraced)
		if k.tracing {
			why = interruptedBy(sig)
		}
		k.wake(target, k.cur, why)
	}
}

// signalTarget picks the thread of t's process that a process-directed
// sig should wake, as Linux's complete_signal does: t itself (the thread
// the signal was sent by pid to, or the first) if it does not block sig,
// else the first thread in creation order that does not; nil if every
// thread blocks it (it stays pending until one unblocks it or takes it
// with sigwait).
func signalTarget(t *Task, sig abi.Signal) *Task {
	wants := func(o *Task) bool {
		return o.State != proc.Zombie && !o.Sig.Mask.Has(sig) && (sig == abi.SIGKILL || o.State != proc.Stopped)
	}
	if wants(t) {
		return t
	}
	for _, o := range t.threads {
		if wants(o) {
			return o
		}
	}
	return nil
}

// deliverable is what t may take now: the signals pending for it or for
// its process, less those it blocks.
func (t *Task) deliverable() abi.SigSet {
	return (t.Sig.Pending | t.Shared.Pending) &^ t.Sig.Mask
}

// pendingSignals is the signals pending for t or its process.
func (t *Task) pendingSignals() abi.SigSet { return t.Sig.Pending | t.Shared.Pending }

// takeSignal takes one pending instance of sig for t: its own first,
// then its process's (dequeue_signal).
func (t *Task) takeSignal(sig abi.Signal) proc.SigInfo {
	if t.Sig.Pending.Has(sig) {
		return t.Sig.Take(sig)
	}
	return t.Shared.Take(sig)
}

// discardSignals drops every pending instance of the signals in set,
// for the process and each of its threads.
func (t *Task) discardSignals(set abi.SigSet) {
	t.Shared.Discard(set)
	for _, o := range t.threads {
		o.Sig.Discard(set)
	}
	t.Sig.Discard(set)
}

// lowestSignal returns the lowest-numbered signal in a non-empty set:
// "Linux ... delivers the lowest-numbered signal first" - signal(7).
func lowestSignal(set abi.SigSet) abi.Signal {
	for s := abi.Signal(1); s <= abi.NSIG; s++ {
		if set.Has(s) {
			return s
		}
	}
	return 0
}

// sigactionSize is struct sigaction as the riscv64 kernel reads it: handler,
// flags, mask; no sa_restorer (riscv64-abi-notes).
const sigactionSize = 24

// setAction sets what sig does in t's process, in the table of
// dispositions its threads share (CLONE_SIGHAND; Linux's sighand_struct).
// A process whose dispositions are all SIG_DFL shares the default table
// with every such process, which is never written: it gets a table of its
// own first, for every thread of it (proc.Signals.DefaultActions).
func setAction(t *Task, sig abi.Signal, act proc.SigAction) {
	if t.Sig.DefaultActions() {
		own := new(proc.SigActions)
		for _, th := range t.threads {
			th.Sig.Actions = own
		}
		t.Sig.Actions = own
	}
	t.Sig.Actions[sig] = act
}

package kernel

import (
	"fmt"

	"ipcsim/abi"
	"ipcsim/proc"
)

// Job control: stopping and continuing processes, and telling their parents
// (signal(7) "Signal dispositions": Stop, Cont; wait(2) WUNTRACED,
// WCONTINUED).

// stop stops t on the default action of a stop signal. A task stopped in
// the middle of a blocking call keeps the call: no handler ran, so after
// SIGCONT it simply tries again ("restarted transparently").
func (k *Kernel) stop(t *Task, sig abi.Signal) {
	t.State = proc.Stopped
	t.interrupted = false
	t.entry.Remove() // a stopped task ignores wakeups; it retries after SIGCONT
	k.dropSleeper(t)
	t.waitStop, t.waitCont = sig, false
	if k.tracing {
		k.emit(t, "signal", fmt.Sprintf("%v delivered: the default action stops the process", sig))
	}
	if k.cur == t {
		k.cur = nil
		k.switchReason = fmt.Sprintf("pid %d stopped", t.PID)
	}
	if parent := k.task(t.Parent); parent != nil {
		k.notifyParentJob(parent, t, abi.CLD_STOPPED, sig)
	}
}

// cont continues a stopped t (SIGCONT's side effect, at generation).
func (k *Kernel) cont(t *Task) {
	if t.State != proc.Stopped {
		return
	}
	t.waitStop, t.waitCont = 0, true
	if k.tracing {
		k.emit(t, "signal", "continued by SIGCONT")
	}
	k.makeRunnable(t)
	if parent := k.task(t.Parent); parent != nil {
		k.notifyParentJob(parent, t, abi.CLD_CONTINUED, abi.SIGCONT)
	}
}

// notifyParentJob sends SIGCHLD for a stop or a continue, unless the parent
// asked not to hear of them: "SA_NOCLDSTOP: If signum is SIGCHLD, do not
// receive notification when child processes stop ... or resume" -
// sigaction(2). wait4 with WUNTRACED or WCONTINUED learns of it either way.
func (k *Kernel) notifyParentJob(parent, t *Task, code int32, sig abi.Signal) {
	if parent.Sig.Actions[abi.SIGCHLD].Flags&abi.SA_NOCLDSTOP == 0 {
		what := "stopped"
		if code == abi.CLD_CONTINUED {
			what = "continued"
		}
		k.sendSignal(parent, abi.SIGCHLD, proc.SigInfo{Code: code, PID: t.PID, UID: t.UID, Status: int32(sig)},
			fmt.Sprintf("child pid %d %s", t.PID, what))
	}
	parent.childExit.Notify(abi.POLLIN)
}

// generateSideEffects applies what generating sig does at once, before
// delivery: "When SIGCONT is generated ... the stopped process is continued,
// even if SIGCONT is blocked or ignored; pending stop signals are
// discarded. When a stop signal is generated, a pending SIGCONT is
// discarded" (POSIX kill; gVisor's applySignalSideEffectsLocked). SIGKILL
// ends a stop at once, so that the process can die.
func (k *Kernel) generateSideEffects(t *Task, sig abi.Signal) {
	switch {
	case sig == abi.SIGCONT:
		t.Sig.Discard(stopSignals)
		k.cont(t)
	case stopSignals.Has(sig):
		t.Sig.Discard(abi.SigSetOf(abi.SIGCONT))
	case sig == abi.SIGKILL && t.State == proc.Stopped:
		k.makeRunnable(t)
	}
}

// stopSignals are the signals whose default action stops.
var stopSignals = abi.SigSetOf(abi.SIGSTOP, abi.SIGTSTP, abi.SIGTTIN, abi.SIGTTOU)

// orphaned reports whether process group pgid is orphaned: no member has a
// parent in a different group of the same session ("a process group in
// which the parent of every member is either itself a member of the group
// or is not a member of the group's session" - POSIX).
func (k *Kernel) orphaned(pgid int) bool {
	for _, t := range k.sortedTasks() {
		if t.PGID != pgid || t.State == proc.Zombie || t.Parent == nil {
			continue
		}
		if p := t.Parent; p.PGID != pgid && p.SID == t.SID {
			return false
		}
	}
	return true
}

package kernel

import (
	"fmt"

	"ipcsim/abi"
	"ipcsim/proc"
	"ipcsim/sched"
)

// Job control: stopping and continuing processes, and telling their parents
// (signal(7) "Signal dispositions": Stop, Cont; wait(2) WUNTRACED,
// WCONTINUED).

// stop stops t's process on the default action of a stop signal: every
// thread of it stops ("a stop signal stops the whole process", the group
// stop of signal(7)). A thread stopped in the middle of a blocking call
// keeps the call: no handler ran, so after SIGCONT it simply tries again
// ("restarted transparently").
func (k *Kernel) stop(t *Task, sig abi.Signal) {
	k.stopped++
	t.stopped = true
	for _, o := range t.threads {
		o.State = proc.Stopped
		o.interrupted = false
		o.entry.Remove() // a stopped thread ignores wakeups; it retries after SIGCONT
		k.dropSleeper(o)
	}
	t.waitStop, t.waitCont = sig, false
	if k.tracing {
		k.emit(t, "signal", fmt.Sprintf("%v delivered: the default action stops the process", sig))
	}
	if parent := k.task(t.Parent); parent != nil {
		k.notifyParentJob(parent, t, abi.CLD_STOPPED, sig)
	}
	if k.cur != nil && k.cur.Process == t.Process {
		k.switchReason = switchWhy{"%s stopped", k.cur, 0}
		k.cur = nil
	}
}

// cont continues t's stopped process (SIGCONT's side effect, at
// generation): every thread runs again.
func (k *Kernel) cont(t *Task) {
	if !t.stopped {
		return
	}
	k.stopped--
	t.stopped = false
	t.waitStop, t.waitCont = 0, true
	if k.tracing {
		k.emit(t, "signal", "continued by SIGCONT")
	}
	k.resumeThreads(t)
	if parent := k.task(t.Parent); parent != nil {
		k.notifyParentJob(parent, t, abi.CLD_CONTINUED, abi.SIGCONT)
	}
}

// resumeThreads makes every stopped thread of t's process runnable.
func (k *Kernel) resumeThreads(t *Task) {
	for _, o := range t.threads {
		if o.State == proc.Stopped {
			k.makeRunnable(o, sched.WhyContinued)
		}
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
		t.discardSignals(stopSignals)
		k.cont(t)
	case stopSignals.Has(sig):
		t.discardSignals(abi.SigSetOf(abi.SIGCONT))
	case sig == abi.SIGKILL && t.stopped:
		k.stopped--
		t.stopped = false
		k.resumeThreads(t)
	}
}

// stopSignals are the signals whose default action stops.
var stopSignals = abi.SigSetOf(abi.SIGSTOP, abi.SIGTSTP, abi.SIGTTIN, abi.SIGTTOU)

// hangUpOrphans handles the groups that t's death orphans: "If the exit
// of the process causes a process group to become orphaned, and if any
// member of the newly orphaned process group is stopped, then a SIGHUP
// signal followed by a SIGCONT signal will be sent to each process in this
// process group" - _exit(2). Without it nobody could ever continue them.
//
// A group is newly orphaned only where t was a link out of it, as Linux's
// kill_orphaned_pgrp decides: the group of each child t leaves (kids, whom
// init has adopted by now) if it is another group of t's session, and t's
// own group if t's parent is in another group of the same session. A
// group that was orphaned before is left as it is, stopped members and
// all: the death of one of its members changes nothing.
func (k *Kernel) hangUpOrphans(t *Task, kids []*proc.Process) {
	if k.stopped == 0 {
		return // no stopped process anywhere: nothing to hang up (the common exit)
	}
	for _, c := range kids {
		if c.PGID != t.PGID && c.SID == t.SID {
			k.hangUp(t, c.PGID, nil)
		}
	}
	if p := t.Parent; p != nil && p.PGID != t.PGID && p.SID == t.SID {
		k.hangUp(t, t.PGID, t.Process)
	}
}

// hangUp sends SIGHUP and SIGCONT to each member of group pgid if it is
// orphaned, leaving out the process ignore (the one exiting), and one of
// its members is stopped. The SIGCONT continues them, so a second call for
// the same group does nothing.
func (k *Kernel) hangUp(t *Task, pgid int, ignore *proc.Process) {
	members := k.group(pgid)
	stopped := false
	for _, m := range members {
		stopped = stopped || m.stopped
	}
	if !stopped || !k.orphanedWithout(pgid, ignore) {
		return
	}
	for _, sig := range [2]abi.Signal{abi.SIGHUP, abi.SIGCONT} {
		for _, m := range members {
			k.sendSignal(m, sig, proc.SigInfo{Code: abi.SI_KERNEL},
				fmt.Sprintf("pid %d's exit orphaned process group %d, which has a stopped member", t.PID, pgid))
		}
	}
}

// orphaned reports whether process group pgid is orphaned: no member has a
// parent in a different group of the same session ("a process group in
// which the parent of every member is either itself a member of the group
// or is not a member of the group's session" - POSIX).
//
// init never counts as such a parent. On Linux init is in a session of its
// own, apart from any terminal's; ipcsim's spawned programs share init's
// session 1 (the terminal's), but an orphan adopted by init must still be
// orphaned, as it would be on Linux.
func (k *Kernel) orphaned(pgid int) bool { return k.orphanedWithout(pgid, nil) }

// orphanedWithout is orphaned, leaving out the process ignore
// (will_become_orphaned_pgrp).
func (k *Kernel) orphanedWithout(pgid int, ignore *proc.Process) bool {
	for _, t := range k.sortedProcs() {
		if t.PGID != pgid || t.Process == ignore || t.Process.State == proc.Zombie || t.Parent == nil || t.Parent.PID == 1 {
			continue
		}
		if p := t.Parent; p.PGID != pgid && p.SID == t.SID {
			return false
		}
	}
	return true
}

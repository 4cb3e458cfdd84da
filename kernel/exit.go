package kernel

import (
	"fmt"
	"slices"

	"ipcsim/abi"
	"ipcsim/proc"
	"ipcsim/sched"
)

// exit ends t's process with the wait status word status
// (exit_group(2), and a death by a signal): every other thread of it
// ends, then the process, by t.
func (k *Kernel) exit(t *Task, status int) {
	if t.State == proc.Zombie {
		return
	}
	if t.multithreaded() {
		t.exiting = true
		for _, o := range slices.Clone(t.threads) {
			if o != t {
				k.endThread(o, "killed: its process is exiting")
			}
		}
	}
	k.exitProcess(t, status)
}

// exitThread ends thread t (exit(2)): "The system call exit() terminates
// only the calling thread, and actions such as reparenting child
// processes or sending SIGCHLD to the parent process are performed only
// if this is the last thread in the thread group" - _exit(2).
func (k *Kernel) exitThread(t *Task, status int) {
	if t.multithreaded() {
		k.endThread(t, fmt.Sprintf("the thread exits with status %d", status>>8&0xff))
		return
	}
	k.exitProcess(t, status)
}

// endThread ends a thread that is not its process's last: its call is
// abandoned, its robust futexes are released, its clear_child_tid word
// is cleared and a waiter there woken (pthread_join), and it leaves the
// scheduler. The first thread stays in the task table as the process's
// stand-in, an exited thread, until the process is reaped.
func (k *Kernel) endThread(t *Task, why string) {
	if t.State == proc.Zombie {
		return
	}
	t.entry.Remove()
	k.dropSleeper(t)
	if t.call != nil {
		k.abandon(t.call)
		t.call = nil
	}
	k.robustRelease(t)
	k.mmRelease(t) // CLONE_CHILD_CLEARTID: the memory is shared
	t.threads = slices.DeleteFunc(t.threads, func(o *Task) bool { return o == t })
	t.State = proc.Zombie
	if t.TID != t.PID {
		delete(k.tasks, t.TID)
	}
	if k.tracing {
		k.emit(t, "exit", fmt.Sprintf("thread exit: %s; %d thread(s) of pid %d remain", why, len(t.threads), t.PID))
	}
	if k.cur == t {
		k.cur = nil
		k.switchReason = switchWhy{"%s exited", t, 0}
	}
	k.policy.Point(sched.Point{Kind: sched.PointExit, PID: t.TID, Cycle: k.Now()})
}

// exitProcess ends the process of t, its last thread, with the wait
// status word status: its descriptors close (which may wake peers), its
// memory is released, its children go to init, and it stays a zombie
// until its parent reaps it.
func (k *Kernel) exitProcess(t *Task, status int) {
	t.entry.Remove()
	k.dropSleeper(t)
	if t.call != nil {
		k.abandon(t.call)
		t.call = nil
	}
	for which := range t.itimers {
		k.setItimer(t, which, itimer{})
	}
	k.semExit(t) // SEM_UNDO adjustments (exit_sem, before exit_files as in do_exit)
	t.Files.CloseAll()
	k.robustRelease(t)
	k.mmRelease(t) // CLONE_CHILD_CLEARTID (exit_mm -> exit_mm_release)
	t.exe = nil    // a zombie has no /proc/PID/exe
	k.mmActor = t
	t.AS.Release() // detaches shared memory: "exit ... detaches all of them" - shmop(2)
	k.mmActor = nil
	t.State = proc.Zombie
	t.Process.State = proc.Zombie
	t.threads = nil
	if t.TID != t.PID {
		// The last thread was not the first: the first, exited earlier,
		// stands for the zombie process.
		delete(k.tasks, t.TID)
	}
	t.Exit = status
	e := Exit{PID: t.PID, Name: t.Name, Status: status, Cycle: k.Now()}
	if k.cfg.MaxExits == 0 || len(k.exits) < k.cfg.MaxExits {
		k.exits = append(k.exits, e)
	} else {
		k.exitsDropped++
	}
	if k.tracing {
		k.emit(t, "exit", fmt.Sprintf("exit: %s (status word %#x), zombie until reaped", e.Describe(), status))
	}
	var kids []*proc.Process
	if k.stopped != 0 { // hangUpOrphans looks at them only then
		for c := t.FirstChild(); c != nil; c = c.NextSibling() {
			kids = append(kids, c)
		}
	}
	k.reparent(t)
	k.hangUpOrphans(t, kids)
	if parent := k.task(t.Parent); parent != nil {
		parent.zombies++
		k.notifyParent(parent, t)
	}
	if k.cur == t {
		k.cur = nil
		k.switchReason = switchWhy{"%s exited", t, 0}
	}
	k.policy.Point(sched.Point{Kind: sched.PointExit, PID: t.TID, Cycle: k.Now()})
}

// notifyParent tells a parent that its child t died: SIGCHLD with the
// child's status in siginfo, and a wakeup for wait4. "POSIX.1-2001 specifies
// that if the disposition of SIGCHLD is set to SIG_IGN or the SA_NOCLDWAIT
// flag is set for SIGCHLD, then children that terminate do not become
// zombies" - wait(2); Linux still sends SIGCHLD under SA_NOCLDWAIT.
func (k *Kernel) notifyParent(parent, t *Task) {
	act := parent.Sig.Actions[abi.SIGCHLD]
	info := proc.SigInfo{Code: abi.CLD_EXITED, PID: t.PID, Status: int32(t.Exit >> 8 & 0xff)}
	if sig := t.Exit & 0x7f; sig != 0 {
		info.Code, info.Status = abi.CLD_KILLED, int32(sig)
		if t.Exit&0x80 != 0 {
			info.Code = abi.CLD_DUMPED
		}
	}
	k.sendSignal(parent, abi.SIGCHLD, info, fmt.Sprintf("child pid %d exited", t.PID))
	if act.Handler == abi.SIG_IGN || act.Flags&abi.SA_NOCLDWAIT != 0 {
		k.reap(parent, t) // no zombie: reaped at once
	}
	parent.childExit.Notify(abi.POLLIN)
}

// reparent hands t's children to init, which reaps the zombies among them
// (the orphans of _exit(2)).
func (k *Kernel) reparent(t *Task) {
	if t.NumChildren() == 0 {
		return
	}
	zombie := t.zombies > 0
	for c := t.FirstChild(); c != nil; c = t.FirstChild() {
		t.RemoveChild(c)
		c.Parent = k.init.Process
		k.init.AddChild(c)
		if k.tracing {
			k.emitEvent(k.task(c), &Event{Kind: "reparent", Other: 1, Text: fmt.Sprintf("orphaned: pid %d exited, init (pid 1) adopts pid %d", t.PID, c.PID)})
		}
	}
	k.init.zombies += t.zombies
	t.zombies = 0
	if zombie {
		k.init.childExit.Notify(abi.POLLIN)
	}
}

// reap frees a zombie child once its parent has collected its status.
func (k *Kernel) reap(parent, child *Task) {
	parent.RemoveChild(child.Process)
	parent.zombies--
	delete(k.tasks, child.PID)
	if k.tracing {
		k.emitEvent(parent, &Event{Kind: "reap", Other: child.PID, Text: fmt.Sprintf("reaps pid %d (%s)", child.PID, child.Name)})
	}
}

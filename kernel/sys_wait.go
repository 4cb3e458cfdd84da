package kernel

import (
	"encoding/binary"
	"fmt"
	"math"

	"ipcsim/abi"
	"ipcsim/proc"
)

func init() {
	register(map[abi.Sysno]sysEntry{
		abi.SysWait4:  {sysWait4, "dxWx", restartSA},
		abi.SysWaitid: {sysWaitid, "ddxWx", restartSA},
	})
}

// A waitEvent is what wait4 or waitid found in a child.
type waitEvent struct {
	child  *Task
	status int   // wait4's status word
	code   int32 // waitid's si_code: CLD_EXITED, CLD_KILLED, CLD_STOPPED, ...
	value  int32 // waitid's si_status: the exit code or the signal
}

// waitWhat says which changes of state a wait reports.
type waitWhat struct {
	exited, stopped, continued bool
	nowait                     bool // WNOWAIT: leave the child waitable
}

// waitFor looks through t's children, oldest first as Linux walks its list,
// for one that match accepts and that has a change of state to report:
// death (the child is reaped, unless nowait), a stop, a continue (each
// reported once). ECHILD if no child matches at all, or only zombies do
// and the wait is not for deaths.
//
// The cost stays linear in the children over a teardown (issue 13): a wait
// for deaths only, with no zombie among the children, answers without
// walking them when any child will do (wait4(-1), waitid(P_ALL)); the walk
// looks a child's Task up only when it has something to report; reaping
// unlinks the child in O(1). A zombie behind many live children still costs
// a walk, as it does in Linux.
func (k *Kernel) waitFor(t *Task, match func(*proc.Process) bool, anyChild bool, what waitWhat) (waitEvent, bool, error) {
	if anyChild && t.zombies == 0 && !what.stopped && !what.continued {
		if t.NumChildren() == 0 {
			return waitEvent{}, false, abi.ECHILD
		}
		return waitEvent{}, false, nil
	}
	matched := false
	for cp := t.FirstChild(); cp != nil; cp = cp.NextSibling() {
		if !match(cp) {
			continue
		}
		if cp.State == proc.Zombie && !what.exited {
			// A zombie has nothing left to report but its death: to a
			// wait for stops or continues only, it is no child at all
			// (wait_task_zombie returns without clearing notask_error),
			// so it alone gives ECHILD, not a wait.
			continue
		}
		matched = true
		if cp.State != proc.Zombie && !what.stopped && !what.continued {
			continue // nothing to report: no need of its Task
		}
		child := k.task(cp)
		switch {
		case cp.State == proc.Zombie && what.exited:
			ev := waitEvent{child: child, status: child.Exit, code: abi.CLD_EXITED, value: int32(child.Exit >> 8 & 0xff)}
			if sig := child.Exit & 0x7f; sig != 0 {
				ev.code, ev.value = abi.CLD_KILLED, int32(sig)
				if child.Exit&0x80 != 0 {
					ev.code = abi.CLD_DUMPED
				}
			}
			if !what.nowait {
				k.reap(t, child)
			}
			return ev, true, nil
		case what.stopped && child.waitStop != 0:
			// "WUNTRACED: also return if a child has stopped" - wait(2).
			ev := waitEvent{child: child, status: int(child.waitStop)<<8 | 0x7f, code: abi.CLD_STOPPED, value: int32(child.waitStop)}
			if !what.nowait {
				child.waitStop = 0
			}
			return ev, true, nil
		case what.continued && child.waitCont:
			// "WCONTINUED: also return if a stopped child has been resumed
			// by delivery of SIGCONT."
			ev := waitEvent{child: child, status: 0xffff, code: abi.CLD_CONTINUED, value: int32(abi.SIGCONT)}
			if !what.nowait {
				child.waitCont = false
			}
			return ev, true, nil
		}
	}
	if !matched {
		return waitEvent{}, false, abi.ECHILD
	}
	return waitEvent{}, false, nil
}

// wait4(2): (pid, wstatus, options, rusage).
func sysWait4(c *call) (int64, error) {
	k, t := c.t.k, c.t
	pid, options := int32(c.a[0]), c.a[2]
	if options&^(abi.WNOHANG|abi.WUNTRACED|abi.WCONTINUED|abi.WNOTHREAD|abi.WCLONE|abi.WALL) != 0 {
		return 0, abi.EINVAL
	}
	if pid == math.MinInt32 {
		return 0, abi.ESRCH // -INT_MIN is not a process group (kernel/exit.c)
	}
	match := func(p *proc.Process) bool { return waitMatches(t, p, pid) }
	ev, found, err := k.waitFor(t, match, pid == -1, waitWhat{exited: true, stopped: options&abi.WUNTRACED != 0, continued: options&abi.WCONTINUED != 0})
	switch {
	case err != nil:
		return 0, err
	case found:
		// The child is already released; Linux copies the status out
		// after the fact and reports only a bad pointer.
		if c.a[1] != 0 {
			var st [4]byte
			binary.LittleEndian.PutUint32(st[:], uint32(ev.status))
			if t.AS.WriteBytes(c.a[1], st[:]) != nil {
				return 0, abi.EFAULT
			}
		}
		if c.a[3] != 0 && t.AS.WriteBytes(c.a[3], rusage(ev.child)) != nil {
			return 0, abi.EFAULT
		}
		return int64(ev.child.PID), nil
	case options&abi.WNOHANG != 0:
		return 0, nil // children exist, none has changed state
	}
	return 0, &blockError{q: &t.childExit, mask: abi.POLLIN, why: func() string { return waitReason(pid) }}
}

// waitid's idtype values (include/uapi/linux/wait.h).
const (
	pAll  = 0
	pPID  = 1
	pPGID = 2
)

// waitid(2): (idtype, id, infop, options, rusage). The child's state comes
// back as a siginfo_t: si_signo SIGCHLD, si_code CLD_*, si_pid, si_uid,
// si_status. With WNOHANG and nothing to report it returns 0 and zeroes
// those fields, as Linux does.
func sysWaitid(c *call) (int64, error) {
	k, t := c.t.k, c.t
	idtype, id, infop, options := int32(c.a[0]), int32(c.a[1]), c.a[2], c.a[3]
	if options&^(abi.WNOHANG|abi.WEXITED|abi.WSTOPPED|abi.WCONTINUED|abi.WNOWAIT|abi.WNOTHREAD|abi.WCLONE|abi.WALL) != 0 ||
		options&(abi.WEXITED|abi.WSTOPPED|abi.WCONTINUED) == 0 {
		return 0, abi.EINVAL
	}
	var match func(p *proc.Process) bool
	switch idtype {
	case pAll:
		match = func(*proc.Process) bool { return true }
	case pPID:
		if id <= 0 {
			return 0, abi.EINVAL
		}
		match = func(p *proc.Process) bool { return p.PID == int(id) }
	case pPGID:
		if id < 0 {
			return 0, abi.EINVAL
		}
		pgid := int(id)
		if pgid == 0 {
			pgid = t.PGID
		}
		match = func(p *proc.Process) bool { return p.PGID == pgid }
	default:
		return 0, abi.EINVAL
	}
	what := waitWhat{exited: options&abi.WEXITED != 0, stopped: options&abi.WSTOPPED != 0,
		continued: options&abi.WCONTINUED != 0, nowait: options&abi.WNOWAIT != 0}
	ev, found, err := k.waitFor(t, match, idtype == pAll, what)
	if err != nil {
		return 0, err
	}
	if !found && options&abi.WNOHANG == 0 {
		return 0, &blockError{q: &t.childExit, mask: abi.POLLIN, why: func() string { return fmt.Sprintf("waitid: no child has changed state") }}
	}
	if infop != 0 {
		var info [siginfoBytes]byte
		if found {
			putSiginfo(info[:], abi.SIGCHLD, proc.SigInfo{Code: ev.code, PID: ev.child.PID, UID: ev.child.UID, Status: ev.value})
		}
		if t.AS.WriteBytes(infop, info[:32]) != nil {
			return 0, abi.EFAULT
		}
	}
	if found && c.a[4] != 0 && t.AS.WriteBytes(c.a[4], rusage(ev.child)) != nil {
		return 0, abi.EFAULT
	}
	return 0, nil
}

// waitMatches applies wait4's pid rule: > 0 that child, -1 any child, 0 a
// child in the caller's process group, < -1 a child in group -pid.
func waitMatches(t *Task, c *proc.Process, pid int32) bool {
	switch {
	case pid > 0:
		return c.PID == int(pid)
	case pid == -1:
		return true
	case pid == 0:
		return c.PGID == t.PGID
	}
	return c.PGID == int(-pid)
}

func waitReason(pid int32) string {
	switch {
	case pid > 0:
		return fmt.Sprintf("pid %d has not exited", pid)
	case pid == -1:
		return "no child has exited"
	}
	return "no child of the group has exited"
}

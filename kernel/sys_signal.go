package kernel

import (
	"fmt"
	"math"

	"ipcsim/abi"
	"ipcsim/proc"
)

func init() {
	register(map[abi.Sysno]sysEntry{
		abi.SysKill:   {sysKill, "dS", noSleep},
		abi.SysTkill:  {sysTkill, "dS", noSleep},
		abi.SysTgkill: {sysTgkill, "ddS", noSleep},
	})
}

// mayKill applies kill(2)'s permission rule: "the real or effective user ID
// of the sending process must equal the real or saved set-user-ID of the
// target process" - or the sender is privileged, or the signal is SIGCONT
// within one session.
func mayKill(from, to *Task, sig abi.Signal) bool {
	switch {
	case from.EUID == 0:
		return true
	case from.UID == to.UID || from.EUID == to.UID:
		return true
	}
	return sig == abi.SIGCONT && from.SID == to.SID
}

// signalTasks sends sig from t to each target it may signal, and returns
// kill(2)'s result: 0 if one signal went out (sig 0: one target was
// allowed), EPERM if every target was refused, ESRCH if there was none.
func (k *Kernel) signalTasks(t *Task, targets []*Task, sig abi.Signal, info proc.SigInfo, why string) (int64, error) {
	if len(targets) == 0 {
		return 0, abi.ESRCH
	}
	// The signal number is checked only once there is a target
	// (check_kill_permission): kill(no such pid, 65) is ESRCH, not EINVAL.
	if sig != 0 && !sig.Valid() {
		return 0, abi.EINVAL
	}
	sent := false
	for _, to := range targets {
		if !mayKill(t, to, sig) {
			continue
		}
		sent = true
		if sig != 0 {
			k.sendSignal(to, sig, info, why)
		}
	}
	if !sent {
		return 0, abi.EPERM
	}
	return 0, nil
}

// kill(2): (pid, sig). "If pid is positive, then signal sig is sent to the
// process with the ID specified by pid. If pid equals 0, then sig is sent to
// every process in the process group of the calling process. If pid equals
// -1, then sig is sent to every process for which the calling process has
// permission to send signals, except for process 1 (init) ... If pid is less
// than -1, then sig is sent to every process in the process group whose ID
// is -pid."
func sysKill(c *call) (int64, error) {
	k, t := c.t.k, c.t
	pid, sig := int32(c.a[0]), abi.Signal(int32(c.a[1]))
	if pid == math.MinInt32 {
		return 0, abi.ESRCH // -INT_MIN is no group (kernel/signal.c)
	}
	var targets []*Task
	switch {
	case pid > 0:
		if to := k.tasks[int(pid)]; to != nil {
			targets = append(targets, to)
		}
	case pid == -1:
		for _, to := range k.sortedTasks() {
			if to != k.init && to != t {
				targets = append(targets, to)
			}
		}
	default:
		pgid := t.PGID
		if pid < -1 {
			pgid = int(-pid)
		}
		targets = k.group(pgid)
	}
	info := proc.SigInfo{Code: abi.SI_USER, PID: t.PID, UID: t.UID}
	return k.signalTasks(t, targets, sig, info, fmt.Sprintf("kill from pid %d", t.PID))
}

// group returns the members of process group pgid, by pid. A zombie is
// still a member until it is reaped: kill on it succeeds and does nothing.
func (k *Kernel) group(pgid int) []*Task {
	var out []*Task
	for _, to := range k.sortedTasks() {
		if to.PGID == pgid {
			out = append(out, to)
		}
	}
	return out
}

// tkill(2): (tid, sig). One thread per process: the tid is the pid.
func sysTkill(c *call) (int64, error) {
	return c.t.k.killThread(c.t, -1, int32(c.a[0]), abi.Signal(int32(c.a[1])))
}

// tgkill(2): (tgid, tid, sig).
func sysTgkill(c *call) (int64, error) {
	tgid := int32(c.a[0])
	if tgid <= 0 {
		return 0, abi.EINVAL
	}
	return c.t.k.killThread(c.t, tgid, int32(c.a[1]), abi.Signal(int32(c.a[2])))
}

// killThread sends sig to thread tid (of group tgid, or any if -1), with
// si_code SI_TKILL.
func (k *Kernel) killThread(t *Task, tgid, tid int32, sig abi.Signal) (int64, error) {
	if tid <= 0 {
		return 0, abi.EINVAL
	}
	to := k.tasks[int(tid)]
	if to == nil || tgid != -1 && to.PID != int(tgid) {
		return 0, abi.ESRCH
	}
	info := proc.SigInfo{Code: abi.SI_TKILL, PID: t.PID, UID: t.UID}
	return k.signalTasks(t, []*Task{to}, sig, info, fmt.Sprintf("tkill from pid %d", t.PID))
}

package kernel

import (
	"encoding/binary"
	"fmt"
	"math"
	"strconv"

	"ipcsim/abi"
	"ipcsim/proc"
)

func init() {
	register(map[abi.Sysno]sysEntry{
		abi.SysRtSigprocmask: {sysRtSigprocmask, "Hxxu", noSleep},
		abi.SysRtSigpending:  {sysRtSigpending, "xu", noSleep},
		abi.SysRtSigaction:   {sysRtSigaction, "S{}u", noSleep},
		abi.SysRtSigreturn:   {sysRtSigreturn, "", noSleep},
		abi.SysKill:          {sysKill, "dS", noSleep},
		abi.SysTkill:         {sysTkill, "dS", noSleep},
		abi.SysTgkill:        {sysTgkill, "ddS", noSleep},

		abi.SysRtSigqueueinfo:   {sysRtSigqueueinfo, "dSx", noSleep},
		abi.SysRtTgsigqueueinfo: {sysRtTgsigqueueinfo, "ddSx", noSleep},
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
	case from.UID == to.UID || from.EUID == to.UID || from.UID == to.SUID || from.EUID == to.SUID:
		return true
	}
	return sig == abi.SIGCONT && from.SID == to.SID
}

// signalTasks sends sig from t to each target it may signal, and returns
// kill(2)'s result: 0 if one signal went out (sig 0: one target was
// allowed), EPERM if every target was refused, ESRCH if there was none.
func (k *Kernel) signalTasks(t *Task, targets []*Task, sig abi.Signal, info proc.SigInfo, why string) (int64, error) {
	return k.signalTargets(t, targets, sig, info, why, false)
}

// signalTargets is signalTasks for process-directed signals (thread
// false: kill) or thread-directed ones (tkill, tgkill).
func (k *Kernel) signalTargets(t *Task, targets []*Task, sig abi.Signal, info proc.SigInfo, why string, thread bool) (int64, error) {
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
		switch {
		case sig == 0:
		case thread:
			k.sendThreadSignal(to, sig, info, why)
		default:
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
	var one [1]*Task // a single target needs no slice of its own (fast path)
	targets := one[:0]
	switch {
	case pid > 0:
		if to := k.tasks[int(pid)]; to != nil {
			targets = append(targets, to)
		}
	case pid == -1:
		for _, to := range k.sortedProcs() {
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
	return k.signalTasks(t, targets, sig, info, k.traceWhy("kill from pid ", t.PID))
}

// traceWhy is what, followed by the number n: the reason a signal was
// sent, which only the trace reads, so "" when tracing is off (fast path:
// no formatting per kill). The string is textOf's: a signal ping-pong
// sends the same few reasons again and again, and making each anew was
// an allocation a kill (a tenth of the traced run's time).
func (k *Kernel) traceWhy(what string, n int) string {
	if !k.tracing {
		return ""
	}
	var b [48]byte
	return k.textOf(strconv.AppendInt(append(b[:0], what...), int64(n), 10))
}

// group returns the members of process group pgid, by pid. A zombie is
// still a member until it is reaped: kill on it succeeds and does nothing.
func (k *Kernel) group(pgid int) []*Task {
	var out []*Task
	for _, to := range k.sortedProcs() {
		if to.PGID == pgid {
			out = append(out, to)
		}
	}
	return out
}

// tkill(2): (tid, sig): a signal for one thread.
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
	info := proc.SigInfo{Code: abi.SI_TKILL, PID: t.PID, UID: t.UID}
	why := "" // read only by the trace (fast path: no formatting untraced)
	if k.tracing {
		why = fmt.Sprintf("tkill from %s", t.who())
	}
	return k.signalThread(t, tgid, tid, sig, info, why)
}

// signalThread sends sig with info to thread tid (of group tgid, or any if
// -1): ESRCH if there is no such thread.
func (k *Kernel) signalThread(t *Task, tgid, tid int32, sig abi.Signal, info proc.SigInfo, why string) (int64, error) {
	to := k.tasks[int(tid)]
	if to == nil || tgid != -1 && to.PID != int(tgid) {
		return 0, abi.ESRCH
	}
	return k.signalTargets(t, []*Task{to}, sig, info, why, true)
}

// rt_sigqueueinfo(2): (tgid, sig, info): a signal for a process with the
// caller's own siginfo, as sigqueue(3) sends one (si_code SI_QUEUE, its
// si_pid, si_uid and si_value); the kernel sets only si_signo.
func sysRtSigqueueinfo(c *call) (int64, error) {
	pid, sig := int32(c.a[0]), abi.Signal(int32(c.a[1]))
	info, err := c.queuedSiginfo(c.a[2], pid)
	if err != nil {
		return 0, err
	}
	var one [1]*Task
	targets := one[:0]
	if to := c.t.k.tasks[int(pid)]; pid > 0 && to != nil { // as kill(2): any thread names its process
		targets = append(targets, to)
	}
	return c.t.k.signalTasks(c.t, targets, sig, info, c.t.k.traceWhy("sigqueue from pid ", c.t.PID))
}

// rt_tgsigqueueinfo(2): (tgid, tid, sig, info): the same for one thread.
func sysRtTgsigqueueinfo(c *call) (int64, error) {
	tgid, tid, sig := int32(c.a[0]), int32(c.a[1]), abi.Signal(int32(c.a[2]))
	if tgid <= 0 || tid <= 0 {
		return 0, abi.EINVAL
	}
	info, err := c.queuedSiginfo(c.a[3], tid)
	if err != nil {
		return 0, err
	}
	return c.t.k.signalThread(c.t, tgid, tid, sig, info, c.t.k.traceWhy("sigqueue from pid ", c.t.PID))
}

// queuedSiginfo reads the siginfo a process queues a signal with. "Not
// even root can pretend to send signals from the kernel. Nor can they
// impersonate a kill()/tgkill()": a code of 0 or more, or SI_TKILL, is
// EPERM unless the caller sends to itself (do_rt_sigqueueinfo compares
// the target with its own thread id).
func (c *call) queuedSiginfo(va uint64, target int32) (proc.SigInfo, error) {
	var b [siginfoBytes]byte
	if c.t.AS.ReadBytes(va, b[:]) != nil {
		return proc.SigInfo{}, abi.EFAULT
	}
	le := binary.LittleEndian
	info := proc.SigInfo{Code: int32(le.Uint32(b[8:])), PID: int(int32(le.Uint32(b[16:]))),
		UID: int(le.Uint32(b[20:])), Value: le.Uint64(b[24:])}
	if (info.Code >= 0 || info.Code == abi.SI_TKILL) && int(target) != c.t.TID {
		return proc.SigInfo{}, abi.EPERM
	}
	return info, nil
}

// rt_sigaction(2): (signum, act, oldact, sigsetsize).
func sysRtSigaction(c *call) (int64, error) {
	t := c.t
	sig := abi.Signal(int32(c.a[0]))
	if c.a[3] != 8 || !sig.Valid() {
		return 0, abi.EINVAL
	}
	// "EINVAL: An attempt was made to change the action for SIGKILL or
	// SIGSTOP, which cannot be caught or ignored." - sigaction(2)
	if c.a[1] != 0 && abi.Unblockable.Has(sig) {
		return 0, abi.EINVAL
	}
	old := t.Sig.Actions[sig]
	if c.a[1] != 0 && c.a[1] == c.a[2] {
		c.traceEntry() // act is about to be overwritten with the old action
	}
	if c.a[1] != 0 {
		var b [sigactionSize]byte
		if t.AS.ReadBytes(c.a[1], b[:]) != nil {
			return 0, abi.EFAULT
		}
		act := proc.SigAction{
			Handler: binary.LittleEndian.Uint64(b[0:]),
			Flags:   binary.LittleEndian.Uint64(b[8:]),
			Mask:    abi.SigSet(binary.LittleEndian.Uint64(b[16:])) &^ abi.Unblockable,
		}
		setAction(t, sig, act)
		// POSIX: "Setting a signal action to SIG_IGN for a signal that is
		// pending shall cause the pending signal to be discarded, whether
		// or not it is blocked" (and likewise SIG_DFL for a signal whose
		// default is to ignore it).
		if t.Sig.Ignored(sig) {
			t.discardSignals(abi.SigSetOf(sig))
		}
	}
	if c.a[2] != 0 {
		var b [sigactionSize]byte
		binary.LittleEndian.PutUint64(b[0:], old.Handler)
		binary.LittleEndian.PutUint64(b[8:], old.Flags)
		binary.LittleEndian.PutUint64(b[16:], uint64(old.Mask))
		if t.AS.WriteBytes(c.a[2], b[:]) != nil {
			return 0, abi.EFAULT
		}
	}
	return 0, nil
}

// rt_sigprocmask(2): (how, set, oldset, sigsetsize).
func sysRtSigprocmask(c *call) (int64, error) {
	t := c.t
	if c.a[3] != 8 {
		return 0, abi.EINVAL
	}
	old := t.Sig.Mask
	if c.a[1] != 0 {
		var b [8]byte
		if t.AS.ReadBytes(c.a[1], b[:]) != nil {
			return 0, abi.EFAULT
		}
		// "It is not possible to block SIGKILL or SIGSTOP. Attempts to do
		// so are silently ignored." - sigprocmask(2)
		set := abi.SigSet(binary.LittleEndian.Uint64(b[:])) &^ abi.Unblockable
		switch int32(c.a[0]) {
		case abi.SIG_BLOCK:
			t.Sig.Mask |= set
		case abi.SIG_UNBLOCK:
			t.Sig.Mask &^= set
		case abi.SIG_SETMASK:
			t.Sig.Mask = set
		default:
			return 0, abi.EINVAL
		}
	}
	if c.a[2] != 0 {
		var b [8]byte
		binary.LittleEndian.PutUint64(b[:], uint64(old))
		if t.AS.WriteBytes(c.a[2], b[:]) != nil {
			return 0, abi.EFAULT
		}
	}
	// A signal this call unblocked is delivered before it returns to user
	// mode (deliverSignals runs on the way back).
	return 0, nil
}

// rt_sigpending(2): (set, sigsetsize). "returns the set of signals that are
// pending for delivery to the calling thread (i.e., the signals which have
// been raised while blocked)".
func sysRtSigpending(c *call) (int64, error) {
	if c.a[1] > 8 {
		return 0, abi.EINVAL
	}
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], uint64(c.t.pendingSignals()&c.t.Sig.Mask))
	if c.t.AS.WriteBytes(c.a[0], b[:c.a[1]]) != nil {
		return 0, abi.EFAULT
	}
	return 0, nil
}

// rt_sigreturn(2): restore the registers and mask that the frame at sp
// saved. A frame that cannot be read kills the process with SIGSEGV, as
// Linux's badframe path does.
func sysRtSigreturn(c *call) (int64, error) {
	t, k := c.t, c.t.k
	sp := t.Regs.X[2]
	var f [frameSize]byte
	if t.AS.ReadBytes(sp, f[:]) != nil {
		if k.tracing {
			k.emit(t, "signal", fmt.Sprintf("rt_sigreturn: no frame at sp %#x: SIGSEGV kills", sp))
		}
		k.exit(t, proc.KilledStatus(abi.SIGSEGV, false))
		return 0, errNoReturn
	}
	t.Regs.PC = binary.LittleEndian.Uint64(f[ucMcontext:])
	for i := 1; i < 32; i++ {
		t.Regs.X[i] = binary.LittleEndian.Uint64(f[ucMcontext+8*i:])
	}
	// restore_fp_state: f0..f31 and fcsr (of which the hart keeps frm and
	// fflags; the bits above read as zero).
	for i := range 32 {
		t.Regs.F[i] = binary.LittleEndian.Uint64(f[mcFP+8*i:])
	}
	t.Regs.FCSR = binary.LittleEndian.Uint32(f[mcFCSR:]) & 0xff
	t.Regs.FP = true // the frame's values, which the CPU gets at the next run
	t.Sig.Mask = abi.SigSet(binary.LittleEndian.Uint64(f[ucSigmask:])) &^ abi.Unblockable
	// restore_altstack: the alternate stack the frame saved, set again
	// from the restored sp; a refusal (EPERM, EINVAL, ENOMEM) is ignored.
	_ = t.setAltStack(altStack{sp: binary.LittleEndian.Uint64(f[ucStack:]),
		flags: binary.LittleEndian.Uint32(f[ucStack+8:]), size: binary.LittleEndian.Uint64(f[ucStack+16:])}, t.Regs.X[2])
	if k.tracing {
		k.traceSigreturn(t, t.Regs.PC, t.Sig.Mask)
	}
	return 0, errNoReturn
}

package kernel

import (
	"encoding/binary"
	"fmt"

	"ipcsim/abi"
	"ipcsim/proc"
)

// sendSignal generates sig for t, as the kernel itself does (SIGPIPE,
// SIGCHLD, a fault). "A signal may be blocked, which means that it will not
// be delivered until it is later unblocked" - signal(7). An unblocked signal
// whose disposition is to ignore it is dropped at once.
func (k *Kernel) sendSignal(t *Task, sig abi.Signal, info proc.SigInfo, why string) {
	if t.State == proc.Zombie {
		return
	}
	s := &t.Sig
	blocked := s.Mask.Has(sig)
	if s.Ignored(sig) && !blocked && sig != abi.SIGCONT {
		if k.tracing {
			k.emit(t, "signal", fmt.Sprintf("%v (%s): ignored", sig, why))
		}
		return
	}
	// "The only signals that can be sent to process ID 1, the init process,
	// are those for which init has explicitly installed signal handlers.
	// This is done to assure the system is not brought down accidentally."
	// - kill(2). (Linux's SIGNAL_UNKILLABLE: even SIGKILL.)
	if t == k.init && s.Actions[sig].Handler == abi.SIG_DFL {
		if k.tracing {
			k.emit(t, "signal", fmt.Sprintf("%v (%s): init takes no signal it has no handler for", sig, why))
		}
		return
	}
	k.generateSideEffects(t, sig)
	if s.Ignored(sig) && !blocked {
		if k.tracing {
			k.emit(t, "signal", fmt.Sprintf("%v (%s): ignored", sig, why))
		}
		return
	}
	s.Add(sig, info)
	if k.tracing {
		state := "pending"
		if blocked {
			state = "pending, blocked"
		}
		k.emit(t, "signal", fmt.Sprintf("%v (%s): %s", sig, why, state))
	}
	if !blocked && t.State == proc.Sleeping {
		// "A signal interrupts a sleeping task only if that task does not
		// block the signal": it wakes, and on its way back to user mode
		// meets the signal (deliverSignals decides EINTR or restart).
		k.wake(t, k.cur, fmt.Sprintf("interrupted by %v", sig))
	}
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
		t.Sig.Actions[sig] = act
		// POSIX: "Setting a signal action to SIG_IGN for a signal that is
		// pending shall cause the pending signal to be discarded, whether
		// or not it is blocked" (and likewise SIG_DFL for a signal whose
		// default is to ignore it).
		if t.Sig.Ignored(sig) {
			t.Sig.Discard(abi.SigSetOf(sig))
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
	binary.LittleEndian.PutUint64(b[:], uint64(c.t.Sig.Pending&c.t.Sig.Mask))
	if c.t.AS.WriteBytes(c.a[0], b[:c.a[1]]) != nil {
		return 0, abi.EFAULT
	}
	return 0, nil
}

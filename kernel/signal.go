package kernel

import (
	"encoding/binary"
	"fmt"

	"ipcsim/abi"
	"ipcsim/proc"
)

// sendSignal generates sig for t, as kill(2) or the kernel itself (SIGPIPE)
// does. "A signal may be blocked, which means that it will not be delivered
// until it is later unblocked" - signal(7). An unblocked signal whose
// disposition is to ignore it is dropped at once.
func (k *Kernel) sendSignal(t *Task, sig abi.Signal, why string) {
	if t.State == proc.Zombie {
		return
	}
	s := &t.Sig
	blocked := s.Mask.Has(sig)
	if s.Ignored(sig) && !blocked {
		if k.tracing {
			k.emit(t, "signal", fmt.Sprintf("%v (%s): ignored", sig, why))
		}
		return
	}
	s.Pending |= abi.SigSetOf(sig)
	if k.tracing {
		state := "pending"
		if blocked {
			state = "pending, blocked"
		}
		k.emit(t, "signal", fmt.Sprintf("%v (%s): %s", sig, why, state))
	}
	if !blocked && t.State == proc.Sleeping {
		// A deliverable signal ends the sleep; the task meets it on its way
		// back to user mode.
		k.deliverSignals(t)
	}
}

// deliverSignals acts on t's deliverable pending signals, lowest number
// first, on the way back to user mode. It reports whether t survives.
//
// Only default dispositions exist until rt_sigaction is implemented (the
// signals issue): the signals that can be generated now (SIGPIPE) terminate.
func (k *Kernel) deliverSignals(t *Task) bool {
	for {
		ready := t.Sig.Deliverable()
		if ready == 0 {
			return true
		}
		sig := lowestSignal(ready)
		t.Sig.Pending &^= abi.SigSetOf(sig)
		switch sig.Default() {
		case abi.ActIgn, abi.ActCont:
			continue
		case abi.ActStop:
			// Stopping needs job control (the signals issue); nothing can
			// generate a stop signal before it exists.
			panic(fmt.Sprintf("kernel: stop signal %v generated before job control exists", sig))
		}
		if k.tracing {
			k.emit(t, "signal", fmt.Sprintf("%v delivered: default action kills", sig))
		}
		k.exit(t, proc.KilledStatus(sig, false))
		return false
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

package kernel

import (
	"encoding/binary"

	"ipcsim/abi"
)

func init() {
	register(map[abi.Sysno]sysEntry{
		abi.SysRtSigsuspend:   {sysRtSigsuspend, "xu", restartNever},
		abi.SysRtSigtimedwait: {sysRtSigtimedwait, "xxTu", restartNever},
	})
}

// readSigset reads a sigset of the given size (it must be 8 on riscv64).
func readSigset(c *call, va, size uint64) (abi.SigSet, error) {
	if size != 8 {
		return 0, abi.EINVAL
	}
	var b [8]byte
	if c.t.AS.ReadBytes(va, b[:]) != nil {
		return 0, abi.EFAULT
	}
	return abi.SigSet(binary.LittleEndian.Uint64(b[:])), nil
}

// rt_sigsuspend(2): (mask, sigsetsize). "temporarily replaces the signal
// mask of the calling thread with the mask given by mask and then suspends
// the thread until delivery of a signal whose action is to invoke a signal
// handler or to terminate a process." It always fails with EINTR, after the
// handler; the handler's frame saves the mask from before the call.
func sysRtSigsuspend(c *call) (int64, error) {
	t := c.t
	if !c.started {
		mask, err := readSigset(c, c.a[0], c.a[1])
		if err != nil {
			return 0, err
		}
		c.oldMask, c.setMask = t.Sig.Mask, true
		t.Sig.Mask = mask &^ abi.Unblockable
		c.started = true
	}
	return 0, sigsuspendBlock
}

// sigsuspendBlock is every rt_sigsuspend's sleep: on nothing, with a fixed
// reason, so one value serves every call (fast path: no allocation).
var sigsuspendBlock = &blockError{reason: "waiting for a signal (rt_sigsuspend)"}

// rt_sigtimedwait(2): (set, info, timeout, sigsetsize). It takes a pending
// signal of set without running its handler: "sigwaitinfo() suspends
// execution of the calling thread until one of the signals in set is
// pending". While it waits the signals of set are unblocked, so that their
// arrival wakes it (Linux's real_blocked), and the mask comes back after.
func sysRtSigtimedwait(c *call) (int64, error) {
	t := c.t
	if !c.started {
		set, err := readSigset(c, c.a[0], c.a[3])
		if err != nil {
			return 0, err
		}
		c.oldMask = t.Sig.Mask // remember the caller's mask and set
		c.waitSet = set &^ abi.Unblockable
		if err := c.readTimeout(c.a[2], timeoutRelative); err != nil {
			return 0, err
		}
		c.started = true
	}
	if ready := t.pendingSignals() & c.waitSet; ready != 0 {
		sig := lowestSignal(ready)
		si := t.takeSignal(sig)
		if c.a[1] != 0 {
			var info [siginfoBytes]byte
			putSiginfo(info[:], sig, si)
			if t.AS.WriteBytes(c.a[1], info[:]) != nil {
				return 0, abi.EFAULT
			}
		}
		return int64(sig), nil
	}
	if c.expired() {
		return 0, abi.EAGAIN // "EAGAIN: No signal in set was delivered within the timeout"
	}
	if !c.setMask {
		c.setMask = true
		t.Sig.Mask = c.oldMask &^ c.waitSet
	}
	return 0, c.sigWait() // the task's reused sleep (waits.go)
}

package kernel

import (
	"encoding/binary"
	"fmt"

	"ipcsim/abi"
)

func init() {
	register(map[abi.Sysno]sysEntry{
		abi.SysSigaltstack: {sysSigaltstack, "xx", noSleep},
	})
}

// The flags of a stack_t (include/uapi/linux/signal.h) and the least size
// of an alternate stack on riscv64 (MINSIGSTKSZ).
const (
	ssOnstack    = 1
	ssDisable    = 2 // no alternate signal stack
	ssAutodisarm = 1 << 31
	minSigStkSz  = 2048
)

// An altStack is a thread's alternate signal stack, as sigaltstack(2)
// sets it (Linux's sas_ss_sp, sas_ss_size, sas_ss_flags): a handler
// installed with SA_ONSTACK runs on it. Every task starts, and a thread
// and an execve start again, with none (flags SS_DISABLE); fork copies it.
type altStack struct {
	sp, size uint64
	flags    uint32 // as set: 0 or SS_DISABLE, with SS_AUTODISARM
}

// noAltStack is a task's state before any sigaltstack.
var noAltStack = altStack{flags: ssDisable}

// String describes the stack for inspect: "0x3fffff0000, 16384 bytes",
// with ", SS_AUTODISARM" if set; empty without one.
func (a altStack) String() string {
	if a.size == 0 {
		return ""
	}
	s := fmt.Sprintf("%#x, %d bytes", a.sp, a.size)
	if a.flags&ssAutodisarm != 0 {
		s += ", SS_AUTODISARM"
	}
	return s
}

// on reports whether sp is on the alternate stack (on_sig_stack): never
// with SS_AUTODISARM, whose stack is forgotten while a handler runs on it.
func (a altStack) on(sp uint64) bool {
	return a.flags&ssAutodisarm == 0 && sp > a.sp && sp-a.sp <= a.size
}

// state is what sigaltstack reports in ss_flags (sas_ss_flags): SS_DISABLE
// without a stack, SS_ONSTACK while sp is on it, else 0.
func (a altStack) state(sp uint64) uint32 {
	switch {
	case a.size == 0:
		return ssDisable
	case a.on(sp):
		return ssOnstack
	}
	return 0
}

// sigaltstack(2): (ss, old_ss), each a stack_t {ss_sp, ss_flags, ss_size}.
// As do_sigaltstack: ss is read first (EFAULT); old_ss takes the stack as
// it was, its ss_flags SS_ONSTACK while the caller runs on it ("EPERM: An
// attempt was made to change the alternate signal stack while it was
// active"), SS_DISABLE without one; a mode but 0, SS_ONSTACK (taken as 0)
// or SS_DISABLE is EINVAL; "ENOMEM: The specified size of the new
// alternate signal stack ss.ss_size was less than MINSIGSTKSZ". old_ss is
// written only if the call succeeds.
func sysSigaltstack(c *call) (int64, error) {
	t := c.t
	sp := t.Regs.X[2]
	var nw *altStack
	if c.a[0] != 0 {
		var b [24]byte
		if t.AS.ReadBytes(c.a[0], b[:]) != nil {
			return 0, abi.EFAULT
		}
		nw = &altStack{sp: binary.LittleEndian.Uint64(b[0:]), flags: binary.LittleEndian.Uint32(b[8:]), size: binary.LittleEndian.Uint64(b[16:])}
	}
	old := t.altStack
	if nw != nil {
		if err := t.setAltStack(*nw, sp); err != nil {
			return 0, err
		}
	}
	if c.a[1] != 0 {
		var b [24]byte
		binary.LittleEndian.PutUint64(b[0:], old.sp)
		binary.LittleEndian.PutUint32(b[8:], old.state(sp)|old.flags&ssAutodisarm)
		binary.LittleEndian.PutUint64(b[16:], old.size)
		if t.AS.WriteBytes(c.a[1], b[:]) != nil {
			return 0, abi.EFAULT
		}
	}
	return 0, nil
}

// setAltStack is do_sigaltstack's change of the stack, for sigaltstack(2)
// and for rt_sigreturn, which sets again the stack its frame saved.
func (t *Task) setAltStack(nw altStack, sp uint64) error {
	if t.altStack.on(sp) {
		return abi.EPERM
	}
	mode := nw.flags &^ ssAutodisarm
	if mode != ssDisable && mode != ssOnstack && mode != 0 {
		return abi.EINVAL
	}
	if mode == ssDisable {
		nw.sp, nw.size = 0, 0
	} else if nw.size < minSigStkSz {
		return abi.ENOMEM
	}
	t.altStack = nw
	return nil
}

package kernel

import (
	"encoding/binary"
	"fmt"

	"ipcsim/abi"
	"ipcsim/proc"
)

// Signal delivery, as arch/riscv/kernel/signal.c does it: on the way back
// to user mode, the lowest deliverable signal either takes its default
// action or runs its handler. For a handler the kernel pushes a struct
// rt_sigframe on the user stack (the siginfo, and a ucontext holding every
// register and the old mask), points ra at the sigreturn trampoline of the
// [vdso] page, and enters the handler with a0 = signal, a1 = &siginfo,
// a2 = &ucontext. When the handler returns, the trampoline calls
// rt_sigreturn, which restores what the frame saved.

// The layout of struct rt_sigframe on riscv64 (arch/riscv/kernel/signal.c,
// include/uapi/asm-generic/siginfo.h, arch/riscv/include/uapi/asm/ucontext.h).
const (
	frameInfo    = 0             // struct siginfo, 128 bytes
	frameUC      = 128           // struct ucontext
	ucStack      = frameUC + 16  // uc_stack: ss_sp, ss_flags, ss_size
	ucSigmask    = frameUC + 40  // uc_sigmask, 8 bytes (then 120 bytes for growth)
	ucMcontext   = frameUC + 176 // uc_mcontext, 16-aligned: sc_regs then the FP state
	frameSize    = ucMcontext + 32*8 + 528
	siginfoBytes = 128
)

// The FP state in uc_mcontext (sc_fpregs, a 528-byte union): with D, the
// struct __riscv_d_ext_state, f0..f31 (8 bytes each) then fcsr (4 bytes).
const (
	mcFP   = ucMcontext + 32*8
	mcFCSR = mcFP + 32*8
)

// deliverSignals acts on t's deliverable signals on its way back to user
// mode, lowest number first; several handlers stack their frames, the first
// signal's handler running last, as on Linux. It reports whether t survives.
func (k *Kernel) deliverSignals(t *Task) bool {
	// A call left pending for these signals is retried unless a handler
	// interrupts it: with no handler (the signal is ignored or continues
	// the process), Linux restarts the call transparently.
	t.interrupted = false
	for {
		ready := t.deliverable()
		if ready == 0 {
			return true
		}
		sig := lowestSignal(ready)
		info := t.takeSignal(sig)
		act := t.Sig.Actions[sig]
		if act.Handler == abi.SIG_IGN {
			continue
		}
		if act.Handler == abi.SIG_DFL {
			switch sig.Default() {
			case abi.ActIgn, abi.ActCont:
				continue
			case abi.ActStop:
				// "POSIX: if the process group is orphaned, stop signals
				// from the terminal (SIGTSTP, SIGTTIN, SIGTTOU) are
				// discarded" (the group has nobody to continue it).
				if sig != abi.SIGSTOP && k.orphaned(t.PGID) {
					continue
				}
				k.stop(t, sig)
				return false
			}
			if k.tracing {
				k.emit(t, "signal", fmt.Sprintf("%v delivered: the default action terminates the process", sig))
			}
			k.exit(t, proc.KilledStatus(sig, false))
			return false
		}
		saved := t.Sig.Mask
		if t.call != nil {
			saved = k.interruptCall(t, sig, act)
		}
		if !k.pushFrame(t, sig, info, act, saved) {
			// "If the kernel cannot set up the frame ... the process is
			// killed with SIGSEGV" (force_sigsegv).
			if k.tracing {
				k.emit(t, "signal", fmt.Sprintf("cannot push the frame for %v: the stack is bad; SIGSEGV kills", sig))
			}
			k.exit(t, proc.KilledStatus(abi.SIGSEGV, false))
			return false
		}
	}
}

// interruptCall ends the blocked call of t because a handler of sig is
// about to run: the call returns what it moved so far, or is restarted, or
// fails with EINTR, as signal(7) "Interruption of system calls and library
// functions by signal handlers" lays down. It returns the mask the
// handler's frame must save: the one from before a call that set a
// temporary mask (rt_sigsuspend, ppoll, pselect6), as Linux's
// sigmask_to_save does.
func (k *Kernel) interruptCall(t *Task, sig abi.Signal, act proc.SigAction) abi.SigSet {
	c := t.call
	t.call = nil
	t.interrupted = false
	saved := t.Sig.Mask
	if c.setMask {
		saved, c.setMask = c.oldMask, false
		if c.no == abi.SysRtSigtimedwait {
			// sigtimedwait only unblocked its set to be woken; the handler
			// runs under the caller's own mask.
			t.Sig.Mask = c.oldMask
		}
	}
	k.abandon(c)
	k.dropSleeper(t)
	if c.progress > 0 {
		// "If an interrupted read/write already moved bytes, it returns
		// that partial count" - signal(7).
		k.complete(c, int64(c.progress), nil)
		return saved
	}
	// The call's row says whether a handler restarts it (see restartClass).
	class := syscalls[c.no].restart
	if class == restartUnlessTimed {
		// futex_wait: "if (!abs_time) return -ERESTARTSYS", else
		// -ERESTART_RESTARTBLOCK.
		class = restartSA
		if c.timed {
			class = restartAdjusted
		}
	}
	if rem := remainArg(c); rem != 0 {
		// "EINTR: The pause has been interrupted by a signal that was
		// delivered to the thread. The remaining sleep time has been
		// written into *rem" - nanosleep(2), and clock_nanosleep(2)'s
		// remain for a relative sleep.
		writeTimespec(t.AS, rem, ns(c.deadline-min(c.deadline, k.Now())))
	}
	if class == restartSA && act.Flags&abi.SA_RESTART != 0 {
		// The registers still hold the call as it was made (pc at the
		// ecall, a0 unchanged): after sigreturn it runs again.
		if k.tracing {
			k.emit(t, "signal", fmt.Sprintf("%v interrupts %v: restarted after the handler (SA_RESTART)", sig, c.no))
		}
		return saved
	}
	k.complete(c, 0, abi.EINTR)
	return saved
}

// pushFrame builds the handler's frame on the user stack and points the
// registers at the handler. It reports false if the stack cannot take it.
//
// The frame goes below sp, or, for a handler installed with SA_ONSTACK,
// at the top of the alternate signal stack if there is one and the thread
// is not on it already (get_sigframe, sigsp); a frame that would overflow
// the alternate stack the thread is on is refused. uc_stack saves the
// alternate stack, which rt_sigreturn sets again: a stack with
// SS_AUTODISARM is forgotten while the handler runs.
func (k *Kernel) pushFrame(t *Task, sig abi.Signal, info proc.SigInfo, act proc.SigAction, saved abi.SigSet) bool {
	sp, alt := t.Regs.X[2], t.altStack
	if alt.on(sp) && !alt.on(sp-frameSize) {
		return false
	}
	if act.Flags&abi.SA_ONSTACK != 0 && alt.state(sp) == 0 {
		sp = alt.sp + alt.size
	}
	sp = (sp - frameSize) &^ 15
	var f [frameSize]byte
	putSiginfo(f[frameInfo:frameInfo+siginfoBytes], sig, info)
	binary.LittleEndian.PutUint64(f[ucStack:], alt.sp)
	binary.LittleEndian.PutUint32(f[ucStack+8:], alt.flags)
	binary.LittleEndian.PutUint64(f[ucStack+16:], alt.size)
	binary.LittleEndian.PutUint64(f[ucSigmask:], uint64(saved))
	binary.LittleEndian.PutUint64(f[ucMcontext:], t.Regs.PC)
	for i := 1; i < 32; i++ {
		binary.LittleEndian.PutUint64(f[ucMcontext+8*i:], t.Regs.X[i])
	}
	// save_fp_state: the D state, f[32] then fcsr. The rest of the union
	// stays zero: its last word is sc_extdesc's END header (magic 0).
	for i := range 32 {
		binary.LittleEndian.PutUint64(f[mcFP+8*i:], t.Regs.F[i])
	}
	binary.LittleEndian.PutUint32(f[mcFCSR:], t.Regs.FCSR)
	if t.AS.WriteBytes(sp, f[:]) != nil {
		return false
	}
	if alt.flags&ssAutodisarm != 0 {
		t.altStack = noAltStack // __save_altstack's sas_ss_reset
	}
	// "sa_mask specifies a mask of signals which should be blocked ... In
	// addition, the signal which triggered the handler will be blocked,
	// unless the SA_NODEFER flag is used." - sigaction(2)
	t.Sig.Mask |= act.Mask
	if act.Flags&abi.SA_NODEFER == 0 {
		t.Sig.Mask |= abi.SigSetOf(sig)
	}
	t.Sig.Mask &^= abi.Unblockable
	if act.Flags&abi.SA_RESETHAND != 0 {
		setAction(t, sig, proc.SigAction{})
	}
	t.Regs.PC = act.Handler
	t.Regs.X[1] = proc.VDSOBase // ra: the sigreturn trampoline
	t.Regs.X[2] = sp
	t.Regs.X[10] = uint64(sig)
	t.Regs.X[11] = sp + frameInfo
	t.Regs.X[12] = sp + frameUC
	if k.tracing {
		k.traceDeliver(t, sig, act.Handler, t.Sig.Mask, sp, saved)
	}
	return true
}

// putSiginfo fills a siginfo_t: si_signo, si_errno, si_code, then the
// union, laid out as the code says (Linux's siginfo_layout): a code below 0
// (sigqueue, a message queue's notification, tkill) gives si_pid, si_uid
// and si_value; a code the kernel sets for a fault (SIGSEGV, SIGBUS,
// SIGILL, SIGFPE, SIGTRAP) gives si_addr, and for SIGCHLD si_pid, si_uid
// and si_status; any other (kill's SI_USER, SI_KERNEL) si_pid and si_uid.
func putSiginfo(b []byte, sig abi.Signal, info proc.SigInfo) {
	binary.LittleEndian.PutUint32(b[0:], uint32(sig))
	binary.LittleEndian.PutUint32(b[8:], uint32(info.Code))
	kernelCode := info.Code > abi.SI_USER && info.Code < abi.SI_KERNEL
	switch sig {
	case abi.SIGSEGV, abi.SIGBUS, abi.SIGILL, abi.SIGFPE, abi.SIGTRAP:
		if kernelCode {
			binary.LittleEndian.PutUint64(b[16:], info.Addr)
			return
		}
	}
	binary.LittleEndian.PutUint32(b[16:], uint32(info.PID))
	binary.LittleEndian.PutUint32(b[20:], uint32(info.UID))
	switch {
	case info.Code < 0:
		binary.LittleEndian.PutUint64(b[24:], info.Value) // si_value, after si_pid and si_uid
	case sig == abi.SIGCHLD && kernelCode:
		binary.LittleEndian.PutUint32(b[24:], uint32(info.Status))
	}
}

// faultSignal delivers a signal raised by the task's own instruction
// (SIGSEGV, SIGILL, SIGTRAP, SIGBUS). A handler runs it, and when it returns
// the instruction runs again. If the signal is blocked or ignored the
// kernel forces the default action, as force_sig_fault does: the process
// dies.
func (k *Kernel) faultSignal(t *Task, sig abi.Signal, code int32, addr uint64, why string) {
	act := t.Sig.Actions[sig]
	if act.Handler != abi.SIG_DFL && act.Handler != abi.SIG_IGN && !t.Sig.Mask.Has(sig) {
		k.sendThreadSignal(t, sig, proc.SigInfo{Code: code, Addr: addr}, why)
		return
	}
	if k.tracing {
		k.emit(t, "signal", fmt.Sprintf("%v: %s", sig, why))
	}
	k.exit(t, proc.KilledStatus(sig, false))
}

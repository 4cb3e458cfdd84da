package kernel

import (
	"errors"
	"fmt"

	"ipcsim/abi"
	"ipcsim/hw"
	"ipcsim/proc"
)

// trap handles what stopped the CPU in task t: a system call, a page fault,
// or an exception that becomes a signal (as arch/riscv/kernel/traps.c maps
// them for a user program).
func (k *Kernel) trap(t *Task, tr hw.Trap) {
	switch tr.Cause {
	case hw.CauseEcall:
		k.syscall(t)
	case hw.CauseFetchFault:
		k.pageFault(t, tr.Value, proc.Exec)
	case hw.CauseLoadFault:
		k.pageFault(t, tr.Value, proc.Read)
	case hw.CauseStoreFault:
		k.pageFault(t, tr.Value, proc.Write)
	case hw.CauseIllegal:
		k.faultSignal(t, abi.SIGILL, abi.ILL_ILLOPC, t.Regs.PC, fmt.Sprintf("illegal instruction %#08x at pc %#x", tr.Value, t.Regs.PC))
	case hw.CauseBreakpoint:
		k.faultSignal(t, abi.SIGTRAP, abi.TRAP_BRKPT, t.Regs.PC, fmt.Sprintf("breakpoint at pc %#x", t.Regs.PC))
	case hw.CauseFetchMisaligned:
		k.faultSignal(t, abi.SIGBUS, abi.BUS_ADRALN, tr.Value, fmt.Sprintf("jump to misaligned address %#x at pc %#x", tr.Value, t.Regs.PC))
	case hw.CauseLoadMisaligned, hw.CauseStoreMisaligned:
		// Linux emulates misaligned loads and stores for user programs,
		// but not atomics: a misaligned LR/SC/AMO gets SIGBUS (BUS_ADRALN).
		k.faultSignal(t, abi.SIGBUS, abi.BUS_ADRALN, tr.Value, fmt.Sprintf("misaligned atomic access at %#x, pc %#x", tr.Value, t.Regs.PC))
	default:
		panic(fmt.Sprintf("kernel: unexpected trap %v", tr))
	}
}

// pageFault resolves a fault at va, or sends SIGSEGV.
func (k *Kernel) pageFault(t *Task, va uint64, acc proc.Access) {
	var before hw.PTE
	if k.tracing {
		before, _ = t.AS.PT().Lookup(va)
	}
	kind, err := t.AS.Fault(va, acc)
	var segv *proc.SegvError
	switch {
	case err == nil:
		t.Faults++
		if k.tracing {
			after, _ := t.AS.PT().Lookup(va)
			where := fmt.Sprintf("pc %#x: %s", t.Regs.PC, k.instruction(t, t.Regs.PC))
			text := fmt.Sprintf("page fault: %v at %#x (%s): %v, frame %d", acc, va, where, kind, after.Frame())
			if kind == proc.FaultCOWCopy {
				text = fmt.Sprintf("page fault: %v at %#x (%s): copy-on-write, frame %d copied to frame %d", acc, va, where, before.Frame(), after.Frame())
			}
			k.emitEvent(t, &Event{Kind: "fault", Addr: fmt.Sprintf("%#x", va), PC: fmt.Sprintf("%#x", t.Regs.PC), Text: text})
		}
	case errors.As(err, &segv):
		what := "no mapping (SEGV_MAPERR)"
		if segv.Mapped {
			what = "not permitted (SEGV_ACCERR)"
		}
		if k.tracing {
			k.emitEvent(t, &Event{Kind: "fault", Addr: fmt.Sprintf("%#x", va), PC: fmt.Sprintf("%#x", t.Regs.PC),
				Text: fmt.Sprintf("page fault: %v at %#x (pc %#x: %s): %s", acc, va, t.Regs.PC, k.instruction(t, t.Regs.PC), what)})
		}
		code := int32(abi.SEGV_MAPERR)
		if segv.Mapped {
			code = abi.SEGV_ACCERR
		}
		k.faultSignal(t, abi.SIGSEGV, code, va, fmt.Sprintf("bad %v at %#x", acc, va))
	default:
		// The commit accounting of proc.Memory keeps this from happening;
		// should it, do what Linux's OOM killer does.
		if k.tracing {
			k.emit(t, "signal", fmt.Sprintf("SIGKILL: page fault at %#x: out of memory", va))
		}
		k.exit(t, proc.KilledStatus(abi.SIGKILL, false))
	}
}

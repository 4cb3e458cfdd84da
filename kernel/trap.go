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
		k.fatalSignal(t, abi.SIGILL, fmt.Sprintf("illegal instruction %#08x at pc %#x", tr.Value, t.Regs.PC))
	case hw.CauseBreakpoint:
		k.fatalSignal(t, abi.SIGTRAP, fmt.Sprintf("breakpoint at pc %#x", t.Regs.PC))
	case hw.CauseFetchMisaligned:
		k.fatalSignal(t, abi.SIGBUS, fmt.Sprintf("jump to misaligned address %#x at pc %#x", tr.Value, t.Regs.PC))
	case hw.CauseLoadMisaligned, hw.CauseStoreMisaligned:
		// Linux emulates misaligned loads and stores for user programs,
		// but not atomics: a misaligned LR/SC/AMO gets SIGBUS (BUS_ADRALN).
		k.fatalSignal(t, abi.SIGBUS, fmt.Sprintf("misaligned atomic access at %#x, pc %#x", tr.Value, t.Regs.PC))
	default:
		panic(fmt.Sprintf("kernel: unexpected trap %v", tr))
	}
}

// pageFault resolves a fault at va, or sends SIGSEGV.
func (k *Kernel) pageFault(t *Task, va uint64, acc proc.Access) {
	var before hw.PTE
	if k.tracing {
		before, _ = t.AS.PT.Lookup(va)
	}
	kind, err := t.AS.Fault(va, acc)
	var segv *proc.SegvError
	switch {
	case err == nil:
		t.Faults++
		if k.tracing {
			after, _ := t.AS.PT.Lookup(va)
			text := fmt.Sprintf("page fault: %v at %#x (pc %#x): %v, frame %d", acc, va, t.Regs.PC, kind, after.Frame())
			if kind == proc.FaultCOWCopy {
				text = fmt.Sprintf("page fault: %v at %#x (pc %#x): copy-on-write, frame %d copied to frame %d", acc, va, t.Regs.PC, before.Frame(), after.Frame())
			}
			k.emitEvent(t, &Event{Kind: "fault", Addr: fmt.Sprintf("%#x", va), Text: text})
		}
	case errors.As(err, &segv):
		what := "no mapping (SEGV_MAPERR)"
		if segv.Mapped {
			what = "not permitted (SEGV_ACCERR)"
		}
		if k.tracing {
			k.emitEvent(t, &Event{Kind: "fault", Addr: fmt.Sprintf("%#x", va),
				Text: fmt.Sprintf("page fault: %v at %#x (pc %#x): %s", acc, va, t.Regs.PC, what)})
		}
		k.fatalSignal(t, abi.SIGSEGV, fmt.Sprintf("bad %v at %#x", acc, va))
	default:
		// The commit accounting of proc.Memory keeps this from happening;
		// should it, do what Linux's OOM killer does.
		k.fatalSignal(t, abi.SIGKILL, fmt.Sprintf("page fault at %#x: out of memory", va))
	}
}

// fatalSignal delivers a synchronous signal raised by the task's own
// instruction. With the default action (the only one until handlers exist)
// it terminates the process. SIGSEGV, SIGILL, SIGTRAP and SIGBUS would dump
// core (signal(7)), but RLIMIT_CORE is 0, as on a default Linux system, so
// no core is written and the status has no core bit.
func (k *Kernel) fatalSignal(t *Task, sig abi.Signal, why string) {
	if k.tracing {
		k.emit(t, "signal", fmt.Sprintf("%v: %s", sig, why))
	}
	k.exit(t, proc.KilledStatus(sig, false))
}

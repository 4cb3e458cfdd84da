package hw

import (
	"encoding/binary"
	"fmt"
)

// CPU is one user-mode RV64IMAFD hart (with Zicsr and Zifencei). The kernel loads registers and a page
// table, calls Run, and handles the trap Run returns.
type CPU struct {
	X   [32]uint64 // integer registers x0..x31; X[0] reads as 0 always (keep it 0)
	PC  uint64
	Mem *PhysMem
	PT  *PageTable // the current address space; the kernel swaps it on a context switch

	F    [32]uint64 // floating-point registers f0..f31; a single is NaN-boxed
	FCSR uint32     // frm (bits 7:5) and fflags (bits 4:0)

	// The counters' values when Run starts; the kernel sets them from the
	// virtual clock (cycle and time) and the count of retired instructions.
	Cycle, Instret uint64

	mem []byte // Mem.bytes, cached for the load/store fast paths

	tlb    [tlbSize]tlbEntry
	tlbPT  *PageTable // the table the TLB entries came from
	tlbGen uint64     // tlbPT's generation when the TLB was last flushed

	// The LR/SC reservation: the physical byte address and size of the
	// last LR, or resvSize 0 for none, and the value it loaded (an SC
	// succeeds only if memory still holds it; see atomic).
	resvAddr uint64
	resvSize uint64
	resvVal  uint64

	faultVA uint64 // set by a failed load or store: the faulting address
}

// ClearReservation breaks the LR/SC reservation. Linux does it on every
// return to user mode (an SC to a scratch word in arch/riscv/kernel/entry.S,
// as the unprivileged spec's LR/SC section recommends "during a preemptive
// context switch"), so the kernel calls it after every trap and interrupt:
// a system call or an interrupt between LR and SC makes the SC fail. A
// Run that merely ran out of budget (single-stepping for a trace) keeps it.
func (c *CPU) ClearReservation() { c.resvSize = 0 }

// NewCPU returns a hart with all registers zero and no address space.
func NewCPU(mem *PhysMem) *CPU {
	c := &CPU{Mem: mem}
	c.flushTLB()
	return c
}

// A Cause says why Run stopped.
type Cause uint8

// Trap causes. They correspond to RISC-V's exception codes (privileged
// spec, "Machine Cause Register"), with page faults and access faults
// merged: the simulator has no physical memory protection.
const (
	CauseNone            Cause = iota // the budget ran out
	CauseEcall                        // ECALL: a system call
	CauseBreakpoint                   // EBREAK
	CauseIllegal                      // illegal instruction; Value is the word
	CauseFetchFault                   // fetch from a page without V|X; Value is the address
	CauseLoadFault                    // load or LR from a page without V|R
	CauseStoreFault                   // store, SC or AMO to a page without V|W (or V|R for SC/AMO)
	CauseFetchMisaligned              // jump or branch to an address not 4-aligned; Value is the target
	CauseLoadMisaligned               // misaligned LR
	CauseStoreMisaligned              // misaligned SC or AMO
)

var causeNames = [...]string{
	CauseNone:            "none",
	CauseEcall:           "ecall",
	CauseBreakpoint:      "breakpoint",
	CauseIllegal:         "illegal instruction",
	CauseFetchFault:      "fetch fault",
	CauseLoadFault:       "load fault",
	CauseStoreFault:      "store fault",
	CauseFetchMisaligned: "fetch misaligned",
	CauseLoadMisaligned:  "load misaligned",
	CauseStoreMisaligned: "store misaligned",
}

func (c Cause) String() string {
	if int(c) < len(causeNames) {
		return causeNames[c]
	}
	return fmt.Sprintf("cause(%d)", uint8(c))
}

// A Trap is the reason an instruction could not complete. Value is the
// faulting virtual address for faults and misaligned accesses, the target
// for a misaligned jump, the instruction word for an illegal instruction,
// and 0 otherwise.
type Trap struct {
	Cause Cause
	Value uint64
}

func (t Trap) String() string {
	switch t.Cause {
	case CauseNone, CauseEcall, CauseBreakpoint:
		return t.Cause.String()
	case CauseIllegal:
		return fmt.Sprintf("%v %#08x", t.Cause, t.Value)
	}
	return fmt.Sprintf("%v at %#x", t.Cause, t.Value)
}

// Fetch reads the instruction word at va through PT, for traces and
// disassembly. It needs a 4-aligned va on a page with V and X, and has no
// side effects: it neither fills the TLB nor decodes.
func (c *CPU) Fetch(va uint64) (inst uint32, ok bool) {
	if va&3 != 0 || c.PT == nil {
		return 0, false
	}
	pte, ok := c.PT.Lookup(va)
	if !ok || pte&(PTEValid|PTEExec) != PTEValid|PTEExec {
		return 0, false
	}
	return binary.LittleEndian.Uint32(c.Mem.Bytes(pte.Frame())[va&pageMask:]), true
}

// codePage returns the decoded-instruction cache of the frame at physical
// byte address base, creating an empty one on the first fetch from it.
func (c *CPU) codePage(base uint64) *decodedPage {
	f := base >> PageShift
	p := c.Mem.decoded[f]
	if p == nil {
		p = new(decodedPage)
		c.Mem.decoded[f] = p
	}
	return p
}

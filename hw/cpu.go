package hw

import (
	"encoding/binary"
	"fmt"
)

// CPU is one user-mode RV64IMAFDC hart (with Zicsr and Zifencei). The kernel loads registers and a page
// table, calls Run, and handles the trap Run returns.
type CPU struct {
	X   [32]uint64 // integer registers x0..x31; X[0] reads as 0 always (keep it 0)
	PC  uint64
	Mem *PhysMem
	PT  *PageTable // the current address space; the kernel swaps it on a context switch

	F    [32]uint64 // floating-point registers f0..f31; a single is NaN-boxed
	FCSR uint32     // frm (bits 7:5) and fflags (bits 4:0)
	// FPUsed is set by every instruction that may read or write F or
	// fcsr (the F and D extensions, and the fflags, frm and fcsr CSRs),
	// and never cleared by Run: the kernel clears it when it gives the
	// CPU a thread, and after Run knows whether F and FCSR can have
	// changed, as a kernel reads sstatus.FS (the unprivileged spec's
	// "Dirty" state), so that it saves them only then.
	FPUsed bool
	// watch makes Run stop at the integer loads, stores and atomics (the
	// accesses AccessOf reports) to the pages it watches: before one that
	// is not the first instruction of the Run, and after one that is. A
	// Run then retires at most one such access, as its first instruction,
	// and the caller, which kept the registers the Run began with, can
	// say what it touched (the kernel's access observer) without running
	// every instruction on its own. The TLB gives the interpreter's fast
	// path no data access to a watched page (fill), so that every load and
	// store to one comes to execSlow, which stops. SetWatch sets it.
	watch Watch

	// The counters' values when Run starts; the kernel sets them from the
	// virtual clock (cycle and time: the cycles since the machine was
	// switched on, as a reset restarts the counters) and the count of
	// retired instructions.
	Cycle, Instret uint64

	tlb       [tlbSize]tlbEntry
	tlbFilled uint64           // bit i: tlb[i] was filled since the last flush (flushTLB clears only those)
	tlbPT     *PageTable       // the table the TLB entries came from
	tlbGen    uint64           // tlbPT's generation when the TLB was last flushed
	kept      [tlbKept]keptTLB // the entries of address spaces that ran lately (syncTLB)
	keptClock uint64           // counts keep's calls, for keptTLB.used

	// The LR/SC reservation: the physical byte address and size of the
	// last LR, or resvSize 0 for none, and the value it loaded (an SC
	// succeeds only if memory still holds it; see atomic).
	resvAddr uint64
	resvSize uint64
	resvVal  uint64

	faultVA uint64 // set by a failed load or store: the faulting address

	cross *decodedPage // runs page-crossing instructions (crossPage); nil until the first

	watchNext uint64 // after a watched access: the pc of the next instruction (Run)
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
	c.tlbFilled = 1<<tlbSize - 1 // every entry holds tag 0 until emptied
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
	CauseIllegal                      // illegal instruction; Value is the word (a compressed one's parcel)
	CauseFetchFault                   // fetch from a page without V|X; Value is the address
	CauseLoadFault                    // load or LR from a page without V|R
	CauseStoreFault                   // store, SC or AMO to a page without V|W (or V|R for SC/AMO)
	CauseFetchMisaligned              // execution at an odd address; Value is the address
	CauseLoadMisaligned               // misaligned LR
	CauseStoreMisaligned              // misaligned SC or AMO

	// Not traps: how execSlow tells Run to stop at an access while the
	// CPU watches (CPU.watch). Run returns CauseNone.
	causeWatchBefore // stop before this instruction
	causeWatchAfter  // stop after it
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

// Fetch reads the instruction at va through PT, for traces and disassembly:
// a 4-byte instruction word, or a compressed one's 16-bit parcel (in the low
// half; inst&3 != 3 tells which). It needs a 2-aligned va on a page with V
// and X (and the next page too for a 4-byte instruction that crosses into
// it), and has no side effects: it neither fills the TLB nor decodes.
func (c *CPU) Fetch(va uint64) (inst uint32, ok bool) {
	if c.PT == nil {
		return 0, false
	}
	return FetchParcels(va, c.peekParcel)
}

// FetchParcels assembles the instruction at 2-aligned va from the 16-bit
// parcels that parcel reads: one for a compressed instruction (inst&3 != 3),
// two for a 4-byte one, whose second parcel may lie on the next page. The
// CPU's Fetch and the kernel's side-effect-free peek (proc) read parcels
// their own ways and share this.
func FetchParcels(va uint64, parcel func(va uint64) (uint16, bool)) (inst uint32, ok bool) {
	if va&1 != 0 {
		return 0, false
	}
	lo, ok := parcel(va)
	if !ok || lo&3 != 3 {
		return uint32(lo), ok
	}
	hi, ok := parcel(va + 2)
	return uint32(hi)<<16 | uint32(lo), ok
}

// peekParcel reads the 16-bit parcel at 2-aligned va from an executable page.
func (c *CPU) peekParcel(va uint64) (uint16, bool) {
	pte, ok := c.PT.Lookup(va)
	if !ok || pte&(PTEValid|PTEExec) != PTEValid|PTEExec {
		return 0, false
	}
	return binary.LittleEndian.Uint16(c.Mem.Bytes(pte.Frame())[va&pageMask:]), true
}

// decodeAt decodes the instruction at physical byte address pa (2-aligned):
// a compressed parcel, a 4-byte word, or, for a 4-byte instruction that
// starts in the last parcel of its frame, opCross (see decodedPage).
func (c *CPU) decodeAt(pa uint64) decodedInst {
	b := c.physPage(pa)[pa&pageMask:]
	lo := binary.LittleEndian.Uint16(b)
	switch {
	case lo&3 != 3:
		return decodeC(lo)
	case pa&pageMask == PageSize-2:
		return decodedInst{op: opCross}
	}
	return decode(binary.LittleEndian.Uint32(b))
}

// crossPage returns a decoded page from which Run executes the 4-byte
// instruction at pc, which begins in the last parcel of the page whose frame
// is at base and ends in the next page. Its last slot holds the instruction,
// fetched and decoded afresh (fetchCross); every other slot holds opRefetch,
// which sends Run back to translating pc: if the instruction jumps within
// the first page, Run returns to that page's real decoded page, and if it
// falls through, pc is on the next page, which Run translates anyway. So
// nothing here outlives one execution, and no store can make it stale.
func (c *CPU) crossPage(base, pc uint64) (*decodedPage, Trap) {
	d, t := c.fetchCross(base, pc)
	if t.Cause != CauseNone {
		return nil, t
	}
	if c.cross == nil {
		c.cross = new(decodedPage)
		for i := range c.cross.inst {
			c.cross.inst[i].op = opRefetch
		}
	}
	c.cross.inst[parcelsPerPage-1] = d
	return c.cross, Trap{}
}

// fetchCross fetches and decodes the 4-byte instruction at pc, which begins
// in the last parcel of the page whose frame is at base and ends in the
// next page. That page must allow execution too; if it does not, the fault
// is at its first byte, "the portion of the instruction that caused the
// fault" (privileged spec, on stval), as Linux then reports in si_addr.
func (c *CPU) fetchCross(base, pc uint64) (decodedInst, Trap) {
	base2, ok := c.translate(pc+2, accExec)
	if !ok {
		return decodedInst{}, Trap{Cause: CauseFetchFault, Value: pc + 2}
	}
	lo := uint32(binary.LittleEndian.Uint16(c.physPage(base)[PageSize-2:]))
	hi := uint32(binary.LittleEndian.Uint16(c.physPage(base2)[:]))
	return decode(hi<<16 | lo), Trap{}
}

// physPage returns the bytes of the frame that holds physical byte address
// pa, for the paths that have no TLB entry at hand.
func (c *CPU) physPage(pa uint64) *[PageSize]byte {
	return c.Mem.page(Frame(pa >> PageShift))
}

// codePage returns the decoded-instruction cache of the frame at physical
// byte address base, creating an empty one on the first fetch from it.
func (c *CPU) codePage(base uint64) *decodedPage {
	f := base >> PageShift
	p := c.Mem.decoded[f]
	if p == nil {
		p = spareDecoded.Get().(*decodedPage)
		c.Mem.decoded[f] = p
	}
	return p
}

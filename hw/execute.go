package hw

import (
	"encoding/binary"
	"math"
	"math/bits"
)

// Run executes instructions of the current address space until budget
// instructions have retired or one instruction traps. It returns how many
// retired and the trap (Cause == CauseNone when the budget ran out).
//
// Traps are precise: on a trap PC points at the trapping instruction, which
// is not counted and has had no effect on registers or memory. For ECALL
// and EBREAK too; the kernel advances PC past an ECALL (4 bytes) itself.
//
// The fast path: the registers live in a local array, the decoded page of
// the current PC and the page's address live in locals, so the fetch of
// the next instruction in the page is an array index (pc-pageVA < PageSize
// both keeps pc in the page and proves the index in range, so there is no
// bounds check), and only leaving the page costs a translation. Loads and stores go through the TLB (tlb.go).
//
// The switch of the inner loop calls no function. Whatever needs a call (a
// slot not decoded yet, a load or store that misses the TLB, an atomic, F
// and D, a trap) leaves the switch for the slow path below it (goto slow),
// and most of it goes to execSlow. That keeps the loop's values (pc, left,
// code, pageVA) in registers: a call anywhere in the switch made the Go
// compiler save them to the stack and reload them on every instruction
// (measured: 47 host instructions per simulated one in BenchmarkCPUCompute,
// 38 without, 488 -> 617 M instructions per CPU-second). For the same
// reason the loop reads c.Mem.decoded where it uses it rather
// than keeping it in a local, and the slow path translates pc again rather
// than keeping the frame's base in one.
//
// Compressed instructions have ops of their own, twins of the 32-bit ones
// (decode_c.go), which step pc by 2 themselves. One shared "pc += len" at
// the bottom of the loop would be shorter, but it makes the length of the
// instruction a value the loop must keep or load, and measured a quarter
// slower (the Go compiler then spills pc); this way every case's step is a
// constant, as before.
func (c *CPU) Run(budget uint64) (retired uint64, t Trap) {
	c.syncTLB()
	if c.PC&1 != 0 {
		// Only the kernel can put a misaligned PC here: no jump or branch
		// can reach an odd address (see "Control Transfer Instructions").
		return 0, Trap{Cause: CauseFetchMisaligned, Value: c.PC}
	}

	// x holds the registers; entries 32..63 exist so that indexing with
	// "&63" needs no bounds check and so that sinkReg absorbs writes to x0.
	// (An array assignment, one block copy: the loop it replaces cost about
	// 160 host instructions per Run, and copy() left a stray comparison
	// inside the interpreter loop.)
	var x [64]uint64
	*(*[32]uint64)(x[:32]) = c.X
	x[0] = 0 // whatever the caller left in X[0]
	pc := c.PC

	// left counts down the budget: one loop variable fewer than counting
	// retired instructions up, which matters in a loop this hot.
	left := budget
loop:
	// The outer loop runs once per code page entered, the inner loop once
	// per instruction. Keeping the page's values constant in the inner loop
	// lets the compiler keep them out of the per-instruction work.
	for left != 0 {
		base, ok := c.translate(pc, accExec)
		if !ok {
			t = Trap{Cause: CauseFetchFault, Value: pc}
			break
		}
		code := c.codePage(base) // decoded instructions of the frame at base
		pageVA := pc &^ pageMask

	page:
		for left != 0 && pc-pageVA < PageSize {
			d := &code.inst[(pc-pageVA)>>1]

			switch d.op {
			case opUndecoded, opIllegal, opCross, opRefetch:
				// (Listed so that the jump table starts at op 0.)
				goto slow

			// RV32I/RV64I "Integer Computational Instructions".
			case opLUI:
				x[d.rd&63] = uint64(d.imm)
			case opAUIPC:
				x[d.rd&63] = pc + uint64(d.imm)
			case opADDI:
				x[d.rd&63] = x[d.rs1&63] + uint64(d.imm)
			case opSLTI:
				x[d.rd&63] = b2u(int64(x[d.rs1&63]) < d.imm)
			case opSLTIU:
				// "the immediate is first sign-extended to XLEN bits then
				// treated as an unsigned number"
				x[d.rd&63] = b2u(x[d.rs1&63] < uint64(d.imm))
			case opXORI:
				x[d.rd&63] = x[d.rs1&63] ^ uint64(d.imm)
			case opORI:
				x[d.rd&63] = x[d.rs1&63] | uint64(d.imm)
			case opANDI:
				x[d.rd&63] = x[d.rs1&63] & uint64(d.imm)
			case opSLLI:
				// The shift amount is below 64 (decode: shamt); the mask
				// tells Go so, which then shifts without the test and
				// fix-up it makes for counts of 64 and over (Go's shifts
				// give 0 there, x86's take the count modulo 64).
				x[d.rd&63] = x[d.rs1&63] << (uint64(d.imm) & 63)
			case opSRLI:
				x[d.rd&63] = x[d.rs1&63] >> (uint64(d.imm) & 63)
			case opSRAI:
				x[d.rd&63] = uint64(int64(x[d.rs1&63]) >> (uint64(d.imm) & 63))
			case opADD:
				x[d.rd&63] = x[d.rs1&63] + x[d.rs2&63]
			case opSUB:
				x[d.rd&63] = x[d.rs1&63] - x[d.rs2&63]
			case opSLL:
				// RV64: "shift amount is held in the lower 6 bits of rs2"
				x[d.rd&63] = x[d.rs1&63] << (x[d.rs2&63] & 63)
			case opSLT:
				x[d.rd&63] = b2u(int64(x[d.rs1&63]) < int64(x[d.rs2&63]))
			case opSLTU:
				x[d.rd&63] = b2u(x[d.rs1&63] < x[d.rs2&63])
			case opXOR:
				x[d.rd&63] = x[d.rs1&63] ^ x[d.rs2&63]
			case opSRL:
				x[d.rd&63] = x[d.rs1&63] >> (x[d.rs2&63] & 63)
			case opSRA:
				x[d.rd&63] = uint64(int64(x[d.rs1&63]) >> (x[d.rs2&63] & 63))
			case opOR:
				x[d.rd&63] = x[d.rs1&63] | x[d.rs2&63]
			case opAND:
				x[d.rd&63] = x[d.rs1&63] & x[d.rs2&63]

			// RV64I word ops: compute on the low 32 bits, then sign-extend the
			// 32-bit result to 64 ("RV64I Base Integer Instruction Set").
			case opADDIW:
				x[d.rd&63] = sext32(x[d.rs1&63] + uint64(d.imm))
			case opSLLIW:
				x[d.rd&63] = sext32(x[d.rs1&63] << (uint64(d.imm) & 31))
			case opSRLIW:
				x[d.rd&63] = sext32(uint64(uint32(x[d.rs1&63]) >> (uint64(d.imm) & 31)))
			case opSRAIW:
				x[d.rd&63] = uint64(int64(int32(x[d.rs1&63]) >> (uint64(d.imm) & 31)))
			case opADDW:
				x[d.rd&63] = sext32(x[d.rs1&63] + x[d.rs2&63])
			case opSUBW:
				x[d.rd&63] = sext32(x[d.rs1&63] - x[d.rs2&63])
			case opSLLW:
				x[d.rd&63] = sext32(x[d.rs1&63] << (x[d.rs2&63] & 31))
			case opSRLW:
				x[d.rd&63] = sext32(uint64(uint32(x[d.rs1&63]) >> (x[d.rs2&63] & 31)))
			case opSRAW:
				x[d.rd&63] = uint64(int64(int32(x[d.rs1&63]) >> (x[d.rs2&63] & 31)))

			// "Control Transfer Instructions". A target that is not 2-aligned
			// raises an instruction-address-misaligned exception, but with
			// the C extension none can arise: JAL and branch offsets are
			// multiples of 2 and JALR clears bit 0 of its target.
			case opJAL:
				x[d.rd&63] = pc + 4
				pc += uint64(d.imm)
				left--
				continue page
			case opJALR:
				// "setting the least-significant bit of the result to zero";
				// the target is computed before rd is written (rd may be rs1).
				target := (x[d.rs1&63] + uint64(d.imm)) &^ 1
				x[d.rd&63] = pc + 4
				pc = target
				left--
				continue page
			case opBEQ:
				if x[d.rs1&63] == x[d.rs2&63] {
					pc += uint64(d.imm)
					left--
					continue page
				}
			case opBNE:
				if x[d.rs1&63] != x[d.rs2&63] {
					pc += uint64(d.imm)
					left--
					continue page
				}
			case opBLT:
				if int64(x[d.rs1&63]) < int64(x[d.rs2&63]) {
					pc += uint64(d.imm)
					left--
					continue page
				}
			case opBGE:
				if int64(x[d.rs1&63]) >= int64(x[d.rs2&63]) {
					pc += uint64(d.imm)
					left--
					continue page
				}
			case opBLTU:
				if x[d.rs1&63] < x[d.rs2&63] {
					pc += uint64(d.imm)
					left--
					continue page
				}
			case opBGEU:
				if x[d.rs1&63] >= x[d.rs2&63] {
					pc += uint64(d.imm)
					left--
					continue page
				}

			// "Load and Store Instructions": LB/LH/LW sign-extend, LBU/LHU/LWU
			// zero-extend. The TLB fast path is written out here because the
			// Go compiler will not inline a whole load; the slow path handles
			// misses, page-straddling accesses and faults (tlb.go). A load
			// writes rd only once it cannot fault. A store forgets decoded
			// instructions it overwrites (decodedPage.forget).
			case opLB:
				va := x[d.rs1&63] + uint64(d.imm)
				if e := c.tlbEntry(va); e.tag[accRead] == va>>PageShift && inPage(va, 1) {
					x[d.rd&63] = uint64(int64(int8(e.page[va&pageMask])))
				} else {
					goto slow
				}
			case opLH:
				va := x[d.rs1&63] + uint64(d.imm)
				if e := c.tlbEntry(va); e.tag[accRead] == va>>PageShift && inPage(va, 2) {
					x[d.rd&63] = uint64(int64(int16(binary.LittleEndian.Uint16(e.page[va&pageMask:]))))
				} else {
					goto slow
				}
			case opLW:
				va := x[d.rs1&63] + uint64(d.imm)
				if e := c.tlbEntry(va); e.tag[accRead] == va>>PageShift && inPage(va, 4) {
					x[d.rd&63] = sext32(uint64(binary.LittleEndian.Uint32(e.page[va&pageMask:])))
				} else {
					goto slow
				}
			case opLD:
				va := x[d.rs1&63] + uint64(d.imm)
				if e := c.tlbEntry(va); e.tag[accRead] == va>>PageShift && inPage(va, 8) {
					x[d.rd&63] = binary.LittleEndian.Uint64(e.page[va&pageMask:])
				} else {
					goto slow
				}
			case opLBU:
				va := x[d.rs1&63] + uint64(d.imm)
				if e := c.tlbEntry(va); e.tag[accRead] == va>>PageShift && inPage(va, 1) {
					x[d.rd&63] = uint64(e.page[va&pageMask])
				} else {
					goto slow
				}
			case opLHU:
				va := x[d.rs1&63] + uint64(d.imm)
				if e := c.tlbEntry(va); e.tag[accRead] == va>>PageShift && inPage(va, 2) {
					x[d.rd&63] = uint64(binary.LittleEndian.Uint16(e.page[va&pageMask:]))
				} else {
					goto slow
				}
			case opLWU:
				va := x[d.rs1&63] + uint64(d.imm)
				if e := c.tlbEntry(va); e.tag[accRead] == va>>PageShift && inPage(va, 4) {
					x[d.rd&63] = uint64(binary.LittleEndian.Uint32(e.page[va&pageMask:]))
				} else {
					goto slow
				}
			case opSB:
				va := x[d.rs1&63] + uint64(d.imm)
				if e := c.tlbEntry(va); e.tag[accWrite] == va>>PageShift && inPage(va, 1) {
					pa := e.base + va&pageMask
					e.page[pa&pageMask] = byte(x[d.rs2&63])
					if c.Mem.decoded[pa>>PageShift] != nil {
						c.Mem.decoded[pa>>PageShift].forget(pa&pageMask, 1)
					}
				} else {
					goto slow
				}
			case opSH:
				va := x[d.rs1&63] + uint64(d.imm)
				if e := c.tlbEntry(va); e.tag[accWrite] == va>>PageShift && inPage(va, 2) {
					pa := e.base + va&pageMask
					binary.LittleEndian.PutUint16(e.page[pa&pageMask:], uint16(x[d.rs2&63]))
					if c.Mem.decoded[pa>>PageShift] != nil {
						c.Mem.decoded[pa>>PageShift].forget(pa&pageMask, 2)
					}
				} else {
					goto slow
				}
			case opSW:
				va := x[d.rs1&63] + uint64(d.imm)
				if e := c.tlbEntry(va); e.tag[accWrite] == va>>PageShift && inPage(va, 4) {
					pa := e.base + va&pageMask
					binary.LittleEndian.PutUint32(e.page[pa&pageMask:], uint32(x[d.rs2&63]))
					if c.Mem.decoded[pa>>PageShift] != nil {
						c.Mem.decoded[pa>>PageShift].forget(pa&pageMask, 4)
					}
				} else {
					goto slow
				}
			case opSD:
				va := x[d.rs1&63] + uint64(d.imm)
				if e := c.tlbEntry(va); e.tag[accWrite] == va>>PageShift && inPage(va, 8) {
					pa := e.base + va&pageMask
					binary.LittleEndian.PutUint64(e.page[pa&pageMask:], x[d.rs2&63])
					if c.Mem.decoded[pa>>PageShift] != nil {
						c.Mem.decoded[pa>>PageShift].forget(pa&pageMask, 8)
					}
				} else {
					goto slow
				}

			case opFENCE:
				// One hart, executing in order: memory is always coherent and
				// stores to code are seen by the next fetch (decodedPage.forget).

			// "M" Standard Extension for Integer Multiplication and Division.
			case opMUL:
				x[d.rd&63] = x[d.rs1&63] * x[d.rs2&63]
			case opMULH:
				x[d.rd&63] = mulh(int64(x[d.rs1&63]), int64(x[d.rs2&63]))
			case opMULHSU:
				x[d.rd&63] = mulhsu(int64(x[d.rs1&63]), x[d.rs2&63])
			case opMULHU:
				x[d.rd&63], _ = bits.Mul64(x[d.rs1&63], x[d.rs2&63])
			case opDIV:
				x[d.rd&63] = uint64(div(int64(x[d.rs1&63]), int64(x[d.rs2&63])))
			case opDIVU:
				x[d.rd&63] = divu(x[d.rs1&63], x[d.rs2&63])
			case opREM:
				x[d.rd&63] = uint64(rem(int64(x[d.rs1&63]), int64(x[d.rs2&63])))
			case opREMU:
				x[d.rd&63] = remu(x[d.rs1&63], x[d.rs2&63])
			case opMULW:
				x[d.rd&63] = sext32(x[d.rs1&63] * x[d.rs2&63])
			case opDIVW:
				x[d.rd&63] = uint64(int64(divw(int32(x[d.rs1&63]), int32(x[d.rs2&63]))))
			case opDIVUW:
				x[d.rd&63] = sext32(uint64(divuw(uint32(x[d.rs1&63]), uint32(x[d.rs2&63]))))
			case opREMW:
				x[d.rd&63] = uint64(int64(remw(int32(x[d.rs1&63]), int32(x[d.rs2&63]))))
			case opREMUW:
				x[d.rd&63] = sext32(uint64(remuw(uint32(x[d.rs1&63]), uint32(x[d.rs2&63]))))

			// Compressed instructions (decode_c.go): each does what its
			// 32-bit twin above does, and the next instruction is at pc+2.
			case opCADDI:
				x[d.rd&63] = x[d.rs1&63] + uint64(d.imm)
				pc += 2
				left--
				continue page
			case opCADDIW:
				x[d.rd&63] = sext32(x[d.rs1&63] + uint64(d.imm))
				pc += 2
				left--
				continue page
			case opCLUI:
				x[d.rd&63] = uint64(d.imm)
				pc += 2
				left--
				continue page
			case opCSLLI:
				x[d.rd&63] = x[d.rs1&63] << (uint64(d.imm) & 63)
				pc += 2
				left--
				continue page
			case opCSRLI:
				x[d.rd&63] = x[d.rs1&63] >> (uint64(d.imm) & 63)
				pc += 2
				left--
				continue page
			case opCSRAI:
				x[d.rd&63] = uint64(int64(x[d.rs1&63]) >> (uint64(d.imm) & 63))
				pc += 2
				left--
				continue page
			case opCANDI:
				x[d.rd&63] = x[d.rs1&63] & uint64(d.imm)
				pc += 2
				left--
				continue page
			case opCADD:
				x[d.rd&63] = x[d.rs1&63] + x[d.rs2&63]
				pc += 2
				left--
				continue page
			case opCSUB:
				x[d.rd&63] = x[d.rs1&63] - x[d.rs2&63]
				pc += 2
				left--
				continue page
			case opCXOR:
				x[d.rd&63] = x[d.rs1&63] ^ x[d.rs2&63]
				pc += 2
				left--
				continue page
			case opCOR:
				x[d.rd&63] = x[d.rs1&63] | x[d.rs2&63]
				pc += 2
				left--
				continue page
			case opCAND:
				x[d.rd&63] = x[d.rs1&63] & x[d.rs2&63]
				pc += 2
				left--
				continue page
			case opCADDW:
				x[d.rd&63] = sext32(x[d.rs1&63] + x[d.rs2&63])
				pc += 2
				left--
				continue page
			case opCSUBW:
				x[d.rd&63] = sext32(x[d.rs1&63] - x[d.rs2&63])
				pc += 2
				left--
				continue page
			case opCJALR:
				target := (x[d.rs1&63] + uint64(d.imm)) &^ 1
				x[d.rd&63] = pc + 2
				pc = target
				left--
				continue page
			case opCBEQ:
				if x[d.rs1&63] == x[d.rs2&63] {
					pc += uint64(d.imm)
				} else {
					pc += 2
				}
				left--
				continue page
			case opCBNE:
				if x[d.rs1&63] != x[d.rs2&63] {
					pc += uint64(d.imm)
				} else {
					pc += 2
				}
				left--
				continue page
			case opCLW:
				va := x[d.rs1&63] + uint64(d.imm)
				if e := c.tlbEntry(va); e.tag[accRead] == va>>PageShift && inPage(va, 4) {
					x[d.rd&63] = sext32(uint64(binary.LittleEndian.Uint32(e.page[va&pageMask:])))
				} else {
					goto slow
				}
				pc += 2
				left--
				continue page
			case opCLD:
				va := x[d.rs1&63] + uint64(d.imm)
				if e := c.tlbEntry(va); e.tag[accRead] == va>>PageShift && inPage(va, 8) {
					x[d.rd&63] = binary.LittleEndian.Uint64(e.page[va&pageMask:])
				} else {
					goto slow
				}
				pc += 2
				left--
				continue page
			case opCSW:
				va := x[d.rs1&63] + uint64(d.imm)
				if e := c.tlbEntry(va); e.tag[accWrite] == va>>PageShift && inPage(va, 4) {
					pa := e.base + va&pageMask
					binary.LittleEndian.PutUint32(e.page[pa&pageMask:], uint32(x[d.rs2&63]))
					if c.Mem.decoded[pa>>PageShift] != nil {
						c.Mem.decoded[pa>>PageShift].forget(pa&pageMask, 4)
					}
				} else {
					goto slow
				}
				pc += 2
				left--
				continue page
			case opCSD:
				va := x[d.rs1&63] + uint64(d.imm)
				if e := c.tlbEntry(va); e.tag[accWrite] == va>>PageShift && inPage(va, 8) {
					pa := e.base + va&pageMask
					binary.LittleEndian.PutUint64(e.page[pa&pageMask:], x[d.rs2&63])
					if c.Mem.decoded[pa>>PageShift] != nil {
						c.Mem.decoded[pa>>PageShift].forget(pa&pageMask, 8)
					}
				} else {
					goto slow
				}
				pc += 2
				left--
				continue page

			default:
				goto slow
			}
			// Every instruction but a taken jump or branch (which continue
			// the loop themselves) falls through to the next one.
			pc += 4
			left--
			continue page

		slow:
			// Everything the switch above leaves: the slots that are not
			// plain instructions, and (execSlow) the instructions that need
			// a call. Only this path calls functions, so the loop above
			// keeps pc, left and code in registers.
			switch d.op {
			case opUndecoded:
				// (A load or store may have evicted the page's TLB entry
				// since the outer loop translated pc: translate it again.)
				base, _ := c.translate(pc, accExec)
				*d = c.decodeAt(base + pc&pageMask)
				continue page // execute it now; nothing retired yet
			case opCross:
				// A 4-byte instruction that ends in the next page: run it
				// from a page of its own (see crossPage).
				base, _ := c.translate(pc, accExec)
				cp, tr := c.crossPage(base, pc)
				if tr.Cause != CauseNone {
					t = tr
					break loop
				}
				code = cp
				continue page
			case opRefetch:
				continue loop // back from crossPage to the real page
			}
			next, tr := c.execSlow(d, &x, pc, budget-left)
			if tr.Cause != CauseNone {
				t = tr
				break loop
			}
			pc = next
			left--
		}
	}

	if t.Cause >= causeWatchBefore { // a watching Run's stop at an access (CPU.watch)
		if t.Cause == causeWatchAfter {
			pc, left = c.watchNext, left-1
		}
		t = Trap{}
	}
	c.PC = pc
	c.X = *(*[32]uint64)(x[:32])
	c.X[0] = 0
	return budget - left, t
}

// execSlow executes the instruction d at pc in full and returns the address
// of the next one, for the cases Run's fast switch leaves to it: loads and
// stores that miss the TLB, cross a page or fault (tlb.go); atomics; F, D
// and Zicsr; ECALL, EBREAK and illegal instructions, which trap. retired is
// how many instructions this Run has retired before d (for instret). While
// the CPU watches accesses (CPU.watch), an integer load, store or atomic
// stops Run before it unless it is the Run's first instruction, and after
// it if it is.
//
// It is never inlined: Run's loop keeps its values in registers because
// its only calls are on the slow path (Run's comment), and a build with a
// profile (cmd/ipcsim/default.pgo) would otherwise inline this one, a
// third of Run's size again, into the loop.
//
//go:noinline
func (c *CPU) execSlow(d *decodedInst, x *[64]uint64, pc, retired uint64) (next uint64, t Trap) {
	watched := c.watch != WatchNone && isAccess(d.op) && c.watches(x[d.rs1&63]+uint64(d.imm))
	if watched && retired > 0 {
		return pc, Trap{Cause: causeWatchBefore}
	}
	next = pc + 4
	if d.op >= numOps {
		next = pc + 2 // a compressed twin (decode_c.go)
	}
	va := x[d.rs1&63] + uint64(d.imm) // the address, for loads and stores
	switch d.op {
	case opIllegal:
		return pc, Trap{Cause: CauseIllegal, Value: uint64(d.imm)}
	case opECALL:
		return pc, Trap{Cause: CauseEcall}
	case opEBREAK:
		return pc, Trap{Cause: CauseBreakpoint}

	// Loads: LB/LH/LW sign-extend, LBU/LHU/LWU zero-extend. A load writes
	// rd only once it cannot fault.
	case opLB, opLH, opLW, opLD, opLBU, opLHU, opLWU, opCLW, opCLD:
		v, ok := c.loadSlow(va, accessSize(d.op))
		if !ok {
			return pc, Trap{Cause: CauseLoadFault, Value: c.faultVA}
		}
		switch d.op {
		case opLB:
			v = uint64(int64(int8(v)))
		case opLH:
			v = uint64(int64(int16(v)))
		case opLW, opCLW:
			v = sext32(v)
		}
		x[d.rd&63] = v
	case opSB, opSH, opSW, opSD, opCSW, opCSD:
		if !c.storeSlow(va, accessSize(d.op), x[d.rs2&63]) {
			return pc, Trap{Cause: CauseStoreFault, Value: c.faultVA}
		}

	// "A" Standard Extension for Atomic Instructions (atomic, below).
	case opLRW, opSCW, opAMOSWAPW, opAMOADDW, opAMOXORW, opAMOANDW,
		opAMOORW, opAMOMINW, opAMOMAXW, opAMOMINUW, opAMOMAXUW,
		opLRD, opSCD, opAMOSWAPD, opAMOADDD, opAMOXORD, opAMOANDD,
		opAMOORD, opAMOMIND, opAMOMAXD, opAMOMINUD, opAMOMAXUD:
		rd := d.rd & 63 // read now: the AMO may overwrite its own slot
		v, tr := c.atomic(d.op, x[d.rs1&63], x[d.rs2&63])
		if tr.Cause != CauseNone {
			return pc, tr
		}
		x[rd] = v

	// F, D and Zicsr (execute_fp.go), and C.FLD, C.FSD, C.FLDSP, C.FSDSP.
	case opFP, opCFP:
		if tr := c.execFP(d, x, pc, retired); tr.Cause != CauseNone {
			return pc, tr
		}

	default:
		panic("hw: execSlow of an op Run executes itself")
	}
	if watched { // the Run's first instruction: stop after it (Run steps to next)
		c.watchNext = next
		return pc, Trap{Cause: causeWatchAfter}
	}
	return next, Trap{}
}

// accessSize is the width in bytes of a load or store op.
func accessSize(o op) uint64 {
	switch o {
	case opLB, opLBU, opSB:
		return 1
	case opLH, opLHU, opSH:
		return 2
	case opLW, opLWU, opSW, opCLW, opCSW:
		return 4
	}
	return 8
}

// b2u converts a comparison to the 0 or 1 that SLT and friends write.
func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

// sext32 sign-extends the low 32 bits of v, as every RV64 W instruction does
// with its result.
func sext32(v uint64) uint64 { return uint64(int64(int32(v))) }

// mulh returns the high 64 bits of the signed 128-bit product a*b. The
// unsigned product of the same bits differs from the signed one by b*2^64
// when a < 0 and by a*2^64 when b < 0, which only touches the high half.
func mulh(a, b int64) uint64 {
	hi, _ := bits.Mul64(uint64(a), uint64(b))
	if a < 0 {
		hi -= uint64(b)
	}
	if b < 0 {
		hi -= uint64(a)
	}
	return hi
}

// mulhsu returns the high 64 bits of signed a times unsigned b.
func mulhsu(a int64, b uint64) uint64 {
	hi, _ := bits.Mul64(uint64(a), b)
	if a < 0 {
		hi -= b
	}
	return hi
}

// Division never traps on RISC-V. The M extension's table "Semantics for
// division by zero and division overflow": x/0 = -1 (all ones), x%0 = x;
// the signed overflow MinInt/-1 = MinInt, MinInt%-1 = 0. Go's own
// division gives the overflow results (the spec's "Integer operators": x
// / -1 is -x, which wraps to x, and x % -1 is 0), so only division by zero
// needs a case here. (Testing for MinInt too kept the constant 1<<63 in a
// register across the interpreter's whole loop, and Go loaded it again
// after every instruction: one host instruction in 36.)

func div(a, b int64) int64 {
	if b == 0 {
		return -1
	}
	return a / b
}

func rem(a, b int64) int64 {
	if b == 0 {
		return a
	}
	return a % b
}

func divu(a, b uint64) uint64 {
	if b == 0 {
		return math.MaxUint64
	}
	return a / b
}

func remu(a, b uint64) uint64 {
	if b == 0 {
		return a
	}
	return a % b
}

func divw(a, b int32) int32 {
	if b == 0 {
		return -1
	}
	return a / b
}

func remw(a, b int32) int32 {
	if b == 0 {
		return a
	}
	return a % b
}

func divuw(a, b uint32) uint32 {
	if b == 0 {
		return math.MaxUint32
	}
	return a / b
}

func remuw(a, b uint32) uint32 {
	if b == 0 {
		return a
	}
	return a % b
}

// atomic executes LR, SC or an AMO on address addr with src = rs2's value and
// returns the value for rd, following the unprivileged spec's "A" Standard
// Extension:
//
//   - The address must be naturally aligned. A misaligned LR raises a load
//     address-misaligned exception, a misaligned SC or AMO a store/AMO one
//     (Linux does not emulate these; the program gets SIGBUS).
//   - LR needs a readable page. SC and AMOs read and write, and RISC-V
//     reports any of their faults as store/AMO faults.
//   - The reservation is on the physical address and size of the LR, so
//     that two virtual mappings of a shared page agree. Any SC clears it.
//   - SC succeeds only on a matching reservation and if memory still holds
//     the value the LR loaded, as qemu-riscv64 decides (its SC is a
//     compare-and-swap against the value LR loaded): a store or AMO of this
//     hart that changed the word between LR and SC makes the SC fail, one
//     that wrote the same value back does not. The ISA leaves the choice to
//     the implementation: "An SC may succeed only if no store from another
//     hart to the reservation set can be observed to have occurred between
//     the LR and the SC, and if there is no other SC between the LR and
//     itself in program order." (stores of the hart itself are not named).
//     Other harts' stores need no rule here: there is one hart, and the
//     kernel clears the reservation on every trap (ClearReservation).
//   - "For RV64, 32-bit AMOs always sign-extend the value placed in rd, and
//     ignore the upper 32 bits of the original value of rs2."
func (c *CPU) atomic(o op, addr, src uint64) (uint64, Trap) {
	first, size := opLRD, uint64(8)
	if o <= opAMOMAXUW {
		first, size = opLRW, 4
	}
	k := o - first + opLRW // the .W op of the same kind
	if addr&(size-1) != 0 {
		if k == opLRW {
			return 0, Trap{Cause: CauseLoadMisaligned, Value: addr}
		}
		return 0, Trap{Cause: CauseStoreMisaligned, Value: addr}
	}

	if k == opLRW {
		base, ok := c.translate(addr, accRead)
		if !ok {
			return 0, Trap{Cause: CauseLoadFault, Value: addr}
		}
		pa := base + addr&pageMask
		v := c.readPhys(pa, size)
		c.resvAddr, c.resvSize, c.resvVal = pa, size, v
		return v, Trap{}
	}

	base, okR := c.translate(addr, accRead)
	_, okW := c.translate(addr, accWrite)
	if !okR || !okW {
		return 0, Trap{Cause: CauseStoreFault, Value: addr}
	}
	pa := base + addr&pageMask

	if k == opSCW {
		reserved := c.resvSize == size && c.resvAddr == pa && c.readPhys(pa, size) == c.resvVal
		c.resvSize = 0
		if !reserved {
			return 1, Trap{} // "a nonzero code on failure": 1 on real harts and qemu
		}
		c.writePhys(pa, size, src)
		return 0, Trap{}
	}

	old := c.readPhys(pa, size)
	if size == 4 {
		src = sext32(src) // compare and combine as the 32-bit values they are
	}
	c.writePhys(pa, size, amoResult(k, old, src))
	return old, Trap{}
}

// amoResult computes the value an AMO of kind k (its .W op) stores, from the
// old memory value and rs2. For .W both are sign-extended 32-bit values, on
// which 64-bit signed and unsigned comparisons order exactly as 32-bit ones
// do, and whose low 32 bits are the 32-bit results of the other ops.
func amoResult(k op, old, src uint64) uint64 {
	switch k {
	case opAMOSWAPW:
		return src
	case opAMOADDW:
		return old + src
	case opAMOXORW:
		return old ^ src
	case opAMOANDW:
		return old & src
	case opAMOORW:
		return old | src
	case opAMOMINW:
		return uint64(min(int64(old), int64(src)))
	case opAMOMAXW:
		return uint64(max(int64(old), int64(src)))
	case opAMOMINUW:
		return min(old, src)
	case opAMOMAXUW:
		return max(old, src)
	}
	panic("hw: amoResult of a non-AMO op")
}

// readPhys reads an aligned 4- or 8-byte value at physical address pa; a
// 4-byte value comes back sign-extended.
func (c *CPU) readPhys(pa, size uint64) uint64 {
	if size == 4 {
		return sext32(uint64(binary.LittleEndian.Uint32(c.physPage(pa)[pa&pageMask:])))
	}
	return binary.LittleEndian.Uint64(c.physPage(pa)[pa&pageMask:])
}

// writePhys writes an aligned 4- or 8-byte value at physical address pa,
// and forgets decoded instructions it overwrites.
func (c *CPU) writePhys(pa, size, v uint64) {
	if size == 4 {
		binary.LittleEndian.PutUint32(c.physPage(pa)[pa&pageMask:], uint32(v))
	} else {
		binary.LittleEndian.PutUint64(c.physPage(pa)[pa&pageMask:], v)
	}
	c.wrote(pa, size)
}

// watches reports whether the CPU watches the accesses to the page holding
// va (CPU.watch). An unmapped page counts: the access faults, and is made
// again, first in a Run, once the kernel has mapped the page.
func (c *CPU) watches(va uint64) bool {
	if c.watch == WatchAll || c.PT == nil {
		return true // WatchAll covers every page: no need to look it up
	}
	pte, ok := c.PT.Lookup(va)
	return !ok || c.watch.Covers(pte)
}

// isAccess reports whether o is an integer load, store or atomic: an
// access that AccessOf reports, at which a watching Run stops (CPU.watch).
func isAccess(o op) bool {
	switch o { // the compressed twins of loads and stores (decode_c.go)
	case opCLW:
		o = opLW
	case opCLD:
		o = opLD
	case opCSW:
		o = opSW
	case opCSD:
		o = opSD
	}
	_, ok := accessOf(decodedInst{op: o})
	return ok
}

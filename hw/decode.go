package hw

// Decoding: each instruction (a 32-bit word, or a 16-bit compressed parcel
// that decode_c.go expands to one) is turned once into a decodedInst, a
// compact form the interpreter can execute without looking at bit fields
// again. The decoded forms of a frame live in a decodedPage hung off
// PhysMem.decoded[frame], so every address space that maps the frame (after
// fork, or a shared mapping) shares them.
//
// Encodings follow the RISC-V Unprivileged ISA specification, chapter "RV32I
// Base Integer Instruction Set" (section "Base Instruction Formats" for the
// immediates), chapter "RV64I", chapter "M Extension" and chapter "A
// Extension", and the opcode map in chapter "RV32/64G Instruction Set
// Listings".

// An op names one instruction for the interpreter's switch. The values are
// small and dense so that Go compiles the switch into a jump table.
type op uint8

const (
	opUndecoded op = iota // zero value: the slot has not been decoded yet
	opIllegal             // not an RV64IMAC user instruction; imm holds the word or parcel
	opCross               // a 4-byte instruction in the last parcel of a page (see decodedPage)
	opRefetch             // only in CPU.cross: go back to the real decoded page (see crossPage)

	opLUI
	opAUIPC
	opJAL
	opJALR

	opBEQ
	opBNE
	opBLT
	opBGE
	opBLTU
	opBGEU

	opLB
	opLH
	opLW
	opLD
	opLBU
	opLHU
	opLWU
	opSB
	opSH
	opSW
	opSD

	opADDI
	opSLTI
	opSLTIU
	opXORI
	opORI
	opANDI
	opSLLI
	opSRLI
	opSRAI

	opADD
	opSUB
	opSLL
	opSLT
	opSLTU
	opXOR
	opSRL
	opSRA
	opOR
	opAND

	opADDIW
	opSLLIW
	opSRLIW
	opSRAIW
	opADDW
	opSUBW
	opSLLW
	opSRLW
	opSRAW

	opFENCE // FENCE, FENCE.TSO and FENCE.I: ordering is trivial on one hart
	opECALL
	opEBREAK

	opMUL
	opMULH
	opMULHSU
	opMULHU
	opDIV
	opDIVU
	opREM
	opREMU
	opMULW
	opDIVW
	opDIVUW
	opREMW
	opREMUW

	// The atomics come in two runs of the same order, .W then .D, so that
	// atomic() can tell the width and the operation by subtraction.
	opLRW
	opSCW
	opAMOSWAPW
	opAMOADDW
	opAMOXORW
	opAMOANDW
	opAMOORW
	opAMOMINW
	opAMOMAXW
	opAMOMINUW
	opAMOMAXUW
	opLRD
	opSCD
	opAMOSWAPD
	opAMOADDD
	opAMOXORD
	opAMOANDD
	opAMOORD
	opAMOMIND
	opAMOMAXD
	opAMOMINUD
	opAMOMAXUD

	opFP // F, D and Zicsr: decode_fp.go, execute_fp.go

	numOps
)

// sinkReg is where the decoder sends writes to x0. The interpreter keeps
// the registers in a 64-entry array; x0 is never written, so it reads as 0
// without a test on every write ("x0 is hardwired with all bits equal to 0",
// unprivileged spec, "Programmers' Model for Base Integer ISA"). Source
// register fields stay below 32, so nothing ever reads the sink.
const sinkReg = 32

// A decodedInst is one decoded instruction: 16 bytes.
type decodedInst struct {
	op           op
	rd, rs1, rs2 uint8 // register numbers; rd is sinkReg for x0
	imm          int64 // immediate, sign-extended and shifted into place
}

// parcelsPerPage is how many 16-bit parcels a page holds. With the C
// extension an instruction may start at any 2-byte boundary.
const parcelsPerPage = PageSize / 2

// A decodedPage holds the decoded instructions of one frame, slot i for the
// instruction that starts at byte offset 2*i. Slots are decoded lazily on
// first execution, so a frame that mixes code and data costs nothing for its
// data, and the slot of a parcel in the middle of a 4-byte instruction is
// only used if a jump lands there.
//
// A 4-byte instruction that starts in the last parcel of a page ends in the
// next page, whose frame may change or be written without this page knowing.
// Its slot holds opCross, which tells Run to fetch and decode it afresh on
// every execution (CPU.crossPage): rare, and never stale.
//
// The kernel's writes to a frame drop the whole page (PhysMem.Invalidate,
// PhysMem.Unref). A CPU store instead forgets only the slots it overlaps
// (forget): the effect is the same, as a slot depends only on the four
// bytes from its parcel on, but a program whose data shares a page with its
// code keeps its decoded code, and Run can keep executing from the same
// decodedPage after a store into it, with no check on every store.
type decodedPage struct {
	inst [parcelsPerPage]decodedInst
}

// forget drops the decoded slots whose instruction may overlap bytes
// [off, off+size) of the frame, after a store wrote them: the next fetch
// decodes the new bytes. That is every slot from the parcel before off (a
// 4-byte instruction there reaches into off) to the parcel holding the last
// byte written. Only op needs resetting.
// Precondition: off+size <= PageSize, size >= 1.
func (p *decodedPage) forget(off, size uint64) {
	first := off >> 1
	if first > 0 {
		first--
	}
	for i := first; i <= (off+size-1)>>1; i++ {
		p.inst[i].op = opUndecoded
	}
}

// Major opcodes (inst[6:0]), from the spec's opcode map.
const (
	opcLOAD      = 0x03
	opcMISCMEM   = 0x0f
	opcOPIMM     = 0x13
	opcAUIPC     = 0x17
	opcOPIMM32   = 0x1b
	opcSTORE     = 0x23
	opcAMO       = 0x2f
	opcOP        = 0x33
	opcLUI       = 0x37
	opcOP32      = 0x3b
	opcBRANCH    = 0x63
	opcJALR      = 0x67
	opcJAL       = 0x6f
	opcSYSTEM    = 0x73
	wordECALL    = 0x00000073
	wordEBREAK   = 0x00100073
	funct7M      = 0x01 // funct7 of the M extension's register-register ops
	funct7Alt    = 0x20 // funct7 of SUB, SRA, SUBW, SRAW
	funct6SRAI   = 0x10 // imm[11:6] of SRAI (RV64: 6-bit shift amount)
	funct3Fence  = 0
	funct3FenceI = 1 // FENCE.I (Zifencei)
)

// Immediates of the base instruction formats (unprivileged spec, "Immediate
// Encoding Variants"). Each starts from int32(w) so that bit 31, the sign
// bit of every immediate, is extended by the arithmetic shift.
func immI(w uint32) int64 { return int64(int32(w) >> 20) }
func immS(w uint32) int64 { return int64(int32(w)>>25<<5) | int64(w>>7&0x1f) }
func immU(w uint32) int64 { return int64(int32(w &^ 0xfff)) }

func immB(w uint32) int64 {
	return int64(int32(w)>>31<<12) | int64(w<<4&0x800) | int64(w>>20&0x7e0) | int64(w>>7&0x1e)
}

func immJ(w uint32) int64 {
	return int64(int32(w)>>31<<20) | int64(w&0xff000) | int64(w>>9&0x800) | int64(w>>20&0x7fe)
}

// decode turns one 32-bit instruction word into its decoded form. Anything
// that is not an RV64IMA user-mode instruction decodes to opIllegal with the
// word in imm (the value the kernel reports in the trap).
func decode(w uint32) decodedInst {
	if d, ok := decodeFP(w); ok {
		return d
	}
	o := decodeOp(w)
	if o == opIllegal {
		return decodedInst{op: opIllegal, imm: int64(w)}
	}
	d := decodedInst{
		op:  o,
		rd:  uint8(w >> 7 & 31),
		rs1: uint8(w >> 15 & 31),
		rs2: uint8(w >> 20 & 31),
	}
	if d.rd == 0 {
		d.rd = sinkReg
	}
	switch w & 0x7f {
	case opcLUI, opcAUIPC:
		d.imm = immU(w)
	case opcJAL:
		d.imm = immJ(w)
	case opcBRANCH:
		d.imm = immB(w)
	case opcSTORE:
		d.imm = immS(w)
	case opcJALR, opcLOAD, opcOPIMM, opcOPIMM32:
		d.imm = immI(w)
		if o == opSLLI || o == opSRLI || o == opSRAI {
			d.imm &= 63 // shamt[5:0]; imm[11:6] selected the op
		}
		if o == opSLLIW || o == opSRLIW || o == opSRAIW {
			d.imm &= 31
		}
	}
	return d
}

// decodeOp finds the operation of w, or opIllegal.
func decodeOp(w uint32) op {
	f3 := w >> 12 & 7
	f7 := w >> 25
	switch w & 0x7f {
	case opcLUI:
		return opLUI
	case opcAUIPC:
		return opAUIPC
	case opcJAL:
		return opJAL
	case opcJALR:
		if f3 == 0 {
			return opJALR
		}
	case opcBRANCH:
		return [8]op{opBEQ, opBNE, opIllegal, opIllegal, opBLT, opBGE, opBLTU, opBGEU}[f3]
	case opcLOAD:
		return [8]op{opLB, opLH, opLW, opLD, opLBU, opLHU, opLWU, opIllegal}[f3]
	case opcSTORE:
		return [8]op{opSB, opSH, opSW, opSD, opIllegal, opIllegal, opIllegal, opIllegal}[f3]
	case opcOPIMM:
		return decodeOpImm(f3, w>>26)
	case opcOPIMM32:
		return decodeOpImm32(f3, f7)
	case opcOP:
		return decodeOpReg(f3, f7)
	case opcOP32:
		return decodeOpReg32(f3, f7)
	case opcMISCMEM:
		// "Unused fields in the FENCE instructions ... are reserved for
		// future extensions. ... standard software should zero these
		// fields" and implementations ignore them (spec, "Memory Ordering
		// Instructions"), so every FENCE and FENCE.I is a no-op here.
		if f3 == funct3Fence || f3 == funct3FenceI {
			return opFENCE
		}
	case opcSYSTEM:
		// Only ECALL and EBREAK exist for a user program without Zicsr.
		switch w {
		case wordECALL:
			return opECALL
		case wordEBREAK:
			return opEBREAK
		}
	case opcAMO:
		return decodeAtomic(w, f3)
	}
	return opIllegal
}

// decodeOpImm decodes OP-IMM. On RV64 the shifts take a 6-bit shift amount
// and imm[11:6] (funct6) selects logical or arithmetic right shift.
func decodeOpImm(f3, funct6 uint32) op {
	switch f3 {
	case 0:
		return opADDI
	case 1:
		if funct6 == 0 {
			return opSLLI
		}
	case 2:
		return opSLTI
	case 3:
		return opSLTIU
	case 4:
		return opXORI
	case 5:
		switch funct6 {
		case 0:
			return opSRLI
		case funct6SRAI:
			return opSRAI
		}
	case 6:
		return opORI
	case 7:
		return opANDI
	}
	return opIllegal
}

// decodeOpImm32 decodes OP-IMM-32. The W shifts take a 5-bit shift amount;
// "encodings with imm[5] != 0 are reserved" (spec, RV64I "Integer
// Register-Immediate Instructions"), which the funct7 tests reject.
func decodeOpImm32(f3, f7 uint32) op {
	switch {
	case f3 == 0:
		return opADDIW
	case f3 == 1 && f7 == 0:
		return opSLLIW
	case f3 == 5 && f7 == 0:
		return opSRLIW
	case f3 == 5 && f7 == funct7Alt:
		return opSRAIW
	}
	return opIllegal
}

// decodeOpReg decodes OP: the base register-register ops and, with funct7 1,
// the M extension.
func decodeOpReg(f3, f7 uint32) op {
	switch f7 {
	case 0:
		return [8]op{opADD, opSLL, opSLT, opSLTU, opXOR, opSRL, opOR, opAND}[f3]
	case funct7Alt:
		switch f3 {
		case 0:
			return opSUB
		case 5:
			return opSRA
		}
	case funct7M:
		return [8]op{opMUL, opMULH, opMULHSU, opMULHU, opDIV, opDIVU, opREM, opREMU}[f3]
	}
	return opIllegal
}

// decodeOpReg32 decodes OP-32: the RV64 word ops and the M word ops.
func decodeOpReg32(f3, f7 uint32) op {
	switch f7 {
	case 0:
		return [8]op{opADDW, opSLLW, opIllegal, opIllegal, opIllegal, opSRLW, opIllegal, opIllegal}[f3]
	case funct7Alt:
		switch f3 {
		case 0:
			return opSUBW
		case 5:
			return opSRAW
		}
	case funct7M:
		return [8]op{opMULW, opIllegal, opIllegal, opIllegal, opDIVW, opDIVUW, opREMW, opREMUW}[f3]
	}
	return opIllegal
}

// decodeAtomic decodes the A extension: funct3 2 is .W, 3 is .D; funct5
// (inst[31:27]) selects the operation; inst[26:25] are aq and rl, which
// order memory between harts and mean nothing to a single hart.
func decodeAtomic(w, f3 uint32) op {
	var first op
	switch f3 {
	case 2:
		first = opLRW
	case 3:
		first = opLRD
	default:
		return opIllegal
	}
	var k op // offset of the operation within its run (see the op list)
	switch w >> 27 {
	case 0x02: // LR: "rs2 field ... must be zero" (reserved otherwise)
		if w>>20&31 != 0 {
			return opIllegal
		}
		k = 0
	case 0x03:
		k = opSCW - opLRW
	case 0x01:
		k = opAMOSWAPW - opLRW
	case 0x00:
		k = opAMOADDW - opLRW
	case 0x04:
		k = opAMOXORW - opLRW
	case 0x0c:
		k = opAMOANDW - opLRW
	case 0x08:
		k = opAMOORW - opLRW
	case 0x10:
		k = opAMOMINW - opLRW
	case 0x14:
		k = opAMOMAXW - opLRW
	case 0x18:
		k = opAMOMINUW - opLRW
	case 0x1c:
		k = opAMOMAXUW - opLRW
	default:
		return opIllegal
	}
	return first + k
}

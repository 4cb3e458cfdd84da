package hw

// Compressed instructions (the C extension, RV64C). A 16-bit parcel whose
// two low bits are not 11 is a compressed instruction; "each RVC
// instruction expands into a single 32-bit instruction" (unprivileged spec,
// chapter "C" Standard Extension for Compressed Instructions), so the
// decoder expands the parcel into that instruction word and decodes the word
// as any other (decode). The decoded form is then the one the 32-bit
// instruction has, with its op replaced by a compressed twin (opCADDI for
// opADDI, ...) that Run executes the same way but steps pc by 2, and
// C.JALR links pc+2. C.J, C.JR and C.EBREAK keep the 32-bit ops: the first
// two link nothing (rd is x0) and EBREAK traps without stepping.
//
// The field layouts and expansions follow the spec's tables "Instruction
// listing for RVC, Quadrant 0/1/2" (chapter "RVC Instruction Set
// Listings"), for RV64. Encodings the spec calls reserved are illegal
// instructions; HINTs (C.NOP with a nonzero immediate, C.ADDI with a zero
// one, C.LI, C.LUI, C.MV, C.ADD or C.SLLI with rd = x0, shifts by 0) are
// legal and do what their expansion does, which is nothing visible.
// C.FLD, C.FSD, C.FLDSP and C.FSDSP expand to FLD and FSD, which decode
// as opFP (decode_fp.go); their twin is opCFP.

// The compressed twins of the ops that RV64C instructions expand to, in
// the order of the spec's listings. Run executes each as its 32-bit op and
// then steps pc by 2.
const (
	opCADDI op = numOps + iota // C.ADDI, C.NOP, C.LI, C.ADDI16SP, C.ADDI4SPN
	opCADDIW
	opCLUI
	opCSLLI
	opCSRLI
	opCSRAI
	opCANDI
	opCADD // C.ADD, C.MV
	opCSUB
	opCXOR
	opCOR
	opCAND
	opCADDW
	opCSUBW
	opCJALR
	opCBEQ // C.BEQZ
	opCBNE // C.BNEZ
	opCLW  // C.LW, C.LWSP
	opCLD  // C.LD, C.LDSP
	opCSW  // C.SW, C.SWSP
	opCSD  // C.SD, C.SDSP
	opCFP  // C.FLD, C.FLDSP, C.FSD, C.FSDSP
)

// cTwin maps a 32-bit op to its compressed twin, or to opIllegal for ops no
// compressed instruction expands to.
func cTwin(o op) op {
	switch o {
	case opADDI:
		return opCADDI
	case opADDIW:
		return opCADDIW
	case opLUI:
		return opCLUI
	case opSLLI:
		return opCSLLI
	case opSRLI:
		return opCSRLI
	case opSRAI:
		return opCSRAI
	case opANDI:
		return opCANDI
	case opADD:
		return opCADD
	case opSUB:
		return opCSUB
	case opXOR:
		return opCXOR
	case opOR:
		return opCOR
	case opAND:
		return opCAND
	case opADDW:
		return opCADDW
	case opSUBW:
		return opCSUBW
	case opJALR:
		return opCJALR
	case opBEQ:
		return opCBEQ
	case opBNE:
		return opCBNE
	case opLW:
		return opCLW
	case opLD:
		return opCLD
	case opSW:
		return opCSW
	case opSD:
		return opCSD
	case opFP:
		return opCFP
	}
	return opIllegal
}

// decodeC decodes the compressed instruction parcel p.
func decodeC(p uint16) decodedInst {
	illegal := decodedInst{op: opIllegal, imm: int64(p)} // the trap reports the parcel
	w, ok := ExpandCompressed(p)
	if !ok {
		return illegal
	}
	d := decode(w)
	switch {
	case d.op == opJAL || d.op == opEBREAK:
		// C.J and C.EBREAK: as the 32-bit op (see above).
	case d.op == opJALR && d.rd == sinkReg:
		// C.JR: as JALR.
	case cTwin(d.op) != opIllegal:
		d.op = cTwin(d.op)
	default:
		return illegal
	}
	return d
}

// ExpandCompressed returns the 32-bit instruction word that the compressed
// instruction parcel p stands for, or false if p is not a valid RV64C
// instruction (a reserved encoding, or not compressed at all: p&3 == 3). The
// simulator's disassembler uses it too, so that a trace shows what the CPU
// executes.
func ExpandCompressed(p uint16) (uint32, bool) {
	c := uint32(p)
	f3 := c >> 13
	rd := c >> 7 & 31  // rd/rs1 of the CR, CI and CSS formats
	rs2 := c >> 2 & 31 // rs2 of the CR and CSS formats
	rdp := c>>2&7 + 8  // rd' (CIW, CL) or rs2' (CS, CA): x8..x15
	rs1p := c>>7&7 + 8 // rs1' or rd' (CL, CS, CA, CB): x8..x15
	imm6 := ciImm(c)   // the sign-extended 6-bit immediate of the CI format
	shamt := c>>7&32 | c>>2&31

	switch c&3<<3 | f3 { // quadrant, then funct3
	// Quadrant 0.
	case 0<<3 | 0: // C.ADDI4SPN: addi rd', x2, nzuimm[9:2]
		imm := c>>7&0x30 | c>>1&0x3c0 | c>>4&4 | c>>2&8
		if imm == 0 { // "nzuimm=0 ... reserved" (and the all-zero parcel)
			return 0, false
		}
		return encodeI(opcOPIMM, 0, rdp, 2, int32(imm)), true
	case 0<<3 | 1: // C.FLD: fld rd', uimm(rs1')
		return encodeI(opcLOADFP, 3, rdp, rs1p, int32(clsdImm(c))), true
	case 0<<3 | 2: // C.LW: lw rd', uimm(rs1')
		return encodeI(opcLOAD, 2, rdp, rs1p, int32(clswImm(c))), true
	case 0<<3 | 3: // C.LD: ld rd', uimm(rs1')
		return encodeI(opcLOAD, 3, rdp, rs1p, int32(clsdImm(c))), true
	case 0<<3 | 5: // C.FSD: fsd rs2', uimm(rs1')
		return encodeS(opcSTOREFP, 3, rs1p, rdp, int32(clsdImm(c))), true
	case 0<<3 | 6: // C.SW: sw rs2', uimm(rs1')
		return encodeS(opcSTORE, 2, rs1p, rdp, int32(clswImm(c))), true
	case 0<<3 | 7: // C.SD: sd rs2', uimm(rs1')
		return encodeS(opcSTORE, 3, rs1p, rdp, int32(clsdImm(c))), true

	// Quadrant 1.
	case 1<<3 | 0: // C.ADDI (C.NOP when rd = 0): addi rd, rd, imm
		return encodeI(opcOPIMM, 0, rd, rd, imm6), true
	case 1<<3 | 1: // C.ADDIW: addiw rd, rd, imm; "rd=0 ... reserved"
		if rd == 0 {
			return 0, false
		}
		return encodeI(opcOPIMM32, 0, rd, rd, imm6), true
	case 1<<3 | 2: // C.LI: addi rd, x0, imm
		return encodeI(opcOPIMM, 0, rd, 0, imm6), true
	case 1<<3 | 3:
		if rd == 2 { // C.ADDI16SP: addi x2, x2, nzimm[9:4]
			imm := int32(c<<19)>>22&^0x1ff | int32(c>>2&16|c<<3&32|c<<1&64|c<<4&0x180)
			if imm == 0 {
				return 0, false // "nzimm=0 ... reserved"
			}
			return encodeI(opcOPIMM, 0, 2, 2, imm), true
		}
		if imm6 == 0 { // C.LUI with nzimm = 0 is reserved
			return 0, false
		}
		return rd<<7 | (uint32(imm6)&0xfffff)<<12 | opcLUI, true // C.LUI: lui rd, nzimm[17:12]
	case 1<<3 | 4: // MISC-ALU on rd' = rs1'
		switch c >> 10 & 3 {
		case 0: // C.SRLI: srli rd', rd', shamt
			return encodeI(opcOPIMM, 5, rs1p, rs1p, int32(shamt)), true
		case 1: // C.SRAI: srai rd', rd', shamt
			return encodeI(opcOPIMM, 5, rs1p, rs1p, int32(shamt|funct6SRAI<<6)), true
		case 2: // C.ANDI: andi rd', rd', imm
			return encodeI(opcOPIMM, 7, rs1p, rs1p, imm6), true
		}
		// C.SUB, C.XOR, C.OR, C.AND; with bit 12 set C.SUBW, C.ADDW and two
		// reserved encodings.
		rtype := func(opc, f3, f7 uint32) uint32 {
			return f7<<25 | rdp<<20 | rs1p<<15 | f3<<12 | rs1p<<7 | opc
		}
		switch c>>12&1<<2 | c>>5&3 {
		case 0:
			return rtype(opcOP, 0, funct7Alt), true // sub
		case 1:
			return rtype(opcOP, 4, 0), true // xor
		case 2:
			return rtype(opcOP, 6, 0), true // or
		case 3:
			return rtype(opcOP, 7, 0), true // and
		case 4:
			return rtype(opcOP32, 0, funct7Alt), true // subw
		case 5:
			return rtype(opcOP32, 0, 0), true // addw
		}
		return 0, false
	case 1<<3 | 5: // C.J: jal x0, offset
		return encodeJ(0, cjImm(c)), true
	case 1<<3 | 6: // C.BEQZ: beq rs1', x0, offset
		return encodeB(0, rs1p, cbImm(c)), true
	case 1<<3 | 7: // C.BNEZ: bne rs1', x0, offset
		return encodeB(1, rs1p, cbImm(c)), true

	// Quadrant 2.
	case 2<<3 | 0: // C.SLLI: slli rd, rd, shamt
		return encodeI(opcOPIMM, 1, rd, rd, int32(shamt)), true
	case 2<<3 | 1: // C.FLDSP: fld rd, uimm(x2)
		return encodeI(opcLOADFP, 3, rd, 2, int32(ciSPImm8(c))), true
	case 2<<3 | 2: // C.LWSP: lw rd, uimm(x2); "rd=0 ... reserved"
		if rd == 0 {
			return 0, false
		}
		return encodeI(opcLOAD, 2, rd, 2, int32(c>>7&32|c>>2&28|c<<4&0xc0)), true
	case 2<<3 | 3: // C.LDSP: ld rd, uimm(x2); "rd=0 ... reserved"
		if rd == 0 {
			return 0, false
		}
		return encodeI(opcLOAD, 3, rd, 2, int32(ciSPImm8(c))), true
	case 2<<3 | 4:
		switch {
		case c>>12&1 == 0 && rs2 == 0: // C.JR: jalr x0, 0(rs1); "rs1=0 ... reserved"
			if rd == 0 {
				return 0, false
			}
			return encodeI(opcJALR, 0, 0, rd, 0), true
		case c>>12&1 == 0: // C.MV: add rd, x0, rs2
			return rs2<<20 | rd<<7 | opcOP, true
		case rd == 0 && rs2 == 0: // C.EBREAK
			return wordEBREAK, true
		case rs2 == 0: // C.JALR: jalr x1, 0(rs1)
			return encodeI(opcJALR, 0, 1, rd, 0), true
		}
		return rs2<<20 | rd<<15 | rd<<7 | opcOP, true // C.ADD: add rd, rd, rs2
	case 2<<3 | 5: // C.FSDSP: fsd rs2, uimm(x2)
		return encodeS(opcSTOREFP, 3, 2, rs2, int32(c>>7&0x38|c>>1&0x1c0)), true
	case 2<<3 | 6: // C.SWSP: sw rs2, uimm(x2)
		return encodeS(opcSTORE, 2, 2, rs2, int32(c>>7&0x3c|c>>1&0xc0)), true
	case 2<<3 | 7: // C.SDSP: sd rs2, uimm(x2)
		return encodeS(opcSTORE, 3, 2, rs2, int32(c>>7&0x38|c>>1&0x1c0)), true
	}
	// Quadrant 0 funct3 100 is reserved; quadrant 3 is not compressed.
	return 0, false
}

// The immediates of the compressed formats. Bit positions are those of the
// spec's format figures ("Compressed 16-bit RVC instruction formats" and
// the listings), written as shifts of the parcel c.

// ciImm is imm[5] = c[12], imm[4:0] = c[6:2], sign-extended (C.ADDI, C.LI,
// C.ADDIW, C.ANDI, and nzimm[17:12] of C.LUI).
func ciImm(c uint32) int32 { return int32(c<<19)>>26&^31 | int32(c>>2&31) }

// clswImm is C.LW/C.SW's uimm[5:3] = c[12:10], uimm[2] = c[6], uimm[6] = c[5].
func clswImm(c uint32) uint32 { return c>>7&0x38 | c>>4&4 | c<<1&0x40 }

// clsdImm is C.LD/C.SD/C.FLD/C.FSD's uimm[5:3] = c[12:10], uimm[7:6] = c[6:5].
func clsdImm(c uint32) uint32 { return c>>7&0x38 | c<<1&0xc0 }

// ciSPImm8 is C.LDSP/C.FLDSP's uimm[5] = c[12], uimm[4:3] = c[6:5],
// uimm[8:6] = c[4:2].
func ciSPImm8(c uint32) uint32 { return c>>7&32 | c>>2&0x18 | c<<4&0x1c0 }

// cjImm is C.J's offset[11|4|9:8|10|6|7|3:1|5] = c[12:2], sign-extended.
func cjImm(c uint32) int32 {
	return int32(c<<19)>>31<<11 | int32(c>>7&16|c>>1&0x300|c<<2&0x400|c>>1&0x40|c<<1&0x80|c>>2&14|c<<3&32)
}

// cbImm is C.BEQZ/C.BNEZ's offset[8|4:3] = c[12:10], offset[7:6|2:1|5] =
// c[6:2], sign-extended.
func cbImm(c uint32) int32 {
	return int32(c<<19)>>31<<8 | int32(c>>7&0x18|c<<1&0xc0|c>>2&6|c<<3&32)
}

// Encoders of the 32-bit formats the expansions produce (spec, "Base
// Instruction Formats"); registers are 0..31, immediates already in range.

func encodeI(opc, f3, rd, rs1 uint32, imm int32) uint32 {
	return uint32(imm)<<20 | rs1<<15 | f3<<12 | rd<<7 | opc
}

func encodeS(opc, f3, rs1, rs2 uint32, imm int32) uint32 {
	u := uint32(imm)
	return u>>5<<25 | rs2<<20 | rs1<<15 | f3<<12 | u&31<<7 | opc
}

// encodeB encodes a branch on rs1 against x0.
func encodeB(f3, rs1 uint32, off int32) uint32 {
	u := uint32(off)
	return u>>12&1<<31 | u>>5&0x3f<<25 | rs1<<15 | f3<<12 | u>>1&15<<8 | u>>11&1<<7 | opcBRANCH
}

func encodeJ(rd uint32, off int32) uint32 {
	u := uint32(off)
	return u>>20&1<<31 | u>>1&0x3ff<<21 | u>>11&1<<20 | u>>12&0xff<<12 | rd<<7 | opcJAL
}

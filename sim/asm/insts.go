package asm

// The instruction table. One row per RV64IMA instruction (RISC-V Unprivileged ISA,
// version 20191213: chapter 2 "RV32I", chapter 5 "RV64I", chapter 7 "M", chapter 8
// "A", chapter 24 "Instruction Set Listings"). A row gives the mnemonic, the operand
// format, and the bits every encoding of the instruction has: word&mask == match.
// The assembler ORs register and immediate fields into match; the disassembler
// finds the row whose mask and match fit the word. The same idea (and the same
// names) as binutils' opcodes/riscv-opc.c.

// format is an instruction's operand syntax, which also fixes its encoding type.
type format int

const (
	fmtR      format = iota // rd, rs1, rs2                  R-type
	fmtI                    // rd, rs1, imm12                I-type
	fmtShift                // rd, rs1, shamt                I-type, shamt of 6 (or 5) bits
	fmtLoad                 // rd, imm12(rs1)                I-type
	fmtStore                // rs2, imm12(rs1)               S-type
	fmtBranch               // rs1, rs2, target (±4 KiB)     B-type
	fmtU                    // rd, imm20                     U-type
	fmtJAL                  // rd, target (±1 MiB)           J-type
	fmtJALR                 // rd, imm12(rs1)                I-type
	fmtFence                // pred, succ                    I-type (fm, pred, succ)
	fmtNone                 // no operands
	fmtLR                   // rd, (rs1)                     R-type, rs2 = 0
	fmtAMO                  // rd, rs2, (rs1)                R-type
	fmtOps                  // as instDef.ops spells them    F, D, Zicsr (insts_fp.go)
	fmtC                    // as instDef.ops spells them    16-bit, C extension (insts_c.go)
)

type instDef struct {
	name      string
	format    format
	match     uint32 // bits set in every encoding
	mask      uint32 // which bits match fixes
	shamtBits int    // fmtShift: 6 for RV64 shifts, 5 for the W forms
	ops       string // fmtOps, fmtC: the operands, one letter each (insts_fp.go, insts_c.go)
	rm        uint32 // fmtOps: the rounding mode when the "m" operand is left out
	fp        bool   // fmtLoad, fmtStore: the data register is a float register
}

// Major opcodes (bits 6:0), Table 24.1 of the spec.
const (
	opLoad    = 0x03
	opMiscMem = 0x0f
	opImm     = 0x13
	opAUIPC   = 0x17
	opImm32   = 0x1b
	opStore   = 0x23
	opAMO     = 0x2f
	opOp      = 0x33
	opLUI     = 0x37
	opOp32    = 0x3b
	opBranch  = 0x63
	opJALR    = 0x67
	opJAL     = 0x6f
	opSystem  = 0x73
)

func rType(name string, opcode, f3, f7 uint32) instDef {
	return instDef{name: name, format: fmtR, match: f7<<25 | f3<<12 | opcode, mask: 0xfe00707f}
}

func iType(name string, f format, opcode, f3 uint32) instDef {
	return instDef{name: name, format: f, match: f3<<12 | opcode, mask: 0x707f}
}

// shift: the immediate's top bits (funct6 for 64-bit shifts, funct7 for W forms)
// are part of the opcode.
func shift(name string, opcode, f3, top uint32, bits int) instDef {
	if bits == 6 {
		return instDef{name: name, format: fmtShift, match: top<<26 | f3<<12 | opcode, mask: 0xfc00707f, shamtBits: 6}
	}
	return instDef{name: name, format: fmtShift, match: top<<25 | f3<<12 | opcode, mask: 0xfe00707f, shamtBits: 5}
}

func exact(name string, f format, word uint32) instDef {
	return instDef{name: name, format: f, match: word, mask: 0xffffffff}
}

var baseTable = []instDef{
	// RV32I and RV64I base (chapters 2 and 5).
	{name: "lui", format: fmtU, match: opLUI, mask: 0x7f},
	{name: "auipc", format: fmtU, match: opAUIPC, mask: 0x7f},
	{name: "jal", format: fmtJAL, match: opJAL, mask: 0x7f},
	iType("jalr", fmtJALR, opJALR, 0),
	iType("beq", fmtBranch, opBranch, 0),
	iType("bne", fmtBranch, opBranch, 1),
	iType("blt", fmtBranch, opBranch, 4),
	iType("bge", fmtBranch, opBranch, 5),
	iType("bltu", fmtBranch, opBranch, 6),
	iType("bgeu", fmtBranch, opBranch, 7),
	iType("lb", fmtLoad, opLoad, 0),
	iType("lh", fmtLoad, opLoad, 1),
	iType("lw", fmtLoad, opLoad, 2),
	iType("ld", fmtLoad, opLoad, 3),
	iType("lbu", fmtLoad, opLoad, 4),
	iType("lhu", fmtLoad, opLoad, 5),
	iType("lwu", fmtLoad, opLoad, 6),
	iType("sb", fmtStore, opStore, 0),
	iType("sh", fmtStore, opStore, 1),
	iType("sw", fmtStore, opStore, 2),
	iType("sd", fmtStore, opStore, 3),
	iType("addi", fmtI, opImm, 0),
	iType("slti", fmtI, opImm, 2),
	iType("sltiu", fmtI, opImm, 3),
	iType("xori", fmtI, opImm, 4),
	iType("ori", fmtI, opImm, 6),
	iType("andi", fmtI, opImm, 7),
	shift("slli", opImm, 1, 0x00, 6),
	shift("srli", opImm, 5, 0x00, 6),
	shift("srai", opImm, 5, 0x10, 6),
	rType("add", opOp, 0, 0x00),
	rType("sub", opOp, 0, 0x20),
	rType("sll", opOp, 1, 0x00),
	rType("slt", opOp, 2, 0x00),
	rType("sltu", opOp, 3, 0x00),
	rType("xor", opOp, 4, 0x00),
	rType("srl", opOp, 5, 0x00),
	rType("sra", opOp, 5, 0x20),
	rType("or", opOp, 6, 0x00),
	rType("and", opOp, 7, 0x00),
	iType("addiw", fmtI, opImm32, 0),
	shift("slliw", opImm32, 1, 0x00, 5),
	shift("srliw", opImm32, 5, 0x00, 5),
	shift("sraiw", opImm32, 5, 0x20, 5),
	rType("addw", opOp32, 0, 0x00),
	rType("subw", opOp32, 0, 0x20),
	rType("sllw", opOp32, 1, 0x00),
	rType("srlw", opOp32, 5, 0x00),
	rType("sraw", opOp32, 5, 0x20),
	// FENCE: fm=0, rs1=rd=0; FENCE.TSO is fm=1000 pred=RW succ=RW (section 2.7).
	{name: "fence", format: fmtFence, match: opMiscMem, mask: 0xf00fffff},
	exact("fence.tso", fmtNone, 0x8330000f),
	exact("fence.i", fmtNone, 0x0000100f), // Zifencei, chapter 3
	exact("ecall", fmtNone, 0x00000073),
	exact("ebreak", fmtNone, 0x00100073),
	// M extension (chapter 7): funct7 = 1.
	rType("mul", opOp, 0, 1),
	rType("mulh", opOp, 1, 1),
	rType("mulhsu", opOp, 2, 1),
	rType("mulhu", opOp, 3, 1),
	rType("div", opOp, 4, 1),
	rType("divu", opOp, 5, 1),
	rType("rem", opOp, 6, 1),
	rType("remu", opOp, 7, 1),
	rType("mulw", opOp32, 0, 1),
	rType("divw", opOp32, 4, 1),
	rType("divuw", opOp32, 5, 1),
	rType("remw", opOp32, 6, 1),
	rType("remuw", opOp32, 7, 1),
}

// atomics lists the A extension (chapter 8) by funct5; each comes in .w (funct3 2)
// and .d (funct3 3) widths, each with the ordering suffixes "", .aq, .rl, .aqrl
// (bits 26 and 25).
var atomics = []struct {
	name   string
	funct5 uint32
}{
	{"lr", 0x02}, {"sc", 0x03}, {"amoswap", 0x01}, {"amoadd", 0x00}, {"amoxor", 0x04},
	{"amoand", 0x0c}, {"amoor", 0x08}, {"amomin", 0x10}, {"amomax", 0x14},
	{"amominu", 0x18}, {"amomaxu", 0x1c},
}

// instTable is baseTable plus the generated atomics; instByName indexes it and
// the F, D and Zicsr rows of fpRows.
var (
	instTable  []instDef
	fpRows     = fpTable()
	instByName = map[string]*instDef{}
)

func init() {
	instTable = append(instTable, baseTable...)
	for _, a := range atomics {
		for _, width := range []struct {
			suffix string
			f3     uint32
		}{{".w", 2}, {".d", 3}} {
			for _, order := range []struct {
				suffix string
				bits   uint32
			}{{"", 0}, {".aq", 2}, {".rl", 1}, {".aqrl", 3}} {
				d := instDef{
					name:   a.name + width.suffix + order.suffix,
					format: fmtAMO,
					match:  a.funct5<<27 | order.bits<<25 | width.f3<<12 | opAMO,
					mask:   0xfe00707f,
				}
				if a.name == "lr" {
					d.format = fmtLR
					d.mask = 0xfff0707f // rs2 must be 0
				}
				instTable = append(instTable, d)
			}
		}
	}
	for i := range instTable {
		instByName[instTable[i].name] = &instTable[i]
	}
	for i := range fpRows {
		instByName[fpRows[i].name] = &fpRows[i]
	}
}

// Encoding of the immediate of each instruction type (spec figure 2.4).

func encodeR(d *instDef, rd, rs1, rs2 int) uint32 {
	return d.match | uint32(rd)<<7 | uint32(rs1)<<15 | uint32(rs2)<<20
}

func encodeI(d *instDef, rd, rs1 int, imm int64) uint32 {
	return d.match | uint32(rd)<<7 | uint32(rs1)<<15 | (uint32(imm)&0xfff)<<20
}

func encodeS(d *instDef, rs1, rs2 int, imm int64) uint32 {
	u := uint32(imm)
	return d.match | (u>>5&0x7f)<<25 | uint32(rs2)<<20 | uint32(rs1)<<15 | (u&0x1f)<<7
}

func encodeB(d *instDef, rs1, rs2 int, off int64) uint32 {
	u := uint32(off)
	return d.match | (u>>12&1)<<31 | (u>>5&0x3f)<<25 | uint32(rs2)<<20 | uint32(rs1)<<15 |
		(u>>1&0xf)<<8 | (u>>11&1)<<7
}

func encodeU(d *instDef, rd int, imm20 int64) uint32 {
	return d.match | uint32(rd)<<7 | (uint32(imm20)&0xfffff)<<12
}

func encodeJ(d *instDef, rd int, off int64) uint32 {
	u := uint32(off)
	return d.match | (u>>20&1)<<31 | (u>>1&0x3ff)<<21 | (u>>11&1)<<20 | (u>>12&0xff)<<12 | uint32(rd)<<7
}

// Field extraction for the disassembler.

func fieldRd(w uint32) int  { return int(w >> 7 & 31) }
func fieldRs1(w uint32) int { return int(w >> 15 & 31) }
func fieldRs2(w uint32) int { return int(w >> 20 & 31) }

func immI(w uint32) int64 { return int64(int32(w) >> 20) }
func immS(w uint32) int64 { return int64(int32(w)>>25<<5) | int64(w>>7&0x1f) }
func immB(w uint32) int64 {
	return int64(int32(w)>>31<<12) | int64(w>>7&1)<<11 | int64(w>>25&0x3f)<<5 | int64(w>>8&0xf)<<1
}
func immU(w uint32) int64 { return int64(w >> 12) }
func immJ(w uint32) int64 {
	return int64(int32(w)>>31<<20) | int64(w>>12&0xff)<<12 | int64(w>>20&1)<<11 | int64(w>>21&0x3ff)<<1
}

// lookupWord finds the table row of an instruction word, or nil.
func lookupWord(w uint32) *instDef {
	for i := range instTable {
		if w&instTable[i].mask == instTable[i].match {
			return &instTable[i]
		}
	}
	return nil
}

// Register names: x0..x31 and the ABI names of the psABI ("RISC-V ELF psABI",
// table "Integer register convention"); fp is another name for s0.
var abiNames = [32]string{
	"zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2",
	"s0", "s1", "a0", "a1", "a2", "a3", "a4", "a5",
	"a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7",
	"s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
}

var regByName = map[string]int{"fp": 8}

func init() {
	for i, n := range abiNames {
		regByName[n] = i
		regByName["x"+itoa(i)] = i
	}
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return string(rune('0'+i/10)) + string(rune('0'+i%10))
}

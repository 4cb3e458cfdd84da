package hw

import "fmt"

// A tiny test-only RV64IMA encoder, so that CPU tests can build programs by
// hand without the assembler (sim/asm) being a dependency of hw. Register
// operands are plain numbers (x0..x31); TestEncoderMatchesGNUAs checks the
// encodings against words produced by GNU as.

type encoding struct {
	opc, f3, f7 uint32
}

// rOps are the register-register instructions, including the M extension.
var rOps = map[string]encoding{
	"add": {0x33, 0, 0x00}, "sub": {0x33, 0, 0x20}, "sll": {0x33, 1, 0}, "slt": {0x33, 2, 0},
	"sltu": {0x33, 3, 0}, "xor": {0x33, 4, 0}, "srl": {0x33, 5, 0}, "sra": {0x33, 5, 0x20},
	"or": {0x33, 6, 0}, "and": {0x33, 7, 0},
	"addw": {0x3b, 0, 0}, "subw": {0x3b, 0, 0x20}, "sllw": {0x3b, 1, 0}, "srlw": {0x3b, 5, 0},
	"sraw": {0x3b, 5, 0x20},
	"mul":  {0x33, 0, 1}, "mulh": {0x33, 1, 1}, "mulhsu": {0x33, 2, 1}, "mulhu": {0x33, 3, 1},
	"div": {0x33, 4, 1}, "divu": {0x33, 5, 1}, "rem": {0x33, 6, 1}, "remu": {0x33, 7, 1},
	"mulw": {0x3b, 0, 1}, "divw": {0x3b, 4, 1}, "divuw": {0x3b, 5, 1}, "remw": {0x3b, 6, 1},
	"remuw": {0x3b, 7, 1},
}

// iOps are the register-immediate, load and JALR instructions. For shifts
// f7 holds imm[11:5] (imm[11:6] for the RV64 6-bit shifts, shifted left 1).
var iOps = map[string]encoding{
	"addi": {0x13, 0, 0}, "slti": {0x13, 2, 0}, "sltiu": {0x13, 3, 0}, "xori": {0x13, 4, 0},
	"ori": {0x13, 6, 0}, "andi": {0x13, 7, 0},
	"slli": {0x13, 1, 0}, "srli": {0x13, 5, 0}, "srai": {0x13, 5, 0x20},
	"addiw": {0x1b, 0, 0}, "slliw": {0x1b, 1, 0}, "srliw": {0x1b, 5, 0}, "sraiw": {0x1b, 5, 0x20},
	"lb": {0x03, 0, 0}, "lh": {0x03, 1, 0}, "lw": {0x03, 2, 0}, "ld": {0x03, 3, 0},
	"lbu": {0x03, 4, 0}, "lhu": {0x03, 5, 0}, "lwu": {0x03, 6, 0},
	"jalr": {0x67, 0, 0},
}

var sOps = map[string]uint32{"sb": 0, "sh": 1, "sw": 2, "sd": 3}

var bOps = map[string]uint32{"beq": 0, "bne": 1, "blt": 4, "bge": 5, "bltu": 6, "bgeu": 7}

// amoOps maps the operation name (without .w/.d) to funct5.
var amoOps = map[string]uint32{
	"lr": 0x02, "sc": 0x03, "amoswap": 0x01, "amoadd": 0x00, "amoxor": 0x04,
	"amoand": 0x0c, "amoor": 0x08, "amomin": 0x10, "amomax": 0x14,
	"amominu": 0x18, "amomaxu": 0x1c,
}

func lookup[V any](m map[string]V, name string) V {
	v, ok := m[name]
	if !ok {
		panic(fmt.Sprintf("encoder: unknown mnemonic %q", name))
	}
	return v
}

// encR encodes "name rd, rs1, rs2".
func encR(name string, rd, rs1, rs2 uint32) uint32 {
	e := lookup(rOps, name)
	return e.f7<<25 | rs2<<20 | rs1<<15 | e.f3<<12 | rd<<7 | e.opc
}

// encI encodes "name rd, rs1, imm" (for loads and jalr: "name rd, imm(rs1)").
// Shift immediates are the shift amount.
func encI(name string, rd, rs1 uint32, imm int64) uint32 {
	e := lookup(iOps, name)
	return (uint32(imm)&0xfff|e.f7<<5)<<20 | rs1<<15 | e.f3<<12 | rd<<7 | e.opc
}

// encS encodes "name rs2, imm(rs1)".
func encS(name string, rs2, rs1 uint32, imm int64) uint32 {
	f3 := lookup(sOps, name)
	u := uint32(imm)
	return (u>>5&0x7f)<<25 | rs2<<20 | rs1<<15 | f3<<12 | (u&0x1f)<<7 | 0x23
}

// encB encodes "name rs1, rs2, offset" with offset relative to the branch.
func encB(name string, rs1, rs2 uint32, off int64) uint32 {
	f3 := lookup(bOps, name)
	u := uint32(off)
	return (u>>12&1)<<31 | (u>>5&0x3f)<<25 | rs2<<20 | rs1<<15 | f3<<12 |
		(u>>1&0xf)<<8 | (u>>11&1)<<7 | 0x63
}

// encLUI and encAUIPC take the 20-bit upper immediate, as the assembler does.
func encLUI(rd uint32, imm20 uint32) uint32   { return imm20<<12 | rd<<7 | 0x37 }
func encAUIPC(rd uint32, imm20 uint32) uint32 { return imm20<<12 | rd<<7 | 0x17 }

// encJAL encodes "jal rd, offset".
func encJAL(rd uint32, off int64) uint32 {
	u := uint32(off)
	return (u>>20&1)<<31 | (u>>1&0x3ff)<<21 | (u>>11&1)<<20 | (u>>12&0xff)<<12 | rd<<7 | 0x6f
}

// encAMO encodes "name.w rd, rs2, (rs1)" or ".d"; for lr rs2 must be 0.
func encAMO(name string, wide bool, rd, rs1, rs2 uint32) uint32 {
	f5 := lookup(amoOps, name)
	f3 := uint32(2)
	if wide {
		f3 = 3
	}
	return f5<<27 | rs2<<20 | rs1<<15 | f3<<12 | rd<<7 | 0x2f
}

// wordECALL and wordEBREAK come from decode.go.
const (
	wordFENCE = 0x0ff0000f // fence iorw, iorw
	wordNOP   = 0x00000013 // addi x0, x0, 0
)

// li returns instructions that load the 32-bit signed value v into rd
// (lui + addiw, as the assembler's li does for such values).
func li(rd uint32, v int32) []uint32 {
	lo := int64(v) << 52 >> 52 // low 12 bits, sign-extended
	hi := uint32((int64(v) - lo) >> 12)
	if hi&0xfffff == 0 {
		return []uint32{encI("addi", rd, 0, lo)}
	}
	return []uint32{encLUI(rd, hi&0xfffff), encI("addiw", rd, rd, lo)}
}

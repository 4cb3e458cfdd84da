package asm

import (
	"fmt"
	"strings"

	"ipcsim/hw"
)

// Disassemble returns the text of one instruction at address pc, in the style of
// GNU objdump's default output (with its aliases: li, mv, nop, ret, j, jr, beqz,
// zext.b, ...; but not its newer habit of writing addi as "add"), one space after the mnemonic, ", " between operands, and branch and jump
// targets as absolute hex addresses: "addi a0, a0, 1", "li a7, 64",
// "jal ra, 0x10074", "ecall". A word that is not an RV64IMAFD or Zicsr instruction gives
// "unknown 0x00000000".
//
// A compressed instruction (inst&3 != 3; its 16-bit parcel in the low half)
// is shown as objdump shows it by default: as the instruction it expands to
// (hw.ExpandCompressed, what the CPU executes), with the same aliases, and
// c.mv as "mv": "c.addi a0, 1" reads "addi a0, a0, 1". A reserved parcel
// gives "unknown" and inst, as any unknown word.
func Disassemble(inst uint32, pc uint64) string {
	if inst&3 != 3 {
		p := uint16(inst)
		w, ok := hw.ExpandCompressed(p)
		if !ok {
			return fmt.Sprintf("unknown %#08x", inst)
		}
		if rs2, rd := w>>20&31, w>>7&31; w&^(31<<20|31<<7) == 0x33 && rd != 0 && rs2 != 0 && p>>12&1 == 0 {
			return "mv " + abiNames[rd] + ", " + abiNames[rs2] // c.mv: add rd, zero, rs2
		}
		return Disassemble(w, pc)
	}
	if s, ok := disassembleFP(inst); ok {
		return s // F, D and Zicsr: disasm_fp.go
	}
	d := lookupWord(inst)
	if d == nil {
		return fmt.Sprintf("unknown %#08x", inst)
	}
	rd, rs1, rs2 := fieldRd(inst), fieldRs1(inst), fieldRs2(inst)
	r := func(i int) string { return abiNames[i] }
	target := func(off int64) string { return fmt.Sprintf("%#x", pc+uint64(off)) }
	op := instText
	imm := immI(inst)
	switch d.format {
	case fmtR:
		switch {
		case d.name == "sub" && rs1 == 0:
			return op("neg", r(rd), r(rs2))
		case d.name == "subw" && rs1 == 0:
			return op("negw", r(rd), r(rs2))
		case d.name == "sltu" && rs1 == 0:
			return op("snez", r(rd), r(rs2))
		case d.name == "slt" && rs2 == 0:
			return op("sltz", r(rd), r(rs1))
		case d.name == "slt" && rs1 == 0:
			return op("sgtz", r(rd), r(rs2))
		}
		return op(d.name, r(rd), r(rs1), r(rs2))
	case fmtI:
		switch {
		case d.name == "addi" && rd == 0 && rs1 == 0 && imm == 0:
			return "nop"
		case d.name == "addi" && rs1 == 0:
			return op("li", r(rd), fmt.Sprint(imm))
		case d.name == "addi" && imm == 0:
			return op("mv", r(rd), r(rs1))
		case d.name == "addiw" && imm == 0:
			return op("sext.w", r(rd), r(rs1))
		case d.name == "xori" && imm == -1:
			return op("not", r(rd), r(rs1))
		case d.name == "andi" && imm == 255:
			return op("zext.b", r(rd), r(rs1))
		case d.name == "sltiu" && imm == 1:
			return op("seqz", r(rd), r(rs1))
		}
		return op(d.name, r(rd), r(rs1), fmt.Sprint(imm))
	case fmtShift:
		return op(d.name, r(rd), r(rs1), fmt.Sprintf("%#x", imm&(1<<d.shamtBits-1)))
	case fmtLoad:
		return op(d.name, r(rd), fmt.Sprintf("%d(%s)", imm, r(rs1)))
	case fmtStore:
		return op(d.name, r(rs2), fmt.Sprintf("%d(%s)", immS(inst), r(rs1)))
	case fmtBranch:
		t := target(immB(inst))
		switch {
		case d.name == "beq" && rs2 == 0:
			return op("beqz", r(rs1), t)
		case d.name == "bne" && rs2 == 0:
			return op("bnez", r(rs1), t)
		case d.name == "bge" && rs1 == 0:
			return op("blez", r(rs2), t)
		case d.name == "bge" && rs2 == 0:
			return op("bgez", r(rs1), t)
		case d.name == "blt" && rs2 == 0:
			return op("bltz", r(rs1), t)
		case d.name == "blt" && rs1 == 0:
			return op("bgtz", r(rs2), t)
		}
		return op(d.name, r(rs1), r(rs2), t)
	case fmtU:
		return op(d.name, r(rd), fmt.Sprintf("%#x", immU(inst)))
	case fmtJAL:
		if rd == 0 {
			return op("j", target(immJ(inst)))
		}
		return op("jal", r(rd), target(immJ(inst)))
	case fmtJALR:
		switch {
		case rd == 0 && rs1 == 1 && imm == 0:
			return "ret"
		case rd == 0 && imm == 0:
			return op("jr", r(rs1))
		case rd == 1 && imm == 0:
			return op("jalr", r(rs1))
		}
		return op("jalr", r(rd), fmt.Sprintf("%d(%s)", imm, r(rs1)))
	case fmtFence:
		pred, succ := inst>>24&15, inst>>20&15
		if pred == 15 && succ == 15 {
			return "fence"
		}
		if pred == 0 || succ == 0 {
			return fmt.Sprintf("unknown %#08x", inst)
		}
		return op("fence", fenceSetName(pred), fenceSetName(succ))
	case fmtNone:
		return d.name
	case fmtLR:
		return op(d.name, r(rd), "("+r(rs1)+")")
	case fmtAMO:
		return op(d.name, r(rd), r(rs2), "("+r(rs1)+")")
	}
	return fmt.Sprintf("unknown %#08x", inst)
}

// fenceSetName spells a FENCE set as letters of "iorw" (I=8 O=4 R=2 W=1).
func fenceSetName(bits uint32) string {
	s := ""
	for i, c := range "iorw" {
		if bits&(8>>i) != 0 {
			s += string(c)
		}
	}
	return s
}

// instText renders an instruction as the disassembler writes it: its name,
// then its operands separated by ", " ("addi a0, a0, 1", "ecall").
func instText(name string, args ...string) string {
	if len(args) == 0 {
		return name
	}
	return name + " " + strings.Join(args, ", ")
}

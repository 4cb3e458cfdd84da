package asm

import (
	"fmt"
	"strings"
)

// The C extension (RISC-V Unprivileged ISA, version 20191213, chapter 16
// "C" Standard Extension for Compressed Instructions, and its listings in
// section 16.8) for RV64 with D, as GNU as 2.40 takes it: the explicit c.*
// mnemonics of binutils' opcodes/riscv-opc.c, and, under ".option rvc", the
// compression of an ordinary instruction into its 16-bit form when one
// exists (riscv-opc.c lists a compressed row before the 32-bit one of the
// same mnemonic; GNU as takes the first whose operands fit).
//
// A row's ops spell its operands with riscv-opc.c's letters, between commas:
//
//	d   any integer register in bits 11:7        D   any float register in bits 11:7
//	Cs  x8..x15 in bits 9:7 (rs1', rd')           Ct  x8..x15 in bits 4:2 (rs2', rd')
//	CV  any integer register in bits 6:2 (rs2)   CD  f8..f15 in bits 4:2
//	CT  any float register in bits 6:2            Cc  sp, no bits
//	Co  6-bit signed immediate                    Cj  Co but not 0
//	Cu  c.lui immediate: 1..31 or 0xfffe0..0xfffff (the 20-bit value of lui)
//	C>  shift amount 1..63                        CK  c.addi4spn: 4..1020, a multiple of 4
//	CL  c.addi16sp: -512..496, a multiple of 16, not 0
//	Ck  c.lw/c.sw offset: 0..124, a multiple of 4 Cl  c.ld/c.sd/c.fld/c.fsd: 0..248, a multiple of 8
//	Cm  c.lwsp offset: 0..252, a multiple of 4    Cn  c.ldsp/c.fldsp: 0..504, a multiple of 8
//	CM  c.swsp offset (as Cm)                     CN  c.sdsp/c.fsdsp offset (as Cn)
//	Cp  c.beqz/c.bnez target: ±256 B              Ca  c.j target: ±2 KiB
//
// and "(...)" around the base register of a load or store. Registers land
// in instItem's rd (bits 11:7), rs1 (bits 9:7) and rs2 (bits 6:2 or 4:2).

// cRule is a condition of riscv-opc.c's match functions beyond the operand
// letters.
type cRule int

const (
	cAny        cRule = iota
	cRdNonzero        // match_rd_nonzero: c.addiw, c.lwsp, c.ldsp, c.jr, c.jalr
	cRs2Nonzero       // match_c_add_with_hint: c.mv, c.add (rd may be zero, a hint)
	cLui              // match_c_lui_with_hint: rd not sp
	cShift            // match_c_slli: c.slli with rd zero is a hint, allowed
)

type cRow struct {
	name  string
	ops   string
	match uint16
	rule  cRule
}

var cRows = []cRow{
	{"c.unimp", "", 0x0000, cAny},
	{"c.ebreak", "", 0x9002, cAny},
	{"c.jr", "d", 0x8002, cRdNonzero},
	{"c.jalr", "d", 0x9002, cRdNonzero},
	{"c.j", "Ca", 0xa001, cAny},
	{"c.beqz", "Cs,Cp", 0xc001, cAny},
	{"c.bnez", "Cs,Cp", 0xe001, cAny},
	{"c.lwsp", "d,Cm(Cc)", 0x4002, cRdNonzero},
	{"c.lw", "Ct,Ck(Cs)", 0x4000, cAny},
	{"c.swsp", "CV,CM(Cc)", 0xc002, cAny},
	{"c.sw", "Ct,Ck(Cs)", 0xc000, cAny},
	{"c.nop", "", 0x0001, cAny},
	{"c.mv", "d,CV", 0x8002, cRs2Nonzero},
	{"c.lui", "d,Cu", 0x6001, cLui},
	{"c.li", "d,Co", 0x4001, cAny},
	{"c.addi4spn", "Ct,Cc,CK", 0x0000, cAny},
	{"c.addi16sp", "Cc,CL", 0x6101, cAny},
	{"c.addi", "d,Co", 0x0001, cAny},
	{"c.add", "d,CV", 0x9002, cRs2Nonzero},
	{"c.sub", "Cs,Ct", 0x8c01, cAny},
	{"c.xor", "Cs,Ct", 0x8c21, cAny},
	{"c.or", "Cs,Ct", 0x8c41, cAny},
	{"c.and", "Cs,Ct", 0x8c61, cAny},
	{"c.slli", "d,C>", 0x0002, cShift},
	{"c.slli64", "d", 0x0002, cAny},
	{"c.srli64", "Cs", 0x8001, cAny},
	{"c.srai64", "Cs", 0x8401, cAny},
	{"c.srli", "Cs,C>", 0x8001, cAny},
	{"c.srai", "Cs,C>", 0x8401, cAny},
	{"c.andi", "Cs,Co", 0x8801, cAny},
	{"c.addiw", "d,Co", 0x2001, cRdNonzero},
	{"c.addw", "Cs,Ct", 0x9c21, cAny},
	{"c.subw", "Cs,Ct", 0x9c01, cAny},
	{"c.ldsp", "d,Cn(Cc)", 0x6002, cRdNonzero},
	{"c.ld", "Ct,Cl(Cs)", 0x6000, cAny},
	{"c.sdsp", "CV,CN(Cc)", 0xe002, cAny},
	{"c.sd", "Ct,Cl(Cs)", 0xe000, cAny},
	{"c.fldsp", "D,Cn(Cc)", 0x2002, cAny},
	{"c.fld", "CD,Cl(Cs)", 0x2000, cAny},
	{"c.fsdsp", "CT,CN(Cc)", 0xa002, cAny},
	{"c.fsd", "CD,Cl(Cs)", 0xa000, cAny},
}

// cDefs are the instDefs of format fmtC, one per row of cRows, by name.
var cDefs = map[string]*instDef{}

func init() {
	for _, r := range cRows {
		cDefs[r.name] = &instDef{name: r.name, format: fmtC, ops: r.ops, match: uint32(r.match), mask: uint32(r.rule)}
	}
	// c.nop with an immediate is a hint (c.addi zero, imm).
	cDefs["c.nop imm"] = &instDef{name: "c.nop", format: fmtC, ops: "Cj", match: 0x0001}
}

// cImmRange gives the values an immediate letter takes: lo..hi, a multiple
// of step, and not 0 if nonzero.
var cImmRange = map[string]struct {
	lo, hi, step int64
	nonzero      bool
}{
	"Co": {-32, 31, 1, false}, "Cj": {-32, 31, 1, true}, "C>": {1, 63, 1, false},
	"CK": {4, 1020, 4, false}, "CL": {-512, 496, 16, true},
	"Ck": {0, 124, 4, false}, "Cl": {0, 248, 8, false},
	"Cm": {0, 252, 4, false}, "CM": {0, 252, 4, false},
	"Cn": {0, 504, 8, false}, "CN": {0, 504, 8, false},
	"Cp": {-256, 254, 2, false}, "Ca": {-2048, 2046, 2, false},
}

// cImmOK reports whether v fits the immediate letter op.
func cImmOK(op string, v int64) bool {
	if op == "Cu" {
		return v >= 1 && v <= 31 || v >= 0xfffe0 && v <= 0xfffff
	}
	r := cImmRange[op]
	return v >= r.lo && v <= r.hi && v%r.step == 0 && !(r.nonzero && v == 0)
}

// cImmError is the message for a value v that does not fit op.
func cImmError(op, what string, v int64) string {
	if op == "Cu" {
		return fmt.Sprintf("%s %d is out of range (1..31 or 0xfffe0..0xfffff)", what, v)
	}
	r := cImmRange[op]
	s := fmt.Sprintf("%s %d is out of range (%d..%d", what, v, r.lo, r.hi)
	if r.step > 1 {
		s += fmt.Sprintf(", a multiple of %d", r.step)
	}
	if r.nonzero {
		s += ", not 0"
	}
	return s + ")"
}

func isCReg(r int) bool { return r >= 8 && r <= 15 }

// cImmBits places the immediate v of letter op in its bits (section 16.8's
// listings).
func cImmBits(op string, v int64) uint16 {
	u := uint16(v)
	b := func(hi, lo int) uint16 { return u >> lo & (1<<(hi-lo+1) - 1) }
	switch op {
	case "Co", "Cj", "Cu", "C>":
		return b(5, 5)<<12 | b(4, 0)<<2
	case "CK":
		return b(5, 4)<<11 | b(9, 6)<<7 | b(2, 2)<<6 | b(3, 3)<<5
	case "CL":
		return b(9, 9)<<12 | b(4, 4)<<6 | b(6, 6)<<5 | b(8, 7)<<3 | b(5, 5)<<2
	case "Ck":
		return b(5, 3)<<10 | b(2, 2)<<6 | b(6, 6)<<5
	case "Cl":
		return b(5, 3)<<10 | b(7, 6)<<5
	case "Cm":
		return b(5, 5)<<12 | b(4, 2)<<4 | b(7, 6)<<2
	case "Cn":
		return b(5, 5)<<12 | b(4, 3)<<5 | b(8, 6)<<2
	case "CM":
		return b(5, 2)<<9 | b(7, 6)<<7
	case "CN":
		return b(5, 3)<<10 | b(8, 6)<<7
	case "Cp":
		return b(8, 8)<<12 | b(4, 3)<<10 | b(7, 6)<<5 | b(2, 1)<<3 | b(5, 5)<<2
	case "Ca":
		return b(11, 11)<<12 | b(4, 4)<<11 | b(9, 8)<<9 | b(10, 10)<<8 | b(6, 6)<<7 |
			b(7, 7)<<6 | b(3, 1)<<3 | b(5, 5)<<2
	}
	return 0
}

// cOps splits a row's ops into letters: "Ct,Ck(Cs)" is Ct, Ck, Cs.
func cOps(ops string) []string {
	return strings.FieldsFunc(ops, func(r rune) bool { return r == ',' || r == '(' || r == ')' })
}

// encodeC builds the parcel of a compressed item whose immediate is v.
func encodeC(d *instDef, rd, rs1, rs2 int, v int64) uint16 {
	w := uint16(d.match)
	for _, op := range cOps(d.ops) {
		switch op {
		case "d", "D":
			w |= uint16(rd) << 7
		case "Cs":
			w |= uint16(rs1-8) << 7
		case "Ct", "CD":
			w |= uint16(rs2-8) << 2
		case "CV", "CT":
			w |= uint16(rs2) << 2
		case "Cc":
		default:
			w |= cImmBits(op, v)
		}
	}
	return w
}

// ---- Explicit c.* mnemonics ----

// cInstruction parses an explicit compressed instruction; it reports false
// if m is not one.
func (p *parser) cInstruction(m token) bool {
	d := cDefs[m.text]
	if m.text == "c.jal" {
		p.errorf(m.pos, "c.jal exists only on RV32 (spec section 16.4): write jal")
		return true
	}
	if d == nil {
		return false
	}
	if !p.a.rvc {
		// GNU as: "unrecognized opcode ..., extension `c' required".
		p.errorf(m.pos, "%s needs the C extension: write .option rvc before it", m.text)
		return true
	}
	if m.text == "c.nop" && !p.atEOS() {
		d = cDefs["c.nop imm"]
	}
	it := &instItem{pos: m.pos, def: d}
	rule := cRule(d.mask)
	for i, op := range cOps(d.ops) {
		inParens := strings.Contains(d.ops, "("+op+")")
		if i > 0 {
			if inParens {
				if !p.expectOp("(") {
					return true
				}
			} else if !p.comma() {
				return true
			}
		}
		t := p.tok()
		ok := true
		switch op {
		case "d":
			it.rd, ok = p.reg()
			switch {
			case !ok:
			case it.rd == 0 && rule == cRdNonzero:
				p.errorf(t.pos, "expected a register other than zero, found %s", t.describe())
				ok = false
			case it.rd == 2 && rule == cLui:
				p.errorf(t.pos, "expected a register other than sp (c.lui sp is c.addi16sp), found %s", t.describe())
				ok = false
			}
		case "D":
			it.rd, ok = p.freg()
		case "Cs", "Ct":
			var r int
			if r, ok = p.reg(); ok && !isCReg(r) {
				p.errorf(t.pos, "expected a register among x8..x15 (s0, s1, a0..a5), found %s", t.describe())
				ok = false
			}
			if op == "Cs" {
				it.rs1 = r
			} else {
				it.rs2 = r
			}
		case "CD":
			if it.rs2, ok = p.freg(); ok && !isCReg(it.rs2) {
				p.errorf(t.pos, "expected a float register among f8..f15 (fs0, fs1, fa0..fa5), found %s", t.describe())
				ok = false
			}
		case "CV":
			if it.rs2, ok = p.reg(); ok && it.rs2 == 0 && rule == cRs2Nonzero {
				p.errorf(t.pos, "expected a register other than zero, found %s", t.describe())
				ok = false
			}
		case "CT":
			it.rs2, ok = p.freg()
		case "Cc":
			var r int
			if r, ok = p.reg(); ok && r != 2 {
				p.errorf(t.pos, "expected \"sp\", found %s", t.describe())
				ok = false
			}
		case "Cp", "Ca":
			ok = p.targetInto(&it.imm)
		default:
			var v int64
			var pos Pos
			if v, pos, ok = p.smallConst(); ok && !cImmOK(op, v) {
				p.errorf(pos, "%s", cImmError(op, "immediate", v))
				ok = false
			}
			it.imm = constImm(v)
			it.imm.pos = pos
		}
		if !ok {
			return true
		}
		if inParens && !p.expectOp(")") {
			return true
		}
	}
	if p.expectEOS() {
		p.a.emitInst(it)
	}
	return true
}

// ---- Compression under .option rvc ----

// compressForm says which written forms of an instruction GNU as may
// compress beyond what its encoding shows: jalr, jal, beq and bne compress
// only when written as the aliases riscv-opc.c gives a compressed row
// ("jr rs", "ret", "jalr rs", "j target", "beqz rs, target", ...).
type compressForm int

const (
	formPlain compressForm = iota // any instruction: compressed by its encoding alone
	formJump                      // j, jr, ret, jalr rs: the compressible aliases of jal and jalr
	formMv                        // mv: only c.mv (so "mv rd, zero" stays addi, as "addi rd, zero, 0" does not)
	formLi                        // li of one addi: only c.li (so "li zero, 0" stays addi)
)

// compress returns the compressed form of it, whose immediate is v, as GNU
// as 2.40 picks it under .option rvc (riscv-opc.c's compressed rows, in
// their order), or nil if it has none.
func compress(it *instItem, v int64, form compressForm) *instItem {
	rd, rs1, rs2 := it.rd, it.rs1, it.rs2
	c := func(name string, crd, crs1, crs2 int, imm int64) *instItem {
		d := cDefs[name]
		n := *it
		n.def, n.rd, n.rs1, n.rs2, n.imm = d, crd, crs1, crs2, constImm(imm)
		n.imm.pos = it.imm.pos
		return &n
	}
	imm := func(op string) bool { return cImmOK(op, v) }
	switch form {
	case formMv: // riscv-opc.c: mv "d,CV" (match_c_add), then the 32-bit addi
		if rd != 0 && rs1 != 0 {
			return c("c.mv", rd, 0, rs1, 0)
		}
		return nil
	case formLi: // li "d,Co" (match_rd_nonzero), then the 32-bit addi
		if rd != 0 && imm("Co") {
			return c("c.li", rd, 0, 0, v)
		}
		return nil
	}
	switch it.def.name {
	case "addi":
		switch {
		case isCReg(rd) && rs1 == 2 && imm("CK"):
			return c("c.addi4spn", 0, 0, rd, v)
		case rd == rs1 && rd != 0 && imm("Cj"):
			return c("c.addi", rd, 0, 0, v)
		case rd == 0 && rs1 == 0 && v == 0:
			return c("c.nop", 0, 0, 0, 0)
		case rd == 2 && rs1 == 2 && imm("CL"):
			return c("c.addi16sp", 0, 0, 0, v)
		case rs1 == 0 && rd != 0 && imm("Co"):
			return c("c.li", rd, 0, 0, v)
		case v == 0 && rd != 0 && rs1 != 0:
			return c("c.mv", rd, 0, rs1, 0)
		}
	case "addiw":
		if rd == rs1 && rd != 0 && imm("Co") {
			return c("c.addiw", rd, 0, 0, v)
		}
	case "lui":
		if rd != 0 && rd != 2 && imm("Cu") {
			return c("c.lui", rd, 0, 0, v)
		}
	case "slli":
		if rd == rs1 && rd != 0 && imm("C>") {
			return c("c.slli", rd, 0, 0, v)
		}
	case "srli", "srai", "andi":
		op := "C>"
		if it.def.name == "andi" {
			op = "Co"
		}
		if rd == rs1 && isCReg(rd) && imm(op) {
			return c("c."+it.def.name, 0, rd, 0, v)
		}
	case "add":
		switch {
		case rd == 0:
		case rd == rs1 && rs2 != 0:
			return c("c.add", rd, 0, rs2, 0)
		case rd == rs2 && rs1 != 0:
			return c("c.add", rd, 0, rs1, 0)
		case rs1 == 0 && rs2 != 0:
			return c("c.mv", rd, 0, rs2, 0)
		}
	case "sub", "subw", "and", "or", "xor", "addw":
		if !isCReg(rd) {
			break
		}
		switch {
		case rd == rs1 && isCReg(rs2):
			return c("c."+it.def.name, 0, rd, rs2, 0)
		case rd == rs2 && isCReg(rs1) && it.def.name != "sub" && it.def.name != "subw":
			return c("c."+it.def.name, 0, rd, rs1, 0)
		}
	case "lw", "ld", "fld":
		sp, reg := map[string][2]string{"lw": {"c.lwsp", "Cm"}, "ld": {"c.ldsp", "Cn"}, "fld": {"c.fldsp", "Cn"}}[it.def.name], ""
		reg = map[string]string{"lw": "Ck", "ld": "Cl", "fld": "Cl"}[it.def.name]
		switch {
		case rs1 == 2 && (rd != 0 || it.def.fp) && imm(sp[1]):
			return c(sp[0], rd, 0, 0, v)
		case isCReg(rs1) && isCReg(rd) && imm(reg):
			return c("c."+it.def.name, 0, rs1, rd, v)
		}
	case "sw", "sd", "fsd":
		sp := map[string][2]string{"sw": {"c.swsp", "CM"}, "sd": {"c.sdsp", "CN"}, "fsd": {"c.fsdsp", "CN"}}[it.def.name]
		reg := map[string]string{"sw": "Ck", "sd": "Cl", "fsd": "Cl"}[it.def.name]
		switch {
		case rs1 == 2 && imm(sp[1]):
			return c(sp[0], 0, 0, rs2, v)
		case isCReg(rs1) && isCReg(rs2) && imm(reg):
			return c("c."+it.def.name, 0, rs1, rs2, v)
		}
	case "ebreak":
		return c("c.ebreak", 0, 0, 0, 0)
	case "jalr":
		if form == formJump && v == 0 && rs1 != 0 && (rd == 0 || rd == 1) {
			if rd == 0 {
				return c("c.jr", rs1, 0, 0, 0)
			}
			return c("c.jalr", rs1, 0, 0, 0)
		}
	}
	return nil
}

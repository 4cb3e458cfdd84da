package asm

// Pseudo-instructions (RISC-V Unprivileged ISA, chapter 25 "RISC-V Assembly
// Programmer's Handbook", tables 25.2 and 25.3), expanded as GNU as 2.40 does
// with -mno-relax: la is lla (non-PIC), call and tail are auipc + jalr.

// aliasDef is a pseudo-instruction that is one base instruction with some operands
// fixed. ops lists the operands the user writes; build fills the base fields.
type aliasDef struct {
	base string
	ops  string // "d" rd, "s" rs, "t" rt, "b" branch target: the written operands in order
	// build returns the item with the written registers (r[0], r[1]) and the
	// immediate in place (a value, so that the item stays on the stack when
	// it is encoded at once).
	build func(it instItem, r []int) instItem
}

var aliases = map[string]aliasDef{
	"nop":    {"addi", "", func(it instItem, r []int) instItem { it.imm = constImm(0); return it }},
	"mv":     {"addi", "ds", func(it instItem, r []int) instItem { it.rd, it.rs1, it.imm = r[0], r[1], constImm(0); return it }},
	"not":    {"xori", "ds", func(it instItem, r []int) instItem { it.rd, it.rs1, it.imm = r[0], r[1], constImm(-1); return it }},
	"neg":    {"sub", "ds", func(it instItem, r []int) instItem { it.rd, it.rs2 = r[0], r[1]; return it }},
	"negw":   {"subw", "ds", func(it instItem, r []int) instItem { it.rd, it.rs2 = r[0], r[1]; return it }},
	"sext.w": {"addiw", "ds", func(it instItem, r []int) instItem { it.rd, it.rs1, it.imm = r[0], r[1], constImm(0); return it }},
	"zext.b": {"andi", "ds", func(it instItem, r []int) instItem { it.rd, it.rs1, it.imm = r[0], r[1], constImm(255); return it }},
	"seqz":   {"sltiu", "ds", func(it instItem, r []int) instItem { it.rd, it.rs1, it.imm = r[0], r[1], constImm(1); return it }},
	"snez":   {"sltu", "ds", func(it instItem, r []int) instItem { it.rd, it.rs2 = r[0], r[1]; return it }},
	"sltz":   {"slt", "ds", func(it instItem, r []int) instItem { it.rd, it.rs1 = r[0], r[1]; return it }},
	"sgtz":   {"slt", "ds", func(it instItem, r []int) instItem { it.rd, it.rs2 = r[0], r[1]; return it }},
	"beqz":   {"beq", "sb", func(it instItem, r []int) instItem { it.rs1 = r[0]; return it }},
	"bnez":   {"bne", "sb", func(it instItem, r []int) instItem { it.rs1 = r[0]; return it }},
	"blez":   {"bge", "sb", func(it instItem, r []int) instItem { it.rs2 = r[0]; return it }},
	"bgez":   {"bge", "sb", func(it instItem, r []int) instItem { it.rs1 = r[0]; return it }},
	"bltz":   {"blt", "sb", func(it instItem, r []int) instItem { it.rs1 = r[0]; return it }},
	"bgtz":   {"blt", "sb", func(it instItem, r []int) instItem { it.rs2 = r[0]; return it }},
	"bgt":    {"blt", "stb", func(it instItem, r []int) instItem { it.rs1, it.rs2 = r[1], r[0]; return it }},
	"ble":    {"bge", "stb", func(it instItem, r []int) instItem { it.rs1, it.rs2 = r[1], r[0]; return it }},
	"bgtu":   {"bltu", "stb", func(it instItem, r []int) instItem { it.rs1, it.rs2 = r[1], r[0]; return it }},
	"bleu":   {"bgeu", "stb", func(it instItem, r []int) instItem { it.rs1, it.rs2 = r[1], r[0]; return it }},
	"j":      {"jal", "b", func(it instItem, r []int) instItem { it.rd = 0; return it }},
	"jr":     {"jalr", "s", func(it instItem, r []int) instItem { it.rs1, it.imm = r[0], constImm(0); return it }},
	"ret":    {"jalr", "", func(it instItem, r []int) instItem { it.rs1, it.imm = 1, constImm(0); return it }},
}

func constImm(v int64) operandImm { return operandImm{kind: immPlain, e: &numLit{v: v}} }

// pseudo parses and emits a pseudo-instruction; it reports false if m is not one.
func (p *parser) pseudo(m token) bool {
	switch m.text {
	case "li":
		p.li(m)
		return true
	case "la", "lla":
		var rd int
		if !p.regs(&rd) || !p.comma() {
			return true
		}
		p.auipcPair(m, rd, rd, "addi")
		return true
	case "call", "tail":
		// call sym = auipc ra, %pcrel_hi(sym); jalr ra, %pcrel_lo(ra)
		// tail sym = auipc t1, %pcrel_hi(sym); jalr zero, %pcrel_lo(t1)
		// "call rd, sym" = auipc t1, %pcrel_hi(sym); jalr rd, %pcrel_lo(t1), as GNU as.
		rd, tmp := 1, 1
		if m.text == "tail" {
			rd, tmp = 0, 6
		}
		if m.text == "call" && p.isReg(p.tok()) && p.peekTok(1).kind == tkOp && p.peekTok(1).text == "," {
			rd, _ = p.reg()
			tmp = 6
			p.next()
		}
		p.auipcPair(m, rd, tmp, "jalr")
		return true
	}
	al, ok := aliases[m.text]
	if !ok || al.base == "" {
		return false
	}
	it := &instItem{pos: m.pos, def: instByName[al.base]}
	var r []int
	for i, op := range al.ops {
		if i > 0 && !p.comma() {
			return true
		}
		if op == 'b' {
			if !p.targetInto(&it.imm) {
				return true
			}
			continue
		}
		reg, ok := p.reg()
		if !ok {
			return true
		}
		r = append(r, reg)
	}
	if !p.expectEOS() {
		return true
	}
	switch m.text {
	case "j", "jr", "ret":
		p.a.form = formJump // riscv-opc.c gives these a compressed row, jal and jalr rd, imm(rs) none
	case "mv":
		p.a.form = formMv
	}
	*it = al.build(*it, r)
	p.a.emitInst(it)
	return true
}

// auipcPair emits "auipc tmp, %pcrel_hi(sym)" and then the I-type instruction
// second with rd and rs1 = tmp and the matching %pcrel_lo.
func (p *parser) auipcPair(m token, rd, tmp int, second string) {
	im, ok := p.imm()
	if !ok || !p.allowImm(im, "an address operand", immPlain) || !p.expectEOS() {
		return
	}
	p.a.emitPair(m.pos, tmp, im, instByName[second], func(lo operandImm) *instItem {
		return &instItem{pos: m.pos, def: instByName[second], rd: rd, rs1: tmp, imm: lo}
	})
}

// li rd, constant. The constant must be known here, because it decides how many
// instructions li becomes.
func (p *parser) li(m token) {
	var rd int
	if !p.regs(&rd) || !p.comma() {
		return
	}
	e := p.parseExpr()
	if e == nil || !p.expectEOS() {
		return
	}
	v, ok := p.a.constNow(e)
	if !ok {
		return
	}
	seq := liSequence(rd, v)
	if len(seq) == 1 && seq[0].op == "addi" {
		p.a.form = formLi // GNU as's li row "d,j", not an addi to compress
	}
	for _, s := range seq {
		p.a.emitInst(&instItem{pos: m.pos, def: instByName[s.op], rd: s.rd, rs1: s.rs1, imm: constImm(s.imm)})
	}
}

// liStep is one instruction of a li expansion.
type liStep struct {
	op      string
	rd, rs1 int
	imm     int64
}

// liSequence expands li exactly as GNU as 2.40 does. A constant that fits in 12
// signed bits is "addi rd, zero, v" (the li alias of opcodes/riscv-opc.c);
// otherwise binutils' load_const (gas/config/tc-riscv.c) builds it.
func liSequence(rd int, v int64) []liStep {
	if v >= -2048 && v < 2048 {
		return []liStep{{"addi", rd, 0, v}}
	}
	return loadConst(rd, v, nil)
}

// loadConst is tc-riscv.c's load_const for RV64: split v into a sign-extended low
// 12 bits and the rest; a 32-bit value is lui + addiw; a wider one is built
// recursively from its upper part shifted right past its trailing zeros, then
// slli back and addi the low part.
func loadConst(rd int, v int64, out []liStep) []liStep {
	lower := ((v & 0xfff) ^ 0x800) - 0x800
	upper := v - lower
	if v != int64(int32(v)) {
		shift := 12
		for (upper>>shift)&1 == 0 {
			shift++
		}
		out = loadConst(rd, upper>>shift, out)
		out = append(out, liStep{"slli", rd, rd, int64(shift)})
		if lower != 0 {
			out = append(out, liStep{"addi", rd, rd, lower})
		}
		return out
	}
	hi := 0
	if upper != 0 {
		out = append(out, liStep{"lui", rd, 0, int64(uint32(upper) >> 12)})
		hi = rd
	}
	if lower != 0 || hi == 0 {
		out = append(out, liStep{"addiw", rd, hi, lower})
	}
	return out
}

package asm

import (
	"fmt"
	"strings"
)

// The parser reads one statement at a time (GNU as manual, "Statements"):
//
//	[label:]... [mnemonic-or-directive [operand, ...]]
//	name = expression
//
// and hands it to the assembler, which lays it out at once (pass 1). Expressions
// stay unevaluated until layout is done (pass 2, layout.go), except those that
// decide a size: the value of li, .space, .align.
//
// After an error the parser skips to the end of the statement and goes on, so
// one run reports every error of a file.

type parser struct {
	lx *lexer // the tokens, lexed as they are needed
	a  *assembler
	// localDefs counts the definitions of each numeric local label so far: the
	// N-th definition of "1:" is the symbol "1\x02N" (GNU as manual, "Local
	// Labels"); 1b is the latest of them, 1f the next.
	localDefs map[int64]int
	failed    bool // an error was reported in the current statement
	depth     int  // parentheses and prefix operators open in the current expression
}

// tok returns the current token; within a statement there always is one
// (its tkEOS last).
func (p *parser) tok() token { return p.peekTok(0) }

// peekTok returns the n-th token after the current one, or the tkEOS that
// ends the statement if it comes first.
func (p *parser) peekTok(n int) token {
	t, _ := p.lx.peek(n)
	return t
}

// next moves to the next token of the statement; at its tkEOS it stays.
func (p *parser) next() {
	if p.tok().kind != tkEOS {
		p.lx.consume()
	}
}

func (p *parser) errorf(pos Pos, format string, args ...any) {
	if !p.failed { // one error per statement: the rest is usually a consequence
		p.a.errs.Add(pos, format, args...)
	}
	p.failed = true
}

func (p *parser) isOp(s string) bool {
	t := p.tok()
	return t.kind == tkOp && t.text == s
}

func (p *parser) atEOS() bool { return p.tok().kind == tkEOS }

func (p *parser) expectOp(s string) bool {
	if p.isOp(s) {
		p.next()
		return true
	}
	p.errorf(p.tok().pos, "expected %q, found %s", s, p.tok().describe())
	return false
}

func (p *parser) expectEOS() bool {
	if p.atEOS() {
		return true
	}
	p.errorf(p.tok().pos, "expected end of statement, found %s", p.tok().describe())
	return false
}

func (p *parser) localRef(t token) expr {
	n := len(t.text)
	num := t.num
	k := p.localDefs[num]
	if t.text[n-1] == 'b' {
		if k == 0 {
			p.errorf(t.pos, "local label %q refers back to %d:, but no %d: comes before it", t.text, num, num)
			return nil
		}
	} else {
		k++
	}
	return &symRef{pos: t.pos, name: localName(num, k), shown: t.text}
}

func localName(num int64, k int) string { return fmt.Sprintf("%d\x02%d", num, k) }

// parseFile runs pass 1 over the file, one statement at a time.
func (p *parser) parseFile() {
	for {
		if _, ok := p.lx.peek(0); !ok {
			if testHookPass1 != nil {
				testHookPass1()
			}
			return
		}
		p.failed, p.depth = false, 0
		p.statement()
		// Skip what the statement left (after an error), then its tkEOS.
		for p.tok().kind != tkEOS {
			p.next()
		}
		p.lx.consume()
	}
}

func (p *parser) statement() {
	// Labels: "name:" or "N:", any number of them.
	for {
		t := p.tok()
		n := p.peekTok(1)
		if n.kind != tkOp || n.text != ":" {
			break
		}
		switch {
		case t.kind == tkIdent && t.text != ".":
			p.a.defineLabel(t.pos, t.text)
		case t.kind == tkNum && allDigits(t.text) && len(t.text) < 10:
			p.localDefs[t.num]++
			p.a.defineLabel(t.pos, localName(t.num, p.localDefs[t.num]))
		default:
			p.errorf(t.pos, "expected label name before \":\", found %s", t.describe())
			return
		}
		p.next()
		p.next()
	}
	t := p.tok()
	switch t.kind {
	case tkEOS:
		return
	case tkIdent:
	default:
		p.errorf(t.pos, "expected instruction, directive or label, found %s", t.describe())
		return
	}
	// "name = expr" (GNU as manual, "Setting Symbols").
	if n := p.peekTok(1); n.kind == tkOp && n.text == "=" {
		p.next()
		p.next()
		p.assignment(t)
		return
	}
	p.next()
	if strings.HasPrefix(t.text, ".") {
		p.directive(t)
		return
	}
	p.instruction(t)
}

func (p *parser) assignment(name token) {
	e := p.parseExpr()
	if e == nil || !p.expectEOS() {
		return
	}
	if name.text == "." {
		// ". = expr" moves the location counter, as .org does (GNU as
		// manual, "Setting Symbols" and "The Special Dot Symbol").
		p.a.moveDot(e, 0)
		return
	}
	p.a.defineEqu(name.pos, name.text, e)
}

// ---- Operands ----

// reg parses a register operand: x0..x31, an ABI name, or fp.
func (p *parser) reg() (int, bool) {
	t := p.tok()
	if t.kind == tkIdent {
		if r, ok := regByName[t.text]; ok {
			p.next()
			return r, true
		}
	}
	if isFreg(t) {
		p.errorf(t.pos, "expected an integer register, found %s", t.describe())
		return 0, false
	}
	p.errorf(t.pos, "expected register, found %s", t.describe())
	return 0, false
}

// freg parses a float register operand: f0..f31 or an ABI name (ft0, fa0, fs0, ...).
func (p *parser) freg() (int, bool) {
	t := p.tok()
	if t.kind == tkIdent {
		if r, ok := fregByName[t.text]; ok {
			p.next()
			return r, true
		}
	}
	p.errorf(t.pos, "expected a float register, found %s", t.describe())
	return 0, false
}

func (p *parser) isReg(t token) bool {
	if t.kind != tkIdent {
		return false
	}
	_, ok := regByName[t.text]
	return ok
}

func isFreg(t token) bool {
	if t.kind != tkIdent {
		return false
	}
	_, ok := fregByName[t.text]
	return ok
}

func (p *parser) comma() bool { return p.expectOp(",") }

// immKind says how an immediate operand is computed from its expression.
type immKind int

const (
	immPlain   immKind = iota // the value itself (or, for branches and jumps, the target)
	immHi                     // %hi(x): bits 31:12 of x, rounded for a sign-extended %lo
	immLo                     // %lo(x): the low 12 bits, sign-extended
	immPcrelHi                // %pcrel_hi(x): %hi of x minus the address of this auipc
	immPcrelLo                // %pcrel_lo(L): %lo of the %pcrel_hi at label L (an auipc)
	immPairLo                 // internal: %lo half of a pseudo-instruction's auipc pair
)

var relocNames = map[string]immKind{"%hi": immHi, "%lo": immLo, "%pcrel_hi": immPcrelHi, "%pcrel_lo": immPcrelLo}

type operandImm struct {
	kind    immKind
	e       expr
	pos     Pos
	pairOff int64 // immPairLo: section offset of the auipc of the pair
}

// imm parses an immediate: an expression or %reloc(expression).
func (p *parser) imm() (operandImm, bool) {
	t := p.tok()
	if t.kind == tkReloc {
		k, ok := relocNames[t.text]
		if !ok {
			p.errorf(t.pos, "unknown relocation function %q (expected %%hi, %%lo, %%pcrel_hi or %%pcrel_lo)", t.text)
			return operandImm{}, false
		}
		p.next()
		if !p.expectOp("(") {
			return operandImm{}, false
		}
		e := p.parseExpr()
		if e == nil || !p.expectOp(")") {
			return operandImm{}, false
		}
		return operandImm{kind: k, e: e, pos: t.pos}, true
	}
	e := p.parseExpr()
	if e == nil {
		return operandImm{}, false
	}
	return operandImm{kind: immPlain, e: e, pos: t.pos}, true
}

// target parses a branch or jump target: a plain expression.
func (p *parser) target() (operandImm, bool) {
	im, ok := p.imm()
	if ok && im.kind != immPlain {
		p.errorf(im.pos, "expected branch target, found %s(...)", relocName(im.kind))
		return im, false
	}
	return im, ok
}

func relocName(k immKind) string {
	for n, v := range relocNames {
		if v == k {
			return n
		}
	}
	return "?"
}

// allowImm reports an error unless im's kind is one of kinds.
func (p *parser) allowImm(im operandImm, what string, kinds ...immKind) bool {
	for _, k := range kinds {
		if im.kind == k {
			return true
		}
	}
	p.errorf(im.pos, "%s cannot be used as %s", relocName(im.kind), what)
	return false
}

// mem parses "imm(reg)", "(reg)" or, with symOK, a bare symbol (the lw a0, sym form),
// which it reports as hasBase false.
func (p *parser) mem() (im operandImm, base int, hasBase, ok bool) {
	t := p.tok()
	if t.kind == tkOp && t.text == "(" && p.isReg(p.peekTok(1)) {
		if n := p.peekTok(2); n.kind == tkOp && n.text == ")" {
			p.next()
			base, _ = p.reg()
			p.next()
			return operandImm{kind: immPlain, e: &numLit{pos: t.pos}, pos: t.pos}, base, true, true
		}
	}
	im, ok = p.imm()
	if !ok {
		return im, 0, false, false
	}
	if !p.isOp("(") {
		return im, 0, false, true
	}
	p.next()
	base, ok = p.reg()
	if !ok || !p.expectOp(")") {
		return im, 0, false, false
	}
	return im, base, true, true
}

// amoAddr parses the address operand of LR/SC/AMO: "(reg)" or "0(reg)".
func (p *parser) amoAddr() (int, bool) {
	t := p.tok()
	if t.kind == tkNum && t.num == 0 {
		p.next()
	}
	if !p.expectOp("(") {
		return 0, false
	}
	r, ok := p.reg()
	if !ok || !p.expectOp(")") {
		return 0, false
	}
	return r, true
}

// fenceSet parses a FENCE predecessor or successor set: letters from "iorw"
// (spec section 2.7: I=device input, O=device output, R=memory reads, W=memory
// writes), encoded as the bits I=8 O=4 R=2 W=1.
func (p *parser) fenceSet() (int64, bool) {
	t := p.tok()
	if t.kind == tkIdent {
		var v int64
		ok := true
		for _, c := range t.text {
			bit := strings.IndexRune("wroi", c)
			if bit < 0 || v&(1<<bit) != 0 {
				ok = false
				break
			}
			v |= 1 << bit
		}
		if ok {
			p.next()
			return v, true
		}
	}
	p.errorf(t.pos, "expected fence set (letters of \"iorw\"), found %s", t.describe())
	return 0, false
}

// ---- Instructions ----

func (p *parser) instruction(m token) {
	p.a.stmtDot = p.a.dot() // '.' in the operands, for every instruction it expands to
	p.a.form = formPlain
	if p.cInstruction(m) || p.pseudo(m) {
		return
	}
	d := instByName[m.text]
	if d == nil {
		p.errorf(m.pos, "unknown instruction %q", m.text)
		return
	}
	it := &instItem{pos: m.pos, def: d}
	ok := false
	switch d.format {
	case fmtR:
		ok = p.regs(&it.rd, &it.rs1, &it.rs2)
	case fmtI, fmtShift:
		ok = p.regs(&it.rd, &it.rs1) && p.comma() && p.immInto(&it.imm)
		if ok && d.format == fmtI {
			ok = p.allowImm(it.imm, "an I-type immediate", immPlain, immLo, immPcrelLo)
		} else if ok {
			ok = p.allowImm(it.imm, "a shift amount", immPlain)
		}
	case fmtLoad:
		p.loadStore(m, it, true)
		return
	case fmtStore:
		p.loadStore(m, it, false)
		return
	case fmtBranch:
		ok = p.regs(&it.rs1, &it.rs2) && p.comma() && p.targetInto(&it.imm)
	case fmtU:
		ok = p.regs(&it.rd) && p.comma() && p.immInto(&it.imm)
		if ok && d.name == "lui" {
			ok = p.allowImm(it.imm, "a lui immediate", immPlain, immHi)
		} else if ok {
			ok = p.allowImm(it.imm, "an auipc immediate", immPlain, immPcrelHi)
		}
	case fmtJAL:
		// jal target (rd = ra) or jal rd, target.
		it.rd = 1
		if p.isReg(p.tok()) && p.peekTok(1).kind == tkOp && p.peekTok(1).text == "," {
			it.rd, _ = p.reg()
			p.next()
		}
		ok = p.targetInto(&it.imm)
	case fmtJALR:
		ok = p.jalr(it)
	case fmtFence:
		// "fence" alone means fence iorw, iorw.
		var pred, succ int64 = 15, 15
		if !p.atEOS() {
			var ok1, ok2 bool
			pred, ok1 = p.fenceSet()
			ok = ok1 && p.comma()
			if ok {
				succ, ok2 = p.fenceSet()
				ok = ok2
			}
		} else {
			ok = true
		}
		it.imm = operandImm{kind: immPlain, e: &numLit{v: pred<<4 | succ}}
	case fmtNone:
		ok = true
	case fmtLR:
		ok = p.regs(&it.rd) && p.comma()
		if ok {
			it.rs1, ok = p.amoAddr()
		}
	case fmtAMO:
		ok = p.regs(&it.rd, &it.rs2) && p.comma()
		if ok {
			it.rs1, ok = p.amoAddr()
		}
	case fmtOps:
		ok = p.operands(it)
	}
	if ok && p.expectEOS() {
		p.a.emitInst(it)
	}
}

// regs parses comma-separated registers into the given fields.
func (p *parser) regs(fields ...*int) bool {
	for i, f := range fields {
		if i > 0 && !p.comma() {
			return false
		}
		r, ok := p.reg()
		if !ok {
			return false
		}
		*f = r
	}
	return true
}

func (p *parser) immInto(im *operandImm) bool {
	v, ok := p.imm()
	*im = v
	return ok
}

func (p *parser) targetInto(im *operandImm) bool {
	v, ok := p.target()
	*im = v
	return ok
}

// jalr: "jalr rs" (rd = ra), "jalr rd, rs", "jalr rd, rs, imm", "jalr rd, imm(rs)".
func (p *parser) jalr(it *instItem) bool {
	zero := operandImm{kind: immPlain, e: &numLit{pos: p.tok().pos}, pos: p.tok().pos}
	if p.isReg(p.tok()) && p.peekTok(1).kind == tkEOS {
		it.rd = 1
		it.rs1, _ = p.reg()
		it.imm = zero
		p.a.form = formJump // "jalr rs" may be c.jalr
		return true
	}
	if !p.regs(&it.rd) || !p.comma() {
		return false
	}
	if p.isReg(p.tok()) {
		it.rs1, _ = p.reg()
		it.imm = zero
		if p.isOp(",") {
			p.next()
			if !p.immInto(&it.imm) {
				return false
			}
		}
	} else {
		im, base, hasBase, ok := p.mem()
		if !ok {
			return false
		}
		if !hasBase {
			p.errorf(im.pos, "expected \"(register)\" after the offset, found %s", p.tok().describe())
			return false
		}
		it.imm, it.rs1 = im, base
	}
	return p.allowImm(it.imm, "a jalr offset", immPlain, immLo, immPcrelLo, immPairLo)
}

// loadStore parses "lw rd, imm(rs1)", "sw rs2, imm(rs1)", and the symbol forms
// "lw rd, symbol" (auipc rd + lw) and "sw rs2, symbol, rt" (auipc rt + sw). The
// float ones (flw, fsd, ...) take a float data register, so their symbol form
// always names the integer register for the auipc: "flw fd, symbol, rt".
func (p *parser) loadStore(m token, it *instItem, load bool) {
	var r int
	ok := false
	if it.def.fp {
		r, ok = p.freg()
	} else {
		r, ok = p.reg()
	}
	if !ok || !p.comma() {
		return
	}
	im, base, hasBase, ok := p.mem()
	if !ok {
		return
	}
	if load {
		it.rd = r
	} else {
		it.rs2 = r
	}
	if hasBase {
		if !p.allowImm(im, "a load/store offset", immPlain, immLo, immPcrelLo) || !p.expectEOS() {
			return
		}
		it.rs1, it.imm = base, im
		p.a.emitInst(it)
		return
	}
	// Symbol form (GNU as: "lw rd, symbol" and "sw rs, symbol, rt").
	if !p.allowImm(im, "a load/store address", immPlain) {
		return
	}
	tmp := r
	if !load || it.def.fp {
		if !p.comma() {
			return
		}
		if !p.regs(&tmp) {
			return
		}
	}
	if !p.expectEOS() {
		return
	}
	p.a.emitPair(m.pos, tmp, im, it.def, func(lo operandImm) *instItem {
		second := *it
		second.rs1, second.imm = tmp, lo
		return &second
	})
}

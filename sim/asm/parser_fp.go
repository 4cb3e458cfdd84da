package asm

import "strings"

// operands parses the operands of an fmtOps row (F, D, Zicsr) as the letters of
// its ops spell them (insts_fp.go): registers into it.rd, it.rs1 and it.rs2, the
// other fields (rs3, rounding mode, CSR) into it.bits.
func (p *parser) operands(it *instItem) bool {
	d := it.def
	ops := d.ops
	if rest, ok := strings.CutPrefix(ops, "[d],"); ok {
		ops = rest
		// "fsrm a1, a0" writes rd, "fsrm a0" does not.
		if p.isReg(p.tok()) && p.peekTok(1).kind == tkOp && p.peekTok(1).text == "," {
			it.rd, _ = p.reg()
			p.next()
		}
	}
	rm := d.rm
	for i := 0; i < len(ops); i++ {
		var r int
		var n uint32
		ok := true
		switch ops[i] {
		case ',':
			if ops[i+1] == 'm' && p.atEOS() {
				i = len(ops) // the rounding mode is left out
				continue
			}
			ok = p.comma()
		case 'd':
			it.rd, ok = p.reg()
		case 's':
			it.rs1, ok = p.reg()
		case 'D':
			it.rd, ok = p.freg()
		case 'S':
			it.rs1, ok = p.freg()
		case 'T':
			it.rs2, ok = p.freg()
		case 'U':
			it.rs1, ok = p.freg()
			it.rs2 = it.rs1
		case 'R':
			r, ok = p.freg()
			it.bits |= uint32(r) << 27
		case 'm':
			rm, ok = p.roundingMode()
		case 'E':
			n, ok = p.csr()
			it.bits |= n << 20
		case 'Z':
			it.rs1, ok = p.csrImm()
		case 'J':
			t := p.tok()
			if p.isReg(t) || isFreg(t) { // a float one is an error in reg
				it.rs1, ok = p.reg()
			} else {
				it.rs1, ok = p.csrImm()
				it.bits |= 4 << 12 // csrrw -> csrrwi, csrrs -> csrrsi, csrrc -> csrrci
			}
		}
		if !ok {
			return false
		}
	}
	it.bits |= rm << 12
	return true
}

// roundingMode parses a rounding-mode operand (section 11.2, table 11.1).
func (p *parser) roundingMode() (uint32, bool) {
	t := p.tok()
	if t.kind == tkIdent {
		if rm, ok := rmByName[t.text]; ok {
			p.next()
			return rm, true
		}
	}
	p.errorf(t.pos, "expected a rounding mode (rne, rtz, rdn, rup, rmm or dyn), found %s", t.describe())
	return 0, false
}

// csr parses a CSR operand: a name of csrByName or a constant CSR number, known
// here, from 0 to 4095. GNU as takes any other name as an unknown CSR.
func (p *parser) csr() (uint32, bool) {
	t := p.tok()
	if t.kind == tkIdent {
		if n, ok := csrByName[t.text]; ok {
			p.next()
			return n, true
		}
		if n := p.peekTok(1); p.a.syms[t.text] == nil && (n.kind == tkEOS || n.kind == tkOp && n.text == ",") {
			p.errorf(t.pos, "expected a CSR (fflags, frm, fcsr, cycle, time, instret or a number), found %s", t.describe())
			return 0, false
		}
	}
	v, pos, ok := p.smallConst()
	if !ok {
		return 0, false
	}
	if v < 0 || v > 0xfff {
		p.errorf(pos, "CSR number %d is out of range (0..4095)", v)
		return 0, false
	}
	return uint32(v), true
}

// csrImm parses the 5-bit unsigned immediate of csrrwi, csrrsi and csrrci, a
// constant known here.
func (p *parser) csrImm() (int, bool) {
	if t := p.tok(); p.isReg(t) || isFreg(t) {
		p.errorf(t.pos, "expected an immediate from 0 to 31, found register %s", t.describe())
		return 0, false
	}
	v, pos, ok := p.smallConst()
	if !ok {
		return 0, false
	}
	if v < 0 || v > 31 {
		p.errorf(pos, "CSR immediate %d is out of range (0..31)", v)
		return 0, false
	}
	return int(v), true
}

// smallConst parses a constant operand known here, as constArg does; a lone
// number, the usual case, takes no allocation.
func (p *parser) smallConst() (int64, Pos, bool) {
	t, n := p.tok(), p.peekTok(1)
	if t.kind == tkNum && (n.kind == tkEOS || n.kind == tkOp && n.text == ",") {
		p.next()
		return t.num, t.pos, true
	}
	return p.constArg()
}

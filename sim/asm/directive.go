package asm

import (
	"encoding/binary"
	"strings"
)

// Directives (GNU as manual, "Assembler Directives", and "RISC-V Directives").

// dataSizes gives the width of each data directive.
var dataSizes = map[string]int{
	".byte": 1,
	".half": 2, ".short": 2, ".2byte": 2,
	".word": 4, ".long": 4, ".4byte": 4,
	".dword": 8, ".quad": 8, ".8byte": 8,
}

// ignoredDirectives are accepted and have no effect on the output: they carry
// information for linkers and debuggers that a static, single-file program does
// not need.
var ignoredDirectives = map[string]bool{
	".type": true, ".size": true, ".attribute": true, ".file": true,
	".ident": true, ".local": true, ".weak": true, ".hidden": true, ".protected": true,
	".cfi_startproc": true, ".cfi_endproc": true, ".loc": true, ".end": true,
}

var sectionByName = map[string]int{".text": secText, ".rodata": secRodata, ".data": secData, ".bss": secBss}

func (p *parser) directive(d token) {
	name := d.text
	if n, ok := dataSizes[name]; ok {
		p.dataList(d, n)
		return
	}
	if ignoredDirectives[name] {
		// Skip the operands, whatever they are.
		for !p.atEOS() {
			p.next()
		}
		return
	}
	switch name {
	case ".text", ".data", ".bss", ".rodata":
		if p.expectEOS() {
			p.a.cur = sectionByName[name]
		}
	case ".section":
		p.section()
	case ".option":
		p.option()
	case ".globl", ".global":
		for {
			t := p.tok()
			if t.kind != tkIdent {
				p.errorf(t.pos, "expected symbol name, found %s", t.describe())
				return
			}
			p.a.globals[t.text] = true
			p.next()
			if !p.isOp(",") {
				break
			}
			p.next()
		}
		p.expectEOS()
	case ".ascii", ".asciz", ".string":
		for {
			t := p.tok()
			if t.kind != tkString {
				p.errorf(t.pos, "expected string, found %s", t.describe())
				return
			}
			p.next()
			b := []byte(t.text)
			if name != ".ascii" {
				b = append(b, 0)
			}
			p.a.emitBytes(t.pos, b)
			if !p.isOp(",") {
				break
			}
			p.next()
		}
		p.expectEOS()
	case ".float", ".single":
		p.floatDirective(d, 4)
	case ".double":
		p.floatDirective(d, 8)
	case ".space", ".zero", ".skip":
		p.space(d)
	case ".align", ".p2align", ".balign":
		p.align(d)
	case ".org":
		p.org()
	case ".fill":
		p.fill()
	case ".equ", ".set", ".equiv":
		t := p.tok()
		if t.kind != tkIdent || t.text == "." && name == ".equiv" {
			p.errorf(t.pos, "expected symbol name, found %s", t.describe())
			return
		}
		p.next()
		if !p.comma() {
			return
		}
		p.assignment(t)
	case ".macro", ".endm", ".rept", ".endr", ".irp", ".irpc":
		// GNU as's macros (the GNU as manual, .macro). The manual's other
		// way to generate repeated text is the C preprocessor, which the
		// compiler driver runs on a file named .S (its Preprocessing
		// section): the message points there.
		p.errorf(d.pos, "%s is not supported: as the GNU as manual offers (Preprocessing), run the file through the C preprocessor (riscv64-linux-gnu-gcc -E -P prog.S > prog.s, with #define for what repeats) and give ipcsim its output; or write the instructions out, with .equ for the numbers", name)
	default:
		p.errorf(d.pos, "unknown directive %q", name)
	}
}

// section handles ".section name[, "flags"[, @type]]"; flags and type are ignored.
func (p *parser) section() {
	t := p.tok()
	name := t.text
	if t.kind != tkIdent && t.kind != tkString {
		p.errorf(t.pos, "expected section name, found %s", t.describe())
		return
	}
	sec, ok := sectionByName[name]
	if !ok {
		p.errorf(t.pos, "unknown section %q (expected .text, .rodata, .data or .bss)", name)
		return
	}
	p.next()
	for !p.atEOS() {
		p.next()
	}
	p.a.cur = sec
}

// dataList handles .byte/.half/.word/.dword: a comma list of expressions, which may
// use labels; they are evaluated after layout.
func (p *parser) dataList(d token, size int) {
	for {
		e := p.parseExpr()
		if e == nil {
			return
		}
		p.a.emitData(e, size, strings.TrimPrefix(d.text, "."))
		if !p.isOp(",") {
			break
		}
		p.next()
	}
	p.expectEOS()
}

// constArg parses an expression whose value must be known now (it decides a size).
func (p *parser) constArg() (int64, Pos, bool) {
	pos := p.tok().pos
	e := p.parseExpr()
	if e == nil {
		return 0, pos, false
	}
	v, ok := p.a.constNow(e)
	if !ok {
		p.failed = true
	}
	return v, pos, ok
}

// space handles ".space size[, fill]" (also .zero and .skip).
func (p *parser) space(d token) {
	size, pos, ok := p.constArg()
	if !ok {
		return
	}
	fill := int64(0)
	if p.isOp(",") {
		p.next()
		if fill, _, ok = p.constArg(); !ok {
			return
		}
	}
	if !p.expectEOS() {
		return
	}
	if size < 0 {
		p.errorf(pos, "expected a size of 0 or more, found %d", size)
		return
	}
	p.a.emitFill(pos, size, byte(fill), fill != 0)
}

// org handles ".org new-lc[, fill]" (GNU as manual, ".org"): move the
// location counter of the current section forward to new-lc, an offset in the
// section (a constant, or an address in this section), filling the gap with
// the fill byte (0 by default).
func (p *parser) org() {
	e := p.parseExpr()
	if e == nil {
		return
	}
	fill := int64(0)
	if p.isOp(",") {
		p.next()
		var ok bool
		if fill, _, ok = p.constArg(); !ok {
			return
		}
	}
	if p.expectEOS() {
		p.a.moveDot(e, byte(fill))
	}
}

// maxFillSize is the largest unit of .fill: "if it is more than 8, then it is
// deemed to have the value 8" (GNU as manual, ".fill"; GNU as warns, this
// assembler does not).
const maxFillSize = 8

// fill handles ".fill repeat[, size[, value]]" (GNU as manual, ".fill"):
// repeat copies of the size low bytes of an 8-byte little-endian number
// whose low 4 bytes are value and high 4 bytes are zero. size defaults to 1
// and value to 0.
func (p *parser) fill() {
	repeat, pos, ok := p.constArg()
	if !ok {
		return
	}
	size, value := int64(1), int64(0)
	sizePos := pos
	if p.isOp(",") {
		p.next()
		if size, sizePos, ok = p.constArg(); !ok {
			return
		}
		if p.isOp(",") {
			p.next()
			if value, _, ok = p.constArg(); !ok {
				return
			}
		}
	}
	if !p.expectEOS() {
		return
	}
	if repeat < 0 {
		p.errorf(pos, "expected a repeat count of 0 or more, found %d", repeat)
		return
	}
	if size < 0 {
		p.errorf(sizePos, "expected a size of 0 or more, found %d", size)
		return
	}
	size = min(size, maxFillSize)
	var unit [8]byte
	binary.LittleEndian.PutUint32(unit[:], uint32(value))
	p.a.emitRepeat(pos, repeat, unit[:size])
}

// align handles ".align n" and ".p2align n" (align to 2^n bytes: on RISC-V GNU as's
// .align takes a power of two, as .p2align) and ".balign n" (n bytes), each with
// optional fill and maximum skip. In .text the default fill is nop instructions.
func (p *parser) align(d token) {
	n, pos, ok := p.constArg()
	if !ok {
		return
	}
	var fill, max int64
	hasFill, hasMax := false, false
	if p.isOp(",") {
		p.next()
		if !p.isOp(",") {
			if fill, _, ok = p.constArg(); !ok {
				return
			}
			hasFill = true
		}
		if p.isOp(",") {
			p.next()
			if max, _, ok = p.constArg(); !ok {
				return
			}
			hasMax = true
		}
	}
	if !p.expectEOS() {
		return
	}
	var bytes int64
	if d.text == ".balign" {
		if n < 1 || n > maxAlign || n&(n-1) != 0 {
			p.errorf(pos, "expected a power of two from 1 to %d for .balign, found %d", maxAlign, n)
			return
		}
		bytes = n
	} else {
		if n < 0 || int64(1)<<n > maxAlign || n > 62 {
			p.errorf(pos, "expected an alignment exponent from 0 to 16 for %s, found %d", d.text, n)
			return
		}
		bytes = 1 << n
	}
	p.a.emitAlign(pos, bytes, byte(fill), hasFill, max, hasMax)
}

// option handles ".option" (GNU as manual, "RISC-V Directives"): rvc and
// norvc turn the C extension on and off, as "arch, +c" and "arch, -c" do;
// push and pop save and restore that state. The others (relax, norelax,
// pic, nopic, other arch changes) change nothing here.
func (p *parser) option() {
	t := p.tok()
	if t.kind != tkIdent {
		p.errorf(t.pos, "expected an option (rvc, norvc, push, pop, arch, ...), found %s", t.describe())
		return
	}
	p.next()
	a := p.a
	switch t.text {
	case "rvc":
		a.rvc, a.rvcUsed = true, true
	case "norvc":
		a.rvc = false
	case "push":
		a.rvcStack = append(a.rvcStack, a.rvc)
	case "pop":
		if len(a.rvcStack) == 0 {
			// GNU as's words.
			p.errorf(t.pos, ".option pop with no .option push")
			return
		}
		a.rvc = a.rvcStack[len(a.rvcStack)-1]
		a.rvcStack = a.rvcStack[:len(a.rvcStack)-1]
	case "arch":
		// ".option arch, +c" or "-c", among other changes: the last one decides.
		for !p.atEOS() {
			if p.isOp("+") || p.isOp("-") {
				on := p.isOp("+")
				if n := p.peekTok(1); n.kind == tkIdent && n.text == "c" {
					a.rvc = on
					a.rvcUsed = a.rvcUsed || on
				}
			}
			p.next()
		}
	}
	for !p.atEOS() {
		p.next()
	}
}

package asm

import (
	"encoding/binary"
	"fmt"
	"sort"
	"strings"
)

// Layout and relocation. Pass 1 (the parser) appends each statement to the current
// section: bytes whose value is known (strings, fills) at once, and for
// instructions and data that use expressions a placeholder plus an item to finish
// later. Labels get section offsets. Then the sections get their addresses (see the
// package documentation) and pass 2 evaluates every expression with final
// addresses, checks ranges and writes the encodings into the placeholders, as a
// linker applies relocations.

const (
	secText = iota
	secRodata
	secData
	secBss
	numSections
	secAbs = -1 // value.sec of an absolute value
)

var sectionNames = [numSections]string{".text", ".rodata", ".data", ".bss"}

const (
	textBase       = 0x10000
	pageSize       = 0x1000
	maxSectionSize = 16 << 20 // keeps hostile input from exhausting memory
	// maxSourceSize bounds the input: 16 MiB is some 800,000 lines of
	// assembly, far beyond any scenario program, and with maxSectionSize
	// bounds the host memory an assembly can take.
	maxSourceSize = 16 << 20
	maxAlign      = 1 << 16
)

type section struct {
	data  []byte // contents; nil for .bss, which has only a size
	size  int64  // bytes so far
	align int64  // largest alignment requested (the section's start honours it)
}

type symKind int

const (
	symLabel      symKind = iota // an address: section and offset
	symEqu                       // .equ/.set/'=': an expression, evaluated where it was written
	symPredefined                // from Options.Predefined: an absolute number
)

type symbol struct {
	name string
	kind symKind
	pos  Pos
	sec  int   // symLabel
	off  int64 // symLabel
	e    expr  // symEqu
	dot  value // symEqu: the value of '.' where it was defined
	val  int64 // symPredefined
	busy bool  // being evaluated (finds definitions that use themselves)
	// symEqu: the value once computed, before layout [0] and after it [1]
	cache [2]cachedValue
}

type cachedValue struct {
	v   value
	ok  bool
	err *evalError // after layout: the evaluation failed
}

// instItem is one machine instruction waiting for pass 2.
type instItem struct {
	pos           Pos // the mnemonic
	sec           int
	off           int64
	def           *instDef
	rd, rs1, rs2  int
	imm           operandImm
	dot           value // '.' in the operands: the address of the statement
	pcrelHiTarget bool  // an auipc with %pcrel_hi, which %pcrel_lo may name
	relax         bool  // a c.j, c.beqz or c.bnez that was written j, beqz, ...: if its target is too far, it becomes 32 bits
	// bits: fmtOps: the fields other than rd, rs1 and rs2 (rs3, rounding
	// mode, CSR), in place. Beside the bool it makes the item no larger.
	bits uint32
}

// dataItem is a .byte/.half/.word/.dword value waiting for pass 2.
type dataItem struct {
	sec  int
	off  int64
	size int
	name string // directive name without the dot, for messages
	e    expr
	dot  value
}

type assembler struct {
	file    string
	errs    errorSink
	syms    map[string]*symbol
	globals map[string]bool
	secs    [numSections]section
	cur     int         // current section
	insts   []*instItem // instructions waiting for pass 2
	datas   []*dataItem
	equs    []*symbol // the .equ/.set/'=' symbols, in the order of their definitions
	// textLines, if not nil, gets the source line of each instruction of
	// .text by offset (for the corpus test).
	textLines map[int64]int
	// evalDepth is the depth of eval's recursion (bounded by maxEvalDepth).
	evalDepth int
	base      [numSections]uint64 // section addresses, set after pass 1
	// stmtDot is '.' of the statement being parsed: pseudo-instructions that expand
	// to several instructions all see the address of the first.
	stmtDot value

	// The C extension (insts_c.go). rvc: ".option rvc" is in effect, so
	// instructions are compressed where they can be; rvcStack holds the
	// states saved by ".option push"; rvcUsed: rvc was on somewhere.
	rvc      bool
	rvcStack []bool
	rvcUsed  bool
	form     compressForm // how the statement's instruction was written
	// Branch relaxation under rvc: j, beqz, bnez, beq and bne to a target
	// first assume the 16-bit form. long holds, by position, those whose
	// target turned out too far in an earlier run, which are 32 bits in
	// this one; tooFar gets those found too far in this run.
	long   map[Pos]bool
	tooFar []Pos
}

// testHookPass1, if set, runs after pass 1, when the assembler holds the most
// memory (the benchmark measures it).
var testHookPass1 func()

// Assemble assembles one source file into a static RV64 executable. The error,
// if any, is an ErrorList holding every error found in the file.
func Assemble(filename string, src []byte, opt Options) (*Program, error) {
	prog, _, err := assemble(filename, src, opt, false)
	return prog, err
}

// assemble also returns, if wantLines, the source line of each instruction of
// .text, by address (for the corpus test).
func assemble(filename string, src []byte, opt Options, wantLines bool) (*Program, map[uint64]int, error) {
	// Branch relaxation (GNU as's relaxed branches, tc-riscv.c's
	// relaxed_branch_length): each run assembles the whole file; one whose
	// 16-bit branches all reach their targets is the last. A branch too far
	// is 32 bits in every later run, so the runs end.
	long := map[Pos]bool{}
	for {
		a, prog, lines, err := assembleOnce(filename, src, opt, wantLines, long)
		if len(a.tooFar) == 0 {
			return prog, lines, err
		}
		for _, p := range a.tooFar {
			long[p] = true
		}
	}
}

// assembleOnce is one run of the assembler over the file, with the branches
// of long in their 32-bit form.
func assembleOnce(filename string, src []byte, opt Options, wantLines bool, long map[Pos]bool) (*assembler, *Program, map[uint64]int, error) {
	a := &assembler{
		file:    filename,
		syms:    map[string]*symbol{},
		globals: map[string]bool{},
		long:    long,
	}
	if wantLines {
		a.textLines = map[int64]int{}
	}
	for i := range a.secs {
		a.secs[i].align = 1
	}
	a.secs[secText].align = 4
	names := make([]string, 0, len(opt.Predefined))
	for n := range opt.Predefined {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		a.syms[n] = &symbol{name: n, kind: symPredefined, val: opt.Predefined[n]}
	}

	if len(src) > maxSourceSize {
		a.errs.Add(Pos{Filename: filename, Line: 1, Col: 1}, "source is %d bytes, more than the limit of %d MiB", len(src), maxSourceSize>>20)
		return a, nil, nil, a.errs.err()
	}
	p := &parser{lx: newLexer(filename, string(src), &a.errs), a: a, localDefs: map[int64]int{}}
	p.parseFile()

	// GNU as pads the end of .text with nops to the section's alignment.
	a.cur = secText
	a.emitAlign(Pos{Filename: filename, Line: 1, Col: 1}, a.secs[secText].align, 0, false, 0, false)
	a.placeSections()
	a.resolve()
	entry := uint64(0)
	if s := a.syms["_start"]; s == nil || s.kind != symLabel {
		a.errs.Add(Pos{Filename: filename, Line: 1, Col: 1}, "missing _start: expected a label _start to mark the entry point")
	} else {
		entry = a.base[s.sec] + uint64(s.off)
	}
	if len(a.tooFar) > 0 {
		return a, nil, nil, nil // another run
	}
	if !a.errs.empty() {
		return a, nil, nil, a.errs.err()
	}
	prog := &Program{Entry: entry, Symbols: a.symbols()}
	prog.ELF = a.writeELF(entry, prog.Symbols)
	lines := map[uint64]int{}
	for off, line := range a.textLines {
		lines[a.base[secText]+uint64(off)] = line
	}
	return a, prog, lines, nil
}

func (a *assembler) dot() value { return value{a.cur, a.secs[a.cur].size} }

// ---- Symbols ----

func (a *assembler) checkNew(pos Pos, name, shown string) bool {
	s := a.syms[name]
	if s == nil {
		return true
	}
	if s.kind == symPredefined {
		a.errs.Add(pos, "symbol %q is predefined and cannot be redefined", shown)
	} else {
		a.errs.Add(pos, "symbol %q is already defined at %d:%d", shown, s.pos.Line, s.pos.Col)
	}
	return false
}

func (a *assembler) defineLabel(pos Pos, name string) {
	shown := name
	if i := strings.IndexByte(name, 2); i >= 0 {
		shown = name[:i]
	}
	if a.checkNew(pos, name, shown) {
		a.syms[name] = &symbol{name: name, kind: symLabel, pos: pos, sec: a.cur, off: a.secs[a.cur].size}
	}
}

func (a *assembler) defineEqu(pos Pos, name string, e expr) {
	if a.checkNew(pos, name, name) {
		s := &symbol{name: name, kind: symEqu, pos: pos, e: e, dot: a.dot()}
		a.syms[name] = s
		a.equs = append(a.equs, s)
		// Compute it now if it can be (it uses only what is above): then a
		// symbol defined in terms of the one before costs no recursion
		// later. A failure here (a symbol defined further down) is no error.
		a.eval(&symRef{pos: pos, name: name, shown: name}, a.dot(), false)
	}
}

// valueNow evaluates an expression whose value decides a size or a place, so
// it must be known at this point of the file: numbers, predefined symbols,
// and symbols and labels defined above.
func (a *assembler) valueNow(e expr) (value, bool) {
	v, err := a.eval(e, a.dot(), false)
	if err != nil {
		msg := err.msg
		if err.undef != "" {
			msg = fmt.Sprintf("expected a constant, found %q, which is not defined before this line", err.undef) + missingCallHint(err.undef)
		}
		a.errs.Add(err.pos, "%s", msg)
		return value{}, false
	}
	return v, true
}

// constNow evaluates an expression whose value decides a size (see valueNow);
// it must be a number, not an address.
func (a *assembler) constNow(e expr) (int64, bool) {
	v, ok := a.valueNow(e)
	if !ok {
		return 0, false
	}
	if v.sec != secAbs {
		a.errs.Add(e.exprPos(), "expected a constant, found an address in %s", sectionNames[v.sec])
		return 0, false
	}
	return v.off, true
}

// ---- Emitting (pass 1) ----

// grow reserves n bytes in the current section and returns their offset.
func (a *assembler) grow(pos Pos, n int64) (int64, bool) {
	s := &a.secs[a.cur]
	// n > max-size, not size+n > max: a size near 2^63 must not wrap the sum.
	if n < 0 || n > maxSectionSize-s.size {
		a.errs.Add(pos, "section %s would be larger than %d MiB", sectionNames[a.cur], maxSectionSize>>20)
		return 0, false
	}
	off := s.size
	s.size += n
	if a.cur != secBss {
		s.data = append(s.data, make([]byte, n)...)
	}
	return off, true
}

// noBss reports an error if the current section is .bss, which holds no bytes.
func (a *assembler) noBss(pos Pos, what string) bool {
	if a.cur == secBss {
		a.errs.Add(pos, "%s in .bss: .bss holds only zeros (use .space, .zero or .align)", what)
		return false
	}
	return true
}

// emitInst places an instruction in the current section; it reports false if
// it could not. An instruction whose operands are all known now (registers,
// numbers, predefined symbols: most of them) is encoded at once; the others
// (branches, pc-relative pairs, symbols) wait for pass 2 as an instItem.
func (a *assembler) emitInst(it *instItem) bool {
	if !a.noBss(it.pos, "instruction") {
		return false
	}
	if a.rvc {
		it = a.compressed(it)
	}
	size, align := int64(4), int64(4)
	if it.def.format == fmtC {
		size = 2
	}
	if a.rvcUsed {
		align = 2 // with the C extension, instructions are 2-byte aligned (spec section 16.1)
	}
	if a.secs[a.cur].size%align != 0 {
		a.errs.Add(it.pos, "instruction at offset %d of %s is not %d-byte aligned (add .align %d)", a.secs[a.cur].size, sectionNames[a.cur], align, align/2)
		return false
	}
	off, ok := a.grow(it.pos, size)
	if !ok {
		return false
	}
	it.sec, it.off = a.cur, off
	it.dot = a.stmtDot
	if a.textLines != nil && it.sec == secText {
		a.textLines[off] = it.pos.Line
	}
	if !a.knownNow(it) {
		c := *it // the caller's item may live on its stack
		a.insts = append(a.insts, &c)
		return true
	}
	w, err := a.encode(it, nil)
	if err != nil {
		a.errs.Add(err.pos, "%s", err.msg)
		return true
	}
	a.put(it, w)
	return true
}

// put writes the encoding of an instruction into its section.
func (a *assembler) put(it *instItem, w uint32) {
	if it.def.format == fmtC {
		binary.LittleEndian.PutUint16(a.secs[it.sec].data[it.off:], uint16(w))
		return
	}
	binary.LittleEndian.PutUint32(a.secs[it.sec].data[it.off:], w)
}

// compressed returns the 16-bit form of a 32-bit instruction under
// .option rvc, or the instruction itself if it has none: GNU as compresses
// an instruction whose immediate is a constant here (compress), and j,
// beqz, bnez, beq and bne to any target, which it relaxes to the 32-bit
// form when the target is too far.
func (a *assembler) compressed(it *instItem) *instItem {
	d := it.def
	switch {
	case d.format == fmtC:
		return it
	case d.format == fmtBranch || d.format == fmtJAL:
		name := ""
		switch {
		case d.name == "beq" && it.rs2 == 0 && isCReg(it.rs1):
			name = "c.beqz"
		case d.name == "bne" && it.rs2 == 0 && isCReg(it.rs1):
			name = "c.bnez"
		case d.name == "jal" && it.rd == 0 && a.form == formJump:
			name = "c.j"
		}
		if name == "" || a.long[it.pos] {
			return it
		}
		c := *it
		c.def, c.relax = cDefs[name], true
		return &c
	}
	if !a.knownNow(it) {
		return it
	}
	var v int64
	switch d.format {
	case fmtI, fmtShift, fmtLoad, fmtStore, fmtU, fmtJALR:
		if it.imm.kind != immPlain {
			return it // %hi, %lo: GNU as keeps the relocation, in 32 bits
		}
		x, err := a.eval(it.imm.e, a.stmtDot, false)
		if err != nil {
			return it
		}
		v = x.off
	}
	if c := compress(it, v, a.form); c != nil {
		return c
	}
	return it
}

// knownNow reports whether an instruction can be encoded before layout: its
// encoding depends on no address.
func (a *assembler) knownNow(it *instItem) bool {
	switch it.def.format {
	case fmtR, fmtAMO, fmtLR, fmtNone, fmtOps:
		return true
	case fmtBranch, fmtJAL:
		return false
	case fmtC:
		return !strings.HasSuffix(it.def.ops, "Cp") && it.def.ops != "Ca"
	}
	k := it.imm.kind
	return (k == immPlain || k == immHi || k == immLo) && a.constant(it.imm.e)
}

// constant reports whether e is made of numbers and predefined symbols only,
// so that its value is the same before and after layout.
func (a *assembler) constant(e expr) bool {
	switch e := e.(type) {
	case *numLit:
		return true
	case *symRef:
		s := a.syms[e.name]
		return s != nil && s.kind == symPredefined
	case *unaryExpr:
		return a.constant(e.x)
	case *chainExpr:
		if !a.constant(e.x) {
			return false
		}
		for _, l := range e.rest {
			if !a.constant(l.y) {
				return false
			}
		}
		return true
	}
	return false
}

// emitPair emits "auipc tmp, %pcrel_hi(target)" and the instruction that second
// builds from the matching low part (GNU as: la, call, tail, lw rd, sym, ...).
func (a *assembler) emitPair(pos Pos, tmp int, target operandImm, second *instDef, build func(lo operandImm) *instItem) {
	auipc := &instItem{pos: pos, def: instByName["auipc"], rd: tmp,
		imm: operandImm{kind: immPcrelHi, e: target.e, pos: target.pos}}
	if !a.emitInst(auipc) {
		return
	}
	a.emitInst(build(operandImm{kind: immPairLo, e: target.e, pos: target.pos, pairOff: auipc.off}))
}

func (a *assembler) emitData(e expr, size int, name string) {
	pos := e.exprPos()
	if !a.noBss(pos, "."+name) {
		return
	}
	dot := a.dot()
	off, ok := a.grow(pos, int64(size))
	if ok {
		a.datas = append(a.datas, &dataItem{sec: a.cur, off: off, size: size, name: name, e: e, dot: dot})
	}
}

func (a *assembler) emitBytes(pos Pos, b []byte) {
	if !a.noBss(pos, "string") {
		return
	}
	if off, ok := a.grow(pos, int64(len(b))); ok {
		copy(a.secs[a.cur].data[off:], b)
	}
}

func (a *assembler) emitFill(pos Pos, n int64, fill byte, nonzero bool) {
	if nonzero && !a.noBss(pos, "non-zero fill") {
		return
	}
	off, ok := a.grow(pos, n)
	if ok && a.cur != secBss {
		for i := off; i < off+n; i++ {
			a.secs[a.cur].data[i] = fill
		}
	}
}

// emitRepeat appends repeat copies of unit (.fill).
func (a *assembler) emitRepeat(pos Pos, repeat int64, unit []byte) {
	size := int64(len(unit))
	if size == 0 || repeat == 0 {
		return
	}
	if repeat > maxSectionSize/size { // before multiplying: repeat*size may not fit in 64 bits
		a.errs.Add(pos, "section %s would be larger than %d MiB", sectionNames[a.cur], maxSectionSize>>20)
		return
	}
	nonzero := false
	for _, b := range unit {
		nonzero = nonzero || b != 0
	}
	if nonzero && !a.noBss(pos, "non-zero fill") {
		return
	}
	off, ok := a.grow(pos, repeat*size)
	if ok && a.cur != secBss {
		data := a.secs[a.cur].data[off : off+repeat*size]
		for i := int64(0); i < repeat; i++ {
			copy(data[i*size:], unit)
		}
	}
}

// moveDot moves the location counter of the current section forward to the
// value of e: a constant, taken as an offset in the section, or an address in
// the section (".org", ". = expr", ".set ., expr"). The gap is filled with
// fill bytes; in .text too, GNU as fills it with zeros and not with nops.
func (a *assembler) moveDot(e expr, fill byte) {
	pos := e.exprPos()
	v, ok := a.valueNow(e)
	if !ok {
		return
	}
	if v.sec != secAbs && v.sec != a.cur {
		a.errs.Add(pos, "expected an offset or an address in %s, found an address in %s", sectionNames[a.cur], sectionNames[v.sec])
		return
	}
	size := a.secs[a.cur].size
	if v.off < size {
		// GNU as's words.
		a.errs.Add(pos, "attempt to move .org backwards (from offset %d of %s to %d)", size, sectionNames[a.cur], v.off)
		return
	}
	a.emitFill(pos, v.off-size, fill, fill != 0)
}

// emitAlign pads to a multiple of bytes. In .text, without an explicit fill,
// the padding is nop instructions (GNU as pads code with nops), preceded by
// zero bytes if the location is not even 4-byte aligned.
func (a *assembler) emitAlign(pos Pos, bytes int64, fill byte, hasFill bool, max int64, hasMax bool) {
	s := &a.secs[a.cur]
	pad := (bytes - s.size%bytes) % bytes
	if hasMax && pad > max {
		return
	}
	if bytes > s.align {
		s.align = bytes
	}
	if a.cur != secText || hasFill {
		a.emitFill(pos, pad, fill, fill != 0)
		return
	}
	off, ok := a.grow(pos, pad)
	if !ok {
		return
	}
	// As GNU as (tc-riscv.c, riscv_handle_align and riscv_make_nops), with or
	// without rvc: a zero byte to an even address, a c.nop to a multiple of
	// 4, then nops (addi zero, zero, 0).
	i := off
	if pad%2 == 1 {
		i++
	}
	if (off+pad-i)%4 == 2 {
		binary.LittleEndian.PutUint16(s.data[i:], 0x0001)
		i += 2
	}
	for ; i < off+pad; i += 4 {
		binary.LittleEndian.PutUint32(s.data[i:], 0x00000013)
	}
}

// ---- Addresses ----

func alignUp(x, n uint64) uint64 { return (x + n - 1) / n * n }

// placeSections gives each section its address: .text at 0x10000, .rodata and
// .data each on the next page boundary, .bss right after .data.
func (a *assembler) placeSections() {
	a.base[secText] = textBase
	a.base[secRodata] = alignUp(textBase+uint64(a.secs[secText].size), pageSize)
	a.base[secData] = alignUp(a.base[secRodata]+uint64(a.secs[secRodata].size), pageSize)
	a.base[secBss] = alignUp(a.base[secData]+uint64(a.secs[secData].size), uint64(a.secs[secBss].align))
}

// symbols lists the labels (not numeric local labels) sorted by address, then
// name. The names are copied: the assembler's are substrings of the source,
// which the program should not keep alive.
func (a *assembler) symbols() []Symbol {
	var out []Symbol
	for _, s := range a.syms {
		if s.kind == symLabel && strings.IndexByte(s.name, 2) < 0 {
			out = append(out, Symbol{Name: strings.Clone(s.name), Addr: a.base[s.sec] + uint64(s.off)})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Addr != out[j].Addr {
			return out[i].Addr < out[j].Addr
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// ---- Pass 2: relocation ----

func (a *assembler) resolve() {
	// Check every .equ once, so an unused bad definition is still reported.
	// In the order of definition: each then finds the symbols it uses
	// already computed, so a long chain costs no deep recursion.
	for _, s := range a.equs {
		if _, err := a.eval(&symRef{pos: s.pos, name: s.name, shown: s.name}, s.dot, true); err != nil {
			a.errs.Add(err.pos, "%s", err.msg)
		}
	}
	// The auipcs that %pcrel_lo(label) may refer to, by address.
	auipcAt := map[uint64]*instItem{}
	for _, it := range a.insts {
		if it.imm.kind == immPcrelHi {
			auipcAt[a.addr(it.sec, it.off)] = it
		}
	}
	for _, it := range a.insts {
		w, err := a.encode(it, auipcAt)
		if err != nil {
			a.errs.Add(err.pos, "%s", err.msg)
			continue
		}
		a.put(it, w)
	}
	for _, d := range a.datas {
		v, err := a.eval(d.e, d.dot, true)
		if err != nil {
			a.errs.Add(err.pos, "%s", err.msg)
			continue
		}
		if d.size < 8 {
			bits := uint(d.size * 8)
			if v.off < -(1<<(bits-1)) || v.off >= 1<<bits {
				a.errs.Add(d.e.exprPos(), "value %d does not fit in .%s (%d bits)", v.off, d.name, bits)
				continue
			}
		}
		var b [8]byte
		binary.LittleEndian.PutUint64(b[:], uint64(v.off))
		copy(a.secs[d.sec].data[d.off:], b[:d.size])
	}
}

func (a *assembler) addr(sec int, off int64) uint64 { return a.base[sec] + uint64(off) }

func errAt(pos Pos, format string, args ...any) *evalError {
	return &evalError{pos: pos, msg: fmt.Sprintf(format, args...)}
}

func sext12(v int64) int64 { return ((v & 0xfff) ^ 0x800) - 0x800 }

// hi20 is the upper part that, added to the sign-extended sext12(v), gives v:
// (v + 0x800) >> 12, as %hi in the psABI ("RISC-V ELF psABI", relocations
// R_RISCV_HI20 and R_RISCV_PCREL_HI20).
func hi20(v int64) int64 { return ((v + 0x800) >> 12) & 0xfffff }

// fitsPcrel says whether a pc-relative distance is reachable by auipc (±2 GiB).
func fitsPcrel(d int64) bool { return d >= -(1<<31)-0x800 && d < (1<<31)-0x800 }

// immValue computes an immediate operand (not a branch or jump target).
func (a *assembler) immValue(it *instItem, auipcAt map[uint64]*instItem) (int64, *evalError) {
	im := it.imm
	pc := int64(a.addr(it.sec, it.off))
	v, err := a.eval(im.e, it.dot, true)
	if err != nil {
		return 0, err
	}
	x := v.off
	switch im.kind {
	case immHi:
		return hi20(x), nil
	case immLo:
		return sext12(x), nil
	case immPcrelHi:
		if !fitsPcrel(x - pc) {
			return 0, errAt(im.pos, "pc-relative target %#x is out of range (±2 GiB)", x)
		}
		return hi20(x - pc), nil
	case immPairLo:
		return sext12(x - int64(a.addr(it.sec, im.pairOff))), nil
	case immPcrelLo:
		// %pcrel_lo(L): L labels the auipc; the low part is that of the auipc's
		// target relative to the auipc (psABI, R_RISCV_PCREL_LO12_I).
		hi := auipcAt[uint64(x)]
		if hi == nil {
			return 0, errAt(im.pos, "%%pcrel_lo expects the label of an auipc with %%pcrel_hi, found address %#x", x)
		}
		t, err := a.eval(hi.imm.e, hi.dot, true)
		if err != nil {
			return 0, err
		}
		return sext12(t.off - x), nil
	}
	return x, nil
}

func checkRange(im operandImm, v, lo, hi int64, what string) *evalError {
	if v < lo || v > hi {
		return errAt(im.pos, "%s %d is out of range (%d..%d)", what, v, lo, hi)
	}
	return nil
}

// encodeC builds the parcel of a compressed instruction at pc.
func (a *assembler) encodeC(it *instItem, pc int64) (uint32, *evalError) {
	d := it.def
	ops := cOps(d.ops)
	last := ""
	if len(ops) > 0 {
		last = ops[len(ops)-1]
	}
	var v int64
	switch {
	case last == "Cp" || last == "Ca":
		t, err := a.eval(it.imm.e, it.dot, true)
		if err != nil {
			return 0, err
		}
		v = t.off - pc
		if it.relax && (t.sec != it.sec && t.sec != secAbs || !cImmOK(last, v)) {
			a.tooFar = append(a.tooFar, it.pos) // too far: 32 bits in the next run
			return 0, nil
		}
		if v%2 != 0 {
			return 0, errAt(it.imm.pos, "jump target %#x is not 2-byte aligned", uint64(t.off))
		}
		if !cImmOK(last, v) {
			reach := map[string]string{"Cp": "±256 B", "Ca": "±2 KiB"}[last]
			return 0, errAt(it.imm.pos, "%s target %d bytes away is out of range (%s)", d.name, v, reach)
		}
	case it.imm.e != nil:
		x, err := a.immValue(it, nil)
		if err != nil {
			return 0, err
		}
		v = x
	}
	return uint32(encodeC(d, it.rd, it.rs1, it.rs2, v)), nil
}

// encode builds the instruction word of it.
func (a *assembler) encode(it *instItem, auipcAt map[uint64]*instItem) (uint32, *evalError) {
	d := it.def
	pc := int64(a.addr(it.sec, it.off))
	switch d.format {
	case fmtR, fmtAMO, fmtLR:
		return encodeR(d, it.rd, it.rs1, it.rs2), nil
	case fmtOps:
		return encodeR(d, it.rd, it.rs1, it.rs2) | it.bits, nil
	case fmtNone:
		return d.match, nil
	case fmtC:
		return a.encodeC(it, pc)
	case fmtBranch, fmtJAL:
		v, err := a.eval(it.imm.e, it.dot, true)
		if err != nil {
			return 0, err
		}
		off := v.off - pc
		if off%2 != 0 {
			return 0, errAt(it.imm.pos, "jump target %#x is not 2-byte aligned", uint64(v.off))
		}
		if d.format == fmtBranch {
			if off < -4096 || off > 4094 {
				return 0, errAt(it.imm.pos, "branch target %d bytes away is out of range (±4 KiB)", off)
			}
			return encodeB(d, it.rs1, it.rs2, off), nil
		}
		if off < -(1<<20) || off > 1<<20-2 {
			return 0, errAt(it.imm.pos, "jump target %d bytes away is out of range (±1 MiB)", off)
		}
		return encodeJ(d, it.rd, off), nil
	}
	v, err := a.immValue(it, auipcAt)
	if err != nil {
		return 0, err
	}
	switch d.format {
	case fmtI, fmtLoad, fmtJALR:
		if err := checkRange(it.imm, v, -2048, 2047, "immediate"); err != nil {
			return 0, err
		}
		return encodeI(d, it.rd, it.rs1, v), nil
	case fmtShift:
		if err := checkRange(it.imm, v, 0, 1<<d.shamtBits-1, "shift amount"); err != nil {
			return 0, err
		}
		return encodeI(d, it.rd, it.rs1, v), nil
	case fmtStore:
		if err := checkRange(it.imm, v, -2048, 2047, "offset"); err != nil {
			return 0, err
		}
		return encodeS(d, it.rs1, it.rs2, v), nil
	case fmtU:
		if err := checkRange(it.imm, v, 0, 0xfffff, "20-bit upper immediate"); err != nil {
			return 0, err
		}
		return encodeU(d, it.rd, v), nil
	case fmtFence:
		return d.match | uint32(v)<<20, nil
	}
	return 0, errAt(it.pos, "internal error: no encoding for %s", d.name)
}

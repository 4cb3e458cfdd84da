package asm

import (
	"encoding/binary"
	"math"
	"strconv"
	"strings"
)

// .float (.single) and .double (GNU as manual, ".float", ".double"): a comma
// list of floating-point numbers, each stored as an IEEE 754 binary32 or
// binary64, little-endian. A number is an optional sign and a decimal
// literal (1.5, 2., 1e10, 6.02e+23, an integer such as 3), optionally after
// GNU as's prefix 0f, 0d, 0e or 0r, or inf, infinity or nan in any case.
// The conversion is IEEE round-to-nearest, ties to even (strconv.ParseFloat);
// nan is the quiet NaN with every fraction bit set, as GNU as writes it.

// floatDirective parses the operands of .float (size 4) or .double (size 8)
// and emits their bytes.
func (p *parser) floatDirective(d token, size int) {
	for {
		pos := p.tok().pos
		bits, ok := p.floatLiteral(size)
		if !ok {
			return
		}
		var b [8]byte
		binary.LittleEndian.PutUint64(b[:], bits)
		if !p.a.noBss(pos, d.text) {
			return
		}
		p.a.emitBytes(pos, b[:size])
		if !p.isOp(",") {
			break
		}
		p.next()
	}
	p.expectEOS()
}

// floatLiteral parses one number of .float or .double and returns its bits.
func (p *parser) floatLiteral(size int) (uint64, bool) {
	neg := false
	for p.isOp("-") || p.isOp("+") {
		neg = neg != p.isOp("-")
		p.next()
	}
	t := p.tok()
	var v float64
	switch {
	case t.kind == tkFloat || t.kind == tkNum && allDigits(t.text):
		text, _ := cutFloatPrefix(t.text)
		bitSize := 32
		if size == 8 {
			bitSize = 64
		}
		f, err := strconv.ParseFloat(text, bitSize)
		if err != nil && math.IsInf(f, 0) {
			// GNU as: "cannot create floating-point number".
			p.errorf(t.pos, "%s is too large for .%s", t.text, map[int]string{4: "float", 8: "double"}[size])
			return 0, false
		}
		v = f
	case t.kind == tkIdent && (strings.EqualFold(t.text, "inf") || strings.EqualFold(t.text, "infinity")):
		v = math.Inf(1)
	case t.kind == tkIdent && strings.EqualFold(t.text, "nan"):
		p.next()
		if size == 4 {
			return uint64(1)<<31*b2u(neg) | 0x7fffffff, true
		}
		return uint64(1)<<63*b2u(neg) | 0x7fffffffffffffff, true
	default:
		p.errorf(t.pos, "expected a floating-point number, found %s", t.describe())
		return 0, false
	}
	p.next()
	if neg {
		v = -v
	}
	if size == 4 {
		return uint64(math.Float32bits(float32(v))), true
	}
	return math.Float64bits(v), true
}

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

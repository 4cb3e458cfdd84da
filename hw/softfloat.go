package hw

import (
	"math/big"
	"math/bits"
)

// IEEE 754 binary32 and binary64 arithmetic in software, in the manner of
// Berkeley SoftFloat 3: one function per operation, the rounding mode in
// the environment, exception flags ORed into one word, the special cases
// in a few named helpers. Go's own float arithmetic rounds to nearest-even
// only and reports no flags; RISC-V needs all five rounding modes and
// exact fflags, so every operation computes its exact result (or a 64-bit
// significand with a sticky bit that rounds the same way) and rounds it in
// roundPack, the one place where rounding, overflow and underflow happen.
//
// RISC-V's rules on top of IEEE 754 (unprivileged spec, "F" Standard
// Extension):
//   - "Except when otherwise stated, if the result of a floating-point
//     operation is NaN, it is the canonical NaN" (sign 0, quiet bit set,
//     rest 0): NaN payloads never propagate.
//   - Tininess is detected after rounding: "the default is ... after
//     rounding" is what RISC-V chose (as SoftFloat's
//     softfloat_tininess_afterRounding).

// Exception flags, as fflags holds them (fcsr bits 4:0).
const (
	flagNX = 1 << 0 // inexact
	flagUF = 1 << 1 // underflow
	flagOF = 1 << 2 // overflow
	flagDZ = 1 << 3 // divide by zero
	flagNV = 1 << 4 // invalid operation
)

// A rmode is a rounding mode, as the rm field and frm encode it.
type rmode uint8

const (
	rmRNE rmode = 0 // round to nearest, ties to even
	rmRTZ rmode = 1 // round towards zero
	rmRDN rmode = 2 // round down (towards -infinity)
	rmRUP rmode = 3 // round up (towards +infinity)
	rmRMM rmode = 4 // round to nearest, ties to max magnitude
	rmDYN rmode = 7 // in an instruction's rm field: use frm
)

// An fpEnv is the floating-point environment of one operation: the rounding
// mode it rounds with and the flags it raises.
type fpEnv struct {
	rm    rmode
	flags uint8
}

// An fpFormat describes an IEEE binary interchange format.
type fpFormat struct {
	expBits, fracBits uint
}

var (
	fmtS = fpFormat{expBits: 8, fracBits: 23}  // binary32
	fmtD = fpFormat{expBits: 11, fracBits: 52} // binary64
)

func (f fpFormat) bias() int        { return 1<<(f.expBits-1) - 1 }
func (f fpFormat) signBit() uint64  { return 1 << (f.expBits + f.fracBits) }
func (f fpFormat) expField() uint64 { return 1<<f.expBits - 1 }
func (f fpFormat) fracMask() uint64 { return 1<<f.fracBits - 1 }
func (f fpFormat) quietBit() uint64 { return 1 << (f.fracBits - 1) }
func (f fpFormat) precision() int   { return int(f.fracBits) + 1 }
func (f fpFormat) sign(neg bool) uint64 {
	if neg {
		return f.signBit()
	}
	return 0
}

// canonicalNaN is 0x7fc00000 for binary32 and 0x7ff8000000000000 for binary64.
func (f fpFormat) canonicalNaN() uint64 { return f.expField()<<f.fracBits | f.quietBit() }
func (f fpFormat) inf(neg bool) uint64  { return f.sign(neg) | f.expField()<<f.fracBits }
func (f fpFormat) zero(neg bool) uint64 { return f.sign(neg) }

// maxFinite is the largest finite magnitude, with the given sign.
func (f fpFormat) maxFinite(neg bool) uint64 {
	return f.sign(neg) | (f.expField()-1)<<f.fracBits | f.fracMask()
}

// Kinds of value an unpacked operand is.
const (
	kindZero   = iota
	kindFinite // normal or subnormal, not zero
	kindInf
	kindQNaN
	kindSNaN
)

// An unpacked value: for kindFinite the value is (-1)^neg * sig * 2^exp,
// sig not normalized (a subnormal has fewer than precision bits).
type unpacked struct {
	neg  bool
	kind uint8
	exp  int
	sig  uint64
}

func (u unpacked) isNaN() bool { return u.kind >= kindQNaN }

// unpack splits the bits of a value of format f.
func (f fpFormat) unpack(b uint64) unpacked {
	u := unpacked{neg: b&f.signBit() != 0}
	e := b >> f.fracBits & f.expField()
	frac := b & f.fracMask()
	switch {
	case e == f.expField() && frac == 0:
		u.kind = kindInf
	case e == f.expField() && frac&f.quietBit() != 0:
		u.kind = kindQNaN
	case e == f.expField():
		u.kind = kindSNaN
	case e == 0 && frac == 0:
		u.kind = kindZero
	case e == 0: // subnormal: 0.frac * 2^emin
		u.kind = kindFinite
		u.sig = frac
		u.exp = 1 - f.bias() - int(f.fracBits)
	default: // normal: 1.frac * 2^(e-bias)
		u.kind = kindFinite
		u.sig = frac | 1<<f.fracBits
		u.exp = int(e) - f.bias() - int(f.fracBits)
	}
	return u
}

// normalized returns u's significand shifted so that its leading one is at
// bit 63, and the exponent that keeps the value.
func (u unpacked) normalized() (sig uint64, exp int) {
	lz := bits.LeadingZeros64(u.sig)
	return u.sig << uint(lz), u.exp - lz
}

// isSNaN reports whether b is a signaling NaN of format f.
func (f fpFormat) isSNaN(b uint64) bool { return f.unpack(b).kind == kindSNaN }

// nanResult is the result of an operation with a NaN operand: the
// canonical NaN, with invalid raised if any operand is signaling.
func (e *fpEnv) nanResult(f fpFormat, us ...unpacked) uint64 {
	for _, u := range us {
		if u.kind == kindSNaN {
			e.flags |= flagNV
		}
	}
	return f.canonicalNaN()
}

// invalid raises NV and returns the canonical NaN (0*inf, inf-inf, 0/0,
// inf/inf, the square root of a negative number).
func (e *fpEnv) invalid(f fpFormat) uint64 {
	e.flags |= flagNV
	return f.canonicalNaN()
}

// roundBits rounds sig/2^drop to an integer in mode rm, for a value of the
// given sign, and reports whether that lost anything. drop may exceed 63.
func roundBits(sig uint64, drop uint, neg bool, rm rmode) (q uint64, inexact bool) {
	// rest compared with half decides to-nearest; only their order matters.
	var rest, half uint64
	switch {
	case drop == 0:
		return sig, false
	case drop < 64:
		q, rest, half = sig>>drop, sig&(1<<drop-1), 1<<(drop-1)
	case drop == 64:
		q, rest, half = 0, sig, 1<<63
	default: // all of sig lies below the half
		q, rest, half = 0, b2u(sig != 0), 2
	}
	if rest == 0 {
		return q, false
	}
	var up bool
	switch rm {
	case rmRNE:
		up = rest > half || rest == half && q&1 == 1
	case rmRMM:
		up = rest >= half
	case rmRDN:
		up = neg
	case rmRUP:
		up = !neg
	}
	if up {
		q++
	}
	return q, true
}

// roundPack rounds (-1)^neg * sig * 2^exp to format f and packs it. sig may
// carry a sticky bit in its low bits (see shiftRightJam): it must have at
// least two bits below the rounding position for that to be exact, which
// all callers give. This is where NX, UF and OF come from.
func (e *fpEnv) roundPack(f fpFormat, neg bool, exp int, sig uint64) uint64 {
	if sig == 0 {
		return f.zero(neg)
	}
	lz := bits.LeadingZeros64(sig)
	sig <<= uint(lz)
	top := exp - lz + 63 // exponent of the leading one
	p := f.precision()
	emin := 1 - f.bias()
	drop := uint(64 - p)
	if top < emin {
		// "Tininess is detected after rounding": the result is tiny if,
		// rounded to p bits with an unbounded exponent, it is still below
		// 2^emin. Only a value that rounds up to 2^emin escapes.
		r, _ := roundBits(sig, drop, neg, e.rm)
		tiny := !(top == emin-1 && r == 1<<p)
		q, inexact := roundBits(sig, drop+uint(emin-top), neg, e.rm)
		if inexact {
			e.flags |= flagNX
			if tiny {
				e.flags |= flagUF
			}
		}
		// A q of 2^(p-1) (rounded up to the smallest normal) lands its
		// leading one in the exponent field as 1: the right encoding.
		return f.sign(neg) | q
	}
	q, inexact := roundBits(sig, drop, neg, e.rm)
	if q == 1<<p { // rounding carried into a new leading bit
		q >>= 1
		top++
	}
	if top > f.bias() {
		return e.overflow(f, neg)
	}
	if inexact {
		e.flags |= flagNX
	}
	return f.sign(neg) | uint64(top+f.bias())<<f.fracBits | q&f.fracMask()
}

// overflow is the result of a finite value too large for f: infinity or
// the largest finite number, depending on the direction of rounding.
func (e *fpEnv) overflow(f fpFormat, neg bool) uint64 {
	e.flags |= flagOF | flagNX
	switch {
	case e.rm == rmRTZ, e.rm == rmRDN && !neg, e.rm == rmRUP && neg:
		return f.maxFinite(neg)
	}
	return f.inf(neg)
}

// shiftRightJam shifts v right by d bits and ORs every bit shifted out
// into bit 0 ("jamming"), so that the result still says "inexact".
func shiftRightJam(v uint64, d int) uint64 {
	switch {
	case d <= 0:
		return v
	case d >= 64:
		return b2u(v != 0)
	}
	return v>>uint(d) | b2u(v<<uint(64-d) != 0)
}

// exactZero is the sign of x + y when the exact sum of two nonzero values
// is zero: "+0 in all rounding-direction attributes except
// roundTowardNegative; under that attribute, the sign of an exact zero
// sum (or difference) shall be -0" (IEEE 754-2008, 6.3).
func (e *fpEnv) exactZero(f fpFormat) uint64 { return f.zero(e.rm == rmRDN) }

// add returns a + b. Subtraction is add with b's sign flipped.
func (e *fpEnv) add(f fpFormat, a, b uint64) uint64 {
	x, y := f.unpack(a), f.unpack(b)
	switch {
	case x.isNaN() || y.isNaN():
		return e.nanResult(f, x, y)
	case x.kind == kindInf && y.kind == kindInf && x.neg != y.neg:
		return e.invalid(f) // inf - inf
	case x.kind == kindInf:
		return a
	case y.kind == kindInf:
		return b
	case x.kind == kindZero && y.kind == kindZero:
		if x.neg == y.neg {
			return a
		}
		return e.exactZero(f)
	case x.kind == kindZero:
		return b
	case y.kind == kindZero:
		return a
	}
	// Both finite and nonzero. Leading ones at bit 62 leave room for the
	// carry of an addition; the smaller operand is aligned with a sticky
	// bit, which keeps the rounding exact (at least 9 bits lie below the
	// rounding position, even after a cancellation).
	xs, xe := x.normalized()
	ys, ye := y.normalized()
	xs, xe, ys, ye = xs>>1, xe+1, ys>>1, ye+1
	if xe < ye || xe == ye && xs < ys {
		x, y = y, x
		xs, xe, ys, ye = ys, ye, xs, xe
	}
	ys = shiftRightJam(ys, xe-ye)
	if x.neg == y.neg {
		return e.roundPack(f, x.neg, xe, xs+ys)
	}
	if xs == ys {
		return e.exactZero(f)
	}
	return e.roundPack(f, x.neg, xe, xs-ys)
}

// sub returns a - b.
func (e *fpEnv) sub(f fpFormat, a, b uint64) uint64 {
	y := f.unpack(b)
	if y.isNaN() {
		return e.nanResult(f, f.unpack(a), y)
	}
	return e.add(f, a, b^f.signBit())
}

// mul returns a * b.
func (e *fpEnv) mul(f fpFormat, a, b uint64) uint64 {
	x, y := f.unpack(a), f.unpack(b)
	neg := x.neg != y.neg
	switch {
	case x.isNaN() || y.isNaN():
		return e.nanResult(f, x, y)
	case x.kind == kindInf && y.kind == kindZero, x.kind == kindZero && y.kind == kindInf:
		return e.invalid(f)
	case x.kind == kindInf || y.kind == kindInf:
		return f.inf(neg)
	case x.kind == kindZero || y.kind == kindZero:
		return f.zero(neg)
	}
	xs, xe := x.normalized()
	ys, ye := y.normalized()
	hi, lo := bits.Mul64(xs, ys) // the exact product, 128 bits
	return e.roundPack(f, neg, xe+ye+64, hi|b2u(lo != 0))
}

// div returns a / b.
func (e *fpEnv) div(f fpFormat, a, b uint64) uint64 {
	x, y := f.unpack(a), f.unpack(b)
	neg := x.neg != y.neg
	switch {
	case x.isNaN() || y.isNaN():
		return e.nanResult(f, x, y)
	case x.kind == kindInf && y.kind == kindInf, x.kind == kindZero && y.kind == kindZero:
		return e.invalid(f)
	case x.kind == kindInf:
		return f.inf(neg)
	case y.kind == kindInf, x.kind == kindZero:
		return f.zero(neg)
	case y.kind == kindZero:
		e.flags |= flagDZ
		return f.inf(neg)
	}
	xs, xe := x.normalized()
	ys, ye := y.normalized()
	// The 128-bit dividend xs*2^64 (or xs*2^63 if xs >= ys, so that the
	// quotient fits in 64 bits) over ys: a 64-bit quotient whose
	// remainder becomes the sticky bit.
	hi, lo, shift := xs, uint64(0), 64
	if xs >= ys {
		hi, lo, shift = xs>>1, xs<<63, 63
	}
	q, r := bits.Div64(hi, lo, ys)
	return e.roundPack(f, neg, xe-ye-shift, q|b2u(r != 0))
}

// sqrt returns the square root of a.
func (e *fpEnv) sqrt(f fpFormat, a uint64) uint64 {
	x := f.unpack(a)
	switch {
	case x.isNaN():
		return e.nanResult(f, x)
	case x.kind == kindZero:
		return a // sqrt(-0) = -0
	case x.neg:
		return e.invalid(f)
	case x.kind == kindInf:
		return a
	}
	xs, xe := x.normalized()
	// sqrt(xs * 2^xe) = sqrt(xs * 2^k) * 2^((xe-k)/2) with xe-k even; k of
	// 62 or 63 gives a root of 63 bits, its remainder the sticky bit.
	k := 62
	if (xe-k)%2 != 0 {
		k = 63
	}
	n := new(big.Int).Lsh(new(big.Int).SetUint64(xs), uint(k))
	r := new(big.Int).Sqrt(n)
	exact := new(big.Int).Mul(r, r).Cmp(n) == 0
	return e.roundPack(f, false, (xe-k)/2, r.Uint64()|b2u(!exact))
}

// fma returns (a * b) + c rounded once, with the product negated if
// negProd and c negated if negAdd: FMADD, FMSUB (negAdd), FNMSUB
// (negProd) and FNMADD (both).
func (e *fpEnv) fma(f fpFormat, a, b, c uint64, negProd, negAdd bool) uint64 {
	x, y, z := f.unpack(a), f.unpack(b), f.unpack(c)
	infTimesZero := x.kind == kindInf && y.kind == kindZero || x.kind == kindZero && y.kind == kindInf
	if x.isNaN() || y.isNaN() || z.isNaN() {
		// "The fused multiply-add instructions must set the invalid
		// operation exception flag when the multiplicands are inf and
		// zero, even when the addend is a quiet NaN."
		if infTimesZero {
			e.flags |= flagNV
		}
		return e.nanResult(f, x, y, z)
	}
	if infTimesZero {
		return e.invalid(f)
	}
	pneg := x.neg != y.neg != negProd
	z.neg = z.neg != negAdd
	switch {
	case x.kind == kindInf || y.kind == kindInf:
		if z.kind == kindInf && z.neg != pneg {
			return e.invalid(f)
		}
		return f.inf(pneg)
	case z.kind == kindInf:
		return f.inf(z.neg)
	case x.kind == kindZero || y.kind == kindZero:
		if z.kind == kindZero {
			if pneg == z.neg {
				return f.zero(pneg)
			}
			return e.exactZero(f)
		}
		return c&^f.signBit() | f.sign(z.neg) // c is exact in f
	}
	if z.kind == kindZero {
		xs, xe := x.normalized()
		ys, ye := y.normalized()
		hi, lo := bits.Mul64(xs, ys)
		return e.roundPack(f, pneg, xe+ye+64, hi|b2u(lo != 0))
	}
	// The exact sum, in integers: the product's and the addend's
	// significands aligned to the smaller exponent.
	p := new(big.Int).Mul(new(big.Int).SetUint64(x.sig), new(big.Int).SetUint64(y.sig))
	pe := x.exp + y.exp
	s := new(big.Int).SetUint64(z.sig)
	se := z.exp
	e0 := min(pe, se)
	p.Lsh(p, uint(pe-e0))
	s.Lsh(s, uint(se-e0))
	if pneg {
		p.Neg(p)
	}
	if z.neg {
		s.Neg(s)
	}
	s.Add(s, p)
	if s.Sign() == 0 {
		return e.exactZero(f)
	}
	neg := s.Sign() < 0
	s.Abs(s)
	// Keep the top 64 bits, the rest as a sticky bit.
	shift := max(s.BitLen()-64, 0)
	sticky := shift > 0 && s.TrailingZeroBits() < uint(shift)
	s.Rsh(s, uint(shift))
	return e.roundPack(f, neg, e0+shift, s.Uint64()|b2u(sticky))
}

// convert converts a of format from to format to: exact from binary32 to
// binary64, rounded the other way.
func (e *fpEnv) convert(to, from fpFormat, a uint64) uint64 {
	x := from.unpack(a)
	switch x.kind {
	case kindQNaN, kindSNaN:
		return e.nanResult(to, x)
	case kindInf:
		return to.inf(x.neg)
	case kindZero:
		return to.zero(x.neg)
	}
	return e.roundPack(to, x.neg, x.exp, x.sig)
}

// fromInt converts the integer (-1)^neg * mag to format f.
func (e *fpEnv) fromInt(f fpFormat, neg bool, mag uint64) uint64 {
	if mag == 0 {
		return f.zero(false)
	}
	return e.roundPack(f, neg, 0, mag)
}

// toInt converts a to an integer of n bits (32 or 64), signed or not,
// rounding in the environment's mode, and returns it in 64 bits (sign
// extended from n). Out-of-range values saturate and raise invalid, as the
// spec's table "Domains of float-to-integer conversions" says: NaN and
// too-large values give the largest integer, too-small ones the smallest
// (0 for unsigned), and NX is not raised with NV.
func (e *fpEnv) toInt(f fpFormat, a uint64, signed bool, n uint) uint64 {
	x := f.unpack(a)
	maxMag := uint64(1)<<n - 1 // unsigned maximum (n = 64: all ones)
	if n == 64 {
		maxMag = ^uint64(0)
	}
	var hi, lo uint64 = maxMag, 0 // saturation values, as n-bit patterns
	if signed {
		hi, lo = maxMag>>1, maxMag>>1+1
	}
	saturate := func(v uint64) uint64 {
		e.flags |= flagNV
		return sextN(v, n)
	}
	switch x.kind {
	case kindQNaN, kindSNaN:
		return saturate(hi)
	case kindInf:
		if x.neg {
			return saturate(lo)
		}
		return saturate(hi)
	case kindZero:
		return 0
	}
	mag, inexact, tooBig := roundToInt(x, e.rm)
	switch {
	case tooBig && x.neg, x.neg && !signed && mag != 0, x.neg && mag > hi+1:
		return saturate(lo)
	case tooBig, !x.neg && mag > hi:
		return saturate(hi)
	}
	if inexact {
		e.flags |= flagNX
	}
	if x.neg {
		return sextN(-mag, n)
	}
	return sextN(mag, n)
}

// roundToInt rounds the finite value x to an integer in mode rm and
// returns its magnitude, whether it was inexact, and whether the
// magnitude needs more than 64 bits.
func roundToInt(x unpacked, rm rmode) (mag uint64, inexact, tooBig bool) {
	if x.exp >= 0 {
		if bits.Len64(x.sig)+x.exp > 64 {
			return 0, false, true
		}
		return x.sig << uint(x.exp), false, false
	}
	mag, inexact = roundBits(x.sig, uint(-x.exp), x.neg, rm)
	return mag, inexact, false
}

// sextN sign-extends the low n bits of v (n = 32 or 64).
func sextN(v uint64, n uint) uint64 {
	if n == 32 {
		return sext32(v)
	}
	return v
}

// orderKey maps a non-NaN value to an integer that orders as the value
// does, with -0 and +0 equal.
func (f fpFormat) orderKey(b uint64) int64 {
	m := int64(b &^ f.signBit())
	if b&f.signBit() != 0 {
		return -m
	}
	return m
}

// eq is FEQ: a quiet comparison, invalid only for a signaling NaN.
func (e *fpEnv) eq(f fpFormat, a, b uint64) bool {
	x, y := f.unpack(a), f.unpack(b)
	if x.isNaN() || y.isNaN() {
		e.nanResult(f, x, y)
		return false
	}
	return f.orderKey(a) == f.orderKey(b)
}

// lt and le are FLT and FLE: signaling comparisons, invalid for any NaN.
func (e *fpEnv) lt(f fpFormat, a, b uint64) bool {
	if f.unpack(a).isNaN() || f.unpack(b).isNaN() {
		e.flags |= flagNV
		return false
	}
	return f.orderKey(a) < f.orderKey(b)
}

func (e *fpEnv) le(f fpFormat, a, b uint64) bool {
	if f.unpack(a).isNaN() || f.unpack(b).isNaN() {
		e.flags |= flagNV
		return false
	}
	return f.orderKey(a) <= f.orderKey(b)
}

// minMax is FMIN (max false) or FMAX. "For the purposes of these
// instructions only, the value -0.0 is considered to be less than the
// value +0.0. If both inputs are NaNs, the result is the canonical NaN. If
// only one operand is a NaN, the result is the non-NaN operand. Signaling
// NaN inputs set the invalid operation exception flag, even when the
// result is not NaN."
func (e *fpEnv) minMax(f fpFormat, a, b uint64, max bool) uint64 {
	x, y := f.unpack(a), f.unpack(b)
	switch {
	case x.isNaN() && y.isNaN():
		return e.nanResult(f, x, y)
	case x.isNaN():
		e.nanResult(f, x)
		return b
	case y.isNaN():
		e.nanResult(f, y)
		return a
	}
	ka, kb := f.orderKey(a), f.orderKey(b)
	aLess := ka < kb || ka == kb && x.neg && !y.neg
	if aLess != max {
		return a
	}
	return b
}

// class is FCLASS: one bit set for the kind of value a is.
func (f fpFormat) class(a uint64) uint64 {
	x := f.unpack(a)
	subnormal := a>>f.fracBits&f.expField() == 0
	var bit uint
	switch {
	case x.kind == kindInf:
		bit = 7
	case x.kind == kindFinite && !subnormal:
		bit = 6
	case x.kind == kindFinite:
		bit = 5
	case x.kind == kindZero:
		bit = 4
	case x.kind == kindSNaN:
		return 1 << 8
	default:
		return 1 << 9
	}
	if x.neg {
		bit = 7 - bit // -inf 0, negative normal 1, subnormal 2, -0 3
	}
	return 1 << bit
}

package hw

// Execution of the F, D and Zicsr instructions (decode_fp.go). The
// arithmetic itself is in softfloat.go; this file reads and writes the
// registers, checks rounding modes, accrues fflags and keeps single
// precision values NaN-boxed.

// FCSR layout: "The fcsr register ... frm (bits 7:5) | fflags (bits 4:0)";
// the bits above are reserved and read as zero.
const (
	fcsrFlagsMask = 0x1f
	fcsrMask      = 0xff
)

// canonicalNaN32 is the canonical NaN of binary32.
const canonicalNaN32 = 0x7fc00000

// box returns a binary32 value NaN-boxed in a 64-bit register: "the upper
// 32 bits are all 1s" ("NaN Boxing of Narrower Values").
func box(v uint64) uint64 { return v&0xffffffff | 0xffffffff_00000000 }

// unbox reads a binary32 operand: "if the operands are not correctly
// NaN-boxed, they are treated as if they were the canonical NaN".
func unbox(r uint64) uint64 {
	if r>>32 != 0xffffffff {
		return canonicalNaN32
	}
	return r & 0xffffffff
}

// execFP executes one opFP instruction. x is Run's integer register file;
// n is how many instructions Run retired before this one, for the cycle
// and instret counters. A trap leaves every register and fcsr unchanged.
func (c *CPU) execFP(d *decodedInst, x *[64]uint64, pc, n uint64) Trap {
	fo := fop(d.imm)
	rs3 := d.imm >> 8 & 31
	rmField := rmode(d.imm >> 13 & 7)
	off := d.imm >> 16 // load/store offset or CSR number
	// An illegal instruction reports its word, which the decoded form no
	// longer holds: read it again (only on this rare path).
	illegal := func() Trap {
		w, _ := c.Fetch(pc)
		return Trap{Cause: CauseIllegal, Value: uint64(w)}
	}

	switch fo {
	case fopFLW, fopFLD, fopFSW, fopFSD:
		c.FPUsed = true
		return c.loadStoreFP(fo, d, x[d.rs1&63]+uint64(off))
	case fopCSRRW, fopCSRRS, fopCSRRC, fopCSRRWI, fopCSRRSI, fopCSRRCI:
		return c.csr(fo, d, x, uint32(off)&0xfff, n, illegal)
	}
	c.FPUsed = true

	// Every other op works on one format: .S ops are at an even distance
	// from fopFMADDS, .D ops at an odd one (and the two conversions
	// between formats are named for their destination).
	f := fmtS
	if fo <= fopFMVDX && (fo-fopFMADDS)&1 == 1 {
		f = fmtD
	}
	read := func(r uint8) uint64 {
		if f == fmtS {
			return unbox(c.F[r&31])
		}
		return c.F[r&31]
	}
	write := func(v uint64) {
		if f == fmtS {
			v = box(v)
		}
		c.F[d.rd&31] = v
	}
	// The rounding mode: "a value of 111 in the instruction's rm field
	// selects the dynamic rounding mode held in frm. If frm is set to an
	// invalid value (101-111), any subsequent attempt to execute a
	// floating-point operation with a dynamic rounding mode will raise an
	// illegal instruction exception". Fields 101 and 110 are reserved.
	// Only ops that have an rm field check it.
	env := fpEnv{rm: rmField}
	if hasRM(fo) {
		if env.rm == rmDYN {
			env.rm = rmode(c.FCSR >> 5 & 7)
		}
		if env.rm > rmRMM {
			return illegal()
		}
	}
	a, b := read(d.rs1), read(d.rs2)
	base := fopFMADDS + (fo-fopFMADDS)&^1 // the .S op of the pair

	switch base {
	case fopFMADDS, fopFMSUBS, fopFNMSUBS, fopFNMADDS:
		negProd := base == fopFNMSUBS || base == fopFNMADDS
		negAdd := base == fopFMSUBS || base == fopFNMADDS
		write(env.fma(f, a, b, read(uint8(rs3)), negProd, negAdd))
	case fopFADDS:
		write(env.add(f, a, b))
	case fopFSUBS:
		write(env.sub(f, a, b))
	case fopFMULS:
		write(env.mul(f, a, b))
	case fopFDIVS:
		write(env.div(f, a, b))
	case fopFSQRTS:
		write(env.sqrt(f, a))
	case fopFSGNJS: // sign injection never raises a flag, even for NaNs
		write(a&^f.signBit() | b&f.signBit())
	case fopFSGNJNS:
		write(a&^f.signBit() | ^b&f.signBit())
	case fopFSGNJXS:
		write(a ^ b&f.signBit())
	case fopFMINS:
		write(env.minMax(f, a, b, false))
	case fopFMAXS:
		write(env.minMax(f, a, b, true))
	case fopFEQS:
		x[d.rd&63] = b2u(env.eq(f, a, b))
	case fopFLTS:
		x[d.rd&63] = b2u(env.lt(f, a, b))
	case fopFLES:
		x[d.rd&63] = b2u(env.le(f, a, b))
	case fopFCLASSS:
		x[d.rd&63] = f.class(a)
	case fopFCVTWS:
		x[d.rd&63] = env.toInt(f, a, true, 32)
	case fopFCVTWUS:
		x[d.rd&63] = env.toInt(f, a, false, 32)
	case fopFCVTLS:
		x[d.rd&63] = env.toInt(f, a, true, 64)
	case fopFCVTLUS:
		x[d.rd&63] = env.toInt(f, a, false, 64)
	case fopFCVTSW:
		v := int64(int32(x[d.rs1&63]))
		write(env.fromInt(f, v < 0, absInt64(v)))
	case fopFCVTSWU:
		write(env.fromInt(f, false, uint64(uint32(x[d.rs1&63]))))
	case fopFCVTSL:
		v := int64(x[d.rs1&63])
		write(env.fromInt(f, v < 0, absInt64(v)))
	case fopFCVTSLU:
		write(env.fromInt(f, false, x[d.rs1&63]))
	case fopFMVXW:
		// "FMV.X.W moves the single-precision value in floating-point
		// register rs1 ... to the lower 32 bits of integer register rd
		// ... the higher 32 bits of the destination register are filled
		// with copies of the floating-point number's sign bit": the raw
		// bits, without unboxing. FMV.X.D moves all 64 bits.
		if f == fmtS {
			x[d.rd&63] = sext32(c.F[d.rs1&31])
		} else {
			x[d.rd&63] = c.F[d.rs1&31]
		}
	case fopFMVWX:
		write(x[d.rs1&63]) // the bits, unchanged (boxed if single)
	default:
		switch fo {
		case fopFCVTSD:
			c.F[d.rd&31] = box(env.convert(fmtS, fmtD, c.F[d.rs1&31]))
		case fopFCVTDS:
			c.F[d.rd&31] = env.convert(fmtD, fmtS, unbox(c.F[d.rs1&31]))
		default:
			return illegal()
		}
	}
	c.FCSR |= uint32(env.flags)
	return Trap{}
}

// hasRM reports whether fo's funct3 is a rounding mode. The conversions
// that are always exact (FCVT.D.S, FCVT.D.W, FCVT.D.WU) have one too, and
// like Spike and qemu the hart checks it there as well.
func hasRM(fo fop) bool {
	switch {
	case fo >= fopFMADDS && fo <= fopFSQRTD:
		return true
	case fo >= fopFCVTWS && fo <= fopFCVTDLU:
		return true
	case fo == fopFCVTSD || fo == fopFCVTDS:
		return true
	}
	return false
}

// absInt64 returns |v| as an unsigned number (|MinInt64| fits).
func absInt64(v int64) uint64 {
	if v < 0 {
		return -uint64(v)
	}
	return uint64(v)
}

// loadStoreFP executes FLW, FLD, FSW and FSD at virtual address va. Like the
// integer loads and stores they may be misaligned (Linux emulates that).
func (c *CPU) loadStoreFP(fo fop, d *decodedInst, va uint64) Trap {
	switch fo {
	case fopFLW, fopFLD:
		size := uint64(4)
		if fo == fopFLD {
			size = 8
		}
		v, ok := c.loadSlow(va, size)
		if !ok {
			return Trap{Cause: CauseLoadFault, Value: c.faultVA}
		}
		if fo == fopFLW {
			v = box(v & 0xffffffff)
		}
		c.F[d.rd&31] = v
	case fopFSW:
		if !c.storeSlow(va, 4, c.F[d.rs2&31]) {
			return Trap{Cause: CauseStoreFault, Value: c.faultVA}
		}
	case fopFSD:
		if !c.storeSlow(va, 8, c.F[d.rs2&31]) {
			return Trap{Cause: CauseStoreFault, Value: c.faultVA}
		}
	}
	return Trap{}
}

// csr executes CSRRW, CSRRS, CSRRC and their immediate forms on the CSRs a
// user program has: fflags, frm and fcsr, and the read-only counters
// cycle, time and instret ("Zicsr" and the "Counters" chapter). The
// counters come from the virtual clock: cycle and time are the cycle
// count (one cycle is one nanosecond of virtual time, so time's frequency
// is 1 GHz) and instret counts the instructions the machine retired.
// Writing a read-only CSR, or naming a CSR that is not there, is an
// illegal instruction.
func (c *CPU) csr(fo fop, d *decodedInst, x *[64]uint64, num uint32, n uint64, illegal func() Trap) Trap {
	// The source: rs1's value, or the 5-bit zero-extended immediate in
	// the rs1 field. "If rs1=x0, then the instruction will not write to
	// the CSR at all" for CSRRS/CSRRC, nor for their immediate forms with
	// uimm=0; CSRRW always writes.
	src := x[d.rs1&63]
	if fo >= fopCSRRWI {
		src = uint64(d.rs1)
	}
	writes := fo == fopCSRRW || fo == fopCSRRWI || d.rs1 != 0

	var old uint64
	switch num {
	case csrFFlags:
		c.FPUsed = true
		old = uint64(c.FCSR & fcsrFlagsMask)
	case csrFRM:
		c.FPUsed = true
		old = uint64(c.FCSR >> 5 & 7)
	case csrFCSR:
		c.FPUsed = true
		old = uint64(c.FCSR & fcsrMask)
	case csrCycle, csrTime:
		old = c.Cycle + n
	case csrInstret:
		old = c.Instret + n
	default:
		return illegal()
	}
	if !writes {
		x[d.rd&63] = old
		return Trap{}
	}
	if num >= csrCycle {
		return illegal() // read-only
	}
	v := old
	switch fo {
	case fopCSRRW, fopCSRRWI:
		v = src
	case fopCSRRS, fopCSRRSI:
		v = old | src
	case fopCSRRC, fopCSRRCI:
		v = old &^ src
	}
	switch num {
	case csrFFlags:
		c.FCSR = c.FCSR&^fcsrFlagsMask | uint32(v)&fcsrFlagsMask
	case csrFRM:
		c.FCSR = c.FCSR&^0xe0 | uint32(v)&7<<5
	case csrFCSR:
		c.FCSR = uint32(v) & fcsrMask
	}
	x[d.rd&63] = old
	return Trap{}
}

package hw

// Decoding of the F and D extensions and of Zicsr (unprivileged spec,
// chapters "F" Standard Extension for Single-Precision Floating-Point, "D"
// Standard Extension for Double-Precision Floating-Point and "Zicsr",
// Control and Status Register (CSR) Instructions; the opcode map in "RV32/64G
// Instruction Set Listings").
//
// All of them decode to the one interpreter op opFP, so that the hot switch
// of Run stays as it was and execFP (execute_fp.go) does the rest. The
// decodedInst of an opFP keeps rd, rs1 and rs2 as register numbers (an FP
// destination f0 is a real register, so rd is sinkReg only when an integer
// x0 is the destination) and packs the rest into imm:
//
//	bits 0-7    the fop
//	bits 8-12   rs3 (fused multiply-add)
//	bits 13-15  rm, the rounding-mode field
//	bits 16-    the signed load/store offset, or the CSR number
type fop uint8

const (
	fopIllegal fop = iota

	fopFLW
	fopFLD
	fopFSW
	fopFSD

	// The arithmetic ops come as .S, then the same op .D (fop+1), so that
	// the format is the low bit of the distance from fopFMADDS.
	fopFMADDS
	fopFMADDD
	fopFMSUBS
	fopFMSUBD
	fopFNMSUBS
	fopFNMSUBD
	fopFNMADDS
	fopFNMADDD
	fopFADDS
	fopFADDD
	fopFSUBS
	fopFSUBD
	fopFMULS
	fopFMULD
	fopFDIVS
	fopFDIVD
	fopFSQRTS
	fopFSQRTD
	fopFSGNJS
	fopFSGNJD
	fopFSGNJNS
	fopFSGNJND
	fopFSGNJXS
	fopFSGNJXD
	fopFMINS
	fopFMIND
	fopFMAXS
	fopFMAXD
	fopFEQS
	fopFEQD
	fopFLTS
	fopFLTD
	fopFLES
	fopFLED
	fopFCLASSS
	fopFCLASSD
	fopFCVTWS // float to integer: W, WU, L, LU
	fopFCVTWD
	fopFCVTWUS
	fopFCVTWUD
	fopFCVTLS
	fopFCVTLD
	fopFCVTLUS
	fopFCVTLUD
	fopFCVTSW // integer to float
	fopFCVTDW
	fopFCVTSWU
	fopFCVTDWU
	fopFCVTSL
	fopFCVTDL
	fopFCVTSLU
	fopFCVTDLU
	fopFMVXW // FMV.X.W, then FMV.X.D
	fopFMVXD
	fopFMVWX // FMV.W.X, then FMV.D.X
	fopFMVDX

	fopFCVTSD // binary64 to binary32
	fopFCVTDS // binary32 to binary64

	fopCSRRW
	fopCSRRS
	fopCSRRC
	fopCSRRWI
	fopCSRRSI
	fopCSRRCI
)

// Major opcodes of F, D and Zicsr.
const (
	opcLOADFP  = 0x07
	opcSTOREFP = 0x27
	opcMADD    = 0x43
	opcMSUB    = 0x47
	opcNMSUB   = 0x4b
	opcNMADD   = 0x4f
	opcOPFP    = 0x53
)

// CSR numbers a user program may use (privileged spec, "CSR Listing").
const (
	csrFFlags  = 0x001
	csrFRM     = 0x002
	csrFCSR    = 0x003
	csrCycle   = 0xc00
	csrTime    = 0xc01
	csrInstret = 0xc02
)

// decodeFP decodes w if it is an F, D or Zicsr instruction. ok is false for
// every other major opcode (and for ECALL/EBREAK); an instruction of these
// opcodes that is reserved decodes to opIllegal.
func decodeFP(w uint32) (d decodedInst, ok bool) {
	opc := w & 0x7f
	f3 := w >> 12 & 7
	rd, rs1, rs2 := uint8(w>>7&31), uint8(w>>15&31), uint8(w>>20&31)
	rs3 := uint8(w >> 27)
	var f fop
	var imm int64
	intDest := false // rd names an integer register
	switch opc {
	case opcLOADFP:
		f = [8]fop{2: fopFLW, 3: fopFLD}[f3]
		imm = immI(w)
	case opcSTOREFP:
		f = [8]fop{2: fopFSW, 3: fopFSD}[f3]
		imm = immS(w)
	case opcMADD, opcMSUB, opcNMSUB, opcNMADD:
		fmt := w >> 25 & 3 // 0 S, 1 D (2 H and 3 Q are not here)
		if fmt > 1 {
			break
		}
		f = fopFMADDS + fop((opc-opcMADD)/4*2+fmt)
	case opcOPFP:
		f, intDest = decodeOpFP(w>>25, f3, uint32(rs2))
	case opcSYSTEM:
		if f3 == 0 || f3 == 4 {
			return decodedInst{}, false // ECALL, EBREAK and the rest: decode.go
		}
		f = [8]fop{1: fopCSRRW, 2: fopCSRRS, 3: fopCSRRC, 5: fopCSRRWI, 6: fopCSRRSI, 7: fopCSRRCI}[f3]
		imm = int64(w >> 20)
		intDest = true
	default:
		return decodedInst{}, false
	}
	if f == fopIllegal {
		return decodedInst{op: opIllegal, imm: int64(w)}, true
	}
	if intDest && rd == 0 {
		rd = sinkReg
	}
	return decodedInst{
		op: opFP, rd: rd, rs1: rs1, rs2: rs2,
		imm: imm<<16 | int64(f3)<<13 | int64(rs3)<<8 | int64(f),
	}, true
}

// decodeOpFP decodes OP-FP from funct7 (funct5 and fmt), funct3 and the rs2
// field, which selects among conversions. intDest says the result goes to
// an integer register.
func decodeOpFP(f7, f3, rs2 uint32) (f fop, intDest bool) {
	fmt := f7 & 3
	if fmt > 1 {
		return fopIllegal, false
	}
	d := fop(fmt) // .D is the .S fop plus one
	switch f7 >> 2 {
	case 0x00:
		return fopFADDS + d, false
	case 0x01:
		return fopFSUBS + d, false
	case 0x02:
		return fopFMULS + d, false
	case 0x03:
		return fopFDIVS + d, false
	case 0x0b:
		if rs2 == 0 {
			return fopFSQRTS + d, false
		}
	case 0x04:
		if f3 <= 2 {
			return [3]fop{fopFSGNJS, fopFSGNJNS, fopFSGNJXS}[f3] + d, false
		}
	case 0x05:
		if f3 <= 1 {
			return [2]fop{fopFMINS, fopFMAXS}[f3] + d, false
		}
	case 0x08: // FCVT.S.D (fmt S, rs2 1) and FCVT.D.S (fmt D, rs2 0)
		switch {
		case fmt == 0 && rs2 == 1:
			return fopFCVTSD, false
		case fmt == 1 && rs2 == 0:
			return fopFCVTDS, false
		}
	case 0x14:
		if f3 <= 2 {
			return [3]fop{fopFLES, fopFLTS, fopFEQS}[f3] + d, true
		}
	case 0x18:
		if rs2 <= 3 {
			return [4]fop{fopFCVTWS, fopFCVTWUS, fopFCVTLS, fopFCVTLUS}[rs2] + d, true
		}
	case 0x1a:
		if rs2 <= 3 {
			return [4]fop{fopFCVTSW, fopFCVTSWU, fopFCVTSL, fopFCVTSLU}[rs2] + d, false
		}
	case 0x1c:
		switch {
		case rs2 == 0 && f3 == 0:
			return fopFMVXW + d, true
		case rs2 == 0 && f3 == 1:
			return fopFCLASSS + d, true
		}
	case 0x1e:
		if rs2 == 0 && f3 == 0 {
			return fopFMVWX + d, false
		}
	}
	return fopIllegal, false
}

package asm

// The F and D extensions (RISC-V Unprivileged ISA, version 20191213, chapters 11
// "F" and 12 "D"; opcodes in chapter 24) and Zicsr (chapter 9), as GNU as 2.40
// takes them with -march=rv64imafd_zicsr: the rows, names and pseudo-instructions
// of binutils' opcodes/riscv-opc.c. Their operands are registers, rounding modes,
// CSRs and small constants, so every one is encoded as soon as it is parsed,
// except flw/fld/fsw/fsd, which take addresses as lw and sw do.
//
// A row of format fmtOps spells its operands in ops, one letter each between
// commas, in the order they are written (the letters of riscv-opc.c):
//
//	d  integer rd            D  float rd
//	s  integer rs1           S  float rs1
//	                         T  float rs2
//	                         R  float rs3 (bits 31:27)
//	                         U  float rs1 and rs2 both (fmv.s fd, fs = fsgnj.s fd, fs, fs)
//	m  optional rounding mode (bits 14:12); the row's rm when it is left out
//	E  CSR: a name of csrByName or a number from 0 to 4095 (bits 31:20)
//	Z  5-bit unsigned immediate, in the rs1 field (csrrwi, csrrsi, csrrci)
//	J  s or Z: an immediate turns csrrw, csrrs, csrrc into csrrwi, csrrsi, csrrci
//
// and "[d]," in front makes a leading integer rd optional (x0 when left out), as
// in "fsrm a0" and "fsrm a1, a0".

// Major opcodes of F and D (Table 24.1).
const (
	opLoadFP  = 0x07
	opStoreFP = 0x27
	opMadd    = 0x43
	opMsub    = 0x47
	opNmsub   = 0x4b
	opNmadd   = 0x4f
	opOpFP    = 0x53
)

// Rounding modes (section 11.2, table 11.1); 5 and 6 are reserved.
const (
	rmRNE = 0 // round to nearest, ties to even
	rmDyn = 7 // the rounding mode of frm
)

// GNU as's default rounding mode is dyn, except for the conversions that are
// always exact (fcvt.d.w, fcvt.d.wu, fcvt.d.s), whose rm is 0 and which take
// no rounding-mode operand.

var rmByName = map[string]uint32{"rne": 0, "rtz": 1, "rdn": 2, "rup": 3, "rmm": 4, "dyn": rmDyn}

// csrByName: the CSRs a user-mode RV64IMAFD program reads and writes (the F
// extension's fflags, frm and fcsr, section 11.2; Zicntr's counters, section
// 10.1), named as in disasm_fp.go.
var csrByName = map[string]uint32{}

// fregByName: f0..f31 and the ABI names of the psABI ("Floating-point register
// convention"): ft0-ft11, fs0-fs11, fa0-fa7.
var fregByName = map[string]int{}

func init() {
	for num, name := range csrNames {
		csrByName[name] = num
	}
	for i, n := range fpNames {
		fregByName[n] = i
		fregByName["f"+itoa(i)] = i
	}
}

// opFP builds an OP-FP row: funct5 (bits 31:27), the format (bits 26:25: 0 for
// .s, 1 for .d), funct3 or the rounding mode (14:12), and rs2 when it selects
// the operation (fsqrt, fcvt, fmv, fclass).
func opFP(name, ops string, funct5, width, f3, rs2 uint32) instDef {
	return instDef{name: name, format: fmtOps, ops: ops, match: funct5<<27 | width<<25 | rs2<<20 | f3<<12 | opOpFP}
}

// rounded is an OP-FP row with a rounding-mode operand, dyn when left out.
func rounded(name, ops string, funct5, width, rs2 uint32) instDef {
	d := opFP(name, ops, funct5, width, 0, rs2)
	d.rm = rmDyn
	return d
}

// csr builds a SYSTEM row with funct3 f3 (1 csrrw, 2 csrrs, 3 csrrc; +4 the
// immediate forms) and the fixed fields fixed (a CSR number, rd, rs1).
func csr(name, ops string, f3, fixed uint32) instDef {
	return instDef{name: name, format: fmtOps, ops: ops, match: fixed | f3<<12 | opSystem}
}

// fpTable returns the F, D and Zicsr rows. They are not in instTable: the
// disassembler shows them from disasm_fp.go.
func fpTable() []instDef {
	var t []instDef
	for i, w := range []string{".s", ".d"} {
		f := uint32(i) // the format field
		t = append(t,
			rounded("fadd"+w, "D,S,T,m", 0x00, f, 0),
			rounded("fsub"+w, "D,S,T,m", 0x01, f, 0),
			rounded("fmul"+w, "D,S,T,m", 0x02, f, 0),
			rounded("fdiv"+w, "D,S,T,m", 0x03, f, 0),
			rounded("fsqrt"+w, "D,S,m", 0x0b, f, 0),
			opFP("fsgnj"+w, "D,S,T", 0x04, f, 0, 0),
			opFP("fsgnjn"+w, "D,S,T", 0x04, f, 1, 0),
			opFP("fsgnjx"+w, "D,S,T", 0x04, f, 2, 0),
			opFP("fmin"+w, "D,S,T", 0x05, f, 0, 0),
			opFP("fmax"+w, "D,S,T", 0x05, f, 1, 0),
			opFP("fle"+w, "d,S,T", 0x14, f, 0, 0),
			opFP("flt"+w, "d,S,T", 0x14, f, 1, 0),
			opFP("feq"+w, "d,S,T", 0x14, f, 2, 0),
			opFP("fclass"+w, "d,S", 0x1c, f, 1, 0),
			// Pseudo-instructions (ISA manual, table 25.2, and riscv-opc.c).
			opFP("fmv"+w, "D,U", 0x04, f, 0, 0),
			opFP("fneg"+w, "D,U", 0x04, f, 1, 0),
			opFP("fabs"+w, "D,U", 0x04, f, 2, 0),
			opFP("fgt"+w, "d,T,S", 0x14, f, 1, 0), // flt with the operands swapped
			opFP("fge"+w, "d,T,S", 0x14, f, 0, 0), // fle swapped
		)
		for i, x := range []string{".w", ".wu", ".l", ".lu"} {
			t = append(t, rounded("fcvt"+x+w, "d,S,m", 0x18, f, uint32(i)))
			if w == ".d" && i < 2 {
				t = append(t, opFP("fcvt"+w+x, "D,s", 0x1a, f, rmRNE, uint32(i))) // exact
			} else {
				t = append(t, rounded("fcvt"+w+x, "D,s,m", 0x1a, f, uint32(i)))
			}
		}
		for i, name := range []string{"fmadd", "fmsub", "fnmsub", "fnmadd"} {
			t = append(t, instDef{name: name + w, format: fmtOps, ops: "D,S,T,R,m",
				match: f<<25 | uint32(opMadd+4*i), rm: rmDyn})
		}
	}
	t = append(t,
		rounded("fcvt.s.d", "D,S,m", 0x08, 0, 1),
		opFP("fcvt.d.s", "D,S", 0x08, 1, rmRNE, 0), // exact
		opFP("fmv.x.w", "d,S", 0x1c, 0, 0, 0),
		opFP("fmv.w.x", "D,s", 0x1e, 0, 0, 0),
		opFP("fmv.x.d", "d,S", 0x1c, 1, 0, 0),
		opFP("fmv.d.x", "D,s", 0x1e, 1, 0, 0),
		opFP("fmv.x.s", "d,S", 0x1c, 0, 0, 0), // the old names of fmv.x.w and fmv.w.x
		opFP("fmv.s.x", "D,s", 0x1e, 0, 0, 0),
		// The loads and stores of the data registers: lw and sw's encodings,
		// opcodes LOAD-FP and STORE-FP.
		instDef{name: "flw", format: fmtLoad, match: 2<<12 | opLoadFP, mask: 0x707f, fp: true},
		instDef{name: "fld", format: fmtLoad, match: 3<<12 | opLoadFP, mask: 0x707f, fp: true},
		instDef{name: "fsw", format: fmtStore, match: 2<<12 | opStoreFP, mask: 0x707f, fp: true},
		instDef{name: "fsd", format: fmtStore, match: 3<<12 | opStoreFP, mask: 0x707f, fp: true},
	)

	// Zicsr (chapter 9) and its pseudo-instructions (table 25.3 and riscv-opc.c).
	const fflags, frm, fcsr = 0x001 << 20, 0x002 << 20, 0x003 << 20
	for i, op := range []string{"csrrw", "csrrs", "csrrc"} {
		f3 := uint32(i + 1)
		short := []string{"csrw", "csrs", "csrc"}[i] // rd = x0
		t = append(t,
			csr(op, "d,E,J", f3, 0),
			csr(op+"i", "d,E,Z", f3+4, 0),
			csr(short, "E,J", f3, 0),
			csr(short+"i", "E,Z", f3+4, 0))
	}
	t = append(t,
		csr("csrr", "d,E", 2, 0), // rs1 = x0
		csr("rdcycle", "d", 2, 0xc00<<20),
		csr("rdtime", "d", 2, 0xc01<<20),
		csr("rdinstret", "d", 2, 0xc02<<20),
		csr("frcsr", "d", 2, fcsr),
		csr("frsr", "d", 2, fcsr), // the old name of frcsr
		csr("fscsr", "[d],s", 1, fcsr),
		csr("fssr", "[d],s", 1, fcsr), // the old name of fscsr
		csr("frrm", "d", 2, frm),
		csr("fsrm", "[d],s", 1, frm),
		csr("fsrmi", "[d],Z", 5, frm),
		csr("frflags", "d", 2, fflags),
		csr("fsflags", "[d],s", 1, fflags),
		csr("fsflagsi", "[d],Z", 5, fflags),
	)
	return t
}

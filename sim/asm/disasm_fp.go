package asm

import "fmt"

// Disassembly of the F and D extensions and of Zicsr, in GNU objdump's
// style: FP registers by ABI name (ft0, fa0, fs0, ...), the rounding mode as
// a last operand unless it is dyn, and objdump's aliases (fmv.d, fneg.d,
// fabs.d; frcsr, fsflags, frrm, rdcycle, csrr, ...). The assembler takes
// them from insts_fp.go.

var fpNames = [32]string{
	"ft0", "ft1", "ft2", "ft3", "ft4", "ft5", "ft6", "ft7",
	"fs0", "fs1", "fa0", "fa1", "fa2", "fa3", "fa4", "fa5",
	"fa6", "fa7", "fs2", "fs3", "fs4", "fs5", "fs6", "fs7",
	"fs8", "fs9", "fs10", "fs11", "ft8", "ft9", "ft10", "ft11",
}

var rmNames = [8]string{"rne", "rtz", "rdn", "rup", "rmm", "", "", ""}

var csrNames = map[uint32]string{
	0x001: "fflags", 0x002: "frm", 0x003: "fcsr",
	0xc00: "cycle", 0xc01: "time", 0xc02: "instret",
}

// disassembleFP returns the text of an F, D or Zicsr instruction, or false
// if inst is none of them.
func disassembleFP(inst uint32) (string, bool) {
	rd, rs1, rs2 := fieldRd(inst), fieldRs1(inst), fieldRs2(inst)
	f3 := inst >> 12 & 7
	x := func(i int) string { return abiNames[i] }
	f := func(i int) string { return fpNames[i] }
	join := instText
	// withRM appends the rounding mode unless it is dyn; a reserved one
	// makes the word unknown.
	withRM := func(name string, args ...string) (string, bool) {
		if f3 == 5 || f3 == 6 {
			return "", false
		}
		if f3 != 7 {
			args = append(args, rmNames[f3])
		}
		return join(name, args...), true
	}
	sfx := [2]string{".s", ".d"}
	switch inst & 0x7f {
	case 0x07, 0x27: // LOAD-FP, STORE-FP
		name := map[uint32]string{2: "w", 3: "d"}[f3]
		if name == "" {
			return "", false
		}
		if inst&0x7f == 0x07 {
			return join("fl"+name, f(rd), fmt.Sprintf("%d(%s)", immI(inst), x(rs1))), true
		}
		return join("fs"+name, f(rs2), fmt.Sprintf("%d(%s)", immS(inst), x(rs1))), true
	case 0x43, 0x47, 0x4b, 0x4f: // fused multiply-add
		fmtBits := inst >> 25 & 3
		if fmtBits > 1 {
			return "", false
		}
		name := []string{"fmadd", "fmsub", "fnmsub", "fnmadd"}[(inst&0x7f-0x43)/4] + sfx[fmtBits]
		return withRM(name, f(rd), f(rs1), f(rs2), f(int(inst>>27)))
	case 0x53:
		return disassembleOpFP(inst, rd, rs1, rs2, f3, x, f, join, withRM)
	case 0x73:
		return disassembleCSR(inst, rd, rs1, f3, x, join)
	}
	return "", false
}

func disassembleOpFP(inst uint32, rd, rs1, rs2 int, f3 uint32, x, f func(int) string,
	join func(string, ...string) string, withRM func(string, ...string) (string, bool)) (string, bool) {
	fmtBits := inst >> 25 & 3
	if fmtBits > 1 {
		return "", false
	}
	s := [2]string{".s", ".d"}[fmtBits]
	w := [2]string{".w", ".d"}[fmtBits] // fmv.x.w / fmv.x.d
	switch inst >> 27 {
	case 0x00, 0x01, 0x02, 0x03:
		return withRM([]string{"fadd", "fsub", "fmul", "fdiv"}[inst>>27]+s, f(rd), f(rs1), f(rs2))
	case 0x0b:
		if rs2 == 0 {
			return withRM("fsqrt"+s, f(rd), f(rs1))
		}
	case 0x04:
		if f3 > 2 {
			break
		}
		if rs1 == rs2 {
			return join([]string{"fmv", "fneg", "fabs"}[f3]+s, f(rd), f(rs1)), true
		}
		return join([]string{"fsgnj", "fsgnjn", "fsgnjx"}[f3]+s, f(rd), f(rs1), f(rs2)), true
	case 0x05:
		if f3 <= 1 {
			return join([]string{"fmin", "fmax"}[f3]+s, f(rd), f(rs1), f(rs2)), true
		}
	case 0x08:
		switch {
		case fmtBits == 0 && rs2 == 1:
			return withRM("fcvt.s.d", f(rd), f(rs1))
		case fmtBits == 1 && rs2 == 0:
			return join("fcvt.d.s", f(rd), f(rs1)), true // exact: objdump shows no rm
		}
	case 0x14:
		if f3 <= 2 {
			return join([]string{"fle", "flt", "feq"}[f3]+s, x(rd), f(rs1), f(rs2)), true
		}
	case 0x18:
		if rs2 <= 3 {
			return withRM("fcvt"+[]string{".w", ".wu", ".l", ".lu"}[rs2]+s, x(rd), f(rs1))
		}
	case 0x1a:
		if rs2 > 3 {
			break
		}
		name := "fcvt" + s + []string{".w", ".wu", ".l", ".lu"}[rs2]
		if fmtBits == 1 && rs2 <= 1 {
			return join(name, f(rd), x(rs1)), true // exact
		}
		return withRM(name, f(rd), x(rs1))
	case 0x1c:
		switch {
		case rs2 == 0 && f3 == 0:
			return join("fmv.x"+w, x(rd), f(rs1)), true
		case rs2 == 0 && f3 == 1:
			return join("fclass"+s, x(rd), f(rs1)), true
		}
	case 0x1e:
		if rs2 == 0 && f3 == 0 {
			return join("fmv"+w+".x", f(rd), x(rs1)), true
		}
	}
	return "", false
}

func disassembleCSR(inst uint32, rd, rs1 int, f3 uint32, x func(int) string, join func(string, ...string) string) (string, bool) {
	if f3 == 0 || f3 == 4 {
		return "", false
	}
	num := inst >> 20
	name, known := csrNames[num]
	if !known {
		name = fmt.Sprintf("%#x", num)
	}
	src := x(rs1)
	if f3 >= 5 {
		src = fmt.Sprint(rs1) // uimm
	}
	base := []string{1: "csrrw", 2: "csrrs", 3: "csrrc", 5: "csrrwi", 6: "csrrsi", 7: "csrrci"}[f3]
	// objdump's aliases: reads, writes, and the F names.
	short := map[string]string{"fcsr": "csr", "frm": "rm", "fflags": "flags"}[name]
	switch {
	case f3 == 2 && rs1 == 0:
		switch {
		case short != "":
			return join("fr"+short, x(rd)), true
		case num >= 0xc00 && num <= 0xc02:
			return join("rd"+name, x(rd)), true
		}
		return join("csrr", x(rd), name), true
	case f3 == 1 && short != "" && rd == 0:
		return join("fs"+short, src), true
	case f3 == 1 && short != "":
		return join("fs"+short, x(rd), src), true
	case f3 == 5 && (short == "rm" || short == "flags"): // no fscsri: csrrwi below
		return join("fs"+short+"i", x(rd), src), true // objdump: "fsrmi zero, 2"
	case rd == 0 && f3 != 1 && f3 != 5:
		return join([]string{2: "csrs", 3: "csrc", 6: "csrsi", 7: "csrci"}[f3], name, src), true
	case rd == 0:
		return join([]string{1: "csrw", 5: "csrwi"}[f3], name, src), true
	}
	return join(base, x(rd), name, src), true
}

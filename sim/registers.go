package sim

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"ipcsim/hw"
	"ipcsim/kernel"
)

// How a thread's registers are shown, in ipcsim step's registers pane and
// under each thread in inspect's text.

// regOrder is the order the integer registers are listed in: the ones a
// system call uses first (ra, sp, gp, tp, a0..a7), then the temporaries
// and the saved registers. x0 (zero) is left out.
var regOrder = []int{1, 2, 3, 4, 10, 11, 12, 13, 14, 15, 16, 17, 5, 6, 7, 28, 29, 30, 31, 8, 9, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27}

// IntRegisterLines lists the integer registers x, perLine a line, each as
// its ABI name and RegValue: "ra   0x10074      sp   0x3ffffffe90".
func IntRegisterLines(x *[32]uint64, perLine int) []string {
	var out []string
	line := ""
	for i, r := range regOrder {
		line += fmt.Sprintf("%-4s %-13s", hw.RegName(r), RegValue(x[r]))
		if i%perLine == perLine-1 {
			out = append(out, strings.TrimRight(line, " "))
			line = ""
		}
	}
	if line != "" {
		out = append(out, strings.TrimRight(line, " "))
	}
	return out
}

// RegValue shows a register in hex, or a small negative number (-1, an
// error number) in decimal.
func RegValue(v uint64) string {
	if n := int64(v); n < 0 && n > -4096 {
		return strconv.FormatInt(n, 10)
	}
	return fmt.Sprintf("%#x", v)
}

// FPRegisterLines lists the floating-point registers that are not zero,
// perLine a line, by ABI name and value (FPValue), then fcsr with its
// rounding mode and exception flags by name: the compact view of a
// thread that used floating point.
func FPRegisterLines(fp *kernel.FPState, perLine int) []string {
	var out []string
	line, n := "", 0
	for r, v := range fp.F {
		if v == 0 {
			continue
		}
		line += fmt.Sprintf("%-4s %-21s ", hw.FRegName(r), FPValue(v))
		if n++; n%perLine == 0 {
			out = append(out, strings.TrimRight(line, " "))
			line = ""
		}
	}
	if line != "" {
		out = append(out, strings.TrimRight(line, " "))
	}
	return append(out, FCSRText(fp.FCSR))
}

// FPValue shows a floating-point register's value as a C literal: a
// single (NaN-boxed: its upper 32 bits all ones) as "2.5f", a double as
// "2.5"; the shortest decimal that reads back to the same bits, with a
// point so that 5.0 does not read as an integer.
func FPValue(bits uint64) string {
	if bits>>32 == 0xffffffff {
		return floatLiteral(float64(math.Float32frombits(uint32(bits))), 32) + "f"
	}
	return floatLiteral(math.Float64frombits(bits), 64)
}

// floatLiteral formats v, of bitSize bits: "5.0", "1.5e+300", "NaN".
func floatLiteral(v float64, bitSize int) string {
	s := strconv.FormatFloat(v, 'g', -1, bitSize)
	if strings.ContainsAny(s, ".eIN") { // a point, an exponent, Inf, NaN
		return s
	}
	return s + ".0"
}

// FCSRText renders fcsr: "fcsr 0x1: rounding rne, flags NX" (the F
// extension's frm in bits 7..5 and fflags in bits 4..0: NV invalid, DZ
// divide by zero, OF overflow, UF underflow, NX inexact).
func FCSRText(fcsr uint32) string {
	modes := [8]string{"rne", "rtz", "rdn", "rup", "rmm", "5 (reserved)", "6 (reserved)", "7 (dyn, not valid in frm)"}
	var flags []string
	for i, name := range []string{"NX", "UF", "OF", "DZ", "NV"} {
		if fcsr&(1<<i) != 0 {
			flags = append([]string{name}, flags...) // NV first, as the manual lists them
		}
	}
	f := "none"
	if len(flags) > 0 {
		f = strings.Join(flags, "|")
	}
	return fmt.Sprintf("fcsr %#x: rounding %s, flags %s", fcsr, modes[fcsr>>5&7], f)
}

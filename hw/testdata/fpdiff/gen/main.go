// Command gen writes fpdiff.S: a straight-line RV64 program that runs a
// seeded random sequence of F and D instructions over random operands
// (biased to the special values: zeros, infinities, NaNs, subnormals, the
// largest finite numbers, integer boundaries, ties) in every rounding mode,
// and after each one records the destination register and fcsr. At the end
// it writes the records (16 bytes each: the result, then fcsr) to stdout.
//
// It also writes fpdiff.ops, one line per record saying what ran, for the
// test's error messages. scripts/fp-oracle.sh builds the program and records
// its output under qemu-riscv64; TestFPAgainstQemu (hw) runs it on the CPU.
//
// Usage: go run ./hw/testdata/fpdiff/gen [-n N] [-seed S] DIR
package main

import (
	"bufio"
	"flag"
	"fmt"
	"log"
	"math/rand/v2"
	"os"
	"path/filepath"
)

// An opSpec is one instruction form.
type opSpec struct {
	name   string
	src    byte // 'S' or 'D': the format of the float sources; 0: none
	nsrc   int  // float sources (f1, f2, f3)
	intSrc bool // reads a1
	intDst bool // writes a2 rather than f4
	rm     bool // has a rounding-mode operand
}

func specs() []opSpec {
	var ops []opSpec
	for _, f := range []byte{'S', 'D'} {
		s := string(f + 'a' - 'A')
		ops = append(ops,
			opSpec{name: "fadd." + s, src: f, nsrc: 2, rm: true},
			opSpec{name: "fsub." + s, src: f, nsrc: 2, rm: true},
			opSpec{name: "fmul." + s, src: f, nsrc: 2, rm: true},
			opSpec{name: "fdiv." + s, src: f, nsrc: 2, rm: true},
			opSpec{name: "fsqrt." + s, src: f, nsrc: 1, rm: true},
			opSpec{name: "fmadd." + s, src: f, nsrc: 3, rm: true},
			opSpec{name: "fmsub." + s, src: f, nsrc: 3, rm: true},
			opSpec{name: "fnmsub." + s, src: f, nsrc: 3, rm: true},
			opSpec{name: "fnmadd." + s, src: f, nsrc: 3, rm: true},
			opSpec{name: "fsgnj." + s, src: f, nsrc: 2},
			opSpec{name: "fsgnjn." + s, src: f, nsrc: 2},
			opSpec{name: "fsgnjx." + s, src: f, nsrc: 2},
			opSpec{name: "fmin." + s, src: f, nsrc: 2},
			opSpec{name: "fmax." + s, src: f, nsrc: 2},
			opSpec{name: "feq." + s, src: f, nsrc: 2, intDst: true},
			opSpec{name: "flt." + s, src: f, nsrc: 2, intDst: true},
			opSpec{name: "fle." + s, src: f, nsrc: 2, intDst: true},
			opSpec{name: "fclass." + s, src: f, nsrc: 1, intDst: true},
			opSpec{name: "fcvt.w." + s, src: f, nsrc: 1, intDst: true, rm: true},
			opSpec{name: "fcvt.wu." + s, src: f, nsrc: 1, intDst: true, rm: true},
			opSpec{name: "fcvt.l." + s, src: f, nsrc: 1, intDst: true, rm: true},
			opSpec{name: "fcvt.lu." + s, src: f, nsrc: 1, intDst: true, rm: true},
			opSpec{name: "fcvt." + s + ".w", intSrc: true, rm: f == 'S'},
			opSpec{name: "fcvt." + s + ".wu", intSrc: true, rm: f == 'S'},
			opSpec{name: "fcvt." + s + ".l", intSrc: true, rm: true},
			opSpec{name: "fcvt." + s + ".lu", intSrc: true, rm: true},
		)
	}
	ops = append(ops,
		opSpec{name: "fmv.x.w", src: 'S', nsrc: 1, intDst: true},
		opSpec{name: "fmv.w.x", intSrc: true},
		opSpec{name: "fmv.x.d", src: 'D', nsrc: 1, intDst: true},
		opSpec{name: "fmv.d.x", intSrc: true},
		opSpec{name: "fcvt.s.d", src: 'D', nsrc: 1, rm: true},
		opSpec{name: "fcvt.d.s", src: 'S', nsrc: 1}, // GNU as 2.40 takes no rm here
	)
	return ops
}

// A format's parameters, for making values.
type format struct{ expBits, fracBits uint }

var (
	fmtS = format{8, 23}
	fmtD = format{11, 52}
)

func (f format) pack(neg bool, exp, frac uint64) uint64 {
	v := exp<<f.fracBits | frac&(1<<f.fracBits-1)
	if neg {
		v |= 1 << (f.expBits + f.fracBits)
	}
	return v
}

type gen struct {
	r    *rand.Rand
	last uint64 // the previous float operand, to make close neighbours
}

// float returns a random value of format f (raw bits), biased to the cases
// that need care.
func (g *gen) float(f format) uint64 {
	emax := uint64(1)<<f.expBits - 1
	bias := emax >> 1
	fracMask := uint64(1)<<f.fracBits - 1
	neg := g.r.IntN(2) == 0
	var v uint64
	switch g.r.IntN(8) {
	case 0: // specials
		specials := []uint64{
			0, f.pack(false, emax, 0), f.pack(false, emax, 1<<(f.fracBits-1)), // 0, inf, qNaN
			f.pack(false, emax, 1), f.pack(false, emax, 1<<(f.fracBits-2)|5), // sNaNs
			1, fracMask, f.pack(false, 1, 0), f.pack(false, emax-1, fracMask), // subnormals, min normal, max
			f.pack(false, bias, 0), f.pack(false, bias-1, 0), f.pack(false, bias+1, 1<<(f.fracBits-1)), // 1, 0.5, 3
			f.pack(false, bias+31, 0), f.pack(false, bias+30, fracMask), f.pack(false, bias+32, 0), // 2^31, just under, 2^32
			f.pack(false, bias+63, 0), f.pack(false, bias+62, fracMask), f.pack(false, bias+64, 0), // 2^63, just under, 2^64
			f.pack(false, bias, 1<<(f.fracBits-1)), f.pack(false, bias+1, 1<<(f.fracBits-2)), // 1.5, 2.5
		}
		v = specials[g.r.IntN(len(specials))]
		if g.r.IntN(3) == 0 {
			v = 0 // zeros make x/0, 0*inf, exact zero sums
		}
	case 1, 2: // any exponent
		v = f.pack(false, g.r.Uint64N(emax+1), g.r.Uint64())
	case 3: // tiny: subnormal or near the smallest normal
		v = f.pack(false, g.r.Uint64N(3), g.r.Uint64()>>g.r.IntN(64))
	case 4: // huge: near overflow
		v = f.pack(false, emax-1-g.r.Uint64N(3), g.r.Uint64())
	case 5: // moderate, few significant bits (exact results, ties)
		frac := g.r.Uint64() &^ (fracMask >> g.r.IntN(int(f.fracBits)+1))
		v = f.pack(false, bias-40+g.r.Uint64N(80), frac)
	case 6, 7: // a neighbour of the previous operand (cancellation, equality)
		e := g.last >> f.fracBits & emax
		switch g.r.IntN(3) {
		case 0:
			v = g.last
		case 1:
			v = g.last ^ 1<<g.r.IntN(int(f.fracBits))
		default:
			d := g.r.Uint64N(5)
			if e+d < emax {
				e += d
			}
			v = f.pack(false, e, g.last+g.r.Uint64N(3))
		}
		v &^= 1 << (f.expBits + f.fracBits)
	}
	if neg {
		v |= 1 << (f.expBits + f.fracBits)
	}
	g.last = v
	return v
}

// operand returns a 64-bit register value holding a random float of the
// given format: singles are NaN-boxed, except now and then.
func (g *gen) operand(src byte) uint64 {
	if src == 'D' {
		return g.float(fmtD)
	}
	v := g.float(fmtS)
	if g.r.IntN(32) == 0 {
		return v | g.r.Uint64()<<32 // badly boxed: reads as the canonical NaN
	}
	return v | 0xffffffff00000000
}

// integer returns a random integer operand.
func (g *gen) integer() uint64 {
	specials := []uint64{0, 1, ^uint64(0), 1 << 31, 1<<31 - 1, 1 << 63, 1<<63 - 1, 0xffffffff80000000,
		0xffffffff, 1<<24 + 1, 1<<53 + 1, 1<<53 + 3, 1<<63 + 1<<11, 1<<64 - 1<<11}
	if g.r.IntN(3) == 0 {
		return specials[g.r.IntN(len(specials))]
	}
	return g.r.Uint64() >> g.r.IntN(64)
}

var rmNames = []string{"rne", "rtz", "rdn", "rup", "rmm", "", "", "dyn"}

func main() {
	n := flag.Int("n", 8000, "number of instructions")
	seed := flag.Uint64("seed", 17, "random seed")
	flag.Parse()
	if flag.NArg() != 1 {
		log.Fatal("usage: gen [-n N] [-seed S] DIR")
	}
	dir := flag.Arg(0)
	g := &gen{r: rand.New(rand.NewPCG(*seed, 0x1eee754))}
	ops := specs()

	asm, err := os.Create(filepath.Join(dir, "fpdiff.S"))
	if err != nil {
		log.Fatal(err)
	}
	list, err := os.Create(filepath.Join(dir, "fpdiff.ops"))
	if err != nil {
		log.Fatal(err)
	}
	a, l := bufio.NewWriter(asm), bufio.NewWriter(list)
	fmt.Fprintf(a, "# Generated by hw/testdata/fpdiff/gen -n %d -seed %d; DO NOT EDIT.\n", *n, *seed)
	fmt.Fprintf(a, "\t.text\n\t.globl _start\n_start:\n\tla s0, operands\n\tla s1, results\n")
	var data []uint64
	for i := 0; i < *n; i++ {
		op := ops[g.r.IntN(len(ops))]
		var srcs [4]uint64 // f1, f2, f3, a1
		for k := 0; k < op.nsrc; k++ {
			srcs[k] = g.operand(op.src)
		}
		if op.intSrc {
			srcs[3] = g.integer()
		}
		data = append(data, srcs[:]...)
		fmt.Fprintf(a, "\tfld f1, 0(s0)\n\tfld f2, 8(s0)\n\tfld f3, 16(s0)\n\tld a1, 24(s0)\n\taddi s0, s0, 32\n")
		frm := g.r.IntN(5)
		fmt.Fprintf(a, "\tcsrwi frm, %d\n\tcsrwi fflags, 0\n", frm)
		dst := "f4"
		if op.intDst {
			dst = "a2"
		}
		args := []string{dst}
		for k := 0; k < op.nsrc; k++ {
			args = append(args, fmt.Sprintf("f%d", k+1))
		}
		if op.intSrc {
			args = append(args, "a1")
		}
		rm := ""
		if op.rm {
			rm = rmNames[[]int{0, 1, 2, 3, 4, 7}[g.r.IntN(6)]]
			args = append(args, rm)
		}
		text := op.name
		for k, s := range args {
			if k == 0 {
				text += " " + s
			} else {
				text += ", " + s
			}
		}
		fmt.Fprintf(a, "\t%s\n", text)
		if op.intDst {
			fmt.Fprintf(a, "\tsd a2, 0(s1)\n")
		} else {
			fmt.Fprintf(a, "\tfsd f4, 0(s1)\n")
		}
		fmt.Fprintf(a, "\tfrcsr t0\n\tsd t0, 8(s1)\n\taddi s1, s1, 16\n")
		fmt.Fprintf(l, "%s\tfrm=%d f1=%#x f2=%#x f3=%#x a1=%#x\n", text, frm, srcs[0], srcs[1], srcs[2], srcs[3])
	}
	fmt.Fprintf(a, "\tli a0, 1\n\tla a1, results\n\tli a2, %d\n\tli a7, 64\n\tecall\n", *n*16)
	fmt.Fprintf(a, "\tli a0, 0\n\tli a7, 93\n\tecall\n")
	fmt.Fprintf(a, "\n\t.data\n\t.balign 8\noperands:\n")
	for _, v := range data {
		fmt.Fprintf(a, "\t.dword %#x\n", v)
	}
	fmt.Fprintf(a, "\n\t.bss\n\t.balign 8\nresults:\n\t.zero %d\n", *n*16)
	for _, w := range []*bufio.Writer{a, l} {
		if err := w.Flush(); err != nil {
			log.Fatal(err)
		}
	}
	asm.Close()
	list.Close()
}

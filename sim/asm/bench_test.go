package asm

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
)

// benchSource returns a program of n instructions (n a multiple of 10) in
// blocks of ten, a mix of what scenario programs hold: register and
// immediate arithmetic, loads and stores, li, a branch back to the block's
// label, la (two instructions) and a jal.
func benchSource(n int) []byte {
	var b strings.Builder
	b.WriteString("\t.text\n\t.globl _start\n_start:\n")
	for i := 0; i < n/10; i++ {
		fmt.Fprintf(&b, "L%d:\n", i)
		b.WriteString("\taddi a0, a0, 1\n\tlw t0, 8(sp)\n\tsw t0, 16(sp)\n\tadd a1, a2, a3\n\tslli a4, a4, 3\n\tli a7, 64\n")
		fmt.Fprintf(&b, "\tbeq a0, a1, L%d\n\tla a1, msg\n\tjal ra, L%d\n", i, i)
	}
	b.WriteString("\t.data\nmsg:\t.asciz \"hello\"\n")
	return []byte(b.String())
}

// BenchmarkAssemble100k assembles a 100,000-instruction file. Beside the
// usual B/op it reports the bytes allocated per instruction (B/inst) and the
// bytes live at the end of pass 1, when the assembler holds the most, per
// instruction (live-B/inst; the caller's source not counted):
//
//	go test ./sim/asm -run '^$' -bench Assemble100k -benchmem
func BenchmarkAssemble100k(b *testing.B) {
	const n = 100_000
	src := benchSource(n)
	b.ReportMetric(livePerInst(b, src, n), "live-B/inst")
	b.ReportAllocs()
	b.SetBytes(int64(len(src)))
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for i := 0; i < b.N; i++ {
		if _, err := Assemble("bench.s", src, Options{}); err != nil {
			b.Fatal(err)
		}
	}
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(b.N)/n, "B/inst")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(b.N)/n, "allocs/inst")
}

// livePerInst assembles src once and returns the heap bytes live after pass
// 1 beyond those live before, divided by n.
func livePerInst(b testing.TB, src []byte, n int) float64 {
	var before, during runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	testHookPass1 = func() {
		runtime.GC()
		runtime.ReadMemStats(&during)
	}
	defer func() { testHookPass1 = nil }()
	if _, err := Assemble("bench.s", src, Options{}); err != nil {
		b.Fatal(err)
	}
	return (float64(during.HeapAlloc) - float64(before.HeapAlloc)) / float64(n)
}

// TestMemoryPerInstruction guards the host memory the assembler holds per
// instruction (it was about 700 bytes when the lexer tokenised the whole
// file first, and every instruction waited for pass 2).
func TestMemoryPerInstruction(t *testing.T) {
	const n = 50_000
	live := livePerInst(t, benchSource(n), n)
	t.Logf("%.1f bytes live per instruction", live)
	if live > 250 {
		t.Errorf("the assembler holds %.1f bytes per instruction after pass 1, want at most 250", live)
	}
}

// TestFPAllocations: an F, D or Zicsr instruction whose operands are registers,
// rounding modes, CSR names and numbers is encoded as it is parsed, with no
// allocation of its own (the source, the sections and the error list aside).
func TestFPAllocations(t *testing.T) {
	const n = 2_000
	for _, line := range []string{
		"fadd.d fa0, fa1, fa2", "fmadd.s f0, f1, f2, f3, rne", "fcvt.w.d a0, ft11, rtz",
		"fmv.x.d a0, fs11", "csrrw a0, fcsr, a1", "csrr a0, 0x7c0", "fsrmi a0, 3",
		"csrwi frm, 2", "fneg.s ft0, ft1", "frflags t0",
	} {
		src := []byte("_start:\n" + strings.Repeat("\t"+line+"\n", n))
		allocs := testing.AllocsPerRun(2, func() {
			if _, err := Assemble("fp.s", src, Options{}); err != nil {
				t.Fatal(err)
			}
		})
		if allocs/n > 0.05 {
			t.Errorf("%q: %.2f allocations per instruction, want none", line, allocs/n)
		}
	}
}

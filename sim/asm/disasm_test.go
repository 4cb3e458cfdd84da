package asm

import (
	"encoding/binary"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stretchr/testify/require"
	"ipcsim/hw"
)

// corpusInst is one instruction of the assembled corpus's .text: a 32-bit
// word, or a 16-bit parcel of the C extension in the low half.
type corpusInst struct {
	pc   uint64
	inst uint32
	size int
}

// corpusText returns the .text instructions of the assembled corpus, each 2
// or 4 bytes as its low bits say (spec section 1.5, "Base Instruction-Length
// Encoding").
func corpusText(t *testing.T) []corpusInst {
	prog, err := Assemble("corpus.s", readCorpus(t), Options{})
	require.NoError(t, err)
	secs, err := elfSections(prog.ELF)
	require.NoError(t, err)
	require.Equal(t, ".text", secs[0].name)
	data := secs[0].data
	var out []corpusInst
	for i := 0; i+2 <= len(data); {
		p := uint32(binary.LittleEndian.Uint16(data[i:]))
		if p&3 != 3 {
			out = append(out, corpusInst{secs[0].addr + uint64(i), p, 2})
			i += 2
			continue
		}
		require.LessOrEqual(t, i+4, len(data))
		out = append(out, corpusInst{secs[0].addr + uint64(i), binary.LittleEndian.Uint32(data[i:]), 4})
		i += 4
	}
	return out
}

// TestDisassembleRoundTrip: for every instruction of the corpus, assembling the
// disassembler's text at the same address gives the same word back. Placing the
// instruction at its address (with .skip) makes pc-relative forms round-trip too,
// since the disassembler prints absolute targets. A compressed instruction reads
// as the instruction it expands to, so it is assembled under .option rvc, which
// must compress it back to the same parcel.
func TestDisassembleRoundTrip(t *testing.T) {
	for _, in := range corpusText(t) {
		pc, w := in.pc, in.inst
		if w == 0 {
			continue // the zeros of a gap made by ". =" or .org, as GNU as fills code
		}
		text := Disassemble(w, pc)
		require.False(t, strings.HasPrefix(text, "unknown"), "%#x: %08x", pc, w)
		if in.size == 2 && isHint(uint16(w)) {
			continue // no ordinary instruction compresses to it: written c.li zero, 3 and the like
		}
		// A 32-bit instruction after compressed ones may sit at 2 mod 4:
		// the C extension, once on, lets it.
		option := ".option rvc\n.option norvc\n"
		if in.size == 2 {
			option = ".option rvc\n"
		}
		src := fmt.Sprintf("_start:\n%s.skip %d\n%s\n", option, pc-textBase, text)
		prog, err := Assemble("roundtrip.s", []byte(src), Options{})
		if !assertNoError(t, err, "%#x %08x %q", pc, w, text) {
			continue
		}
		secs, err := elfSections(prog.ELF)
		require.NoError(t, err)
		var got uint32
		if in.size == 2 {
			got = uint32(binary.LittleEndian.Uint16(secs[0].data[pc-textBase:]))
		} else {
			got = binary.LittleEndian.Uint32(secs[0].data[pc-textBase:])
		}
		if got != w {
			t.Errorf("%#x: %08x disassembles to %q, which assembles to %08x", pc, w, text, got)
		}
	}
}

// isHint reports whether a compressed parcel is one of the spec's HINTs
// (section 16.7) that expand to an instruction writing x0 or shifting by 0
// (c.nop itself aside).
func isHint(p uint16) bool {
	w, ok := hw.ExpandCompressed(p)
	if !ok || p == 0x0001 {
		return false
	}
	op, rd, f3 := w&0x7f, w>>7&31, w>>12&7
	switch {
	case (op == 0x13 || op == 0x37 || op == 0x33) && rd == 0:
		return true
	case op == 0x13 && (f3 == 1 || f3 == 5) && w>>20&63 == 0:
		return true
	}
	return false
}

func assertNoError(t *testing.T, err error, format string, args ...any) bool {
	t.Helper()
	if err != nil {
		t.Errorf("%s: %v", fmt.Sprintf(format, args...), err)
		return false
	}
	return true
}

// TestDisassembleGolden prints the whole corpus disassembled, for review against
// "riscv64-unknown-elf-objdump -d" (same instructions and aliases; objdump writes
// operands without spaces and targets without 0x).
func TestDisassembleGolden(t *testing.T) {
	var b strings.Builder
	for _, in := range corpusText(t) {
		hex := fmt.Sprintf("%08x", in.inst)
		if in.size == 2 {
			hex = fmt.Sprintf("%04x", in.inst)
		}
		fmt.Fprintf(&b, "%x: %-8s  %s\n", in.pc, hex, Disassemble(in.inst, in.pc))
	}
	golden := "../../testdata/asm/disasm.golden"
	if *update {
		require.NoError(t, os.WriteFile(golden, []byte(b.String()), 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err)
	if diff := cmp.Diff(string(want), b.String()); diff != "" {
		t.Errorf("disassembly differs from %s (-want +got):\n%s", golden, diff)
	}
}

func TestDisassembleExamples(t *testing.T) {
	tests := []struct {
		word uint32
		pc   uint64
		want string
	}{
		{0x00150513, 0x10000, "addi a0, a0, 1"},
		{0x04000893, 0x10000, "li a7, 64"},
		{0x074000ef, 0x10000, "jal ra, 0x10074"},
		{0x00000073, 0x10000, "ecall"},
		{0x00000000, 0x10000, "unknown 0x00000000"},
		{0xffffffff, 0x10000, "unknown 0xffffffff"},
		{0x00008067, 0x10000, "ret"},
		{0x00000013, 0x10000, "nop"},
		{0xff1ff06f, 0x10010, "j 0x10000"},
		{0x00812503, 0x10000, "lw a0, 8(sp)"},
		{0x00a12423, 0x10000, "sw a0, 8(sp)"},
		{0x00c5a52f, 0x10000, "amoadd.w a0, a2, (a1)"},
		{0x1005b52f, 0x10000, "lr.d a0, (a1)"},
		{0x0ff0000f, 0x10000, "fence"},
		{0x8330000f, 0x10000, "fence.tso"},
		{0x0010000f, 0x10000, "unknown 0x0010000f"}, // empty predecessor set,
	}
	for _, tc := range tests {
		if got := Disassemble(tc.word, tc.pc); got != tc.want {
			t.Errorf("Disassemble(%#08x, %#x) = %q, want %q", tc.word, tc.pc, got, tc.want)
		}
	}
}

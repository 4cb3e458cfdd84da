package asm

import (
	"encoding/binary"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
)

// corpusText returns the .text words of the assembled corpus.
func corpusText(t *testing.T) (uint64, []uint32) {
	prog, err := Assemble("corpus.s", readCorpus(t), Options{})
	require.NoError(t, err)
	secs, err := elfSections(prog.ELF)
	require.NoError(t, err)
	require.Equal(t, ".text", secs[0].name)
	var words []uint32
	for i := 0; i+4 <= len(secs[0].data); i += 4 {
		words = append(words, binary.LittleEndian.Uint32(secs[0].data[i:]))
	}
	return secs[0].addr, words
}

// TestDisassembleRoundTrip: for every instruction of the corpus, assembling the
// disassembler's text at the same address gives the same word back. Placing the
// instruction at its address (with .skip) makes pc-relative forms round-trip too,
// since the disassembler prints absolute targets.
func TestDisassembleRoundTrip(t *testing.T) {
	base, words := corpusText(t)
	for i, w := range words {
		pc := base + uint64(4*i)
		if w == 0 {
			continue // the zeros of a gap made by ". =" or .org, as GNU as fills code
		}
		text := Disassemble(w, pc)
		require.False(t, strings.HasPrefix(text, "unknown"), "%#x: %08x", pc, w)
		src := fmt.Sprintf("_start:\n.skip %d\n%s\n", pc-textBase, text)
		prog, err := Assemble("roundtrip.s", []byte(src), Options{})
		if !assertNoError(t, err, "%#x %08x %q", pc, w, text) {
			continue
		}
		secs, err := elfSections(prog.ELF)
		require.NoError(t, err)
		got := binary.LittleEndian.Uint32(secs[0].data[pc-textBase:])
		if got != w {
			t.Errorf("%#x: %08x disassembles to %q, which assembles to %08x", pc, w, text, got)
		}
	}
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
	base, words := corpusText(t)
	var b strings.Builder
	for i, w := range words {
		pc := base + uint64(4*i)
		fmt.Fprintf(&b, "%x: %08x  %s\n", pc, w, Disassemble(w, pc))
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

package asm

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestMoveDot: ". = expr", ".set ., expr", ".equ ., expr" and ".org" move
// the location counter as GNU as does (the corpus test checks the bytes
// against GNU as too): forward only, the gap filled with zeros (or .org's
// fill byte), even in .text.
func TestMoveDot(t *testing.T) {
	src := "_start: nop\n  . = . + 16\n  nop\n  .set ., . + 4\n  .equ ., 28\n  nop\n  .org 36, 0\n  nop\n" +
		"  .data\n  .byte 1\n  .org . + 2, 0xaa\n  . = . + 1\n  .bss\n  . = . + 8\n"
	prog, err := Assemble("prog.s", []byte(src), Options{})
	require.NoError(t, err)
	secs, err := elfSections(prog.ELF)
	require.NoError(t, err)
	nop := []byte{0x13, 0, 0, 0}
	var text []byte
	text = append(text, nop...)
	text = append(text, make([]byte, 16)...)
	text = append(text, nop...)
	text = append(text, make([]byte, 4)...)
	text = append(text, nop...)
	text = append(text, make([]byte, 4)...)
	text = append(text, nop...)
	require.Equal(t, ".text", secs[0].name)
	require.Equal(t, text, secs[0].data)
	for _, s := range secs {
		switch s.name {
		case ".data":
			require.Equal(t, []byte{1, 0xaa, 0xaa, 0}, s.data)
		case ".bss":
			require.Equal(t, uint64(8), s.size)
		}
	}
	for _, s := range prog.Symbols {
		require.NotEqual(t, ".", s.Name, "'.' is the location counter, not a symbol")
	}
}

func TestMoveDotErrors(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"backwards", "_start: nop\n  . = . - 1\n  .org 2\n  .set ., 0\n",
			"prog.s:2:7: attempt to move .org backwards (from offset 4 of .text to 3)\n" +
				"prog.s:3:8: attempt to move .org backwards (from offset 4 of .text to 2)\n" +
				"prog.s:4:11: attempt to move .org backwards (from offset 4 of .text to 0)"},
		{"other section", "_start: nop\n  .data\nd: .byte 1\n  .text\n  . = d\n",
			"prog.s:5:7: expected an offset or an address in .text, found an address in .data"},
		{"not yet defined", "_start: nop\n  . = later\nlater:\n",
			"prog.s:2:7: expected a constant, found \"later\", which is not defined before this line"},
		{"huge", "_start: nop\n  .org . + 0x7ffffffffffffff0\n  . = 0x7fffffffffffffff\n",
			"prog.s:2:8: section .text would be larger than 16 MiB\nprog.s:3:7: section .text would be larger than 16 MiB"},
		{"fill in bss", "_start: nop\n  .bss\n  .org 4, 1\n  .fill 1, 1, 1\n  .fill 2, 4, 0\n",
			"prog.s:3:8: non-zero fill in .bss: .bss holds only zeros (use .space, .zero or .align)\n" +
				"prog.s:4:9: non-zero fill in .bss: .bss holds only zeros (use .space, .zero or .align)"},
		{"equiv", "_start: nop\n  .equiv ., 8\n", "prog.s:2:10: expected symbol name, found \".\""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { requireErrors(t, tc.src, tc.want) })
	}
}

// TestFillOverflow: .fill's repeat times size must not wrap (2^61+1 copies
// of 8 bytes is 8 bytes modulo 2^64).
func TestFillOverflow(t *testing.T) {
	requireErrors(t, "_start: nop\n  .data\n  .byte 1\n  .fill 0x7fffffffffffffff, 8, 0\n  .fill 0x2000000000000001, 8\n  .fill -1\n  .fill 1, -1\n",
		"prog.s:4:9: section .data would be larger than 16 MiB\n"+
			"prog.s:5:9: section .data would be larger than 16 MiB\n"+
			"prog.s:6:9: expected a repeat count of 0 or more, found -1\n"+
			"prog.s:7:12: expected a size of 0 or more, found -1")
}

package asm

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// requireErrors assembles src as prog.s and requires exactly the errors want
// (one "file:line:col: msg" a line).
func requireErrors(t *testing.T, src, want string) {
	t.Helper()
	_, err := Assemble("prog.s", []byte(src), Options{})
	require.Error(t, err)
	_, ok := err.(ErrorList)
	require.True(t, ok, "error is %T", err)
	require.Equal(t, want, err.Error())
}

// TestSizeOverflow: sizes near 2^63 must not wrap the check of the section
// size (which panicked in .text and made an ELF the loader rejected in
// .bss); each is an error at its directive.
func TestSizeOverflow(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"space after a byte", "_start: nop\n  .byte 1\n  .space 0x7ffffffffffffffc\n",
			"prog.s:3:10: section .text would be larger than 16 MiB"},
		{"space in bss", "_start: nop\n  .bss\n  .space 1\n  .space 0x7fffffffffffffff\n",
			"prog.s:4:10: section .bss would be larger than 16 MiB"},
		{"zero and skip", "_start: nop\n  .data\n  .byte 1\n  .zero 0x7fffffffffffffff\n  .skip 0x7ffffffffffffff8, 0\n",
			"prog.s:4:9: section .data would be larger than 16 MiB\nprog.s:5:9: section .data would be larger than 16 MiB"},
		{"align", "_start: nop\n  .p2align 63\n  .p2align 64\n  .balign 0x4000000000000000\n  .align 0x7fffffffffffffff\n",
			"prog.s:2:12: expected an alignment exponent from 0 to 16 for .p2align, found 63\n" +
				"prog.s:3:12: expected an alignment exponent from 0 to 16 for .p2align, found 64\n" +
				"prog.s:4:11: expected a power of two from 1 to 65536 for .balign, found 4611686018427387904\n" +
				"prog.s:5:10: expected an alignment exponent from 0 to 16 for .align, found 9223372036854775807"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { requireErrors(t, tc.src, tc.want) })
	}
}

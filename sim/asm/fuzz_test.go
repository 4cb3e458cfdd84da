package asm

import (
	"encoding/binary"
	"strings"
	"testing"
)

// FuzzAssemble: Assemble must never panic, and must return either a program
// whose ELF debug/elf can read, or an ErrorList of positioned errors.
func FuzzAssemble(f *testing.F) {
	src := readCorpus(f)
	f.Add(string(src))
	for _, tc := range errorCases {
		f.Add(tc.src)
	}
	for _, src := range hardeningSeeds() {
		f.Add(src)
	}
	// Each line of the corpus alone, after a _start.
	for _, line := range strings.Split(string(src), "\n") {
		f.Add("_start:\n" + line + "\n")
	}
	f.Fuzz(func(t *testing.T, src string) {
		prog, err := Assemble("fuzz.s", []byte(src), Options{Predefined: map[string]int64{"SYS_write": 64}})
		if err != nil {
			list, ok := err.(ErrorList)
			if !ok || len(list) == 0 {
				t.Fatalf("error is %T %v, want a non-empty ErrorList", err, err)
			}
			for _, e := range list {
				if e.Pos.Line < 1 || e.Pos.Col < 1 || e.Msg == "" {
					t.Fatalf("bad error %q", e.Error())
				}
			}
			return
		}
		secs, err := elfSections(prog.ELF)
		if err != nil {
			t.Fatalf("unreadable ELF: %v", err)
		}
		// Disassembling any word must not panic either.
		for _, s := range secs {
			for i := 0; i+4 <= len(s.data); i += 4 {
				_ = Disassemble(binary.LittleEndian.Uint32(s.data[i:]), s.addr+uint64(i))
			}
		}
	})
}

// hardeningSeeds are the inputs of issue 15: sizes near 2^63, deep nesting,
// moving '.', .fill and .org overflow, long chains, a file of errors.
func hardeningSeeds() []string {
	deep := func(open, mid, close string, n int) string {
		return "_start:\n  li a0, " + strings.Repeat(open, n) + mid + strings.Repeat(close, n) + "\n"
	}
	return []string{
		"_start: nop\n  .byte 1\n  .space 0x7ffffffffffffffc\n",
		"_start: nop\n  .bss\n  .space 1\n  .space 0x7fffffffffffffff\n  .zero 0x7fffffffffffffff\n",
		"_start: nop\n  .data\n  .byte 1\n  .skip 0x7ffffffffffffff8, 1\n  .p2align 63\n  .balign 0x4000000000000000\n",
		"_start: nop\n  .data\n  .fill 0x2000000000000001, 8\n  .fill 0x7fffffffffffffff, 8, 0\n  .fill -1\n  .fill 3, 9, 0x01020304\n",
		deep("(", "1", ")", maxExprDepth+1),
		deep("(", "1", ")", maxExprDepth),
		deep("-", "1", "", maxExprDepth+1),
		deep("~(", "1", ")", maxExprDepth/2+1),
		"_start: nop\n  . = . + 16\n  nop\n",
		"_start: nop\n  . = . - 1\n  .org 2\n  .set ., . + 4\n  .equ ., 0\n  .equiv ., 8\n",
		"_start: nop\n  .org . + 0x7ffffffffffffff0\n  . = 0x7fffffffffffffff\n  .data\nd: .byte 1\n  .text\n  . = d\n  . = later\nlater:\n",
		"_start: nop\n  .bss\n  . = . + 8\n  .org . + 4, 1\n",
		"_start:\n  .dword x0\nx0 = x1 + 1\nx1 = x2 + 1\nx2 = x3 + 1\nx3 = 1\n",
		"_start:\n" + strings.Repeat("  bad\n", 50),
	}
}

// FuzzDisassemble: every word disassembles without panicking; a known
// instruction's text assembles back to the same word. A compressed parcel
// (the low half, when its low bits are not 11) shows as the instruction it
// expands to, which assembles to a word of 32 bits (Options{} does not
// compress), and that word must show as the same text.
func FuzzDisassemble(f *testing.F) {
	f.Add(uint32(0x00150513))
	f.Add(uint32(0x0ff0000f))
	f.Fuzz(func(t *testing.T, w uint32) {
		text := Disassemble(w, textBase)
		if strings.HasPrefix(text, "unknown") {
			return
		}
		prog, err := Assemble("w.s", []byte("_start: "+text+"\n"), Options{})
		if err != nil {
			t.Fatalf("%08x -> %q: %v", w, text, err)
		}
		secs, _ := elfSections(prog.ELF)
		got := binary.LittleEndian.Uint32(secs[0].data)
		if w&3 != 3 {
			if back := Disassemble(got, textBase); back != text {
				t.Fatalf("%04x -> %q -> %08x -> %q", uint16(w), text, got, back)
			}
			return
		}
		if got != w {
			t.Fatalf("%08x -> %q -> %08x", w, text, got)
		}
	})
}

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

// FuzzDisassemble: every word disassembles without panicking; a known
// instruction's text assembles back to the same word.
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
		if got := binary.LittleEndian.Uint32(secs[0].data); got != w {
			t.Fatalf("%08x -> %q -> %08x", w, text, got)
		}
	})
}

package asm

import (
	"bytes"
	"debug/elf"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
)

func TestLayoutOfHello(t *testing.T) {
	prog, err := Assemble("hello.s", []byte(hello), Options{Predefined: map[string]int64{"SYS_write": 64, "SYS_exit": 93}})
	require.NoError(t, err)
	require.Equal(t, uint64(0x10000), prog.Entry)
	want := []Symbol{{"_start", 0x10000}, {"msg", 0x11000}, {"counter", 0x12000}, {"scratch", 0x12004}}
	if diff := cmp.Diff(want, prog.Symbols); diff != "" {
		t.Errorf("symbols (-want +got):\n%s", diff)
	}

	f, err := elf.NewFile(bytes.NewReader(prog.ELF))
	require.NoError(t, err)
	require.Equal(t, elf.ET_EXEC, f.Type)
	require.Equal(t, elf.EM_RISCV, f.Machine)
	require.Equal(t, elf.ELFCLASS64, f.Class)
	type seg struct {
		Flags                elf.ProgFlag
		Vaddr, Filesz, Memsz uint64
	}
	var got []seg
	for _, p := range f.Progs {
		require.Equal(t, elf.PT_LOAD, p.Type)
		require.Equal(t, p.Off%pageSize, p.Vaddr%pageSize, "offset and address must agree mod the page size")
		got = append(got, seg{p.Flags, p.Vaddr, p.Filesz, p.Memsz})
	}
	wantSegs := []seg{
		{elf.PF_R | elf.PF_X, 0x10000, 4 * 17, 4 * 17},
		{elf.PF_R, 0x11000, 13, 13},
		{elf.PF_R | elf.PF_W, 0x12000, 4, 12}, // .data 4 bytes, then .bss 8
	}
	if diff := cmp.Diff(wantSegs, got); diff != "" {
		t.Errorf("program headers (-want +got):\n%s", diff)
	}
	syms, err := f.Symbols()
	require.NoError(t, err)
	require.Len(t, syms, 4)
}

func TestDeterministic(t *testing.T) {
	src := readCorpus(t)
	a, err := Assemble("corpus.s", src, Options{Predefined: map[string]int64{"B": 2, "A": 1, "C": 3}})
	require.NoError(t, err)
	for i := 0; i < 5; i++ {
		b, err := Assemble("corpus.s", src, Options{Predefined: map[string]int64{"C": 3, "A": 1, "B": 2}})
		require.NoError(t, err)
		require.Equal(t, a, b)
	}
}

func TestLiSequenceExamples(t *testing.T) {
	// From GNU as 2.40 (see corpus.golden for many more).
	tests := []struct {
		v    int64
		want []liStep
	}{
		{5, []liStep{{"addi", 10, 0, 5}}},
		{0x1000, []liStep{{"lui", 10, 0, 1}}},
		{0x80000000, []liStep{{"addiw", 10, 0, 1}, {"slli", 10, 10, 31}}},
		{-2049, []liStep{{"lui", 10, 0, 0xfffff}, {"addiw", 10, 10, 2047}}},
	}
	for _, tc := range tests {
		if diff := cmp.Diff(tc.want, liSequence(10, tc.v), cmp.AllowUnexported(liStep{})); diff != "" {
			t.Errorf("li a0, %#x (-want +got):\n%s", tc.v, diff)
		}
	}
}

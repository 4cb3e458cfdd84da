package loader

import (
	"encoding/binary"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const stackTop = 1 << 38 // a page-aligned stack top, as the kernel would use

func goldenAux() Aux {
	return Aux{
		Phdr: 0x10040, Phent: 56, Phnum: 3, Entry: 0x100e8, PageSize: 4096,
		Random: [16]byte{0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f},
		ExecFn: "bin/prog",
		UID:    1000, EUID: 1001, GID: 100, EGID: 101,
		HWCap: 1<<('i'-'a') | 1<<('m'-'a') | 1<<('a'-'a'),
	}
}

// TestBuildStackGolden checks every byte of the stack for a small command,
// against a layout worked out by hand from fs/exec.c and create_elf_tables.
func TestBuildStackGolden(t *testing.T) {
	const top = stackTop
	sp, img, err := BuildStack(top, []string{"bin/prog", "a", "bc"}, []string{"X=1"}, goldenAux(), 128*1024)
	if err != nil {
		t.Fatal(err)
	}
	// Strings, top down: 8-byte end marker, then "bin/prog\0" (execfn,
	// 9 bytes) at top-0x11, "X=1\0" at top-0x15, "bc\0" at top-0x18,
	// "a\0" at top-0x1a, "bin/prog\0" (argv[0]) at top-0x23. Round down to
	// top-0x30; random bytes at top-0x40. 17 auxv pairs (0x110 bytes) and
	// 7 words (argc, 3+1 argv, 1+1 envp) put sp at (top-0x188)&^15 = top-0x190.
	const (
		execfn = top - 0x11
		env0   = top - 0x15
		arg2   = top - 0x18
		arg1   = top - 0x1a
		arg0   = top - 0x23
		random = top - 0x40
	)
	if sp != top-0x190 || len(img) != 0x190 {
		t.Fatalf("sp = top-%#x, len(img) = %#x; want top-0x190, 0x190", top-sp, len(img))
	}
	if sp%16 != 0 {
		t.Fatalf("sp %#x not 16-byte aligned", sp)
	}
	want := make([]byte, 0x190)
	words := []uint64{
		3, arg0, arg1, arg2, 0, // argc, argv, NULL
		env0, 0, // envp, NULL
		16, goldenAux().HWCap, // AT_HWCAP
		6, 4096, // AT_PAGESZ
		17, 100, // AT_CLKTCK
		3, 0x10040, // AT_PHDR
		4, 56, // AT_PHENT
		5, 3, // AT_PHNUM
		7, 0, // AT_BASE
		8, 0, // AT_FLAGS
		9, 0x100e8, // AT_ENTRY
		11, 1000, // AT_UID
		12, 1001, // AT_EUID
		13, 100, // AT_GID
		14, 101, // AT_EGID
		23, 0, // AT_SECURE
		25, random, // AT_RANDOM
		31, execfn, // AT_EXECFN
		0, 0, // AT_NULL
	}
	for i, w := range words {
		binary.LittleEndian.PutUint64(want[i*8:], w)
	}
	put := func(addr uint64, s string) { copy(want[addr-sp:], s) }
	put(random, "\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f")
	put(arg0, "bin/prog\x00a\x00bc\x00X=1\x00bin/prog\x00")
	if diff := cmp.Diff(want, img); diff != "" {
		t.Errorf("stack mismatch (-want +got):\n%s", diff)
	}

	// Read it back as _start would.
	word := func(addr uint64) uint64 { return binary.LittleEndian.Uint64(img[addr-sp:]) }
	cstr := func(addr uint64) string {
		b := img[addr-sp:]
		return string(b[:strings.IndexByte(string(b), 0)])
	}
	argc := word(sp)
	var argv, envp []string
	for i := uint64(0); i < argc; i++ {
		argv = append(argv, cstr(word(sp+8+8*i)))
	}
	a := sp + 8 + 8*argc
	if word(a) != 0 {
		t.Fatal("argv not NULL-terminated")
	}
	for a += 8; word(a) != 0; a += 8 {
		envp = append(envp, cstr(word(a)))
	}
	auxv := map[uint64]uint64{}
	for a += 8; ; a += 16 {
		if word(a) == 0 {
			break
		}
		auxv[word(a)] = word(a + 8)
	}
	if diff := cmp.Diff([]string{"bin/prog", "a", "bc"}, argv); diff != "" {
		t.Errorf("argv (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"X=1"}, envp); diff != "" {
		t.Errorf("envp (-want +got):\n%s", diff)
	}
	if got, r := img[auxv[25]-sp:auxv[25]-sp+16], goldenAux().Random; string(got) != string(r[:]) {
		t.Errorf("AT_RANDOM points at %x", got)
	}
	if got := cstr(auxv[31]); got != "bin/prog" {
		t.Errorf("AT_EXECFN points at %q", got)
	}
	if string(img[len(img)-8:]) != "\x00\x00\x00\x00\x00\x00\x00\x00" {
		t.Errorf("the 8 bytes below top are not zero")
	}
}

func TestBuildStackVDSOAndEmptyArgv(t *testing.T) {
	aux := goldenAux()
	aux.VDSO = 0x3fffffe000
	sp, img, err := BuildStack(stackTop, nil, nil, aux, 128*1024)
	if err != nil {
		t.Fatal(err)
	}
	word := func(i int) uint64 { return binary.LittleEndian.Uint64(img[i*8:]) }
	// Linux 5.18+: an empty argv becomes {""}.
	if word(0) != 1 || word(2) != 0 || img[word(1)-sp] != 0 {
		t.Errorf("argc %d, argv[0] at %#x, argv[1] %#x: want argc 1, argv[0] = \"\"", word(0), word(1), word(2))
	}
	// envp is just NULL; ARCH_DLINFO's AT_SYSINFO_EHDR comes first in auxv.
	if word(3) != 0 || word(4) != 33 || word(5) != aux.VDSO || word(6) != 16 {
		t.Errorf("envp/auxv start = %d %d %#x %d; want 0 33 %#x 16", word(3), word(4), word(5), word(6), aux.VDSO)
	}
	if sp%16 != 0 {
		t.Errorf("sp %#x not 16-byte aligned", sp)
	}
}

func TestBuildStackNUL(t *testing.T) {
	// A string is read as a C string: it ends at its first NUL.
	_, a, err := BuildStack(stackTop, []string{"ab\x00cd"}, nil, goldenAux(), 128*1024)
	if err != nil {
		t.Fatal(err)
	}
	_, b, err := BuildStack(stackTop, []string{"ab"}, nil, goldenAux(), 128*1024)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(b, a); diff != "" {
		t.Errorf("embedded NUL (-want +got):\n%s", diff)
	}
}

func TestBuildStackE2BIG(t *testing.T) {
	argv, envp := []string{"bin/prog", "a", "bc"}, []string{"X=1"}
	// 4 pointers (32 bytes) and 27 bytes of strings (execfn 9, "X=1" 4,
	// argv 9+2+3): 59 bytes fit exactly, 58 do not.
	if _, _, err := BuildStack(stackTop, argv, envp, goldenAux(), 59); err != nil {
		t.Errorf("59 bytes: %v", err)
	}
	tests := []struct {
		name        string
		argv, envp  []string
		maxArgBytes int
	}{
		{"one byte short", argv, envp, 58},
		{"pointers alone", argv, envp, 32},
		{"no room", nil, nil, 0},
		{"string over MAX_ARG_STRLEN", []string{strings.Repeat("x", 32*4096)}, nil, 1 << 30},
		{"environment too big", argv, []string{strings.Repeat("y", 200000), strings.Repeat("z", 200000)}, 256 * 1024},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, img, err := BuildStack(stackTop, tc.argv, tc.envp, goldenAux(), tc.maxArgBytes)
			if !errors.Is(err, ErrArgListTooLong) || img != nil {
				t.Errorf("err = %v, want ErrArgListTooLong", err)
			}
		})
	}
}

func TestBuildStackBadTop(t *testing.T) {
	if _, _, err := BuildStack(stackTop+8, nil, nil, goldenAux(), 1024); err == nil {
		t.Error("unaligned top: no error")
	}
	if _, _, err := BuildStack(0, nil, nil, goldenAux(), 1024); err == nil {
		t.Error("top 0: no error")
	}
}

package loader

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"errors"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// userLimit is what the kernel passes as Load's limit: the top of Sv39's user half.
const userLimit = 1 << 38

// testELF describes a small ELF file to write: a header, program headers at
// hdr.Phoff, and filler bytes (a pattern, so that copies can be checked).
type testELF struct {
	hdr      elf.Header64
	progs    []elf.Prog64
	size     int  // length of the file
	rawPhnum bool // keep hdr.Phnum as set instead of len(progs)
}

func ident(class elf.Class, data elf.Data) [16]byte {
	var id [16]byte
	copy(id[:], elf.ELFMAG)
	id[elf.EI_CLASS] = byte(class)
	id[elf.EI_DATA] = byte(data)
	id[elf.EI_VERSION] = byte(elf.EV_CURRENT)
	return id
}

// goodELF is a valid static RV64 executable: text (with the headers) at
// 0x10000, data plus bss at 0x12000, and a PT_GNU_STACK.
func goodELF() *testELF {
	return &testELF{
		hdr: elf.Header64{
			Ident:     ident(elf.ELFCLASS64, elf.ELFDATA2LSB),
			Type:      uint16(elf.ET_EXEC),
			Machine:   uint16(elf.EM_RISCV),
			Version:   uint32(elf.EV_CURRENT),
			Entry:     0x11000,
			Phoff:     ehdrSize,
			Ehsize:    ehdrSize,
			Phentsize: phdrSize,
		},
		progs: []elf.Prog64{
			{Type: uint32(elf.PT_LOAD), Flags: uint32(elf.PF_R | elf.PF_X), Off: 0, Vaddr: 0x10000, Filesz: 0x1010, Memsz: 0x1010, Align: PageSize},
			{Type: uint32(elf.PT_LOAD), Flags: uint32(elf.PF_R | elf.PF_W), Off: 0x2000, Vaddr: 0x12000, Filesz: 8, Memsz: 0x100, Align: PageSize},
			{Type: uint32(elf.PT_GNU_STACK), Flags: uint32(elf.PF_R | elf.PF_W)},
		},
		size: 0x2008,
	}
}

func (t *testELF) bytes() []byte {
	if !t.rawPhnum {
		t.hdr.Phnum = uint16(len(t.progs))
	}
	n := max(t.size, ehdrSize)
	if t.hdr.Phoff < 1<<20 {
		n = max(n, int(t.hdr.Phoff)+len(t.progs)*phdrSize)
	}
	buf := make([]byte, n)
	for i := range buf {
		buf[i] = byte(i*7 + 3)
	}
	var w bytes.Buffer
	must(binary.Write(&w, binary.LittleEndian, t.hdr))
	copy(buf, w.Bytes())
	if t.hdr.Phoff < 1<<20 {
		w.Reset()
		for _, p := range t.progs {
			must(binary.Write(&w, binary.LittleEndian, p))
		}
		copy(buf[t.hdr.Phoff:], w.Bytes())
	}
	return buf[:t.size]
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}

// loadCase is one input to Load and the error it must give ("" for none).
type loadCase struct {
	name   string
	elf    func(*testELF) // changes goodELF; nil: use raw
	raw    []byte
	errMsg string
}

func (c loadCase) data() []byte {
	if c.elf == nil {
		return c.raw
	}
	t := goodELF()
	c.elf(t)
	return t.bytes()
}

var loadErrorCases = []loadCase{
	{name: "empty", raw: []byte{}, errMsg: "prog: not an ELF file (bad magic)"},
	{name: "bad magic", raw: []byte("MZ\x90\x00\x03\x00\x00\x00"), errMsg: "prog: not an ELF file (bad magic)"},
	{name: "shell script", raw: []byte("#!/bin/sh\necho hi\n"), errMsg: "prog: not an ELF file (bad magic)"},
	{name: "truncated header", raw: goodELF().bytes()[:20], errMsg: "prog: truncated ELF header (20 bytes, need 64)"},
	{name: "MIPS", elf: func(t *testELF) { t.hdr.Machine = uint16(elf.EM_MIPS) }, errMsg: "prog: not a RISC-V 64-bit executable (machine MIPS)"},
	{name: "x86-64", elf: func(t *testELF) { t.hdr.Machine = uint16(elf.EM_X86_64) }, errMsg: "prog: not a RISC-V 64-bit executable (machine x86-64)"},
	{name: "unknown machine", elf: func(t *testELF) { t.hdr.Machine = 0x1234 }, errMsg: "prog: not a RISC-V 64-bit executable (machine 4660)"},
	{name: "32-bit", elf: func(t *testELF) { t.hdr.Ident = ident(elf.ELFCLASS32, elf.ELFDATA2LSB) }, errMsg: "prog: not little-endian 64-bit (ELFCLASS32, ELFDATA2LSB)"},
	{name: "big-endian", elf: func(t *testELF) { t.hdr.Ident = ident(elf.ELFCLASS64, elf.ELFDATA2MSB) }, errMsg: "prog: not little-endian 64-bit (ELFCLASS64, ELFDATA2MSB)"},
	{name: "bad version", elf: func(t *testELF) { t.hdr.Version = 2 }, errMsg: "prog: unknown ELF version (EI_VERSION 1, e_version 2; expected 1)"},
	{name: "PIE", elf: func(t *testELF) { t.hdr.Type = uint16(elf.ET_DYN) }, errMsg: "prog: position-independent (ET_DYN) executables are not supported: link with -static -no-pie"},
	{name: "object file", elf: func(t *testELF) { t.hdr.Type = uint16(elf.ET_REL) }, errMsg: "prog: not an executable (ET_REL: a relocatable object file): link it first"},
	{name: "core dump", elf: func(t *testELF) { t.hdr.Type = uint16(elf.ET_CORE) }, errMsg: "prog: not an executable (ET_CORE: a core dump)"},
	{name: "dynamic", elf: func(t *testELF) {
		t.progs = append([]elf.Prog64{{Type: uint32(elf.PT_INTERP), Flags: uint32(elf.PF_R), Off: 0x1000, Filesz: 8}}, t.progs...)
	}, errMsg: "prog: dynamically linked (has PT_INTERP): link with -static"},
	{name: "phentsize", elf: func(t *testELF) { t.hdr.Phentsize = 32 }, errMsg: "prog: program header entry size is 32, expected 56"},
	{name: "no program headers", elf: func(t *testELF) { t.progs = nil }, errMsg: "prog: no loadable segments (no program headers)"},
	{name: "too many program headers", elf: func(t *testELF) { t.hdr.Phnum, t.rawPhnum = 74, true }, errMsg: "prog: too many program headers (74, at most 73)"},
	{name: "program headers past end", elf: func(t *testELF) { t.hdr.Phoff = 0x2000 }, errMsg: "prog: program header table lies outside the file"},
	{name: "program headers at 2^64-8", elf: func(t *testELF) { t.hdr.Phoff = 1<<64 - 8 }, errMsg: "prog: program header table lies outside the file"},
	{name: "bad section headers", elf: func(t *testELF) { t.hdr.Shoff, t.hdr.Shnum, t.hdr.Shentsize, t.hdr.Shstrndx = 0x100000, 4, 64, 1 }, errMsg: "prog: malformed ELF (EOF)"},
	{name: "segment past end of file", elf: func(t *testELF) { t.progs[1].Off = 0x3000 }, errMsg: "prog: segment 1 lies outside the file"},
	{name: "segment size wraps", elf: func(t *testELF) {
		t.progs[1].Off, t.progs[1].Filesz, t.progs[1].Memsz = 0x2000, 1<<64-0x1000, 1<<64-0x1000
	}, errMsg: "prog: malformed ELF (invalid program header file size '18446744073709547520' in record at byte 0x78)"},
	{name: "filesz > memsz", elf: func(t *testELF) { t.progs[1].Memsz = 4 }, errMsg: "prog: segment 1: file size larger than memory size"},
	{name: "overlap", elf: func(t *testELF) { t.progs[1].Vaddr = 0x11000 }, errMsg: "prog: segment at 0x11000 overlaps segment at 0x10000"},
	{name: "above user memory", elf: func(t *testELF) { t.progs[1].Vaddr = userLimit }, errMsg: "prog: segment at 0x4000000000 is outside user memory (limit 0x4000000000)"},
	{name: "ends past user memory", elf: func(t *testELF) { t.progs[1].Vaddr = userLimit - 0x80 }, errMsg: "prog: segment at 0x3fffffff80 is outside user memory (limit 0x4000000000)"},
	{name: "memsz 2^60", elf: func(t *testELF) { t.progs[1].Memsz = 1 << 60 }, errMsg: "prog: segment at 0x12000 is outside user memory (limit 0x4000000000)"},
	{name: "vaddr+memsz wraps", elf: func(t *testELF) { t.progs[1].Vaddr, t.progs[1].Memsz = 1<<64-0x1000, 0x2000 }, errMsg: "prog: segment at 0xfffffffffffff000 is outside user memory (limit 0x4000000000)"},
	{name: "page zero", elf: func(t *testELF) { t.progs[0].Vaddr, t.hdr.Entry = 0, 0x1000 }, errMsg: "prog: segment at 0x0 is outside user memory (page 0 is never mapped)"},
	{name: "incongruent offset", elf: func(t *testELF) { t.progs[1].Vaddr = 0x12100 }, errMsg: "prog: segment 1: address 0x12100 and file offset 0x2000 differ modulo the page size (4096)"},
	{name: "entry in data", elf: func(t *testELF) { t.hdr.Entry = 0x12000 }, errMsg: "prog: entry point 0x12000 is not in an executable segment"},
	{name: "entry nowhere", elf: func(t *testELF) { t.hdr.Entry = 0x5000 }, errMsg: "prog: entry point 0x5000 is not in an executable segment"},
	{name: "entry just past text", elf: func(t *testELF) { t.hdr.Entry = 0x11010 }, errMsg: "prog: entry point 0x11010 is not in an executable segment"},
	{name: "no PT_LOAD", elf: func(t *testELF) { t.progs = t.progs[2:] }, errMsg: "prog: no loadable segments"},
	{name: "only empty PT_LOAD", elf: func(t *testELF) {
		t.progs = []elf.Prog64{{Type: uint32(elf.PT_LOAD), Flags: uint32(elf.PF_R | elf.PF_X), Vaddr: 0x10000}}
	}, errMsg: "prog: no loadable segments"},
}

func TestLoadErrors(t *testing.T) {
	for _, c := range loadErrorCases {
		t.Run(c.name, func(t *testing.T) {
			img, err := Load("prog", c.data(), userLimit)
			var e *Error
			if img != nil || !errors.As(err, &e) {
				t.Fatalf("Load = %v, %v; want nil and an *Error", img, err)
			}
			if e.Name != "prog" || err.Error() != c.errMsg {
				t.Errorf("Load error = %q (Name %q), want %q", err, e.Name, c.errMsg)
			}
		})
	}
}

func TestLoad(t *testing.T) {
	rx := func(vaddr uint64, data []byte, memsz uint64) Segment {
		return Segment{Vaddr: vaddr, Data: data, Memsz: memsz, Read: true, Exec: true}
	}
	rw := func(vaddr uint64, data []byte, memsz uint64) Segment {
		return Segment{Vaddr: vaddr, Data: data, Memsz: memsz, Read: true, Write: true}
	}
	tests := []struct {
		name string
		elf  func(*testELF)
		want func(file []byte) *Image
	}{
		{"good", func(*testELF) {}, func(file []byte) *Image {
			return &Image{
				Entry:    0x11000,
				Segments: []Segment{rx(0x10000, file[:0x1010], 0x1010), rw(0x12000, file[0x2000:0x2008], 0x100)},
				Phdr:     0x10040, Phent: 56, Phnum: 3,
				End: 0x12100,
			}
		}},
		{"segment ending at the limit", func(t *testELF) { t.progs[1].Vaddr, t.progs[1].Off = userLimit-0x100, 0x1f00 }, func(file []byte) *Image {
			return &Image{
				Entry:    0x11000,
				Segments: []Segment{rx(0x10000, file[:0x1010], 0x1010), rw(userLimit-0x100, file[0x1f00:0x1f08], 0x100)},
				Phdr:     0x10040, Phent: 56, Phnum: 3,
				End: userLimit,
			}
		}},
		{"headers not loaded", func(t *testELF) {
			t.progs[0].Off, t.progs[0].Vaddr, t.progs[0].Filesz, t.progs[0].Memsz = 0x1000, 0x11000, 0x10, 0x10
		}, func(file []byte) *Image {
			return &Image{
				Entry:    0x11000,
				Segments: []Segment{rx(0x11000, file[0x1000:0x1010], 0x10), rw(0x12000, file[0x2000:0x2008], 0x100)},
				Phent:    56, Phnum: 3,
				End: 0x12100,
			}
		}},
		{"unsorted, sharing a page", func(t *testELF) {
			// Data right after text in the same page, listed first.
			t.progs[0], t.progs[1] = elf.Prog64{Type: uint32(elf.PT_LOAD), Flags: uint32(elf.PF_R | elf.PF_W), Off: 0x1010, Vaddr: 0x11010, Filesz: 8, Memsz: 0x20},
				elf.Prog64{Type: uint32(elf.PT_LOAD), Flags: uint32(elf.PF_R | elf.PF_X), Off: 0x1000, Vaddr: 0x11000, Filesz: 0x10, Memsz: 0x10}
			t.size = 0x1018
		}, func(file []byte) *Image {
			return &Image{
				Entry:    0x11000,
				Segments: []Segment{rx(0x11000, file[0x1000:0x1010], 0x10), rw(0x11010, file[0x1010:0x1018], 0x20)},
				Phent:    56, Phnum: 3,
				End: 0x11030,
			}
		}},
		{"pure bss and an empty PT_LOAD", func(t *testELF) {
			t.progs[1].Filesz = 0
			t.progs[1].Off = 1 << 62 // reads nothing, so may be anywhere (found by FuzzLoad)
			t.progs[2] = elf.Prog64{Type: uint32(elf.PT_LOAD), Flags: uint32(elf.PF_R), Off: 0x5555, Vaddr: 0x20000}
			t.hdr.Flags = 0x5 // EF_RISCV_RVC | EF_RISCV_FLOAT_ABI_DOUBLE
		}, func(file []byte) *Image {
			return &Image{
				Entry:    0x11000,
				Segments: []Segment{rx(0x10000, file[:0x1010], 0x1010), rw(0x12000, []byte{}, 0x100)},
				Phdr:     0x10040, Phent: 56, Phnum: 3,
				End:   0x20000, // load_elf_binary counts empty segments in elf_brk too
				Flags: 0x5,
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			te := goodELF()
			tc.elf(te)
			data := te.bytes()
			img, err := Load("prog", data, userLimit)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want(data), img); diff != "" {
				t.Errorf("Load mismatch (-want +got):\n%s", diff)
			}
			// The segments are copies: changing the input changes nothing.
			before := cloneImage(img)
			for i := range data {
				data[i] ^= 0xff
			}
			if diff := cmp.Diff(before, img); diff != "" {
				t.Errorf("image changed with its input (-before +after):\n%s", diff)
			}
		})
	}
}

func cloneImage(img *Image) *Image {
	c := *img
	c.Segments = nil
	for _, s := range img.Segments {
		s.Data = bytes.Clone(s.Data)
		c.Segments = append(c.Segments, s)
	}
	return &c
}

// TestLoadRealELF loads testdata/hello, built by testdata/build.sh with
// riscv64-unknown-elf-gcc from testdata/hello.s.
func TestLoadRealELF(t *testing.T) {
	data, err := os.ReadFile("testdata/hello")
	if err != nil {
		t.Fatalf("committed ELF missing: %v (rebuild with kernel/loader/testdata/build.sh)", err)
	}
	img, err := Load("hello", data, userLimit)
	if err != nil {
		t.Fatal(err)
	}
	// Values from riscv64-unknown-elf-readelf -lh testdata/hello.
	want := &Image{
		Entry: 0x100e8,
		Segments: []Segment{
			{Vaddr: 0x10000, Data: data[:0x10c], Memsz: 0x10c, Read: true, Exec: true},
			{Vaddr: 0x1110c, Data: []byte("hi\n"), Memsz: 0x44, Read: true, Write: true},
		},
		Phdr: 0x10040, Phent: 56, Phnum: 3,
		End: 0x11150,
	}
	if diff := cmp.Diff(want, img); diff != "" {
		t.Fatalf("Load mismatch (-want +got):\n%s", diff)
	}
	// The first instruction: li a0, 1 (addi a0, zero, 1).
	text := img.Segments[0].Data
	if got := binary.LittleEndian.Uint32(text[img.Entry-0x10000:]); got != 0x00100513 {
		t.Errorf("instruction at entry = %#08x, want 0x00100513", got)
	}
}

// Package loader does the file-format half of execve(2): it checks that a file
// is a static RV64 ELF executable and says which bytes go where in memory
// (loader.go), and it lays out the initial user stack with argc, argv, envp
// and the auxiliary vector exactly as Linux does (stack.go).
//
// The rules follow Linux's fs/binfmt_elf.c (load_elf_binary) and the ELF
// specification (System V gABI, "Program Header"), with a few extra checks
// that Linux leaves to a later crash (a segment beyond the end of the file, an
// entry point outside executable memory): here they are errors a student can
// read before the program runs.
package loader

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
)

// PageSize is the size of a page on the simulated machine (RISC-V Sv39 base
// pages). The kernel maps whole pages; the ELF spec asks loadable segments to
// agree with their file offsets modulo this size.
const PageSize = 4096

// Segment is one PT_LOAD program header: a range of memory and the file bytes
// that start it.
type Segment struct {
	Vaddr             uint64 // where the segment starts in memory (may be unaligned; the kernel maps whole pages)
	Data              []byte // file bytes (len = p_filesz), copied out of the input
	Memsz             uint64 // >= len(Data); the rest is zero (bss)
	Read, Write, Exec bool   // PF_R, PF_W, PF_X
}

// Image is what the kernel needs to build a process from an executable.
//
// Segments never overlap byte for byte, but two of them may share a page (a
// linker that does not pad puts the end of .text and the start of .data in
// one page; Linux maps such a page twice, the second mmap winning). The kernel
// must give a shared page the union of the permissions of the segments that
// touch it, and fill it from both.
type Image struct {
	Entry    uint64    // e_entry: the first instruction
	Segments []Segment // sorted by Vaddr, non-overlapping; PT_LOADs of memory size 0 are left out
	Phdr     uint64    // AT_PHDR: address of the program headers in memory if some PT_LOAD covers them, else 0
	Phent    uint64    // AT_PHENT: size of one program header (56)
	Phnum    uint64    // AT_PHNUM: number of program headers
	End      uint64    // highest p_vaddr+p_memsz: the initial program break is End rounded up to a page
	Flags    uint32    // e_flags: RISC-V psABI bits (EF_RISCV_RVC = 1: may hold compressed instructions; bits 1-2: float ABI)
}

// Error is a reason a file cannot be executed. It prints as "name: msg".
type Error struct {
	Name string // the file, as the caller named it
	Msg  string // what is wrong
}

func (e *Error) Error() string { return e.Name + ": " + e.Msg }

const (
	ehdrSize = 64 // sizeof(Elf64_Ehdr)
	phdrSize = 56 // sizeof(Elf64_Phdr)

	// maxPhnum: fs/binfmt_elf.c elf_read_phdrs refuses a program header
	// table larger than ELF_MIN_ALIGN (one page): at most 73 entries.
	maxPhnum = PageSize / phdrSize
)

// Load parses data (the contents of the file called name) as a static RV64
// executable whose segments must lie below limit, the first address that is
// not user memory (the kernel passes 1<<38, the top of the Sv39 user half).
//
// Errors are *Error. Load never panics, and allocates no more than the size of
// the file times a small constant: sizes read from the file are checked before
// anything is allocated for them.
func Load(name string, data []byte, limit uint64) (*Image, error) {
	fail := func(format string, args ...any) (*Image, error) {
		return nil, &Error{Name: name, Msg: fmt.Sprintf(format, args...)}
	}

	// The ELF header. We read it ourselves rather than through debug/elf
	// so that each problem gets its own message, checked in the order a
	// person would want to hear about it.
	if len(data) < 4 || string(data[:4]) != elf.ELFMAG {
		return fail("not an ELF file (bad magic)")
	}
	if len(data) < ehdrSize {
		return fail("truncated ELF header (%d bytes, need %d)", len(data), ehdrSize)
	}
	var eh elf.Header64
	if _, err := binary.Decode(data[:ehdrSize], binary.LittleEndian, &eh); err != nil {
		return fail("malformed ELF header: %v", err)
	}
	class, enc := elf.Class(eh.Ident[elf.EI_CLASS]), elf.Data(eh.Ident[elf.EI_DATA])
	if class != elf.ELFCLASS64 || enc != elf.ELFDATA2LSB {
		// riscv64's elf_check_arch: e_machine == EM_RISCV and
		// EI_CLASS == ELFCLASS64; the psABI fixes little-endian.
		return fail("not little-endian 64-bit (%v, %v)", class, enc)
	}
	if v := elf.Version(eh.Ident[elf.EI_VERSION]); v != elf.EV_CURRENT || elf.Version(eh.Version) != elf.EV_CURRENT {
		return fail("unknown ELF version (EI_VERSION %d, e_version %d; expected 1)", eh.Ident[elf.EI_VERSION], eh.Version)
	}
	if m := elf.Machine(eh.Machine); m != elf.EM_RISCV {
		return fail("not a RISC-V 64-bit executable (machine %s)", machineName(m))
	}
	switch elf.Type(eh.Type) {
	case elf.ET_EXEC:
		// What we want: linked at fixed addresses.
	case elf.ET_DYN:
		return fail("position-independent (ET_DYN) executables are not supported: link with -static -no-pie")
	case elf.ET_REL:
		return fail("not an executable (ET_REL: a relocatable object file): link it first")
	case elf.ET_CORE:
		return fail("not an executable (ET_CORE: a core dump)")
	default:
		return fail("not an executable (e_type %#x)", eh.Type)
	}

	// The program header table: the only table a loader reads (Linux never
	// looks at section headers). fs/binfmt_elf.c elf_read_phdrs insists on
	// entries of exactly sizeof(struct elf_phdr), at least one, at most a
	// page of them.
	if eh.Phentsize != phdrSize {
		return fail("program header entry size is %d, expected %d", eh.Phentsize, phdrSize)
	}
	if eh.Phnum == 0 {
		return fail("no loadable segments (no program headers)")
	}
	if eh.Phnum > maxPhnum {
		return fail("too many program headers (%d, at most %d)", eh.Phnum, maxPhnum)
	}
	tableSize := uint64(eh.Phnum) * phdrSize
	if eh.Phoff > uint64(len(data)) || tableSize > uint64(len(data))-eh.Phoff {
		return fail("program header table lies outside the file")
	}

	// debug/elf also reads the section headers, which Linux ignores: a
	// file whose section headers are broken (cut short after its last
	// segment, say) would run on Linux but is rejected here. Such a file
	// is damaged, and saying so beats running it.
	f, err := parseELF(data)
	if err != nil {
		return fail("malformed ELF (%v)", err)
	}
	if len(f.Progs) != int(eh.Phnum) {
		return fail("malformed ELF (read %d program headers, e_phnum says %d)", len(f.Progs), eh.Phnum)
	}

	// A PT_INTERP names a dynamic linker; load_elf_binary would load it
	// too. We run static programs only.
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			return fail("dynamically linked (has PT_INTERP): link with -static")
		}
	}

	img := &Image{Entry: eh.Entry, Phent: phdrSize, Phnum: uint64(eh.Phnum), Flags: eh.Flags}
	type load struct {
		index int // position in the program header table, for messages
		hdr   elf.ProgHeader
	}
	var loads []load
	for i, p := range f.Progs {
		if p.Type != elf.PT_LOAD {
			// PT_GNU_STACK, PT_NOTE, PT_RISCV_ATTRIBUTES, ...: nothing
			// to map. (Linux reads PT_GNU_STACK for an executable
			// stack; ipcsim's stack is never executable.)
			continue
		}
		h := p.ProgHeader
		// load_elf_binary: "p_filesz must always be <= p_memsz".
		if h.Filesz > h.Memsz {
			return fail("segment %d: file size larger than memory size", i)
		}
		// (A segment with no file bytes reads nothing: its p_offset
		// does not matter.)
		if h.Filesz > 0 && (h.Off > uint64(len(data)) || h.Filesz > uint64(len(data))-h.Off) {
			return fail("segment %d lies outside the file", i)
		}
		// load_elf_binary rejects p_memsz > TASK_SIZE or
		// TASK_SIZE - p_memsz < p_vaddr: the segment must end at or
		// below the top of user memory, without wrapping around.
		if h.Memsz > limit || h.Vaddr > limit-h.Memsz {
			return fail("segment at %#x is outside user memory (limit %#x)", h.Vaddr, limit)
		}
		if h.Memsz > 0 && h.Vaddr < PageSize {
			// Page 0 stays unmapped so that a null pointer faults
			// (Linux: vm.mmap_min_addr refuses the mapping).
			return fail("segment at %#x is outside user memory (page 0 is never mapped)", h.Vaddr)
		}
		// ELF spec, "Program Header": loadable segments have "congruent
		// values for p_vaddr and p_offset, modulo the page size".
		// Linux mmaps the file from p_offset - (p_vaddr % page); if
		// that is not page aligned, mmap fails and so does execve.
		if h.Filesz > 0 && h.Vaddr%PageSize != h.Off%PageSize {
			return fail("segment %d: address %#x and file offset %#x differ modulo the page size (%d)", i, h.Vaddr, h.Off, PageSize)
		}
		// The program break starts above the highest segment, empty
		// ones included (load_elf_binary's elf_brk).
		img.End = max(img.End, h.Vaddr+h.Memsz)
		// Linux's phdr_addr: the PT_LOAD whose file bytes contain
		// e_phoff maps the program headers (the last such wins).
		if h.Off <= eh.Phoff && eh.Phoff-h.Off < h.Filesz {
			img.Phdr = eh.Phoff - h.Off + h.Vaddr
		}
		if h.Memsz > 0 {
			loads = append(loads, load{i, h})
		}
	}
	if len(loads) == 0 {
		return fail("no loadable segments")
	}

	// The ELF spec asks for PT_LOADs in ascending p_vaddr order; Linux
	// does not check, and neither do we: sort them (stably, so that the
	// result does not depend on anything but the file).
	slices.SortStableFunc(loads, func(a, b load) int {
		switch {
		case a.hdr.Vaddr < b.hdr.Vaddr:
			return -1
		case a.hdr.Vaddr > b.hdr.Vaddr:
			return 1
		}
		return 0
	})
	// Linux lets a later mapping silently replace an earlier one. Two
	// segments claiming the same byte is a linker script bug; say so.
	for k := 1; k < len(loads); k++ {
		prev, cur := loads[k-1].hdr, loads[k].hdr
		if cur.Vaddr < prev.Vaddr+prev.Memsz {
			return fail("segment at %#x overlaps segment at %#x", cur.Vaddr, prev.Vaddr)
		}
	}

	entryOK := false
	for _, l := range loads {
		h := l.hdr
		if h.Flags&elf.PF_X != 0 && h.Vaddr <= img.Entry && img.Entry-h.Vaddr < h.Memsz {
			entryOK = true
		}
	}
	if !entryOK {
		return fail("entry point %#x is not in an executable segment", img.Entry)
	}

	// Only now, with every size checked against len(data), copy the bytes.
	img.Segments = make([]Segment, len(loads))
	for k, l := range loads {
		h := l.hdr
		seg := Segment{
			Vaddr: h.Vaddr,
			Data:  make([]byte, h.Filesz),
			Memsz: h.Memsz,
			Read:  h.Flags&elf.PF_R != 0,
			Write: h.Flags&elf.PF_W != 0,
			Exec:  h.Flags&elf.PF_X != 0,
		}
		if h.Filesz > 0 { // p_offset of an empty segment may point anywhere
			copy(seg.Data, data[h.Off:])
		}
		img.Segments[k] = seg
	}
	return img, nil
}

// parseELF runs debug/elf over data, turning a panic into an error.
//
// Why the recover: debug/elf is written for tools that read files their user
// chose, not for a kernel that must survive any file. Go releases have fixed
// panics and huge allocations in it on hostile input, and a panic here would
// take down the whole simulated machine. Load checks every field it uses
// before calling it and after; the recover is only the last line of defence.
func parseELF(data []byte) (f *elf.File, err error) {
	defer func() {
		if r := recover(); r != nil {
			f, err = nil, fmt.Errorf("debug/elf: %v", r)
		}
	}()
	return elf.NewFile(bytes.NewReader(data))
}

// machineName names an architecture the way a person would ("x86-64", not
// "EM_X86_64"), for the machines a student is likely to feed us by mistake.
func machineName(m elf.Machine) string {
	switch m {
	case elf.EM_X86_64:
		return "x86-64"
	case elf.EM_386:
		return "i386"
	case elf.EM_AARCH64:
		return "AArch64"
	case elf.EM_ARM:
		return "ARM"
	}
	// debug/elf spells the others "EM_MIPS", or "EM_ALPHA_STD+4619" for
	// a number it does not know.
	if name := m.String(); !strings.Contains(name, "+") {
		return strings.TrimPrefix(name, "EM_")
	}
	return fmt.Sprint(uint16(m))
}

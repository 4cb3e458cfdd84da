package asm

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
)

// The ELF writer ("System V ABI", chapter 4 "Object Files" and chapter 5 "Program
// Loading"; RISC-V specifics from the RISC-V ELF psABI). The file is:
//
//	ELF header, program headers          offset 0 (not loaded)
//	.text                                offset 0x1000, vaddr 0x10000
//	.rodata, .data                       each at the next page-aligned offset
//	.symtab, .strtab, .shstrtab, section headers
//
// Each loadable segment's file offset is page-aligned and its vaddr is too, so
// offset ≡ vaddr (mod 4096) as the Linux loader (and qemu-user) requires.

func (a *assembler) writeELF(entry uint64, syms []Symbol) []byte {
	type segment struct {
		sec            int
		flags          elf.ProgFlag
		vaddr, memsz   uint64
		data           []byte
		offset         uint64
		shndx          int // section header index of sec
		shType, shFlag uint32
	}
	data := &a.secs[secData]
	bss := &a.secs[secBss]
	var segs []*segment
	if a.secs[secText].size > 0 {
		segs = append(segs, &segment{sec: secText, flags: elf.PF_R | elf.PF_X, vaddr: a.base[secText],
			memsz: uint64(a.secs[secText].size), data: a.secs[secText].data})
	}
	if a.secs[secRodata].size > 0 {
		segs = append(segs, &segment{sec: secRodata, flags: elf.PF_R, vaddr: a.base[secRodata],
			memsz: uint64(a.secs[secRodata].size), data: a.secs[secRodata].data})
	}
	if data.size > 0 || bss.size > 0 {
		end := a.base[secData] + uint64(data.size)
		if bss.size > 0 {
			end = a.base[secBss] + uint64(bss.size)
		}
		segs = append(segs, &segment{sec: secData, flags: elf.PF_R | elf.PF_W, vaddr: a.base[secData],
			memsz: end - a.base[secData], data: data.data})
	}

	const ehsize, phentsize, shentsize, symsize = 64, 56, 64, 24
	off := uint64(ehsize + phentsize*len(segs))
	for _, s := range segs {
		off = alignUp(off, pageSize)
		s.offset = off
		off += uint64(len(s.data))
	}

	// Section headers: null, the non-empty sections, .symtab, .strtab, .shstrtab.
	var shstrtab bytes.Buffer
	shstrtab.WriteByte(0)
	addName := func(n string) uint32 {
		i := uint32(shstrtab.Len())
		shstrtab.WriteString(n)
		shstrtab.WriteByte(0)
		return i
	}
	shdrs := []elf.Section64{{}}
	shndx := [numSections]int{}
	for sec := 0; sec < numSections; sec++ {
		s := &a.secs[sec]
		if s.size == 0 {
			continue
		}
		h := elf.Section64{Name: addName(sectionNames[sec]), Type: uint32(elf.SHT_PROGBITS),
			Flags: uint64(elf.SHF_ALLOC), Addr: a.base[sec], Size: uint64(s.size), Addralign: uint64(s.align)}
		switch sec {
		case secText:
			h.Flags |= uint64(elf.SHF_EXECINSTR)
			h.Off = segs[0].offset
		case secRodata:
			for _, sg := range segs {
				if sg.sec == secRodata {
					h.Off = sg.offset
				}
			}
		case secData, secBss:
			h.Flags |= uint64(elf.SHF_WRITE)
			dataSeg := segs[len(segs)-1]
			h.Off = dataSeg.offset
			if sec == secBss {
				h.Type = uint32(elf.SHT_NOBITS)
				h.Off = dataSeg.offset + uint64(len(dataSeg.data))
			}
		}
		shndx[sec] = len(shdrs)
		shdrs = append(shdrs, h)
	}

	// Symbol table: locals first, then the .globl labels (ELF requires locals
	// before globals; sh_info is the index of the first global).
	var strtab bytes.Buffer
	strtab.WriteByte(0)
	var locals, globals []elf.Sym64
	for _, s := range syms {
		sym := a.syms[s.Name]
		e := elf.Sym64{Name: uint32(strtab.Len()), Shndx: uint16(shndx[sym.sec]), Value: s.Addr}
		if e.Shndx == 0 { // a label in an empty section, which has no header
			e.Shndx = uint16(elf.SHN_ABS)
		}
		strtab.WriteString(s.Name)
		strtab.WriteByte(0)
		if a.globals[s.Name] {
			e.Info = elf.ST_INFO(elf.STB_GLOBAL, elf.STT_NOTYPE)
			globals = append(globals, e)
		} else {
			e.Info = elf.ST_INFO(elf.STB_LOCAL, elf.STT_NOTYPE)
			locals = append(locals, e)
		}
	}
	symtab := append([]elf.Sym64{{}}, locals...)
	firstGlobal := len(symtab)
	symtab = append(symtab, globals...)

	off = alignUp(off, 8)
	symtabOff := off
	off += uint64(symsize * len(symtab))
	strtabOff := off
	off += uint64(strtab.Len())
	symtabIdx := len(shdrs)
	shdrs = append(shdrs, elf.Section64{Name: addName(".symtab"), Type: uint32(elf.SHT_SYMTAB), Off: symtabOff,
		Size: uint64(symsize * len(symtab)), Link: uint32(symtabIdx + 1), Info: uint32(firstGlobal), Addralign: 8, Entsize: symsize})
	shdrs = append(shdrs, elf.Section64{Name: addName(".strtab"), Type: uint32(elf.SHT_STRTAB), Off: strtabOff,
		Size: uint64(strtab.Len()), Addralign: 1})
	shstrName := addName(".shstrtab")
	shstrOff := off
	off += uint64(shstrtab.Len())
	shdrs = append(shdrs, elf.Section64{Name: shstrName, Type: uint32(elf.SHT_STRTAB), Off: shstrOff,
		Size: uint64(shstrtab.Len()), Addralign: 1})
	off = alignUp(off, 8)
	shoff := off

	var out bytes.Buffer
	w := func(v any) { _ = binary.Write(&out, binary.LittleEndian, v) }
	pad := func(to uint64) { out.Write(make([]byte, to-uint64(out.Len()))) }
	flags := uint32(0) // soft-float ABI
	if a.rvcUsed {
		flags |= 0x1 // EF_RISCV_RVC: the program may hold compressed instructions (psABI, "e_flags")
	}
	hdr := elf.Header64{
		Type: uint16(elf.ET_EXEC), Machine: uint16(elf.EM_RISCV), Version: uint32(elf.EV_CURRENT),
		Entry: entry, Phoff: ehsize, Shoff: shoff, Flags: flags,
		Ehsize: ehsize, Phentsize: phentsize, Phnum: uint16(len(segs)),
		Shentsize: shentsize, Shnum: uint16(len(shdrs)), Shstrndx: uint16(len(shdrs) - 1),
	}
	copy(hdr.Ident[:], elf.ELFMAG)
	hdr.Ident[elf.EI_CLASS] = byte(elf.ELFCLASS64)
	hdr.Ident[elf.EI_DATA] = byte(elf.ELFDATA2LSB)
	hdr.Ident[elf.EI_VERSION] = byte(elf.EV_CURRENT)
	hdr.Ident[elf.EI_OSABI] = byte(elf.ELFOSABI_NONE)
	w(hdr)
	for _, s := range segs {
		w(elf.Prog64{Type: uint32(elf.PT_LOAD), Flags: uint32(s.flags), Off: s.offset, Vaddr: s.vaddr,
			Paddr: s.vaddr, Filesz: uint64(len(s.data)), Memsz: s.memsz, Align: pageSize})
	}
	for _, s := range segs {
		pad(s.offset)
		out.Write(s.data)
	}
	pad(symtabOff)
	for _, s := range symtab {
		w(s)
	}
	out.Write(strtab.Bytes())
	out.Write(shstrtab.Bytes())
	pad(shoff)
	for _, h := range shdrs {
		w(h)
	}
	return out.Bytes()
}

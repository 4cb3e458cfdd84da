package asm

import (
	"bytes"
	"debug/elf"
)

type loadedSection struct {
	name       string
	addr, size uint64
	data       []byte // nil for .bss
}

// elfSections reads back the allocated sections of an ELF file with debug/elf,
// the standard library's independent reader.
func elfSections(b []byte) ([]loadedSection, error) {
	f, err := elf.NewFile(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	var out []loadedSection
	for _, s := range f.Sections {
		if s.Flags&elf.SHF_ALLOC == 0 {
			continue
		}
		ls := loadedSection{name: s.Name, addr: s.Addr, size: s.Size}
		if s.Type != elf.SHT_NOBITS {
			if ls.data, err = s.Data(); err != nil {
				return nil, err
			}
		}
		out = append(out, ls)
	}
	return out, nil
}

package sim

import (
	"bytes"
	"errors"
	"path"
	"strings"
	"sync"

	"ipcsim/abi"
	"ipcsim/kernel/loader"
	"ipcsim/sim/asm"
)

// userLimit is the first address above user memory (the top of the Sv39
// user half); an ELF whose segments reach past it cannot be loaded.
const userLimit = 1 << 38

// predefined is the assembler's table of predefined symbols (SYS_write,
// EAGAIN, SIGCHLD, ...), built once.
var predefined = sync.OnceValue(func() map[string]int64 {
	m := map[string]int64{}
	for _, s := range abi.Symbols() {
		m[s.Name] = s.Value
	}
	return m
})

// program returns the program that the word w names (a spawn or install
// argument), reading and assembling it the first time. It returns nil after
// recording an error.
//
// A name is looked up first among the archive's files, then on disk relative
// to the scenario. FILE.s is assembled; FILE.c, a file of the archive, is
// the binary built from it (cprogram.go); anything else must be a static
// RV64 ELF. Either way it is installed as /bin/BASE, BASE being the last
// element of the name without ".s" or ".c".
func (h *header) program(w word) *Program {
	pos := h.at(w.col)
	source := w.val
	for _, p := range h.s.Programs {
		if p.Source == source {
			return p
		}
	}
	name := path.Base(source)
	for _, ext := range []string{".s", ".c"} {
		if strings.HasSuffix(name, ext) {
			name = strings.TrimSuffix(name, ext)
			break
		}
	}
	if source == "" || name == "" || name == "." || name == ".." || name == "/" {
		h.errs.Add(pos, "expected a program file name, found %s", w.text)
		return nil
	}
	if isWant(source) {
		h.errs.Add(pos, "%s is an expected result, not a program", source)
		return nil
	}
	if other, dup := h.programs[name]; dup {
		h.errs.Add(pos, "%s would be installed as /bin/%s, which %s (line %d) already is", source, name, other.Source, other.Pos.Line)
		return nil
	}

	if strings.HasSuffix(source, ".c") {
		// Built once the whole header is read (cprogram.go): the cc line
		// may come after the spawn.
		i, ok := h.files[source]
		if !ok {
			h.errs.Add(pos, "cannot build %s: a C program is a section of the scenario (-- %s --), and there is none", source, source)
			return nil
		}
		p := &Program{Name: name, Source: source, Pos: pos}
		h.programs[name] = p
		h.s.Programs = append(h.s.Programs, p)
		h.cprogs = append(h.cprogs, cprog{p: p, section: i})
		return p
	}
	var elf []byte
	if i, ok := h.files[source]; ok {
		sec := h.s.sections[i]
		data := h.s.data[sec.start:sec.end]
		if strings.HasSuffix(source, ".s") {
			lastLine := bytes.Count(h.s.data, []byte("\n")) + 1
			elf = h.assemble(source, data, pos, func(p asm.Pos) Pos {
				// The file's first line is the line after its marker. An
				// empty file at the end of the scenario has no first line:
				// its errors go on the scenario's last line.
				return Pos{Filename: h.s.Path, Line: min(sec.markerLine+p.Line, lastLine), Col: p.Col}
			})
		} else {
			elf = h.checkELF(source, data, pos)
		}
	} else {
		file, data, err := h.readDisk(source)
		switch {
		case err != nil:
			h.errs.Add(pos, "cannot read program %s: not a file of the archive, and on disk: %v", source, unwrapPath(err))
		case strings.HasSuffix(source, ".s"):
			elf = h.assemble(file, data, pos, func(p asm.Pos) Pos {
				return Pos{Filename: p.Filename, Line: p.Line, Col: p.Col}
			})
		default:
			elf = h.checkELF(source, data, pos)
		}
	}
	if elf == nil {
		return nil
	}
	p := &Program{Name: name, Source: source, ELF: elf, Pos: pos}
	h.programs[name] = p
	h.s.Programs = append(h.s.Programs, p)
	return p
}

// fileData reads the file an install ... at line names: FILE.s assembled
// (isProg), anything else as it is (isProg if it starts as an ELF does). It
// returns ok false after recording an error.
func (h *header) fileData(w word) (data []byte, isProg, ok bool) {
	pos := h.at(w.col)
	source := w.val
	if source == "" || isWant(source) {
		h.errs.Add(pos, "expected a program or data file, found %s", w.text)
		return nil, false, false
	}
	if strings.HasSuffix(source, ".s") {
		for _, p := range h.s.Programs {
			if p.Source == source {
				return p.ELF, true, true
			}
		}
	}
	var file string
	if i, found := h.files[source]; found {
		sec := h.s.sections[i]
		data = h.s.data[sec.start:sec.end]
		if strings.HasSuffix(source, ".s") {
			lastLine := bytes.Count(h.s.data, []byte("\n")) + 1
			data = h.assemble(source, data, pos, func(p asm.Pos) Pos {
				return Pos{Filename: h.s.Path, Line: min(sec.markerLine+p.Line, lastLine), Col: p.Col}
			})
			return data, true, data != nil
		}
	} else {
		var err error
		file, data, err = h.readDisk(source)
		if err != nil {
			h.errs.Add(pos, "cannot read %s: not a file of the archive, and on disk: %v", source, unwrapPath(err))
			return nil, false, false
		}
		if strings.HasSuffix(source, ".s") {
			data = h.assemble(file, data, pos, func(p asm.Pos) Pos {
				return Pos{Filename: p.Filename, Line: p.Line, Col: p.Col}
			})
			return data, true, data != nil
		}
	}
	return data, bytes.HasPrefix(data, []byte("\x7fELF")), true
}

// assemble assembles src; errors are moved to the scenario by where.
func (h *header) assemble(filename string, src []byte, pos Pos, where func(asm.Pos) Pos) []byte {
	prog, err := asm.Assemble(filename, src, asm.Options{Predefined: predefined()})
	if err != nil {
		var list asm.ErrorList
		if errors.As(err, &list) && len(list) > 0 {
			for _, e := range list {
				h.errs.Add(where(e.Pos), "%s", e.Msg)
			}
		} else {
			h.errs.Add(pos, "cannot assemble %s: %v", filename, err)
		}
		return nil
	}
	return prog.ELF
}

// checkELF checks that data is a static RV64 executable the kernel can load,
// so that a bad file is reported at the line that names it.
func (h *header) checkELF(name string, data []byte, pos Pos) []byte {
	if _, err := loader.Load(name, data, userLimit); err != nil {
		h.errs.Add(pos, "cannot run %v", err)
		return nil
	}
	return data
}

// unwrapPath drops the "stat PATH:" of an *fs.PathError whose path the
// message repeats anyway, keeping "PATH: no such file or directory".
func unwrapPath(err error) string {
	var pe interface{ Unwrap() error }
	if errors.As(err, &pe) {
		if s := err.Error(); strings.HasPrefix(s, "stat ") {
			return strings.TrimPrefix(s, "stat ")
		}
	}
	return err.Error()
}

package sim

import (
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"

	"ipcsim/sim/cc"
)

// A C program of a scenario is a `-- NAME.c --` section that a spawn or
// install line names. Its binary is built by the cross compiler (package
// cc) and kept beside the scenario, with a stamp saying what it was built
// from:
//
//	testdata/scenarios/hello_c.txtar
//	testdata/scenarios/build/hello_c/hello          the static RV64GC ELF
//	testdata/scenarios/build/hello_c/hello.stamp    sha256 of source, flags, runtime
//
// Loading a scenario never compiles: it reads the kept binary and checks
// its stamp, so a run needs no compiler and is the same on every machine.
// A binary that is missing, or whose stamp says it was built from other
// inputs, is an error naming the section and saying how to rebuild it;
// LoadOptions.Rebuild (ipcsim test --update, go test -update) builds it
// instead, and maps the compiler's diagnostics onto the scenario's lines.
//
// The header's cc line says what the programs are built against:
//
//	cc glibc        the default: an ordinary static program, riscv64-linux-gnu-gcc -static
//	cc rt DIR       no C library: DIR's start.S, link.ld and headers (#include "rt.h"),
//	                DIR relative to the scenario, as ../linux/rt
//
// Headers in sections of the archive (`-- common.h --`) are on the include
// path of every C program of the scenario.

// ccLine is the header's cc line.
type ccLine struct {
	line       int    // its line, or 0 if the header has none
	col        int    // the column of DIR
	runtimeDir string // cc rt DIR: DIR as written; "" for glibc
}

// cprog is a C program waiting to be built: its Program (ELF still nil)
// and the index of its section.
type cprog struct {
	p       *Program
	section int
}

// BuildDir returns the directory that holds the built C programs of the
// scenario file at scenario: build/NAME beside it, NAME being the file's
// name without .txtar.
func BuildDir(scenario string) string {
	return filepath.Join(filepath.Dir(scenario), "build", strings.TrimSuffix(filepath.Base(scenario), ".txtar"))
}

// ccDirective parses "cc glibc" and "cc rt DIR".
func (h *header) ccDirective(words []word, end int) {
	if h.cc.line != 0 {
		h.errs.Add(h.at(1), "duplicate cc line (first at line %d)", h.cc.line)
		return
	}
	if len(words) == 0 {
		h.errs.Add(h.at(end), "expected glibc or rt DIR after cc, found end of line")
		return
	}
	switch w := words[0]; {
	case w.val == "glibc" && !w.quoted:
		if len(words) > 1 {
			h.errs.Add(h.at(words[1].col), "expected end of line after cc glibc, found %s", words[1].text)
			return
		}
		h.cc = ccLine{line: h.line}
	case w.val == "rt" && !w.quoted:
		if len(words) < 2 {
			h.errs.Add(h.at(end), "expected the runtime's directory after cc rt (such as ../linux/rt), found end of line")
			return
		}
		if len(words) > 2 {
			h.errs.Add(h.at(words[2].col), "expected end of line after cc rt %s, found %s", words[1].text, words[2].text)
			return
		}
		h.cc = ccLine{line: h.line, col: words[1].col, runtimeDir: words[1].val}
	default:
		h.errs.Add(h.at(w.col), "expected glibc or rt DIR after cc, found %s", w.text)
	}
}

// buildCPrograms gives each C program its binary: the kept one if its
// stamp matches, else (with Rebuild) a new one.
func (h *header) buildCPrograms() {
	if len(h.cprogs) == 0 {
		return
	}
	common, ok := h.cInputs()
	if !ok {
		return
	}
	for _, c := range h.cprogs {
		sec := h.s.sections[c.section]
		in := common
		in.Name = path.Base(c.p.Source)
		in.Source = h.s.data[sec.start:sec.end]
		if len(in.Source) > cc.MaxSourceBytes {
			h.errs.Add(h.sectionPos(c.section), "%s is larger than %d bytes", c.p.Source, cc.MaxSourceBytes)
			continue
		}
		c.p.ELF = h.cBinary(c, &in)
	}
}

// cInputs reads what every C program of the scenario is built with: the
// archive's headers and the runtime directory of the cc line.
func (h *header) cInputs() (cc.Inputs, bool) {
	var in cc.Inputs
	ok := true
	for i, sec := range h.s.sections {
		if !strings.HasSuffix(sec.name, ".h") || isWant(sec.name) {
			continue
		}
		clean := path.Clean(sec.name)
		if clean != sec.name || path.IsAbs(clean) || strings.HasPrefix(clean, "../") || strings.HasPrefix(clean, "RT/") {
			h.errs.Add(h.sectionPos(i), "bad header name %s: expected a relative path such as common.h or include/common.h, without .. or RT/", sec.name)
			ok = false
			continue
		}
		if sec.end-sec.start > cc.MaxSourceBytes {
			h.errs.Add(h.sectionPos(i), "%s is larger than %d bytes", sec.name, cc.MaxSourceBytes)
			ok = false
			continue
		}
		in.Headers = append(in.Headers, cc.File{Name: sec.name, Data: h.s.data[sec.start:sec.end]})
	}
	if dir := h.cc.runtimeDir; dir != "" {
		files, err := cc.ReadRuntime(h.runtimePath())
		if err != nil {
			h.errs.Add(Pos{Filename: h.s.Path, Line: h.cc.line, Col: h.cc.col}, "cannot read the runtime %s: %v", dir, unwrapPath(err))
			return in, false
		}
		in.RuntimeDir, in.Runtime = dir, files
	}
	return in, ok
}

// runtimePath is the cc line's DIR on disk.
func (h *header) runtimePath() string {
	p := filepath.FromSlash(h.cc.runtimeDir)
	if !filepath.IsAbs(p) {
		p = filepath.Join(filepath.Dir(h.s.Path), p)
	}
	return p
}

// sectionPos is the position of section i's marker line.
func (h *header) sectionPos(i int) Pos {
	return Pos{Filename: h.s.Path, Line: h.s.sections[i].markerLine, Col: 1}
}

// cBinary returns the checked binary of c: the kept one if it is fresh,
// else, with Rebuild, a new one (kept for the next load). It returns nil
// after recording an error.
func (h *header) cBinary(c cprog, in *cc.Inputs) []byte {
	pos := h.sectionPos(c.section)
	dir := BuildDir(h.s.Path)
	elfPath := filepath.Join(dir, c.p.Name)
	stampPath := elfPath + ".stamp"
	shown := filepath.ToSlash(filepath.Join("build", filepath.Base(dir), c.p.Name)) // as the scenario's directory sees it
	hashes := in.Hash()
	compiler := h.opts.Compiler
	if compiler == "" {
		compiler = cc.Compiler()
	}
	howTo := fmt.Sprintf("run ipcsim test --update %s with %s installed", h.s.Path, compiler)

	stale := ""
	elf, stamp, err := readBuilt(elfPath, stampPath)
	switch {
	case errors.Is(err, os.ErrNotExist):
		stale = fmt.Sprintf("%s has no built binary (%s is missing)", c.p.Source, shown)
	case err != nil:
		stale = fmt.Sprintf("cannot read the binary of %s: %v", c.p.Source, err)
	default:
		if why := stamp.Stale(hashes, c.p.Source, in.RuntimeDir); why != "" {
			stale = why
		} else if got := cc.Sum(elf); got != stamp.ELF {
			stale = fmt.Sprintf("%s is not the binary its stamp records (sha256 %.12s, stamp %.12s): it was changed after the build", shown, got, stamp.ELF)
		}
	}
	if stale == "" {
		return h.checkELF(shown, elf, pos)
	}
	if !h.opts.Rebuild {
		h.errs.Add(pos, "%s; %s", stale, howTo)
		return nil
	}

	elf, version, err := cc.Build(compiler, in)
	if err != nil {
		var be *cc.BuildError
		if errors.As(err, &be) {
			h.buildErrors(c, be)
		} else {
			h.errs.Add(pos, "cannot build %s: %v", c.p.Source, err)
		}
		return nil
	}
	st := cc.Stamp{Hashes: hashes, ELF: cc.Sum(elf), Compiler: version}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		h.errs.Add(pos, "cannot keep the binary of %s: %v", c.p.Source, err)
		return nil
	}
	if err := os.WriteFile(elfPath, elf, 0o755); err != nil {
		h.errs.Add(pos, "cannot keep the binary of %s: %v", c.p.Source, err)
		return nil
	}
	if err := os.WriteFile(stampPath, st.Format(c.p.Name), 0o644); err != nil {
		h.errs.Add(pos, "cannot keep the stamp of %s: %v", c.p.Source, err)
		return nil
	}
	return h.checkELF(shown, elf, pos)
}

// readBuilt reads a kept binary and its stamp. A missing file of the two
// is an error wrapping os.ErrNotExist.
func readBuilt(elfPath, stampPath string) ([]byte, *cc.Stamp, error) {
	data, err := os.ReadFile(stampPath)
	if err != nil {
		return nil, nil, err
	}
	stamp, err := cc.ParseStamp(data)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %v", stampPath, err)
	}
	fi, err := os.Stat(elfPath)
	if err != nil {
		return nil, nil, err
	}
	if !fi.Mode().IsRegular() || fi.Size() > maxProgramBytes {
		return nil, nil, fmt.Errorf("%s is not a regular file of at most %d bytes", elfPath, maxProgramBytes)
	}
	elf, err := os.ReadFile(elfPath)
	return elf, stamp, err
}

// buildErrors records the compiler's diagnostics at the scenario's lines:
// a line of hello.c is the line of the scenario that holds it, a line of
// a header section likewise, a line of a runtime file is in that file on
// disk, a line of a system header in that header. What the compiler says
// without a line (the linker) goes on the source's marker line.
func (h *header) buildErrors(c cprog, be *cc.BuildError) {
	pos := h.sectionPos(c.section)
	before := len(*h.errs)
	for _, d := range be.Diags {
		section := -1
		switch {
		case d.File == path.Base(c.p.Source):
			section = c.section
		case strings.HasSuffix(d.File, ".h"):
			if i, ok := h.files[d.File]; ok {
				section = i
			}
		}
		rest, inRuntime := strings.CutPrefix(d.File, "RT/")
		at, prefix := pos, ""
		switch {
		case section >= 0 && d.Line > 0:
			at = Pos{Filename: h.s.Path, Line: h.s.sections[section].markerLine + d.Line, Col: max(d.Col, 1)}
		case section >= 0:
			at = h.sectionPos(section)
		case inRuntime && d.Line > 0:
			at = Pos{Filename: filepath.Join(h.runtimePath(), rest), Line: d.Line, Col: max(d.Col, 1)}
		case d.File != "" && d.Line > 0:
			at = Pos{Filename: d.File, Line: d.Line, Col: max(d.Col, 1)}
		case d.File != "":
			prefix = d.File + ": "
		}
		h.errs.Add(at, "%s%s", prefix, d.Msg)
	}
	if len(*h.errs) == before {
		h.errs.Add(pos, "cannot build %s: %s failed (%s) and said nothing", c.p.Source, be.Compiler, be.Status)
	}
}

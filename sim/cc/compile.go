package cc

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// MaxELFBytes is the largest binary a build may produce.
const MaxELFBytes = 64 << 20

// buildTimeout bounds one run of the compiler.
const buildTimeout = 5 * time.Minute

// maxDiagBytes is how much of the compiler's output a failed build keeps.
const maxDiagBytes = 64 << 10

// runtimeSub is the directory of the build that holds the runtime's files,
// the RT of RuntimeFlags.
const runtimeSub = "RT"

// Diag is one line of the compiler's diagnostics. File is a file of the
// build as the compiler names it: the source ("hello.c"), a header of the
// archive ("common.h"), or a runtime file ("RT/rt.h"). Line and Col are 0
// when the compiler gave none (the linker's "undefined reference"); File
// is "" when it did not name a file either.
type Diag struct {
	File      string
	Line, Col int
	Msg       string // "error: 'x' undeclared (first use in this function)"
}

// BuildError is a build that failed: the compiler's diagnostics, read.
type BuildError struct {
	Compiler string
	Status   string // "exit status 1"
	Diags    []Diag
}

func (e *BuildError) Error() string {
	return fmt.Sprintf("%s failed (%s) with %d diagnostics", e.Compiler, e.Status, len(e.Diags))
}

// ErrNoCompiler is returned by Build when the compiler is not installed.
var ErrNoCompiler = errors.New("not found: install Debian's gcc-riscv64-linux-gnu, or name a compiler in " + CompilerEnv)

// Build compiles in with compiler (a command name or a path) in a new
// temporary directory and returns the binary and the compiler's version
// line. The build sees only its inputs: the source and headers under
// their names, the runtime under RT/. A failed compilation is a
// *BuildError; a missing compiler wraps ErrNoCompiler.
func Build(compiler string, in *Inputs) (elf []byte, version string, err error) {
	path, err := exec.LookPath(compiler)
	if err != nil {
		return nil, "", fmt.Errorf("%s %w", compiler, ErrNoCompiler)
	}
	ctx, cancel := context.WithTimeout(context.Background(), buildTimeout)
	defer cancel()
	out, err := exec.CommandContext(ctx, path, "--version").Output()
	if err != nil {
		return nil, "", fmt.Errorf("%s --version: %v", compiler, err)
	}
	version, _, _ = strings.Cut(string(out), "\n")

	dir, err := os.MkdirTemp("", "ipcsim-cc-")
	if err != nil {
		return nil, "", err
	}
	defer os.RemoveAll(dir)
	files := append([]File{{Name: in.Name, Data: in.Source}}, in.Headers...)
	for _, f := range in.Runtime {
		files = append(files, File{Name: runtimeSub + "/" + f.Name, Data: f.Data})
	}
	for _, f := range files {
		p := filepath.Join(dir, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return nil, "", err
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			return nil, "", err
		}
	}
	// Plain diagnostics: no colour, no source excerpt, no URLs; one line
	// each, its column in bytes as the scenario's positions count them (a
	// tab is one column, not up to eight). They do not change the binary,
	// so they are not among Flags.
	args := append([]string{"-fdiagnostics-plain-output", "-fdiagnostics-column-unit=byte", "-o", "a.out"}, in.Flags()...)
	args = append(args, in.Name)
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Dir = dir
	var diag limitedBuffer
	cmd.Stdout, cmd.Stderr = &diag, &diag
	cmd.Env = append(os.Environ(), "LC_ALL=C") // ASCII quotes in messages
	if err := cmd.Run(); err != nil {
		status := err.Error()
		if ctx.Err() != nil {
			status = "stopped after " + buildTimeout.String()
		}
		return nil, version, &BuildError{Compiler: compiler, Status: status, Diags: parseDiags(diag.String(), dir)}
	}
	bin := filepath.Join(dir, "a.out")
	fi, err := os.Stat(bin)
	if err != nil {
		return nil, version, err
	}
	if fi.Size() > MaxELFBytes {
		return nil, version, fmt.Errorf("the binary of %s is %d bytes, more than %d", in.Name, fi.Size(), MaxELFBytes)
	}
	elf, err = os.ReadFile(bin)
	return elf, version, err
}

// limitedBuffer keeps the first maxDiagBytes written to it.
type limitedBuffer struct{ bytes.Buffer }

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if room := maxDiagBytes - b.Len(); room > 0 {
		b.Buffer.Write(p[:min(room, len(p))])
	}
	return len(p), nil
}

var (
	// hello.c:3:5: error: ...
	diagPos = regexp.MustCompile(`^([^:\s][^:]*):([0-9]+):([0-9]+): (.*)$`)
	// hello.c:(.text.startup+0xc): undefined reference to `prnt'
	diagSection = regexp.MustCompile(`^([^:\s][^:]*):\(([^)]*)\): (.*)$`)
	// /usr/lib/gcc-cross/.../bin/ld: ... (the linker, named by its path)
	diagLinker = regexp.MustCompile(`^\S*/ld: `)
)

// parseDiags reads the compiler's output line by line. Lines that only
// give context to the next ("hello.c: In function 'main':", "In file
// included from hello.c:1:", the linker's "in function `main':") are
// dropped: each diagnostic line carries its own position.
func parseDiags(out, dir string) []Diag {
	var ds []Diag
	for _, ln := range strings.Split(out, "\n") {
		ln = strings.TrimRight(strings.ReplaceAll(ln, dir+string(filepath.Separator), ""), " \r")
		trimmed := strings.TrimSpace(ln)
		switch {
		case trimmed == "",
			strings.Contains(ln, ": In function "),
			strings.Contains(ln, ": At top level:"),
			strings.HasPrefix(ln, "In file included from "),
			strings.HasPrefix(trimmed, "from "),
			strings.HasSuffix(ln, "':"),
			trimmed == "compilation terminated.":
			continue
		}
		if m := diagPos.FindStringSubmatch(ln); m != nil {
			line, _ := strconv.Atoi(m[2])
			col, _ := strconv.Atoi(m[3])
			ds = append(ds, Diag{File: m[1], Line: line, Col: col, Msg: m[4]})
			continue
		}
		ln = diagLinker.ReplaceAllString(ln, "ld: ")
		if m := diagSection.FindStringSubmatch(ln); m != nil {
			ds = append(ds, Diag{File: m[1], Msg: m[3]})
			continue
		}
		ds = append(ds, Diag{Msg: ln})
	}
	return ds
}

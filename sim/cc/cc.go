// Package cc builds the C programs of scenarios: a `-- prog.c --` section
// is compiled by the RISC-V cross compiler (riscv64-linux-gnu-gcc) into a
// static RV64GC ELF, and the ELF is kept in testdata beside a stamp that
// records what it was built from. Building is never part of a run: a run
// reads the kept ELF, so `go test` and `ipcsim run` need no cross compiler,
// and a run is byte-identical on every machine whatever compiler it has.
//
// What decides whether a kept ELF is fresh is its Inputs: the source, the
// other headers of the archive it may include, the compiler flags, and the
// files of the runtime (start.S, link.ld, rt.h for `cc rt DIR`). The
// compiler's version is not an input: a binary must be checkable on a
// machine without the compiler, where the version cannot be asked, and a
// newer gcc building the same source is not a reason to fail a test. The
// stamp records the version for information (stamp.go), and
// `ipcsim test --update` rebuilds only what is stale or missing, so a
// committed binary changes only when its inputs do.
//
// The files: cc.go (Inputs, the flags, the hashes), stamp.go (the stamp
// beside each ELF), compile.go (running the compiler and reading its
// diagnostics).
package cc

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// DefaultCompiler is the cross compiler run when IPCSIM_CC is not set:
// Debian's gcc-riscv64-linux-gnu, the one most people have.
const DefaultCompiler = "riscv64-linux-gnu-gcc"

// CompilerEnv names the environment variable that replaces
// DefaultCompiler: a path or a command name.
const CompilerEnv = "IPCSIM_CC"

// Compiler returns the cross compiler to run: $IPCSIM_CC, or
// DefaultCompiler.
func Compiler() string {
	if c := os.Getenv(CompilerEnv); c != "" {
		return c
	}
	return DefaultCompiler
}

// MaxSourceBytes is the largest C source or header a scenario may hold, and
// MaxRuntimeBytes the most that the files of a runtime directory may hold
// together: both are hashed in memory on every load.
const (
	MaxSourceBytes  = 1 << 20
	MaxRuntimeBytes = 4 << 20
	maxRuntimeFiles = 64
)

// GlibcFlags are the flags of an ordinary C program: static, against
// glibc, for the RV64GC hart with the double-float ABI (the compiler's
// defaults, written out so that the stamp says them). -s drops the symbol
// table, which would name the compiler's temporary files and make two
// builds of the same source differ.
var GlibcFlags = []string{"-static", "-O2", "-march=rv64gc", "-mabi=lp64d", "-s"}

// RuntimeFlags are the flags of a program built against a runtime
// directory (`cc rt DIR`): no C library, the directory's start.S as the
// entry point, its link.ld as the layout, and its headers on the include
// path (`#include "rt.h"`). These are the flags of the conformance
// programs of testdata/linux (scripts/linux-oracle.sh), for RV64GC. RT
// stands for the runtime directory: its contents are an input, its path
// is not.
var RuntimeFlags = []string{
	"-static", "-nostdlib", "-no-pie", "-O2", "-march=rv64gc", "-mabi=lp64d",
	"-mcmodel=medany", "-ffreestanding", "-fno-builtin",
	"-fno-tree-loop-distribute-patterns", "-fno-stack-protector", "-fno-pic",
	"-Wl,--no-relax", "-Wl,--build-id=none", "-s",
	"-I", "RT", "RT/start.S", "-Wl,-T,RT/link.ld",
}

// File is a named file's contents.
type File struct {
	Name string
	Data []byte
}

// Inputs is everything a C program's binary is built from.
type Inputs struct {
	Name    string // the source's file name: hello.c
	Source  []byte
	Headers []File // the archive's *.h sections, which the source may include
	// RuntimeDir is the runtime directory as the scenario names it
	// (`cc rt ../linux/rt`), or "" for glibc; Runtime holds its files,
	// sorted by name.
	RuntimeDir string
	Runtime    []File
}

// Flags returns the compiler flags of the build, as the stamp records
// them.
func (in *Inputs) Flags() []string {
	if in.RuntimeDir == "" {
		return GlibcFlags
	}
	return RuntimeFlags
}

// Hashes are the SHA-256 sums of the inputs of a build, in hex; two builds
// with the same Hashes are built from the same bytes.
type Hashes struct {
	Source  string // the C source
	Headers string // the archive's headers, names and contents ("" if none)
	Runtime string // the runtime directory's files ("" for glibc)
	Flags   string // the flags, as Flags gives them
}

// Hash returns the hashes of the inputs.
func (in *Inputs) Hash() Hashes {
	h := Hashes{Source: sum(in.Source), Flags: strings.Join(in.Flags(), " ")}
	if len(in.Headers) > 0 {
		h.Headers = sumFiles(in.Headers)
	}
	if in.RuntimeDir != "" {
		h.Runtime = sumFiles(in.Runtime)
	}
	return h
}

// Sum returns the SHA-256 of data in hex, as a stamp writes it.
func Sum(data []byte) string { return sum(data) }

func sum(data []byte) string {
	s := sha256.Sum256(data)
	return hex.EncodeToString(s[:])
}

// sumFiles hashes names and contents, each preceded by its length, so
// that no two different lists of files hash alike.
func sumFiles(files []File) string {
	d := sha256.New()
	var n [8]byte
	for _, f := range files {
		for _, b := range [][]byte{[]byte(f.Name), f.Data} {
			binary.LittleEndian.PutUint64(n[:], uint64(len(b)))
			d.Write(n[:])
			d.Write(b)
		}
	}
	return hex.EncodeToString(d.Sum(nil))
}

// ReadRuntime reads the regular files directly in dir (a runtime directory
// holds start.S, link.ld and its headers), sorted by name. It refuses more
// than 64 files or MaxRuntimeBytes in all.
func ReadRuntime(dir string) ([]File, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var files []File
	total := int64(0)
	for _, e := range ents {
		if !e.Type().IsRegular() {
			continue
		}
		fi, err := e.Info()
		if err != nil {
			return nil, err
		}
		if total += fi.Size(); total > MaxRuntimeBytes || len(files) == maxRuntimeFiles {
			return nil, fmt.Errorf("%s holds more than %d files or %d bytes: a runtime directory holds start.S, link.ld and a few headers", dir, maxRuntimeFiles, MaxRuntimeBytes)
		}
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		files = append(files, File{Name: e.Name(), Data: data})
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Name < files[j].Name })
	for _, need := range []string{"start.S", "link.ld"} {
		if !hasFile(files, need) {
			return nil, fmt.Errorf("%s has no %s: a runtime directory holds start.S (the entry point) and link.ld (the layout)", dir, need)
		}
	}
	return files, nil
}

func hasFile(files []File, name string) bool {
	for _, f := range files {
		if f.Name == name {
			return true
		}
	}
	return false
}

package sim

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"ipcsim/sim/cc"
)

const cScenario = "../testdata/scenarios/hello_c.txtar"

// cWorkspace copies hello_c.txtar, its kept binary and the runtime it
// names into a temporary directory laid out as testdata, and returns the
// scenario's path there.
func cWorkspace(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	copyFile := func(from, to string) {
		data, err := os.ReadFile(from)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(to, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{"start.S", "link.ld", "rt.h"} {
		copyFile(filepath.Join("../testdata/linux/rt", f), filepath.Join(dir, "linux/rt", f))
	}
	file := filepath.Join(dir, "scenarios/hello_c.txtar")
	copyFile(cScenario, file)
	for _, f := range []string{"hello", "hello.stamp"} {
		copyFile(filepath.Join(BuildDir(cScenario), f), filepath.Join(BuildDir(file), f))
	}
	return file
}

// replaceIn replaces old by new in the file, which must hold it.
func replaceIn(t *testing.T, file, old, new string) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), old) {
		t.Fatalf("%s does not hold %q", file, old)
	}
	if err := os.WriteFile(file, []byte(strings.Replace(string(data), old, new, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
}

// noCompiler is a compiler that is not installed.
func noCompiler(t *testing.T) string { return filepath.Join(t.TempDir(), "riscv64-linux-gnu-gcc") }

// needCompiler skips a test that runs the cross compiler where it is not
// installed: go test needs none.
func needCompiler(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath(cc.Compiler()); err != nil {
		t.Skipf("%s not installed", cc.Compiler())
	}
}

// TestCFreshWithoutCompiler: a kept binary whose stamp matches runs, and
// Rebuild does not run a compiler for it.
func TestCFreshWithoutCompiler(t *testing.T) {
	file := cWorkspace(t)
	for _, opts := range []LoadOptions{{}, {Rebuild: true, Compiler: noCompiler(t)}} {
		s, err := LoadWith(file, opts)
		if err != nil {
			t.Fatalf("%+v: %v", opts, err)
		}
		o, err := s.Run(Options{})
		if err != nil {
			t.Fatal(err)
		}
		if ms := s.Check(o); len(ms) != 0 {
			t.Errorf("%+v: %v", opts, ms)
		}
	}
}

// TestCStale: each way a binary goes stale is an error at the section,
// saying why and how to rebuild; without the compiler, Rebuild says it is
// missing.
func TestCStale(t *testing.T) {
	tests := []struct {
		name string
		edit func(t *testing.T, file string)
		want string
	}{
		{"source", func(t *testing.T, file string) {
			replaceIn(t, file, `print("hello, world\n");`, `print("hello, world!\n");`)
		}, "FILE:22:1: hello.c changed since its binary was built (sha256 "},
		{"runtime", func(t *testing.T, file string) {
			replaceIn(t, filepath.Join(filepath.Dir(file), "../linux/rt/rt.h"), "#define RT_H", "#define RT_H\n/* more */")
		}, "FILE:22:1: the runtime ../linux/rt changed since hello.c's binary was built; run ipcsim test --update FILE with"},
		{"glibc", func(t *testing.T, file string) {
			replaceIn(t, file, "\ncc rt ../linux/rt\n", "\ncc glibc\n")
		}, "FILE:22:1: hello.c's binary was built against a runtime directory, and the scenario now asks for glibc; run"},
		{"binary", func(t *testing.T, file string) {
			replaceIn(t, filepath.Join(BuildDir(file), "hello"), "hello, world", "HELLO, WORLD")
		}, "FILE:22:1: build/hello_c/hello is not the binary its stamp records (sha256 "},
		{"missing", func(t *testing.T, file string) {
			if err := os.Remove(filepath.Join(BuildDir(file), "hello")); err != nil {
				t.Fatal(err)
			}
		}, "FILE:22:1: hello.c has no built binary (build/hello_c/hello is missing); run ipcsim test --update FILE with riscv64-linux-gnu-gcc installed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(cc.CompilerEnv, "")
			file := cWorkspace(t)
			tt.edit(t, file)
			want := strings.ReplaceAll(tt.want, "FILE", file)
			_, err := Load(file)
			if err == nil || !strings.HasPrefix(err.Error(), want) || !strings.HasSuffix(err.Error(), "; run ipcsim test --update "+file+" with riscv64-linux-gnu-gcc installed") {
				t.Errorf("Load:\n got %v\nwant %s...", err, want)
			}
			gcc := noCompiler(t)
			_, err = LoadWith(file, LoadOptions{Rebuild: true, Compiler: gcc})
			if want := file + ":22:1: cannot build hello.c: " + gcc + " not found: install Debian's gcc-riscv64-linux-gnu, or name a compiler in IPCSIM_CC"; err == nil || err.Error() != want {
				t.Errorf("Rebuild without a compiler:\n got %v\nwant %s", err, want)
			}
		})
	}
}

// TestCRebuild rebuilds a stale binary and a missing one; the rebuilt
// binary of the scenario as committed is the committed binary, byte for
// byte, when the compiler is the one that built it.
func TestCRebuild(t *testing.T) {
	needCompiler(t)
	file := cWorkspace(t)
	build := BuildDir(file)
	kept, err := os.ReadFile(filepath.Join(build, "hello"))
	if err != nil {
		t.Fatal(err)
	}
	stampText, _ := os.ReadFile(filepath.Join(build, "hello.stamp"))
	stamp, err := cc.ParseStamp(stampText)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(build); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadWith(file, LoadOptions{Rebuild: true}); err != nil {
		t.Fatal(err)
	}
	rebuilt, err := os.ReadFile(filepath.Join(build, "hello"))
	if err != nil {
		t.Fatal(err)
	}
	out, _ := exec.Command(cc.Compiler(), "--version").Output()
	if version, _, _ := strings.Cut(string(out), "\n"); version == stamp.Compiler && string(rebuilt) != string(kept) {
		t.Errorf("the same source, flags, runtime and compiler (%s) built another binary", version)
	}

	replaceIn(t, file, `print("hello, world\n");`, `print("hello, C\n");`)
	s, err := LoadWith(file, LoadOptions{Rebuild: true})
	if err != nil {
		t.Fatal(err)
	}
	o, err := s.Run(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if string(o.Console) != "hello, C\n" {
		t.Errorf("console %q after the rebuild, want %q", o.Console, "hello, C\n")
	}
	if _, err := Load(file); err != nil {
		t.Errorf("Load after the rebuild: %v", err)
	}
}

// TestCCompileError: the compiler's diagnostics land on the scenario's
// lines, columns in bytes (a tab is one).
func TestCCompileError(t *testing.T) {
	needCompiler(t)
	file := cWorkspace(t)
	replaceIn(t, file, "\tprint(\"hello, world\\n\");", "\tint x = y;\n\tprnt(\"hello\");")
	_, err := LoadWith(file, LoadOptions{Rebuild: true})
	want := file + `:27:10: error: 'y' undeclared (first use in this function)
` + file + `:27:10: note: each undeclared identifier is reported only once for each function it appears in
` + file + `:28:2: warning: implicit declaration of function 'prnt'; did you mean 'print'? [-Wimplicit-function-declaration]`
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("got\n%v\nwant\n%s", err, want)
	}

	// The linker's errors have no line: they go on the section's.
	file = cWorkspace(t)
	replaceIn(t, file, "\tprint(\"hello, world\\n\");", "\textern void nowhere(void);\n\tnowhere();")
	_, err = LoadWith(file, LoadOptions{Rebuild: true})
	want = file + ":22:1: undefined reference to `nowhere'\n" + file + ":22:1: collect2: error: ld returned 1 exit status"
	if err == nil || err.Error() != want {
		t.Errorf("got\n%v\nwant\n%s", err, want)
	}
}

// TestCHeader: a header section is on the include path, is an input of
// every C program, and its errors land on its lines.
func TestCHeader(t *testing.T) {
	needCompiler(t)
	file := cWorkspace(t)
	replaceIn(t, file, "#include \"rt.h\"\n", "#include \"rt.h\"\n#include \"msg.h\"\n")
	replaceIn(t, file, `print("hello, world\n");`, `print(MSG);`)
	data, _ := os.ReadFile(file)
	header := "-- msg.h --\n#define MSG \"hello from msg.h\\n\"\n"
	if err := os.WriteFile(file, []byte(strings.Replace(string(data), "-- want/console --", header+"-- want/console --", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := LoadWith(file, LoadOptions{Rebuild: true})
	if err != nil {
		t.Fatal(err)
	}
	o, err := s.Run(Options{})
	if err != nil || string(o.Console) != "hello from msg.h\n" {
		t.Fatalf("console %q, error %v", o.Console, err)
	}
	replaceIn(t, file, "#define MSG", "#define MSG \"changed\\n\"\n#define OLD")
	if _, err := Load(file); err == nil || !strings.Contains(err.Error(), "the scenario's headers (*.h sections) changed since hello.c's binary was built") {
		t.Errorf("changed header: %v", err)
	}
	replaceIn(t, file, "#define OLD", "int broken(;\n#define OLD")
	data, _ = os.ReadFile(file)
	line := 1 + strings.Count(string(data[:strings.Index(string(data), "int broken(;")]), "\n")
	want := fmt.Sprintf("%s:%d:12: error: expected declaration specifiers or '...' before ';' token", file, line)
	if _, err := LoadWith(file, LoadOptions{Rebuild: true}); err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error in the header: %v", err)
	}
}

// TestCParse: the cc line and the C programs' names.
func TestCParse(t *testing.T) {
	tests := []struct{ src, want string }{
		{"cc\nspawn a.s\n-- a.s --\n" + helloSrc, "x.txtar:1:3: expected glibc or rt DIR after cc, found end of line"},
		{"cc musl\nspawn a.s\n-- a.s --\n" + helloSrc, "x.txtar:1:4: expected glibc or rt DIR after cc, found musl"},
		{"cc rt\nspawn a.s\n-- a.s --\n" + helloSrc, "x.txtar:1:6: expected the runtime's directory after cc rt (such as ../linux/rt), found end of line"},
		{"cc rt a b\nspawn a.s\n-- a.s --\n" + helloSrc, "x.txtar:1:9: expected end of line after cc rt a, found b"},
		{"cc glibc x\nspawn a.s\n-- a.s --\n" + helloSrc, "x.txtar:1:10: expected end of line after cc glibc, found x"},
		{"cc glibc\ncc glibc\nspawn a.s\n-- a.s --\n" + helloSrc, "x.txtar:2:1: duplicate cc line (first at line 1)"},
		{"spawn a.c\n", "x.txtar:1:7: cannot build a.c: a C program is a section of the scenario (-- a.c --), and there is none"},
		{"cc rt nowhere\nspawn a.c\n-- a.c --\n", "x.txtar:1:7: cannot read the runtime nowhere: open nowhere: no such file or directory"},
		{"spawn a.c\nspawn a.s\n-- a.c --\n-- a.s --\n" + helloSrc, "x.txtar:2:7: a.s would be installed as /bin/a, which a.c (line 1) already is"},
		{"spawn a.c\n-- a.c --\n-- ../x.h --\n", "x.txtar:3:1: bad header name ../x.h: expected a relative path such as common.h or include/common.h, without .. or RT/"},
	}
	for _, tt := range tests {
		_, err := parse("x.txtar", []byte(tt.src), noDisk)
		if err == nil || !strings.HasPrefix(err.Error()+"\n", tt.want+"\n") {
			t.Errorf("%q:\n got %v\nwant %s", tt.src, err, tt.want)
		}
	}
}

// TestCGlibc builds an ordinary C program against glibc: no runtime in
// the stamp, glibc's flags. (That such programs run is shown by the
// bundled hello_glibc.txtar and the libc programs of kernel/libc_test.go.)
func TestCGlibc(t *testing.T) {
	needCompiler(t)
	file := filepath.Join(t.TempDir(), "glibc.txtar")
	src := "cc glibc\nspawn hello.c\n-- hello.c --\n#include <stdio.h>\n\nint main(void)\n{\n\tprintf(\"hello, %s\\n\", \"glibc\");\n\treturn 0;\n}\n"
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := LoadWith(file, LoadOptions{Rebuild: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Programs) != 1 || len(s.Programs[0].ELF) == 0 || s.Programs[0].Path() != "/bin/hello" {
		t.Fatalf("programs %+v", s.Programs)
	}
	text, err := os.ReadFile(filepath.Join(BuildDir(file), "hello.stamp"))
	if err != nil {
		t.Fatal(err)
	}
	stamp, err := cc.ParseStamp(text)
	if err != nil {
		t.Fatal(err)
	}
	if stamp.Runtime != "" || stamp.Flags != strings.Join(cc.GlibcFlags, " ") {
		t.Errorf("stamp:\n%s", text)
	}
	if _, err := Load(file); err != nil {
		t.Errorf("Load after the build: %v", err)
	}
}

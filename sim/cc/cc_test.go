package cc

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	_ "ipcsim/internal/golden" // go test ./... -update
)

func TestStampRoundTrip(t *testing.T) {
	in := &Inputs{Name: "hello.c", Source: []byte("int main(void) { return 0; }\n"),
		Headers:    []File{{Name: "common.h", Data: []byte("#define N 3\n")}},
		RuntimeDir: "../linux/rt", Runtime: []File{{Name: "link.ld"}, {Name: "start.S"}}}
	st := Stamp{Hashes: in.Hash(), ELF: Sum([]byte("\x7fELF")), Compiler: "riscv64-linux-gnu-gcc (Debian 12.2.0-13) 12.2.0"}
	text := st.Format("hello")
	got, err := ParseStamp(text)
	if err != nil {
		t.Fatalf("ParseStamp(%q): %v", text, err)
	}
	if d := cmp.Diff(&st, got); d != "" {
		t.Errorf("round trip (-want +got):\n%s\nstamp:\n%s", d, text)
	}
	if why := got.Stale(in.Hash(), "hello.c", in.RuntimeDir); why != "" {
		t.Errorf("fresh stamp is stale: %s", why)
	}
	for _, bad := range []string{"", "source sha256:00\n", "colour blue\n"} {
		if _, err := ParseStamp([]byte(bad)); err == nil {
			t.Errorf("ParseStamp(%q) = nil error", bad)
		}
	}
}

// TestStale checks that each changed input is named.
func TestStale(t *testing.T) {
	base := Inputs{Name: "hello.c", Source: []byte("a"), RuntimeDir: "rt", Runtime: []File{{Name: "rt.h", Data: []byte("x")}}}
	st := Stamp{Hashes: base.Hash()}
	change := func(f func(*Inputs)) Hashes {
		in := base
		f(&in)
		return in.Hash()
	}
	tests := []struct {
		name string
		h    Hashes
		want string
	}{
		{"source", change(func(in *Inputs) { in.Source = []byte("b") }),
			"hello.c changed since its binary was built (sha256 3e23e8160039, built from ca978112ca1b)"},
		{"headers", change(func(in *Inputs) { in.Headers = []File{{Name: "c.h"}} }),
			"the scenario's headers (*.h sections) changed since hello.c's binary was built"},
		{"runtime", change(func(in *Inputs) { in.Runtime = []File{{Name: "rt.h", Data: []byte("y")}} }),
			"the runtime rt changed since hello.c's binary was built"},
		{"glibc", change(func(in *Inputs) { in.RuntimeDir, in.Runtime = "", nil }),
			"hello.c's binary was built against a runtime directory, and the scenario now asks for glibc"},
		{"flags", func() Hashes { h := base.Hash(); h.Flags = "-O3"; return h }(),
			"hello.c's binary was built with other flags (" + strings.Join(RuntimeFlags, " ") + ")"},
	}
	for _, tt := range tests {
		if got := st.Stale(tt.h, "hello.c", "rt"); got != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", tt.name, got, tt.want)
		}
	}
}

// TestParseDiags reads what riscv64-linux-gnu-gcc 12 says, recorded.
func TestParseDiags(t *testing.T) {
	out := `bad.c: In function 'main':
bad.c:5:10: error: 'y' undeclared (first use in this function)
bad.c:5:10: note: each undeclared identifier is reported only once for each function it appears in
In file included from bad.c:1:
RT/rt.h:3:1: error: unknown type name 'foo'
/usr/lib/gcc-cross/riscv64-linux-gnu/12/../../../../riscv64-linux-gnu/bin/ld: /tmp/cc9vjTZa.o: in function ` + "`.L50'" + `:
link.c:(.text+0x61e): undefined reference to ` + "`prnt'" + `
collect2: error: ld returned 1 exit status
/usr/lib/gcc-cross/riscv64-linux-gnu/12/../../../../riscv64-linux-gnu/bin/ld: cannot find -lm: No such file or directory
compilation terminated.
`
	want := []Diag{
		{File: "bad.c", Line: 5, Col: 10, Msg: "error: 'y' undeclared (first use in this function)"},
		{File: "bad.c", Line: 5, Col: 10, Msg: "note: each undeclared identifier is reported only once for each function it appears in"},
		{File: "RT/rt.h", Line: 3, Col: 1, Msg: "error: unknown type name 'foo'"},
		{File: "link.c", Msg: "undefined reference to `prnt'"},
		{Msg: "collect2: error: ld returned 1 exit status"},
		{Msg: "ld: cannot find -lm: No such file or directory"},
	}
	if d := cmp.Diff(want, parseDiags(out, "/tmp/x")); d != "" {
		t.Errorf("parseDiags (-want +got):\n%s", d)
	}
}

func TestReadRuntime(t *testing.T) {
	files, err := ReadRuntime("../../testdata/linux/rt")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range files {
		names = append(names, f.Name)
	}
	if d := cmp.Diff([]string{"link.ld", "rt.h", "start.S"}, names); d != "" {
		t.Errorf("files (-want +got):\n%s", d)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "start.S"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadRuntime(dir); err == nil || !strings.Contains(err.Error(), "has no link.ld") {
		t.Errorf("without link.ld: %v", err)
	}
}

// TestBuildNoCompiler: a compiler that is not installed is ErrNoCompiler.
func TestBuildNoCompiler(t *testing.T) {
	_, _, err := Build(filepath.Join(t.TempDir(), "riscv64-linux-gnu-gcc"), &Inputs{Name: "a.c"})
	if err == nil || !strings.Contains(err.Error(), "install Debian's gcc-riscv64-linux-gnu") {
		t.Errorf("Build = %v, want ErrNoCompiler", err)
	}
}

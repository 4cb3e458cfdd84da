package loader

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var writeSeeds = flag.Bool("write-seeds", false, "rewrite testdata/fuzz/FuzzLoad/seed-* from the Load test tables")

// TestWriteFuzzSeeds keeps the committed seed corpus in step with the test
// tables: go test ./kernel/loader -run=TestWriteFuzzSeeds -write-seeds
func TestWriteFuzzSeeds(t *testing.T) {
	if !*writeSeeds {
		t.Skip("run with -write-seeds to rewrite the seed corpus")
	}
	dir := filepath.Join("testdata", "fuzz", "FuzzLoad")
	data, err := os.ReadFile("testdata/hello")
	if err != nil {
		t.Fatalf("committed ELF missing: %v (rebuild with kernel/loader/testdata/build.sh)", err)
	}
	seeds := map[string][]byte{"good": goodELF().bytes(), "hello": data}
	for _, c := range loadErrorCases {
		seeds[fileName(c.name)] = c.data()
	}
	for name, data := range seeds {
		body := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", data)
		if err := os.WriteFile(filepath.Join(dir, "seed-"+name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// fileName turns a test case's name into a file name that every file system accepts.
func fileName(name string) string {
	return strings.Map(func(r rune) rune {
		if 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '_' {
			return r
		}
		return '-'
	}, name)
}

// FuzzLoad feeds Load arbitrary files: it must never panic, must return an
// *Error naming the file or an Image that keeps every promise of its doc
// comment, and must not allocate more than a small multiple of the input.
func FuzzLoad(f *testing.F) {
	f.Add(goodELF().bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		img, err := Load("fuzz", data, userLimit)
		if err != nil {
			var e *Error
			if img != nil || !errors.As(err, &e) || e.Name != "fuzz" || e.Msg == "" {
				t.Fatalf("Load = %v, %#v", img, err)
			}
			return
		}
		checkImage(t, img, data)
	})
}

// checkImage checks the promises Load makes about a successful result.
func checkImage(t *testing.T, img *Image, data []byte) {
	t.Helper()
	if len(img.Segments) == 0 {
		t.Fatal("no segments")
	}
	entryOK := false
	var copied uint64
	for i, s := range img.Segments {
		if uint64(len(s.Data)) > s.Memsz || s.Memsz == 0 {
			t.Fatalf("segment %d: %d file bytes, memsz %d", i, len(s.Data), s.Memsz)
		}
		if s.Vaddr < PageSize || s.Vaddr > userLimit || s.Memsz > userLimit-s.Vaddr {
			t.Fatalf("segment %d at %#x+%#x outside [page 1, limit)", i, s.Vaddr, s.Memsz)
		}
		if s.Vaddr+s.Memsz > img.End {
			t.Fatalf("segment %d ends at %#x above End %#x", i, s.Vaddr+s.Memsz, img.End)
		}
		if i > 0 {
			prev := img.Segments[i-1]
			if prev.Vaddr+prev.Memsz > s.Vaddr {
				t.Fatalf("segments %d and %d overlap or are unsorted", i-1, i)
			}
		}
		if s.Exec && s.Vaddr <= img.Entry && img.Entry-s.Vaddr < s.Memsz {
			entryOK = true
		}
		copied += uint64(len(s.Data))
	}
	if !entryOK {
		t.Fatalf("entry %#x not in an executable segment", img.Entry)
	}
	if img.End > userLimit {
		t.Fatalf("End %#x above the limit", img.End)
	}
	if copied > maxPhnum*uint64(len(data)) {
		t.Fatalf("copied %d bytes out of a %d-byte file", copied, len(data))
	}
	if img.Phent != phdrSize || img.Phnum == 0 || img.Phnum > maxPhnum {
		t.Fatalf("Phent %d, Phnum %d", img.Phent, img.Phnum)
	}
}

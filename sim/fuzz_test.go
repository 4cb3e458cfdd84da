package sim

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse feeds arbitrary files to the scenario parser: it must never
// panic, every error must be positioned inside the file, and Updated must
// keep everything outside the want/ sections. Run it with
//
//	go test ./sim -run=^$ -fuzz=FuzzParse -fuzztime=5m
//
// The seed corpus is testdata/fuzz/FuzzParse plus the bundled scenarios.
func FuzzParse(f *testing.F) {
	files, err := filepath.Glob("../testdata/scenarios/*.txtar")
	if err != nil || len(files) == 0 {
		f.Fatalf("no bundled scenarios in ../testdata/scenarios (%v)", err)
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	// Seed ranges, well and badly formed.
	f.Add([]byte("machine seed=1 jitter=9\nspawn hello.s\nexpect seeds 1..100 sometimes exit hello 1\n" +
		"expect seeds 0..999 never console \"x\"\nexpect seeds 5..1 always\nexpect seeds 1..2000 maybe\n-- hello.s --\n" + helloSrc))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := parse("fuzz.txtar", data, noDisk)
		if err != nil {
			var list ErrorList
			if !errors.As(err, &list) || len(list) == 0 {
				t.Fatalf("error %v (%T) is not an ErrorList", err, err)
			}
			lines := bytes.Count(data, []byte("\n")) + 1
			for _, e := range list {
				if e.Pos.Filename != "fuzz.txtar" || e.Pos.Line < 1 || e.Pos.Line > lines || e.Pos.Col < 1 {
					t.Fatalf("error outside the file (%d lines): %v", lines, e)
				}
			}
			return
		}
		got, err := s.Updated(&Outcome{Console: []byte("out")})
		if err != nil {
			t.Fatal(err)
		}
		// The header and every section not under want/ keep their bytes.
		s2, err := parse("fuzz.txtar", got, noDisk)
		if err != nil {
			t.Fatalf("updated file does not parse: %v\n%s", err, got)
		}
		if len(s2.sections) != len(s.sections) {
			t.Fatalf("updated file has %d sections, want %d", len(s2.sections), len(s.sections))
		}
		if h := len(data); len(s.sections) > 0 {
			h = s.sections[0].start
			if !bytes.Equal(got[:s2.sections[0].start], data[:h]) {
				t.Fatalf("header changed")
			}
		}
		for i, sec := range s.sections {
			if isWant(sec.name) {
				continue
			}
			a, b := data[sec.start:sec.end], got[s2.sections[i].start:s2.sections[i].end]
			if !bytes.Equal(a, b) {
				t.Fatalf("section %s changed: %q -> %q", sec.name, a, b)
			}
		}
	})
}

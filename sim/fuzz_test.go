package sim

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"ipcsim/kernel"
)

// FuzzParse feeds arbitrary files to the scenario parser: it must never
// panic, every error must be positioned inside the file, every numeric
// setting it accepts must lie in its range, and Updated must keep
// everything outside the want/ sections. A scenario that parses is then run
// briefly, traced and checked, twice (fuzzRun): nothing may panic and both
// runs must agree. Run it with
//
//	go test ./sim -run=^$ -fuzz=FuzzParse -fuzztime=5m -fuzzminimizetime=3s
//
// (a run costs milliseconds, so the default minute of minimizing each new
// input would take most of the time).
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
	// Assertions (assert.go), well and badly formed.
	f.Add([]byte(assertScenario(`always (procs <= 3 || !exited hello) && pipe#1.bytes < 0x10`,
		`eventually console of pid 2 contains "hi\n" && sem#0[1] >= -1 && shm64 0x12[8] != 0`,
		`sometimes state hello == blocked || msgq 7.count > 1 && exit hello == 0`, `always ((procs`, `sometimes shm 0[3] < `)))
	// Numeric settings at and past the ends of their ranges (issue 15).
	for _, m := range []string{
		"machine jitter=18446744073709551615 quantum=18446744073709551615",
		"machine quantum=1 jitter=1_000_000_000_000 trapcost=1_000_000 limit=4611686018427387904",
		"machine quantum=1_000_000_000_000 jitter=0 trapcost=0 limit=1",
		"machine mem=1M maxprocs=2 limit=none seed=18446744073709551615",
		"machine mem=4G maxprocs=4096 limit=30000",
		"machine mem=4097K trapcost=1_000_001 maxprocs=4097 limit=0",
		"machine mem=18446744073709551616 quantum=0 limit=never insns=on",
		"machine quantum=7 jitter=3 seed=2 insns=on echo=on\nat 100 key \"^C\"\nat 18446744073709551615 key \"x\"",
	} {
		f.Add([]byte(m + "\nspawn hello.s\nexpect exit hello 0\nexpect console \"hi\\n\"\n-- hello.s --\n" + helloSrc +
			"-- want/console --\nhi\n-- want/exits --\n-- want/trace --\n"))
	}
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
		checkRanges(t, s.Machine)
		fuzzRun(t, s)
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

// checkRanges fails if a parsed machine setting lies outside its range.
func checkRanges(t *testing.T, m Machine) {
	t.Helper()
	for key, v := range map[string]uint64{"mem": m.MemBytes, "quantum": m.Quantum, "trapcost": m.TrapCost,
		"jitter": m.Jitter, "limit": m.CycleLimit, "maxprocs": uint64(m.MaxProcs)} {
		if v == 0 && (key == "mem" || key == "quantum" || key == "limit" || key == "maxprocs") {
			continue // not given (the kernel's default), or limit=none
		}
		if msg := checkSetting(key, v); msg != "" {
			t.Fatalf("parsed %s=%d: %s", key, v, msg)
		}
	}
}

// fuzzRun runs a parsed scenario briefly (at most 2 MiB of memory and
// 20000 cycles, whatever it asks for), tracing and checking it, twice,
// then once more untraced: nothing may panic, both traced runs must give
// the same bytes, and the untraced run the same console and exits. Seed
// ranges are dropped (each would be up to 1000 more runs).
func fuzzRun(t *testing.T, s *Scenario) {
	t.Helper()
	c := *s
	if c.Machine.MemBytes == 0 || c.Machine.MemBytes > 2<<20 {
		c.Machine.MemBytes = 2 << 20 // zeroing memory is most of the cost of a short run
	}
	if c.Machine.CycleLimit == 0 || c.Machine.CycleLimit > 20000 {
		c.Machine.CycleLimit = 20000
	}
	c.Expects = nil
	for _, e := range s.Expects {
		if e.Seeds == nil {
			c.Expects = append(c.Expects, e)
		}
	}
	var runs [2]string
	for i := range runs {
		var b bytes.Buffer
		trace, _ := Tracer(&b, false)
		if i == 1 { // the second run also renders JSON, which must not change the run
			asJSON, _ := Tracer(io.Discard, true)
			text := trace
			trace = func(e *kernel.Event) { text(e); asJSON(e) }
		}
		o, err := c.Run(Options{Trace: trace})
		if err != nil {
			var list ErrorList
			if !errors.As(err, &list) {
				t.Fatalf("run: error %v (%T) is not an ErrorList", err, err)
			}
			return // a program the kernel refuses to start
		}
		for _, m := range c.Check(o) {
			b.WriteString(m.String() + "\n")
		}
		if _, err := c.Updated(o); err != nil && !strings.Contains(err.Error(), "cannot record") {
			t.Fatalf("Updated: %v", err)
		}
		b.WriteString(consoleMark)
		b.Write(EncodeConsole(o.Console))
		b.WriteString(FormatExits(o.Result))
		runs[i] = b.String()
	}
	if runs[0] != runs[1] {
		t.Fatalf("two runs differ:\n%s", Diff([]byte(runs[0]), []byte(runs[1])))
	}
	// A third run without any trace (nor want/trace, which makes Run
	// trace) must end as the traced ones did: tracing changes nothing.
	bare := c
	bare.Wants = slices.DeleteFunc(slices.Clone(c.Wants), func(w Want) bool { return w.Name == "want/trace" })
	o, err := bare.Run(Options{})
	if err != nil {
		t.Fatalf("untraced run: %v, traced runs started", err)
	}
	traced := runs[0][strings.Index(runs[0], consoleMark):]
	untraced := consoleMark + string(EncodeConsole(o.Console)) + FormatExits(o.Result)
	if traced != untraced {
		t.Fatalf("untraced run differs from traced:\n%s", Diff([]byte(traced), []byte(untraced)))
	}
}

// consoleMark separates fuzzRun's check messages from the console.
const consoleMark = "--- console and exits\n"

package sim

import (
	"path/filepath"
	"strings"
	"testing"
)

// faultFiles are the scenarios of testdata/faults: one fault kind each.
func faultFiles(t *testing.T) []string {
	files, err := filepath.Glob("../testdata/faults/*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatalf("no fault scenarios: %v", err)
	}
	return files
}

// TestFaultScenarios runs the fault scenarios and checks their expect
// lines and want/ sections (go test -update records them).
func TestFaultScenarios(t *testing.T) {
	for _, file := range faultFiles(t) {
		t.Run(filepath.Base(file), func(t *testing.T) {
			s, err := LoadWith(file, LoadOptions{Rebuild: *update})
			if err != nil {
				t.Fatal(err)
			}
			o, err := s.Run(Options{})
			if err != nil {
				t.Fatal(err)
			}
			if *update {
				if err := s.Update(o); err != nil {
					t.Fatal(err)
				}
				if s, err = Load(file); err != nil {
					t.Fatal(err)
				}
			}
			for _, m := range s.Check(o) {
				t.Error(m)
			}
		})
	}
}

// TestFaultDeterminism: the same plan gives the same bytes, trace
// included, twice.
func TestFaultDeterminism(t *testing.T) {
	for _, file := range faultFiles(t) {
		s, err := Load(file)
		if err != nil {
			t.Fatal(err)
		}
		var runs [2]string
		for i := range runs {
			o, err := s.Run(Options{KeepTrace: true})
			if err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			b.Write(o.Console)
			b.WriteString(FormatExits(o.Result))
			for _, e := range o.Trace {
				b.WriteString(e.Text + "\n")
			}
			runs[i] = b.String()
		}
		if runs[0] != runs[1] {
			t.Errorf("%s: two runs differ:\n%s", file, Diff([]byte(runs[0]), []byte(runs[1])))
		}
	}
}

// TestFaultLines parses good fault lines into the plan, and bad ones into
// errors at their line and column.
func TestFaultLines(t *testing.T) {
	parse := func(line string) (*Scenario, error) {
		src := line + "\nspawn hello.s\n-- hello.s --\n" + helloSrc
		return Parse("f.txtar", []byte(src))
	}
	good := map[string]string{
		"fault fork 2 ENOMEM":               "fork 2 ENOMEM",
		"fault clone 1 EAGAIN by hello":     "clone 1 EAGAIN by hello",
		"fault write p=0.25 short":          "write p=0.25 short",
		"fault read 3 EINTR by pid 2":       "read 3 EINTR by pid 2",
		"fault kill hello at call 3":        "kill hello at call 3",
		"fault kill pid 3 at call 2":        "kill pid 3 at call 2",
		"fault any 4 kill":                  "any 4 kill",
		"fault write 1 EPIPE   # a comment": "write 1 EPIPE",
		"fault shmget 1 ENOSPC":             "shmget 1 ENOSPC",
	}
	for line, want := range good {
		s, err := parse(line)
		if err != nil {
			t.Errorf("%s: %v", line, err)
			continue
		}
		if len(s.Faults) != 1 || s.Faults[0].String() != want {
			t.Errorf("%s: plan %v, want [%s]", line, s.Faults, want)
		}
	}
	bad := map[string]string{
		"fault":                      "f.txtar:1:6: expected a system call after fault",
		"fault frok 1 ENOMEM":        "f.txtar:1:7: unknown system call frok",
		"fault fork 0 ENOMEM":        "f.txtar:1:12: bad call count 0",
		"fault fork p=2 ENOMEM":      "f.txtar:1:14: bad probability 2",
		"fault fork 1":               "f.txtar:1:13: expected an errno, short or kill after fault fork 1",
		"fault fork 1 EPIPE":         "f.txtar:1:14: EPIPE is not an error Linux gives fork for a fault: expected ENOMEM, EAGAIN",
		"fault getpid 1 ENOMEM":      "f.txtar:1:16: ipcsim injects no errors into getpid",
		"fault fork 1 short":         "f.txtar:1:14: fork moves no bytes",
		"fault fork 1 EBOGUS":        "f.txtar:1:14: expected an errno such as ENOMEM, short or kill, found EBOGUS",
		"fault fork 1 ENOMEM by":     "f.txtar:1:23: expected a process",
		"fault fork 1 ENOMEM for x":  "f.txtar:1:21: expected by NAME, by pid N or end of line, found for",
		"fault any 1 ENOMEM":         "f.txtar:1:7: a fault on any call can only kill",
		"fault kill pid 1 at call 2": "f.txtar:1:16: bad pid 1",
		"fault kill x at step 2":     "f.txtar:1:14: expected at call N after fault kill x",
	}
	for line, want := range bad {
		_, err := parse(line)
		if err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("%s: error %v, want %s...", line, err, want)
		}
	}
}

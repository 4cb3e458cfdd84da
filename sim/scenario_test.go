package sim

import (
	"bytes"
	"ipcsim/internal/golden"
	"path/filepath"
	"runtime"
	"testing"
)

var update = golden.Update // go test ./... -update

// scenarioFiles returns the bundled scenarios.
func scenarioFiles(t *testing.T) []string {
	files, err := filepath.Glob("../testdata/scenarios/*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatalf("no scenarios in ../testdata/scenarios: %v", err)
	}
	return files
}

// TestScenarios runs every bundled scenario and checks it against its
// want/ sections and expect lines; with -update it rewrites the want/
// sections first.
func TestScenarios(t *testing.T) {
	for _, file := range scenarioFiles(t) {
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
			ms := s.Check(o)
			for _, m := range ms {
				t.Error(m)
			}
			if len(ms) == 0 { // then recording the outcome changes nothing
				if got, err := s.Updated(o); err != nil || string(got) != string(s.data) {
					t.Errorf("Updated changes a passing scenario (error %v):\n%s", err, Diff(s.data, got))
				}
			}
		})
	}
}

// TestDeterminism runs every scenario twice on one host thread and once
// on two, and requires the same console, exits and trace, byte for byte.
// The later runs take the memory the first run's machine released
// (Scenario.Run, Cluster.Release): its Outcome, rendered again after them,
// must not have changed, as nothing of it may be the machine's.
func TestDeterminism(t *testing.T) {
	for _, file := range scenarioFiles(t) {
		t.Run(filepath.Base(file), func(t *testing.T) {
			s, err := Load(file)
			if err != nil {
				t.Fatal(err)
			}
			var runs [][]byte
			var first *Outcome
			for _, procs := range []int{1, 1, 2} {
				old := runtime.GOMAXPROCS(procs)
				o, err := s.Run(Options{KeepTrace: true})
				runtime.GOMAXPROCS(old)
				if err != nil {
					t.Fatal(err)
				}
				runs = append(runs, outcomeBytes(t, o))
				if first == nil {
					first = o
				}
			}
			for i := 1; i < len(runs); i++ {
				if d := Diff(runs[0], runs[i]); d != "" {
					t.Errorf("run %d differs from run 1:\n%s", i+1, d)
				}
			}
			if d := Diff(runs[0], outcomeBytes(t, first)); d != "" {
				t.Errorf("run 1's outcome changed after the other runs:\n%s", d)
			}
		})
	}
}

// outcomeBytes is everything a run shows: console, exits, trace (text and JSON).
// A rendering that fails fails the test: a trace cut short by an error
// would compare equal to another cut at the same place.
func outcomeBytes(t *testing.T, o *Outcome) []byte {
	t.Helper()
	var b bytes.Buffer
	b.Write(EncodeConsole(o.Console))
	b.WriteString("--\n" + FormatExits(o.Result) + "--\n")
	if err := WriteText(&b, o.Trace); err != nil {
		t.Fatalf("text trace: %v", err)
	}
	if err := WriteJSON(&b, o.Trace); err != nil {
		t.Fatalf("JSON trace: %v", err)
	}
	return b.Bytes()
}

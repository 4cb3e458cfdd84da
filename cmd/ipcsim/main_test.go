package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// run runs the command and returns its exit status, stdout and stderr.
func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	st := Main(args, strings.NewReader(""), &out, &errb)
	return st, out.String(), errb.String()
}

// writeFile writes a test's input file; a failed write fails the test
// (otherwise the command would be tested on a missing or stale file).
func writeFile(t *testing.T, path string, data []byte, perm os.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, data, perm); err != nil {
		t.Fatal(err)
	}
}

func TestUsage(t *testing.T) {
	for _, args := range [][]string{{"help"}, {"-h"}, {"--help"}, {"run", "-h"}, {"exec", "--help"}} {
		st, out, _ := run(t, args...)
		if st != 0 || !strings.Contains(out, "Exit status") {
			t.Errorf("%v: status %d, output %q", args, st, out)
		}
	}
}

// The help tells what inspect shows now, not only processes and pipes.
func TestUsageInspect(t *testing.T) {
	_, out, _ := run(t, "help")
	i := strings.Index(out, "ipcsim inspect --at=CYCLE")
	j := strings.Index(out, "ipcsim step ")
	if i < 0 || j < i {
		t.Fatalf("no inspect in the help:\n%s", out)
	}
	for _, w := range []string{"threads", "registers", "terminal", "process tree", "shared memory", "ss -tuanpi", "=== host", "=== network", "as the clock reaches CYCLE", "lost\n      power at cycle N", `"ended"`} {
		if !strings.Contains(out[i:j], w) {
			t.Errorf("the help of inspect lacks %q:\n%s", w, out[i:j])
		}
	}
}

func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.txtar")
	writeFile(t, bad, []byte("spawn nothere.s\nfrobnicate\n"), 0o644)
	notELF := filepath.Join(dir, "notelf")
	writeFile(t, notELF, []byte("#!/bin/sh\necho hi\n"), 0o755)
	tests := []struct {
		args   []string
		stderr string
	}{
		{nil, "Usage"},
		{[]string{"frob"}, `unknown command "frob"`},
		{[]string{"run"}, "expected one scenario file"},
		{[]string{"run", "--format=xml", bad}, `bad --format "xml"`},
		{[]string{"run", bad}, "bad.txtar:2:1: unknown directive \"frobnicate\""},
		{[]string{"test"}, "expected scenario files"},
		{[]string{"exec"}, "expected a program to run"},
		{[]string{"exec", "--mem=lots", "x"}, `invalid value "lots" for flag -mem`},
		{[]string{"exec", "--nope", "x"}, "flag provided but not defined: -nope"},
		// Issue 15: every numeric flag is checked against the range of its setting.
		{[]string{"exec", "--quantum=0", "x"}, `invalid value "0" for flag -quantum: expected a quantum from 1 to 1_000_000_000_000 cycles`},
		{[]string{"exec", "--quantum=18446744073709551615", "x"}, `expected a quantum from 1 to 1_000_000_000_000 cycles`},
		{[]string{"exec", "--trapcost=18446744073709551615", "x"}, `invalid value "18446744073709551615" for flag -trapcost: expected a trap cost from 0 to 1_000_000 cycles`},
		{[]string{"exec", "--mem=8G", "x"}, `invalid value "8G" for flag -mem: expected a size from 1M to 4G`},
		{[]string{"exec", "--mem=1048577", "x"}, `expected a multiple of the page size (4096 bytes)`},
		{[]string{"exec", "--limit=0", "x"}, `invalid value "0" for flag -limit: expected a cycle limit from 1 to 2^62, or none`},
		{[]string{"exec", "--seed=18446744073709551616", "x"}, `invalid value "18446744073709551616" for flag -seed`},
		{[]string{"run", "--limit=never", bad}, `invalid value "never" for flag -limit: expected a decimal number, or none`},
		{[]string{"test", "--limit=4611686018427387905", bad}, `expected a cycle limit from 1 to 2^62, or none`},
		{[]string{"inspect", "--at=5", "--limit=-1", bad}, `invalid value "-1" for flag -limit`},
		{[]string{"test", "--update", "--limit=5", bad}, `drop --seed and --limit`},
		{[]string{"exec", filepath.Join(dir, "missing")}, "no such file"},
		{[]string{"exec", notELF}, "notelf"},
	}
	for _, tt := range tests {
		st, _, stderr := run(t, tt.args...)
		if st != exitBadInput || !strings.Contains(stderr, tt.stderr) {
			t.Errorf("%v: status %d, stderr %q; want 2 and %q", tt.args, st, stderr, tt.stderr)
		}
	}
	// A bad scenario counts as a failure and makes test exit 2.
	st, out, _ := run(t, "test", bad)
	if st != exitBadInput || !strings.Contains(out, "--- FAIL: "+bad) || !strings.HasSuffix(out, "0 passed, 1 failed\n") {
		t.Errorf("test of a bad scenario: status %d, output:\n%s", st, out)
	}
}

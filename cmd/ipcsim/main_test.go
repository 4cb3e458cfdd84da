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

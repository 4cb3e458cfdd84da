package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"ipcsim/sim"
)

// cmdTest is "ipcsim test [-q] [--update | --seed=N] FILE|DIR...".
func cmdTest(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	quiet := fs.Bool("q", false, "do not print a line for each scenario that passes")
	update := fs.Bool("update", false, "rewrite the want/ sections with what happened")
	seed := seedFlag(fs)
	limit := limitFlag(fs)
	check := checkFlag(fs)
	if st := parseFlags(fs, args, stdout, stderr); st >= 0 {
		return st
	}
	if *update && (seed.set || limit.set) {
		// want/ sections record the run with the scenario's own settings.
		fmt.Fprintf(stderr, "ipcsim test: --update records the run with each scenario's own seed and limit: drop --seed and --limit\n")
		return exitBadInput
	}
	if fs.NArg() == 0 {
		fmt.Fprintf(stderr, "ipcsim test: expected scenario files or directories (see ipcsim help)\n")
		return exitBadInput
	}
	var files []string
	badInput := false
	for _, arg := range fs.Args() {
		found, err := scenarioFiles(arg)
		if err != nil {
			fmt.Fprintf(stderr, "ipcsim test: %v\n", err)
			badInput = true
		}
		files = append(files, found...)
	}
	passed, failed := 0, 0
	for _, f := range files {
		ok, bad := testScenario(f, *update, *quiet, *check, seed, limit, stdout)
		if ok {
			passed++
		} else {
			failed++
		}
		badInput = badInput || bad
	}
	fmt.Fprintf(stdout, "%d passed, %d failed\n", passed, failed)
	switch {
	case badInput:
		return exitBadInput
	case failed > 0:
		return exitFailed
	}
	return exitOK
}

// scenarioFiles returns path if it is a file, or the *.txtar files in it,
// sorted, if it is a directory.
func scenarioFiles(path string) ([]string, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !fi.IsDir() {
		return []string{path}, nil
	}
	files, err := filepath.Glob(filepath.Join(path, "*.txtar"))
	if err == nil && len(files) == 0 {
		err = fmt.Errorf("%s: no *.txtar files in the directory", path)
	}
	return files, err // Glob's matches are sorted
}

// testScenario runs one scenario and reports on w. It returns whether it
// passed, and whether the scenario itself was bad input.
func testScenario(path string, update, quiet, check bool, seed, limit *settingFlag, w io.Writer) (passed, badInput bool) {
	fail := func(lines string) {
		fmt.Fprintf(w, "--- FAIL: %s\n", path)
		for _, l := range strings.Split(strings.TrimSuffix(lines, "\n"), "\n") {
			fmt.Fprintf(w, "    %s\n", l)
		}
	}
	// --update also builds the C programs whose binaries are missing or
	// stale; without it such a program is bad input.
	s, err := sim.LoadWith(path, sim.LoadOptions{Rebuild: update})
	if err != nil {
		fail(err.Error())
		return false, true
	}
	s = override(s, seed, limit)
	if check {
		s = s.WithInvariants()
	}
	o, err := s.Run(sim.Options{})
	if err != nil {
		fail(err.Error())
		return false, true
	}
	if update {
		if err := s.Update(o); err != nil {
			fail(err.Error())
			return false, true
		}
		if s, err = sim.Load(path); err != nil {
			fail(err.Error())
			return false, true
		}
	}
	ms := s.Check(o)
	if len(ms) == 0 {
		if !quiet {
			fmt.Fprintf(w, "ok %s\n", path)
		}
		if s.ChecksNothing() {
			fmt.Fprintf(w, "warning: %s checks nothing: no expect line, no want/ section (ipcsim test --update records its console and exits)\n", path)
		}
		return true, false
	}
	// Each mismatch is a line, and the diff under it is indented once more.
	var b strings.Builder
	for _, m := range ms {
		text := strings.TrimSuffix(m.String(), "\n")
		b.WriteString(strings.ReplaceAll(text, "\n", "\n    ") + "\n")
	}
	limitNote(&b, "test", s, o)
	fail(b.String())
	return false, false
}

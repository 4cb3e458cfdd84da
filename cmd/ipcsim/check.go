package main

import (
	"flag"
	"fmt"
	"io"

	"ipcsim/sim"
)

// checkFlag defines --check on fs: every host's kernel checks its
// invariants at every step of the run (sim.Scenario.WithInvariants).
func checkFlag(fs *flag.FlagSet) *bool {
	return fs.Bool("check", false, "check the kernel's invariants at every step: a broken one stops the run and fails it")
}

// invariantStatus reports the kernel invariant that broke in a run (with
// --check) on w, under a header when section is set (the text output's
// last section) or as a message of cmd otherwise, and returns the exit
// status: exitFailed if one broke, exitOK if none did.
func invariantStatus(w io.Writer, cmd string, section bool, o *sim.Outcome) int {
	b := o.BrokenInvariant()
	switch {
	case b == "":
		return exitOK
	case section:
		fmt.Fprintf(w, "--- invariants\n%s (the run stopped there)\n", b)
	default:
		fmt.Fprintf(w, "ipcsim %s: %s (the run stopped there)\n", cmd, b)
	}
	return exitFailed
}

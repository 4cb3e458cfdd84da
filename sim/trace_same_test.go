package sim

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// TestTraceChangesNoScenario: every bundled scenario ends the same traced
// as untraced: each host's result (why it stopped, when, who exited how,
// the instructions retired), console and snapshot, and the assertions'
// results. ipcsim test runs a scenario untraced unless it has a want/trace
// section, ipcsim run traces it: they must agree (an audit found a run
// with hosts where a frame sent just after a reboot was lost only when
// traced, TestSendJustAfterBoot). The untraced run drops the want/trace
// section, which would make Run trace: 57 of the 93 scenarios have one,
// and a clock tick added only when tracing fails all 93.
// TestTraceChangesNothing checks one scenario more closely (memory never
// touched by the program).
func TestTraceChangesNoScenario(t *testing.T) {
	for _, f := range allScenarioFiles(t) {
		t.Run(filepath.Base(f), func(t *testing.T) {
			t.Parallel()
			s, err := Load(f)
			if err != nil {
				t.Fatal(err)
			}
			// A want/trace section makes Run trace (it compares the
			// trace as it comes): the untraced run goes without it.
			bare := *s
			bare.Wants = slices.DeleteFunc(slices.Clone(s.Wants), func(w Want) bool { return w.Name == "want/trace" })
			run := func(trace bool) *Outcome {
				sc := &bare
				if trace {
					sc = s
				}
				o, err := sc.Run(Options{KeepTrace: trace})
				if err != nil {
					t.Fatal(err)
				}
				o.Trace = nil
				return o
			}
			untraced, traced := run(false), run(true)
			if d := cmp.Diff(untraced, traced, cmpopts.IgnoreUnexported(Outcome{}), cmpopts.EquateEmpty()); d != "" {
				t.Errorf("traced differs from untraced (-untraced +traced):\n%s", d)
			}
		})
	}
}

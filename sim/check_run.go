package sim

import (
	"crypto/sha256"
	"encoding/hex"
)

// CheckRun checks one run against the expect lines that are about a single
// run, for a caller that runs the scenario under schedules of its own (an
// explorer): every plain expect line (exit, signal, console,
// unimplemented), and every "expect seeds ... always X" and "... never X"
// line as a statement about this run too (X must hold, or must not). A
// "sometimes" line says nothing about one run and is skipped, and so are
// the want/ sections: a trace, and in general the console, depend on the
// schedule by nature. As Check does, a run that called something ipcsim
// does not implement fails unless an expect unimplemented line says so.
func (s *Scenario) CheckRun(o *Outcome) []Mismatch {
	var out []Mismatch
	if m, ok := s.checkInvariants(o); !ok {
		out = append(out, m)
	}
	if m, ok := s.checkUnexpected(o); !ok {
		out = append(out, m)
	}
	for _, e := range s.Expects {
		one := e
		one.Seeds = nil
		var msg string
		switch {
		case e.Seeds == nil:
			msg = s.checkExpect(e, o)
		case e.Seeds.Quantifier == Always:
			if s.checkExpect(one, o) != "" {
				msg = s.describe(one, o)
			}
		case e.Seeds.Quantifier == Never:
			if s.checkExpect(one, o) == "" {
				msg = "the run gave " + e.Seeds.What
			}
		}
		if msg != "" {
			out = append(out, Mismatch{Pos: e.Pos, What: e.Text, Msg: msg})
		}
	}
	return append(out, s.checkAssertsRun(o)...)
}

// Fingerprint returns a short hash of the scenario file's bytes, so that a
// replay token made on one version of a scenario is not taken for another.
func (s *Scenario) Fingerprint() string {
	h := sha256.Sum256(s.data)
	return hex.EncodeToString(h[:6])
}

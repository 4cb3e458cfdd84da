package sim

import (
	"fmt"
	"io"
)

// Checking assertions against the runs a command made: the one run of
// ipcsim test; that run and the runs of the expect seeds lines, when the
// scenario has them (a sweep); each schedule of ipcsim explore (CheckRun
// and, across them, CheckSometimes).
//
// always and eventually are about every run: one run that breaks them
// fails. sometimes is about the set: it fails only if no run of the set
// saw its condition true. For ipcsim test without a sweep the set is the
// one run, so there sometimes asks as much as eventually: a scenario that
// means "in some interleaving" says over which (expect seeds, or ipcsim
// explore). ipcsim run only reports what its one run saw (RunAsserts).

// assertTallyKey is the key of the assertions' tally among the tallies of
// a sweep (runSeeds), whose other keys are indexes of expect lines.
const assertTallyKey = -1

// assertSweep is what the runs of a sweep showed of the assertions.
type assertSweep struct {
	seeds  []uint64   // the seeds run, in order
	broke  [][]uint64 // per assertion (always, eventually): the seeds whose run broke it
	first  []string   // per assertion: how the first of them broke it
	seen   []int      // per assertion: the runs in which it was true at a point
	failed string     // the first run that could not start
}

// add tallies the run with one seed (its outcome, or why it could not run).
func (t *assertSweep) add(s *Scenario, seed uint64, o *Outcome, err error) {
	if t.broke == nil {
		t.broke, t.first, t.seen = make([][]uint64, len(s.Asserts)), make([]string, len(s.Asserts)), make([]int, len(s.Asserts))
	}
	if err != nil {
		if t.failed == "" {
			t.failed = fmt.Sprintf("seed %d: %v", seed, err)
		}
		return
	}
	t.seeds = append(t.seeds, seed)
	for i, r := range o.Asserts {
		if r.Seen {
			t.seen[i]++
		}
		if r.Failed {
			t.broke[i] = append(t.broke[i], seed)
			if t.first[i] == "" {
				t.first[i] = fmt.Sprintf("seed %d: %s", seed, s.Asserts[i].broken(r))
			}
		}
	}
}

// merge adds the tally u of later seeds (runSeedsOn merges the runs of
// its workers in increasing order of seed).
func (t *assertSweep) merge(u *assertSweep) {
	if t.broke == nil {
		t.broke, t.first, t.seen = make([][]uint64, len(u.broke)), make([]string, len(u.broke)), make([]int, len(u.broke))
	}
	t.seeds = append(t.seeds, u.seeds...)
	for i := range u.broke {
		t.broke[i] = append(t.broke[i], u.broke[i]...)
		if t.first[i] == "" {
			t.first[i] = u.first[i]
		}
		t.seen[i] += u.seen[i]
	}
	if t.failed == "" {
		t.failed = u.failed
	}
}

// broken says how one run broke an always or eventually assertion.
func (a *Assertion) broken(r AssertResult) string {
	if a.Kind == AssertAlways {
		return fmt.Sprintf("false at cycle %d, %s: %s", r.Cycle, r.At, r.State)
	}
	if r.At == atPowerLoss {
		return fmt.Sprintf("never true in the run; %s (cycle %d): %s", atPowerLoss, r.Cycle, r.State)
	}
	return fmt.Sprintf("never true in the run; at its end (cycle %d): %s", r.Cycle, r.State)
}

// checkAsserts returns the assertions that the runs of Check break: the
// run o, and the runs of the sweep if the scenario has expect seeds lines
// (tallies, run now if the expect lines did not need them yet).
func (s *Scenario) checkAsserts(o *Outcome, tallies *map[int]*seedTally) []Mismatch {
	if len(s.Asserts) == 0 {
		return nil
	}
	if len(o.Asserts) != len(s.Asserts) {
		return []Mismatch{{Pos: s.Asserts[0].Pos, What: s.Asserts[0].Text, Msg: "the outcome holds no results of the assertions: it was not made by this scenario's Run"}}
	}
	var sweep *assertSweep
	for _, e := range s.Expects {
		if e.Seeds != nil {
			if *tallies == nil {
				*tallies = s.runSeeds()
			}
			sweep = (*tallies)[assertTallyKey].asserts
			break
		}
	}
	if sweep != nil && sweep.failed != "" {
		return []Mismatch{{Pos: s.Asserts[0].Pos, What: s.Asserts[0].Text, Msg: sweep.failed}}
	}
	var out []Mismatch
	for i := range s.Asserts {
		a, r := &s.Asserts[i], o.Asserts[i]
		var msg string
		switch {
		case r.Failed:
			msg = a.broken(r)
			if sweep != nil {
				msg = fmt.Sprintf("the run with the machine's seed %d: %s", s.Machine.Seed, msg)
			}
		case sweep != nil && len(sweep.broke[i]) > 0:
			msg = fmt.Sprintf("%s of the expect seeds lines broke it; %s", seedList(sweep.broke[i]), sweep.first[i])
		case a.Kind == AssertSometimes && !r.Seen && sweep == nil:
			msg = fmt.Sprintf("never true in the one run of the scenario (seed %d; expect seeds lines or ipcsim explore make a set of runs); at its end: %s", s.Machine.Seed, r.State)
		case a.Kind == AssertSometimes && !r.Seen && sweep.seen[i] == 0:
			msg = fmt.Sprintf("never true in %d runs: the machine's seed %d and %s of the expect seeds lines", 1+len(sweep.seeds), s.Machine.Seed, seedList(sweep.seeds))
		}
		if msg != "" {
			out = append(out, Mismatch{Pos: a.Pos, What: a.Text, Msg: msg})
		}
	}
	return out
}

// checkAssertsRun returns the always and eventually assertions that one
// run breaks, for CheckRun: sometimes says nothing about one run.
func (s *Scenario) checkAssertsRun(o *Outcome) []Mismatch {
	var out []Mismatch
	for i, r := range o.Asserts {
		if r.Failed {
			a := &s.Asserts[i]
			out = append(out, Mismatch{Pos: a.Pos, What: a.Text, Msg: a.broken(r)})
		}
	}
	return out
}

// SometimesSeen returns, for each assertion of the scenario, whether the
// run o saw its condition true at a point (for a caller that tallies the
// sometimes assertions over runs of its own, as an explorer does).
func (s *Scenario) SometimesSeen(o *Outcome) []bool {
	if len(o.Asserts) == 0 {
		return nil
	}
	seen := make([]bool, len(o.Asserts))
	for i, r := range o.Asserts {
		seen[i] = r.Seen
	}
	return seen
}

// CheckSometimes returns the sometimes assertions that no run of a set
// saw true: seen[i] is how many of the runs saw assertion i true, runs how
// many there were, and what names them ("schedules").
func (s *Scenario) CheckSometimes(seen []int, runs int, what string) []Mismatch {
	var out []Mismatch
	for i, a := range s.Asserts {
		if a.Kind == AssertSometimes && (i >= len(seen) || seen[i] == 0) {
			out = append(out, Mismatch{Pos: a.Pos, What: a.Text, Msg: fmt.Sprintf("never true in %d %s", runs, what)})
		}
	}
	return out
}

// RunAsserts renders what one run showed of each assertion, a line each,
// for ipcsim run: "line 5: always pipe#1.bytes <= 4096: held at 312
// points". failed says whether an always or eventually assertion broke.
// A sometimes assertion that the run did not see is reported, not failed:
// one run says nothing of it.
func (s *Scenario) RunAsserts(o *Outcome) (lines []string, failed bool) {
	for i, r := range o.Asserts {
		a := &s.Asserts[i]
		var msg string
		switch {
		case r.Failed:
			msg, failed = "FAILED: "+a.broken(r), true
		case r.Seen:
			msg = fmt.Sprintf("true at cycle %d, %s: %s", r.Cycle, r.At, r.State)
		case a.Kind == AssertAlways:
			msg = fmt.Sprintf("held at all %d points; at the end: %s", r.Points, r.State)
		default:
			msg = fmt.Sprintf("not seen in this run (checked at %d points; a sometimes assertion is about a set of runs)", r.Points)
		}
		lines = append(lines, fmt.Sprintf("line %d: %s: %s", a.Pos.Line, a.Text, msg))
	}
	return lines, failed
}

// AssertDoc is an assertion's result in ipcsim run --format=json:
// {"type":"assertion","line":5,"text":"always procs <= 3","kind":"always",
// "result":"failed","cycle":812,"at":"when pid 2 entered clone","state":"procs
// = 4"}. Result is "held" (an always that never failed), "failed",
// "seen" (an eventually or sometimes that was true at a point) or
// "unseen" (a sometimes that was not: not a failure of one run).
type AssertDoc struct {
	Type   string `json:"type"` // "assertion"
	Line   int    `json:"line"`
	Text   string `json:"text"`
	Kind   string `json:"kind"`
	Result string `json:"result"`
	Cycle  uint64 `json:"cycle,omitempty"`
	At     string `json:"at,omitempty"`
	State  string `json:"state,omitempty"`
	Points uint64 `json:"points"`
}

// AssertDocs returns the run's AssertDocs, in the order of the lines.
func (s *Scenario) AssertDocs(o *Outcome) []AssertDoc {
	var docs []AssertDoc
	for i, r := range o.Asserts {
		a := &s.Asserts[i]
		d := AssertDoc{Type: "assertion", Line: a.Pos.Line, Text: a.Text, Kind: a.Kind.String(), Points: r.Points}
		switch {
		case r.Failed:
			d.Result = "failed"
		case r.Seen:
			d.Result = "seen"
		case a.Kind == AssertAlways:
			d.Result = "held"
		default:
			d.Result = "unseen"
		}
		if r.Failed || r.Seen {
			d.Cycle, d.At, d.State = r.Cycle, r.At, r.State
		}
		docs = append(docs, d)
	}
	return docs
}

// WriteAssertJSON writes the run's AssertDocs, one JSON document a line,
// after what WriteRunJSON writes.
func (s *Scenario) WriteAssertJSON(w io.Writer, o *Outcome) error {
	enc := jsonLines(w)
	for _, d := range s.AssertDocs(o) {
		if err := enc.Encode(d); err != nil {
			return err
		}
	}
	return nil
}

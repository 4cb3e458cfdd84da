package sim

import "fmt"

// Invariant checking in scenarios (ipcsim run, test and explore --check;
// kernel.Config.CheckInvariants): every host's kernel checks its
// invariants at every step of the run, and the first broken one stops
// that host (kernel.StopInvariant). Check and CheckRun report the break
// as a mismatch, first of all; a seed loop reports it for the seed.

// WithInvariants returns a copy of the scenario whose every run (the
// seeds of its "expect seeds" lines and an explorer's schedules too)
// checks the kernel's invariants at every step; the copy shares
// everything else with s.
func (s *Scenario) WithInvariants() *Scenario {
	c := *s
	c.CheckInvariants = true
	return &c
}

// BrokenInvariant returns the kernel invariant that stopped the run, as a
// sentence ("kernel invariant "files" broken at cycle 1234: ...", after
// "host alice: " in a scenario with hosts), or "" if none broke.
func (o *Outcome) BrokenInvariant() string {
	if len(o.Hosts) == 0 {
		if ie := o.Result.Invariant; ie != nil {
			return ie.Error()
		}
		return ""
	}
	for _, h := range o.Hosts {
		if ie := h.Result.Invariant; ie != nil {
			if h.Name != "" {
				return fmt.Sprintf("host %s: %v", h.Name, ie)
			}
			return ie.Error()
		}
	}
	return ""
}

// checkInvariants fails a run that broke a kernel invariant, at the top of
// the file: whatever else the run gave, the kernel went wrong.
func (s *Scenario) checkInvariants(o *Outcome) (Mismatch, bool) {
	b := o.BrokenInvariant()
	if b == "" {
		return Mismatch{}, true
	}
	return Mismatch{Pos: Pos{Filename: s.Path, Line: 1, Col: 1}, What: "invariants", Msg: b}, false
}

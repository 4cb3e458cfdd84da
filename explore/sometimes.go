package explore

import "ipcsim/sim"

// Sometimes returns, for each assertion of the scenario, how many of the
// schedules of the report saw its condition true at a point: a sometimes
// assertion that none saw fails the exploration (Sometimes). Each run
// checks its always and eventually assertions itself (sim's CheckRun).
// The counts come from Runs, so that a merged report has those of the
// whole exploration.
func (r *Report) Sometimes(s *sim.Scenario) []int {
	seen := make([]int, len(s.Asserts))
	for _, ran := range r.Runs {
		for i, ok := range ran.Seen {
			if ok && i < len(seen) {
				seen[i]++
			}
		}
	}
	return seen
}

// SometimesMismatches returns the sometimes assertions of the scenario that
// no schedule of the report saw true.
func (r *Report) SometimesMismatches(s *sim.Scenario) []sim.Mismatch {
	return s.CheckSometimes(r.Sometimes(s), r.Schedules, "schedules")
}

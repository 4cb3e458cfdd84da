package main

import (
	"ipcsim/explore"
	"ipcsim/sim"
)

// replayToken reads the replay token text for scenario s, as ipcsim run
// --replay and ipcsim step --replay take it: it refuses a token of
// another build of ipcsim or of another version of the scenario, and
// returns the token and the scenario its run needs (s with the token's
// network faults applied). A run of it takes tok.Options(): a new policy
// each time, and the fault plan.
func replayToken(s *sim.Scenario, text string) (*sim.Scenario, explore.Token, error) {
	tok, err := explore.ParseToken(text)
	if err == nil {
		err = tok.Check(explore.Build(), s.Fingerprint())
	}
	if err == nil {
		s, err = tok.ApplyNet(s)
	}
	if err != nil {
		return nil, explore.Token{}, err
	}
	return s, tok, nil
}

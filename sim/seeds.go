package sim

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Seed ranges: "expect seeds 1..100 sometimes exit racer 1" states a fact
// over many runs of the scenario, one per seed, each with the machine's seed
// set to it and everything else unchanged. The seed picks where the timer
// preempts (the jitter of each time slice), so a range of seeds is a range
// of interleavings, each reproducible: "ipcsim run --seed 17 FILE" shows
// the run behind seed 17.

// WithSeed returns a copy of the scenario whose machine runs with the given
// seed; the copy shares everything else with s. It is how a scenario runs
// under another seed (ipcsim run --seed N) without editing the file.
func (s *Scenario) WithSeed(seed uint64) *Scenario {
	c := *s
	c.Machine.Seed = seed
	return &c
}

// seedRun is the outcome of one run of a seed loop, or why it could not run.
type seedRun struct {
	o   *Outcome
	err error
}

// runSeeds runs the scenario once for every seed that a seed range of its
// expect lines names, in increasing order of seed, and returns each run by
// seed. A seed named by several ranges runs once. The runs keep no trace.
func (s *Scenario) runSeeds() map[uint64]seedRun {
	want := map[uint64]bool{}
	for _, e := range s.Expects {
		if r := e.Seeds; r != nil {
			for i := uint64(0); i < r.Len(); i++ {
				want[r.From+i] = true
			}
		}
	}
	seeds := make([]uint64, 0, len(want))
	for seed := range want {
		seeds = append(seeds, seed)
	}
	sort.Slice(seeds, func(i, j int) bool { return seeds[i] < seeds[j] })
	runs := make(map[uint64]seedRun, len(seeds))
	for _, seed := range seeds {
		c := s.WithSeed(seed)
		c.Wants = nil // nothing to render: keep no trace
		o, err := c.Run(Options{})
		runs[seed] = seedRun{o, err}
	}
	return runs
}

// checkSeeds returns "" if the expect line over a seed range holds for the
// runs, or which seeds broke it and how.
func (s *Scenario) checkSeeds(e Expect, runs map[uint64]seedRun) string {
	r := e.Seeds
	one := e
	one.Seeds = nil
	var held, broke []uint64
	var firstBroke string // what happened in the first seed that broke an always or sometimes
	for i := uint64(0); i < r.Len(); i++ {
		seed := r.From + i
		run := runs[seed]
		if run.err != nil {
			return fmt.Sprintf("seed %d: %v", seed, run.err)
		}
		if s.checkExpect(one, run.o) == "" {
			held = append(held, seed)
			continue
		}
		broke = append(broke, seed)
		if firstBroke == "" {
			firstBroke = fmt.Sprintf("seed %d: %s", seed, s.describe(one, run.o))
		}
	}
	span := seedSpan(r.From, r.To)
	switch {
	case r.Quantifier == Always && len(held) == 0, r.Quantifier == Sometimes && len(held) == 0:
		return fmt.Sprintf("no seed of %s gave %s; %s", span, r.What, firstBroke)
	case r.Quantifier == Always && len(broke) > 0:
		return fmt.Sprintf("%s of %s did not give %s; %s", seedList(broke), span, r.What, firstBroke)
	case r.Quantifier == Never && len(broke) == 0:
		return fmt.Sprintf("every seed of %s gave %s", span, r.What)
	case r.Quantifier == Never && len(held) > 0:
		return fmt.Sprintf("%s of %s gave %s", seedList(held), span, r.What)
	}
	return ""
}

// describe says in one line what a run gave where e expected something
// else: how the process ended, or what the console held.
func (s *Scenario) describe(e Expect, o *Outcome) string {
	if e.Kind != ExpectConsole {
		return s.checkExpect(e, o)
	}
	const max = 120
	c := o.Console
	if len(c) > max {
		return fmt.Sprintf("the console held %s... (%d bytes)", strconv.Quote(string(c[:max])), len(c))
	}
	return "the console held " + strconv.Quote(string(c))
}

// seedSpan renders a range of seeds: "1..100", or "7" for one seed.
func seedSpan(from, to uint64) string {
	if from == to {
		return strconv.FormatUint(from, 10)
	}
	return strconv.FormatUint(from, 10) + ".." + strconv.FormatUint(to, 10)
}

// maxListed is how many items seedList names before it counts the rest.
const maxListed = 10

// seedList renders increasing seeds for a message: "seed 3", "seeds 3, 17
// and 42"; three or more consecutive seeds are a span ("seeds 1..40 and
// 42"), and beyond maxListed items the rest are counted.
func seedList(seeds []uint64) string {
	var items []string
	for i := 0; i < len(seeds); {
		j := i
		for j+1 < len(seeds) && seeds[j+1] == seeds[j]+1 {
			j++
		}
		if j-i >= 2 {
			items = append(items, seedSpan(seeds[i], seeds[j]))
			i = j + 1
			continue
		}
		items = append(items, strconv.FormatUint(seeds[i], 10))
		i++
	}
	word := "seeds "
	if len(seeds) == 1 {
		word = "seed "
	}
	if len(items) > maxListed {
		return fmt.Sprintf("%s%s and more (%d seeds in all)", word, strings.Join(items[:maxListed], ", "), len(seeds))
	}
	if n := len(items); n > 1 {
		return word + strings.Join(items[:n-1], ", ") + " and " + items[n-1]
	}
	return word + items[0]
}

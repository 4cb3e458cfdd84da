package sim

import (
	"errors"
	"fmt"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
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

// seedTally is what the runs of a seed range gave for one expect line: the
// seeds for which the rest of the line held and those for which it did not.
// The runs themselves are not kept: a thousand runs of a scenario may each
// have written a megabyte to the console.
type seedTally struct {
	held, broke []uint64 // in increasing order
	firstBroke  string   // what happened in the first seed that broke the line
	err         string   // the first run that could not start, if any

	// asserts, under assertTallyKey, is the assertions over the runs
	// (assert_check.go).
	asserts *assertSweep
}

// runSeeds runs the scenario once for every seed that a seed range of its
// expect lines names, checks each such line against each run of its range
// as the run ends, and returns the tally of each line by its index in
// s.Expects. A seed named by several ranges runs once. The runs keep no
// trace.
//
// The runs go on every core (GOMAXPROCS workers, each run on one
// goroutine, as it would alone), a batch of seeds at a time; each run's
// checks are merged into the tallies in increasing order of seed, so the
// tallies, and what Check says, do not depend on the number of workers or
// their timing.
func (s *Scenario) runSeeds() map[int]*seedTally {
	return s.runSeedsOn(runtime.GOMAXPROCS(0))
}

// seedBatch is how many runs per worker a batch of runSeedsOn holds: the
// checks of a batch wait in memory until it is merged.
const seedBatch = 64

// runSeedsOn is runSeeds on the given number of workers.
func (s *Scenario) runSeedsOn(workers int) map[int]*seedTally {
	tallies := s.seedTallies()
	want := map[uint64]bool{}
	for _, e := range s.Expects {
		if r := e.Seeds; r != nil {
			for j := uint64(0); j < r.Len(); j++ {
				want[r.From+j] = true
			}
		}
	}
	seeds := make([]uint64, 0, len(want))
	for seed := range want {
		seeds = append(seeds, seed)
	}
	sort.Slice(seeds, func(i, j int) bool { return seeds[i] < seeds[j] })
	workers = max(1, min(workers, len(seeds)))
	for len(seeds) > 0 {
		batch := seeds[:min(len(seeds), workers*seedBatch)]
		seeds = seeds[len(batch):]
		// The tally of each run alone, by its place in the batch.
		ran := make([]map[int]*seedTally, len(batch))
		var next atomic.Int64
		var wg sync.WaitGroup
		for range workers {
			wg.Go(func() {
				for i := int(next.Add(1) - 1); i < len(batch); i = int(next.Add(1) - 1) {
					o, err := s.runSeed(batch[i])
					ran[i] = s.seedTallies()
					s.tallySeed(ran[i], batch[i], o, err)
				}
			})
		}
		wg.Wait()
		for _, one := range ran {
			for i, t := range one {
				all := tallies[i]
				all.held = append(all.held, t.held...)
				all.broke = append(all.broke, t.broke...)
				if all.firstBroke == "" {
					all.firstBroke = t.firstBroke
				}
				if all.err == "" {
					all.err = t.err
				}
				if t.asserts != nil {
					all.asserts.merge(t.asserts)
				}
			}
		}
	}
	return tallies
}

// runSeed is one run of a seed loop: the scenario with the machine's seed
// set to seed, keeping no trace.
func (s *Scenario) runSeed(seed uint64) (*Outcome, error) {
	c := s.WithSeed(seed)
	c.Wants = nil // nothing to render: keep no trace
	return c.Run(Options{})
}

// seedTallies returns an empty tally for each expect line over a seed
// range, by its index in s.Expects.
func (s *Scenario) seedTallies() map[int]*seedTally {
	tallies := map[int]*seedTally{}
	for i, e := range s.Expects {
		if e.Seeds != nil {
			tallies[i] = &seedTally{}
		}
	}
	if len(s.Asserts) > 0 {
		tallies[assertTallyKey] = &seedTally{asserts: &assertSweep{}}
	}
	return tallies
}

// tallySeed checks the run with one seed (its outcome, or why it could not
// run) against every expect line whose range holds the seed. Seeds come in
// increasing order.
func (s *Scenario) tallySeed(tallies map[int]*seedTally, seed uint64, o *Outcome, err error) {
	if err == nil && o.BrokenInvariant() != "" {
		err = errors.New(o.BrokenInvariant()) // the kernel went wrong: the run shows nothing
	}
	if t := tallies[assertTallyKey]; t != nil {
		t.asserts.add(s, seed, o, err)
	}
	for i, e := range s.Expects {
		r := e.Seeds
		if r == nil || seed < r.From || seed > r.To {
			continue
		}
		t := tallies[i]
		if err != nil {
			if t.err == "" {
				t.err = fmt.Sprintf("seed %d: %v", seed, err)
			}
			continue
		}
		one := e
		one.Seeds = nil
		if s.checkExpect(one, o) == "" {
			t.held = append(t.held, seed)
			continue
		}
		t.broke = append(t.broke, seed)
		if t.firstBroke == "" {
			t.firstBroke = fmt.Sprintf("seed %d: %s", seed, s.describe(one, o))
		}
	}
}

// checkSeeds returns "" if the expect line over a seed range holds for the
// runs tallied in t, or which seeds broke it and how.
func (s *Scenario) checkSeeds(e Expect, t *seedTally) string {
	if t.err != "" {
		return t.err
	}
	r := e.Seeds
	held, broke, firstBroke := t.held, t.broke, t.firstBroke
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
	h := o.host(e.Host)
	c := h.Console
	if h.ConsoleExceeded() {
		return consoleExceeded(h)
	}
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

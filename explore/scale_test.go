package explore

import (
	"fmt"
	"math/big"
	"reflect"
	"runtime"
	"slices"
	"testing"
)

// TestWorkersDoNotMatter: the report, the first failure and every token
// are the same with 1 or 4 workers, and with GOMAXPROCS 1 or 2, for
// every strategy, stopping at the first failure or not.
func TestWorkersDoNotMatter(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, name := range []string{"explore_counter.txtar", "threads_explore_race.txtar"} {
		s := load(t, name)
		n := 60
		if name == "threads_explore_race.txtar" {
			n = 12
		}
		for _, strategy := range Strategies {
			for _, all := range []bool{false, true} {
				var first *Report
				for _, procs := range []int{1, 2} {
					runtime.GOMAXPROCS(procs)
					for _, workers := range []int{1, 4} {
						rep, err := Explore(s, Config{Strategy: strategy, Schedules: n, Seed: 5, All: all, Build: "test", Workers: workers})
						if err != nil {
							t.Fatal(err)
						}
						if first == nil {
							first = rep
							if len(rep.Failures) == 0 {
								t.Errorf("%s %s all=%v: no failure in %d schedules", name, strategy, all, n)
							}
							continue
						}
						if !reflect.DeepEqual(rep, first) {
							t.Errorf("%s %s all=%v: GOMAXPROCS %d, %d workers: another report:\n%s\nwant\n%s", name, strategy, all, procs, workers, summary(rep), summary(first))
						}
					}
				}
			}
		}
	}
}

func summary(r *Report) string {
	out := fmt.Sprintf("%d schedules, %d instructions, k %d, pb %d/%d\n", r.Schedules, r.Instructions, r.K, r.PBK, r.PBW)
	for _, f := range r.Failures {
		out += fmt.Sprintf("  %d %s %v\n", f.Schedule, f.Token, f.Shrunk)
	}
	return out
}

// TestShardsMerge: the shards 0/n..n-1/n of an exploration, run apart
// and merged, give the report of the exploration run whole.
func TestShardsMerge(t *testing.T) {
	s := load(t, "explore_counter.txtar")
	for _, strategy := range Strategies {
		for _, all := range []bool{false, true} {
			cfg := Config{Strategy: strategy, Schedules: 40, Seed: 3, All: all, Build: "test", Workers: 2}
			whole, err := Explore(s, cfg)
			if err != nil {
				t.Fatal(err)
			}
			for _, n := range []int{2, 3, 7} {
				var reps []*Report
				for i := range n {
					c := cfg
					c.Shard, c.Shards = i, n
					rep, err := Explore(s, c)
					if err != nil {
						t.Fatal(err)
					}
					for _, r := range rep.Runs {
						if r.Schedule%n != i {
							t.Errorf("shard %d/%d ran schedule %d", i, n, r.Schedule)
						}
					}
					reps = append(reps, rep)
				}
				if got := Merge(all, reps...); !reflect.DeepEqual(got, whole) {
					t.Errorf("%s all=%v: %d shards merged:\n%s\nwant\n%s", strategy, all, n, summary(got), summary(whole))
				}
			}
		}
	}
}

// TestDefaultFindsWithin10: the default strategy, the portfolio, finds the
// lost updates of the unlocked counters within 10 schedules.
func TestDefaultFindsWithin10(t *testing.T) {
	for _, name := range []string{"explore_counter.txtar", "threads_explore_race.txtar"} {
		rep, err := Explore(load(t, name), Config{Schedules: 10, Build: "test", NoShrink: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Failures) == 0 {
			t.Errorf("%s: the portfolio found nothing in 10 schedules", name)
			continue
		}
		t.Logf("%s: schedule %d, %s", name, rep.Failures[0].Schedule, rep.Failures[0].Token)
	}
}

// TestPBEnumeration: pb's runs are the schedules of 0, then 1, 2, ...
// preemptions, each once: C(k,c) w^c of depth c, at points of 1..k in
// increasing order, with ranks below w; pbSpace counts them all.
func TestPBEnumeration(t *testing.T) {
	for _, c := range []struct {
		k uint64
		w int
	}{{1, 1}, {5, 1}, {6, 2}, {9, 3}, {13, 1}} {
		space := pbSpace(c.k, c.w)
		seen := map[string]bool{}
		perDepth := map[int]uint64{}
		depth := 0
		for n := uint64(0); n < space; n++ {
			plan, ok := pbPlan(n, c.k, c.w)
			if !ok {
				t.Fatalf("k=%d w=%d: no run %d of %d", c.k, c.w, n, space)
			}
			if len(plan) < depth {
				t.Fatalf("k=%d w=%d: run %d has %d preemptions after a run of %d", c.k, c.w, n, len(plan), depth)
			}
			depth = len(plan)
			perDepth[depth]++
			for i, p := range plan {
				if p.point < 1 || p.point > c.k || p.rank >= uint64(c.w) || (i > 0 && plan[i-1].point >= p.point) {
					t.Fatalf("k=%d w=%d: run %d: bad plan %v", c.k, c.w, n, plan)
				}
			}
			key := fmt.Sprint(plan)
			if seen[key] {
				t.Fatalf("k=%d w=%d: run %d repeats %v", c.k, c.w, n, plan)
			}
			seen[key] = true
		}
		if _, ok := pbPlan(space, c.k, c.w); ok {
			t.Errorf("k=%d w=%d: a run %d beyond the %d", c.k, c.w, space, space)
		}
		for d, got := range perDepth {
			want := new(big.Int).Binomial(int64(c.k), int64(d))
			want.Mul(want, new(big.Int).Exp(big.NewInt(int64(c.w)), big.NewInt(int64(d)), nil))
			if want.Uint64() != got {
				t.Errorf("k=%d w=%d: %d runs of %d preemptions, want %s", c.k, c.w, got, d, want)
			}
		}
	}
	// The first runs of depth 1 spread over the run.
	var first []uint64
	for n := uint64(1); n <= 5; n++ {
		plan, _ := pbPlan(n, 100, 1)
		first = append(first, plan[0].point)
	}
	if want := []uint64{1, 64, 27, 90, 53}; !slices.Equal(first, want) {
		t.Errorf("the first points of depth 1 for k=100: %v, want %v", first, want)
	}
	for _, c := range [][2]uint64{{10, 3}, {64, 32}, {1000, 3}, {1 << 40, 2}, {200, 100}, {300, 150}} {
		want := new(big.Int).Binomial(int64(c[0]), int64(c[1]))
		got := binom(c[0], c[1])
		if want.IsUint64() && want.Uint64() != got || !want.IsUint64() && got != ^uint64(0) {
			t.Errorf("binom(%d, %d) = %d, want %s", c[0], c[1], got, want)
		}
	}
}

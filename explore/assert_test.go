package explore

import (
	"os"
	"strings"
	"testing"

	"ipcsim/sim"
)

// assertCounterScenario returns assert_counter.txtar with its expect lines taken
// out (so that only its assertions can fail a schedule) and, if locked,
// its plain lw, addi, sw made one amoadd.w: an update nothing can lose.
func assertCounterScenario(t *testing.T, locked bool, extra ...string) *sim.Scenario {
	t.Helper()
	const path = "../testdata/scenarios/assert_counter.txtar"
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, l := range strings.Split(string(data), "\n") {
		if !strings.HasPrefix(l, "expect ") {
			lines = append(lines, l)
		}
		if strings.HasPrefix(l, "spawn ") {
			lines = append(lines, extra...)
		}
	}
	src := strings.Join(lines, "\n")
	if locked {
		const race = "add:\tlw t1, 0(s1)\t\t\t# the race: load,\n\taddi t1, t1, 1\t\t\t# add,\n\tsw t1, 0(s1)\t\t\t# store\n"
		if !strings.Contains(src, race) {
			t.Fatal("assert_counter's loop is not as this test knows it")
		}
		src = strings.Replace(src, race, "add:\tli t1, 1\n\tamoadd.w zero, t1, (s1)\n", 1)
	}
	s, err := sim.Parse(path, []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestExploreAlways: explore breaks the always line of the unlocked
// counter, with a token whose replay breaks it too, and never that of the
// locked one.
func TestExploreAlways(t *testing.T) {
	const line = "always !exited race || shm 0x1234[0] == 6"
	s := assertCounterScenario(t, false)
	rep, err := Explore(s, Config{Schedules: 100, Build: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Failures) != 1 {
		t.Fatalf("unlocked: %d failures in %d schedules, want the first", len(rep.Failures), rep.Schedules)
	}
	f := rep.Failures[0]
	if len(f.Mismatches) != 1 || f.Mismatches[0].What != line || !strings.Contains(f.Mismatches[0].Msg, "race (pid 2) exited with status 1") {
		t.Fatalf("unlocked: the failure is not the always line: %v", f.Mismatches)
	}
	o, err := run(s, f.Token.Policy())
	if err != nil {
		t.Fatal(err)
	}
	if ms := s.CheckRun(o); len(ms) != 1 || ms[0] != f.Mismatches[0] {
		t.Errorf("the replay of %s gives %v, want %v", f.Token, ms, f.Mismatches)
	}

	locked := assertCounterScenario(t, true)
	rep, err = Explore(locked, Config{Schedules: 200, All: true, Build: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Failures) > 0 {
		t.Errorf("locked: %d of %d schedules fail, the first: %v", len(rep.Failures), rep.Schedules, rep.Failures[0].Mismatches)
	}
}

// TestExploreSometimes: a sometimes line is counted over the schedules, on
// their own and merged from shards; one that no schedule sees fails.
func TestExploreSometimes(t *testing.T) {
	s := assertCounterScenario(t, true, "sometimes shm 0x1234[0] == 7", "sometimes exited pid 3 && state race == runnable")
	cfg := Config{Schedules: 60, All: true, Build: "test"}
	rep, err := Explore(s, cfg)
	if err != nil {
		t.Fatal(err)
	}
	// The lines: the two above, then two always, eventually and
	// sometimes state race == blocked.
	seen := rep.Sometimes(s)
	if len(seen) != 6 || seen[5] == 0 || seen[5] == 60 || seen[0] != 0 || seen[1] == 0 {
		t.Fatalf("seen %v in %d schedules: want the blocked parent in some but not all, 7 in none, the child done first in some", seen, rep.Schedules)
	}
	ms := rep.SometimesMismatches(s)
	if len(ms) != 1 || ms[0].What != "sometimes shm 0x1234[0] == 7" || ms[0].Msg != "never true in 60 schedules" {
		t.Errorf("mismatches %v", ms)
	}
	var shards []*Report
	for i := range 3 {
		c := cfg
		c.Shard, c.Shards = i, 3
		r, err := Explore(s, c)
		if err != nil {
			t.Fatal(err)
		}
		shards = append(shards, r)
	}
	merged := Merge(true, shards...).Sometimes(s)
	for i := range seen {
		if merged[i] != seen[i] {
			t.Errorf("merged shards saw %v, the whole %v", merged, seen)
			break
		}
	}
}

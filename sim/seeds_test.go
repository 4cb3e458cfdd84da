package sim

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"ipcsim/kernel"
)

func TestParseSeeds(t *testing.T) {
	src := "spawn hello.s\n" +
		"expect seeds 1..100 sometimes exit hello 1   # a comment\n" +
		"expect seeds 5..5 never signal pid 3 SIGSEGV\n" +
		"\texpect seeds 0..999 always console \"hi\\n\"\n" +
		"-- hello.s --\n" + helloSrc
	s, err := parse("x.txtar", []byte(src), noDisk)
	if err != nil {
		t.Fatal(err)
	}
	var got []Expect
	for _, e := range s.Expects {
		got = append(got, e)
	}
	want := []Expect{
		{Pos: Pos{Filename: "x.txtar", Line: 2, Col: 1}, Text: "expect seeds 1..100 sometimes exit hello 1", Kind: ExpectExit,
			Who: Who{Spawn: 0, Name: "hello", col: 36}, Status: 1,
			Seeds: &SeedRange{From: 1, To: 100, Quantifier: Sometimes, What: "exit hello 1"}},
		{Pos: Pos{Filename: "x.txtar", Line: 3, Col: 1}, Text: "expect seeds 5..5 never signal pid 3 SIGSEGV", Kind: ExpectSignal,
			Who: Who{Spawn: -1, PID: 3, Name: "pid 3"}, Signal: 11,
			Seeds: &SeedRange{From: 5, To: 5, Quantifier: Never, What: "signal pid 3 SIGSEGV"}},
		{Pos: Pos{Filename: "x.txtar", Line: 4, Col: 2}, Text: `expect seeds 0..999 always console "hi\n"`, Kind: ExpectConsole,
			Console: []byte("hi\n"),
			Seeds:   &SeedRange{From: 0, To: 999, Quantifier: Always, What: `console "hi\n"`}},
	}
	if d := cmp.Diff(want, got, cmp.AllowUnexported(Who{})); d != "" {
		t.Errorf("parse (-want +got):\n%s", d)
	}
	if n := s.Expects[2].Seeds.Len(); n != 1000 {
		t.Errorf("Len of 0..999 = %d", n)
	}
}

func TestParseSeedsErrors(t *testing.T) {
	lines := []string{
		"expect seeds",
		"expect seeds 1-100 always exit hello 0",
		"expect seeds \"1..2\" always exit hello 0",
		"expect seeds 1.. always exit hello 0",
		"expect seeds 10..1 always exit hello 0",
		"expect seeds 1..1001 always exit hello 0",
		"expect seeds 0..18446744073709551615 never exit hello 0",
		"expect seeds 1..100",
		"expect seeds 1..100 mostly exit hello 0",
		"expect seeds 1..100 \"never\" exit hello 0",
		"expect seeds 1..100 never",
		"expect seeds 1..100 never seeds 1..2 never exit hello 0",
		"expect seeds 1..100 never exit hello",
		"expect seeds 1..100 never exit nobody 1",
		"expect seeds 1..100 never console \"x\" extra",
		"expect seeds 1..1000 never exit hello 0 # 1000 seeds are allowed",
	}
	src := "spawn hello.s\n" + strings.Join(lines, "\n") + "\n-- hello.s --\n" + helloSrc
	want := `x.txtar:2:13: expected a seed range such as 1..100 after seeds, found end of line
x.txtar:3:14: bad seed range 1-100: expected FROM..TO such as 1..100
x.txtar:4:14: bad seed range "1..2": expected FROM..TO such as 1..100
x.txtar:5:14: bad seed range 1..: expected FROM..TO such as 1..100
x.txtar:6:14: bad seed range 10..1: expected FROM..TO with FROM at most TO
x.txtar:7:14: seed range 1..1001 holds more than 1000 seeds: a scenario runs once per seed, at most 1000 times per range
x.txtar:8:14: seed range 0..18446744073709551615 holds more than 1000 seeds: a scenario runs once per seed, at most 1000 times per range
x.txtar:9:20: expected always, sometimes or never after seeds 1..100, found end of line
x.txtar:10:21: expected always, sometimes or never, found mostly
x.txtar:11:21: expected always, sometimes or never, found "never"
x.txtar:12:26: expected exit, signal or console after never, found end of line
x.txtar:13:27: expected exit, signal or console after never, found seeds
x.txtar:14:37: expected an exit status after expect exit hello, found end of line
x.txtar:15:32: no process spawned as "nobody": expected pid N or one of the spawned names (hello)
x.txtar:16:39: expected end of line, found extra`
	_, err := parse("x.txtar", []byte(src), noDisk)
	var list ErrorList
	if !errors.As(err, &list) {
		t.Fatalf("error %v (%T), want an ErrorList", err, err)
	}
	if d := cmp.Diff(strings.Split(want, "\n"), strings.Split(err.Error(), "\n")); d != "" {
		t.Errorf("errors (-want +got):\n%s", d)
	}
}

func TestSeedList(t *testing.T) {
	for _, tt := range []struct {
		seeds []uint64
		want  string
	}{
		{[]uint64{7}, "seed 7"},
		{[]uint64{3, 4}, "seeds 3 and 4"},
		{[]uint64{3, 17, 42}, "seeds 3, 17 and 42"},
		{[]uint64{1, 2, 3, 4, 9, 11, 12, 13}, "seeds 1..4, 9 and 11..13"},
		{[]uint64{1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23}, "seeds 1, 3, 5, 7, 9, 11, 13, 15, 17, 19 and more (12 seeds in all)"},
	} {
		if got := seedList(tt.seeds); got != tt.want {
			t.Errorf("seedList(%v) = %q, want %q", tt.seeds, got, tt.want)
		}
	}
}

// TestCheckSeeds checks the quantifiers and their messages on made-up runs:
// seed N exits with status N%3 and prints "N\n".
func TestCheckSeeds(t *testing.T) {
	src := `spawn hello.s
expect seeds 1..6 sometimes exit hello 2
expect seeds 1..6 sometimes exit hello 7
expect seeds 1..6 never exit hello 2
expect seeds 3..3 never exit hello 0
expect seeds 1..6 always exit hello 1
expect seeds 1..2 always exit hello 0
expect seeds 1..6 always signal hello SIGSEGV
expect seeds 3..3 always exit hello 0
expect seeds 1..2 never console "3\n"
expect seeds 1..6 always console "3\n"
-- hello.s --
` + helloSrc
	s, err := parse("x.txtar", []byte(src), noDisk)
	if err != nil {
		t.Fatal(err)
	}
	tallies := s.seedTallies()
	for seed := uint64(1); seed <= 6; seed++ {
		s.tallySeed(tallies, seed, &Outcome{
			Console: []byte(fmt.Sprintf("%d\n", seed)),
			PIDs:    []int{2},
			Result:  kernel.Result{Exits: []kernel.Exit{{PID: 2, Name: "hello", Status: int(seed%3) << 8}}},
		}, nil)
	}
	want := []string{
		"",
		"no seed of 1..6 gave exit hello 7; seed 1: pid 2 (hello) exited with status 1",
		"seeds 2 and 5 of 1..6 gave exit hello 2",
		"every seed of 3 gave exit hello 0",
		"seeds 2, 3, 5 and 6 of 1..6 did not give exit hello 1; seed 2: pid 2 (hello) exited with status 2",
		"no seed of 1..2 gave exit hello 0; seed 1: pid 2 (hello) exited with status 1",
		"no seed of 1..6 gave signal hello SIGSEGV; seed 1: pid 2 (hello) exited with status 1",
		"",
		"",
		`seeds 1, 2 and 4..6 of 1..6 did not give console "3\n"; seed 1: the console held "1\n"`,
	}
	for i, e := range s.Expects {
		if got := s.checkSeeds(e, tallies[i]); got != want[i] {
			t.Errorf("%s:\ngot  %q\nwant %q", e.Text, got, want[i])
		}
	}
}

// TestCheckRunsSeeds checks a real seed loop end to end: the lost update of
// race_lost_update.txtar happens for some seeds and not for others, and
// Check names exactly the seeds whose own runs (WithSeed, one at a time)
// lost it: a property of the seed loop, whatever each seed's luck is.
func TestCheckRunsSeeds(t *testing.T) {
	s, err := Load("../testdata/scenarios/race_lost_update.txtar")
	if err != nil {
		t.Fatal(err)
	}
	// Each seed alone: which of 1..8 lose an update (pid 2 exits 1).
	var lost []uint64
	right := uint64(0)
	for n := uint64(1); n <= 8; n++ {
		o, err := s.WithSeed(n).Run(Options{})
		if err != nil {
			t.Fatal(err)
		}
		switch exits := FormatExits(o.Result); {
		case strings.Contains(exits, "pid 2 (race): exited with status 1\n"):
			lost = append(lost, n)
		case strings.Contains(exits, "pid 2 (race): exited with status 0\n"):
			if right == 0 {
				right = n
			}
		default:
			t.Fatalf("seed %d: exits\n%s", n, exits)
		}
	}
	if len(lost) == 0 || right == 0 {
		t.Fatalf("seeds 1..8: lost %v, want some seeds that lose and some that do not", lost)
	}
	// The same machine and program, other expect lines, no want/ sections.
	prog := string(s.data[s.sections[0].start-len("-- race.s --\n") : s.sections[1].start-len("-- want/console --\n")])
	data := "machine mem=1M quantum=13 jitter=5 seed=1 limit=200000\nspawn race.s\n" +
		"expect seeds 1..8 never exit race 1\n" +
		fmt.Sprintf("expect seeds %d..%d always exit race 0\n", right, right) +
		"expect seeds 1..8 always exit race 0\n" + prog
	s, err = Parse("x.txtar", []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	o, err := s.Run(Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range s.Check(o) {
		got = append(got, m.String())
	}
	want := []string{
		"x.txtar:3:1: expect seeds 1..8 never exit race 1: " + seedList(lost) + " of 1..8 gave exit race 1",
		"x.txtar:5:1: expect seeds 1..8 always exit race 0: " + seedList(lost) + " of 1..8 did not give exit race 0; seed " +
			fmt.Sprint(lost[0]) + ": pid 2 (race) exited with status 1",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("mismatches (-want +got):\n%s", d)
	}
}

// TestWithSeed checks that a seed loop's run is the run that --seed gives,
// with the trace on or off: tracing every instruction does not move the
// preemptions.
func TestWithSeed(t *testing.T) {
	s, err := Load("../testdata/scenarios/race_lost_update.txtar")
	if err != nil {
		t.Fatal(err)
	}
	if c := s.WithSeed(3); c.Machine.Seed != 3 || s.Machine.Seed != 1 {
		t.Fatalf("WithSeed(3): seed %d, original %d", c.Machine.Seed, s.Machine.Seed)
	}
	for seed := uint64(1); seed <= 5; seed++ {
		loop, err := s.runSeed(seed)
		if err != nil {
			t.Fatal(err)
		}
		o, err := s.WithSeed(seed).Run(Options{KeepTrace: true})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := string(loop.Console), string(o.Console); got != want {
			t.Errorf("seed %d: seed loop printed %q, traced run %q", seed, got, want)
		}
	}
}

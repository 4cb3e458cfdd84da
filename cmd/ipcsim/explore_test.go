package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"ipcsim/explore"
)

// TestExploreReplay: explore finds the lost update of explore_counter and
// prints tokens, its own and the shrunk one, for random, pct and pb; run
// --replay of each gives the same bytes every time, with the lost update
// in them; a token of another build is refused.
func TestExploreReplay(t *testing.T) {
	const file = "../../testdata/scenarios/explore_counter.txtar"
	var out, errb bytes.Buffer
	var toks [][]string
	for _, strategy := range []string{"random", "pct", "pb"} {
		out.Reset()
		if st := Main([]string{"explore", "--strategy=" + strategy, "--seed=3", file}, nil, &out, &errb); st != exitFailed {
			t.Fatalf("explore: status %d, want %d\n%s%s", st, exitFailed, out.String(), errb.String())
		}
		m := regexp.MustCompile(`--replay (ipx1:\S+)`).FindAllStringSubmatch(out.String(), -1)
		if len(m) != 2 || !strings.Contains(out.String(), "rate: ") || !strings.Contains(out.String(), "shrunk from ") {
			t.Fatalf("%s: want a token and a shrunk token, and a rate line:\n%s", strategy, out.String())
		}
		toks = append(toks, m...)
	}
	for _, m := range toks {
		var first []byte
		for i := 0; i < 2; i++ {
			var o, e bytes.Buffer
			if st := Main([]string{"run", file, "--replay", m[1]}, nil, &o, &e); st != exitOK {
				t.Fatalf("run --replay %s: status %d: %s", m[1], st, e.String())
			}
			if !strings.Contains(o.String(), "exited with status 1") {
				t.Errorf("the replay of %s does not lose an update:\n%s", m[1], o.String())
			}
			if i == 0 {
				first = o.Bytes()
			} else if !bytes.Equal(first, o.Bytes()) {
				t.Errorf("two replays of %s differ", m[1])
			}
		}
	}
	other := regexp.MustCompile(`^ipx1:[^:]+`).ReplaceAllString(toks[0][1], "ipx1:000000000000")
	var o, e bytes.Buffer
	if st := Main([]string{"run", "--replay=" + other, file}, nil, &o, &e); st != exitBadInput || !strings.Contains(e.String(), "another build of ipcsim") {
		t.Errorf("a token of another build: status %d, %q", st, e.String())
	}
}

// exploreOut runs ipcsim explore with args and returns its output without
// the rate line (the only one that reads the wall clock).
func exploreOut(t *testing.T, args ...string) string {
	t.Helper()
	var out, errb bytes.Buffer
	if st := Main(append([]string{"explore"}, args...), nil, &out, &errb); st != exitFailed && st != exitOK {
		t.Fatalf("explore %v: status %d: %s", args, st, errb.String())
	}
	return regexp.MustCompile(`(?m)^rate: .*\n`).ReplaceAllString(out.String(), "")
}

// TestExploreWorkers: every byte explore prints but the rate line is the
// same with 1 worker and with 4.
func TestExploreWorkers(t *testing.T) {
	const file = "../../testdata/scenarios/explore_counter.txtar"
	for _, args := range [][]string{{"--schedules=40", "--all"}, {"--schedules=40"}, {"--strategy=random", "--schedules=20", "--all"}} {
		one := exploreOut(t, append(args, "--workers=1", file)...)
		four := exploreOut(t, append(args, "--workers=4", file)...)
		if one != four {
			t.Errorf("%v: 1 worker and 4 print differently:\n%s\n---\n%s", args, one, four)
		}
	}
}

// TestExploreShards: the failures that the shards 0/3, 1/3 and 2/3 print,
// put in the order of their schedules, are those of the run whole, and
// their counts add up to its.
func TestExploreShards(t *testing.T) {
	const file = "../../testdata/scenarios/explore_counter.txtar"
	blocks := func(out string) (map[int]string, int) {
		m := map[int]string{}
		re := regexp.MustCompile(`(?m)^--- FAIL: schedule (\d+) `)
		idx := re.FindAllStringSubmatchIndex(out, -1)
		for i, loc := range idx {
			end := strings.Index(out, "\nexplore: ") + 1
			if i+1 < len(idx) {
				end = idx[i+1][0]
			}
			n, _ := strconv.Atoi(out[loc[2]:loc[3]])
			m[n] = out[loc[0]:end]
		}
		var runs int
		if s := regexp.MustCompile(`: (\d+) schedules, \d+ failing`).FindStringSubmatch(out); s != nil {
			runs, _ = strconv.Atoi(s[1])
		}
		return m, runs
	}
	whole, wholeRuns := blocks(exploreOut(t, "--schedules=30", "--all", file))
	got, gotRuns := map[int]string{}, 0
	for i := range 3 {
		out := exploreOut(t, "--schedules=30", "--all", "--shard="+strconv.Itoa(i)+"/3", file)
		if !strings.Contains(out, ", shard "+strconv.Itoa(i)+"/3, seed 0:") {
			t.Errorf("shard %d/3: no shard in the summary:\n%s", i, out)
		}
		m, runs := blocks(out)
		for n, b := range m {
			if n%3 != i {
				t.Errorf("shard %d/3 printed schedule %d", i, n)
			}
			got[n] = b
		}
		gotRuns += runs
	}
	if len(whole) == 0 || !reflect.DeepEqual(got, whole) || gotRuns != wholeRuns {
		t.Errorf("the shards merged (%d schedules, %d failing) differ from the whole (%d, %d)", gotRuns, len(got), wholeRuns, len(whole))
	}
	for _, bad := range []string{"--shard=3/3", "--shard=1", "--shard=-1/2", "--shard=0/0", "--shard=1/2x", "--workers=0"} {
		var o, e bytes.Buffer
		if st := Main([]string{"explore", bad, file}, nil, &o, &e); st != exitBadInput {
			t.Errorf("%s: status %d, want %d", bad, st, exitBadInput)
		}
	}
}

// TestExploreMerge: the shards 0/3, 1/3 and 2/3 of an exploration, each
// writing its report (--report), merged by ipcsim explore merge, print
// what the exploration run whole prints (but the rate line), with --all
// and without; merge refuses, with status 2, reports that are not the
// shards of one exploration, each once.
func TestExploreMerge(t *testing.T) {
	const file = "../../testdata/scenarios/explore_counter.txtar"
	dir := t.TempDir()
	shards := func(args ...string) []string {
		var files []string
		for i := range 3 {
			f := filepath.Join(dir, fmt.Sprintf("shard%d.json", i))
			exploreOut(t, append(args, "--shard="+strconv.Itoa(i)+"/3", "--report="+f, file)...)
			files = append(files, f)
		}
		return files
	}
	merge := func(files ...string) (int, string, string) {
		var out, errb bytes.Buffer
		st := Main(append([]string{"explore", "merge"}, files...), nil, &out, &errb)
		return st, out.String(), errb.String()
	}
	for _, args := range [][]string{{"--schedules=30", "--all"}, {"--schedules=30"}, {"--strategy=pct", "--schedules=12", "--all"}} {
		whole := exploreOut(t, append(args, file)...)
		files := shards(args...)
		st, got, stderr := merge(files[2], files[0], files[1])
		if st != exitFailed || got != whole {
			t.Errorf("%v: merge: status %d (%s), output differs from the whole's:\n%s\n---\n%s", args, st, stderr, got, whole)
		}
	}
	files := shards("--schedules=30")
	other := filepath.Join(dir, "other.json")
	exploreOut(t, "--schedules=31", "--shard=2/3", "--report="+other, file)
	build := filepath.Join(dir, "build.json")
	b, err := os.ReadFile(files[2])
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(build, regexp.MustCompile(`"build": "[^"]*"`).ReplaceAll(b, []byte(`"build": "000000000000"`)), 0o644)
	scen := filepath.Join(dir, "scenario.json")
	os.WriteFile(scen, regexp.MustCompile(`"scenario": "[^"]*"`).ReplaceAll(b, []byte(`"scenario": "000000000000"`)), 0o644)
	for _, c := range []struct {
		files []string
		want  string
	}{
		{files[:2], "shards missing: 2/3"},
		{[]string{files[0], files[1], files[1], files[2]}, "are both shard 1/3"},
		{[]string{files[0], files[1], other}, "different settings"},
		{[]string{files[0], files[1], build}, "different builds"},
		{[]string{files[0], files[1], scen}, "different scenarios"},
		{[]string{files[0], file}, "not a report"},
		{nil, "expected the report files"},
	} {
		if st, _, stderr := merge(c.files...); st != exitBadInput || !strings.Contains(stderr, c.want) {
			t.Errorf("merge %v: status %d, %q; want %d, %q", c.files, st, stderr, exitBadInput, c.want)
		}
	}
	var o, e bytes.Buffer
	if st := Main([]string{"explore", "--strategy=dpor", "--shard=1/2", file}, nil, &o, &e); st != exitBadInput || !strings.Contains(e.String(), "cannot be split into shards") {
		t.Errorf("dpor --shard: status %d, %q", st, e.String())
	}
}

// TestExploreDeadlock: a schedule that fails because the run deadlocked
// is explained as ipcsim run explains a deadlock: each blocked task and
// what it waits on, then the wait-for cycle, the lines of the scenario's
// own want/exits (threads on futexes, and processes on pipes). The
// scenario is the test's, without its want sections, expecting an exit
// that the deadlock never gives.
func TestExploreDeadlock(t *testing.T) {
	for _, name := range []string{"threads_deadlock", "pipe_deadlock"} {
		data, err := os.ReadFile("../../testdata/scenarios/" + name + ".txtar")
		if err != nil {
			t.Fatal(err)
		}
		src := string(data)
		exits := src[strings.Index(src, "-- want/exits --\n")+len("-- want/exits --\n"):]
		if i := strings.Index(exits, "\n-- "); i >= 0 {
			exits = exits[:i+1]
		}
		blocked := strings.SplitAfterN(exits, "\n", 2)[1] // the lines under "stopped at cycle ...: deadlock"
		if !strings.Contains(blocked, "  wait-for cycle: ") {
			t.Fatalf("%s: no wait-for cycle in its want/exits:\n%s", name, exits)
		}
		abs, err := filepath.Abs("../../testdata")
		if err != nil {
			t.Fatal(err)
		}
		src = src[:strings.Index(src, "-- want/")] // the want sections come last
		src = strings.ReplaceAll(src, "../", abs+"/")
		head := strings.Index(src, "\n-- ") + 1 // the script ends where the first file starts
		if head == 0 {
			head = len(src)
		}
		src = src[:head] + "expect exit deadlock 0\n" + src[head:]
		dir := t.TempDir()
		file := filepath.Join(dir, name+".txtar")
		if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		// pipe_deadlock's C program, built beside it (build/NAME/).
		built, _ := filepath.Glob("../../testdata/scenarios/build/" + name + "/*")
		for _, f := range built {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			to := filepath.Join(dir, "build", name, filepath.Base(f))
			if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(to, b, 0o755); err != nil {
				t.Fatal(err)
			}
		}
		out := exploreOut(t, "--schedules=5", file)
		want := "    why: a deadlock (the schedule again: each blocked task and what it waits on, as ipcsim run prints it):\n" +
			strings.ReplaceAll(strings.TrimSuffix("\n"+blocked, "\n"), "\n  ", "\n      ")[1:] + "\n"
		if !strings.Contains(out, "did not exit (the run stopped: deadlock: every process is blocked)") || !strings.Contains(out, want) {
			t.Errorf("%s: want the deadlock explained:\n%s\ngot:\n%s", name, want, out)
		}
	}
}

// TestExploreRateLine: the rate is that of the schedules explored; the
// time that shrinking and explaining the failures took after them is
// told apart, and not counted in it.
func TestExploreRateLine(t *testing.T) {
	fail := &explore.Report{Schedules: 20, Instructions: 4000, Failures: []explore.Failure{{}}}
	pass := &explore.Report{Schedules: 20, Instructions: 4000}
	for _, c := range []struct {
		rep    *explore.Report
		shrunk bool
		want   string
	}{
		{fail, true, "rate: 200 schedules/s, 4e+04 simulated instructions/s (wall clock, 0.100s; shrinking and explaining the failures took 2.500s more)\n"},
		{fail, false, "rate: 200 schedules/s, 4e+04 simulated instructions/s (wall clock, 0.100s; explaining the failures took 2.500s more)\n"},
		{pass, true, "rate: 200 schedules/s, 4e+04 simulated instructions/s (wall clock, 0.100s)\n"},
	} {
		var b bytes.Buffer
		rateLine(&b, c.rep, 100*time.Millisecond, 2500*time.Millisecond, c.shrunk)
		if b.String() != c.want {
			t.Errorf("got  %q\nwant %q", b.String(), c.want)
		}
	}
	// explore prints it last, with a failure's time apart.
	var out, errb bytes.Buffer
	Main([]string{"explore", "--strategy=pct", "--schedules=20", "../../testdata/scenarios/threads_explore_race.txtar"}, nil, &out, &errb)
	if !regexp.MustCompile(`\nrate: \d+ schedules/s, .* \(wall clock, [0-9.]+s; shrinking and explaining the failures took [0-9.]+s more\)\n$`).MatchString(out.String()) {
		t.Errorf("no rate line with the shrinking apart:\n%s", out.String())
	}
}

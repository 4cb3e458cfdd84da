package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const lostUpdate = "../../testdata/scenarios/race_lost_update.txtar"

// TestRunSeed: --seed replaces the scenario's seed, so the preemptions
// fall elsewhere: seed 1 (the scenario's) loses an update, seed 3 does not.
func TestRunSeed(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{nil, "--- console\ncounter = 5 (want 6)\n"},
		{[]string{"--seed=1"}, "--- console\ncounter = 5 (want 6)\n"},
		{[]string{"--seed", "3"}, "--- console\ncounter = 6 (want 6)\n"},
	} {
		args := append(append([]string{"run"}, tt.args...), lostUpdate)
		st, out, stderr := run(t, args...)
		if st != 0 || !strings.Contains(out, tt.want) {
			t.Errorf("%v: status %d, stderr %q, output ends:\n%s", args, st, stderr, out[max(0, len(out)-200):])
		}
	}
	st, _, stderr := run(t, "run", "--seed=-1", lostUpdate)
	if st != 2 || !strings.Contains(stderr, `invalid value "-1" for flag -seed: bad number "-1": expected a decimal number`) {
		t.Errorf("bad seed: status %d, stderr %q", st, stderr)
	}
}

// TestTestSeed: test --seed checks want/ and expect lines against the run
// with that seed; --update refuses it, since want/ records the scenario's
// own seed.
func TestTestSeed(t *testing.T) {
	st, out, _ := run(t, "test", "--seed=1", lostUpdate)
	if st != 0 || !strings.HasSuffix(out, "1 passed, 0 failed\n") {
		t.Errorf("own seed: status %d, output:\n%s", st, out)
	}
	st, out, _ = run(t, "test", "--seed=3", lostUpdate)
	for _, want := range []string{
		"race_lost_update.txtar:36:1: expect exit race 1: pid 2 (race) exited with status 0\n",
		"want/console differs (-want +got):",
		"-counter = 5 (want 6)\n        +counter = 6 (want 6)\n",
		"0 passed, 1 failed\n",
	} {
		if st != 1 || !strings.Contains(out, want) {
			t.Errorf("seed 3: status %d, want %q in output:\n%s", st, want, out)
		}
	}
	st, out, stderr := run(t, "test", "--update", "--seed=3", lostUpdate)
	if st != 2 || out != "" || !strings.Contains(stderr, "drop --seed") {
		t.Errorf("--update --seed: status %d, stdout %q, stderr %q", st, out, stderr)
	}
}

// TestTestSeedRange: an expect seeds line that does not hold fails the
// scenario and names the seeds; one that holds passes.
func TestTestSeedRange(t *testing.T) {
	data, err := os.ReadFile(lostUpdate)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "lost.txtar")
	src := strings.Replace(string(data), "expect seeds 1..100 sometimes exit race 0\n",
		"expect seeds 1..10 sometimes exit race 0\nexpect seeds 1..10 never exit race 1\n", 1)
	os.WriteFile(file, []byte(src), 0o644)
	st, out, _ := run(t, "test", file)
	want := "--- FAIL: " + file + "\n    " + file + ":40:1: expect seeds 1..10 never exit race 1: seeds 1, 2, 4, 5, 7 and 10 of 1..10 gave exit race 1\n0 passed, 1 failed\n"
	if st != 1 || out != want {
		t.Errorf("status %d, output:\n%s\nwant:\n%s", st, out, want)
	}

	os.WriteFile(file, []byte(strings.Replace(src, "expect seeds 1..10 never exit race 1\n", "", 1)), 0o644)
	if st, out, _ := run(t, "test", file); st != 0 {
		t.Errorf("passing: status %d, output:\n%s", st, out)
	}

	os.WriteFile(file, []byte(strings.Replace(src, "1..10 never", "1..10 seldom", 1)), 0o644)
	st, out, _ = run(t, "test", file)
	if st != 2 || !strings.Contains(out, file+":40:20: expected always, sometimes or never, found seldom") {
		t.Errorf("bad quantifier: status %d, output:\n%s", st, out)
	}
}

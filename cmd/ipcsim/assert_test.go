package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestRunAsserts: ipcsim run ends with the assertions, as text and as
// JSON documents, and a replay of the schedule that explore found
// breaking one exits 1 with its note in the trace.
func TestRunAsserts(t *testing.T) {
	const file = "../../testdata/scenarios/assert_counter.txtar"
	var out, errb bytes.Buffer
	if st := Main([]string{"run", file}, nil, &out, &errb); st != exitOK {
		t.Fatalf("run: status %d: %s", st, errb.String())
	}
	want := `--- assertions
line 31: always shm 0x1234[0] <= 6: held at all 15 points; at the end: shm 0x1234[0] = 6
line 32: always !exited race || shm 0x1234[0] == 6: held at all 15 points; at the end: race (pid 2) exited with status 0, shm 0x1234[0] = 6
line 33: eventually exited pid 3 && zombies == 0: true at cycle 145, when pid 2 entered write: pid 3 exited with status 0, zombies = 0
line 34: sometimes state race == blocked: true at cycle 44, when pid 2 blocked in wait4: state race = sleeping
`
	if !strings.HasSuffix(out.String(), want) {
		t.Errorf("run does not end with\n%s\ngot\n%s", want, out.String())
	}

	out.Reset()
	if st := Main([]string{"run", "--format=json", file}, nil, &out, &errb); st != exitOK {
		t.Fatalf("run --format=json: status %d: %s", st, errb.String())
	}
	var docs []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		var d map[string]any
		if err := json.Unmarshal([]byte(l), &d); err != nil {
			t.Fatalf("%v: %s", err, l)
		}
		if d["type"] == "assertion" {
			docs = append(docs, d)
		}
	}
	if len(docs) != 4 || docs[1]["line"] != 32.0 || docs[1]["result"] != "held" || docs[3]["result"] != "seen" || docs[3]["cycle"] != 44.0 {
		t.Errorf("assertion documents: %v", docs)
	}

	ex := exploreOut(t, file)
	tok := regexp.MustCompile(`--replay (ipx1:\S+)`).FindStringSubmatch(ex)
	if tok == nil || !strings.Contains(ex, "assert_counter.txtar:32:1: always !exited race || shm 0x1234[0] == 6: false at cycle") {
		t.Fatalf("explore does not break the always line:\n%s", ex)
	}
	if !regexp.MustCompile(`(?m)^sometimes: line 34: sometimes state race == blocked: true in \d+ of \d+ schedules$`).MatchString(ex) {
		t.Errorf("explore does not count the sometimes line:\n%s", ex)
	}
	out.Reset()
	if st := Main([]string{"run", "--replay", tok[1], file}, nil, &out, &errb); st != exitFailed {
		t.Fatalf("run --replay: status %d, want %d: %s", st, exitFailed, errb.String())
	}
	for _, s := range []string{"pid 0   assertion failed (line 32): always !exited race || shm 0x1234[0] == 6: false when pid 1 was woken",
		"line 32: always !exited race || shm 0x1234[0] == 6: FAILED: false at cycle"} {
		if !strings.Contains(out.String(), s) {
			t.Errorf("the replay does not say %q:\n%s", s, out.String())
		}
	}
}

// TestExploreSometimesUnseen: a sometimes line no schedule sees fails the
// exploration.
func TestExploreSometimesUnseen(t *testing.T) {
	const file = "../../testdata/scenarios/pipe_full.txtar"
	s := loadWith(t, file, `sometimes pipe#1.bytes > 65536`)
	var out, errb bytes.Buffer
	if st := Main([]string{"explore", "--all", "--no-shrink", "--schedules=6", s}, nil, &out, &errb); st != exitFailed {
		t.Fatalf("explore: status %d, want %d: %s%s", st, exitFailed, out.String(), errb.String())
	}
	for _, want := range []string{"sometimes: line 22: sometimes pipe#1.bytes > 65536: true in 0 of 6 schedules\n",
		"--- FAIL: sometimes assertions of " + s + "\n    " + s + ":22:1: sometimes pipe#1.bytes > 65536: never true in 6 schedules\n"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("explore does not print %q:\n%s", want, out.String())
		}
	}
}

// loadWith writes a copy of the scenario file with the lines put after its
// first spawn line into a temporary directory, and returns its path. The
// scenario must hold its programs.
func loadWith(t *testing.T, file string, lines ...string) string {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	src := string(data)
	i := strings.Index(src, "\nspawn ")
	j := i + 1 + strings.Index(src[i+1:], "\n")
	src = src[:j+1] + strings.Join(lines, "\n") + "\n" + src[j+1:]
	path := filepath.Join(t.TempDir(), filepath.Base(file))
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestRunHostAsserts: in a scenario with hosts, ipcsim run notes an
// assertion in its host's trace lines and exits 1 if one breaks, explore
// tallies them as for one machine, and a line without on HOST is an
// error at its position (exit 2).
func TestRunHostAsserts(t *testing.T) {
	const file = "../../testdata/scenarios/hosts_two.txtar"
	s := loadWith(t, file, "always on alice !exited reader", "sometimes on bob state ticker == sleeping")
	var out, errb bytes.Buffer
	if st := Main([]string{"run", s}, nil, &out, &errb); st != exitFailed {
		t.Fatalf("run: status %d, want %d: %s", st, exitFailed, errb.String())
	}
	for _, want := range []string{
		"       14  bob   pid 0   assertion reached (line 18): sometimes on bob state ticker == sleeping: true when pid 2 blocked in nanosleep: state ticker = sleeping\n",
		"     3013  alice pid 0   assertion failed (line 17): always on alice !exited reader: false when pid 1 was woken: reader (pid 2) exited with status 0\n",
		"--- assertions\nline 17: always on alice !exited reader: FAILED: false at cycle 3013, when pid 1 was woken: reader (pid 2) exited with status 0\n" +
			"line 18: sometimes on bob state ticker == sleeping: true at cycle 14, when pid 2 blocked in nanosleep: state ticker = sleeping\n",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("run does not print %q:\n%s", want, out.String())
		}
	}

	ex := exploreOut(t, "--schedules=5", s)
	for _, want := range []string{s + ":17:1: always on alice !exited reader: false at cycle 3013, when pid 1 was woken",
		"sometimes: line 18: sometimes on bob state ticker == sleeping: true in 1 of 1 schedules\n"} {
		if !strings.Contains(ex, want) {
			t.Errorf("explore does not print %q:\n%s", want, ex)
		}
	}

	bad := loadWith(t, file, "always procs < 3")
	out.Reset()
	errb.Reset()
	if st := Main([]string{"run", bad}, nil, &out, &errb); st != exitBadInput {
		t.Fatalf("run: status %d, want %d", st, exitBadInput)
	}
	if want := bad + ":17:8: expected on HOST after always (the scenario has hosts alice, bob), found procs\n"; errb.String() != want {
		t.Errorf("run says %q, want %q", errb.String(), want)
	}
}

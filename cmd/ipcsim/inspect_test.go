package main

import (
	"encoding/json"
	"ipcsim/internal/golden"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ipcsim/sim"
)

var update = golden.Update // go test ./... -update

const pipeFullScenario = "../../testdata/scenarios/pipe_full.txtar"

// pipeFullBlocked is a cycle of pipe_full.txtar at which the producer
// (pid 2) is blocked writing into the full pipe and the consumer (pid 3)
// is still asleep: the producer blocks at cycle 61, the consumer wakes at
// 5068.
const pipeFullBlocked = "2000"

// TestInspectText compares the text snapshot with the golden file;
// with -update it rewrites the golden file first.
func TestInspectText(t *testing.T) {
	st, out, stderr := run(t, "inspect", "--at="+pipeFullBlocked, pipeFullScenario)
	if st != exitOK || stderr != "" {
		t.Fatalf("status %d, stderr %q", st, stderr)
	}
	golden := filepath.Join("testdata", "inspect_pipe_full.golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./cmd/ipcsim -run TestInspectText -update to record it)", err)
	}
	if out != string(want) {
		t.Errorf("inspect --at=%s differs from %s (-want +got):\n%s", pipeFullBlocked, golden, sim.Diff(want, []byte(out)))
	}
	// The lines a reader looks for, whatever else the golden file holds.
	for _, line := range []string{
		"state at cycle 2000\n",
		"write: pipe#1 full (65536/65536)",
		"pipe#1: 65536 bytes unread in 16 of 16 slots (capacity 65536), readers 1, writers 1\n",
		"[################]  tail at slot 0, head at slot 0\n",
		"waiting: pid 2 (write)\n",
	} {
		if !strings.Contains(out, line) {
			t.Errorf("output lacks %q:\n%s", line, out)
		}
	}
}

// snapshot is the JSON shape of "ipcsim inspect --format=json", spelled out
// here so that the test checks the field names users depend on.
type snapshot struct {
	Cycle uint64 `json:"cycle"`
	Procs []struct {
		PID     int       `json:"pid"`
		PPID    int       `json:"ppid"`
		Name    string    `json:"name"`
		State   string    `json:"state"`
		Waiting string    `json:"waiting"`
		FDs     []fdState `json:"fds"`
	} `json:"processes"`
	Pipes []struct {
		Name    string `json:"name"`
		Len     int    `json:"len"`
		Cap     int    `json:"cap"`
		Slots   int    `json:"slots"`
		Tail    int    `json:"tail"`
		Buffers []struct {
			Slot   int `json:"slot"`
			Offset int `json:"offset"`
			Len    int `json:"len"`
		} `json:"buffers"`
		Readers int      `json:"readers"`
		Writers int      `json:"writers"`
		Waiting []string `json:"waiting"`
	} `json:"pipes"`
}

func TestInspectJSON(t *testing.T) {
	st, out, stderr := run(t, "inspect", "--at="+pipeFullBlocked, "--format=json", pipeFullScenario)
	if st != exitOK || stderr != "" {
		t.Fatalf("status %d, stderr %q", st, stderr)
	}
	var s snapshot
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out)
	}
	if s.Cycle != 2000 {
		t.Errorf("cycle %d, want 2000", s.Cycle)
	}
	if len(s.Pipes) != 1 {
		t.Fatalf("%d pipes, want 1: %+v", len(s.Pipes), s.Pipes)
	}
	p := s.Pipes[0]
	if p.Name != "pipe#1" || p.Len != 65536 || p.Cap != 65536 || p.Readers != 1 || p.Writers != 1 {
		t.Errorf("pipe %+v, want pipe#1 full: len 65536, cap 65536, 1 reader, 1 writer", p)
	}
	if p.Slots != 16 || len(p.Buffers) != 16 || p.Buffers[3].Slot != 3 || p.Buffers[3].Offset != 0 || p.Buffers[3].Len != 4096 {
		t.Errorf("pipe %+v, want 16 slots each holding a full page", p)
	}
	if len(p.Waiting) != 1 || p.Waiting[0] != "pid 2 (write)" {
		t.Errorf("pipe waiters %q, want [pid 2 (write)]", p.Waiting)
	}
	found := map[int]bool{}
	for _, pr := range s.Procs {
		found[pr.PID] = true
		switch pr.PID {
		case 2:
			if pr.State != "sleeping" || !strings.HasPrefix(pr.Waiting, "write: pipe#1 full (65536/65536)") {
				t.Errorf("producer: state %q, waiting %q; want sleeping in write on the full pipe#1", pr.State, pr.Waiting)
			}
			if !hasFD(pr.FDs, 4, "pipe#1 (write end)") || hasFD(pr.FDs, 3, "pipe#1 (read end)") {
				t.Errorf("producer fds %+v, want fd 4 the write end and no read end", pr.FDs)
			}
		case 3:
			if pr.State != "sleeping" || !strings.HasPrefix(pr.Waiting, "nanosleep") || pr.PPID != 2 {
				t.Errorf("consumer: state %q, waiting %q, ppid %d; want sleeping in nanosleep, child of 2", pr.State, pr.Waiting, pr.PPID)
			}
			if !hasFD(pr.FDs, 3, "pipe#1 (read end)") {
				t.Errorf("consumer fds %+v, want fd 3 the read end", pr.FDs)
			}
		}
	}
	if !found[1] || !found[2] || !found[3] {
		t.Errorf("processes %v, want pids 1, 2 and 3", found)
	}
}

type fdState struct {
	FD    int    `json:"fd"`
	File  string `json:"file"`
	Flags string `json:"flags"`
}

// hasFD reports whether fds holds descriptor fd open on file.
func hasFD(fds []fdState, fd int, file string) bool {
	for _, f := range fds {
		if f.FD == fd && f.File == file {
			return true
		}
	}
	return false
}

func TestInspectBadInput(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.txtar")
	if err := os.WriteFile(bad, []byte("spawn nothere.s\nfrobnicate\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args   []string
		stderr string
	}{
		{[]string{"inspect", pipeFullScenario}, `--at=CYCLE is required: the cycle to stop at`},
		{[]string{"inspect", "--at=0", pipeFullScenario}, `--at: expected a cycle from 1 to 2^62, found "0"`},
		{[]string{"inspect", "--at=soon", pipeFullScenario}, `--at: expected a cycle from 1 to 2^62, found "soon"`},
		{[]string{"inspect", "--at=18446744073709551615", pipeFullScenario}, `--at: expected a cycle from 1 to 2^62, found "18446744073709551615"`},
		{[]string{"inspect", "--at=100", "--format=xml", pipeFullScenario}, `bad --format "xml": expected text or json`},
		{[]string{"inspect", "--at=100"}, "expected one scenario file, found 0 arguments"},
		{[]string{"inspect", "--at=100", pipeFullScenario, pipeFullScenario}, "expected one scenario file, found 2 arguments"},
		{[]string{"inspect", "--at=100", "--nope", pipeFullScenario}, "flag provided but not defined: -nope"},
		{[]string{"inspect", "--at=100", filepath.Join(dir, "missing.txtar")}, "missing.txtar"},
		{[]string{"inspect", "--at=100", bad}, `bad.txtar:2:1: unknown directive "frobnicate"`},
	}
	for _, tt := range tests {
		st, out, stderr := run(t, tt.args...)
		if st != exitBadInput || !strings.Contains(stderr, tt.stderr) || out != "" {
			t.Errorf("%v: status %d, stdout %q, stderr %q; want 2, no output and %q", tt.args, st, out, stderr, tt.stderr)
		}
	}
}

// TestInspectAtEventCycle: inspect --at=CYCLE at a cycle that events are
// stamped with. In eintr_restart.txtar, pid 2's pipe2 is stamped 9, and
// at 2044 the timer interrupt wakes pid 3 from nanosleep, which returns
// at 2044 too. The state at a cycle holds what every event before it
// did, and of its own events only the interrupts and their wakeups: not
// pid 2's pipe2 at 9 (its fd 3 appears at 10), and at 2044 pid 3 woken
// (runnable) but not yet running its nanosleep's return.
func TestInspectAtEventCycle(t *testing.T) {
	const scenario = "../../testdata/scenarios/eintr_restart.txtar"
	inspect := func(at string) string {
		st, out, stderr := run(t, "inspect", "--at="+at, scenario)
		if st != exitOK || stderr != "" {
			t.Fatalf("inspect --at=%s: status %d, stderr %q", at, st, stderr)
		}
		return out
	}
	pipeRead := "fd 3: pipe#1 (read end)"
	if out := inspect("9"); strings.Contains(out, pipeRead) {
		t.Errorf("--at=9 holds the pipe2 stamped 9:\n%s", out)
	}
	if out := inspect("10"); !strings.Contains(out, pipeRead) {
		t.Errorf("--at=10 lacks the pipe2 stamped 9:\n%s", out)
	}
	out := inspect("2044")
	for _, line := range []string{
		"(as the clock reaches 2044: after every event stamped before it, and of those stamped 2044 only the interrupts and what they wake; before any instruction, call or switch at 2044)\n",
		"     3     2     2  runnable  eintr\n", // woken by the timer, not yet switched to
	} {
		if !strings.Contains(out, line) {
			t.Errorf("--at=2044 lacks %q:\n%s", line, out)
		}
	}
	if out := inspect("2045"); !strings.Contains(out, "     3     2     2  running   eintr") {
		t.Errorf("--at=2045: pid 3 should run (its nanosleep returned at 2044):\n%s", out)
	}
}

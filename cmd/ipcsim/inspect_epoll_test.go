package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ipcsim/sim"
)

// epoll instances in "ipcsim inspect": epoll_pipes.txtar at 14400. The
// server (pid 2) sleeps in epoll_pwait since 14353; bob's pipe (fd 5) was
// closed and left the interest list; alice's and carol's read ends are
// watched, the ready list is empty (carol's pipe, back on it after its
// level-triggered report, was dropped by the last epoll_pwait: drained).
const epollScenario, epollAt = "../../testdata/scenarios/epoll_pipes.txtar", "14400"

func TestInspectEpollText(t *testing.T) {
	st, out, stderr := run(t, "inspect", "--at="+epollAt, epollScenario)
	if st != exitOK || stderr != "" {
		t.Fatalf("status %d, stderr %q", st, stderr)
	}
	golden := filepath.Join("testdata", "inspect_epoll_pipes.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./cmd/ipcsim -run TestInspectEpollText -update to record it)", err)
	}
	if out != string(want) {
		t.Errorf("inspect differs from %s (-want +got):\n%s", golden, sim.Diff(want, []byte(out)))
	}
	for _, line := range []string{
		"epoll instances:\n",
		"  epoll#1: 2 watched, 0 ready\n",
		"    fd 3: pipe#1 (read end), EPOLLIN, data 0\n",
		"    fd 7: pipe#3 (read end), EPOLLIN, data 2\n",
		"    ready list: head -> nil\n",
		"    waiting: pid 2 (epoll_pwait)\n",
		"epoll_pwait: epoll#1 has no event ready (2 fds watched)",
		"fd 9: epoll#1 O_RDWR FD_CLOEXEC",
	} {
		if !strings.Contains(out, line) {
			t.Errorf("output lacks %q:\n%s", line, out)
		}
	}
}

func TestInspectEpollJSON(t *testing.T) {
	st, out, stderr := run(t, "inspect", "--at="+epollAt, "--format=json", epollScenario)
	if st != exitOK || stderr != "" {
		t.Fatalf("status %d, stderr %q", st, stderr)
	}
	var snap struct {
		Epolls []struct {
			Name     string `json:"name"`
			Interest []struct {
				FD     int    `json:"fd"`
				File   string `json:"file"`
				Events string `json:"events"`
				Data   uint64 `json:"data"`
			} `json:"interest"`
			Ready   []int    `json:"ready"`
			Waiting []string `json:"waiting"`
		} `json:"epolls"`
	}
	if err := json.Unmarshal([]byte(out), &snap); err != nil {
		t.Fatal(err)
	}
	if len(snap.Epolls) != 1 {
		t.Fatalf("%d epoll instances, want 1:\n%s", len(snap.Epolls), out)
	}
	ep := snap.Epolls[0]
	if ep.Name != "epoll#1" || len(ep.Interest) != 2 || ep.Interest[1].FD != 7 || ep.Interest[1].Data != 2 ||
		ep.Interest[1].Events != "EPOLLIN" || len(ep.Ready) != 0 || len(ep.Waiting) != 1 || ep.Waiting[0] != "pid 2 (epoll_pwait)" {
		t.Errorf("unexpected epoll instance: %+v", ep)
	}
}

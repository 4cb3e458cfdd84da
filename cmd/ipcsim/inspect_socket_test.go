package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// Unix sockets in "ipcsim inspect": unix_echo.txtar at 3000, when the
// server (pid 2) has accepted the client's connection and sleeps in read
// on its end (socket#3), which the client (socket#2) has not written yet.
func TestInspectSockets(t *testing.T) {
	const scenario = "../../testdata/scenarios/unix_echo.txtar"
	st, out, stderr := run(t, "inspect", "--at=3000", scenario)
	if st != exitOK || stderr != "" {
		t.Fatalf("status %d, stderr %q", st, stderr)
	}
	for _, line := range []string{
		"Unix sockets:\n",
		"  socket#1   u_str  LISTEN  0/0      0/212992       /tmp/echo            *\n",
		"    backlog 1, pending: []\n",
		"  socket#2   u_str  ESTAB   0/0      0/212992       *                    socket#3\n",
		"  socket#3   u_str  ESTAB   0/0      0/212992       /tmp/echo            socket#2\n",
		"    waiting: pid 2 (read)\n",
	} {
		if !strings.Contains(out, line) {
			t.Errorf("output lacks %q:\n%s", line, out)
		}
	}
	st, out, stderr = run(t, "inspect", "--at=3000", "--format=json", scenario)
	if st != exitOK || stderr != "" {
		t.Fatalf("json: status %d, stderr %q", st, stderr)
	}
	var snap struct {
		Sockets []struct {
			ID      int      `json:"id"`
			Type    string   `json:"type"`
			State   string   `json:"state"`
			Local   string   `json:"local"`
			Peer    int      `json:"peer"`
			Backlog int      `json:"backlog"`
			Waiting []string `json:"waiting"`
		} `json:"sockets"`
	}
	if err := json.Unmarshal([]byte(out), &snap); err != nil {
		t.Fatal(err)
	}
	if len(snap.Sockets) != 3 || snap.Sockets[0].State != "LISTEN" || snap.Sockets[0].Backlog != 1 ||
		snap.Sockets[2].Peer != 2 || snap.Sockets[2].Local != "/tmp/echo" || len(snap.Sockets[2].Waiting) != 1 {
		t.Errorf("sockets: %+v", snap.Sockets)
	}
}

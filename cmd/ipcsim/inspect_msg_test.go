package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ipcsim/sim"
)

// System V message queues in "ipcsim inspect": the ipcs -q table, each
// queue's linked list drawn head to tail, and the processes waiting on it.

// msgGolden describes one inspect snapshot compared with a golden file,
// and the lines a reader looks for in it, whatever else it holds.
type msgGolden struct {
	scenario string
	at       string
	golden   string
	lines    []string
}

var msgGoldens = []msgGolden{
	{
		// msg_server.txtar at 4000: the server (pid 2) runs with alice's
		// request in hand (handed over at 1796); bob's and carol's
		// requests, queued at 2546 and 3323, are in the list; the three
		// clients wait for their own answers (types 3, 4, 5), blocked
		// although the queue holds messages: none is of their type. The
		// first answer is sent at 4188.
		scenario: "../../testdata/scenarios/msg_server.txtar",
		at:       "4000",
		golden:   "inspect_msg_server.golden",
		lines: []string{
			"state at cycle 4000\n",
			"------ Message Queues --------\n",
			"key        msqid      owner      perms      used-bytes   messages    \n",
			// ipcs -q prints the key as 0x%08x.
			"0x00005e7e 0          0          600        48           2           \n",
			"msqid 0: 48/16384 bytes, lspid 5, lrpid 2\n",
			`head -> [type 1, 24 bytes, "\4\0\0\0\14\0\0\0bob`,
			`-> [type 1, 24 bytes, "\5\0\0\0\24\0\0\0carol`,
			"] -> nil\n",
			"waiting to receive: pid 3 (a message of type 3, buffer 16 bytes), pid 4 (a message of type 4, buffer 16 bytes), pid 5 (a message of type 5, buffer 16 bytes)\n",
			"msgrcv: q#0 (key 0x5e7e) has no message of type 4",
		},
	},
	{
		// msg_full.txtar at 5000: msg_qbytes is 100 and A1, A2 (40 bytes
		// each) fill 80 of it; sender A (pid 3) waits to send A3 since
		// 2787, sender B (pid 4) to send B1 since 3463; the receiver
		// sleeps until 6541.
		scenario: "../../testdata/scenarios/msg_full.txtar",
		at:       "5000",
		golden:   "inspect_msg_full.golden",
		lines: []string{
			"state at cycle 5000\n",
			"0x00000000 0          0          600        80           2           \n",
			"msqid 0: 80/100 bytes, lspid 3, lrpid 0\n",
			`head -> [type 1, 40 bytes, "A1....`,
			`] -> [type 1, 40 bytes, "A2....`,
			"] -> nil\n",
			"waiting to send: pid 3 (type 1, 40 bytes), pid 4 (type 2, 40 bytes)\n",
			"msgsnd: q#0 full (80/100 bytes, 2 messages), needs room for 40 bytes",
			"nanosleep: sleeping until cycle 6541",
		},
	},
}

// TestInspectMsgText compares the text snapshots with their golden files;
// with -update it rewrites the golden files first.
func TestInspectMsgText(t *testing.T) {
	for _, g := range msgGoldens {
		t.Run(g.golden, func(t *testing.T) {
			st, out, stderr := run(t, "inspect", "--at="+g.at, g.scenario)
			if st != exitOK || stderr != "" {
				t.Fatalf("status %d, stderr %q", st, stderr)
			}
			golden := filepath.Join("testdata", g.golden)
			if *update {
				if err := os.WriteFile(golden, []byte(out), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./cmd/ipcsim -run TestInspectMsgText -update to record it)", err)
			}
			if out != string(want) {
				t.Errorf("inspect --at=%s %s differs from %s (-want +got):\n%s", g.at, g.scenario, golden, sim.Diff(want, []byte(out)))
			}
			for _, line := range g.lines {
				if !strings.Contains(out, line) {
					t.Errorf("output lacks %q:\n%s", line, out)
				}
			}
		})
	}
}

// msgSnapshot is the JSON shape of a System V queue in "ipcsim inspect
// --format=json", spelled out to check the field names users depend on.
type msgSnapshot struct {
	Cycle     uint64 `json:"cycle"`
	MsgQueues []struct {
		Key       string `json:"key"`
		ID        int    `json:"msqid"`
		Owner     int    `json:"owner"`
		Perms     string `json:"perms"`
		UsedBytes int    `json:"used_bytes"`
		Messages  int    `json:"messages"`
		QBytes    int    `json:"qbytes"`
		LSPID     int    `json:"lspid"`
		LRPID     int    `json:"lrpid"`
		List      []struct {
			Type int64  `json:"type"`
			Size int    `json:"size"`
			Data string `json:"data"`
		} `json:"list"`
		Senders   []string `json:"senders"`
		Receivers []string `json:"receivers"`
	} `json:"msg_queues"`
}

func TestInspectMsgJSON(t *testing.T) {
	g := msgGoldens[1] // msg_full: two senders wait on the full queue
	st, out, stderr := run(t, "inspect", "--at="+g.at, "--format=json", g.scenario)
	if st != exitOK || stderr != "" {
		t.Fatalf("status %d, stderr %q", st, stderr)
	}
	var s msgSnapshot
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out)
	}
	if len(s.MsgQueues) != 1 {
		t.Fatalf("%d message queues, want 1: %+v", len(s.MsgQueues), s.MsgQueues)
	}
	q := s.MsgQueues[0]
	if q.Key != "0x00000000" || q.ID != 0 || q.Perms != "600" || q.UsedBytes != 80 || q.Messages != 2 ||
		q.QBytes != 100 || q.LSPID != 3 || q.LRPID != 0 {
		t.Errorf("queue %+v, want key 0x00000000 (IPC_PRIVATE), msqid 0, perms 600, 80/100 bytes in 2 messages, lspid 3, lrpid 0", q)
	}
	if len(q.List) != 2 || q.List[0].Type != 1 || q.List[0].Size != 40 || !strings.HasPrefix(q.List[0].Data, `"A1`) ||
		q.List[1].Type != 1 || q.List[1].Size != 40 || !strings.HasPrefix(q.List[1].Data, `"A2`) {
		t.Errorf("list %+v, want A1 then A2, both of type 1 and 40 bytes", q.List)
	}
	if strings.Join(q.Senders, "; ") != "pid 3 (type 1, 40 bytes); pid 4 (type 2, 40 bytes)" || len(q.Receivers) != 0 {
		t.Errorf("senders %q, receivers %q; want pids 3 and 4 waiting to send, in that order, and no receiver", q.Senders, q.Receivers)
	}
}

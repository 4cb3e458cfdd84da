package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ipcsim/sim"
)

// The network in "ipcsim inspect": each host's TCP and UDP sockets (as
// ss -tuanpi lists them) and, under "=== network", each link with the
// frames on it.

// netParts keeps of an inspect of several hosts what these tests are
// about: each host's heading, its "TCP and UDP sockets:" block, and the
// "=== network" section; the processes, memory and pipes are left out,
// so that the golden file changes only when the network's view does.
func netParts(out string) string {
	var b strings.Builder
	lines := strings.SplitAfter(out, "\n")
	for i := 0; i < len(lines); i++ {
		switch l := lines[i]; {
		case strings.HasPrefix(l, "=== host "):
			b.WriteString(l)
		case l == "TCP and UDP sockets:\n":
			for ; i < len(lines) && lines[i] != "\n"; i++ {
				b.WriteString(lines[i])
			}
		case l == "=== network\n":
			b.WriteString(strings.Join(lines[i:], ""))
			return b.String()
		}
	}
	return b.String()
}

// TestInspectInetLossy is net_lossy.txtar at 100 ms: two senders fill
// their connections, one over a clean link and one over a lossy one.
// Every column of the socket table and every frame in flight is in the
// golden file; the lines a reader looks for are checked one by one too.
func TestInspectInetLossy(t *testing.T) {
	const scenario = "../../testdata/scenarios/net_lossy.txtar"
	st, out, stderr := run(t, "inspect", "--at=100000000", scenario)
	if st != exitOK || stderr != "" {
		t.Fatalf("status %d, stderr %q", st, stderr)
	}
	got := netParts(out)
	golden := filepath.Join("testdata", "inspect_net_lossy.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./cmd/ipcsim -run TestInspectInetLossy -update to record it)", err)
	}
	if got != string(want) {
		t.Errorf("the network parts of inspect --at=100000000 differ from %s (-want +got):\n%s", golden, sim.Diff(want, []byte(got)))
	}
	for _, line := range []string{
		// The columns, and a sender on each link: state, Recv-Q and
		// Send-Q (unacknowledged bytes), both addresses, the owner.
		"  socket   proto state       recv-q  send-q  local                 peer                  process\n",
		"  inet#1   tcp   ESTAB       0       34760   10.0.1.1:35690        10.0.1.2:9000         users:((\"bulk\",pid=2,fd=3))\n",
		"  inet#1   tcp   ESTAB       0       40600   10.0.2.1:36366        10.0.2.2:9000         users:((\"bulk\",pid=2,fd=3))\n",
		// The lossy sender's send window, RTO, halved congestion window
		// and retransmissions (current/total).
		"    snd_una 3311426173 snd_nxt 3311433473 snd_wnd 64076 rcv_nxt 1699575937 rcv_wnd 65535 mss 1460 rto 210.853ms rtt 10.853ms/3.298ms cwnd 5 ssthresh 4 retrans 0/2\n",
		"    waiting: pid 2 (write)\n",
		// A receiver: its listener (with its queues) and the accepted
		// connection, both held by the one process.
		"  inet#1   tcp   LISTEN      0       1       0.0.0.0:9000          *:*                   users:((\"bulk\",pid=2,fd=3))\n",
		"    syn queue 0, accept queue 0 (holds backlog+1 = 2)\n",
		"  inet#2   tcp   ESTAB       0       0       10.0.2.2:9000         10.0.2.1:36366        users:((\"bulk\",pid=2,fd=4))\n",
		// The network: each link, its counts, its frames in flight with
		// when each was sent and when it arrives.
		"\n=== network\n",
		"link clean-sink1 (clean <-> sink1) latency 5ms bandwidth 10Mbit/s queue 64KiB in flight 21\n",
		"  127 frames sent, 106 delivered\n",
		"  in flight: #170 10.0.1.1:35690 > 10.0.1.2:9000 [.] seq 2139904382 ack 3080484632 win 65535 len 1460, sent at 80567475, arrives at 100735475\n",
		"link lossy-sink2 (lossy <-> sink2) latency 5ms bandwidth 10Mbit/s loss 3% queue 64KiB in flight 2\n",
		"  77 frames sent, 71 delivered, dropped: loss 4\n",
		"  in flight: #203 10.0.2.2:9000 > 10.0.2.1:36366 [.] seq 1699575937 ack 3311432013 win 64076 len 0, sent at 98095475, arrives at 103127475\n",
	} {
		if !strings.Contains(out, line) {
			t.Errorf("output lacks %q:\n%s", line, got)
		}
	}
	if n := strings.Count(out, "  in flight: #"); n != 23 {
		t.Errorf("%d frames in flight, want 21 + 2:\n%s", n, got)
	}
}

// TestInspectInetListenQueues is net_server_iterative.txtar at cycle
// 400000: the server serves slow client 1; client 2's handshake is
// complete and waits in the accept queue (Recv-Q 1), client 3's SYN,ACK
// is answered by an ACK still on the wire, so it sits in the SYN queue.
// A listener's Send-Q is its backlog.
func TestInspectInetListenQueues(t *testing.T) {
	st, out, stderr := run(t, "inspect", "--at=400000", "../../testdata/scenarios/net_server_iterative.txtar")
	if st != exitOK || stderr != "" {
		t.Fatalf("status %d, stderr %q", st, stderr)
	}
	for _, line := range []string{
		"  inet#1   tcp   LISTEN      1       8       0.0.0.0:8080          *:*                   users:((\"server\",pid=2,fd=3))\n" +
			"    syn queue 1, accept queue 1 (holds backlog+1 = 9)\n",
		"  inet#2   tcp   ESTAB       0       0       10.0.0.1:8080         10.0.0.2:45896        users:((\"server\",pid=2,fd=4))\n",
	} {
		if !strings.Contains(out, line) {
			t.Errorf("output lacks %q:\n%s", line, netParts(out))
		}
	}
}

// inetHosts is the JSON shape of "ipcsim inspect --format=json" for a
// scenario with links, as far as these tests need it, spelled out so
// that the test checks the field names users depend on.
type inetHosts struct {
	Hosts []struct {
		Host     string `json:"host"`
		Snapshot struct {
			Inet []struct {
				ID     int    `json:"id"`
				Proto  string `json:"proto"`
				State  string `json:"state"`
				RecvQ  int    `json:"recv_q"`
				SendQ  int    `json:"send_q"`
				Local  string `json:"local"`
				Peer   string `json:"peer"`
				Detail string `json:"detail"`
				Users  []struct {
					Name string `json:"name"`
					PID  int    `json:"pid"`
					FD   int    `json:"fd"`
				} `json:"users"`
			} `json:"inet"`
		} `json:"snapshot"`
	} `json:"hosts"`
	Links []struct {
		Name     string   `json:"name"`
		Sent     uint64   `json:"sent"`
		InFlight []string `json:"in_flight"`
	} `json:"links"`
}

// TestInspectInetSharedAfterFork is net_server_fork.txtar at cycle
// 316000: the server (pid 2) has forked pid 3 for client 1's connection
// and neither has closed its copies yet, so the listener and the
// connection each have two holders, listed by pid, in text and in JSON.
func TestInspectInetSharedAfterFork(t *testing.T) {
	const scenario = "../../testdata/scenarios/net_server_fork.txtar"
	st, out, stderr := run(t, "inspect", "--at=316000", scenario)
	if st != exitOK || stderr != "" {
		t.Fatalf("status %d, stderr %q", st, stderr)
	}
	for _, line := range []string{
		"  inet#1   tcp   LISTEN      0       8       0.0.0.0:8080          *:*                   users:((\"server\",pid=2,fd=3),(\"server\",pid=3,fd=3))\n" +
			"    syn queue 2, accept queue 0 (holds backlog+1 = 9)\n",
		"  inet#2   tcp   ESTAB       0       0       10.0.0.1:8080         10.0.0.2:45896        users:((\"server\",pid=2,fd=4),(\"server\",pid=3,fd=4))\n",
		"  in flight: #9 10.0.0.3:37940 > 10.0.0.1:8080 [P.] seq 715211060 ack 80588917 win 65535 len 21, sent at 259472, arrives at 366256\n",
	} {
		if !strings.Contains(out, line) {
			t.Errorf("output lacks %q:\n%s", line, netParts(out))
		}
	}

	st, out, stderr = run(t, "inspect", "--at=316000", "--format=json", scenario)
	if st != exitOK || stderr != "" {
		t.Fatalf("json: status %d, stderr %q", st, stderr)
	}
	var v inetHosts
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out)
	}
	if len(v.Hosts) != 4 || v.Hosts[0].Host != "server" || len(v.Hosts[0].Snapshot.Inet) != 2 {
		t.Fatalf("hosts %+v, want 4, the server first with 2 sockets", v.Hosts)
	}
	conn := v.Hosts[0].Snapshot.Inet[1]
	if conn.ID != 2 || conn.Proto != "tcp" || conn.State != "ESTAB" || conn.Local != "10.0.0.1:8080" || conn.Peer != "10.0.0.2:45896" ||
		!strings.Contains(conn.Detail, "snd_wnd 65535") || !strings.Contains(conn.Detail, "rto 200.207ms") {
		t.Errorf("the server's connection %+v", conn)
	}
	if len(conn.Users) != 2 || conn.Users[0].Name != "server" || conn.Users[0].PID != 2 || conn.Users[0].FD != 4 ||
		conn.Users[1].PID != 3 || conn.Users[1].FD != 4 {
		t.Errorf("users %+v, want server pid 2 fd 4, then pid 3 fd 4", conn.Users)
	}
	if len(v.Links) != 3 || v.Links[1].Name != "server-c2" || len(v.Links[1].InFlight) != 2 ||
		!strings.HasSuffix(v.Links[1].InFlight[1], "sent at 259472, arrives at 366256") {
		t.Errorf("links %+v, want server-c2 with 2 frames in flight", v.Links)
	}
}

// TestInspectInetUDP is net_udp.txtar at 1 ms: alice's two clients have
// each connected a UDP socket and sent a ping, still on the wire; bob's
// server waits on its unconnected socket.
func TestInspectInetUDP(t *testing.T) {
	st, out, stderr := run(t, "inspect", "--at=1000000", "../../testdata/scenarios/net_udp.txtar")
	if st != exitOK || stderr != "" {
		t.Fatalf("status %d, stderr %q", st, stderr)
	}
	for _, line := range []string{
		"  inet#1   udp   ESTAB       0       0       10.0.0.1:42563        10.0.0.2:7777         users:((\"udpping\",pid=2,fd=3))\n",
		"  inet#2   udp   ESTAB       0       0       10.0.0.1:46631        10.0.0.3:7777         users:((\"udpping\",pid=3,fd=3))\n",
		"  inet#1   udp   UNCONN      0       0       0.0.0.0:7777          *:*                   users:((\"udpping\",pid=2,fd=3))\n" +
			"    datagrams queued 0, rcvbuf 0/212992\n" +
			"    waiting: pid 2 (recvfrom)\n",
		"  in flight: #1 UDP 10.0.0.1:42563 > 10.0.0.2:7777 len 6, sent at 2138, arrives at 2002138\n",
	} {
		if !strings.Contains(out, line) {
			t.Errorf("output lacks %q:\n%s", line, netParts(out))
		}
	}
}

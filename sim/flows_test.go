package sim

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"ipcsim/kernel"
)

// flowSink keeps the flows a Timeline draws (TimelineSink), as text:
// "message msq#1: message 2 (1 byte): 0/2@100 -> 0/3@200".
type flowSink struct{ flows []string }

func (f *flowSink) Track(host, pid int, name string, at uint64) {}
func (f *flowSink) Slice(host, pid int, state, name string, from, to uint64, args map[string]string) {
}
func (f *flowSink) Instant(host, pid int, cat, name, text string, at uint64) {}
func (f *flowSink) Flow(cat, label string, fromHost, from int, sent uint64, toHost, to int, at uint64) {
	f.flows = append(f.flows, fmt.Sprintf("%s %s: %d/%d@%d -> %d/%d@%d", cat, label, fromHost, from, sent, toHost, to, at))
}

// flowsOf runs a bundled scenario through a Timeline and returns the
// flows of category cat (all with ""), without their cycles; it checks
// that no arrow goes back in time.
func flowsOf(t *testing.T, name, cat string) []string {
	t.Helper()
	s, err := Load("../testdata/scenarios/" + name + ".txtar")
	require.NoError(t, err)
	hosts := s.HostNames()
	var sink flowSink
	tl := NewTimeline(&sink, hosts, true)
	o, err := s.Run(Options{Trace: tl.Event})
	require.NoError(t, err)
	tl.Close(o.Result.Cycles)
	var out []string
	for _, f := range sink.flows {
		var sent, at uint64
		i := strings.LastIndex(f, ": ")
		_, err := fmt.Sscanf(f[strings.Index(f[i:], "@")+i+1:], "%d -> ", &sent)
		require.NoError(t, err, f)
		_, err = fmt.Sscanf(f[strings.LastIndex(f, "@")+1:], "%d", &at)
		require.NoError(t, err, f)
		require.LessOrEqual(t, sent, at, "an arrow back in time: %s", f)
		if cat == "" || strings.HasPrefix(f, cat+" ") {
			out = append(out, stripCycles(f))
		}
	}
	return out
}

// stripCycles drops the "@cycle" of both ends of a flow's text.
func stripCycles(f string) string {
	var b strings.Builder
	for i := 0; i < len(f); i++ {
		if f[i] == '@' {
			for i+1 < len(f) && f[i+1] >= '0' && f[i+1] <= '9' {
				i++
			}
			continue
		}
		b.WriteByte(f[i])
	}
	return b.String()
}

// TestFlowsQueuedMessagesByType: five messages wait in a System V queue
// before their receiver is born; it takes them by type (msgtyp -3), so the
// arrows go from the 2nd, 4th, 3rd, 5th and 1st msgsnd, in that order.
func TestFlowsQueuedMessagesByType(t *testing.T) {
	got := flowsOf(t, "msg_queued_types", "message")
	var want []string
	for _, seq := range []int{2, 4, 3, 5, 1} {
		want = append(want, fmt.Sprintf("message q#0: message %d (1 byte): 0/2 -> 0/3", seq))
	}
	require.Equal(t, want, got)
}

// TestFlowsPOSIXPriorities: nine messages queued in a POSIX queue with
// priorities 1 5 3 10 5 1 10 3 0 are received highest priority first,
// oldest first within one: the arrows say which send each receive took.
func TestFlowsPOSIXPriorities(t *testing.T) {
	got := flowsOf(t, "mq_dispatch", "message")
	var want []string
	for _, seq := range []int{4, 7, 2, 5, 3, 8, 1, 6, 9} {
		want = append(want, fmt.Sprintf("message mqueue /jobs: message %d: 0/3 -> 0/2", seq))
	}
	for i := range got { // the size is the message's: drop it
		got[i] = got[i][:strings.Index(got[i], " (")] + got[i][strings.Index(got[i], "):")+1:]
	}
	require.Equal(t, want, got)
}

// TestFlowsUnixEcho: the bytes of a Unix stream socket go from the
// client's write to the server's read, and the echo back.
func TestFlowsUnixEcho(t *testing.T) {
	require.Equal(t, []string{
		"bytes socket#3: 5 bytes: 0/3 -> 0/2",
		"bytes socket#2: 5 bytes: 0/2 -> 0/3",
	}, flowsOf(t, "unix_echo", "bytes"))
}

// TestFlowsBetweenHosts: each client's request goes from its host to the
// server's, and each reply back, along the TCP connection's directions.
func TestFlowsBetweenHosts(t *testing.T) {
	got := flowsOf(t, "net_server_iterative", "bytes")
	require.Len(t, got, 6)
	to, from := 0, 0
	for _, f := range got {
		switch {
		case strings.Contains(f, ">10.0.0.1:8080: 21 bytes: ") && strings.HasSuffix(f, " -> 0/2"):
			to++
		case strings.Contains(f, "bytes 10.0.0.1:8080>") && strings.Contains(f, ": 25 bytes: 0/2 -> "):
			from++
		default:
			t.Errorf("unexpected flow %s", f)
		}
		ends := strings.Split(f[strings.LastIndex(f, ": ")+2:], " -> ")
		require.NotEqual(t, ends[0][:1], ends[1][:1], "a flow on one host: %s", f)
	}
	require.Equal(t, [2]int{3, 3}, [2]int{to, from}, "%q", got)
}

// TestFlowsDeterministic: the Chrome trace of each run is the same bytes
// twice.
func TestFlowsDeterministic(t *testing.T) {
	for _, name := range []string{"msg_queued_types", "mq_dispatch", "unix_echo", "unix_dgram_queue", "net_server_iterative"} {
		var runs [2]string
		for i := range runs {
			s, err := Load("../testdata/scenarios/" + name + ".txtar")
			require.NoError(t, err)
			hosts := s.HostNames()
			var b strings.Builder
			c := NewChromeTraceHosts(&b, name, hosts)
			o, err := s.Run(Options{Trace: c.Event})
			require.NoError(t, err)
			require.NoError(t, c.Close(o.Result.Cycles))
			runs[i] = b.String()
		}
		require.Equal(t, runs[0], runs[1], name)
		require.Contains(t, runs[0], `"ph":"f"`, name)
	}
}

// TestIPCFlowsRecords: a datagram socket gives one message a receive, in
// the order they were sent, whatever their sizes; a receive of a message
// whose send the trace has not shown yet (a POSIX queue's sleeping sender,
// whose message a receiver put in the queue) is drawn when the send's
// event comes.
func TestIPCFlowsRecords(t *testing.T) {
	f := newIPCFlows()
	var got []string
	arrow := func(a flowArrow) {
		got = append(got, fmt.Sprintf("%s %s: %d@%d -> %d@%d", a.cat, a.label, a.from.pid, a.from.at, a.to.pid, a.to.at))
	}
	ret := func(n int64) *int64 { return &n }
	for _, e := range []kernel.Event{
		{Cycle: 1, PID: 2, Kind: "syscall", Syscall: "sendto", Ret: ret(10), Via: "dgram socket#4"},
		{Cycle: 2, PID: 3, Kind: "syscall", Syscall: "sendto", Ret: ret(20), Via: "dgram socket#4"},
		{Cycle: 3, PID: 4, Kind: "syscall", Syscall: "recvfrom", Ret: ret(5), Via: "dgram socket#4"}, // cut to 5
		{Cycle: 4, PID: 4, Kind: "syscall", Syscall: "read", Ret: ret(20), Obj: "socket#4", Via: "dgram socket#4"},
		{Cycle: 5, PID: 4, Kind: "syscall", Syscall: "mq_timedreceive", Ret: ret(7), Obj: "mqueue /q", Msg: 3},
		{Cycle: 6, PID: 5, Kind: "syscall", Syscall: "mq_timedsend", Ret: ret(0), Obj: "mqueue /q", Msg: 3},
	} {
		f.take(0, &e, arrow)
	}
	require.Equal(t, []string{
		"message socket#4: a message (10 bytes): 2@1 -> 4@3",
		"message socket#4: a message (20 bytes): 3@2 -> 4@4",
		"message mqueue /q: message 3 (7 bytes): 5@5 -> 4@5",
	}, got)
}

// TestFlowsUnixDatagrams: four datagrams sent by name to one socket, by
// two processes, are each taken whole by one recvfrom (cut to 3 bytes):
// an arrow from each sendto, in the order they were sent.
func TestFlowsUnixDatagrams(t *testing.T) {
	require.Equal(t, []string{
		"message socket#1: a message (2 bytes): 0/3 -> 0/2",
		"message socket#1: a message (3 bytes): 0/3 -> 0/2",
		"message socket#1: a message (4 bytes): 0/4 -> 0/2",
		"message socket#1: a message (5 bytes): 0/4 -> 0/2",
	}, flowsOf(t, "unix_dgram_queue", "message"))
}

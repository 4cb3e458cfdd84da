package sim

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"ipcsim/kernel"
)

// udpRun is what TestFlowsUDP needs of a run: its arrows of UDP
// datagrams and its syscall events that moved one.
type udpRun struct {
	arrows []udpArrow
	sends  map[udpEnd]udpCall // the sends of datagrams, by where and when
	recvs  map[udpEnd]udpCall // the receives
}

// udpEnd is one end of an arrow: host, pid, cycle.
type udpEnd struct {
	host, pid int
	at        uint64
}

// udpArrow is an arrow of a UDP datagram, as the Timeline drew it.
type udpArrow struct {
	label    string
	from, to udpEnd
}

// udpCall is a send or receive of a datagram: the bytes it moved (the
// first quoted string of its text) and its JSON line.
type udpCall struct {
	data, json string
}

// udpSink keeps the arrows of datagrams a Timeline draws.
type udpSink struct {
	flowSink
	arrows []udpArrow
}

func (s *udpSink) Flow(cat, label string, fromHost, from int, sent uint64, toHost, to int, at uint64) {
	if cat == "message" && strings.Contains(label, ": datagram ") {
		s.arrows = append(s.arrows, udpArrow{label, udpEnd{fromHost, from, sent}, udpEnd{toHost, to, at}})
	}
}

// runUDP runs scenario s through a Timeline, keeping its datagrams'
// arrows and the events of the calls that sent or took them.
func runUDP(t *testing.T, s *Scenario) udpRun {
	t.Helper()
	hosts := map[string]int{}
	var names []string
	for i, h := range s.Hosts {
		hosts[h.Name] = i
		names = append(names, h.Name)
	}
	var sink udpSink
	tl := NewTimeline(&sink, names, true)
	r := udpRun{sends: map[udpEnd]udpCall{}, recvs: map[udpEnd]udpCall{}}
	trace := func(e *kernel.Event) {
		if e.Kind == "syscall" && strings.HasPrefix(e.Via, "udp ") {
			q := strings.Index(e.Text, `"`)
			require.GreaterOrEqual(t, q, 0, e.Text)
			data := e.Text[q : q+1+strings.Index(e.Text[q+1:], `"`)+1] // "ping 3"
			call := udpCall{data, string(AppendEventJSON(nil, e))}
			end := udpEnd{hosts[e.Host], e.PID, e.Cycle}
			if sends(e.Syscall) {
				r.sends[end] = call
			} else {
				r.recvs[end] = call
			}
		}
		tl.Event(e)
	}
	o, err := s.Run(Options{Trace: trace})
	require.NoError(t, err)
	tl.Close(o.Result.Cycles)
	r.arrows = sink.arrows
	return r
}

// checkUDPArrows checks that each arrow of run r goes from a send of a
// datagram to a receive of the same datagram (the same bytes, the same
// "via" and "msg" in their JSON lines), and that each receive gets one
// arrow. It returns how many sends no arrow leaves (lost datagrams) and
// how many arrows are of a copy.
func checkUDPArrows(t *testing.T, r udpRun) (lost, copies int) {
	t.Helper()
	require.NotEmpty(t, r.arrows)
	into := map[udpEnd]int{}
	from := map[udpEnd]int{}
	for _, a := range r.arrows {
		send, ok := r.sends[a.from]
		require.True(t, ok, "arrow %v from no send of a datagram", a)
		recv, ok := r.recvs[a.to]
		require.True(t, ok, "arrow %v to no receive of a datagram", a)
		require.Equal(t, send.data, recv.data, "arrow %q from a send to the receive of another datagram", a.label)
		var s, d struct {
			Via string `json:"via"`
			Msg uint64 `json:"msg"`
		}
		require.NoError(t, json.Unmarshal([]byte(send.json), &s))
		require.NoError(t, json.Unmarshal([]byte(recv.json), &d))
		require.NotZero(t, s.Msg, send.json)
		require.Equal(t, s, d, "the JSON lines of the send and the receive name the datagram alike")
		require.Equal(t, fmt.Sprintf("%s: datagram %d", strings.TrimPrefix(s.Via, "udp "), s.Msg), a.label[:strings.Index(a.label, " (")])
		into[a.to]++
		from[a.from]++
		if strings.HasSuffix(a.label, ", a copy)") {
			copies++
		}
	}
	for end, call := range r.recvs {
		require.Equal(t, 1, into[end], "receive %s: arrows", call.json)
	}
	for end := range r.sends {
		if from[end] == 0 {
			lost++
		}
	}
	return lost, copies
}

// TestFlowsUDP: in net_udp, alice pings bob over a link that loses 20%
// of its frames: pings 2, 4 and 6 never reach bob. Matching sends to
// receives in order would draw ping 3's arrow from ping 2's send; each
// arrow must go from the send of a datagram to the receive of that same
// datagram (the same bytes; the same via and msg in the JSON trace), from
// one host to the other. The ping to carol, where nobody listens, gets no
// arrow.
func TestFlowsUDP(t *testing.T) {
	s, err := Load("../testdata/scenarios/net_udp.txtar")
	require.NoError(t, err)
	r := runUDP(t, s)
	lost, copies := checkUDPArrows(t, r)
	require.Len(t, r.arrows, 10, "5 pings reach bob, 5 echoes come back")
	require.Equal(t, 4, lost, "pings 2, 4 and 6 lost on the way, and the ping to carol")
	require.Zero(t, copies)
	for _, a := range r.arrows {
		require.NotEqual(t, a.from.host, a.to.host, "a datagram between hosts: %q", a.label)
	}
	for _, call := range r.recvs {
		require.Contains(t, call.json, `"via":"udp 10.0.0.`)
		require.Contains(t, call.json, `"msg":`)
	}
}

// udpDuplicates is net_udp's alice and bob over a link that also
// duplicates frames, and a ping on each host's loopback (both from
// 127.0.0.1, which every host has).
const udpDuplicates = `# UDP pings over a link that loses and duplicates frames, and on the loopback.
machine mem=16M quantum=10000 trapcost=0 seed=3 limit=2000000000
host alice ip=10.0.0.1
host bob ip=10.0.0.2
link alice bob latency=2ms loss=20% duplicate=40%
spawn on bob ../net/bin/udpping server
spawn on alice ../net/bin/udpping server
spawn on alice ../net/bin/udpping client 10.0.0.2 12
spawn on alice ../net/bin/udpping client 127.0.0.1 3
spawn on bob ../net/bin/udpping client 127.0.0.1 3
`

// TestFlowsUDPDuplicates: a link that duplicates frames delivers some
// datagrams twice; each copy taken gets its own arrow from the one send
// (labelled "a copy"), and a stale echo taken by the next round's recv
// is drawn from the echo it is, not from the one the client waited for.
// On the loopback, alice's and bob's datagrams from 127.0.0.1 stay on
// their own hosts.
func TestFlowsUDPDuplicates(t *testing.T) {
	s, err := Parse("../testdata/scenarios/udp_duplicates.txtar", []byte(udpDuplicates))
	require.NoError(t, err)
	r := runUDP(t, s)
	lost, copies := checkUDPArrows(t, r)
	require.NotZero(t, lost, "the seed loses no datagram: choose another")
	require.NotZero(t, copies, "the seed duplicates no datagram: choose another")
	loopback := 0
	for _, a := range r.arrows {
		if strings.HasPrefix(a.label, "127.0.0.1:") {
			loopback++
			require.Equal(t, a.from.host, a.to.host, "a datagram on the loopback: %q", a.label)
		} else {
			require.NotEqual(t, a.from.host, a.to.host, "a datagram between hosts: %q", a.label)
		}
	}
	require.Equal(t, 12, loopback, "3 pings and 3 echoes on each host's loopback")
}

// TestIPCFlowsDatagramsForgotten: the flows keep the last
// maxFlowMessages datagrams sent, received or not; a receive of one
// forgotten is not drawn.
func TestIPCFlowsDatagramsForgotten(t *testing.T) {
	f := newIPCFlows()
	ret := func(n int64) *int64 { return &n }
	arrows := 0
	arrow := func(flowArrow) { arrows++ }
	for i := range maxFlowMessages + 1 {
		f.take(0, &kernel.Event{Cycle: uint64(i), PID: 2, Syscall: "sendto", Ret: ret(1), Via: "udp 10.0.0.1:5000>10.0.0.2:53", Msg: uint64(i + 1)}, arrow)
	}
	require.Len(t, f.datagrams, maxFlowMessages)
	f.take(1, &kernel.Event{Cycle: 9999, PID: 3, Syscall: "recvfrom", Ret: ret(1), Via: "udp 10.0.0.1:5000>10.0.0.2:53", Msg: 1}, arrow)
	require.Zero(t, arrows, "datagram 1 was forgotten")
	f.take(1, &kernel.Event{Cycle: 9999, PID: 3, Syscall: "recvfrom", Ret: ret(1), Via: "udp 10.0.0.1:5000>10.0.0.2:53", Msg: 2}, arrow)
	require.Equal(t, 1, arrows)
}

package tcp

import (
	"bytes"
	"io"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/require"

	"ipcsim/abi"
)

const ms = Millisecond

func TestHandshakeAndDataBothWays(t *testing.T) {
	p := newPair(t, 5*ms, DefaultConfig(), DefaultConfig())
	n := p.n
	// The handshake: SYN with our MSS, SYN,ACK, ACK.
	require.Equal(t, "[S] seq 1000 win 65535 mss 1460 len 0", p.cliEnv.out[0].String())
	require.Equal(t, "[S.] seq 6000 ack 1001 win 65535 mss 1460 len 0", p.srvEnv.out[0].String())
	require.Equal(t, "[.] seq 1001 ack 6001 win 65535 len 0", p.cliEnv.out[1].String())
	require.Equal(t, 1460, p.cli.Info().MSS)
	require.Equal(t, 10, p.cli.Info().Cwnd, "initial window of 10 segments")

	up, down := pattern(5000, 1), pattern(7000, 2)
	require.Empty(t, writeAll(p.cli, up))
	require.Empty(t, writeAll(p.srv, down))
	n.runFor(1 * Second)
	got, err := readAll(p.srv)
	require.ErrorIs(t, err, ErrWouldBlock)
	sameBytes(t, up, got, "client to server")
	got, err = readAll(p.cli)
	require.ErrorIs(t, err, ErrWouldBlock)
	sameBytes(t, down, got, "server to client")
	for _, s := range p.cliEnv.out {
		require.LessOrEqual(t, len(s.Data), 1460, "no segment exceeds the MSS")
	}
	in := p.cli.Info()
	require.Equal(t, in.SndUna, in.SndNxt, "everything acknowledged")
	require.Zero(t, in.SendQueue)
	require.NotZero(t, in.SRTT)
	require.Equal(t, 200*ms+in.SRTT, in.RTO, "Linux: RTO = SRTT + max(4*RTTVAR, 200ms)")
}

func TestSimultaneousOpen(t *testing.T) {
	n, a, b, ae, be := twoConns(t, 10*ms, DefaultConfig(), DefaultConfig())
	a.Connect(100)
	b.Connect(900)
	n.runFor(1 * Second)
	require.Equal(t, Established, a.State(), n.dump())
	require.Equal(t, Established, b.State())
	// RFC 9293 3.3.2: SYN-SENT -> SYN-RECEIVED -> ESTABLISHED on both sides.
	var path []State
	for _, e := range kinds(ae.events, StateChange) {
		path = append(path, e.To)
	}
	require.Equal(t, []State{SynSent, SynReceived, Established}, path)
	require.Empty(t, kinds(be.events, Retransmit))
	_, err := a.Write([]byte("hello"))
	require.NoError(t, err)
	n.runFor(1 * Second)
	got, _ := readAll(b)
	require.Equal(t, "hello", string(got))
}

func TestConnectRefused(t *testing.T) {
	n := newNet(t, 1*ms)
	e := n.newEnv("cli")
	c := NewConn(e, DefaultConfig(), 40000, 81)
	e.conn = c
	// Nothing listens: the stack answers with ResetFor.
	e.route = func(seg *Segment) {
		if r := ResetFor(seg); r != nil {
			n.nextID++
			n.flight = append(n.flight, &delivery{at: n.now + n.latency, id: n.nextID, to: &tenv{route: c.Input}, seg: r})
		}
	}
	c.Connect(7)
	n.runFor(1 * Second)
	require.Equal(t, Closed, c.State())
	ev := c.Readiness()
	require.Equal(t, uint32(abi.POLLOUT|abi.POLLERR|abi.POLLHUP), uint32(ev)&(abi.POLLOUT|abi.POLLERR|abi.POLLHUP), "poll after a refused connect")
	require.ErrorIs(t, c.TakeErr(), abi.ECONNREFUSED, "SO_ERROR once")
	require.NoError(t, c.TakeErr())
	_, err := c.Read(make([]byte, 10), false)
	require.ErrorIs(t, err, io.EOF)
	_, err = c.Write([]byte("x"))
	require.ErrorIs(t, err, abi.EPIPE)
}

func TestResetForClosedPort(t *testing.T) {
	syn := &Segment{SrcPort: 5, DstPort: 6, Seq: 100, Flags: SYN, Data: []byte("ab")}
	require.Equal(t, &Segment{SrcPort: 6, DstPort: 5, Ack: 103, Flags: RST | ACK}, ResetFor(syn))
	ack := &Segment{SrcPort: 5, DstPort: 6, Seq: 100, Ack: 77, Flags: ACK}
	require.Equal(t, &Segment{SrcPort: 6, DstPort: 5, Seq: 77, Flags: RST}, ResetFor(ack))
	require.Nil(t, ResetFor(&Segment{Flags: RST}))
}

func TestSynRetransmissionThenTimeout(t *testing.T) {
	n := newNet(t, 1*ms)
	n.fault = func(*tenv, *Segment, int) []uint64 { return nil } // a dead link
	e := n.newEnv("cli")
	c := NewConn(e, DefaultConfig(), 40000, 80)
	e.conn, e.route = c, func(*Segment) {}
	c.Connect(1)
	n.runFor(200 * Second)
	// Linux: SYNs at 0, 1, 3, 7, 15, 31, 63 s; connect fails at 127 s.
	var at []uint64
	for i, s := range e.out {
		require.Equal(t, SYN, s.Flags)
		at = append(at, e.outAt[i]/Second)
	}
	require.Equal(t, []uint64{0, 1, 3, 7, 15, 31, 63}, at)
	require.Equal(t, Closed, c.State())
	require.ErrorIs(t, c.Err(), abi.ETIMEDOUT)
	var closedAt uint64
	for _, line := range n.log {
		if bytes.Contains([]byte(line), []byte("SYN-SENT -> CLOSED")) {
			closedAt = 1
			require.Contains(t, line, "127s")
		}
	}
	require.NotZero(t, closedAt, n.dump())
	require.Len(t, kinds(e.events, GaveUp), 1)
}

func TestBacklogFullDropsSynUntilAccept(t *testing.T) {
	n := newNet(t, 1*ms)
	l, le := newServer(n, DefaultConfig(), 0) // the accept queue holds 0+1
	c1, _ := addClient(n, l, le, "c1", 40001, DefaultConfig())
	c2, e2 := addClient(n, l, le, "c2", 40002, DefaultConfig())
	c1.Connect(100)
	n.runFor(100 * ms)
	require.Equal(t, Established, c1.State())
	require.Equal(t, 1, l.Pending())
	c2.Connect(200)
	n.runFor(500 * ms)
	require.Equal(t, SynSent, c2.State(), "the SYN was dropped: connect stays in progress")
	require.Len(t, kinds(le.events, ListenOverflow), 1)
	require.Equal(t, 1, l.Pending())

	a1, err := l.Accept()
	require.NoError(t, err)
	require.Equal(t, netip.AddrPortFrom(clientAddr.Addr(), 40001), a1.Remote())
	n.runUntil(2 * Second)
	require.Equal(t, Established, c2.State(), n.dump())
	require.Equal(t, 2, len(e2.out[0:2]))
	require.Equal(t, uint64(1*Second+100*ms), e2.outAt[1], "the SYN retransmitted 1 s after the first")
	a2, err := l.Accept()
	require.NoError(t, err)
	require.Equal(t, uint16(40002), a2.RemotePort())
	_, err = l.Accept()
	require.ErrorIs(t, err, ErrWouldBlock)
}

func TestHandshakeAckIntoFullAcceptQueueIsDropped(t *testing.T) {
	n := newNet(t, 1*ms)
	l, le := newServer(n, DefaultConfig(), 0)
	c1, _ := addClient(n, l, le, "c1", 40001, DefaultConfig())
	c2, _ := addClient(n, l, le, "c2", 40002, DefaultConfig())
	c1.Connect(100)
	c2.Connect(200) // both SYNs fit the SYN queue; only one handshake completes
	n.runFor(100 * ms)
	require.Equal(t, 1, l.Pending())
	require.Equal(t, 1, l.SynQueueLen(), "the second child stays in SYN-RECEIVED")
	require.Equal(t, Established, c2.State(), "the client thinks it is connected")
	require.NotEmpty(t, kinds(le.kids[1].events, ListenOverflow))
	_, err := l.Accept()
	require.NoError(t, err)
	// The child's SYN,ACK is retransmitted after 1 s; the client's ACK
	// now finds room.
	n.runUntil(2 * Second)
	require.Equal(t, 1, l.Pending(), n.dump())
	a2, err := l.Accept()
	require.NoError(t, err)
	require.Equal(t, Established, a2.State())
}

func TestListenerAnswersStrayAckWithReset(t *testing.T) {
	n := newNet(t, 1*ms)
	l, le := newServer(n, DefaultConfig(), 4)
	c, e := addClient(n, l, le, "c", 40001, DefaultConfig())
	_ = e
	l.Input(&Segment{SrcPort: 40001, DstPort: 80, Seq: 5, Ack: 99, Flags: ACK}, netip.AddrPortFrom(clientAddr.Addr(), 40001))
	require.Len(t, kinds(le.events, ResetSent), 1)
	l.Input(&Segment{SrcPort: 40001, DstPort: 80, Seq: 5, Flags: RST}, netip.AddrPortFrom(clientAddr.Addr(), 40001))
	require.Len(t, kinds(le.events, Dropped), 1)
	require.Equal(t, Closed, c.State())
}

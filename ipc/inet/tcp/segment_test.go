package tcp

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestSegmentStrings(t *testing.T) {
	for _, tc := range []struct {
		seg  Segment
		want string
		len  uint32
		wire int
	}{
		{Segment{Seq: 100, Flags: SYN, Window: 65535, MSS: 1460}, "[S] seq 100 win 65535 mss 1460 len 0", 1, 44},
		{Segment{Seq: 100, Ack: 501, Flags: SYN | ACK, Window: 65535}, "[S.] seq 100 ack 501 win 65535 len 0", 1, 40},
		{Segment{Seq: 7, Ack: 9, Flags: PSH | ACK, Window: 10, Data: []byte("abc")}, "[P.] seq 7 ack 9 win 10 len 3", 3, 43},
		{Segment{Seq: 7, Ack: 9, Flags: FIN | PSH | ACK, Data: []byte("ab")}, "[FP.] seq 7 ack 9 win 0 len 2", 3, 42},
		{Segment{Seq: 1, Flags: RST}, "[R] seq 1 win 0 len 0", 0, 40},
		{Segment{Seq: 1}, "[none] seq 1 win 0 len 0", 0, 40},
	} {
		require.Equal(t, tc.want, tc.seg.String())
		require.Equal(t, tc.len, tc.seg.Len(), tc.want)
		require.Equal(t, tc.wire, tc.seg.WireSize(), tc.want)
	}
	require.Equal(t, "SYN-RECEIVED", SynReceived.String())
	require.Equal(t, "TIME-WAIT", TimeWait.String())
	require.Equal(t, "time-wait", TimeWaitTimer.String())
	require.Equal(t, "State(?)", State(42).String())
}

func TestSequenceArithmeticWraps(t *testing.T) {
	require.True(t, seqLT(0xfffffff0, 5))
	require.True(t, seqGT(5, 0xfffffff0))
	require.True(t, seqLE(7, 7))
	require.Equal(t, uint32(5), seqMax(0xfffffff0, 5))
}

func TestTransferAcrossSequenceWrap(t *testing.T) {
	n := newNet(t, 2*ms)
	l, le := newServer(n, DefaultConfig(), 1)
	le.iss = 0xffffffff - 3000
	cli, _ := addClient(n, l, le, "cli", 40000, DefaultConfig())
	cli.Connect(0xffffffff - 500)
	n.runFor(100 * ms)
	srv, err := l.Accept()
	require.NoError(t, err)
	up, down := pattern(30000, 9), pattern(30000, 10)
	rest1, rest2 := up, down
	var got1, got2 []byte
	for range 200 {
		rest1, rest2 = writeAll(cli, rest1), writeAll(srv, rest2)
		n.runFor(10 * ms)
		b, _ := readAll(srv)
		got1 = append(got1, b...)
		b, _ = readAll(cli)
		got2 = append(got2, b...)
	}
	sameBytes(t, up, got1, "up across the wrap")
	sameBytes(t, down, got2, "down across the wrap")
}

func TestListenerRoutesToItsChildren(t *testing.T) {
	// A stack that registers nothing before accept: every segment from
	// the client goes through Listener.Input.
	n := newNet(t, ms)
	l, le := newServer(n, DefaultConfig(), 1)
	e := n.newEnv("cli")
	c := NewConn(e, DefaultConfig(), 40000, 80)
	e.conn = c
	le.clients[40000] = e
	from := netip.AddrPortFrom(clientAddr.Addr(), 40000)
	e.route = func(seg *Segment) { l.Input(seg, from) }
	c.Connect(1)
	n.runFor(50 * ms)
	require.Equal(t, 1, l.Pending())
	require.NotNil(t, l.Child(from))
	a, err := l.Accept()
	require.NoError(t, err)
	require.Equal(t, Established, a.State())
	require.Nil(t, l.Child(from), "accepted: the stack routes to it now")
}

func TestRepeatedSynGetsSynAckAgain(t *testing.T) {
	n := newNet(t, ms)
	l, le := newServer(n, DefaultConfig(), 1)
	cli, ce := addClient(n, l, le, "cli", 40000, DefaultConfig())
	drops := 0
	n.fault = func(from *tenv, seg *Segment, _ int) []uint64 {
		if from != ce && seg.Flags == SYN|ACK && drops == 0 {
			drops++
			return nil // the first SYN,ACK is lost
		}
		return []uint64{0}
	}
	cli.Connect(1)
	n.runFor(1500 * ms)
	require.Equal(t, Established, cli.State())
	kid := le.kids[0]
	require.GreaterOrEqual(t, len(kid.out), 2, "the SYN,ACK sent again: by the child's timer and for the repeated SYN")
	require.Equal(t, kid.out[0].Seq, kid.out[1].Seq)
	require.Equal(t, 1, l.Pending())
}

func TestReadinessThroughALife(t *testing.T) {
	p := newPair(t, ms, DefaultConfig(), DefaultConfig())
	require.True(t, p.cli.Writable())
	require.False(t, p.cli.Readable())
	_, _ = p.srv.Write([]byte("x"))
	p.n.runFor(10 * ms)
	require.True(t, p.cli.Readable())
	require.False(t, p.cli.HungUp())
	p.srv.Close()
	p.n.runFor(10 * ms)
	_, _ = readAll(p.cli)
	require.True(t, p.cli.Readable(), "EOF is readable")
	require.False(t, p.cli.HungUp(), "half open: our side can still send")
	p.cli.Close()
	p.n.runFor(10 * ms)
	require.True(t, p.cli.HungUp())
}

func TestMSSOptionAbsentMeans536(t *testing.T) {
	n := newNet(t, ms)
	e := n.newEnv("c")
	c := NewConn(e, DefaultConfig(), 1, 2)
	e.conn, e.route = c, func(*Segment) {}
	c.Connect(100)
	c.Input(&Segment{SrcPort: 2, DstPort: 1, Seq: 900, Ack: 101, Flags: SYN | ACK, Window: 65535})
	require.Equal(t, Established, c.State())
	require.Equal(t, DefaultSendMSS, c.Info().MSS, "RFC 9293 3.7.1: no option, 536")
	require.Empty(t, writeAll(c, make([]byte, 2000)))
	for _, s := range e.out {
		require.LessOrEqual(t, len(s.Data), 536)
	}
}

func TestLoopbackMSS(t *testing.T) {
	cfg := DefaultConfig()
	cfg.MSS = LoopbackMSS
	cfg.SndBuf = 1 << 20
	p := newPair(t, 10_000, cfg, cfg)
	require.Equal(t, LoopbackMSS, p.cli.Info().MSS)
	data := pattern(300_000, 11)
	rest := writeAll(p.cli, data)
	var got []byte
	for i := 0; len(got) < len(data) && i < 10_000; i++ {
		p.n.runFor(1 * ms)
		b, _ := readAll(p.srv)
		got = append(got, b...)
		rest = writeAll(p.cli, rest)
	}
	sameBytes(t, data, got, "over loopback")
	big := 0
	for _, s := range p.cliEnv.out {
		if len(s.Data) == LoopbackMSS {
			big++
		}
	}
	require.NotZero(t, big, "full 65483-byte segments")
}

func TestLostSynMeansOneSegmentWindowAndThreeSecondRTO(t *testing.T) {
	n := newNet(t, ms)
	l, le := newServer(n, DefaultConfig(), 1)
	cli, ce := addClient(n, l, le, "cli", 40000, DefaultConfig())
	first := true
	n.fault = func(from *tenv, seg *Segment, _ int) []uint64 {
		if from == ce && seg.Flags == SYN && first {
			first = false
			return nil
		}
		return []uint64{0}
	}
	cli.Connect(1)
	n.runFor(1500 * ms)
	require.Equal(t, Established, cli.State())
	in := cli.Info()
	require.Equal(t, 1, in.Cwnd, "RFC 5681 3.1: one segment after a lost SYN")
	require.Equal(t, 3*Second, in.RTO, "RFC 6298 5.7: no RTT sample, RTO 3 s")
	require.Zero(t, in.Backoff)
}

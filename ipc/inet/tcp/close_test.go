package tcp

import (
	"io"
	"testing"

	"github.com/stretchr/testify/require"

	"ipcsim/abi"
)

// path lists the states an env's connection went through.
func path(e *tenv) []State {
	var out []State
	for _, ev := range kinds(e.events, StateChange) {
		out = append(out, ev.To)
	}
	return out
}

func TestHalfCloseClientFirst(t *testing.T) {
	p := newPair(t, 5*ms, DefaultConfig(), DefaultConfig())
	n := p.n
	_, err := p.cli.Write([]byte("request"))
	require.NoError(t, err)
	p.cli.Shutdown()
	_, err = p.cli.Write([]byte("more"))
	require.ErrorIs(t, err, abi.EPIPE, "writes after SHUT_WR")
	n.runFor(1 * Second)
	require.Equal(t, FinWait2, p.cli.State())
	require.Equal(t, CloseWait, p.srv.State())
	got, err := readAll(p.srv)
	require.Equal(t, "request", string(got))
	require.ErrorIs(t, err, io.EOF, "the data, then end of file")
	require.NotZero(t, p.srv.Readiness()&abi.POLLRDHUP)

	// The server can still send.
	_, err = p.srv.Write([]byte("response"))
	require.NoError(t, err)
	n.runFor(1 * Second)
	got, err = readAll(p.cli)
	require.Equal(t, "response", string(got))
	require.ErrorIs(t, err, ErrWouldBlock)

	p.srv.Close()
	n.runFor(1 * Second)
	got, err = readAll(p.cli)
	require.Empty(t, got)
	require.ErrorIs(t, err, io.EOF)
	require.Equal(t, TimeWait, p.cli.State())
	require.Equal(t, Closed, p.srv.State())
	require.Equal(t, []State{SynSent, Established, FinWait1, FinWait2, TimeWait}, path(p.cliEnv))
	require.Equal(t, []State{SynReceived, Established, CloseWait, LastAck, Closed}, path(p.srvEnv))
}

func TestHalfCloseServerFirst(t *testing.T) {
	p := newPair(t, 5*ms, DefaultConfig(), DefaultConfig())
	n := p.n
	_, err := p.srv.Write([]byte("banner"))
	require.NoError(t, err)
	p.srv.Shutdown()
	n.runFor(1 * Second)
	got, err := readAll(p.cli)
	require.Equal(t, "banner", string(got))
	require.ErrorIs(t, err, io.EOF)
	_, err = p.cli.Write([]byte("late reply"))
	require.NoError(t, err, "CLOSE-WAIT can still send")
	n.runFor(1 * Second)
	got, _ = readAll(p.srv)
	require.Equal(t, "late reply", string(got))
	p.cli.Close()
	n.runFor(1 * Second)
	require.Equal(t, TimeWait, p.srv.State())
	require.Equal(t, Closed, p.cli.State())
}

func TestSimultaneousCloseGoesThroughClosing(t *testing.T) {
	p := newPair(t, 5*ms, DefaultConfig(), DefaultConfig())
	p.cli.Close()
	p.srv.Close()
	p.n.runFor(1 * Second)
	require.Equal(t, []State{SynSent, Established, FinWait1, Closing, TimeWait}, path(p.cliEnv))
	require.Equal(t, []State{SynReceived, Established, FinWait1, Closing, TimeWait}, path(p.srvEnv))
}

func TestTimeWaitLastsSixtySeconds(t *testing.T) {
	p := newPair(t, 5*ms, DefaultConfig(), DefaultConfig())
	n := p.n
	p.cli.Close()
	n.runFor(5 * ms)
	p.srv.Close()
	n.runFor(10 * ms) // the server's FIN reaches the client
	require.Equal(t, TimeWait, p.cli.State())
	entered := n.now - 5*ms
	n.runUntil(entered + 60*Second - 1)
	require.Equal(t, TimeWait, p.cli.State())
	n.runUntil(entered + 60*Second)
	require.Equal(t, Closed, p.cli.State())
}

func TestTimeWaitReacksRetransmittedFinAndRestarts(t *testing.T) {
	p := newPair(t, 5*ms, DefaultConfig(), DefaultConfig())
	n := p.n
	// The client's last ACK is lost: the server sends its FIN again.
	n.fault = func(from *tenv, seg *Segment, _ int) []uint64 {
		if from == p.cliEnv && p.cli.State() == TimeWait && seg.Flags == ACK && len(kinds(p.cliEnv.events, Dropped)) == 0 {
			return nil
		}
		return []uint64{0}
	}
	p.cli.Close()
	n.runFor(20 * ms)
	p.srv.Close()
	n.runFor(10 * ms)
	require.Equal(t, TimeWait, p.cli.State())
	require.Equal(t, LastAck, p.srv.State())
	n.runFor(1 * Second)
	require.Equal(t, Closed, p.srv.State(), "the re-ACK of the retransmitted FIN closed the server\n%s", n.dump())
	require.Len(t, kinds(p.cliEnv.events, Dropped), 1)
	// The timer restarted when the FIN came again.
	finAgain := p.srvEnv.outAt[len(p.srvEnv.outAt)-1]
	n.runUntil(finAgain + 5*ms + 60*Second - 1)
	require.Equal(t, TimeWait, p.cli.State())
	n.runFor(1)
	require.Equal(t, Closed, p.cli.State())
}

func TestCloseWithUnreadDataResets(t *testing.T) {
	p := newPair(t, 5*ms, DefaultConfig(), DefaultConfig())
	n := p.n
	_, err := p.srv.Write([]byte("unread"))
	require.NoError(t, err)
	n.runFor(1 * Second)
	require.Equal(t, 6, p.cli.Info().RecvQueue)
	p.cli.Close()
	last := p.cliEnv.out[len(p.cliEnv.out)-1]
	require.Equal(t, RST|ACK, last.Flags, "RST, not FIN (RFC 2525 2.17)")
	require.Equal(t, Closed, p.cli.State())
	n.runFor(1 * Second)
	require.Equal(t, Closed, p.srv.State())
	ev := p.srv.Readiness()
	require.Equal(t, uint32(abi.POLLIN|abi.POLLERR|abi.POLLHUP), uint32(ev)&(abi.POLLIN|abi.POLLERR|abi.POLLHUP))
	_, err = p.srv.Read(make([]byte, 10), false)
	require.ErrorIs(t, err, abi.ECONNRESET, "once")
	k, err := p.srv.Read(make([]byte, 10), false)
	require.Zero(t, k)
	require.ErrorIs(t, err, io.EOF, "then end of file")
	_, err = p.srv.Write([]byte("x"))
	require.ErrorIs(t, err, abi.EPIPE)
}

func TestWriteToFullyClosedPeerIsReset(t *testing.T) {
	p := newPair(t, 5*ms, DefaultConfig(), DefaultConfig())
	n := p.n
	p.srv.Close()
	n.runFor(1 * Second)
	require.Equal(t, FinWait2, p.srv.State())
	require.Equal(t, CloseWait, p.cli.State())
	_, err := p.cli.Write([]byte("anyone there?"))
	require.NoError(t, err, "accepted once")
	n.runFor(1 * Second)
	require.Equal(t, Closed, p.cli.State())
	require.Len(t, kinds(p.srvEnv.events, ResetSent), 1)
	_, err = p.cli.Write([]byte("again"))
	require.ErrorIs(t, err, abi.EPIPE, "Linux: a RST in CLOSE-WAIT gives EPIPE")
	_, err = p.cli.Write([]byte("again"))
	require.ErrorIs(t, err, abi.EPIPE)
}

func TestOrphanedFinWait2GoesAway(t *testing.T) {
	p := newPair(t, 5*ms, DefaultConfig(), DefaultConfig())
	p.srv.Close()
	p.n.runFor(1 * Second)
	require.Equal(t, FinWait2, p.srv.State())
	p.n.runFor(60 * Second)
	require.Equal(t, Closed, p.srv.State())
}

func TestAbortSendsReset(t *testing.T) {
	p := newPair(t, 5*ms, DefaultConfig(), DefaultConfig())
	p.cli.Abort()
	p.n.runFor(1 * Second)
	require.Equal(t, Closed, p.srv.State())
	require.ErrorIs(t, p.srv.Err(), abi.ECONNRESET)
}

func TestResetInWindowButNotExactGetsChallengeAck(t *testing.T) {
	p := newPair(t, 5*ms, DefaultConfig(), DefaultConfig())
	in := p.cli.Info()
	p.cli.Input(&Segment{SrcPort: 80, DstPort: 40000, Seq: in.RcvNxt + 100, Flags: RST})
	require.Equal(t, Established, p.cli.State())
	require.Len(t, kinds(p.cliEnv.events, ChallengeAck), 1)
	p.cli.Input(&Segment{SrcPort: 80, DstPort: 40000, Seq: in.RcvNxt + 1_000_000, Flags: RST})
	require.Equal(t, Established, p.cli.State(), "out of window: dropped")
	p.cli.Input(&Segment{SrcPort: 80, DstPort: 40000, Seq: in.RcvNxt, Flags: RST})
	require.Equal(t, Closed, p.cli.State())
	require.ErrorIs(t, p.cli.Err(), abi.ECONNRESET)
}

func TestKeepaliveGivesUpOnDeadLink(t *testing.T) {
	cfg := DefaultConfig()
	cfg.KeepAlive = true
	p := newPair(t, 5*ms, cfg, DefaultConfig())
	n := p.n
	start := 10 * ms                                             // the last segment from the server: its SYN,ACK
	n.fault = func(*tenv, *Segment, int) []uint64 { return nil } // the link dies
	n.runUntil(start + 7200*Second - 1)
	require.Empty(t, kinds(p.cliEnv.events, KeepaliveProbe))
	n.runUntil(start + 7200*Second + 9*75*Second - 1)
	require.Len(t, kinds(p.cliEnv.events, KeepaliveProbe), 9)
	require.Equal(t, Established, p.cli.State())
	n.runFor(1)
	require.Equal(t, Closed, p.cli.State())
	require.ErrorIs(t, p.cli.Err(), abi.ETIMEDOUT)
	_, err := p.cli.Read(make([]byte, 1), false)
	require.ErrorIs(t, err, abi.ETIMEDOUT)
	require.Equal(t, RST|ACK, p.cliEnv.out[len(p.cliEnv.out)-1].Flags)
}

func TestKeepaliveAnsweredKeepsConnection(t *testing.T) {
	cfg := DefaultConfig()
	cfg.KeepAlive = true
	cfg.KeepIdle = 10 * Second
	cfg.KeepIntvl = 10 * Second // Linux waits KeepIntvl after a probe, answered or not
	p := newPair(t, 5*ms, cfg, DefaultConfig())
	p.n.runFor(100 * Second)
	require.Equal(t, Established, p.cli.State())
	probes := kinds(p.cliEnv.events, KeepaliveProbe)
	require.Len(t, probes, 9, "one probe every 10 s of idleness, each answered")
	for _, e := range probes {
		require.Contains(t, e.Text, "probe 1 of 9")
	}
}

func TestTimeWaitReusableByNewerSyn(t *testing.T) {
	p := newPair(t, ms, DefaultConfig(), DefaultConfig())
	p.cli.Close()
	p.n.runFor(10 * ms)
	p.srv.Close()
	p.n.runFor(10 * ms)
	require.Equal(t, TimeWait, p.cli.State())
	rcvNxt := p.cli.Info().RcvNxt
	require.True(t, p.cli.ReusableBy(&Segment{Seq: rcvNxt + 1000, Flags: SYN}))
	require.False(t, p.cli.ReusableBy(&Segment{Seq: rcvNxt - 1000, Flags: SYN}), "an old SYN")
	require.False(t, p.cli.ReusableBy(&Segment{Seq: rcvNxt + 1000, Flags: SYN | ACK}))
}

func TestListenerCloseResetsWaitingConnections(t *testing.T) {
	n := newNet(t, ms)
	l, le := newServer(n, DefaultConfig(), 4)
	c, _ := addClient(n, l, le, "c", 40001, DefaultConfig())
	c.Connect(1)
	n.runFor(10 * ms)
	require.Equal(t, 1, l.Pending())
	l.Close()
	n.runFor(10 * ms)
	require.Equal(t, Closed, c.State())
	require.ErrorIs(t, c.Err(), abi.ECONNRESET)
	_, err := l.Accept()
	require.ErrorIs(t, err, abi.EINVAL)
}

func TestSetNoDelayFlushesHeldData(t *testing.T) {
	p := newPair(t, 5*ms, DefaultConfig(), DefaultConfig())
	_, _ = p.cli.Write([]byte("a"))
	_, _ = p.cli.Write([]byte("b")) // held by Nagle behind "a"
	before := len(p.cliEnv.out)
	p.cli.SetNoDelay(true)
	require.Len(t, p.cliEnv.out, before+1)
	require.Equal(t, "b", string(p.cliEnv.out[before].Data))
}

package tcp

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestFlowControlSlowReader(t *testing.T) {
	scfg := DefaultConfig()
	scfg.RcvBuf = 4096
	p := newPair(t, 5*ms, DefaultConfig(), scfg)
	n := p.n
	require.Equal(t, uint16(4096), p.srvEnv.out[0].Window, "the SYN,ACK advertises the free buffer")
	data := pattern(12000, 3)
	rest := writeAll(p.cli, data)
	n.runFor(3 * Second)
	// The sender stops at the window: 4096 bytes in the server's buffer,
	// the rest waits in the client's.
	require.Equal(t, 4096, p.srv.Info().RecvQueue)
	require.Equal(t, uint32(0), p.cli.Info().SndWnd)
	for i, s := range p.cliEnv.out {
		require.LessOrEqual(t, s.End(), p.cliEnv.out[0].Seq+1+4096+1, "segment %d beyond the window", i)
	}
	// A zero window: the client probes with backoff (RTO 210 ms, then
	// doubling: 0.42 s, 0.84 s, 1.68 s after the window closed).
	probes := kinds(p.cliEnv.events, WindowProbe)
	require.GreaterOrEqual(t, len(probes), 2, n.dump())
	for _, s := range p.cliEnv.out[len(p.cliEnv.out)-2:] {
		require.Empty(t, s.Data)
		require.Equal(t, p.cli.Info().SndUna-1, s.Seq, "Linux's probe: SEQ = SND.UNA-1")
	}
	// The reader drains: a window update restarts the sender.
	var got []byte
	buf := make([]byte, 1000)
	for len(got) < len(data) {
		k, err := p.srv.Read(buf, false)
		if err == ErrWouldBlock {
			rest = writeAll(p.cli, rest)
			n.runFor(100 * ms)
			continue
		}
		require.NoError(t, err)
		got = append(got, buf[:k]...)
		if n.now > 60*Second {
			t.Fatalf("stalled at %d bytes\n%s", len(got), n.dump())
		}
	}
	sameBytes(t, data, got, "the stream through a small window")
	require.NotEmpty(t, kinds(p.srvEnv.events, WindowUpdate))
	require.Empty(t, kinds(p.cliEnv.events, Retransmit), "no timeouts: a closed window is not a loss")
}

// dropNth drops the chosen data transmissions from env e (counting its
// data segments from 1).
func dropNth(e *tenv, nth ...int) fault {
	count := 0
	return func(from *tenv, seg *Segment, _ int) []uint64 {
		if from == e && len(seg.Data) > 0 {
			count++
			for _, k := range nth {
				if k == count {
					return nil
				}
			}
		}
		return []uint64{0}
	}
}

func TestLossRecoveredByTimeoutWithBackoff(t *testing.T) {
	p := newPair(t, 5*ms, DefaultConfig(), DefaultConfig())
	n := p.n
	n.fault = dropNth(p.cliEnv, 1, 2, 3) // the segment and its first two retransmissions
	sent := n.now
	_, err := p.cli.Write([]byte("lost and found"))
	require.NoError(t, err)
	n.runFor(10 * Second)
	got, _ := readAll(p.srv)
	require.Equal(t, "lost and found", string(got))
	var at []uint64
	for i, s := range p.cliEnv.out {
		if len(s.Data) > 0 {
			at = append(at, (p.cliEnv.outAt[i]-sent)/ms)
		}
	}
	// RTO after the handshake's sample: 10 ms + 200 ms; then doubled.
	require.Equal(t, []uint64{0, 210, 630, 1470}, at, n.dump())
	require.Len(t, kinds(p.cliEnv.events, Retransmit), 3)
	require.Contains(t, kinds(p.cliEnv.events, Retransmit)[1].Text, "RTO 420ms -> 840ms")
	in := p.cli.Info()
	require.Equal(t, 3, in.TotalRetrans)
	require.Zero(t, in.Retransmits, "reset by the ACK")
	require.Equal(t, 3, in.Backoff, "Karn: no sample from a retransmitted segment, so the backoff stays")
}

func TestFastRetransmitOnThreeDupAcks(t *testing.T) {
	cfg := DefaultConfig()
	cfg.NoDelay = true
	p := newPair(t, 5*ms, cfg, DefaultConfig())
	n := p.n
	n.fault = dropNth(p.cliEnv, 2)
	data := pattern(8*1460, 4)
	require.Empty(t, writeAll(p.cli, data))
	n.runFor(2 * Second)
	got, _ := readAll(p.srv)
	sameBytes(t, data, got, "after a fast retransmit")
	fr := kinds(p.cliEnv.events, FastRetransmit)
	require.Len(t, fr, 1, n.dump())
	require.Empty(t, kinds(p.cliEnv.events, Retransmit), "recovered before any timeout")
	// The receiver acknowledged each out-of-order segment at once.
	dups := 0
	for _, s := range p.srvEnv.out {
		if s.Ack == p.cliEnv.out[2].Seq+1460 && len(s.Data) == 0 {
			dups++
		}
	}
	require.GreaterOrEqual(t, dups, 4, "the ACK plus three duplicates")
	in := p.cli.Info()
	require.Equal(t, 1, in.TotalRetrans)
	require.Less(t, in.Ssthresh, 100, "ssthresh set on the loss")
}

func TestDelayedAck(t *testing.T) {
	p := newPair(t, 5*ms, DefaultConfig(), DefaultConfig())
	n := p.n
	base := len(p.srvEnv.out)
	_, err := p.cli.Write([]byte("one small segment"))
	require.NoError(t, err)
	arrive := n.now + 5*ms
	n.runFor(1 * Second)
	require.Len(t, p.srvEnv.out, base+1)
	require.Equal(t, arrive+40*ms, p.srvEnv.outAt[base], "the ACK waits 40 ms")

	// Two full segments: the second is acknowledged at once.
	base = len(p.srvEnv.out)
	require.Empty(t, writeAll(p.cli, pattern(2*1460, 5)))
	arrive = n.now + 5*ms
	n.runFor(1 * Second)
	require.Len(t, p.srvEnv.out, base+1)
	require.Equal(t, arrive, p.srvEnv.outAt[base], "every second full segment is acknowledged at once")

	// Data to send back carries the ACK: nothing separate.
	base = len(p.srvEnv.out)
	_, err = p.cli.Write([]byte("ping"))
	require.NoError(t, err)
	n.runFor(5 * ms)
	_, err = p.srv.Write([]byte("pong"))
	require.NoError(t, err)
	n.runFor(1 * Second)
	require.Len(t, p.srvEnv.out, base+1)
	require.Equal(t, "pong", string(p.srvEnv.out[base].Data))
}

func TestNagleCoalescesSmallWrites(t *testing.T) {
	for _, noDelay := range []bool{false, true} {
		cfg := DefaultConfig()
		cfg.NoDelay = noDelay
		p := newPair(t, 5*ms, cfg, DefaultConfig())
		base := len(p.cliEnv.out)
		for _, b := range "hello" {
			_, err := p.cli.Write([]byte{byte(b)})
			require.NoError(t, err)
			p.n.runFor(1 * ms)
		}
		p.n.runFor(1 * Second)
		got, _ := readAll(p.srv)
		require.Equal(t, "hello", string(got))
		var segs []string
		for _, s := range p.cliEnv.out[base:] {
			if len(s.Data) > 0 {
				segs = append(segs, string(s.Data))
			}
		}
		if noDelay {
			require.Equal(t, []string{"h", "e", "l", "l", "o"}, segs, "TCP_NODELAY: one segment per write")
		} else {
			// The first goes; the rest wait for its ACK (delayed 40 ms).
			require.Equal(t, []string{"h", "ello"}, segs, "Nagle")
		}
	}
}

func TestOutOfOrderKeptAndDelivered(t *testing.T) {
	cfg := DefaultConfig()
	cfg.NoDelay = true
	p := newPair(t, 5*ms, cfg, DefaultConfig())
	n := p.n
	// Segment 1 is delayed past segments 2..4: they are kept, then
	// delivered when it fills the hole.
	count := 0
	n.fault = func(from *tenv, seg *Segment, _ int) []uint64 {
		if from == p.cliEnv && len(seg.Data) > 0 {
			count++
			if count == 1 {
				return []uint64{20 * ms}
			}
		}
		return []uint64{0}
	}
	data := pattern(4*1460, 6)
	require.Empty(t, writeAll(p.cli, data))
	n.runFor(12 * ms)
	require.Equal(t, 3*1460, p.srv.Info().OutOfOrder)
	require.Zero(t, p.srv.Info().RecvQueue)
	n.runFor(1 * Second)
	got, _ := readAll(p.srv)
	sameBytes(t, data, got, "reassembled")
	require.Zero(t, p.srv.Info().OutOfOrder)
}

func TestDuplicatesAndOldSegmentsAreAcked(t *testing.T) {
	p := newPair(t, 5*ms, DefaultConfig(), DefaultConfig())
	n := p.n
	n.fault = func(from *tenv, seg *Segment, _ int) []uint64 {
		if from == p.cliEnv && len(seg.Data) > 0 {
			return []uint64{0, 1 * ms} // every data segment twice
		}
		return []uint64{0}
	}
	_, err := p.cli.Write([]byte("twice"))
	require.NoError(t, err)
	n.runFor(1 * Second)
	got, _ := readAll(p.srv)
	require.Equal(t, "twice", string(got))
	require.Len(t, kinds(p.srvEnv.events, Dropped), 1, "the copy is out of window")
	last := p.srvEnv.out[len(p.srvEnv.out)-1]
	require.Equal(t, ACK, last.Flags, "and answered with an ACK")
}

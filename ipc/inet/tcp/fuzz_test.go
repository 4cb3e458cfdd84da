package tcp

import (
	"encoding/binary"
	"testing"
)

// connIn returns a connection driven into state s through ordinary
// traffic, with its net (whose faults are then cleared).
func connIn(t testing.TB, s State) (*Conn, *tnet) {
	dropAll := func(*tenv, *Segment, int) []uint64 { return nil }
	switch s {
	case Closed:
		n := newNet(t, ms)
		e := n.newEnv("c")
		c := NewConn(e, DefaultConfig(), 1, 2)
		e.conn, e.route = c, func(*Segment) {}
		return c, n
	case SynSent:
		n := newNet(t, ms)
		n.fault = dropAll
		e := n.newEnv("c")
		c := NewConn(e, DefaultConfig(), 1, 2)
		e.conn, e.route = c, func(*Segment) {}
		c.Connect(77)
		return c, n
	case SynReceived:
		n := newNet(t, ms)
		l, le := newServer(n, DefaultConfig(), 4)
		cli, ce := addClient(n, l, le, "cli", 40000, DefaultConfig())
		n.fault = func(from *tenv, _ *Segment, _ int) []uint64 {
			if from == ce {
				return []uint64{0}
			}
			return nil
		}
		cli.Connect(5)
		n.runFor(5 * ms)
		return le.kids[0].conn, n
	}
	p := newPair(t, ms, DefaultConfig(), DefaultConfig())
	n := p.n
	switch s {
	case Established:
		_, _ = p.cli.Write([]byte("some data in flight"))
		return p.cli, n
	case FinWait1:
		n.fault = dropAll
		p.cli.Shutdown()
		return p.cli, n
	case FinWait2, CloseWait:
		p.cli.Shutdown()
		n.runFor(10 * ms)
		if s == FinWait2 {
			return p.cli, n
		}
		return p.srv, n
	case LastAck:
		p.srv.Shutdown()
		n.runFor(10 * ms)
		n.fault = dropAll
		p.cli.Shutdown()
		return p.cli, n
	case Closing:
		n.fault = func(_ *tenv, seg *Segment, _ int) []uint64 {
			if seg.Flags == ACK {
				return nil
			}
			return []uint64{0}
		}
		p.cli.Shutdown()
		p.srv.Shutdown()
		n.runFor(5 * ms)
		return p.cli, n
	case TimeWait:
		p.cli.Shutdown()
		n.runFor(10 * ms)
		p.srv.Shutdown()
		n.runFor(10 * ms)
		return p.cli, n
	}
	t.Fatalf("no way to %v", s)
	return nil, nil
}

func TestConnInEveryState(t *testing.T) {
	for s := Closed; s <= TimeWait; s++ {
		if s == Listen {
			continue
		}
		c, _ := connIn(t, s)
		if c.State() != s {
			t.Errorf("connIn(%v) gave %v", s, c.State())
		}
	}
}

// FuzzInput feeds a connection in each state arbitrary segments, timer
// expiries and user calls. Nothing may panic, and the buffers stay within
// their limits.
func FuzzInput(f *testing.F) {
	f.Add(uint8(4), []byte{0, 0x12, 1, 0, 0, 0, 1, 0, 0, 0, 0xff, 0xff, 0, 0, 4, 'a', 'b', 'c', 'd'})
	f.Add(uint8(2), []byte{0, 0x12, 0, 0, 0, 0, 1, 0, 0, 0, 0xff, 0xff, 5, 0xb4, 0})
	f.Add(uint8(10), []byte{0, 0x11, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 2, 3})
	f.Add(uint8(7), []byte{3, 4, 5, 6, 7, 0, 0x04, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, state uint8, ops []byte) {
		s := State(state % 11)
		if s == Listen {
			s = Established
		}
		c, n := connIn(t, s)
		n.fault = func(*tenv, *Segment, int) []uint64 { return nil } // nothing comes back
		for len(ops) > 0 {
			op := ops[0]
			ops = ops[1:]
			switch op % 8 {
			case 0: // a segment
				var seg *Segment
				seg, ops = fuzzSegment(c, ops)
				c.Input(seg)
			case 1:
				c.Fire(Timer(int(op>>3) % (int(numTimers) + 1)))
			case 2:
				_, _ = c.Write(make([]byte, int(op)*100))
			case 3:
				_, _ = c.Read(make([]byte, int(op)), op&0x80 != 0)
			case 4:
				n.runFor(uint64(op) * 10 * ms)
			case 5:
				c.Shutdown()
			case 6:
				if op&0x80 != 0 {
					c.Abort()
				} else {
					c.Close()
				}
			case 7:
				_ = c.Readiness()
				_ = c.Info()
				_ = c.TakeErr()
			}
			in := c.Info()
			if in.RecvQueue+in.OutOfOrder > c.cfg.RcvBuf || in.SendQueue > c.cfg.SndBuf {
				t.Fatalf("over the limits: %+v", in)
			}
		}
	})
}

// fuzzSegment decodes a segment from b: sequence and acknowledgment
// numbers near the connection's own (or anywhere), any flags, window,
// MSS and data.
func fuzzSegment(c *Conn, b []byte) (*Segment, []byte) {
	var h [14]byte
	k := copy(h[:], b)
	b = b[k:]
	seg := &Segment{SrcPort: c.remotePort, DstPort: c.localPort, Flags: Flags(h[0])}
	seq, ack := binary.LittleEndian.Uint32(h[1:]), binary.LittleEndian.Uint32(h[5:])
	if h[13]&1 == 0 {
		seq = c.rcvNxt + uint32(int32(int16(seq)))
	}
	if h[13]&2 == 0 {
		ack = c.sndUna + uint32(int32(int16(ack)))
	}
	seg.Seq, seg.Ack = seq, ack
	seg.Window = binary.LittleEndian.Uint16(h[9:])
	seg.MSS = binary.LittleEndian.Uint16(h[11:])
	dl := int(h[13] >> 2)
	if h[13]&0x80 != 0 {
		dl *= 64
	}
	dl = min(dl, len(b))
	seg.Data, b = b[:dl], b[dl:]
	return seg, b
}

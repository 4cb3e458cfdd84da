package inet

import (
	"errors"
	"fmt"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/require"

	"ipcsim/abi"
	"ipcsim/ipc/inet/tcp"
)

// clock is a fake virtual clock the tests move by hand.
type clock struct{ now uint64 }

func (c *clock) Now() uint64 { return c.now }

func newStack(c *clock, addr string, out func(*Packet)) *Stack {
	cfg := Config{Seed: 1, Now: c.Now, Output: out}
	if addr != "" {
		cfg.Addr = netip.MustParseAddr(addr)
	}
	return New(cfg)
}

func ap(s string) netip.AddrPort { return netip.MustParseAddrPort(s) }

// run fires the stacks' timers in time order until none is due before
// limit, then sets the clock to limit.
func run(c *clock, limit uint64, stacks ...*Stack) {
	for {
		next, ok := uint64(0), false
		for _, s := range stacks {
			if at, has := s.NextTimer(); has && (!ok || at < next) {
				next, ok = at, true
			}
		}
		if !ok || next > limit {
			c.now = max(c.now, limit)
			return
		}
		c.now = max(c.now, next)
		for _, s := range stacks {
			s.Advance(c.now)
		}
	}
}

func isBlocked(err error) bool {
	var b *Blocked
	return errors.As(err, &b)
}

// pair connects a client to a listener on 127.0.0.1:port over the
// loopback and returns the client and the accepted socket.
func pair(t *testing.T, s *Stack, port string) (*Socket, *Socket, *Socket) {
	t.Helper()
	l := s.NewSocket(abi.SOCK_STREAM)
	require.NoError(t, l.Bind(ap("127.0.0.1:"+port)))
	require.NoError(t, l.Listen(5))
	cl := s.NewSocket(abi.SOCK_STREAM)
	require.True(t, isBlocked(cl.ConnectTCP(ap("127.0.0.1:"+port), false)))
	require.NoError(t, cl.ConnectTCP(ap("127.0.0.1:"+port), true), "the loopback handshake is done when connect's retry looks")
	sv, err := l.Accept()
	require.NoError(t, err)
	return l, cl, sv
}

// TestLoopbackTCP follows a connection over the loopback from connect to
// TIME-WAIT, and the port's release 60 s later.
func TestLoopbackTCP(t *testing.T) {
	c := &clock{}
	s := newStack(c, "", nil)
	l := s.NewSocket(abi.SOCK_STREAM)
	require.NoError(t, l.Bind(ap("127.0.0.1:80")))
	require.NoError(t, l.Listen(5))
	_, err := l.Accept()
	require.True(t, isBlocked(err), "accept with nothing queued blocks: %v", err)

	cl := s.NewSocket(abi.SOCK_STREAM)
	_, ok := cl.Remote()
	require.False(t, ok, "no peer before connect")
	require.True(t, isBlocked(cl.ConnectTCP(ap("127.0.0.1:80"), false)))
	require.Equal(t, abi.POLLIN|abi.POLLRDNORM, int(l.Readiness()), "the listener has a connection to accept")
	require.NoError(t, cl.ConnectTCP(ap("127.0.0.1:80"), false), "once done, the next connect returns 0")
	require.Equal(t, abi.EISCONN, cl.ConnectTCP(ap("127.0.0.1:80"), false), "and the one after EISCONN")
	sv, err := l.Accept()
	require.NoError(t, err)
	require.Equal(t, cl.Local(), func() netip.AddrPort { r, _ := sv.Remote(); return r }())
	require.Equal(t, ap("127.0.0.1:80"), sv.Local())
	lp := cl.Local().Port()
	require.True(t, lp >= abi.IPPortRangeLow && lp <= abi.IPPortRangeHigh && lp%2 == 0, "connect takes an even ephemeral port: %d", lp)

	n, err := cl.SendTCP([]byte("hello"))
	require.NoError(t, err)
	require.Equal(t, 5, n)
	r, err := sv.RecvTCP(100, abi.MSG_PEEK)
	require.NoError(t, err)
	require.Equal(t, "hello", string(r.Data))
	r, err = sv.RecvTCP(3, 0)
	require.NoError(t, err)
	require.Equal(t, "hel", string(r.Data))
	require.NoError(t, cl.ShutdownTCP(SendShutdown))
	r, err = sv.RecvTCP(100, 0)
	require.NoError(t, err)
	require.Equal(t, "lo", string(r.Data))
	r, err = sv.RecvTCP(100, 0)
	require.NoError(t, err)
	require.Empty(t, r.Data, "end of stream after the peer's FIN")
	_, err = cl.SendTCP([]byte("x"))
	require.Equal(t, abi.EPIPE, err, "writes after SHUT_WR")
	n, err = sv.SendTCP([]byte("back"))
	require.NoError(t, err, "the other half is still open")
	r, err = cl.RecvTCP(100, 0)
	require.NoError(t, err)
	require.Equal(t, "back", string(r.Data))

	sv.Close()
	cl.ReuseAddr = true // a time-wait keeps its socket's SO_REUSEADDR
	cl.Close()          // the client sent the first FIN: its side waits in TIME-WAIT
	var tw []string
	for _, in := range s.Infos() {
		if in.Orphan {
			tw = append(tw, in.State+" "+in.Local.String())
		}
	}
	require.Equal(t, []string{"TIME-WAIT " + netip.AddrPortFrom(netip.MustParseAddr("127.0.0.1"), lp).String()}, tw)
	l.Close()
	b := s.NewSocket(abi.SOCK_STREAM)
	require.Equal(t, abi.EADDRINUSE, b.Bind(netip.AddrPortFrom(netip.IPv4Unspecified(), lp)), "TIME-WAIT holds the port")
	b.ReuseAddr = true
	require.NoError(t, b.Bind(netip.AddrPortFrom(netip.IPv4Unspecified(), lp)), "SO_REUSEADDR on both binds over TIME-WAIT")
	b.Close()
	run(c, 61e9, s)
	require.Empty(t, s.Infos(), "TIME-WAIT ends after 60 s and the connection is gone")
	require.Empty(t, s.ports, "every port is free")
}

// TestRefusedAndReset: a SYN to a closed port is answered with RST
// (ECONNREFUSED); a close with unread data resets the peer, whose next
// read fails with ECONNRESET once, then reads 0.
func TestRefusedAndReset(t *testing.T) {
	c := &clock{}
	s := newStack(c, "", nil)
	cl := s.NewSocket(abi.SOCK_STREAM)
	require.True(t, isBlocked(cl.ConnectTCP(ap("127.0.0.1:9"), false)))
	require.Equal(t, abi.ECONNREFUSED, cl.ConnectTCP(ap("127.0.0.1:9"), true))

	_, a, b := pair(t, s, "7")
	_, err := a.SendTCP([]byte("unread"))
	require.NoError(t, err)
	_, err = b.SendTCP([]byte("x"))
	require.NoError(t, err)
	b.Close() // "x" was read by nobody... b has "unread" queued: RST
	ev := a.Readiness()
	require.NotZero(t, ev&abi.POLLERR, "the reset peer polls POLLERR: %#x", ev)
	r, err := a.RecvTCP(100, 0)
	if err == nil {
		require.Equal(t, "x", string(r.Data), "data that came before the RST")
		r, err = a.RecvTCP(100, 0)
	}
	require.Equal(t, abi.ECONNRESET, err)
	r, err = a.RecvTCP(100, 0)
	require.NoError(t, err)
	require.Empty(t, r.Data, "then 0")
	_, err = a.SendTCP([]byte("y"))
	require.Equal(t, abi.EPIPE, err)
}

// TestBindRules checks bind's conflicts as Linux decides them.
func TestBindRules(t *testing.T) {
	c := &clock{}
	s := newStack(c, "10.0.0.1", nil)
	a := s.NewSocket(abi.SOCK_STREAM)
	require.NoError(t, a.Bind(ap("0.0.0.0:80")))
	require.Equal(t, abi.EINVAL, a.Bind(ap("0.0.0.0:81")), "bound already")
	b := s.NewSocket(abi.SOCK_STREAM)
	require.Equal(t, abi.EADDRINUSE, b.Bind(ap("127.0.0.1:80")), "the wildcard holds every address")
	require.Equal(t, abi.EADDRNOTAVAIL, b.Bind(ap("10.255.255.1:80")), "not an address of this host")
	require.NoError(t, b.Bind(ap("10.0.0.1:81")))
	u := s.NewSocket(abi.SOCK_DGRAM)
	require.NoError(t, u.Bind(ap("0.0.0.0:80")), "UDP ports are apart from TCP's")

	x, y := s.NewSocket(abi.SOCK_STREAM), s.NewSocket(abi.SOCK_STREAM)
	x.ReuseAddr, y.ReuseAddr = true, true
	require.NoError(t, x.Bind(ap("127.0.0.1:90")))
	require.NoError(t, y.Bind(ap("127.0.0.1:90")), "two SO_REUSEADDR sockets share a port")
	require.NoError(t, x.Listen(1))
	require.Equal(t, abi.EADDRINUSE, y.Listen(1), "but only one may listen")
	z := s.NewSocket(abi.SOCK_STREAM)
	z.ReuseAddr = true
	require.Equal(t, abi.EADDRINUSE, z.Bind(ap("127.0.0.1:90")), "not even SO_REUSEADDR binds over a listener")

	e := s.NewSocket(abi.SOCK_DGRAM)
	require.NoError(t, e.Bind(ap("0.0.0.0:0")))
	p := e.Local().Port()
	require.True(t, p >= abi.IPPortRangeLow && p <= abi.IPPortRangeHigh && p%2 == 1, "bind(0) takes an odd ephemeral port: %d", p)
}

// TestUDP checks datagrams on the loopback: boundaries, truncation, the
// sender's name, ICMP port unreachable reported once to a connected
// socket and never to an unconnected one, and the connected filter.
func TestUDP(t *testing.T) {
	c := &clock{}
	s := newStack(c, "", nil)
	rx, tx := s.NewSocket(abi.SOCK_DGRAM), s.NewSocket(abi.SOCK_DGRAM)
	require.NoError(t, rx.Bind(ap("127.0.0.1:5000")))
	_, err := tx.SendUDP([]byte("x"), nil)
	require.Equal(t, abi.EDESTADDRREQ, err)
	to := ap("127.0.0.1:5000")
	for _, d := range []string{"first", "", "third datagram"} {
		n, err := tx.SendUDP([]byte(d), &to)
		require.NoError(t, err)
		require.Equal(t, len(d), n)
	}
	_, err = tx.SendUDP(make([]byte, abi.IPMaxUDPPayload+1), &to)
	require.Equal(t, abi.EMSGSIZE, err)
	r, err := rx.RecvUDP(100, 0)
	require.NoError(t, err)
	require.Equal(t, "first", string(r.Data))
	require.Equal(t, tx.Local().Port(), r.From.Port())
	r, err = rx.RecvUDP(100, 0)
	require.NoError(t, err)
	require.Equal(t, 0, r.Len, "a datagram of no bytes")
	r, err = rx.RecvUDP(5, 0)
	require.NoError(t, err)
	require.Equal(t, "third", string(r.Data))
	require.Equal(t, 14, r.Len, "the rest is lost; Len is the real length (MSG_TRUNC)")
	_, err = rx.RecvUDP(100, 0)
	require.True(t, isBlocked(err))

	closed := ap("127.0.0.1:5001")
	_, err = tx.SendUDP([]byte("x"), &closed)
	require.NoError(t, err)
	require.Zero(t, tx.Readiness()&abi.POLLERR, "an unconnected socket never hears of the ICMP")
	require.NoError(t, tx.ConnectUDP(closed))
	_, err = tx.SendUDP([]byte("x"), nil)
	require.NoError(t, err, "the send succeeds")
	require.NotZero(t, tx.Readiness()&abi.POLLERR)
	_, err = tx.RecvUDP(10, 0)
	require.Equal(t, abi.ECONNREFUSED, err, "then the error, once")
	_, err = tx.RecvUDP(10, 0)
	require.True(t, isBlocked(err))

	// A connected socket takes datagrams from its peer only.
	require.NoError(t, rx.ConnectUDP(ap("127.0.0.1:6000")))
	_, err = tx.SendUDP([]byte("stranger"), &to)
	require.NoError(t, err)
	_, err = rx.RecvUDP(100, 0)
	require.True(t, isBlocked(err), "dropped: not from the peer")
	require.NoError(t, rx.ConnectUDP(netip.AddrPort{}))
	_, ok := rx.Remote()
	require.False(t, ok, "AF_UNSPEC dissolves the association")
	require.Equal(t, abi.ENOTCONN, s.NewSocket(abi.SOCK_DGRAM).ShutdownUDP(SendShutdown|RcvShutdown))
}

// TestTwoHosts runs TCP between two stacks over a fake wire that loses
// the first data segment: the RTO resends it, and the bytes arrive whole.
func TestTwoHosts(t *testing.T) {
	c := &clock{}
	type inFlight struct {
		at uint64
		p  *Packet
	}
	var wire []inFlight
	var a, b *Stack
	lost := false
	send := func(p *Packet) {
		if p.TCP != nil && len(p.TCP.Data) > 0 && !lost {
			lost = true
			return
		}
		wire = append(wire, inFlight{c.now + 1e6, p}) // 1 ms
	}
	a = newStack(c, "10.0.0.1", send)
	b = newStack(c, "10.0.0.2", send)
	deliver := func(limit uint64) {
		for c.now < limit {
			next := limit
			if len(wire) > 0 && wire[0].at < next {
				next = wire[0].at
			}
			for _, s := range []*Stack{a, b} {
				if at, ok := s.NextTimer(); ok && at < next {
					next = at
				}
			}
			c.now = next
			for len(wire) > 0 && wire[0].at <= c.now {
				p := wire[0].p
				wire = wire[1:]
				if p.Dst == a.Addr() {
					a.Receive(p)
				} else {
					b.Receive(p)
				}
			}
			a.Advance(c.now)
			b.Advance(c.now)
		}
	}
	l := b.NewSocket(abi.SOCK_STREAM)
	require.NoError(t, l.Bind(ap("0.0.0.0:80")))
	require.NoError(t, l.Listen(1))
	cl := a.NewSocket(abi.SOCK_STREAM)
	require.True(t, isBlocked(cl.ConnectTCP(ap("10.0.0.2:80"), false)))
	deliver(3e6)
	require.NoError(t, cl.ConnectTCP(ap("10.0.0.2:80"), true), "after a round trip of 2 ms")
	sv, err := l.Accept()
	require.NoError(t, err)
	require.Equal(t, ap("10.0.0.2:80"), sv.Local(), "the accepted socket's address is the one the client reached")
	_, err = cl.SendTCP([]byte("over the wire"))
	require.NoError(t, err)
	deliver(100e6)
	_, err = sv.RecvTCP(100, 0)
	require.True(t, isBlocked(err), "the first segment was lost; the RTO has not fired yet")
	deliver(2e9)
	r, err := sv.RecvTCP(100, 0)
	require.NoError(t, err)
	require.Equal(t, "over the wire", string(r.Data))
	info := a.Infos()[0]
	require.Contains(t, info.Detail, "retrans")

	// A SYN to a port of b nobody listens on: RST, ECONNREFUSED.
	x := a.NewSocket(abi.SOCK_STREAM)
	require.True(t, isBlocked(x.ConnectTCP(ap("10.0.0.2:81"), false)))
	deliver(c.now + 3e6)
	require.Equal(t, abi.ECONNREFUSED, x.ConnectTCP(ap("10.0.0.2:81"), true))
	_ = tcp.Closed
}

// TestDatagramName: each datagram a host sends gets the next number of
// its host (Datagram.Num), which travels with it; the receiver names it
// as the sender did (LastSent, Received.Datagram), each copy a wire
// makes of it included, and a datagram lost on the way shifts nothing.
func TestDatagramName(t *testing.T) {
	c := &clock{}
	var b *Stack
	sent := 0
	wire := func(p *Packet) {
		sent++
		switch sent {
		case 2: // lost
		case 3: // duplicated
			b.Receive(p)
			b.Receive(p)
		default:
			b.Receive(p)
		}
	}
	a := newStack(c, "10.0.0.1", wire)
	b = newStack(c, "10.0.0.2", nil)
	rx, tx := b.NewSocket(abi.SOCK_DGRAM), a.NewSocket(abi.SOCK_DGRAM)
	require.NoError(t, rx.Bind(ap("0.0.0.0:53")))
	to := ap("10.0.0.2:53")
	var names []DatagramName
	for _, d := range []string{"one", "two", "three", "four"} {
		_, err := tx.SendUDP([]byte(d), &to)
		require.NoError(t, err)
		names = append(names, tx.LastSent())
	}
	for i, n := range names {
		require.Equal(t, uint64(i+1), n.Num)
		require.Equal(t, fmt.Sprintf("udp 10.0.0.1:%d>10.0.0.2:53", tx.Local().Port()), n.String(), "from the address the packet carried, not the socket's 0.0.0.0")
	}
	for _, want := range []struct {
		data string
		name DatagramName
	}{{"one", names[0]}, {"three", names[2]}, {"three", names[2]}, {"four", names[3]}} {
		r, err := rx.RecvUDP(100, 0)
		require.NoError(t, err)
		require.Equal(t, want.data, string(r.Data))
		require.Equal(t, want.name, r.Datagram)
	}
}

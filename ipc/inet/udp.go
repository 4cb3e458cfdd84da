package inet

import (
	"net/netip"

	"ipcsim/abi"
	"ipcsim/sched"
)

// UDP (RFC 768, udp(7)): datagrams whole or not at all, boundaries kept,
// each read takes one.

// udpCharge is what a queued datagram costs the receive buffer beyond its
// bytes: an estimate of the sk_buff around it (its truesize), so that a
// flood of empty datagrams fills the buffer too.
const udpCharge = 768

// A datagram on a receive queue.
type datagram struct {
	name DatagramName // where it came from, where it was sent to, its number
	data []byte
}

// Received is what a receive took.
type Received struct {
	Data []byte         // the bytes copied (at most what was asked)
	Len  int            // the datagram's full length (MSG_TRUNC); for TCP len(Data)
	From netip.AddrPort // the sender
	// Datagram names the UDP datagram taken, for the trace (a zero Num
	// for TCP).
	Datagram DatagramName
}

// ConnectUDP sets the default peer of a UDP socket (connect(2)); an
// invalid addr (AF_UNSPEC) dissolves the association ("Connectionless
// sockets may dissolve the association by connecting to an address with
// the sa_family member of sockaddr set to AF_UNSPEC" - connect(2)).
// The socket gets a port if it has none.
func (sk *Socket) ConnectUDP(addr netip.AddrPort) error {
	if !addr.IsValid() {
		// __udp_disconnect: what bind did not choose is given back.
		sk.state, sk.remote = unconnected, netip.AddrPort{}
		if !sk.userAddr {
			sk.local = netip.AddrPortFrom(netip.IPv4Unspecified(), sk.local.Port())
		}
		if !sk.userPort {
			sk.st.unhold(sk)
			sk.local = netip.AddrPort{}
		}
		return nil
	}
	dst := udpDest(addr)
	src, err := sk.st.sourceFor(dst.Addr())
	if err != nil {
		return err
	}
	if err := sk.autobind(false); err != nil {
		return err
	}
	if sk.local.Addr() == netip.IPv4Unspecified() {
		// ip4_datagram_connect: "Update addresses" - the socket takes the
		// route's source address as its own name.
		sk.local = netip.AddrPortFrom(src, sk.local.Port())
	}
	sk.remote, sk.state = dst, connected
	return nil
}

// udpDest is the destination a UDP send to addr goes to: 0.0.0.0 means
// this host (ip_route_output_key: "if (!fl4->daddr) fl4->daddr =
// fl4->saddr; if (!fl4->daddr) fl4->daddr = htonl(INADDR_LOOPBACK)").
func udpDest(addr netip.AddrPort) netip.AddrPort {
	if addr.Addr() == netip.IPv4Unspecified() {
		return netip.AddrPortFrom(Loopback, addr.Port())
	}
	return addr
}

// AutobindUDP gives the socket an ephemeral port if it has none, as
// inet_sendmsg does before a send looks at anything else.
func (sk *Socket) AutobindUDP() error { return sk.autobind(false) }

// SendUDP sends one datagram to the socket's peer, or to *to if given.
func (sk *Socket) SendUDP(data []byte, to *netip.AddrPort) (int, error) {
	// inet_sendmsg binds an unbound socket before udp_sendmsg looks at
	// anything: a send that then fails (no destination, too long) leaves
	// the socket bound to an ephemeral port all the same.
	if err := sk.autobind(false); err != nil {
		return 0, err
	}
	if len(data) > abi.IPMaxUDPPayload {
		return 0, abi.EMSGSIZE
	}
	// udp_sendmsg finds the destination and the route first; the pending
	// error and the shutdown come later, when sock_alloc_send_skb takes a
	// buffer.
	var dst netip.AddrPort
	switch {
	case to != nil:
		dst = udpDest(*to)
	case sk.state == connected:
		dst = sk.remote
	default:
		return 0, abi.EDESTADDRREQ
	}
	src, err := sk.st.sourceFor(dst.Addr())
	if err != nil {
		return 0, err
	}
	if e := sk.err; e != 0 {
		sk.err = 0 // sock_alloc_send_skb reports a pending error once
		return 0, e
	}
	if sk.shutdown&SendShutdown != 0 {
		return 0, abi.EPIPE
	}
	if a := sk.local.Addr(); sk.bound && a != netip.IPv4Unspecified() {
		src = a
	}
	sk.st.udpSent++
	p := &Packet{Src: src, Dst: dst.Addr(), UDP: &Datagram{SrcPort: sk.local.Port(), DstPort: dst.Port(),
		Data: append([]byte(nil), data...), Num: sk.st.udpSent}}
	sk.lastSent = DatagramName{From: netip.AddrPortFrom(src, sk.local.Port()), To: dst, Num: sk.st.udpSent}
	sk.st.send(sk.ID, p)
	sk.st.flush()
	return len(data), nil
}

// LastSent names the last datagram SendUDP sent on the socket (a zero Num
// if none), for the trace.
func (sk *Socket) LastSent() DatagramName { return sk.lastSent }

// RecvUDP takes the oldest datagram, at most max bytes of it (the rest is
// lost: "If a message is too long to fit in the supplied buffer, excess
// bytes may be discarded" - recv(2)); with abi.MSG_PEEK it stays queued.
// A pending error comes first, once.
func (sk *Socket) RecvUDP(max, flags int) (*Received, error) {
	if e := sk.err; e != 0 {
		sk.err = 0
		return nil, e
	}
	if len(sk.rq) == 0 {
		// RCV_SHUTDOWN ends a wait for a datagram with nothing
		// (__skb_wait_for_more_packets), but a read that must not wait
		// (MSG_DONTWAIT, which the kernel adds for O_NONBLOCK) says EAGAIN
		// all the same (__skb_recv_udp).
		if sk.shutdown&RcvShutdown != 0 && flags&abi.MSG_DONTWAIT == 0 {
			return &Received{}, nil
		}
		return nil, sk.blocked(abi.POLLIN|abi.POLLERR, "no datagram queued")
	}
	d := sk.rq[0]
	r := &Received{Data: d.data[:min(max, len(d.data))], Len: len(d.data), From: d.name.From, Datagram: d.name}
	if flags&abi.MSG_PEEK == 0 {
		sk.rq[0] = datagram{}
		sk.rq = sk.rq[1:]
		sk.rqBytes -= len(d.data) + udpCharge
		if len(sk.rq) == 0 {
			sk.rq = nil
		}
	}
	return r, nil
}

// QueuedUDP is the receive queue: datagrams and their bytes (for inspect
// and FIONREAD, which gives the first datagram's size).
func (sk *Socket) QueuedUDP() (n, bytes, first int) {
	for _, d := range sk.rq {
		bytes += len(d.data)
	}
	if len(sk.rq) > 0 {
		first = len(sk.rq[0].data)
	}
	return len(sk.rq), bytes, first
}

// ShutdownUDP is shutdown(2) on a UDP socket. inet_shutdown sets the bits
// even on an unconnected socket, and then says ENOTCONN.
func (sk *Socket) ShutdownUDP(how int) error {
	sk.shutdown |= how
	sk.notify()
	if sk.state != connected {
		return abi.ENOTCONN
	}
	return nil
}

func (sk *Socket) udpReadiness() sched.EventMask {
	var ev sched.EventMask
	if sk.err != 0 {
		ev |= abi.POLLERR
	}
	if sk.shutdown&RcvShutdown != 0 {
		ev |= abi.POLLRDHUP | abi.POLLIN | abi.POLLRDNORM
	}
	if sk.shutdown == RcvShutdown|SendShutdown {
		ev |= abi.POLLHUP
	}
	if len(sk.rq) > 0 {
		ev |= abi.POLLIN | abi.POLLRDNORM
	}
	return ev | abi.POLLOUT | abi.POLLWRNORM | abi.POLLWRBAND
}

// inputUDP delivers a datagram to the socket that takes it (the best
// match of __udp4_lib_lookup: a connected socket must match the sender, a
// specific local address beats the wildcard), or answers ICMP port
// unreachable.
func (s *Stack) inputUDP(p *Packet) {
	u := p.UDP
	var best *Socket
	bestScore := -1
	for _, sk := range s.ports[portKey{abi.IPPROTO_UDP, u.DstPort}] {
		score := 0
		if a := sk.local.Addr(); a != netip.IPv4Unspecified() {
			if a != p.Dst {
				continue
			}
			score += 2
		}
		if sk.state == connected {
			if sk.remote != netip.AddrPortFrom(p.Src, u.SrcPort) {
				continue
			}
			score += 4
		}
		if score > bestScore {
			best, bestScore = sk, score
		}
	}
	if best == nil {
		s.trace(Event{Kind: EventDrop, Packet: p, Text: "no socket on the port: ICMP port unreachable"})
		s.send(0, &Packet{Src: p.Dst, Dst: p.Src, ICMP: &ICMP{Type: ICMPDestUnreachable, Code: ICMPPortUnreachable,
			OrigSrc: netip.AddrPortFrom(p.Src, u.SrcPort), OrigDst: netip.AddrPortFrom(p.Dst, u.DstPort), OrigProto: abi.IPPROTO_UDP,
			OrigID: p.ID, OrigLen: uint16(abi.UDPHeader + len(u.Data))}})
		return
	}
	if best.rqBytes >= best.rcvbuf {
		s.trace(Event{Kind: EventDrop, Socket: best.ID, Packet: p, Text: "receive buffer full"})
		return
	}
	s.trace(Event{Kind: EventReceive, Socket: best.ID, Packet: p})
	name := DatagramName{From: netip.AddrPortFrom(p.Src, u.SrcPort), To: netip.AddrPortFrom(p.Dst, u.DstPort), Num: u.Num}
	best.rq = append(best.rq, datagram{name: name, data: u.Data})
	best.rqBytes += len(u.Data) + udpCharge
	best.notify()
}

// inputICMP takes an ICMP message. A port unreachable is a hard error
// for the connected UDP socket that sent the datagram (__udp4_lib_err:
// unconnected sockets without IP_RECVERR never hear of it); TCP ignores
// it, as Linux does for a port unreachable on an established connection.
func (s *Stack) inputICMP(p *Packet) {
	m := p.ICMP
	if m.Type != ICMPDestUnreachable || m.Code != ICMPPortUnreachable || m.OrigProto != abi.IPPROTO_UDP {
		s.trace(Event{Kind: EventDrop, Packet: p, Text: "ICMP message not handled"})
		return
	}
	for _, sk := range s.ports[portKey{abi.IPPROTO_UDP, m.OrigSrc.Port()}] {
		if sk.state == connected && sk.remote == m.OrigDst && overlap(sk.local.Addr(), m.OrigSrc.Addr()) {
			s.trace(Event{Kind: EventReceive, Socket: sk.ID, Packet: p, Text: "ECONNREFUSED pending"})
			sk.err = abi.ECONNREFUSED
			sk.notify()
			return
		}
	}
	s.trace(Event{Kind: EventDrop, Packet: p, Text: "no connected socket sent it"})
}

// Package inet is one host's IPv4 stack: its sockets (TCP and UDP), the
// ports they hold, and the packets between them. TCP connections are the
// state machines of package tcp; this package binds them to addresses and
// ports, demultiplexes arriving packets to them, keeps their timers, and
// answers what nobody listens for (a TCP RST, an ICMP port unreachable).
//
// Like every object of ipcsim the stack never blocks: an operation that
// cannot go on returns *Blocked, naming the wait queue and events a
// caller may sleep on. It does no I/O either. Packets to the host itself
// (127.0.0.0/8 and its own address) go round the loopback inside the
// stack; the others go to the function the kernel gives it, the network.
package inet

import (
	"fmt"
	"net/netip"

	"ipcsim/abi"
	"ipcsim/ipc/inet/tcp"
)

// A Packet is one IPv4 datagram: its addresses and exactly one of a TCP
// segment, a UDP datagram or an ICMP message.
type Packet struct {
	Src, Dst netip.Addr
	// ID is the IPv4 header's identification field (RFC 791), which the
	// sending stack takes from a counter of its host (Stack.send). The
	// simulator never fragments, so nothing reads it but a capture
	// (package pcap), where it lets a reader match a packet in the
	// sender's capture with the same packet in the receiver's.
	ID   uint16
	TCP  *tcp.Segment
	UDP  *Datagram
	ICMP *ICMP

	// spare: a connection sent the packet round the loopback, and
	// nobody else has it; once delivered, the stack reuses it and gives
	// its segment back to a tcp.Conn (Stack.recycle).
	spare bool
}

// A Datagram is a UDP datagram (RFC 768).
type Datagram struct {
	SrcPort, DstPort uint16
	Data             []byte
	// Num is the datagram's number among the UDP datagrams its host
	// sent, 1 for the first. It is not on the wire: it travels with the
	// datagram (and with each copy a link makes of it) so that the
	// trace can name the same datagram where it was sent and where it
	// was taken (DatagramName).
	Num uint64
}

// A DatagramName names one UDP datagram alike on the host that sent it
// and on the host that took it: the address and port it was sent from
// and to, as its packet carried them, and its number among the datagrams
// its host sent (Datagram.Num). The number alone is unique only on its
// host; with the source address it is unique on the network, but for a
// source on the loopback (127.0.0.0/8), which every host has.
type DatagramName struct {
	From, To netip.AddrPort
	Num      uint64 // 0: no datagram
}

// String is the name without its number, as the trace's Event.Via has
// it: "udp 10.0.0.1:5000>10.0.0.2:53".
func (n DatagramName) String() string { return fmt.Sprintf("udp %v>%v", n.From, n.To) }

// ICMP message types and codes this stack sends and understands (RFC 792).
const (
	ICMPDestUnreachable = 3
	ICMPPortUnreachable = 3 // code of ICMPDestUnreachable
)

// An ICMP message. A destination unreachable carries the addresses and
// ports of the datagram that could not be delivered (RFC 792: "the
// internet header plus the first 64 bits of the original datagram's
// data"), which is how the sender finds the socket to tell.
type ICMP struct {
	Type, Code       uint8
	OrigSrc, OrigDst netip.AddrPort // the undelivered datagram's source and destination
	OrigProto        uint8          // its protocol (abi.IPPROTO_UDP)
	OrigID           uint16         // its IPv4 identification (Packet.ID)
	OrigLen          uint16         // its UDP length: the UDP header and the data, in bytes
}

// Proto is the packet's IP protocol number.
func (p *Packet) Proto() uint8 {
	switch {
	case p.TCP != nil:
		return abi.IPPROTO_TCP
	case p.UDP != nil:
		return abi.IPPROTO_UDP
	}
	return abi.IPPROTO_ICMP
}

// Size is the packet's length on the wire: the IPv4 header and what it
// carries.
func (p *Packet) Size() int {
	switch {
	case p.TCP != nil:
		return p.TCP.WireSize() // counts the IP header too
	case p.UDP != nil:
		return abi.IPv4Header + abi.UDPHeader + len(p.UDP.Data)
	}
	// Type, code, checksum, unused; then the original IP header and 8 bytes.
	return abi.IPv4Header + 8 + abi.IPv4Header + 8
}

// AppendTCP appends String's line of a TCP packet from src to dst whose
// segment has these fields and n bytes of data: "10.0.0.1:40000 >
// 10.0.0.2:80 [S] seq 1 win 65535 len 0".
func AppendTCP(b []byte, src, dst netip.AddrPort, f tcp.Flags, seq, ack uint32, win, mss uint16, n int) []byte {
	b = append(dst.AppendTo(append(src.AppendTo(b), " > "...)), ' ')
	return tcp.AppendSegment(b, f, seq, ack, win, mss, n)
}

// String describes the packet for the trace, as tcpdump would:
// "10.0.0.1:40000 > 10.0.0.2:80 [S] seq 1 win 65535 len 0",
// "UDP 10.0.0.1:5000 > 10.0.0.2:53 len 12".
func (p *Packet) String() string {
	switch {
	case p.TCP != nil:
		s := p.TCP
		return string(AppendTCP(nil, netip.AddrPortFrom(p.Src, s.SrcPort), netip.AddrPortFrom(p.Dst, s.DstPort),
			s.Flags, s.Seq, s.Ack, s.Window, s.MSS, len(s.Data)))
	case p.UDP != nil:
		return fmt.Sprintf("UDP %s > %s len %d", netip.AddrPortFrom(p.Src, p.UDP.SrcPort), netip.AddrPortFrom(p.Dst, p.UDP.DstPort), len(p.UDP.Data))
	case p.ICMP != nil:
		what := fmt.Sprintf("type %d code %d", p.ICMP.Type, p.ICMP.Code)
		if p.ICMP.Type == ICMPDestUnreachable && p.ICMP.Code == ICMPPortUnreachable {
			what = fmt.Sprintf("%s udp port %d unreachable", p.ICMP.OrigDst.Addr(), p.ICMP.OrigDst.Port())
		}
		return fmt.Sprintf("ICMP %s > %s %s", p.Src, p.Dst, what)
	}
	return fmt.Sprintf("%s > %s (empty)", p.Src, p.Dst)
}

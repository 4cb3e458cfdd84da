package pcap

import (
	"encoding/binary"
	"net/netip"

	"ipcsim/abi"
	"ipcsim/ipc/inet"
	"ipcsim/ipc/inet/tcp"
)

// The bytes of a packet on the wire: an IPv4 header (RFC 791) and a TCP
// segment (RFC 793, now RFC 9293), a UDP datagram (RFC 768) or an ICMP
// message (RFC 792). Every field is in network byte order (big-endian).
// The length of what AppendPacket writes is exactly inet.Packet.Size, the
// length the simulated links charge for.

var be = binary.BigEndian

// Values of the IPv4 header as Linux sends them.
const (
	ipVersionIHL = 4<<4 | 5 // version 4, header length 5 words: no options
	ipTTL        = 64       // net.ipv4.ip_default_ttl
	// ipDF is the "Don't Fragment" flag of the flags and fragment offset
	// word (RFC 791: "Bit 1: (DF) 0 = May Fragment, 1 = Don't
	// Fragment"). Linux sets it on TCP and UDP, whose sockets do path MTU
	// discovery by default (ip_dont_fragment, IP_PMTUDISC_WANT), and not
	// on the ICMP errors it sends (its ICMP socket has IP_PMTUDISC_DONT).
	ipDF = 0x4000
	// tosInternetControl is the type of service of an ICMP error: the
	// precedence "Internetwork Control" (RFC 791), as Linux's icmp_send
	// sets it (RFC 1812 4.3.2.5).
	tosInternetControl = 0xc0
)

// AppendPacket appends p as the bytes of an IPv4 datagram and returns the
// extended slice.
func AppendPacket(b []byte, p *inet.Packet) []byte {
	switch {
	case p.TCP != nil:
		return appendTCP(b, p)
	case p.UDP != nil:
		return appendUDP(b, p)
	}
	return appendICMP(b, p)
}

// appendIPHeader appends the 20 bytes of an IPv4 header without options
// (RFC 791 3.1), for a datagram of total bytes (header included). The
// header checksum is "the 16 bit one's complement of the one's
// complement sum of all 16 bit words in the header", computed with the
// checksum field zero.
func appendIPHeader(b []byte, tos uint8, total int, id uint16, frag uint16, proto uint8, src, dst netip.Addr) []byte {
	start := len(b)
	b = append(b, ipVersionIHL, tos)
	b = be.AppendUint16(b, uint16(total))
	b = be.AppendUint16(b, id)
	b = be.AppendUint16(b, frag) // flags (3 bits) and fragment offset (13 bits): never a fragment
	b = append(b, ipTTL, proto)
	b = be.AppendUint16(b, 0) // the checksum, filled in below
	s, d := src.As4(), dst.As4()
	b = append(b, s[:]...)
	b = append(b, d[:]...)
	be.PutUint16(b[start+10:], checksum(sum(0, b[start:])))
	return b
}

// pseudoSum is the sum over the pseudo-header that TCP and UDP checksums
// cover besides their own bytes (RFC 793 3.1, RFC 768): the source and
// destination addresses, a zero byte, the protocol, and the TCP or UDP
// length.
func pseudoSum(src, dst netip.Addr, proto uint8, length int) uint32 {
	s, d := src.As4(), dst.As4()
	var ph [12]byte
	copy(ph[0:4], s[:])
	copy(ph[4:8], d[:])
	ph[9] = proto
	be.PutUint16(ph[10:], uint16(length))
	return sum(0, ph[:])
}

// mssOption is the kind of the Maximum Segment Size option (RFC 793 3.1:
// "Kind=2, Length=4"), the only option the simulator's TCP sends.
const mssOption = 2

// appendTCP appends a TCP segment in its IPv4 datagram (RFC 793 3.1):
//
//	source port, destination port          (2 + 2 bytes)
//	sequence number                        (4)
//	acknowledgment number                  (4)
//	data offset, reserved, flags           (1 + 1: the offset in 32-bit words)
//	window                                 (2)
//	checksum, urgent pointer               (2 + 2)
//	options, padded to a 32-bit boundary
//	data
func appendTCP(b []byte, p *inet.Packet) []byte {
	s := p.TCP
	var opts []byte
	var optBuf [4]byte
	if s.MSS != 0 {
		opts = append(optBuf[:0], mssOption, 4, byte(s.MSS>>8), byte(s.MSS))
	}
	// "The TCP header padding is used to ensure that the TCP header ends
	// and data begins on a 32 bit boundary. The padding is composed of
	// zeros." (The MSS option is 4 bytes: no padding is needed today.)
	for len(opts)%4 != 0 {
		opts = append(opts, 0)
	}
	hdr := 20 + len(opts)
	tcpLen := hdr + len(s.Data)
	b = appendIPHeader(b, 0, abi.IPv4Header+tcpLen, p.ID, ipDF, abi.IPPROTO_TCP, p.Src, p.Dst)
	start := len(b)
	b = be.AppendUint16(b, s.SrcPort)
	b = be.AppendUint16(b, s.DstPort)
	b = be.AppendUint32(b, s.Seq)
	ack := uint32(0)
	if s.Flags&tcp.ACK != 0 {
		// "Acknowledgment Number: If the ACK control bit is set this
		// field contains the value of the next sequence number the
		// sender of the segment is expecting to receive." Without ACK
		// Linux sends zero.
		ack = s.Ack
	}
	b = be.AppendUint32(b, ack)
	// tcp.Flags keeps the header's bit order (FIN is bit 0 ... URG bit
	// 5), so its value is the flags byte as it stands.
	b = append(b, byte(hdr/4)<<4, byte(s.Flags))
	b = be.AppendUint16(b, s.Window)
	b = be.AppendUint16(b, 0) // the checksum, filled in below
	b = be.AppendUint16(b, 0) // urgent pointer: urgent data is not implemented (URG is never sent)
	b = append(b, opts...)
	b = append(b, s.Data...)
	// "The checksum field is the 16 bit one's complement of the one's
	// complement sum of all 16 bit words in the header and text", and of
	// the pseudo-header.
	ps := pseudoSum(p.Src, p.Dst, abi.IPPROTO_TCP, tcpLen)
	be.PutUint16(b[start+16:], checksum(sum(ps, b[start:])))
	return b
}

// appendUDP appends a UDP datagram in its IPv4 datagram (RFC 768):
// source port, destination port, length (header and data), checksum,
// each two bytes; then the data.
func appendUDP(b []byte, p *inet.Packet) []byte {
	u := p.UDP
	udpLen := abi.UDPHeader + len(u.Data)
	b = appendIPHeader(b, 0, abi.IPv4Header+udpLen, p.ID, ipDF, abi.IPPROTO_UDP, p.Src, p.Dst)
	start := len(b)
	b = be.AppendUint16(b, u.SrcPort)
	b = be.AppendUint16(b, u.DstPort)
	b = be.AppendUint16(b, uint16(udpLen))
	b = be.AppendUint16(b, 0) // the checksum, filled in below
	b = append(b, u.Data...)
	c := checksum(sum(pseudoSum(p.Src, p.Dst, abi.IPPROTO_UDP, udpLen), b[start:]))
	if c == 0 {
		// RFC 768: "If the computed checksum is zero, it is transmitted
		// as all ones (the equivalent in one's complement arithmetic).
		// An all zero transmitted checksum value means that the
		// transmitter generated no checksum."
		c = 0xffff
	}
	be.PutUint16(b[start+6:], c)
	return b
}

// appendICMP appends an ICMP message in its IPv4 datagram (RFC 792). The
// simulator sends one kind, destination unreachable:
//
//	type, code, checksum           (1 + 1 + 2 bytes)
//	unused                         (4, zero)
//	"Internet Header + 64 bits of Original Data Datagram"
//
// inet.ICMP does not keep the undelivered datagram, only what the stack
// needs of it (its addresses, ports, protocol, identification and
// length), so the quoted part is rebuilt from those: the IPv4 header the
// sender wrote (as appendUDP writes it; the sender's TTL of 64, since no
// router sits between hosts) and the first 8 bytes of the datagram, the
// UDP header, whose checksum is given as zero ("no checksum", RFC 768):
// computing it would need the data, which the message no longer holds.
// (Linux quotes as much of the datagram as fits in 576 bytes, RFC 1812
// 4.3.2.3; the simulator, and so this capture, keeps RFC 792's 64 bits.)
func appendICMP(b []byte, p *inet.Packet) []byte {
	m := p.ICMP
	const icmpLen = 8 + abi.IPv4Header + 8
	b = appendIPHeader(b, tosInternetControl, abi.IPv4Header+icmpLen, p.ID, 0, abi.IPPROTO_ICMP, p.Src, p.Dst)
	start := len(b)
	b = append(b, m.Type, m.Code)
	b = be.AppendUint16(b, 0) // the checksum, filled in below
	b = be.AppendUint32(b, 0) // unused: "must be zero" (RFC 792; RFC 1191 puts the next-hop MTU here for code 4 only)
	// The quoted datagram.
	b = appendIPHeader(b, 0, abi.IPv4Header+int(m.OrigLen), m.OrigID, ipDF, m.OrigProto, m.OrigSrc.Addr(), m.OrigDst.Addr())
	b = be.AppendUint16(b, m.OrigSrc.Port())
	b = be.AppendUint16(b, m.OrigDst.Port())
	b = be.AppendUint16(b, m.OrigLen)
	b = be.AppendUint16(b, 0) // its checksum: unknown here (see above)
	// "The checksum is the 16-bit ones's complement of the one's
	// complement sum of the ICMP message starting with the ICMP Type."
	be.PutUint16(b[start+2:], checksum(sum(0, b[start:])))
	return b
}

// sum adds b to the one's complement sum acc, as 16-bit big-endian words
// (an odd last byte is padded with a zero byte, RFC 1071). The carries
// are kept in the high half of acc and folded in by checksum.
func sum(acc uint32, b []byte) uint32 {
	for len(b) >= 2 {
		acc += uint32(b[0])<<8 | uint32(b[1])
		b = b[2:]
	}
	if len(b) == 1 {
		acc += uint32(b[0]) << 8
	}
	// Fold now and then so that acc cannot overflow (a datagram has at
	// most 32768 words of at most 0xffff: that fits, but sums of several
	// parts might not).
	return acc>>16 + acc&0xffff
}

// checksum folds a one's complement sum to 16 bits and complements it:
// the Internet checksum (RFC 1071).
func checksum(acc uint32) uint16 {
	for acc > 0xffff {
		acc = acc>>16 + acc&0xffff
	}
	return ^uint16(acc)
}

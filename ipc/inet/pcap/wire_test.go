package pcap

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"net/netip"
	"strings"
	"testing"

	"ipcsim/abi"
	"ipcsim/ipc/inet"
	"ipcsim/ipc/inet/tcp"
)

var (
	alice = netip.MustParseAddr("10.0.0.1")
	bob   = netip.MustParseAddr("10.0.0.2")
	carol = netip.MustParseAddr("10.0.0.3")
)

// unhex decodes a known answer written as hex with spaces between the
// fields, so that a reader can find each field of the header.
func unhex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.Join(strings.Fields(s), ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// onesComplementSum is the Internet checksum's sum (RFC 1071), written
// again here, apart from the package's, so that the tests check the
// package against a second reading of the RFC: the 16-bit big-endian
// words of the parts, added with end-around carry.
func onesComplementSum(parts ...[]byte) uint16 {
	var all []byte
	for _, p := range parts {
		all = append(all, p...)
	}
	if len(all)%2 == 1 {
		all = append(all, 0)
	}
	var s uint32
	for i := 0; i < len(all); i += 2 {
		s += uint32(binary.BigEndian.Uint16(all[i:]))
		s = s&0xffff + s>>16
	}
	return uint16(s)
}

// checkIPv4 checks the checksums of an IPv4 datagram by recomputing
// them: a header, or a segment with its pseudo-header, whose checksum is
// right sums to 0xffff ("all ones"). It checks the ICMP message, and the
// IP header an ICMP error quotes, the same way. It returns the header's
// protocol and the payload.
func checkIPv4(t *testing.T, b []byte) (uint8, []byte) {
	t.Helper()
	if len(b) < 20 || b[0] != 0x45 {
		t.Fatalf("not an IPv4 header without options: % x", b)
	}
	if got := int(binary.BigEndian.Uint16(b[2:])); got != len(b) {
		t.Errorf("IP total length %d, datagram %d bytes", got, len(b))
	}
	if s := onesComplementSum(b[:20]); s != 0xffff {
		t.Errorf("IP header checksum wrong: the header sums to %#04x", s)
	}
	proto, payload := b[9], b[20:]
	pseudo := make([]byte, 12)
	copy(pseudo[0:8], b[12:20])
	pseudo[9] = proto
	binary.BigEndian.PutUint16(pseudo[10:], uint16(len(payload)))
	switch proto {
	case abi.IPPROTO_TCP:
		if s := onesComplementSum(pseudo, payload); s != 0xffff {
			t.Errorf("TCP checksum wrong: the segment and pseudo-header sum to %#04x", s)
		}
	case abi.IPPROTO_UDP:
		if got := int(binary.BigEndian.Uint16(payload[4:])); got != len(payload) {
			t.Errorf("UDP length %d, datagram %d bytes", got, len(payload))
		}
		if s := onesComplementSum(pseudo, payload); s != 0xffff {
			t.Errorf("UDP checksum wrong: the datagram and pseudo-header sum to %#04x", s)
		}
	case abi.IPPROTO_ICMP:
		if s := onesComplementSum(payload); s != 0xffff {
			t.Errorf("ICMP checksum wrong: the message sums to %#04x", s)
		}
		if s := onesComplementSum(payload[8:28]); s != 0xffff {
			t.Errorf("the quoted IP header's checksum is wrong: it sums to %#04x", s)
		}
	default:
		t.Errorf("protocol %d", proto)
	}
	return proto, payload
}

// TestSYNWithMSS: a SYN with the MSS option, byte for byte. The expected
// bytes were checked by tshark (ip, tcp checksum status: good).
func TestSYNWithMSS(t *testing.T) {
	p := &inet.Packet{Src: bob, Dst: alice, ID: 7, TCP: &tcp.Segment{
		SrcPort: 45896, DstPort: 8080, Seq: 763582892, Ack: 99, // Ack without ACK: sent as zero
		Flags: tcp.SYN, Window: 65535, MSS: 1460}}
	want := unhex(t, `
		45 00 002c 0007 4000 40 06 26c3 0a000002 0a000001
		b348 1f90 2d8359ac 00000000 60 02 ffff 2a1c 0000
		02 04 05b4`)
	// IP: version 4, IHL 5; TOS 0; total length 44; id 7; DF; TTL 64;
	// TCP; checksum; source; destination. TCP: ports; seq; ack 0 (no
	// ACK); data offset 6 words (24 bytes: the MSS option), flags SYN;
	// window; checksum; urgent pointer. The option: kind 2, length 4,
	// 1460.
	got := AppendPacket(nil, p)
	if !bytes.Equal(got, want) {
		t.Fatalf("SYN:\n got % x\nwant % x", got, want)
	}
	checkIPv4(t, got)
	if len(got) != p.Size() {
		t.Errorf("%d bytes, Size says %d", len(got), p.Size())
	}
}

// TestUDPDatagram: a UDP datagram of 5 bytes (an odd length, which the
// checksum pads with a zero byte), byte for byte.
func TestUDPDatagram(t *testing.T) {
	p := &inet.Packet{Src: alice, Dst: bob, ID: 0x1234, UDP: &inet.Datagram{SrcPort: 5000, DstPort: 53, Data: []byte("hello")}}
	want := unhex(t, `
		45 00 0021 1234 4000 40 11 1496 0a000001 0a000002
		1388 0035 000d 9442
		68656c6c6f`)
	got := AppendPacket(nil, p)
	if !bytes.Equal(got, want) {
		t.Fatalf("UDP:\n got % x\nwant % x", got, want)
	}
	checkIPv4(t, got)
	if len(got) != p.Size() {
		t.Errorf("%d bytes, Size says %d", len(got), p.Size())
	}
}

// TestICMPPortUnreachable: carol answers the datagram of TestUDPDatagram,
// sent to her, with a port unreachable quoting its IP header and UDP
// header (RFC 792), byte for byte.
func TestICMPPortUnreachable(t *testing.T) {
	p := &inet.Packet{Src: carol, Dst: alice, ID: 2, ICMP: &inet.ICMP{
		Type: inet.ICMPDestUnreachable, Code: inet.ICMPPortUnreachable,
		OrigSrc: netip.AddrPortFrom(alice, 5000), OrigDst: netip.AddrPortFrom(carol, 53),
		OrigProto: abi.IPPROTO_UDP, OrigID: 0x1234, OrigLen: 13}}
	want := unhex(t, `
		45 c0 0038 0002 0000 40 01 6600 0a000003 0a000001
		03 03 e932 00000000
		45 00 0021 1234 4000 40 11 1495 0a000001 0a000003
		1388 0035 000d 0000`)
	// The ICMP error: TOS 0xc0 (internetwork control), no DF. Type 3
	// code 3, checksum, 4 unused bytes; the quoted header (total length
	// 33: the whole datagram's) and the UDP header, checksum zero.
	got := AppendPacket(nil, p)
	if !bytes.Equal(got, want) {
		t.Fatalf("ICMP:\n got % x\nwant % x", got, want)
	}
	checkIPv4(t, got)
	if len(got) != p.Size() {
		t.Errorf("%d bytes, Size says %d", len(got), p.Size())
	}
}

// TestChecksumsAndSizes: for packets of every kind, with data of odd and
// even lengths, the checksums recompute, the flags byte is tcp.Flags, and
// the length is Packet.Size, what the links charge.
func TestChecksumsAndSizes(t *testing.T) {
	big := bytes.Repeat([]byte{0xff, 0xfe, 0x01}, 500) // 1500 bytes: carries in the sum
	var ps []*inet.Packet
	for _, data := range [][]byte{nil, []byte("x"), []byte("GET / HTTP/1.0\r\n"), big} {
		for _, f := range []tcp.Flags{tcp.ACK, tcp.PSH | tcp.ACK, tcp.FIN | tcp.ACK, tcp.RST, tcp.SYN | tcp.ACK} {
			s := &tcp.Segment{SrcPort: 8080, DstPort: 40000, Seq: 0xfffffff0, Ack: 12345, Flags: f, Window: 4096, Data: data}
			if f&tcp.SYN != 0 {
				s.MSS = 536
			}
			ps = append(ps, &inet.Packet{Src: alice, Dst: bob, ID: uint16(len(ps)), TCP: s})
		}
		ps = append(ps, &inet.Packet{Src: inet.Loopback, Dst: inet.Loopback, ID: 0xffff, UDP: &inet.Datagram{SrcPort: 1, DstPort: 65535, Data: data}})
	}
	for _, p := range ps {
		b := AppendPacket([]byte("prefix"), p)[len("prefix"):] // appends: what is before stays
		if len(b) != p.Size() {
			t.Errorf("%s: %d bytes, Size says %d", p, len(b), p.Size())
		}
		proto, payload := checkIPv4(t, b)
		if proto == abi.IPPROTO_TCP {
			if got := tcp.Flags(payload[13]); got != p.TCP.Flags {
				t.Errorf("%s: flags byte %#x", p, payload[13])
			}
			ack := binary.BigEndian.Uint32(payload[8:])
			if p.TCP.Flags&tcp.ACK == 0 && ack != 0 || p.TCP.Flags&tcp.ACK != 0 && ack != p.TCP.Ack {
				t.Errorf("%s: ack field %d", p, ack)
			}
		}
	}
}

// TestUDPZeroChecksumSentAsOnes: a datagram whose checksum computes to
// zero carries 0xffff, since zero means "no checksum" (RFC 768).
func TestUDPZeroChecksumSentAsOnes(t *testing.T) {
	p := &inet.Packet{Src: alice, Dst: bob, UDP: &inet.Datagram{SrcPort: 7, DstPort: 9, Data: []byte{0, 0}}}
	b := AppendPacket(nil, p)
	// With the two data bytes zero the checksum is c; with them c the
	// sum is all ones and the computed checksum zero.
	c := binary.BigEndian.Uint16(b[26:])
	p.UDP.Data = []byte{byte(c >> 8), byte(c)}
	b = AppendPacket(nil, p)
	if got := binary.BigEndian.Uint16(b[26:]); got != 0xffff {
		t.Fatalf("checksum %#04x, want 0xffff", got)
	}
	checkIPv4(t, b)
}

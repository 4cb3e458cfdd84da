package tcp

import "strconv"

// Flags are the control bits of a segment header (RFC 9293 3.1), in the
// order of the header's bits: FIN is the lowest.
type Flags uint8

const (
	FIN Flags = 1 << iota // no more data from sender
	SYN                   // synchronize sequence numbers
	RST                   // reset the connection
	PSH                   // push function
	ACK                   // acknowledgment field is significant
	URG                   // urgent pointer field is significant (never sent; ignored on input)
)

// String gives the flags as tcpdump prints them between brackets: S for
// SYN, F for FIN, R for RST, P for PSH, U for URG, and "." for ACK, in
// tcpdump's order ("S." is SYN|ACK, "F." is FIN|ACK, "P." is PSH|ACK);
// "none" when no flag is set.
// Every combination's string is made once: a trace names the flags of
// every segment.
func (f Flags) String() string {
	if int(f) < len(flagStrings) {
		return flagStrings[f]
	}
	return string(f.AppendTo(nil)) // bits no header has
}

// flagStrings holds String of each combination of the six flags.
var flagStrings = func() (s [64]string) {
	for f := range s {
		s[f] = string(Flags(f).AppendTo(nil))
	}
	return s
}()

// AppendTo appends String's letters to b.
func (f Flags) AppendTo(b []byte) []byte {
	n := len(b)
	for _, x := range [...]struct {
		f Flags
		c byte
	}{{SYN, 'S'}, {FIN, 'F'}, {RST, 'R'}, {PSH, 'P'}, {URG, 'U'}, {ACK, '.'}} {
		if f&x.f != 0 {
			b = append(b, x.c)
		}
	}
	if len(b) == n {
		return append(b, "none"...)
	}
	return b
}

// Segment is a TCP segment as the network carries it: the header fields
// the machine uses and the data. It has ports but no IP addresses; the
// stack adds those. There is no window scaling (RFC 7323), so a window is
// at most 65535 bytes, and no option but MSS (no timestamps, no SACK).
type Segment struct {
	SrcPort, DstPort uint16
	Seq, Ack         uint32 // SEG.SEQ, and SEG.ACK (meaningful with ACK)
	Flags            Flags
	Window           uint16 // SEG.WND: the receive window the sender advertises, in bytes
	MSS              uint16 // the MSS option (RFC 9293 3.7.1), on SYN segments only; 0: absent
	Data             []byte
}

// Sizes of headers on the wire, for WireSize.
const (
	ipHeaderLen  = 20 // IPv4 without options
	tcpHeaderLen = 20 // TCP without options
	mssOptionLen = 4  // kind 2, length 4, the MSS
)

// Len is SEG.LEN: "the number of octets occupied by the data in the
// segment (counting SYN and FIN)" - RFC 9293 3.3.1.
func (s *Segment) Len() uint32 {
	n := uint32(len(s.Data))
	if s.Flags&SYN != 0 {
		n++
	}
	if s.Flags&FIN != 0 {
		n++
	}
	return n
}

// End is the sequence number just after the segment: SEG.SEQ+SEG.LEN.
func (s *Segment) End() uint32 { return s.Seq + s.Len() }

// WireSize is the segment's size on the wire: an IPv4 and a TCP header,
// the MSS option if present, and the data. The network charges it against
// a link's bandwidth.
func (s *Segment) WireSize() int {
	n := ipHeaderLen + tcpHeaderLen + len(s.Data)
	if s.MSS != 0 {
		n += mssOptionLen
	}
	return n
}

// String is one line for the trace, in tcpdump's words:
// "[S.] seq 100 ack 501 win 65535 mss 1460 len 0". The ack appears only
// when ACK is set, the mss only when the option is present. Sequence
// numbers are absolute (tcpdump -S).
func (s *Segment) String() string {
	return string(AppendSegment(make([]byte, 0, 64), s.Flags, s.Seq, s.Ack, s.Window, s.MSS, len(s.Data)))
}

// AppendSegment appends String's line of a segment of these fields and n
// bytes of data to b.
func AppendSegment(b []byte, f Flags, seq, ack uint32, win, mss uint16, n int) []byte {
	b = append(f.AppendTo(append(b, '[')), "] seq "...)
	b = strconv.AppendUint(b, uint64(seq), 10)
	if f&ACK != 0 {
		b = append(b, " ack "...)
		b = strconv.AppendUint(b, uint64(ack), 10)
	}
	b = append(b, " win "...)
	b = strconv.AppendUint(b, uint64(win), 10)
	if mss != 0 {
		b = append(b, " mss "...)
		b = strconv.AppendUint(b, uint64(mss), 10)
	}
	b = append(b, " len "...)
	return strconv.AppendUint(b, uint64(n), 10)
}

// Sequence number comparisons modulo 2^32 (RFC 9293 3.4: "all arithmetic
// dealing with sequence numbers must be performed modulo 2**32"): a is
// before b when b-a, as a signed 32-bit number, is positive.
func seqLT(a, b uint32) bool { return int32(a-b) < 0 }
func seqLE(a, b uint32) bool { return int32(a-b) <= 0 }
func seqGT(a, b uint32) bool { return int32(a-b) > 0 }
func seqGE(a, b uint32) bool { return int32(a-b) >= 0 }

// seqMax returns the later of a and b.
func seqMax(a, b uint32) uint32 {
	if seqGT(a, b) {
		return a
	}
	return b
}

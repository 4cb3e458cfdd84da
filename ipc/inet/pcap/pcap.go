// Package pcap writes what a host's network stack sends and receives as
// a capture file that Wireshark, tshark and tcpdump open: the classic
// libpcap format, with nanosecond timestamps taken from the virtual
// clock, each packet serialized to the IPv4 bytes a real host would put
// on the wire (wire.go).
//
// The packets of package inet are Go values; nothing in the simulator
// serializes them but this package. The same run gives the same file,
// byte for byte: the timestamps are virtual, the IP identification comes
// from the sending host's counter (inet.Packet.ID), and the file is
// written in one byte order (little-endian) on every machine.
package pcap

import (
	"encoding/binary"
	"io"

	"ipcsim/ipc/inet"
)

// The file format is libpcap's (the "pcap" of tcpdump and Wireshark,
// described in draft-ietf-opsawg-pcap and pcap-savefile(5)): a file
// header of 24 bytes, then for each packet a record header of 16 bytes
// and the packet's bytes.
const (
	// MagicNanoseconds is the file's first word for a capture whose
	// timestamps count nanoseconds (0xa1b2c3d4 would say microseconds).
	// A reader finds the file's byte order from how it reads this word.
	MagicNanoseconds = 0xa1b23c4d
	VersionMajor     = 2
	VersionMinor     = 4
	// SnapLen is the most bytes of a packet a record holds. An IPv4
	// datagram has at most 65535 bytes, so every packet is kept whole.
	SnapLen = 65535
	// LinkTypeRaw is LINKTYPE_RAW: each packet starts with its IP
	// header, with no link-layer header before it (the simulated links
	// carry IP datagrams, not Ethernet frames; the version nibble says
	// IPv4).
	LinkTypeRaw = 101

	fileHeaderLen   = 24
	recordHeaderLen = 16
)

// order is the byte order of the headers of the file. pcap writes them
// in the byte order of the machine that captured; ipcsim writes
// little-endian everywhere, so that a capture is the same bytes on every
// machine. (The packets themselves are in network byte order, big-endian,
// as on the wire.)
var order = binary.LittleEndian

// A Writer writes one capture: the file header when it is made, then a
// record per packet. The first error of the underlying writer stops it
// (Err reports it); the simulation goes on regardless, as a real host's
// does when tcpdump cannot keep up.
type Writer struct {
	w   io.Writer
	buf []byte // one record at a time: reused, so that capturing allocates nothing per packet
	err error  // the first write error
}

// NewWriter starts a capture on w: it writes the file header at once, so
// that a host that never sends or receives a packet still leaves a valid
// (empty) capture.
func NewWriter(w io.Writer) *Writer {
	c := &Writer{w: w}
	h := make([]byte, 0, fileHeaderLen)
	h = order.AppendUint32(h, MagicNanoseconds)
	h = order.AppendUint16(h, VersionMajor)
	h = order.AppendUint16(h, VersionMinor)
	h = order.AppendUint32(h, 0) // thiszone: timestamps are UTC (the virtual clock has no zone)
	h = order.AppendUint32(h, 0) // sigfigs: 0, as every writer sets it
	h = order.AppendUint32(h, SnapLen)
	h = order.AppendUint32(h, LinkTypeRaw)
	_, c.err = w.Write(h)
	return c
}

// WritePacket adds p to the capture, stamped at virtual time now (in
// nanoseconds: one cycle of the clock). It serializes p at once, so the
// caller may reuse p as soon as it returns.
func (c *Writer) WritePacket(now uint64, p *inet.Packet) {
	if c.err != nil {
		return
	}
	b := c.buf[:0]
	// The record header: seconds and nanoseconds of the timestamp, the
	// bytes kept (incl_len) and the packet's length (orig_len), the same
	// here since SnapLen keeps every packet whole. The lengths are filled
	// in once the packet is serialized.
	b = order.AppendUint32(b, uint32(now/1e9))
	b = order.AppendUint32(b, uint32(now%1e9))
	b = order.AppendUint32(b, 0)
	b = order.AppendUint32(b, 0)
	b = AppendPacket(b, p)
	n := uint32(len(b) - recordHeaderLen)
	order.PutUint32(b[8:], n)
	order.PutUint32(b[12:], n)
	c.buf = b
	_, c.err = c.w.Write(b)
}

// Err is the first error the underlying writer returned, if any.
func (c *Writer) Err() error { return c.err }

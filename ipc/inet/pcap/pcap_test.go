package pcap

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"ipcsim/ipc/inet"
	"ipcsim/ipc/inet/tcp"
)

// TestFileAndRecordHeaders: the file header says nanosecond pcap 2.4,
// snaplen 65535, LINKTYPE_RAW, little-endian; a record's timestamp is
// the virtual nanoseconds split in seconds and nanoseconds, and its two
// lengths are the packet's.
func TestFileAndRecordHeaders(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf)
	wantFile := unhex(t, "4d3cb2a1 0200 0400 00000000 00000000 ffff0000 65000000")
	if !bytes.Equal(buf.Bytes(), wantFile) {
		t.Fatalf("file header:\n got % x\nwant % x", buf.Bytes(), wantFile)
	}
	p := &inet.Packet{Src: alice, Dst: bob, UDP: &inet.Datagram{SrcPort: 1, DstPort: 2, Data: []byte("abc")}}
	w.WritePacket(3_000_000_007, p) // 3 s and 7 ns
	rec := buf.Bytes()[fileHeaderLen:]
	wantRec := unhex(t, "03000000 07000000 1f000000 1f000000") // 31 bytes: 20 + 8 + 3
	if !bytes.Equal(rec[:recordHeaderLen], wantRec) {
		t.Fatalf("record header:\n got % x\nwant % x", rec[:recordHeaderLen], wantRec)
	}
	if !bytes.Equal(rec[recordHeaderLen:], AppendPacket(nil, p)) {
		t.Fatalf("record data % x", rec[recordHeaderLen:])
	}
	if w.Err() != nil {
		t.Fatal(w.Err())
	}
}

// failAfter fails every write after the first n.
type failAfter struct{ n int }

func (f *failAfter) Write(b []byte) (int, error) {
	if f.n == 0 {
		return 0, errors.New("disk full")
	}
	f.n--
	return len(b), nil
}

// TestWriteErrorStopsTheCapture: the first error is kept, and nothing is
// written after it.
func TestWriteErrorStopsTheCapture(t *testing.T) {
	f := &failAfter{n: 1}
	w := NewWriter(f)
	p := &inet.Packet{Src: alice, Dst: bob, UDP: &inet.Datagram{SrcPort: 1, DstPort: 2}}
	w.WritePacket(1, p)
	if w.Err() == nil || w.Err().Error() != "disk full" {
		t.Fatalf("Err() = %v, want disk full", w.Err())
	}
	f.n = 5
	w.WritePacket(2, p)
	if f.n != 5 {
		t.Fatal("wrote after an error")
	}
}

// TestWritePacketAllocatesNothing: a capture reuses its record buffer, so
// that capturing a long run costs no garbage per packet.
func TestWritePacketAllocatesNothing(t *testing.T) {
	w := NewWriter(io.Discard)
	p := &inet.Packet{Src: alice, Dst: bob, TCP: &tcp.Segment{SrcPort: 1, DstPort: 2, Flags: tcp.SYN, MSS: 1460, Data: make([]byte, 1000)}}
	w.WritePacket(0, p) // grows the buffer once
	if n := testing.AllocsPerRun(100, func() { w.WritePacket(1, p) }); n != 0 {
		t.Errorf("%v allocations per packet", n)
	}
}

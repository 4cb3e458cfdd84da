package kernel

import (
	"net/netip"

	"ipcsim/abi"
	"ipcsim/ipc/inet"
	"ipcsim/ipc/inet/tcp"
)

// The Records of TCP: a read or write on a TCP socket (RecordInetCall),
// a read that blocks on one (RecordInetBlock), and a segment sent or
// received (RecordSegment). An IPv4 address and a port make 48 bits of
// a word (packAddr), so a segment fits a Record's head and a call's
// connection its tail. IPv6 has no Records.

// packAddr packs an IPv4 address and port into a word: the address in
// bits 16 to 47, the port below; ok is false for another kind of address.
func packAddr(ap netip.AddrPort) (w uint64, ok bool) {
	if !ap.Addr().Is4() {
		return 0, false
	}
	a := ap.Addr().As4()
	return uint64(a[0])<<40 | uint64(a[1])<<32 | uint64(a[2])<<24 | uint64(a[3])<<16 | uint64(ap.Port()), true
}

// unpackAddr is packAddr's inverse.
func unpackAddr(w uint64) netip.AddrPort {
	return netip.AddrPortFrom(netip.AddrFrom4([4]byte{byte(w >> 40), byte(w >> 32), byte(w >> 24), byte(w >> 16)}), uint16(w))
}

// recordInet fills r, a read or write on TCP socket f, as a
// RecordInetCall: the connection's addresses in its tail (More: local,
// remote), Other 1 if it has a remote end (Via), 0 if not. It reports
// false if the addresses are not IPv4.
func recordInet(r *Record, f *inetFile) bool {
	r.Kind, r.Obj = RecordInetCall, int32(f.s.ID)
	remote, ok := f.s.Remote()
	if !ok {
		return true // no Via (socketVia)
	}
	local, ok1 := packAddr(f.s.Local())
	far, ok2 := packAddr(remote)
	if !ok1 || !ok2 {
		return false
	}
	r.More, r.Other = [2]uint64{local, far}, 1
	return true
}

// appendVia appends a RecordInetCall's Via: the direction of the
// connection its bytes went, as socketVia says it.
func (r *Record) appendVia(b []byte) []byte {
	from, to := unpackAddr(r.More[0]), unpackAddr(r.More[1]) // a write: local to remote
	if r.Sysno == uint16(abi.SysRead) {
		from, to = to, from
	}
	return to.AppendTo(append(from.AppendTo(append(b, "tcp "...)), '>'))
}

// recordInetBlock fills r, a read blocking on TCP socket f, as a
// RecordInetBlock, with what it waits for (the stack's reason); false if
// that does not fit.
func (k *Kernel) recordInetBlock(r *Record, f *inetFile, blk *blockError) bool {
	why := k.blockWhy(blk)
	if len(why) > recordBytes {
		return false
	}
	r.Kind, r.Obj, r.Name = RecordInetBlock, int32(f.s.ID), uint8(len(why))
	r.setBytes(0, why)
	return true
}

// A RecordSegment's head: A[0] the source address and port (packAddr),
// A[1] the destination's, A[2] the sequence number (high 32 bits) and the
// acknowledgement (low), Ret the bytes of data, Obj the socket (inet#N,
// 0 for none), Other 1 for a segment received, 0 sent, Sysno the flags,
// and Buf the window and the MSS option (0: none), two bytes each.

// recordSegment traces e, a TCP segment sent or received for t (nil: the
// kernel, in an interrupt), as a RecordSegment if it is one: IPv4, and
// nothing more to say than the segment.
func (k *Kernel) recordSegment(t *Task, e inet.Event) bool {
	p := e.Packet
	if k.noRecords || p == nil || p.TCP == nil || (t != nil && t.TID != t.PID) || (e.Socket != 0 && !recordNumber(e.Socket)) {
		return false
	}
	switch {
	case e.Kind == inet.EventSend:
	case e.Kind == inet.EventReceive && e.Text == "":
	default:
		return false
	}
	s := p.TCP
	src, ok1 := packAddr(netip.AddrPortFrom(p.Src, s.SrcPort))
	dst, ok2 := packAddr(netip.AddrPortFrom(p.Dst, s.DstPort))
	if !ok1 || !ok2 {
		return false
	}
	r := k.record()
	r.Kind, r.Obj, r.Sysno = RecordSegment, int32(e.Socket), uint16(s.Flags)
	if t != nil {
		r.PID = int32(t.PID)
	}
	if e.Kind == inet.EventReceive {
		r.Other = 1
	}
	r.A = [3]uint64{src, dst, uint64(s.Seq)<<32 | uint64(s.Ack)}
	r.Ret = int64(len(s.Data))
	r.Buf = [7]byte{byte(s.Window >> 8), byte(s.Window), byte(s.MSS >> 8), byte(s.MSS)}
	k.emitRecord(r)
	return true
}

// segment returns a RecordSegment's fields.
func (r *Record) segment() (src, dst netip.AddrPort, f tcp.Flags, seq, ack uint32, win, mss uint16) {
	return unpackAddr(r.A[0]), unpackAddr(r.A[1]), tcp.Flags(r.Sysno), uint32(r.A[2] >> 32), uint32(r.A[2]),
		uint16(r.Buf[0])<<8 | uint16(r.Buf[1]), uint16(r.Buf[2])<<8 | uint16(r.Buf[3])
}

// appendSegment appends a RecordSegment's sentence, as traceInet makes
// it (inet.AppendTCP), its addresses by re if there is one (appendAddr).
func (r *Record) appendSegment(b []byte, re *RecordEvent) []byte {
	b = appendNetWho(b, "tcp", int(r.Obj))
	if r.Other != 0 {
		b = append(b, "receives "...)
	} else {
		b = append(b, "sends "...)
	}
	_, _, f, seq, ack, win, mss := r.segment()
	b = append(re.appendAddr(append(re.appendAddr(b, r.A[0]), " > "...), r.A[1]), ' ')
	return tcp.AppendSegment(b, f, seq, ack, win, mss, int(r.Ret))
}

// appendAddr appends the IPv4 address and port packed in w (packAddr):
// kept from the last two formatted, as a connection's segments name the
// same two again and again (in JSON twice a segment: the sentence and
// the packet's fields). A nil re formats it anew.
func (re *RecordEvent) appendAddr(b []byte, w uint64) []byte {
	if re == nil {
		return unpackAddr(w).AppendTo(b)
	}
	for i := range re.addrs {
		if a := &re.addrs[i]; a.kept && a.w == w {
			return append(b, a.text...)
		}
	}
	a := &re.addrs[re.older]
	re.older = 1 - re.older
	a.w, a.kept, a.text = w, true, unpackAddr(w).AppendTo(a.text[:0])
	return append(b, a.text...)
}

// packetEvent returns a RecordSegment's Event.Packet, as packetEvent
// makes it, in re's scratch space.
func (r *Record) packetEvent(re *RecordEvent) *PacketEvent {
	_, _, f, seq, ack, win, _ := r.segment()
	p := &re.packet
	re.name = re.appendAddr(re.name[:0], r.A[0])
	re.via = re.appendAddr(re.via[:0], r.A[1])
	*p = PacketEvent{Proto: "tcp", Src: re.str(&re.objs, re.name), Dst: re.str(&re.objs, re.via),
		Flags: f.String(), Seq: seq, Win: win, Len: int(r.Ret)}
	if f&tcp.ACK != 0 {
		p.Ack = ack
	}
	return p
}

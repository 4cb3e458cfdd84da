package unix

import (
	"fmt"
	"slices"

	"ipcsim/abi"
	"ipcsim/sched"
)

// The true size of a buffer: what Linux charges the sender for it
// (skb->truesize, x86-64 sizes). A buffer is a head allocated with
// kmalloc (rounded up to a kmalloc size, plus struct skb_shared_info)
// and, for big messages, page fragments; the sk_buff itself adds 256.
const (
	skbStruct   = 256  // SKB_DATA_ALIGN(sizeof(struct sk_buff))
	skbShinfo   = 320  // SKB_DATA_ALIGN(sizeof(struct skb_shared_info))
	skbMaxHead  = 3776 // SKB_MAX_HEAD(0): a page less skb_shared_info
	skbMaxAlloc = 16064
	fragsSize   = 32768 // UNIX_SKB_FRAGS_SZ
	pageSize    = 4096
	maxSkbFrags = 17
)

func pageAlign(n int) int { return (n + pageSize - 1) &^ (pageSize - 1) }

// kmallocSize is the size kmalloc really gives for n bytes.
func kmallocSize(n int) int {
	for _, c := range [...]int{8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096, 8192} {
		if n <= c {
			return c
		}
	}
	c := 2 * 8192
	for c < n {
		c *= 2
	}
	return c
}

// truesize is the true size of a buffer with a head of head bytes and
// dataLen bytes in page fragments (alloc_skb_with_frags: chunks of up to
// eight pages, each a power of two).
func truesize(head, dataLen int) int {
	t := kmallocSize((head+63)&^63+skbShinfo) + skbStruct
	for dataLen > 0 {
		chunk := 8 * pageSize
		for chunk > pageSize && pageAlign(dataLen) < chunk {
			chunk /= 2
		}
		t += chunk
		dataLen -= min(dataLen, chunk)
	}
	return t
}

// A Message is what a send hands to a socket.
type Message struct {
	Data []byte  // the bytes (for a stream: those not yet sent)
	Ctl  Control // descriptors and explicit credentials; Send clears Ctl.Rights when it takes them
	Cred Cred    // the sending process's credentials (added when either side passes credentials)
	// Lookup finds the destination of a datagram by the name given to
	// sendto or sendmsg (nil: the socket's peer).
	Lookup func() (*Socket, error)
}

// Send sends m and returns how many bytes went. A stream may take part of
// the bytes and then return *Blocked (its send buffer is full) with the
// count; datagrams and records go whole or not at all.
func (s *Socket) Send(m *Message) (int, error) {
	if s.Type == abi.SOCK_STREAM {
		return s.sendStream(m)
	}
	return s.sendDgram(m)
}

// SendCheck is what unix_seqpacket_sendmsg checks before it looks at the
// message, the descriptors of its control messages included: a pending
// error, then the connection (ENOTCONN). The other types check nothing
// first.
func (s *Socket) SendCheck() error {
	if s.Type != abi.SOCK_SEQPACKET {
		return nil
	}
	if e := s.takeError(); e != 0 {
		return e
	}
	if s.state != Connected {
		return abi.ENOTCONN
	}
	return nil
}

// allocCheck is sock_alloc_send_pskb's test before it allocates: a
// pending error, the socket shut for writing, or a full send buffer.
func (s *Socket) allocCheck() error {
	if e := s.takeError(); e != 0 {
		return e
	}
	if s.shutdown&SendShutdown != 0 {
		return abi.EPIPE
	}
	if s.wmem >= s.sndbuf {
		return &Blocked{Queue: &s.Queue, Mask: abi.POLLOUT | abi.POLLERR | abi.POLLHUP,
			Reason: fmt.Sprintf("socket#%d's send buffer full (%d of %d bytes)", s.ID, s.wmem, s.sndbuf)}
	}
	return nil
}

// sendStream is unix_stream_sendmsg: the bytes go in buffers of at most
// half the send buffer (and 36544 bytes), each allocated while the send
// buffer is not full.
func (s *Socket) sendStream(m *Message) (int, error) {
	other := s.peer
	if other == nil {
		return 0, abi.ENOTCONN
	}
	if s.shutdown&SendShutdown != 0 {
		return 0, ErrBrokenPipe
	}
	sent := 0
	for sent < len(m.Data) {
		size := min(len(m.Data)-sent, s.sndbuf/2-64, skbMaxHead+fragsSize)
		dataLen := min(size, pageAlign(max(0, size-skbMaxHead)))
		if err := s.allocCheck(); err != nil {
			return sent, err
		}
		if other.state == Closed || other.shutdown&RcvShutdown != 0 {
			return sent, ErrBrokenPipe
		}
		b := s.net.newBuffer(m.Data[sent:sent+size], s, truesize(size-dataLen, dataLen))
		if sent == 0 {
			b.ctl.Rights = m.Ctl.Rights // the descriptors go in the first buffer
			m.Ctl.Rights = nil
		}
		b.ctl.Cred = s.credFor(m, other)
		other.enqueue(b)
		sent += size
	}
	return sent, nil
}

// credFor is the credentials a buffer carries: those given explicitly, or
// the sender's when either side passes credentials or the receiver is a
// connection not yet accepted (unix_maybe_add_creds).
func (s *Socket) credFor(m *Message, other *Socket) *Cred {
	if m.Ctl.Cred != nil {
		c := *m.Ctl.Cred
		return &c
	}
	if s.passCred || other.passCred || other.listener != nil {
		c := m.Cred
		return &c
	}
	return nil
}

// enqueue puts b on s's receive queue, charging its sender.
func (s *Socket) enqueue(b *buffer) {
	b.from.wmem += b.truesize
	s.recvq = append(s.recvq, b)
	s.recvLen += len(b.data)
	s.notify(abi.POLLIN | abi.POLLRDNORM)
}

// MaxDgram returns the largest datagram the socket can send: "EMSGSIZE"
// beyond sndbuf - 32 (unix_dgram_sendmsg).
func (s *Socket) MaxDgram() int { return s.sndbuf - 32 }

// sendDgram is unix_dgram_sendmsg (and unix_seqpacket_sendmsg before it).
func (s *Socket) sendDgram(m *Message) (int, error) {
	seq := s.Type == abi.SOCK_SEQPACKET
	if seq {
		if err := s.SendCheck(); err != nil {
			return 0, err
		}
		m.Lookup = nil // "the address is ignored" for a connected socket
	}
	if s.passCred && s.addr == nil {
		if err := s.Autobind(); err != nil {
			return 0, err
		}
	}
	n := len(m.Data)
	if n > s.MaxDgram() {
		return 0, abi.EMSGSIZE
	}
	if err := s.allocCheck(); err != nil {
		return 0, err
	}
	var other *Socket
	if m.Lookup != nil {
		o, err := m.Lookup()
		if err != nil {
			return 0, err
		}
		other = o
	} else if other = s.peer; other == nil {
		return 0, abi.ENOTCONN
	}
	if other.peer != nil && other.peer != s {
		return 0, abi.EPERM // unix_may_send: it is connected to another socket
	}
	if other.state == Closed {
		if seq {
			return 0, abi.EPIPE
		}
		if s.peer == other {
			// "Check with 1003.1g - what should datagram error": the
			// peer is gone; the socket is disconnected.
			s.peer = nil
			s.state = Unconnected
			s.dgramDisconnected(other)
			return 0, abi.ECONNREFUSED
		}
		return 0, abi.ECONNREFUSED
	}
	if other.shutdown&RcvShutdown != 0 {
		return 0, abi.EPIPE
	}
	if other != s && other.peer != s && other.recvqFull() {
		return 0, &Blocked{Queue: &other.Queue, Mask: EventPeer,
			Reason: fmt.Sprintf("socket#%d's queue full (%d datagrams)", other.ID, len(other.recvq))}
	}
	dataLen := 0
	if n > skbMaxAlloc {
		dataLen = pageAlign(min(n-skbMaxAlloc, maxSkbFrags*pageSize))
	}
	b := s.net.newBuffer(m.Data, s, truesize(n-dataLen, dataLen))
	b.ctl.Rights = m.Ctl.Rights
	m.Ctl.Rights = nil
	b.ctl.Cred = s.credFor(m, other)
	other.enqueue(b)
	return n, nil
}

// Received is what a receive returns.
type Received struct {
	Data   []byte  // the bytes read
	Len    int     // datagram, record: the whole message's length (MSG_TRUNC)
	From   []byte  // the sender's name (nil: unbound)
	Ctl    Control // descriptors and credentials that came with the bytes
	Peeked bool    // MSG_PEEK: Ctl.Rights still belong to the message (the receiver gets copies)
	End    bool    // nothing came: the end of what the peer sends (shut, or closed)
}

// Recv receives up to max bytes. For a stream, need is how many bytes the
// call still needs (1, or with MSG_WAITALL what it lacks): Recv returns
// what is there, and *Blocked with it when that is less than need and
// more may come. A datagram or record comes whole, cut to max.
func (s *Socket) Recv(max, flags, need int) (*Received, error) {
	r := &Received{}
	if ok, err := s.RecvInto(r, nil, max, flags, need); !ok {
		return nil, err
	} else {
		return r, err
	}
}

// RecvInto is Recv into the caller's storage (the kernel's fast path: a
// receive allocates nothing): it fills *r, with the bytes appended to
// buf[:0] (grown only if too small), and reports false where Recv returns
// no *Received.
func (s *Socket) RecvInto(r *Received, buf []byte, max, flags, need int) (bool, error) {
	*r = Received{Data: buf[:0]}
	if flags&abi.MSG_OOB != 0 {
		return false, abi.EOPNOTSUPP
	}
	if s.Type == abi.SOCK_STREAM {
		return s.recvStream(r, max, flags, need)
	}
	return s.recvDgram(r, max, flags)
}

// IsEmptyRead reports whether b is the socket's answer to a read of its
// empty queue ("socket#1 empty"): for the trace's Records, which say so in
// a form of their own (kernel/trace_record.go).
func (s *Socket) IsEmptyRead(b *Blocked) bool { return b != nil && b == s.emptyBlock }

// readBlocked is the answer of a read of the empty socket: one value per
// socket, made at its first such read (a blocked read allocates nothing).
func (s *Socket) readBlocked() *Blocked {
	if s.emptyBlock == nil {
		s.emptyBlock = &Blocked{Queue: &s.Queue, Mask: abi.POLLIN | abi.POLLRDHUP | abi.POLLERR | abi.POLLHUP,
			Reason: fmt.Sprintf("socket#%d empty", s.ID)}
	}
	return s.emptyBlock
}

// recvStream is unix_stream_read_generic.
func (s *Socket) recvStream(r *Received, size, flags, need int) (bool, error) {
	if s.state != Connected {
		return false, abi.EINVAL
	}
	peek := flags&abi.MSG_PEEK != 0
	checkCreds := false
	// A peek goes on past its last byte: Linux's loop, having peeked a
	// buffer, jumps to the next one without testing the size left, so a
	// peek that ends inside one buffer still takes (with none of their
	// bytes) the descriptors of the first later buffer that carries any.
	for i := 0; (size > 0 || peek) && i < len(s.recvq); {
		b := s.recvq[i]
		if checkCreds {
			if !credEqual(b.ctl.Cred, r.Ctl.Cred) {
				break // "Never glue messages from different writers"
			}
		} else if s.passCred {
			r.Ctl.Cred = b.ctl.Cred
			checkCreds = true
		}
		if r.From == nil && b.from != nil {
			r.From = b.from.addr
		}
		chunk := min(b.unread(), size)
		r.Data = append(r.Data, b.data[b.consumed:b.consumed+chunk]...)
		size -= chunk
		if peek {
			if b.ctl.Rights != nil {
				r.Ctl.Rights, r.Peeked = b.ctl.Rights, true
				break
			}
			i++
			continue
		}
		b.consumed += chunk
		s.recvLen -= chunk
		if b.ctl.Rights != nil {
			r.Ctl.Rights = b.ctl.Rights
			b.ctl.Rights = nil
		}
		if b.unread() > 0 {
			break
		}
		s.recvq = slices.Delete(s.recvq, i, i+1)
		s.free(b)
		if r.Ctl.Rights != nil {
			break
		}
	}
	if len(r.Data) >= need || len(r.Data) > 0 && r.Ctl.Rights != nil {
		return true, nil
	}
	if len(s.recvq) > 0 {
		return true, nil // stopped at another writer's bytes
	}
	if e := s.takeError(); e != 0 {
		return true, e
	}
	if s.shutdown&RcvShutdown != 0 {
		r.End = len(r.Data) == 0
		return true, nil
	}
	return true, s.readBlocked()
}

func credEqual(a, b *Cred) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// recvDgram is __unix_dgram_recvmsg (with unix_seqpacket_recvmsg's check).
func (s *Socket) recvDgram(r *Received, size, flags int) (bool, error) {
	seq := s.Type == abi.SOCK_SEQPACKET
	if seq && s.state != Connected {
		return false, abi.ENOTCONN
	}
	if e := s.takeError(); e != 0 {
		return false, e
	}
	if len(s.recvq) == 0 {
		if s.shutdown&RcvShutdown != 0 {
			if flags&abi.MSG_DONTWAIT != 0 && !seq {
				return false, abi.EAGAIN
			}
			r.End = true
			return true, nil
		}
		return false, s.readBlocked()
	}
	b := s.recvq[0]
	r.Len = len(b.data)
	r.Data = append(r.Data, b.data[:min(size, len(b.data))]...)
	if b.from != nil {
		r.From = b.from.addr
	}
	r.Ctl.Cred = b.ctl.Cred
	if flags&abi.MSG_PEEK != 0 {
		r.Ctl.Rights, r.Peeked = b.ctl.Rights, b.ctl.Rights != nil
		return true, nil
	}
	r.Ctl.Rights = b.ctl.Rights
	b.ctl.Rights = nil
	s.recvq = slices.Delete(s.recvq, 0, 1)
	s.recvLen -= len(b.data)
	s.free(b)
	s.notify(EventPeer) // senders waiting for room
	s.relayPeerWake()
	return true, nil
}

// InqLen is SIOCINQ (FIONREAD): a stream's unread bytes, a seqpacket
// socket's too, a datagram socket's first datagram; EINVAL on a listener.
func (s *Socket) InqLen() (int, error) {
	switch {
	case s.state == Listening:
		return 0, abi.EINVAL
	case s.Type == abi.SOCK_DGRAM:
		return s.FirstLen(), nil
	}
	return s.recvLen, nil
}

// Readiness returns the poll events now: unix_poll for a stream,
// unix_dgram_poll for the others.
func (s *Socket) Readiness() sched.EventMask {
	var ev sched.EventMask
	if s.err != 0 {
		ev |= abi.POLLERR
	}
	if s.shutdown == ShutdownMask {
		ev |= abi.POLLHUP
	}
	if s.shutdown&RcvShutdown != 0 {
		ev |= abi.POLLRDHUP | abi.POLLIN | abi.POLLRDNORM
	}
	if len(s.recvq) > 0 {
		ev |= abi.POLLIN | abi.POLLRDNORM
	}
	if s.connectionOriented() && s.state == Unconnected {
		ev |= abi.POLLHUP
	}
	writable := s.writable()
	if writable && s.Type != abi.SOCK_STREAM {
		if o := s.peer; o != nil && o.peer != s && o.recvqFull() && o.state != Closed {
			writable = false
		}
	}
	if writable {
		ev |= abi.POLLOUT | abi.POLLWRNORM | abi.POLLWRBAND
	}
	return ev
}

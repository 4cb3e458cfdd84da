// Package unix is the kernel's Unix domain socket (unix(7)): SOCK_STREAM,
// SOCK_DGRAM and SOCK_SEQPACKET sockets, their receive queues of buffers,
// listeners with their backlog of connections not yet accepted, abstract
// names, and the accounting Linux does (net/unix/af_unix.c): every buffer
// queued at a receiver is charged to its sender's send buffer until it is
// read, which is what makes a stream writer wait.
//
// A Socket never blocks. An operation that cannot proceed returns a
// *Blocked naming the wait queue to sleep on (its own queue, or the peer's
// for a connect to a full listener and a datagram to a full receiver), and
// the kernel sleeps there or fails with EAGAIN. Each socket has one wait
// queue; a socket notifies it after every change of state, with poll(2)'s
// bits, plus EventPeer for the callers that wait for room at a peer
// (Linux's peer_wait).
//
// Path names live in the kernel's name space, which finds the socket
// bound to a path and hands it to Connect and Send; abstract names (a
// leading NUL byte) live here, in the Net.
package unix

import (
	"fmt"
	"slices"

	"ipcsim/abi"
	"ipcsim/sched"
)

// Sizes and limits of Linux (net/core/sock.c, net/unix/af_unix.c).
const (
	// DefaultSndbuf is net.core.wmem_default: "The default setting of
	// the socket send buffer in bytes" - socket(7).
	DefaultSndbuf = 212992
	// DefaultRcvbuf is net.core.rmem_default.
	DefaultRcvbuf = 212992
	// MaxBufOpt is net.core.wmem_max and rmem_max: the most SO_SNDBUF and
	// SO_RCVBUF take (before Linux doubles the value).
	MaxBufOpt = 212992
	// MinSndbuf and MinRcvbuf are SOCK_MIN_SNDBUF and SOCK_MIN_RCVBUF.
	MinSndbuf = 4608
	MinRcvbuf = 2304
	// MaxDgramQlen is net.unix.max_dgram_qlen: how many datagrams a
	// receiver not connected back to the sender queues (one more, as
	// Linux tests qlen > max).
	MaxDgramQlen = 10
	// Somaxconn caps listen's backlog.
	Somaxconn = abi.SOMAXCONN
	// PathMax is sizeof(sun_path).
	PathMax = 108
)

// EventPeer is the event a caller waiting for room at another socket
// sleeps for: a connect to a full listener, a datagram to a full
// receiver. It is not a poll bit, so pollers never hear it.
const EventPeer sched.EventMask = 1 << 30

// pollAll is every poll bit a socket's readiness may change.
const pollAll = sched.EventMask(abi.POLLIN | abi.POLLRDNORM | abi.POLLOUT | abi.POLLWRNORM | abi.POLLWRBAND |
	abi.POLLERR | abi.POLLHUP | abi.POLLRDHUP)

// State is a socket's connection state (Linux's sk_state).
type State uint8

const (
	Unconnected State = iota // TCP_CLOSE: new, or disconnected
	Listening                // TCP_LISTEN
	Connected                // TCP_ESTABLISHED (for SOCK_DGRAM: has a default peer)
	Closed                   // released: no file refers to it any more
)

func (s State) String() string {
	return [...]string{"UNCONN", "LISTEN", "ESTAB", "CLOSED"}[s]
}

// Shutdown bits (sk_shutdown).
const (
	RcvShutdown  = 1 // no more receiving (SHUT_RD by us, SHUT_WR by the peer)
	SendShutdown = 2 // no more sending (SHUT_WR by us, SHUT_RD by the peer)
	ShutdownMask = RcvShutdown | SendShutdown
)

// Cred is a process's credentials as a socket carries them: struct ucred.
type Cred struct{ PID, UID, GID int }

// Rights are the descriptors a message carries (SCM_RIGHTS): the kernel's
// open files, opaque here. A message that is dropped unread releases them.
type Rights interface {
	Count() int // how many descriptors
	Release()   // drop the message's references (and its in-flight count)
}

// Control is what a message carries besides its bytes.
type Control struct {
	Rights Rights // nil: none
	Cred   *Cred  // SCM_CREDENTIALS, nil: none
}

// Blocked is the "would block" answer: the caller sleeps on Queue until
// one of Mask's events, then tries again; or fails with EAGAIN.
type Blocked struct {
	Queue  *sched.WaitQueue
	Mask   sched.EventMask
	Reason string
}

func (b *Blocked) Error() string { return "unix: would block: " + b.Reason }

// ErrBrokenPipe: a stream send found the connection shut for writing:
// EPIPE, and SIGPIPE unless MSG_NOSIGNAL ("EPIPE The local end has been
// shut down on a connection oriented socket. In this case, the process
// will also receive a SIGPIPE unless MSG_NOSIGNAL is set" - send(2)).
var ErrBrokenPipe = fmt.Errorf("unix: broken pipe: %w", abi.EPIPE)

// Socket is one Unix domain socket.
type Socket struct {
	ID   int // numbers the socket in traces and listings: socket#ID
	Type int // abi.SOCK_STREAM, SOCK_DGRAM or SOCK_SEQPACKET

	net      *Net
	state    State
	addr     []byte  // the bound name: sun_path as getsockname returns it ("/tmp/s\x00", "\x00name"); nil if unbound
	path     bool    // addr is a path in the name space (else abstract)
	peer     *Socket // the other end (stream, seqpacket), or the default destination (dgram)
	listener *Socket // for a connection not yet accepted: its listener

	recvq    []*buffer // the receive queue, oldest first (a listener's holds connections)
	recvLen  int       // unread bytes in recvq
	backlog  int       // sk_max_ack_backlog: listen's backlog, or max_dgram_qlen
	sndbuf   int       // sk_sndbuf
	rcvbuf   int       // sk_rcvbuf
	wmem     int       // sk_wmem_alloc: the true size of this socket's buffers queued at receivers
	shutdown int       // RcvShutdown | SendShutdown
	err      abi.Errno // sk_err: a pending error, reported once (ECONNRESET)

	passCred bool // SO_PASSCRED

	// ReuseAddr and KeepAlive are SO_REUSEADDR and SO_KEEPALIVE, which
	// Linux keeps for any socket (sk_reuse, SOCK_KEEPOPEN) and which change
	// nothing for a Unix socket; programs written for TCP set them.
	ReuseAddr, KeepAlive bool
	peerCred             *Cred // SO_PEERCRED: the peer's credentials at connect time, or nil

	emptyBlock *Blocked // readBlocked's answer, made once

	// Queue is where the socket's readers, writers, acceptors and pollers
	// wait, and where others wait for room in its receive queue
	// (EventPeer).
	Queue sched.WaitQueue
}

// A buffer is one sk_buff on a receive queue: a message (a datagram, a
// seqpacket record, a piece of a stream) or, on a listener, a connection
// waiting for accept.
type buffer struct {
	data     []byte
	consumed int     // stream: bytes already read
	from     *Socket // the sender, charged truesize until the buffer is freed
	truesize int     // what it costs the sender's send buffer
	ctl      Control // rights and credentials
	conn     *Socket // a listener's pending connection
}

func (b *buffer) unread() int { return len(b.data) - b.consumed }

// Spare buffers: a buffer read to its end goes to its Net's spare list,
// and the next send takes it and copies its bytes into the room it has
// (fast path: a stream ping-pong allocates no sk_buff and no copy of its
// bytes per send). The list is short and keeps only small buffers, so a
// burst of big messages leaves no memory behind.
const (
	maxSpare     = 16
	maxSpareData = 4096
)

// newBuffer returns a buffer holding a copy of data, charged to from.
func (n *Net) newBuffer(data []byte, from *Socket, truesize int) *buffer {
	if k := len(n.spare); k > 0 {
		b := n.spare[k-1]
		n.spare[k-1] = nil
		n.spare = n.spare[:k-1]
		*b = buffer{data: append(b.data[:0], data...), from: from, truesize: truesize}
		return b
	}
	return &buffer{data: slices.Clone(data), from: from, truesize: truesize}
}

// recycle keeps a freed buffer for a later send, if there is room.
func (n *Net) recycle(b *buffer) {
	if len(n.spare) < maxSpare && cap(b.data) <= maxSpareData {
		*b = buffer{data: b.data[:0]}
		n.spare = append(n.spare, b)
	}
}

// Net is the sockets of one kernel and the abstract name space.
type Net struct {
	lastID   int
	sockets  []*Socket               // live sockets, by ID
	abstract map[abstractKey]*Socket // bound abstract names (looked up, never iterated)
	autobind uint32                  // the last autobind number handed out
	released func(s *Socket)         // called when a socket is released (nil: nothing)
	spare    []*buffer               // freed buffers for newBuffer to reuse
}

// abstractKey is an abstract name with the socket type: Linux hashes the
// type into the name's bucket, so sockets of different types may hold the
// same abstract name and only a socket of the same type is found.
type abstractKey struct {
	typ  int
	name string
}

// NewNet returns an empty socket table.
func NewNet() *Net {
	return &Net{abstract: map[abstractKey]*Socket{}}
}

// OnRelease sets a function called when a socket is released (the kernel
// forgets the path it was bound to).
func (n *Net) OnRelease(f func(*Socket)) { n.released = f }

// Sockets returns the live sockets in ID order.
func (n *Net) Sockets() []*Socket { return n.sockets }

// New returns a new unconnected socket of type typ.
func (n *Net) New(typ int) *Socket {
	n.lastID++
	s := &Socket{ID: n.lastID, Type: typ, net: n, backlog: MaxDgramQlen, sndbuf: DefaultSndbuf, rcvbuf: DefaultRcvbuf}
	n.sockets = append(n.sockets, s)
	return s
}

// Pair returns two sockets connected to each other (socketpair(2)), each
// with the creator's credentials as its peer's.
func (n *Net) Pair(typ int, cred Cred) (*Socket, *Socket) {
	a, b := n.New(typ), n.New(typ)
	a.peer, b.peer = b, a
	a.state, b.state = Connected, Connected
	ca, cb := cred, cred
	a.peerCred, b.peerCred = &ca, &cb
	return a, b
}

// LookupAbstract returns the socket of type typ bound to the abstract name
// (its first byte NUL), or nil.
func (n *Net) LookupAbstract(typ int, name []byte) *Socket {
	return n.abstract[abstractKey{typ, string(name)}]
}

func (n *Net) forget(s *Socket) {
	if i := slices.Index(n.sockets, s); i >= 0 {
		n.sockets = slices.Delete(n.sockets, i, i+1)
	}
}

// State returns the connection state.
func (s *Socket) State() State { return s.state }

// Addr returns the bound name (sun_path bytes as getsockname gives them),
// nil if unbound.
func (s *Socket) Addr() []byte { return s.addr }

// IsPath reports whether the bound name is a path in the name space.
func (s *Socket) IsPath() bool { return s.path }

// Peer returns the peer (or dgram default destination), nil if none.
func (s *Socket) Peer() *Socket { return s.peer }

// Listener returns the listener of a connection not yet accepted.
func (s *Socket) Listener() *Socket { return s.listener }

// PeerCred returns SO_PEERCRED's credentials, nil if none.
func (s *Socket) PeerCred() *Cred { return s.peerCred }

// Shutdown returns the shutdown bits.
func (s *Socket) ShutdownBits() int { return s.shutdown }

// Sndbuf and Rcvbuf return SO_SNDBUF and SO_RCVBUF.
func (s *Socket) Sndbuf() int { return s.sndbuf }
func (s *Socket) Rcvbuf() int { return s.rcvbuf }

// Wmem returns the bytes charged to the send buffer (SIOCOUTQ).
func (s *Socket) Wmem() int { return s.wmem }

// PassCred returns SO_PASSCRED.
func (s *Socket) PassCred() bool { return s.passCred }

// Backlog returns listen's backlog (or max_dgram_qlen).
func (s *Socket) Backlog() int { return s.backlog }

// connectionOriented reports SOCK_STREAM or SOCK_SEQPACKET.
func (s *Socket) connectionOriented() bool { return s.Type != abi.SOCK_DGRAM }

// notify wakes the socket's waiters for events.
func (s *Socket) notify(events sched.EventMask) { s.Queue.Notify(events) }

// BindAbstract binds the abstract name (first byte NUL): "EADDRINUSE The
// given address is already in use"; "EINVAL The socket is already bound
// to an address" - bind(2).
func (s *Socket) BindAbstract(name []byte) error {
	if s.addr != nil {
		return abi.EINVAL
	}
	key := abstractKey{s.Type, string(name)}
	if s.net.abstract[key] != nil {
		return abi.EADDRINUSE
	}
	s.net.abstract[key] = s
	s.addr = slices.Clone(name)
	return nil
}

// BindPath records that the socket is bound to path (the kernel made its
// S_IFSOCK node). The name keeps its NUL, as getsockname shows it.
func (s *Socket) BindPath(path string) error {
	if s.addr != nil {
		return abi.EINVAL
	}
	s.addr = append([]byte(path), 0)
	s.path = true
	return nil
}

// Autobind gives an unbound socket an abstract name of five hex digits:
// "If a bind(2) call specifies addrlen as sizeof(sa_family_t), or the
// SO_PASSCRED socket option was specified for a socket that was not
// explicitly bound to an address, then the socket is autobound to an
// abstract address" - unix(7). Linux starts at a random number; here the
// numbers count up from 1, so that runs repeat.
func (s *Socket) Autobind() error {
	if s.addr != nil {
		return nil
	}
	for range 0x100000 {
		s.net.autobind = (s.net.autobind + 1) & 0xfffff
		name := []byte(fmt.Sprintf("\x00%05x", s.net.autobind))
		if s.BindAbstract(name) == nil {
			return nil
		}
	}
	return abi.ENOSPC
}

// Listen makes a bound stream or seqpacket socket a listener: "EINVAL
// ... the socket is not bound" (for Unix sockets), "EOPNOTSUPP The socket
// is not of a type that supports the listen() operation" - listen(2). The
// backlog is already capped at somaxconn; listening again changes it.
func (s *Socket) Listen(backlog int, cred Cred) error {
	switch {
	case !s.connectionOriented():
		return abi.EOPNOTSUPP
	case s.addr == nil:
		return abi.EINVAL
	case s.state != Unconnected && s.state != Listening:
		return abi.EINVAL
	}
	if backlog > s.backlog {
		s.notify(EventPeer) // connects waiting for room
	}
	s.backlog = backlog
	s.state = Listening
	c := cred
	s.peerCred = &c // connect copies it to the client (SO_PEERCRED)
	return nil
}

// recvqFull is unix_recvq_full: a listener's backlog or a receiver's
// datagram queue is full when it holds more than backlog buffers.
func (s *Socket) recvqFull() bool { return len(s.recvq) > s.backlog }

// Connect connects a stream or seqpacket socket to the listener target
// (found by name by the caller), as unix_stream_connect does: a new
// socket for the server's end goes on the listener's queue for accept,
// and s is connected at once. cred is the connecting process's.
func (s *Socket) Connect(target *Socket, cred Cred) error {
	if target.state != Listening || target.shutdown&RcvShutdown != 0 {
		return abi.ECONNREFUSED
	}
	if target.recvqFull() {
		return &Blocked{Queue: &target.Queue, Mask: EventPeer,
			Reason: fmt.Sprintf("socket#%d's backlog full (%d pending, backlog %d)", target.ID, len(target.recvq), target.backlog)}
	}
	switch s.state {
	case Connected:
		return abi.EISCONN
	case Listening:
		return abi.EINVAL
	}
	conn := s.net.New(s.Type)
	conn.state = Connected
	conn.peer = s
	conn.listener = target
	c := cred
	conn.peerCred = &c
	conn.addr, conn.path = target.addr, target.path
	if target.peerCred != nil {
		lc := *target.peerCred
		s.peerCred = &lc
	}
	s.state = Connected
	s.peer = conn
	target.recvq = append(target.recvq, &buffer{conn: conn, from: conn})
	target.notify(abi.POLLIN | abi.POLLRDNORM)
	s.notify(pollAll)
	return nil
}

// Accept takes the first connection waiting on a listener: "EINVAL Socket
// is not listening for connections", "EOPNOTSUPP The referenced socket is
// not of type SOCK_STREAM" - accept(2).
func (s *Socket) Accept() (*Socket, error) {
	switch {
	case !s.connectionOriented():
		return nil, abi.EOPNOTSUPP
	case s.state != Listening:
		return nil, abi.EINVAL
	}
	if len(s.recvq) == 0 {
		if err := s.takeError(); err != 0 {
			return nil, err
		}
		if s.shutdown&RcvShutdown != 0 {
			return nil, abi.EINVAL
		}
		return nil, &Blocked{Queue: &s.Queue, Mask: abi.POLLIN | abi.POLLERR | abi.POLLHUP,
			Reason: fmt.Sprintf("socket#%d: no connection to accept", s.ID)}
	}
	b := s.recvq[0]
	s.recvq = slices.Delete(s.recvq, 0, 1)
	b.conn.listener = nil
	s.notify(EventPeer) // room in the backlog
	return b.conn, nil
}

// ConnectDgram sets a datagram socket's default peer (connect(2) on
// SOCK_DGRAM), or dissolves it when target is nil (AF_UNSPEC). "EPERM"
// when target is connected to another socket (unix_may_send).
func (s *Socket) ConnectDgram(target *Socket) error {
	if target != nil && target.peer != nil && target.peer != s {
		return abi.EPERM
	}
	old := s.peer
	s.peer = target
	if target != nil {
		s.state = Connected
	} else {
		s.state = Unconnected
	}
	if old != nil && old != target {
		s.dgramDisconnected(old)
		s.notify(abi.POLLOUT | abi.POLLWRNORM | abi.POLLWRBAND)
	}
	return nil
}

// dgramDisconnected is unix_dgram_disconnected: when a datagram socket
// leaves its peer, the messages it had received are thrown away, and a
// peer connected back to it learns of it (ECONNRESET).
func (s *Socket) dgramDisconnected(old *Socket) {
	if len(s.recvq) == 0 {
		return
	}
	s.purge()
	s.notify(EventPeer)
	if old.state != Closed && old.peer == s {
		old.err = abi.ECONNRESET
		old.notify(abi.POLLERR)
	}
}

// Shutdown shuts down reading (SHUT_RD), writing (SHUT_WR) or both; on a
// connection the peer's opposite direction goes with it.
func (s *Socket) Shutdown(how int) error {
	if how < abi.SHUT_RD || how > abi.SHUT_RDWR {
		return abi.EINVAL
	}
	mode := how + 1 // SHUT_RD -> RcvShutdown, SHUT_WR -> SendShutdown
	s.shutdown |= mode
	s.notify(pollAll)
	if o := s.peer; o != nil && s.connectionOriented() {
		peerMode := 0
		if mode&RcvShutdown != 0 {
			peerMode |= SendShutdown
		}
		if mode&SendShutdown != 0 {
			peerMode |= RcvShutdown
		}
		o.shutdown |= peerMode
		o.notify(pollAll)
	}
	return nil
}

// takeError returns and clears the pending error (sock_error).
func (s *Socket) takeError() abi.Errno {
	e := s.err
	s.err = 0
	return e
}

// TakeError is SO_ERROR: the pending error, cleared.
func (s *Socket) TakeError() abi.Errno { return s.takeError() }

// PendingError returns the pending error without clearing it.
func (s *Socket) PendingError() abi.Errno { return s.err }

// SetPassCred sets SO_PASSCRED.
func (s *Socket) SetPassCred(on bool) { s.passCred = on }

// SetSndbuf sets SO_SNDBUF: "The kernel doubles this value (to allow
// space for bookkeeping overhead) when it is set using setsockopt(2)" -
// socket(7); capped at wmem_max first, at least SOCK_MIN_SNDBUF after.
func (s *Socket) SetSndbuf(val uint32) {
	v := int(min(val, MaxBufOpt))
	s.sndbuf = max(2*v, MinSndbuf)
	s.writeSpace()
}

// SetRcvbuf sets SO_RCVBUF (doubled, as SO_SNDBUF).
func (s *Socket) SetRcvbuf(val uint32) {
	v := int(min(val, MaxBufOpt))
	s.rcvbuf = max(2*v, MinRcvbuf)
}

// Close releases the socket (the last descriptor closed): unix_release_sock.
// Its connection's peer can send no more, and gets ECONNRESET if data it
// sent was left unread; a listener's connections not yet accepted are
// reset; everything queued is thrown away.
func (s *Socket) Close() {
	s.release(false)
}

func (s *Socket) release(embryo bool) {
	if s.state == Closed {
		return
	}
	if s.addr != nil && !s.path {
		delete(s.net.abstract, abstractKey{s.Type, string(s.addr)})
	}
	was := s.state
	s.state = Closed
	s.shutdown = ShutdownMask
	peer := s.peer
	s.peer = nil
	s.notify(EventPeer | pollAll)
	s.relayPeerWake()
	if peer != nil && s.connectionOriented() {
		peer.shutdown = ShutdownMask
		if len(s.recvq) > 0 || embryo {
			peer.err = abi.ECONNRESET
		}
		peer.notify(pollAll)
	}
	for len(s.recvq) > 0 {
		b := s.recvq[0]
		s.recvq = s.recvq[1:]
		if was == Listening && b.conn != nil {
			b.conn.release(true)
		}
		s.free(b)
	}
	s.recvq, s.recvLen = nil, 0
	s.net.forget(s)
	if s.net.released != nil {
		s.net.released(s)
	}
}

// DropRights takes out of the receive queue every buffer whose descriptors
// hit says to drop, and frees it, releasing them; a listener's pending
// connections have theirs taken out of their own queues. This is what
// Linux's unix_gc does with the messages that hold garbage. Releasing the
// descriptors may close sockets, s itself among them, so every buffer is
// taken out before any is freed.
func (s *Socket) DropRights(hit func(Rights) bool) {
	for _, d := range s.takeRights(hit, nil) {
		d.s.free(d.b)
	}
}

// A takenBuffer is a buffer DropRights took out of s's queue.
type takenBuffer struct {
	s *Socket
	b *buffer
}

// takeRights unlinks the buffers DropRights drops and appends them to taken.
func (s *Socket) takeRights(hit func(Rights) bool, taken []takenBuffer) []takenBuffer {
	kept := s.recvq[:0]
	for _, b := range s.recvq {
		if b.conn != nil {
			taken = b.conn.takeRights(hit, taken)
		}
		if b.ctl.Rights != nil && hit(b.ctl.Rights) {
			s.recvLen -= b.unread()
			taken = append(taken, takenBuffer{s, b})
			continue
		}
		kept = append(kept, b)
	}
	clear(s.recvq[len(kept):])
	s.recvq = kept
	return taken
}

// purge throws away the receive queue.
func (s *Socket) purge() {
	q := s.recvq
	s.recvq, s.recvLen = nil, 0
	for _, b := range q {
		s.free(b)
	}
}

// free gives a buffer's true size back to its sender, and releases the
// descriptors it still carries. The buffer is recycled: the caller must
// not touch it afterwards.
func (s *Socket) free(b *buffer) {
	if b.ctl.Rights != nil {
		b.ctl.Rights.Release()
		b.ctl.Rights = nil
	}
	if b.from != nil && b.truesize > 0 {
		b.from.wmem -= b.truesize
		b.from.writeSpace()
	}
	if b.conn == nil {
		s.net.recycle(b)
	}
}

// writeSpace is unix_write_space: writers sleeping for their own send
// buffer are woken once it is writable again (a quarter used, or less).
func (s *Socket) writeSpace() {
	if s.writable() {
		s.notify(abi.POLLOUT | abi.POLLWRNORM | abi.POLLWRBAND)
	}
}

// writable is unix_writable: not a listener, and at most a quarter of the
// send buffer in use (sk_wmem_alloc counts one for the socket itself).
func (s *Socket) writable() bool {
	return s.state != Listening && (s.wmem+1)*4 <= s.sndbuf
}

// relayPeerWake tells the datagram sockets connected to s, which may wait
// (or poll) for room in its queue, that the room may have come
// (unix_dgram_peer_wake_relay).
func (s *Socket) relayPeerWake() {
	for _, o := range s.net.sockets {
		if o.peer == s && o != s && s.peer != o {
			o.notify(abi.POLLOUT | abi.POLLWRNORM | abi.POLLWRBAND)
		}
	}
}

// Pending returns a listener's connections not yet accepted, oldest first.
func (s *Socket) Pending() []*Socket {
	var out []*Socket
	for _, b := range s.recvq {
		if b.conn != nil {
			out = append(out, b.conn)
		}
	}
	return out
}

// Queued returns the bytes and messages (buffers) in the receive queue.
func (s *Socket) Queued() (bytes, msgs int) {
	if s.state == Listening {
		return 0, 0
	}
	return s.recvLen, len(s.recvq)
}

// InFlight returns how many descriptors the messages queued at s carry.
func (s *Socket) InFlight() int {
	n := 0
	for _, b := range s.recvq {
		if b.ctl.Rights != nil {
			n += b.ctl.Rights.Count()
		}
	}
	return n
}

// FirstLen returns the unread bytes of the first message (FIONREAD on a
// datagram socket), or 0.
func (s *Socket) FirstLen() int {
	if len(s.recvq) == 0 || s.state == Listening {
		return 0
	}
	return s.recvq[0].unread()
}

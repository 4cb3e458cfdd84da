package tcp

import (
	"net/netip"
	"slices"

	"ipcsim/abi"
	"ipcsim/sched"
)

// ListenerEnv is what a Listener needs from the stack.
type ListenerEnv interface {
	// Output sends seg to the remote address to: the RSTs the listener
	// answers stray segments with.
	Output(seg *Segment, to netip.AddrPort)
	// Event reports something the trace should show.
	Event(e Event)
	// Notify says the accept queue changed (a connection to accept).
	Notify()
	// NewChild is asked for the Env and the ISS of a connection a SYN
	// from remote opens. c is the new Conn, not yet started, so the Env
	// can deliver its timer expiries to it; the stack may also register
	// c under its four-tuple now and route later segments straight to
	// it. ok false refuses the connection (the SYN is dropped).
	NewChild(remote netip.AddrPort, c *Conn) (env Env, iss uint32, ok bool)
}

// Listener is a listening port with its two queues, as Linux keeps them
// (listen(2), net/ipv4/inet_connection_sock.c): the SYN queue of
// connections in SYN-RECEIVED and the accept queue of connections that
// completed the handshake and wait for accept.
//
// Demultiplexing: the stack looks a segment up by its four-tuple first
// (a Conn it registered from NewChild, or one Accept returned), and gives
// it to the Listener of the port only when no connection matches.
// Listener.Input also finds its own children by remote address and port,
// so a stack that registers nothing before Accept works the same. A
// child reports CLOSED through a StateChange event of its Env; the stack
// forgets it then.
type Listener struct {
	env     ListenerEnv
	cfg     Config
	port    uint16
	backlog int     // listen's backlog: the accept queue holds backlog+1
	synQ    []*Conn // children in SYN-RECEIVED, oldest first
	acceptQ []*Conn // children that completed the handshake, oldest first
	closed  bool    // Close was called: no more connections
}

// NewListener returns a listener on port whose children get cfg.
func NewListener(env ListenerEnv, cfg Config, port uint16, backlog int) *Listener {
	return &Listener{env: env, cfg: cfg.sane(), port: port, backlog: max(backlog, 0)}
}

// Port returns the listening port.
func (l *Listener) Port() uint16 { return l.port }

// Backlog returns listen's backlog; SetBacklog changes it (a second
// listen(2) on a listening socket).
func (l *Listener) Backlog() int     { return l.backlog }
func (l *Listener) SetBacklog(n int) { l.backlog = max(n, 0) }

// Pending returns the connections waiting for accept (ss Recv-Q of a
// listener); SynQueueLen those still in the handshake.
func (l *Listener) Pending() int     { return len(l.acceptQ) }
func (l *Listener) SynQueueLen() int { return len(l.synQ) }

// acceptQueueFull is Linux's sk_acceptq_is_full: "sk_ack_backlog >
// sk_max_ack_backlog", so the queue holds backlog+1 connections.
func (l *Listener) acceptQueueFull() bool { return len(l.acceptQ) > l.backlog }

// minSynQueue is the least room in the SYN queue.
const minSynQueue = 64

// synQueueFull bounds the SYN queue. Linux bounds its request queue by
// the backlog but, with SYN cookies on (tcp_syncookies = 1, the default),
// answers SYNs beyond it all the same, so only the accept queue really
// limits a listener; here the SYN queue holds max(backlog+1, 64) to keep
// memory bounded, which a test or a scenario rarely reaches.
func (l *Listener) synQueueFull() bool { return len(l.synQ) >= max(l.backlog+1, minSynQueue) }

// Child returns the connection from remote the listener holds (in either
// queue), or nil.
func (l *Listener) Child(remote netip.AddrPort) *Conn {
	for _, q := range [][]*Conn{l.synQ, l.acceptQ} {
		for _, c := range q {
			if c.remote == remote && c.state != Closed {
				return c
			}
		}
	}
	return nil
}

// Input processes a segment to the listening port from remote: its
// child's if it has one, else RFC 9293 3.10.7.2, "If the state is
// LISTEN".
func (l *Listener) Input(seg *Segment, remote netip.AddrPort) {
	if seg == nil {
		return
	}
	if c := l.Child(remote); c != nil {
		c.Input(seg)
		return
	}
	f := seg.Flags
	switch {
	case f&RST != 0:
		// "first check for an RST: An incoming RST segment could not
		// be valid since it could not have been sent in response to
		// anything sent by this incarnation of the connection. An
		// incoming RST should be ignored."
		l.drop(seg, "RST to a listener")
	case f&ACK != 0:
		// "second check for an ACK: Any acknowledgment is bad if it
		// arrives on a connection still in the LISTEN state. An
		// acceptable reset segment should be formed for any arriving
		// ACK-bearing segment. The RST should be formatted as follows:
		// <SEQ=SEG.ACK><CTL=RST>"
		l.env.Event(Event{Kind: ResetSent, Text: "ACK to a listener: " + seg.String()})
		l.env.Output(ResetFor(seg), remote)
	case f&SYN != 0 && f&FIN == 0:
		// "third check for a SYN" (Linux discards SYN|FIN).
		l.syn(seg, remote)
	default:
		// "fourth other text or control: ... drop the segment and
		// return."
		l.drop(seg, "neither SYN nor ACK to a listener")
	}
}

func (l *Listener) drop(seg *Segment, why string) {
	l.env.Event(Event{Kind: Dropped, Text: why + ": " + seg.String()})
}

// syn opens a child for a SYN, unless a queue is full.
func (l *Listener) syn(seg *Segment, remote netip.AddrPort) {
	if l.closed {
		l.drop(seg, "SYN to a closed listener")
		return
	}
	// Linux tcp_conn_request: "if (sk_acceptq_is_full(sk)) {
	// NET_INC_STATS(sock_net(sk), LINUX_MIB_LISTENOVERFLOWS); goto drop; }"
	// The client's SYN is retransmitted after 1 s, 3 s, ...
	if l.acceptQueueFull() || l.synQueueFull() {
		l.env.Event(Event{Kind: ListenOverflow, Text: "listen queue full: SYN dropped: " + seg.String()})
		return
	}
	c := newConn(l.cfg, l.port, seg.SrcPort)
	c.remote = remote
	env, iss, ok := l.env.NewChild(remote, c)
	if !ok || env == nil {
		l.drop(seg, "connection refused by the stack")
		return
	}
	c.env = env
	c.listener = l
	l.synQ = append(l.synQ, c)
	c.passiveOpen(seg, iss)
}

// childChanged moves a child between the queues when its state changes:
// ESTABLISHED (or on, if the peer's FIN came with the ACK) to the accept
// queue; a child that dies in the SYN queue is forgotten ("return to
// LISTEN", RFC 9293 3.10.7.4). A child that dies in the accept queue
// stays there: accept returns it and its first read reports the error,
// as on Linux.
func (l *Listener) childChanged(c *Conn) {
	i := slices.Index(l.synQ, c)
	if i < 0 {
		return
	}
	switch {
	case c.state == Closed:
		l.synQ = slices.Delete(l.synQ, i, i+1)
	case c.state.synchronized():
		l.synQ = slices.Delete(l.synQ, i, i+1)
		l.acceptQ = append(l.acceptQ, c)
		l.env.Notify()
	}
}

// Accept takes the oldest connection that completed its handshake; it
// then belongs to the caller alone. ErrWouldBlock when none waits;
// EINVAL after Close.
func (l *Listener) Accept() (*Conn, error) {
	if l.closed {
		return nil, abi.EINVAL
	}
	if len(l.acceptQ) == 0 {
		return nil, ErrWouldBlock
	}
	c := l.acceptQ[0]
	l.acceptQ = slices.Delete(l.acceptQ, 0, 1)
	c.listener = nil
	return c, nil
}

// Readiness is POLLIN when a connection waits for accept.
func (l *Listener) Readiness() sched.EventMask {
	if len(l.acceptQ) > 0 {
		return abi.POLLIN | abi.POLLRDNORM
	}
	return 0
}

// Close stops listening. As Linux's inet_csk_listen_stop, connections in
// the handshake are dropped and those waiting for accept are reset.
func (l *Listener) Close() {
	if l.closed {
		return
	}
	l.closed = true
	syn, acc := l.synQ, l.acceptQ
	l.synQ, l.acceptQ = nil, nil
	for _, c := range syn {
		c.listener = nil
		c.setState(Closed)
	}
	for _, c := range acc {
		c.listener = nil
		c.Abort()
	}
	l.env.Notify()
}

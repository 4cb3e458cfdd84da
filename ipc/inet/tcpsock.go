package inet

import (
	"errors"
	"io"
	"net/netip"
	"slices"

	"ipcsim/abi"
	"ipcsim/ipc/inet/tcp"
	"ipcsim/sched"
)

// TCP sockets: a socket and its tcp.Conn, the glue between them, and the
// routing of segments to connections.

// conn is one TCP connection of this host: the state machine, the socket
// it belongs to (nil for a connection on a listener's queues not yet
// accepted, and again once the socket is closed: an orphan finishing its
// FIN handshake or waiting in TIME-WAIT), and its timers. It is the
// machine's tcp.Env.
type conn struct {
	st     *Stack
	tc     *tcp.Conn
	sock   *Socket
	key    fourTuple
	parent *Socket // the listener, while the connection waits to be accepted
	timers connTimers
	gone   bool // removed from the routing table
	sndbuf int  // the send buffer's size once grown (expandSndbuf), for the socket accept makes
	holder bool // an orphan: a placeholder socket holds its port in the bind table
}

func (c *conn) Now() uint64 { return c.st.cfg.Now() }

// Output puts seg in a packet as it is: the Conn keeps nothing of it and
// never reuses its data (tcp.Env), so there is nothing to copy (fast path).
// A packet round the loopback is one the stack keeps for reuse.
func (c *conn) Output(seg *tcp.Segment) {
	s, dst := c.st, c.key.remote.Addr()
	if !s.isLocal(dst) {
		s.send(c.sockID(), &Packet{Src: c.key.local.Addr(), Dst: dst, TCP: seg})
		return
	}
	p := s.sparePacket()
	p.Src, p.Dst, p.TCP, p.spare = c.key.local.Addr(), dst, seg, true
	s.send(c.sockID(), p)
}

func (c *conn) SetTimer(t tcp.Timer, at uint64) { c.st.timers.set(c, t, at) }
func (c *conn) StopTimer(t tcp.Timer)           { c.st.timers.stop(c, t) }

func (c *conn) Event(e tcp.Event) {
	c.st.trace(Event{Kind: EventTCP, Socket: c.sockID(), Text: c.key.local.String() + " > " + c.key.remote.String() + ": " + e.Text, TCP: e.Kind})
	if e.Kind == tcp.StateChange && e.To == tcp.Established {
		c.expandSndbuf()
	}
}

func (c *conn) Notify() {
	if c.sock != nil {
		c.sock.notify()
	}
	if c.parent != nil {
		c.parent.notify()
	}
}

func (c *conn) sockID() int {
	if c.sock != nil {
		return c.sock.ID
	}
	if c.parent != nil {
		return c.parent.ID
	}
	return 0
}

// fire runs a timer of the connection, then lets the connection go if it
// has ended.
func (c *conn) fire(t tcp.Timer) {
	c.tc.Fire(t)
	c.reap()
}

func (c *conn) established() bool {
	switch c.tc.State() {
	case tcp.SynSent, tcp.SynReceived, tcp.Listen:
		return false
	}
	return true
}

func (c *conn) inTimeWait() bool { return c.tc.State() == tcp.TimeWait }

func (c *conn) takeError() abi.Errno {
	err := c.tc.TakeErr()
	if err == nil {
		return 0 // the usual case, without errors.As (fast path)
	}
	var e abi.Errno
	if errors.As(err, &e) {
		return e
	}
	return 0
}

// reap removes a connection that reached CLOSED from the routing table,
// and, if its socket is closed too, gives back its port and timers.
func (c *conn) reap() {
	if c.tc.State() != tcp.Closed || c.gone {
		return
	}
	c.gone = true
	delete(c.st.conns, c.key)
	c.st.timers.stopAll(c)
	if c.sock == nil && c.parent == nil {
		c.st.unholdConn(c)
	}
}

// A listener is a listening socket: the tcp.Listener with its SYN and
// accept queues, and this host's record of each child connection.
type listener struct {
	sk       *Socket
	l        *tcp.Listener
	children map[*tcp.Conn]*conn // looked up, never iterated
}

// The listener is its tcp.Listener's environment.
func (l *listener) Output(seg *tcp.Segment, to netip.AddrPort) {
	s := *seg
	s.Data = append([]byte(nil), seg.Data...)
	l.sk.st.send(l.sk.ID, &Packet{Src: l.sk.st.inputDst, Dst: to.Addr(), TCP: &s})
}

func (l *listener) Event(e tcp.Event) {
	l.sk.st.trace(Event{Kind: EventTCP, Socket: l.sk.ID, Text: "listener " + l.sk.local.String() + ": " + e.Text, TCP: e.Kind})
}

func (l *listener) Notify() { l.sk.notify() }

// NewChild makes this host's connection for a SYN from remote to the
// address the SYN was sent to, and routes later segments straight to it.
func (l *listener) NewChild(remote netip.AddrPort, c *tcp.Conn) (tcp.Env, uint32, bool) {
	st := l.sk.st
	key := fourTuple{netip.AddrPortFrom(st.inputDst, l.sk.local.Port()), remote}
	if _, busy := st.conns[key]; busy {
		return nil, 0, false
	}
	c.SetMSS(st.mssFor(remote.Addr()))
	ch := &conn{st: st, tc: c, parent: l.sk, key: key}
	st.conns[key] = ch
	l.children[c] = ch
	return ch, st.rng.Uint32(), true
}

// ConnectStateTCP is the part of connect(2) that the socket's state answers
// before the address is looked at: __inet_stream_connect switches on the
// state first, and tcp_v4_connect reads the address only for a new
// attempt. It returns ok for a socket that may connect anew, else the
// answer (EISCONN, EALREADY, the failed attempt's error, *Blocked, or nil
// for an attempt that has just succeeded).
func (sk *Socket) ConnectStateTCP(again bool) (ok bool, err error) {
	switch {
	case sk.lst != nil:
		return false, abi.EISCONN // inet_stream_connect: sk_state is not TCP_CLOSE
	case sk.state == connected:
		return false, abi.EISCONN
	case sk.state == disconnecting:
		return false, abi.EINVAL // __inet_stream_connect: "default: err = -EINVAL"
	case sk.state == connecting:
		c := sk.conn
		switch {
		case c.tc.State() == tcp.Closed:
			// The attempt failed: "sock_error(sk) ? : -ECONNABORTED",
			// and tcp_disconnect makes the socket as new.
			e := c.takeError()
			sk.disconnect()
			if e != 0 {
				return false, e
			}
			return false, abi.ECONNABORTED
		case c.established():
			sk.state = connected
			return false, nil
		case again:
			return false, sk.blocked(abi.POLLOUT|abi.POLLERR|abi.POLLHUP, "connection in progress (SYN-SENT)")
		}
		return false, abi.EALREADY
	case sk.conn != nil:
		// A connection that has ended (reset, timed out): as Linux
		// allows, the socket connects anew.
		sk.disconnect()
	case sk.listenEnded:
		return false, abi.EINVAL
	}
	return true, nil
}

// ConnectTCP starts or continues a connect (connect(2)). again says the
// caller is the same connect call, woken: it waits on, where a new call
// would get EALREADY. The first call returns *Blocked after sending the
// SYN: the caller sleeps, or says EINPROGRESS if it must not.
func (sk *Socket) ConnectTCP(addr netip.AddrPort, again bool) error {
	if ok, err := sk.ConnectStateTCP(again); !ok {
		return err
	}
	dst := udpDest(addr)
	src, err := sk.st.sourceFor(dst.Addr())
	if err != nil {
		return err
	}
	if a := sk.local.Addr(); sk.bound && a != netip.IPv4Unspecified() {
		src = a
	}
	if err := sk.autobind(true); err != nil {
		return err
	}
	key := fourTuple{netip.AddrPortFrom(src, sk.local.Port()), dst}
	if _, busy := sk.st.conns[key]; busy {
		return abi.EADDRNOTAVAIL // the four addresses are in use (a TIME-WAIT)
	}
	sk.local, sk.remote = key.local, dst
	c := sk.st.newConn(sk, key)
	if sk.MaxSeg != 0 {
		c.tc.SetMSS(min(sk.MaxSeg, sk.st.mssFor(dst.Addr())))
	}
	sk.conn, sk.state = c, connecting
	c.tc.Connect(sk.st.rng.Uint32())
	sk.st.flush()
	return sk.blocked(abi.POLLOUT|abi.POLLERR|abi.POLLHUP, "connection in progress (SYN-SENT)")
}

// newConn makes a connection for sk (nil for one a listener makes) and
// routes the four addresses to it.
func (s *Stack) newConn(sk *Socket, key fourTuple) *conn {
	c := &conn{st: s, sock: sk, key: key}
	cfg := s.tcpCfg
	if sk != nil {
		sk.applyOptions(&cfg)
	}
	c.tc = tcp.NewConn(c, cfg, key.local.Port(), key.remote.Port())
	c.tc.SetMSS(s.mssFor(key.remote.Addr()))
	s.conns[key] = c
	return c
}

// The MSS of a route: its MTU less 40 bytes of IPv4 and TCP headers.
// Linux's loopback has an MTU of 65536 and advertises 65495 in its SYNs
// (tcp.LoopbackMSS, 65483, is what it then sends with timestamps, which
// this TCP does not use); the simulated links carry Ethernet's 1500.
const loopbackMSS = 65495

// mssFor is the MSS of the route to dst.
func (s *Stack) mssFor(dst netip.Addr) uint16 {
	if s.isLocal(dst) {
		return loopbackMSS
	}
	return tcp.EthernetMSS
}

// applyOptions puts the socket's options into a connection's
// configuration.
func (sk *Socket) applyOptions(cfg *tcp.Config) {
	cfg.NoDelay = sk.NoDelay
	cfg.KeepAlive = sk.KeepAlive
	if sk.KeepIdle != 0 {
		cfg.KeepIdle = sk.KeepIdle
	}
	if sk.KeepIntvl != 0 {
		cfg.KeepIntvl = sk.KeepIntvl
	}
	if sk.KeepCnt != 0 {
		cfg.KeepCnt = sk.KeepCnt
	}
	cfg.SndBuf, cfg.RcvBuf = sk.sndbuf/2, sk.rcvbuf/2
}

// A socket's buffer sizes count the bytes and Linux's bookkeeping of
// them (sk_buff truesize): half is what the connection holds of data, as
// setsockopt's doubling assumes ("The kernel doubles this value (to allow
// space for bookkeeping overhead)" - socket(7)).

// Linux grows the send buffer of an established connection unless the
// user set SO_SNDBUF (tcp_sndbuf_expand): room for twice the initial
// window of full segments, each counted as its sk_buff's true size.
const (
	maxTCPHeader = 320     // MAX_TCP_HEADER
	skbShinfo    = 320     // SKB_DATA_ALIGN(sizeof(struct skb_shared_info))
	skbStruct    = 256     // SKB_DATA_ALIGN(sizeof(struct sk_buff))
	tcpWmemMax   = 4194304 // tcp_wmem[2]
)

// expandSndbuf is tcp_sndbuf_expand at the end of the handshake:
// 2 x max(10, cwnd) x (the segment's true size), 87040 bytes for an
// Ethernet MSS, 2626560 on the loopback.
func (c *conn) expandSndbuf() {
	sk := c.sock
	if sk == nil {
		sk = c.parent
	}
	if sk == nil || sk.userSndbuf {
		return
	}
	info := c.tc.Info()
	perMSS := 1
	for perMSS < info.MSS+maxTCPHeader+skbShinfo {
		perMSS <<= 1 // roundup_pow_of_two
	}
	perMSS += skbStruct
	mem := min(2*max(10, info.Cwnd)*perMSS, tcpWmemMax)
	c.sndbuf = max(c.sndbuf, mem)
	if c.sock != nil {
		c.sock.sndbuf = max(c.sock.sndbuf, mem)
	}
	c.tc.SetBuffers(c.sndbuf/2, 0)
}

// SendTCP writes data into the connection (send(2) on a stream): as much
// as the send buffer takes; *Blocked when it takes nothing. EPIPE when
// the socket cannot send (never connected, shut for writing, or the
// connection has ended): the caller raises SIGPIPE unless MSG_NOSIGNAL.
func (sk *Socket) SendTCP(data []byte) (int, error) {
	c := sk.conn
	if e := sk.err; e != 0 {
		sk.err = 0 // sk_stream_wait_connect: "if (sk->sk_err) return sock_error(sk)"
		return 0, e
	}
	if c == nil || sk.lst != nil {
		return 0, abi.EPIPE // sk_stream_wait_connect: not SYN-SENT or SYN-RECV
	}
	if e := c.takeError(); e != 0 {
		return 0, e
	}
	if sk.shutdown&SendShutdown != 0 {
		return 0, abi.EPIPE
	}
	if !c.established() {
		return 0, sk.blocked(abi.POLLOUT|abi.POLLERR|abi.POLLHUP, "connection in progress")
	}
	n, err := c.tc.Write(data)
	sk.st.flush()
	if errors.Is(err, tcp.ErrWouldBlock) {
		if n > 0 {
			return n, nil
		}
		return 0, sk.blocked(abi.POLLOUT|abi.POLLERR|abi.POLLHUP, "send buffer full")
	}
	return n, err
}

// RecvTCP reads at most max bytes (recv(2) on a stream); with MSG_PEEK
// they stay. (0, nil) is the end of the stream.
//
// The Received, and its Data, of a read of at most recvKeep bytes are the
// socket's own: they hold until its next read.
func (sk *Socket) RecvTCP(max, flags int) (*Received, error) {
	c := sk.conn
	if c == nil && sk.lst == nil && sk.shutdown&RcvShutdown != 0 {
		// tcp_recvmsg tests RCV_SHUTDOWN before TCP_CLOSE: a socket never
		// connected but shut for reading (shutdown says ENOTCONN, yet
		// sets the bit) reads the end of the stream.
		return &Received{}, nil
	}
	if c == nil || sk.lst != nil {
		return nil, abi.ENOTCONN // "This occurs when user tries to read from never connected socket"
	}
	if sk.shutdown&RcvShutdown != 0 {
		// shutdown(SHUT_RD): reads end at once (tcp_recvmsg: RCV_SHUTDOWN,
		// which it tests after the queued data and a pending error, and
		// before TCP_CLOSE's ENOTCONN).
		r, err := sk.recvBuffered(max, flags)
		if _, blocked := err.(*Blocked); blocked || err == abi.ENOTCONN {
			return &Received{}, nil // nothing queued: the end
		}
		return r, err
	}
	if !c.established() && c.tc.State() != tcp.Closed {
		return nil, sk.blocked(abi.POLLIN|abi.POLLERR|abi.POLLHUP, "connection in progress")
	}
	return sk.recvBuffered(max, flags)
}

// recvKeep is the largest read whose buffer and Received the socket keeps
// for its next read.
const recvKeep = 4096

func (sk *Socket) recvBuffered(max, flags int) (*Received, error) {
	// A small read fills the socket's own buffer and Received, kept from
	// one read to the next (fast path: a ping-pong's read allocates
	// nothing); the caller is done with both before it reads again.
	var buf []byte
	if max <= recvKeep {
		if sk.rbuf == nil {
			sk.rbuf = make([]byte, recvKeep)
		}
		buf = sk.rbuf[:max]
	} else {
		buf = make([]byte, max)
	}
	n, err := sk.conn.tc.Read(buf, flags&abi.MSG_PEEK != 0)
	sk.st.flush()
	switch {
	case n > 0 && max <= recvKeep:
		sk.recvd = Received{Data: buf[:n], Len: n, From: sk.remote}
		return &sk.recvd, nil
	case n > 0:
		return &Received{Data: buf[:n], Len: n, From: sk.remote}, nil
	case err == io.EOF:
		return &Received{From: sk.remote}, nil
	case errors.Is(err, tcp.ErrWouldBlock):
		return nil, sk.blocked(abi.POLLIN|abi.POLLERR|abi.POLLHUP|abi.POLLRDHUP, "no data received")
	case err != nil:
		return nil, err
	}
	return &Received{Data: buf[:0], From: sk.remote}, nil
}

// ShutdownTCP is shutdown(2): SHUT_WR sends FIN after the queued data
// (the connection is half closed), SHUT_RD makes reads end. ENOTCONN on a
// socket that is not connected.
func (sk *Socket) ShutdownTCP(how int) error {
	c := sk.conn
	if sk.lst != nil {
		// inet_shutdown on a listener: SHUT_WR changes nothing; SHUT_RD
		// disconnects it (tcp_disconnect).
		if how&RcvShutdown != 0 {
			sk.endListening()
		}
		return nil
	}
	if sk.state == connecting {
		// inet_shutdown: a socket whose connect is in progress, or
		// failed before a call saw it, becomes SS_DISCONNECTING; one
		// whose connection is up, SS_CONNECTED.
		switch c.tc.State() {
		case tcp.SynSent, tcp.SynReceived, tcp.Closed:
			sk.state = disconnecting
		default:
			sk.state = connected
		}
	}
	if c != nil && c.tc.State() == tcp.SynSent {
		// ... and one in SYN_SENT it disconnects (tcp_disconnect: no
		// RST, the error ECONNRESET), which makes it SS_UNCONNECTED.
		c.tc.Abort()
		sk.st.flush()
		sk.disconnect()
		sk.err = abi.ECONNRESET
		sk.notify()
		return nil
	}
	if c == nil || sk.state == unconnected || c.tc.State() == tcp.Closed || c.tc.State() == tcp.TimeWait {
		// inet_shutdown in TCP_CLOSE (never connected, refused, reset, or
		// ended: a socket whose connection waits in TIME-WAIT is CLOSE
		// itself): ENOTCONN, but it sets the bits all the same ("Hack to
		// wake up other listeners"): reads then end.
		sk.shutdown |= how
		sk.notify()
		return abi.ENOTCONN
	}
	sk.shutdown |= how
	if how&SendShutdown != 0 {
		c.tc.Shutdown()
		sk.st.flush()
	}
	sk.notify()
	return nil
}

// Listen makes the socket a listener (listen(2)) with a backlog of n
// (already capped at somaxconn): "EADDRINUSE Another socket is already
// listening on the same port"; EINVAL if the socket is connected. An
// unbound socket gets an ephemeral port. A second listen only changes the
// backlog.
func (sk *Socket) Listen(n int) error {
	if sk.lst != nil {
		sk.lst.l.SetBacklog(n)
		return nil
	}
	if sk.conn != nil || sk.state != unconnected || sk.connectEnded {
		return abi.EINVAL
	}
	if sk.bound && sk.st.conflict(sk, sk.local) {
		return abi.EADDRINUSE
	}
	if err := sk.autobind(false); err != nil {
		return err
	}
	cfg := sk.st.tcpCfg
	sk.applyOptions(&cfg)
	sk.lst = &listener{sk: sk, children: map[*tcp.Conn]*conn{}}
	sk.lst.l = tcp.NewListener(sk.lst, cfg, sk.local.Port(), n)
	sk.notify()
	return nil
}

// Backlog is a listener's backlog and its queues' lengths.
func (sk *Socket) Backlog() (backlog, syn, accept int) {
	if sk.lst == nil {
		return 0, 0, 0
	}
	return sk.lst.l.Backlog(), sk.lst.l.SynQueueLen(), sk.lst.l.Pending()
}

// Accept takes the oldest connection ready on a listener (accept(2)):
// EINVAL if the socket does not listen, *Blocked if none is ready.
func (sk *Socket) Accept() (*Socket, error) {
	l := sk.lst
	if l == nil {
		return nil, abi.EINVAL
	}
	tc, err := l.l.Accept()
	if errors.Is(err, tcp.ErrWouldBlock) {
		return nil, sk.blocked(abi.POLLIN|abi.POLLERR|abi.POLLHUP, "no connection to accept")
	}
	if err != nil {
		return nil, err
	}
	c := l.children[tc]
	delete(l.children, tc)
	ns := sk.st.newSocket(abi.SOCK_STREAM)
	ns.local, ns.remote = c.key.local, c.key.remote
	ns.conn, ns.state = c, connected
	ns.sndbuf, ns.rcvbuf = max(sk.sndbuf, c.sndbuf), sk.rcvbuf
	ns.userSndbuf = sk.userSndbuf
	ns.NoDelay, ns.KeepAlive, ns.ReuseAddr = sk.NoDelay, sk.KeepAlive, sk.ReuseAddr
	ns.KeepIdle, ns.KeepIntvl, ns.KeepCnt = sk.KeepIdle, sk.KeepIntvl, sk.KeepCnt
	c.sock, c.parent = ns, nil
	sk.st.hold(ns) // the accepted socket shares the listener's port (inet_inherit_port)
	sk.notify()
	return ns, nil
}

// stopListening closes a listener: connections in the handshake are
// dropped and those waiting for accept reset (inet_csk_listen_stop).
func (sk *Socket) stopListening() {
	l := sk.lst
	sk.lst = nil
	l.l.Close()
	sk.st.flush()
	var kids []*conn
	for _, c := range l.children {
		kids = append(kids, c)
	}
	slices.SortFunc(kids, func(a, b *conn) int { return a.key.remote.Compare(b.key.remote) })
	for _, c := range kids {
		c.parent = nil
		if c.tc.State() != tcp.Closed {
			c.tc.Abort()
		}
		c.reap()
		if !c.gone { // a child the listener let go of without closing
			c.gone = true
			delete(sk.st.conns, c.key)
			sk.st.timers.stopAll(c)
		}
	}
	sk.st.flush()
}

// endListening is tcp_disconnect of a listener (shutdown for reading,
// connect(AF_UNSPEC)): it stops listening, and the socket is as new but
// for what bind chose (disconnect: its shutdown bits cleared, a port the
// kernel chose given back), and for connect, which says EINVAL from then
// on. Linux 6.18 says so (testdata/linux/inet_shutdown, checked natively
// on x86-64 too), though we did not find the line of the kernel that does.
func (sk *Socket) endListening() {
	sk.stopListening()
	sk.disconnect()
	sk.listenEnded = true
}

// closeTCP is the last close of a TCP socket. The connection goes on
// without it (an orphan) until its FIN handshake and TIME-WAIT end; with
// unread data, or SO_LINGER with a zero timeout, it is reset instead
// (tcp_close).
func (sk *Socket) closeTCP() {
	if sk.lst != nil {
		sk.stopListening()
	}
	c := sk.conn
	if c == nil {
		sk.st.unhold(sk)
		return
	}
	c.sock = nil
	sk.st.unhold(sk)
	if !c.gone {
		sk.st.hold(&Socket{Type: abi.SOCK_STREAM, local: c.key.local, conn: c, st: sk.st, ReuseAddr: sk.ReuseAddr}) // the orphan keeps the port
		c.holder = true
	}
	if sk.Linger && sk.LingerSec == 0 {
		c.tc.Abort()
	} else {
		c.tc.Close()
	}
	c.reap()
	sk.st.flush()
}

// unholdConn gives back the port an orphan held.
func (s *Stack) unholdConn(c *conn) {
	if !c.holder {
		return
	}
	c.holder = false
	k := portKey{abi.IPPROTO_TCP, c.key.local.Port()}
	list := s.ports[k]
	for i, o := range list {
		if o.conn == c && o.ID == 0 {
			list = append(list[:i], list[i+1:]...)
			break
		}
	}
	if len(list) == 0 {
		delete(s.ports, k)
	} else {
		s.ports[k] = list
	}
}

func (sk *Socket) tcpReadiness() sched.EventMask {
	if sk.lst != nil {
		return sk.lst.l.Readiness()
	}
	c := sk.conn
	if c == nil {
		// tcp_poll of a socket never connected: CLOSE, so HUP, and
		// writable.
		ev := sched.EventMask(abi.POLLOUT | abi.POLLWRNORM | abi.POLLHUP)
		if sk.err != 0 {
			ev |= abi.POLLERR
		}
		if sk.shutdown&RcvShutdown != 0 { // shutdown set it (and said ENOTCONN)
			ev |= abi.POLLIN | abi.POLLRDNORM | abi.POLLRDHUP
		}
		return ev
	}
	ev := sched.EventMask(c.tc.Readiness())
	if sk.shutdown&RcvShutdown != 0 {
		ev |= abi.POLLIN | abi.POLLRDNORM | abi.POLLRDHUP
	}
	if sk.shutdown == RcvShutdown|SendShutdown {
		ev |= abi.POLLHUP // "sk->sk_shutdown == SHUTDOWN_MASK"
	}
	return ev
}

// inputTCP routes a segment: to its connection, else to a listener on
// the port, else it is answered with RST (RFC 9293 3.10.7.1: "If the
// state is CLOSED (i.e., TCB does not exist) ... An incoming segment not
// containing a RST causes a RST to be sent in response").
func (s *Stack) inputTCP(p *Packet) {
	seg := p.TCP
	key := fourTuple{netip.AddrPortFrom(p.Dst, seg.DstPort), netip.AddrPortFrom(p.Src, seg.SrcPort)}
	if c, ok := s.conns[key]; ok {
		s.trace(Event{Kind: EventReceive, Socket: c.sockID(), Packet: p})
		c.tc.Input(seg)
		c.reap()
		if p.spare {
			s.recycle(p, c.tc)
		}
		return
	}
	if l := s.listenerFor(key.local); l != nil {
		s.trace(Event{Kind: EventReceive, Socket: l.ID, Packet: p})
		s.inputDst = p.Dst
		l.lst.l.Input(seg, key.remote)
		return
	}
	s.trace(Event{Kind: EventDrop, Packet: p, Text: "no connection and no listener: answered with RST"})
	if seg.Flags&tcp.RST != 0 {
		return
	}
	s.send(0, &Packet{Src: p.Dst, Dst: p.Src, TCP: tcp.ResetFor(seg)})
}

// listenerFor finds the listener for a local address: one bound to it
// exactly before one bound to the wildcard.
func (s *Stack) listenerFor(local netip.AddrPort) *Socket {
	var wild *Socket
	for _, sk := range s.ports[portKey{abi.IPPROTO_TCP, local.Port()}] {
		if sk.lst == nil {
			continue
		}
		if sk.local.Addr() == local.Addr() {
			return sk
		}
		if sk.local.Addr() == netip.IPv4Unspecified() {
			wild = sk
		}
	}
	return wild
}

// Disconnect is connect(AF_UNSPEC) on a TCP socket: a listener stops
// listening; a connection is reset, the socket's error is ECONNRESET
// ("tcp_need_reset(old_state) ... sk->sk_err = ECONNRESET"), and it may
// connect again.
func (sk *Socket) Disconnect() error {
	if sk.lst != nil {
		sk.endListening()
		return nil
	}
	if c := sk.conn; c != nil {
		switch c.tc.State() {
		case tcp.Closed, tcp.SynSent, tcp.TimeWait, tcp.Listen:
		default:
			sk.err = abi.ECONNRESET
		}
		c.tc.Abort()
		sk.st.flush()
	}
	sk.disconnect()
	sk.notify()
	return nil
}

// disconnect is tcp_disconnect's end: the connection is let go, and the
// socket is as new but for what bind chose (its address and port, if
// bind gave them; an ephemeral port a connect took is given back).
func (sk *Socket) disconnect() {
	if c := sk.conn; c != nil {
		sk.connectEnded = true
		c.sock = nil
		c.reap()
		if !c.gone {
			c.gone = true
			delete(sk.st.conns, c.key)
			sk.st.timers.stopAll(c)
		}
	}
	sk.conn, sk.state, sk.remote, sk.shutdown = nil, unconnected, netip.AddrPort{}, 0
	if !sk.userAddr && sk.bound {
		sk.local = netip.AddrPortFrom(netip.IPv4Unspecified(), sk.local.Port())
	}
	if !sk.userPort && sk.bound {
		sk.st.unhold(sk)
		sk.local = netip.AddrPort{}
	}
}

// SetNoDelay is TCP_NODELAY: Nagle's algorithm off (or on again).
func (sk *Socket) SetNoDelay(on bool) {
	sk.NoDelay = on
	if sk.conn != nil {
		sk.conn.tc.SetNoDelay(on)
		sk.st.flush()
	}
}

// SetKeepAlive is SO_KEEPALIVE: probes on an idle connection.
func (sk *Socket) SetKeepAlive(on bool) {
	sk.KeepAlive = on
	if sk.conn != nil {
		sk.conn.tc.SetKeepAlive(on)
		sk.st.flush()
	}
}

// SetKeepaliveTimes is TCP_KEEPIDLE, TCP_KEEPINTVL and TCP_KEEPCNT (in
// ns; 0 leaves a setting as it is), for this socket and its connection.
func (sk *Socket) SetKeepaliveTimes(idle, intvl uint64, cnt int) {
	if idle != 0 {
		sk.KeepIdle = idle
	}
	if intvl != 0 {
		sk.KeepIntvl = intvl
	}
	if cnt != 0 {
		sk.KeepCnt = cnt
	}
	if sk.conn != nil {
		sk.conn.tc.SetKeepaliveTimes(idle, intvl, cnt)
		sk.st.flush()
	}
}

// MaxSegment is TCP_MAXSEG: the connection's MSS once it has one, else
// the value set, else TCP_MSS_DEFAULT (536), as tcp_getsockopt gives it
// before a connection.
func (sk *Socket) MaxSegment() int {
	if c := sk.conn; c != nil && c.established() {
		return c.tc.Info().MSS
	}
	if sk.MaxSeg != 0 {
		return int(sk.MaxSeg)
	}
	return tcp.DefaultSendMSS
}

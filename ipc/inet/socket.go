package inet

import (
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"ipcsim/ipc/inet/tcp"

	"ipcsim/abi"
	"ipcsim/sched"
)

// Buffer sizes of a new socket: net.core.wmem_default and rmem_default;
// for TCP, tcp_wmem[1] and tcp_rmem[1].
const (
	DefaultSndbuf = 212992
	DefaultRcvbuf = 212992
	TCPSndbuf     = 16384
	TCPRcvbuf     = 131072
	// MinSndbuf and MinRcvbuf are what SO_SNDBUF and SO_RCVBUF give at
	// least (SOCK_MIN_SNDBUF, SOCK_MIN_RCVBUF); MaxBuf is the most they
	// give (wmem_max and rmem_max, doubled as setsockopt doubles).
	MinSndbuf = 4608
	MinRcvbuf = 2304
	MaxBuf    = 2 * 212992
)

// sockState is what connect has made of a socket (struct socket's
// state, apart from the protocol's own).
type sockState int

const (
	unconnected sockState = iota
	connecting            // a TCP connect in progress (SS_CONNECTING)
	connected             // connected (SS_CONNECTED), or a UDP socket with a default peer
	// disconnecting: shut down while its connect was in progress or had
	// failed unseen (SS_DISCONNECTING, inet_shutdown): connect and listen
	// say EINVAL from then on.
	disconnecting
)

// A Socket is an IPv4 socket: TCP (SOCK_STREAM) or UDP (SOCK_DGRAM).
type Socket struct {
	ID    int
	Type  int // abi.SOCK_STREAM or abi.SOCK_DGRAM
	st    *Stack
	state sockState

	local  netip.AddrPort // the bound address; port 0 if unbound
	remote netip.AddrPort // the peer, if connected
	bound  bool           // the socket holds local's port in the bind table
	// userAddr and userPort: bind chose the address or the port
	// (SOCK_BINDADDR_LOCK, SOCK_BINDPORT_LOCK); a UDP disconnect keeps
	// them and drops what connect or a send chose.
	userAddr, userPort bool
	closed             bool // the last descriptor was closed
	// listenEnded: a shutdown or connect(AF_UNSPEC) ended the socket's
	// listening (endListening); connect says EINVAL from then on.
	// connectEnded: a connection or an attempt at one was let go
	// (disconnect); listen says EINVAL from then on. Linux 6.18 answers
	// so (testdata/linux/inet_shutdown, checked natively on x86-64 too);
	// we did not find the line of the kernel that does.
	listenEnded, connectEnded bool

	err      abi.Errno // a pending error (UDP: from ICMP), reported once
	shutdown int       // RcvShutdown | SendShutdown
	sndbuf   int       // sk_sndbuf
	rcvbuf   int       // sk_rcvbuf

	// Options set with setsockopt.
	ReuseAddr bool   // SO_REUSEADDR
	KeepAlive bool   // SO_KEEPALIVE (TCP)
	NoDelay   bool   // TCP_NODELAY
	Linger    bool   // SO_LINGER l_onoff
	LingerSec int32  // SO_LINGER l_linger
	KeepIdle  uint64 // TCP_KEEPIDLE, ns (0: the default)
	KeepIntvl uint64 // TCP_KEEPINTVL, ns (0: the default)
	KeepCnt   int    // TCP_KEEPCNT (0: the default)
	MaxSeg    uint16 // TCP_MAXSEG set by the user (0: the route's)

	userSndbuf bool // SO_SNDBUF was set: the kernel does not grow the send buffer

	// UDP: the receive queue, oldest first, and what it holds in bytes
	// charged against rcvbuf.
	rq      []datagram
	rqBytes int
	// lastSent names the last datagram SendUDP sent, for the trace.
	lastSent DatagramName

	// TCP: the connection, or the listener.
	conn *conn
	lst  *listener

	// Queue is where the socket's readers, writers, acceptors, connectors
	// and pollers wait.
	Queue sched.WaitQueue

	lastBlocked *Blocked // the last answer of blocked, reused for the same wait
	rbuf        []byte   // TCP: a small read's buffer, kept for the next (recvBuffered)
	recvd       Received // TCP: a small read's answer, kept for the next
}

// Shutdown bits (what shutdown(2) closed).
const (
	RcvShutdown  = 1
	SendShutdown = 2
)

// A Blocked error says the operation would block: sleep on Queue until
// one of Mask is notified, then try again. Reason says what is missing,
// for the trace.
type Blocked struct {
	Queue  *sched.WaitQueue
	Mask   sched.EventMask
	Reason string
}

func (b *Blocked) Error() string { return "inet: would block: " + b.Reason }

func (sk *Socket) blocked(mask sched.EventMask, reason string) *Blocked {
	// The same wait as the last one is answered with the same *Blocked,
	// which the kernel turns into the same sleep (fast path: a read of an
	// empty stream allocates nothing).
	if b := sk.lastBlocked; b != nil && b.Mask == mask && b.Reason == reason {
		return b
	}
	sk.lastBlocked = &Blocked{Queue: &sk.Queue, Mask: mask, Reason: reason}
	return sk.lastBlocked
}

// Local is the socket's name (getsockname): 0.0.0.0:0 if unbound.
func (sk *Socket) Local() netip.AddrPort {
	if !sk.local.IsValid() {
		return netip.AddrPortFrom(netip.IPv4Unspecified(), 0)
	}
	return sk.local
}

// Remote is the peer's name and whether there is one (getpeername:
// ENOTCONN without).
func (sk *Socket) Remote() (netip.AddrPort, bool) {
	if sk.Type == abi.SOCK_STREAM {
		// inet_getname: ENOTCONN in CLOSE and SYN-SENT; a socket whose
		// connection went to TIME-WAIT is CLOSE (the time-wait lives on
		// without it).
		c := sk.conn
		if c == nil {
			return netip.AddrPort{}, false
		}
		switch c.tc.State() {
		case tcp.Closed, tcp.SynSent, tcp.TimeWait:
			return netip.AddrPort{}, false
		}
		return sk.remote, true
	}
	return sk.remote, sk.state == connected
}

// Sndbuf and Rcvbuf are SO_SNDBUF and SO_RCVBUF.
func (sk *Socket) Sndbuf() int { return sk.sndbuf }
func (sk *Socket) Rcvbuf() int { return sk.rcvbuf }

// SetSndbuf is setsockopt(SO_SNDBUF): the value doubled ("The kernel
// doubles this value (to allow space for bookkeeping overhead)" -
// socket(7)), within the limits.
// The size is the user's from then on: the kernel no longer grows it
// (SOCK_SNDBUF_LOCK).
func (sk *Socket) SetSndbuf(v uint32) {
	sk.sndbuf, sk.userSndbuf = clampBuf(v, MinSndbuf), true
	if sk.conn != nil {
		sk.conn.tc.SetBuffers(sk.sndbuf/2, 0)
	}
}

// SetRcvbuf is setsockopt(SO_RCVBUF).
func (sk *Socket) SetRcvbuf(v uint32) {
	sk.rcvbuf = clampBuf(v, MinRcvbuf)
	if sk.conn != nil {
		sk.conn.tc.SetBuffers(0, sk.rcvbuf/2)
	}
}

func clampBuf(v uint32, least int) int {
	d := 2 * int64(min(v, MaxBuf/2))
	return int(max(d, int64(least)))
}

// TakeError returns the pending error and clears it (SO_ERROR).
func (sk *Socket) TakeError() abi.Errno {
	if sk.Type == abi.SOCK_STREAM && sk.conn != nil {
		if e := sk.conn.takeError(); e != 0 {
			return e
		}
	}
	e := sk.err
	sk.err = 0
	return e
}

// listening reports whether sk is a TCP listener.
func (sk *Socket) listening() bool { return sk.lst != nil }

// timeWait reports whether sk is a connection in TIME-WAIT, whose socket
// is gone.
func (sk *Socket) timeWait() bool { return sk.conn != nil && sk.conn.inTimeWait() }

// notify wakes whoever waits on the socket for what it now offers.
func (sk *Socket) notify() { sk.Queue.Notify(sk.Readiness()) }

// checkFamily reads the address family rule of bind and connect: an
// AF_INET socket takes AF_INET names; AF_UNSPEC is taken for INADDR_ANY
// by bind ("for compatibility", inet_bind_sk).
func CheckName(family int, addr netip.Addr, forBind bool) error {
	if family == abi.AF_INET {
		return nil
	}
	if forBind && family == abi.AF_UNSPEC && addr == netip.IPv4Unspecified() {
		return nil
	}
	return abi.EAFNOSUPPORT
}

// Bind gives the socket a local name (bind(2)). Port 0 picks an
// ephemeral port. "EINVAL The socket is already bound to an address";
// EADDRNOTAVAIL for an address not on this host; EADDRINUSE if another
// socket holds it (see conflict).
func (sk *Socket) Bind(addr netip.AddrPort) error {
	st := sk.st
	ended := sk.Type == abi.SOCK_STREAM && sk.conn != nil && sk.conn.tc.State() == tcp.Closed
	if ended && !sk.userPort {
		// A connection that ended (refused, reset) gave back the port its
		// connect had bound (tcp_set_state(TCP_CLOSE) calls inet_put_port
		// unless the user bound it), and the socket is in TCP_CLOSE: it
		// may bind again (__inet_bind).
		st.unhold(sk)
		sk.local = netip.AddrPort{}
	}
	if sk.bound || sk.local.Port() != 0 || sk.state != unconnected && sk.Type == abi.SOCK_STREAM && !ended {
		return abi.EINVAL
	}
	if !st.hasAddr(addr.Addr()) {
		return abi.EADDRNOTAVAIL
	}
	port := addr.Port()
	if port == 0 {
		p, err := st.ephemeral(sk, addr.Addr(), false)
		if err != nil {
			return err
		}
		port = p
	} else if st.conflict(sk, addr) {
		return abi.EADDRINUSE
	}
	sk.local = netip.AddrPortFrom(addr.Addr(), port)
	sk.userAddr = addr.Addr() != netip.IPv4Unspecified()
	sk.userPort = addr.Port() != 0
	st.hold(sk)
	return nil
}

// autobind gives an unbound socket an ephemeral port on the wildcard
// address (inet_autobind), for a send or connect before any bind.
func (sk *Socket) autobind(forConnect bool) error {
	if sk.bound {
		return nil
	}
	p, err := sk.st.ephemeral(sk, netip.IPv4Unspecified(), forConnect)
	if err != nil {
		return err
	}
	sk.local = netip.AddrPortFrom(netip.IPv4Unspecified(), p)
	sk.st.hold(sk)
	return nil
}

// Readiness is the socket's poll events.
func (sk *Socket) Readiness() sched.EventMask {
	if sk.Type == abi.SOCK_STREAM {
		return sk.tcpReadiness()
	}
	return sk.udpReadiness()
}

// Close is the last close of the socket's descriptors.
func (sk *Socket) Close() {
	if sk.closed {
		return
	}
	sk.closed = true
	if sk.Type == abi.SOCK_STREAM {
		sk.closeTCP()
	} else {
		sk.rq = nil
		sk.rqBytes = 0
		sk.st.unhold(sk)
	}
	sk.st.forget(sk)
	sk.notify()
}

// Listening reports whether the socket listens (SO_ACCEPTCONN).
func (sk *Socket) Listening() bool { return sk.lst != nil }

// KeepIdleSec, KeepIntvlSec and KeepCount are the keepalive settings in
// effect (TCP_KEEPIDLE, TCP_KEEPINTVL in seconds, TCP_KEEPCNT).
func (sk *Socket) KeepIdleSec() uint64 {
	if sk.KeepIdle != 0 {
		return sk.KeepIdle / 1e9
	}
	return sk.st.tcpCfg.KeepIdle / 1e9
}

func (sk *Socket) KeepIntvlSec() uint64 {
	if sk.KeepIntvl != 0 {
		return sk.KeepIntvl / 1e9
	}
	return sk.st.tcpCfg.KeepIntvl / 1e9
}

func (sk *Socket) KeepCount() int {
	if sk.KeepCnt != 0 {
		return sk.KeepCnt
	}
	return sk.st.tcpCfg.KeepCnt
}

// InqLen is FIONREAD: a UDP socket's first datagram's size, a TCP
// socket's unread bytes; EINVAL on a listener (tcp_ioctl SIOCINQ).
func (sk *Socket) InqLen() (int, error) {
	if sk.Type == abi.SOCK_DGRAM {
		_, _, first := sk.QueuedUDP()
		return first, nil
	}
	if sk.lst != nil {
		return 0, abi.EINVAL
	}
	if sk.conn == nil {
		return 0, nil
	}
	return sk.conn.tc.Info().RecvQueue, nil
}

// Info is one socket as `ss -tuanp` lists it, for inspect.
type Info struct {
	ID     int
	Proto  string // "tcp" or "udp"
	State  string // TCP's state (LISTEN, ESTAB, SYN-SENT ... as ss names them); UDP: UNCONN or ESTAB
	RecvQ  int    // unread bytes (a listener: connections ready to accept)
	SendQ  int    // unacknowledged bytes (a listener: its backlog)
	Local  netip.AddrPort
	Remote netip.AddrPort // invalid if none
	Orphan bool           // a connection whose socket is closed
	Error  string         // a pending error
	Detail string         // TCP: send window, RTO, retransmissions... as ss -i; UDP: datagrams queued
}

// ssState is ss's name of a TCP state.
func ssState(st tcp.State) string {
	switch st {
	case tcp.Established:
		return "ESTAB"
	case tcp.Closed:
		return "CLOSE"
	}
	return st.String()
}

// Infos lists every socket of the stack and every orphaned connection,
// sockets first by ID, then orphans by their addresses.
func (s *Stack) Infos() []Info {
	var out []Info
	for _, sk := range s.sockets {
		out = append(out, sk.info())
	}
	var orphans []*conn
	for _, c := range s.conns {
		if c.sock == nil && c.parent == nil {
			orphans = append(orphans, c)
		}
	}
	slices.SortFunc(orphans, func(a, b *conn) int {
		if c := a.key.local.Compare(b.key.local); c != 0 {
			return c
		}
		return a.key.remote.Compare(b.key.remote)
	})
	for _, c := range orphans {
		in := Info{Proto: "tcp", Local: c.key.local, Remote: c.key.remote, Orphan: true}
		c.describe(&in)
		out = append(out, in)
	}
	return out
}

func (sk *Socket) info() Info {
	in := Info{ID: sk.ID, Local: sk.Local()}
	if r, ok := sk.Remote(); ok {
		in.Remote = r
	}
	if sk.err != 0 {
		in.Error = sk.err.String()
	}
	if sk.Type == abi.SOCK_DGRAM {
		in.Proto, in.State = "udp", "UNCONN"
		if sk.state == connected {
			in.State = "ESTAB"
		}
		n, bytes, _ := sk.QueuedUDP()
		in.RecvQ = bytes
		in.Detail = fmt.Sprintf("datagrams queued %d, rcvbuf %d/%d", n, sk.rqBytes, sk.rcvbuf)
		return in
	}
	in.Proto = "tcp"
	switch {
	case sk.lst != nil:
		backlog, syn, accept := sk.Backlog()
		in.State, in.RecvQ, in.SendQ = "LISTEN", accept, backlog
		in.Detail = fmt.Sprintf("syn queue %d, accept queue %d (holds backlog+1 = %d)", syn, accept, backlog+1)
	case sk.conn != nil:
		sk.conn.describe(&in)
		if e := sk.conn.tc.Err(); e != nil && in.Error == "" {
			in.Error = e.Error()
		}
	default:
		in.State = "UNCONN"
	}
	return in
}

// describe fills in what ss -tin shows of a connection.
func (c *conn) describe(in *Info) {
	ti := c.tc.Info()
	in.State = ssState(ti.State)
	in.RecvQ, in.SendQ = ti.RecvQueue, ti.SendQueue
	in.Detail = fmt.Sprintf("snd_una %d snd_nxt %d snd_wnd %d rcv_nxt %d rcv_wnd %d mss %d rto %s", ti.SndUna, ti.SndNxt, ti.SndWnd, ti.RcvNxt, ti.RcvWnd, ti.MSS, fmtNS(ti.RTO))
	if ti.SRTT != 0 {
		in.Detail += fmt.Sprintf(" rtt %s/%s", fmtNS(ti.SRTT), fmtNS(ti.RTTVar))
	}
	in.Detail += fmt.Sprintf(" cwnd %d", ti.Cwnd)
	if ti.Ssthresh < 1<<16 { // "large" until the first loss
		in.Detail += fmt.Sprintf(" ssthresh %d", ti.Ssthresh)
	}
	if ti.TotalRetrans > 0 || ti.Retransmits > 0 {
		in.Detail += fmt.Sprintf(" retrans %d/%d", ti.Retransmits, ti.TotalRetrans)
	}
	if ti.Backoff > 0 {
		in.Detail += fmt.Sprintf(" backoff %d", ti.Backoff)
	}
	if ti.OutOfOrder > 0 {
		in.Detail += fmt.Sprintf(" ooo %d", ti.OutOfOrder)
	}
}

// fmtNS renders a duration of ns as ss does, to three decimals at most:
// "200.207ms", "1.5s", "40us".
func fmtNS(ns uint64) string {
	unit, div := "ns", 1.0
	switch {
	case ns >= 1e9:
		unit, div = "s", 1e9
	case ns >= 1e6:
		unit, div = "ms", 1e6
	case ns >= 1e3:
		unit, div = "us", 1e3
	}
	s := strconv.FormatFloat(float64(ns)/div, 'f', 3, 64)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return s + unit
}

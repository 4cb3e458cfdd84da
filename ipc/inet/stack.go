package inet

import (
	"fmt"
	"math/rand/v2"
	"net/netip"

	"ipcsim/abi"
	"ipcsim/ipc/inet/tcp"
)

// Loopback is the loopback interface's address, 127.0.0.1; the whole of
// 127.0.0.0/8 reaches the host itself.
var Loopback = netip.AddrFrom4([4]byte{127, 0, 0, 1})

// Config sets up a host's stack.
type Config struct {
	Addr netip.Addr // the host's address on the network; invalid if it has none (loopback only)
	Seed uint64     // seeds ephemeral ports and initial sequence numbers
	// Now is the virtual time in nanoseconds (one cycle is one ns).
	Now func() uint64
	// Output hands a packet to the network, which owns it from then on.
	// nil: the host has no network, and packets for other hosts fail with
	// ENETUNREACH.
	Output func(*Packet)
	// Trace, if not nil, is told of every packet the stack sends, takes
	// or drops, and of what TCP connections do.
	Trace func(Event)
	// Capture, if not nil, sees every packet the stack sends, to the
	// network or round the loopback, as it leaves (what tcpdump -i any
	// shows of a host's sends; the kernel captures arrivals from the
	// network itself). The packet is valid during the call only.
	Capture func(*Packet)
	// TCP is the configuration of new connections (tcp.DefaultConfig()
	// if zero).
	TCP *tcp.Config
}

// EventKind says what an Event reports.
type EventKind int

const (
	EventSend    EventKind = iota // a packet leaves a socket (to the network or round the loopback)
	EventReceive                  // a packet arrives for a socket
	EventDrop                     // a packet nobody takes, or a datagram a full receive buffer refuses
	EventTCP                      // something a TCP connection did (a state change, a retransmission...)
)

// An Event is what the stack tells the trace. Packet is set for the first
// three kinds (valid during the call only).
type Event struct {
	Kind   EventKind
	Socket int // the socket concerned, 0 if none
	Packet *Packet
	Text   string // why a packet was dropped, or what TCP did
	// TCP is what TCP did, for an EventTCP: the connection's (or
	// listener's) event kind (a state change, a retransmission, a reset
	// received...), so that readers of the trace need not parse Text.
	TCP tcp.EventKind
}

// Stack is one host's IPv4 stack: its addresses, the ports its sockets
// hold, the connections, and the timers of TCP.
type Stack struct {
	cfg    Config
	tcpCfg tcp.Config
	rng    *rand.Rand

	lastID  int
	ipID    uint16    // the IPv4 identification of the next packet sent (Packet.ID)
	udpSent uint64    // UDP datagrams sent: the Datagram.Num of the last one
	sockets []*Socket // open sockets by ID (for inspect); closed ones leave

	// ports is the bind table: every socket holding a local port, by
	// protocol and port (looked up, never iterated).
	ports map[portKey][]*Socket
	// conns routes TCP segments to connections by their four addresses,
	// including connections whose socket is closed (orphans finishing
	// their FIN handshake or in TIME-WAIT).
	conns map[fourTuple]*conn

	inputDst netip.Addr // the destination of the segment a listener is taking (its children's local address)
	loop     []*Packet  // packets to this host not yet delivered
	spare    []*Packet  // loopback packets delivered, for reuse (recycle)
	flushing bool       // flush is delivering loop
	timers   timerQueue
}

type portKey struct {
	proto uint8
	port  uint16
}

type fourTuple struct {
	local, remote netip.AddrPort
}

// New returns the stack of a host.
func New(cfg Config) *Stack {
	s := &Stack{cfg: cfg, rng: rand.New(rand.NewPCG(cfg.Seed, 0x696e6574)), // "inet"
		ports: map[portKey][]*Socket{}, conns: map[fourTuple]*conn{}}
	if cfg.TCP != nil {
		s.tcpCfg = *cfg.TCP
	} else {
		s.tcpCfg = tcp.DefaultConfig()
	}
	if s.cfg.Now == nil {
		s.cfg.Now = func() uint64 { return 0 }
	}
	return s
}

// Addr is the host's network address (invalid if it has none).
func (s *Stack) Addr() netip.Addr { return s.cfg.Addr }

// Sockets returns the open sockets in ID order.
func (s *Stack) Sockets() []*Socket { return s.sockets }

// CountTCP counts the host's TCP connections in the state named as RFC
// 9293 names it ("ESTABLISHED", "TIME-WAIT"), as `ss -t state
// established` lists them: those of open sockets, those a listener holds
// before accept takes them, and orphans; for "LISTEN", the listening
// sockets. It allocates nothing, for sim's assertions, which ask at every
// scheduling point. (The map is walked only to count: its order does not
// matter.)
func (s *Stack) CountTCP(state string) int {
	n := 0
	if state == tcp.Listen.String() {
		for _, sk := range s.sockets {
			if sk.lst != nil {
				n++
			}
		}
		return n
	}
	for _, c := range s.conns {
		if c.tc.State().String() == state {
			n++
		}
	}
	return n
}

// isLocal reports whether a packet to a reaches this host: 127.0.0.0/8
// or the host's own address.
func (s *Stack) isLocal(a netip.Addr) bool {
	return a.Is4() && (a.As4()[0] == 127 || a == s.cfg.Addr)
}

// hasAddr reports whether a socket may bind to a: the wildcard, the
// loopback net, or the host's address ("EADDRNOTAVAIL A nonexistent
// interface was requested or the requested address was not local" -
// bind(2)).
func (s *Stack) hasAddr(a netip.Addr) bool {
	return a == netip.IPv4Unspecified() || s.isLocal(a)
}

// sourceFor is the source address of a packet to dst (the route's
// preferred source): loopback for loopback, else the host's address.
func (s *Stack) sourceFor(dst netip.Addr) (netip.Addr, error) {
	switch {
	case dst.As4()[0] == 127:
		return Loopback, nil
	case dst == s.cfg.Addr:
		return dst, nil
	case s.cfg.Output == nil || !s.cfg.Addr.IsValid():
		return netip.Addr{}, abi.ENETUNREACH
	}
	return s.cfg.Addr, nil
}

func (s *Stack) trace(e Event) {
	if s.cfg.Trace != nil {
		s.cfg.Trace(e)
	}
}

// send puts a packet on its way: round the loopback for this host (it is
// delivered when the operation that sent it ends, see flush), else to the
// network.
func (s *Stack) send(sock int, p *Packet) {
	// RFC 791: "The identification is ... assigned by the sender to aid
	// in assembling the fragments of a datagram." One counter per host,
	// so that a run numbers its packets the same way every time.
	p.ID = s.ipID
	s.ipID++
	s.trace(Event{Kind: EventSend, Socket: sock, Packet: p})
	if s.cfg.Capture != nil {
		s.cfg.Capture(p)
	}
	if s.isLocal(p.Dst) {
		s.loop = append(s.loop, p)
		return
	}
	if s.cfg.Output == nil {
		s.trace(Event{Kind: EventDrop, Socket: sock, Packet: p, Text: "no network"})
		return
	}
	s.cfg.Output(p)
}

// sparePacket returns an empty packet for the loopback: one delivered
// before if there is one (fast path: no allocation per packet).
func (s *Stack) sparePacket() *Packet {
	if n := len(s.spare); n > 0 {
		p := s.spare[n-1]
		s.spare[n-1] = nil
		s.spare = s.spare[:n-1]
		return p
	}
	return new(Packet)
}

// maxSpare bounds the packets kept for reuse.
const maxSpare = 16

// recycle takes back a delivered loopback packet that a connection sent
// (p.spare): the stack keeps the packet, and tc, the connection that
// took the segment, gets the segment and its data array to build its
// next segment in. Nothing refers to them any more: the trace is told
// of a packet only during the call (Event), and a Conn copies what it
// keeps of a segment.
func (s *Stack) recycle(p *Packet, tc *tcp.Conn) {
	tc.Reuse(p.TCP)
	*p = Packet{}
	if len(s.spare) < maxSpare {
		s.spare = append(s.spare, p)
	}
}

// maxLoopRounds bounds one flush: two connections could otherwise answer
// each other forever inside one operation (they cannot, if TCP is right;
// the bound keeps a bug from hanging the simulator).
const maxLoopRounds = 1 << 16

// flush delivers the packets sent round the loopback, and those their
// delivery sends in turn, in order. Every operation that may send calls
// it as it ends, so loopback takes no time: what one socket sends is at
// the other when the sending call returns, as with Linux's loopback,
// whose softirq runs before the call goes back to user space.
func (s *Stack) flush() {
	if s.flushing {
		return
	}
	s.flushing = true
	defer func() { s.flushing = false }()
	// The packets are taken in order by index, and the emptied list keeps
	// its array for the next flush (fast path: no allocation per packet).
	for i := 0; i < len(s.loop); i++ {
		p := s.loop[i]
		s.loop[i] = nil
		if i >= maxLoopRounds {
			s.trace(Event{Kind: EventDrop, Packet: p, Text: "loopback storm: too many packets in one operation"})
			continue
		}
		s.input(p)
	}
	s.loop = s.loop[:0]
}

// Receive takes a packet from the network.
func (s *Stack) Receive(p *Packet) {
	s.input(p)
	s.flush()
}

// input delivers an arriving packet to its socket.
func (s *Stack) input(p *Packet) {
	switch {
	case p.TCP != nil:
		s.inputTCP(p)
	case p.UDP != nil:
		s.inputUDP(p)
	case p.ICMP != nil:
		s.inputICMP(p)
	}
}

// NextTimer is when the earliest TCP timer fires.
func (s *Stack) NextTimer() (uint64, bool) { return s.timers.next() }

// Advance fires every TCP timer due at now, and delivers what they send
// round the loopback.
func (s *Stack) Advance(now uint64) {
	s.timers.fire(now)
	s.flush()
}

// newSocket makes a socket of type typ (abi.SOCK_STREAM or SOCK_DGRAM).
func (s *Stack) newSocket(typ int) *Socket {
	s.lastID++
	sk := &Socket{ID: s.lastID, Type: typ, st: s, sndbuf: DefaultSndbuf, rcvbuf: DefaultRcvbuf}
	if typ == abi.SOCK_STREAM {
		// tcp_init_sock: sk_sndbuf = tcp_wmem[1], sk_rcvbuf = tcp_rmem[1].
		sk.sndbuf, sk.rcvbuf = TCPSndbuf, TCPRcvbuf
	}
	s.sockets = append(s.sockets, sk)
	return sk
}

// NewSocket returns a new unbound socket: abi.SOCK_STREAM (TCP) or
// abi.SOCK_DGRAM (UDP).
func (s *Stack) NewSocket(typ int) *Socket { return s.newSocket(typ) }

// forget removes a closed socket from the list of open ones.
func (s *Stack) forget(sk *Socket) {
	for i, o := range s.sockets {
		if o == sk {
			s.sockets = append(s.sockets[:i], s.sockets[i+1:]...)
			return
		}
	}
}

// proto is the IP protocol of a socket type.
func proto(typ int) uint8 {
	if typ == abi.SOCK_STREAM {
		return abi.IPPROTO_TCP
	}
	return abi.IPPROTO_UDP
}

// hold puts sk in the bind table at its local port.
func (s *Stack) hold(sk *Socket) {
	k := portKey{proto(sk.Type), sk.local.Port()}
	s.ports[k] = append(s.ports[k], sk)
	sk.bound = true
}

// unhold takes sk out of the bind table.
func (s *Stack) unhold(sk *Socket) {
	if !sk.bound {
		return
	}
	k := portKey{proto(sk.Type), sk.local.Port()}
	list := s.ports[k]
	for i, o := range list {
		if o == sk {
			list = append(list[:i], list[i+1:]...)
			break
		}
	}
	if len(list) == 0 {
		delete(s.ports, k)
	} else {
		s.ports[k] = list
	}
	sk.bound = false
}

// overlap reports whether two local addresses meet: equal, or either the
// wildcard.
func overlap(a, b netip.Addr) bool {
	return a == b || a == netip.IPv4Unspecified() || b == netip.IPv4Unspecified()
}

// conflict reports whether sk may not hold addr's port, as Linux's
// inet_csk_bind_conflict and udp_lib_lport_inuse decide: another socket
// holds the port on an overlapping address, unless both set SO_REUSEADDR
// and the other is not listening (a TCP listener's port is its own), or
// the other is a TCP connection in TIME-WAIT and both set SO_REUSEADDR
// (the time-wait keeps its socket's sk_reuse: binding over it needs the
// option on both sides, as a listener and the connections it accepted
// share it).
func (s *Stack) conflict(sk *Socket, addr netip.AddrPort) bool {
	for _, o := range s.ports[portKey{proto(sk.Type), addr.Port()}] {
		if o == sk || !overlap(o.local.Addr(), addr.Addr()) {
			continue
		}
		if sk.ReuseAddr && o.ReuseAddr && o.timeWait() {
			continue
		}
		if sk.ReuseAddr && o.ReuseAddr && !o.listening() {
			continue
		}
		return true
	}
	return false
}

// ephemeral picks a free local port for sk from 32768-60999
// (net.ipv4.ip_local_port_range), as Linux does since 4.6: from a random
// start (here the host's seeded generator), connect() tries even ports
// first and bind() odd ones, keeping half of the range for each
// (__inet_hash_connect, inet_csk_find_open_port). EADDRNOTAVAIL when none
// is left ("EADDRNOTAVAIL ... all port numbers in the ephemeral port range
// are currently in use" - connect(2)); bind gives EADDRINUSE in that case.
func (s *Stack) ephemeral(sk *Socket, addr netip.Addr, forConnect bool) (uint16, error) {
	const low, high = abi.IPPortRangeLow, abi.IPPortRangeHigh
	n := uint32(high - low + 1)
	start := s.rng.Uint32N(n)
	want := uint32(1) // odd for bind
	if forConnect {
		want = 0
	}
	for pass := 0; pass < 2; pass++ {
		for i := uint32(0); i < n; i++ {
			p := low + (start+i)%n
			if (p%2 == want) != (pass == 0) {
				continue
			}
			if !s.conflict(sk, netip.AddrPortFrom(addr, uint16(p))) && len(s.ports[portKey{proto(sk.Type), uint16(p)}]) == 0 {
				return uint16(p), nil
			}
		}
	}
	if forConnect {
		return 0, abi.EADDRNOTAVAIL
	}
	return 0, abi.EADDRINUSE
}

// String names the stack for inspect: its addresses.
func (s *Stack) String() string {
	if s.cfg.Addr.IsValid() {
		return fmt.Sprintf("lo %s, eth0 %s", Loopback, s.cfg.Addr)
	}
	return fmt.Sprintf("lo %s", Loopback)
}

package kernel

// The socket calls for AF_INET (ip(7), tcp(7), udp(7)). Each handler of
// sys_socket.go hands an IPv4 socket to its counterpart here; the socket
// is package ipc/inet, its file is in inet.go.

import (
	"encoding/binary"
	"math"
	"net/netip"

	"ipcsim/abi"
	"ipcsim/ipc/inet"
)

// inetOf returns the IPv4 socket behind descriptor fd, if it is one.
func (c *call) inetOf(fd int32) (*inetFile, *OpenFile) {
	f, err := c.file(fd)
	if err != nil {
		return nil, nil
	}
	sf, ok := f.ops.(*inetFile)
	if !ok {
		return nil, nil
	}
	return sf, f
}

// inetSocket is socket(AF_INET, type, protocol): SOCK_STREAM is TCP and
// SOCK_DGRAM UDP (protocol 0 or the matching IPPROTO_); another protocol
// EPROTONOSUPPORT, another type ESOCKTNOSUPPORT (raw sockets are not
// simulated).
func inetSocket(c *call, typ, flags int, protocol int32) (int64, error) {
	switch {
	case typ == abi.SOCK_STREAM && (protocol == 0 || protocol == abi.IPPROTO_TCP):
	case typ == abi.SOCK_DGRAM && (protocol == 0 || protocol == abi.IPPROTO_UDP):
	case typ == abi.SOCK_STREAM || typ == abi.SOCK_DGRAM:
		return 0, abi.EPROTONOSUPPORT
	default:
		return 0, abi.ESOCKTNOSUPPORT
	}
	k := c.t.k
	return c.install(k.inetOpenFile(c.t, k.inetStack().NewSocket(typ), flags), flags)
}

// inetOpenFile is socketOpenFile for an AF_INET socket.
func (k *Kernel) inetOpenFile(t *Task, s *inet.Socket, flags int) *OpenFile {
	return newOpenFile(&inetFile{k: k, s: s, ino: newAnonInode(t, abi.S_IFSOCK|0777)}, abi.O_RDWR|flags&abi.O_NONBLOCK)
}

// parseSockaddrIn reads a struct sockaddr_in: the family, the port (in
// network byte order) and the address. Shorter than 16 bytes: EINVAL.
func parseSockaddrIn(raw []byte) (int, netip.AddrPort, error) {
	if len(raw) < abi.SizeofSockaddrIn {
		return 0, netip.AddrPort{}, abi.EINVAL
	}
	family := int(binary.LittleEndian.Uint16(raw))
	port := binary.BigEndian.Uint16(raw[2:])
	addr := netip.AddrFrom4([4]byte(raw[4:8]))
	return family, netip.AddrPortFrom(addr, port), nil
}

// sockaddrIn is the struct sockaddr_in of a.
func sockaddrIn(a netip.AddrPort) []byte {
	b := make([]byte, abi.SizeofSockaddrIn)
	binary.LittleEndian.PutUint16(b, abi.AF_INET)
	binary.BigEndian.PutUint16(b[2:], a.Port())
	ip := a.Addr().As4()
	copy(b[4:], ip[:])
	return b
}

// putSockaddrIn copies a's sockaddr_in out as putSockaddr does: as much
// as *addrlen allows, and 16 into *addrlen.
func (c *call) putSockaddrIn(va, lenVA uint64, a netip.AddrPort) error {
	return c.putSockaddrRaw(va, lenVA, sockaddrIn(a))
}

// bind(2) on an IPv4 socket. "EINVAL addrlen is wrong"; a family other
// than AF_INET EAFNOSUPPORT (AF_UNSPEC is taken with INADDR_ANY).
func inetBind(c *call, f *inetFile) (int64, error) {
	raw, err := c.readSockaddr(c.a[1], int32(c.a[2]))
	if err != nil {
		return 0, err
	}
	family, a, err := parseSockaddrIn(raw)
	if err != nil {
		return 0, err
	}
	if err := inet.CheckName(family, a.Addr(), true); err != nil {
		return 0, err
	}
	return 0, f.s.Bind(a)
}

// listen(2) on an IPv4 socket: TCP only ("EOPNOTSUPP The socket is not of
// a type that supports the listen() operation").
func inetListen(c *call, f *inetFile) (int64, error) {
	if f.s.Type != abi.SOCK_STREAM {
		return 0, abi.EOPNOTSUPP
	}
	backlog := int32(c.a[1])
	if uint32(backlog) > abi.SOMAXCONN {
		backlog = abi.SOMAXCONN
	}
	return 0, f.s.Listen(int(backlog))
}

// accept(2) and accept4(2) on an IPv4 socket. The new socket is named by
// its peer's address.
func inetAccept(c *call, f *inetFile, of *OpenFile, flags int) (int64, error) {
	if f.s.Type != abi.SOCK_STREAM {
		return 0, abi.EOPNOTSUPP
	}
	ns, err := f.s.Accept() // doAccept made sure a descriptor is free
	if err != nil {
		return 0, f.blockOr(err, of.nonblock())
	}
	nf := c.t.k.inetOpenFile(c.t, ns, flags)
	fd, ok := c.t.Files.Install(nf, 0, flags&abi.SOCK_CLOEXEC != 0)
	if !ok {
		nf.discard()
		return 0, abi.EMFILE
	}
	if c.a[1] != 0 {
		peer, _ := ns.Remote()
		if err := c.putSockaddrIn(c.a[1], c.a[2], peer); err != nil {
			c.t.Files.Close(fd)
			return 0, err
		}
	}
	return int64(fd), nil
}

// connect(2) on an IPv4 socket. TCP: the first call sends SYN and waits
// for the handshake; a non-blocking socket says EINPROGRESS instead
// ("The socket is nonblocking and the connection cannot be completed
// immediately" - connect(2)), and a later connect EALREADY while it is in
// progress, 0 once it has completed, EISCONN after. UDP: sets the default
// peer; AF_UNSPEC dissolves it (TCP: a connected socket is reset).
func inetConnect(c *call, f *inetFile, of *OpenFile) (int64, error) {
	raw, err := c.readSockaddr(c.a[1], int32(c.a[2]))
	if err != nil {
		return 0, err
	}
	if len(raw) < 2 {
		return 0, abi.EINVAL
	}
	s := f.s
	if binary.LittleEndian.Uint16(raw) == abi.AF_UNSPEC {
		if s.Type == abi.SOCK_DGRAM {
			return 0, s.ConnectUDP(netip.AddrPort{})
		}
		return 0, s.Disconnect()
	}
	again := c.started
	if s.Type == abi.SOCK_DGRAM && s.AutobindUDP() != nil {
		// inet_dgram_connect binds an unbound socket before
		// ip4_datagram_connect reads the address: a connect that then
		// fails (a short address, another family, no route) leaves the
		// socket bound all the same; a failed bind is EAGAIN.
		return 0, abi.EAGAIN
	}
	if s.Type == abi.SOCK_STREAM {
		// The state answers first (EISCONN, EALREADY, how an attempt
		// ended); the address counts only for a new attempt.
		c.started = true
		if ok, err := s.ConnectStateTCP(again); !ok {
			return connectAnswer(f, of, err, again)
		}
	}
	family, a, err := parseSockaddrIn(raw)
	if err != nil {
		return 0, err
	}
	if err := inet.CheckName(family, a.Addr(), false); err != nil {
		return 0, err
	}
	if s.Type == abi.SOCK_DGRAM {
		return 0, s.ConnectUDP(a)
	}
	return connectAnswer(f, of, s.ConnectTCP(a, again), again)
}

// connectAnswer turns what ConnectTCP said into connect(2)'s answer: a
// sleep, or for a non-blocking socket EINPROGRESS (a new attempt) or
// EALREADY (one in progress).
func connectAnswer(f *inetFile, of *OpenFile, err error, again bool) (int64, error) {
	if _, blocked := err.(*inet.Blocked); blocked && of.nonblock() {
		if !again {
			return 0, abi.EINPROGRESS
		}
		return 0, abi.EALREADY
	}
	return 0, f.blockOr(err, false)
}

// getsockname(2) on an IPv4 socket.
func inetGetsockname(c *call, f *inetFile) (int64, error) {
	return 0, c.putSockaddrIn(c.a[1], c.a[2], f.s.Local())
}

// getpeername(2) on an IPv4 socket: "ENOTCONN The socket is not
// connected".
func inetGetpeername(c *call, f *inetFile) (int64, error) {
	peer, ok := f.s.Remote()
	if !ok {
		return 0, abi.ENOTCONN
	}
	return 0, c.putSockaddrIn(c.a[1], c.a[2], peer)
}

// shutdown(2) on an IPv4 socket: how is SHUT_RD, SHUT_WR or SHUT_RDWR
// (0, 1, 2), else EINVAL; the socket's bits are how+1.
func inetShutdown(c *call, f *inetFile) (int64, error) {
	how := int32(c.a[1])
	if how < abi.SHUT_RD || how > abi.SHUT_RDWR {
		return 0, abi.EINVAL
	}
	bits := int(how) + 1
	if f.s.Type == abi.SOCK_DGRAM {
		return 0, f.s.ShutdownUDP(bits)
	}
	return 0, f.s.ShutdownTCP(bits)
}

// inetSend is send(2), sendto(2), sendmsg(2) and write(2) on an IPv4
// socket. A stream takes what its send buffer holds and sleeps for room
// for the rest (the retry goes on from c.progress); a datagram goes
// whole. A name given to a connected stream is ignored, as tcp_sendmsg
// does.
func inetSend(c *call, f *inetFile, of *OpenFile, segs []ioSeg, flags int, name []byte) (int64, error) {
	s := f.s
	if flags&abi.MSG_OOB != 0 {
		return 0, abi.EOPNOTSUPP
	}
	nonblock := of.nonblock() || flags&abi.MSG_DONTWAIT != 0
	total := segsLen(segs)
	c.total = total
	if s.Type == abi.SOCK_DGRAM {
		// inet_sendmsg binds the socket first; udp_sendmsg then checks
		// the length before the address. SendUDP does both too; here they
		// come before the datagram is copied in, so that a send of 2 GB
		// allocates nothing.
		if err := s.AutobindUDP(); err != nil {
			return 0, err
		}
		if total > abi.IPMaxUDPPayload {
			return 0, abi.EMSGSIZE
		}
		var to *netip.AddrPort
		if name != nil {
			family, a, err := parseSockaddrIn(name)
			if err != nil {
				return 0, err
			}
			if family != abi.AF_INET {
				return 0, abi.EAFNOSUPPORT
			}
			to = &a
		}
		buf := make([]byte, total)
		if gather(c.t.AS, segs, 0, buf) < len(buf) {
			return 0, abi.EFAULT
		}
		n, err := s.SendUDP(buf, to)
		if err != nil {
			return 0, f.blockOr(err, nonblock)
		}
		if c.t.k.tracing { // the datagram, for Event.Via and Msg (trace_moved.go)
			c.t.k.moved.udp = s.LastSent()
		}
		return int64(n), nil
	}
	for c.progress < total || total == 0 {
		buf := make([]byte, min(total-c.progress, 1<<20))
		got := gather(c.t.AS, segs, c.progress, buf)
		n, err := s.SendTCP(buf[:got])
		c.progress += uint64(n)
		if err != nil {
			if _, block := err.(*inet.Blocked); block && !nonblock {
				return 0, f.blockOr(err, false)
			}
			if c.progress > 0 {
				break // a partial send counts; the error comes next time
			}
			return 0, f.sendError(c, err, nonblock, flags)
		}
		if got < len(buf) {
			if c.progress == 0 {
				return 0, abi.EFAULT
			}
			break
		}
		if total == 0 {
			break
		}
	}
	return int64(c.progress), nil
}

// inetRecv is recv(2), recvfrom(2), recvmsg(2) and read(2) on an IPv4
// socket: one datagram, or what a stream has (all of it with
// MSG_WAITALL). It returns the call's result and the sender.
func inetRecv(c *call, f *inetFile, of *OpenFile, segs []ioSeg, flags int) (int64, *inet.Received, error) {
	s := f.s
	nonblock := of.nonblock() || flags&abi.MSG_DONTWAIT != 0
	total := segsLen(segs)
	if s.Type == abi.SOCK_DGRAM {
		udpFlags := flags
		if nonblock {
			udpFlags |= abi.MSG_DONTWAIT
		}
		r, err := s.RecvUDP(int(min(total, math.MaxInt32)), udpFlags)
		if err != nil {
			return 0, nil, f.blockOr(err, nonblock)
		}
		if moved := scatter(c.t.AS, segs, r.Data); moved < len(r.Data) && moved == 0 {
			return 0, nil, abi.EFAULT
		}
		if c.t.k.tracing && flags&abi.MSG_PEEK == 0 { // the datagram taken (a peek takes none)
			c.t.k.moved.udp = r.Datagram
		}
		n := len(r.Data)
		if flags&abi.MSG_TRUNC != 0 {
			n = r.Len // "return the real length of the packet or datagram" - recv(2)
		}
		return int64(n), r, nil
	}
	// A read of no bytes goes through the same checks as any other:
	// tcp_recvmsg's target is never below one byte (sock_rcvlowat: "v ?:
	// 1"), so it waits for data, the end or an error (EAGAIN without
	// waiting, ENOTCONN on a socket never connected), and takes nothing.
	waitAll := flags&abi.MSG_WAITALL != 0 && flags&abi.MSG_PEEK == 0
	for {
		r, err := s.RecvTCP(int(min(total-c.progress, math.MaxInt32)), flags)
		if err != nil {
			if _, block := err.(*inet.Blocked); block && !nonblock && c.progress == 0 {
				return 0, nil, f.blockOr(err, false)
			}
			if _, block := err.(*inet.Blocked); block && !nonblock && waitAll && c.progress < total {
				return 0, nil, f.blockOr(err, false)
			}
			if c.progress > 0 {
				return int64(c.progress), r, nil
			}
			return 0, nil, f.blockOr(err, nonblock)
		}
		if len(r.Data) == 0 {
			return int64(c.progress), r, nil // the end of the stream
		}
		moved := scatterAt(c.t.AS, segs, c.progress, r.Data)
		if moved < len(r.Data) && c.progress+uint64(moved) == 0 {
			return 0, nil, abi.EFAULT
		}
		if flags&abi.MSG_PEEK != 0 {
			return int64(moved), r, nil
		}
		c.progress += uint64(moved)
		if !waitAll || c.progress >= total || total == 0 {
			return int64(c.progress), r, nil
		}
	}
}

// inetGetsockopt is getsockopt(2) on an IPv4 socket: SOL_SOCKET and the
// TCP options.
func inetGetsockopt(c *call, f *inetFile) (int64, error) {
	s := f.s
	ulen, err := c.readOptlen()
	if err != nil {
		return 0, err
	}
	i32 := func(v int) []byte { return binary.LittleEndian.AppendUint32(nil, uint32(int32(v))) }
	var val []byte
	level, opt := int32(c.a[1]), int32(c.a[2])
	switch {
	case level == abi.SOL_SOCKET:
		switch opt {
		case abi.SO_TYPE:
			val = i32(s.Type)
		case abi.SO_ERROR:
			val = i32(int(s.TakeError()))
		case abi.SO_SNDBUF:
			val = i32(s.Sndbuf())
		case abi.SO_RCVBUF:
			val = i32(s.Rcvbuf())
		case abi.SO_ACCEPTCONN:
			val = i32(b2i(s.Listening()))
		case abi.SO_REUSEADDR:
			val = i32(b2i(s.ReuseAddr))
		case abi.SO_KEEPALIVE:
			val = i32(b2i(s.KeepAlive))
		case abi.SO_DOMAIN:
			val = i32(abi.AF_INET)
		case abi.SO_PROTOCOL:
			val = i32(abi.IPPROTO_UDP)
			if s.Type == abi.SOCK_STREAM {
				val = i32(abi.IPPROTO_TCP)
			}
		case abi.SO_LINGER:
			val = append(i32(b2i(s.Linger)), i32(int(s.LingerSec))...)
		case abi.SO_PEERCRED:
			// Only a Unix socket has a peer's credentials; cred_to_ucred
			// of none is pid 0, uid and gid -1.
			val = append(append(i32(0), i32(-1)...), i32(-1)...)
		case abi.SO_PASSCRED:
			return 0, abi.EOPNOTSUPP // sk_may_scm_recv: Unix and netlink sockets only
		default:
			return 0, abi.ENOPROTOOPT
		}
	case level == abi.SOL_TCP && s.Type == abi.SOCK_STREAM:
		switch opt {
		case abi.TCP_NODELAY:
			val = i32(b2i(s.NoDelay))
		case abi.TCP_KEEPIDLE:
			val = i32(int(s.KeepIdleSec()))
		case abi.TCP_KEEPINTVL:
			val = i32(int(s.KeepIntvlSec()))
		case abi.TCP_KEEPCNT:
			val = i32(s.KeepCount())
		case abi.TCP_MAXSEG:
			val = i32(s.MaxSegment())
		default:
			return 0, abi.ENOPROTOOPT
		}
	default:
		return 0, optLevelError(s, level)
	}
	return 0, c.putOptval(val, ulen)
}

// inetSetsockopt is setsockopt(2) on an IPv4 socket. An int option needs
// at least 4 bytes ("EINVAL optlen invalid").
func inetSetsockopt(c *call, f *inetFile) (int64, error) {
	s := f.s
	level, opt, optlen := int32(c.a[1]), int32(c.a[2]), int32(c.a[4])
	if optlen < 4 {
		return 0, abi.EINVAL
	}
	var b [8]byte
	n := 4
	if level == abi.SOL_SOCKET && opt == abi.SO_LINGER {
		if optlen < abi.SizeofLinger {
			return 0, abi.EINVAL
		}
		n = abi.SizeofLinger
	}
	if c.t.AS.ReadBytes(c.a[3], b[:n]) != nil {
		return 0, abi.EFAULT
	}
	val := int32(binary.LittleEndian.Uint32(b[:]))
	switch {
	case level == abi.SOL_SOCKET:
		switch opt {
		case abi.SO_SNDBUF:
			s.SetSndbuf(uint32(val))
		case abi.SO_RCVBUF:
			s.SetRcvbuf(uint32(val))
		case abi.SO_REUSEADDR:
			s.ReuseAddr = val != 0
		case abi.SO_KEEPALIVE:
			s.SetKeepAlive(val != 0)
		case abi.SO_LINGER:
			s.Linger, s.LingerSec = val != 0, int32(binary.LittleEndian.Uint32(b[4:]))
		case abi.SO_PASSCRED:
			return 0, abi.EOPNOTSUPP // sk_may_scm_recv: Unix and netlink sockets only
		default:
			return 0, abi.ENOPROTOOPT
		}
	case level == abi.SOL_TCP && s.Type == abi.SOCK_STREAM:
		switch opt {
		case abi.TCP_NODELAY:
			s.SetNoDelay(val != 0)
		case abi.TCP_KEEPIDLE, abi.TCP_KEEPINTVL:
			// "TCP_KEEPIDLE ... in seconds"; 1 to MAX_TCP_KEEPIDLE (32767).
			if val < 1 || val > 32767 {
				return 0, abi.EINVAL
			}
			if opt == abi.TCP_KEEPIDLE {
				s.SetKeepaliveTimes(uint64(val)*1e9, 0, 0)
			} else {
				s.SetKeepaliveTimes(0, uint64(val)*1e9, 0)
			}
		case abi.TCP_KEEPCNT:
			if val < 1 || val > 127 { // MAX_TCP_KEEPCNT
				return 0, abi.EINVAL
			}
			s.SetKeepaliveTimes(0, 0, int(val))
		case abi.TCP_MAXSEG:
			// "if (val && (val < TCP_MIN_MSS || val > MAX_TCP_WINDOW))
			// return -EINVAL" (88 to 32767; 0 is the route's again).
			if val != 0 && (val < 88 || val > 32767) {
				return 0, abi.EINVAL
			}
			s.MaxSeg = uint16(val)
		default:
			return 0, abi.ENOPROTOOPT
		}
	default:
		return 0, optLevelError(s, level)
	}
	return 0, nil
}

// optLevelError is getsockopt's and setsockopt's answer for a level an
// IPv4 socket does not have options at: SOL_IP's options are not
// simulated (ENOPROTOOPT), nor SOL_UDP's; another level goes to
// ip_getsockopt, which knows only SOL_IP: EOPNOTSUPP.
func optLevelError(s *inet.Socket, level int32) error {
	if level == abi.SOL_IP || level == abi.SOL_UDP && s.Type == abi.SOCK_DGRAM {
		return abi.ENOPROTOOPT
	}
	return abi.EOPNOTSUPP
}

// inetRecvmsg is recvmsg(2) on an IPv4 socket: no control messages
// (msg_controllen 0), the sender's name for a datagram, MSG_TRUNC in
// msg_flags when a datagram was cut.
func inetRecvmsg(c *call, f *inetFile, of *OpenFile, h msghdr, segs []ioSeg, flags int) (int64, error) {
	n, r, err := inetRecv(c, f, of, segs, flags)
	if err != nil {
		return 0, err
	}
	as := c.t.AS
	le := binary.LittleEndian
	outFlags := uint32(flags & abi.MSG_CMSG_CLOEXEC)
	namelen := uint32(0)
	if r != nil && f.s.Type == abi.SOCK_DGRAM {
		if r.Len > len(r.Data) {
			outFlags |= abi.MSG_TRUNC
		}
		if h.name != 0 {
			full := sockaddrIn(r.From)
			if as.WriteBytes(h.name, full[:min(len(full), int(h.namelen))]) != nil {
				return 0, abi.EFAULT
			}
			namelen = uint32(len(full))
		}
	}
	var b [8]byte
	le.PutUint32(b[:4], namelen)
	if as.WriteBytes(c.a[1]+8, b[:4]) != nil {
		return 0, abi.EFAULT
	}
	le.PutUint64(b[:], 0)
	if as.WriteBytes(c.a[1]+40, b[:]) != nil {
		return 0, abi.EFAULT
	}
	le.PutUint32(b[:4], outFlags)
	if as.WriteBytes(c.a[1]+48, b[:4]) != nil {
		return 0, abi.EFAULT
	}
	return n, nil
}

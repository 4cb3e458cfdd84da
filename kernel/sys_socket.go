package kernel

// The socket calls, for AF_UNIX (unix(7)). The socket is package
// ipc/unix; its file, names and descriptors in flight are in socket.go.

import (
	"encoding/binary"
	"math"

	"ipcsim/abi"
	"ipcsim/ipc/unix"
	"ipcsim/proc"
)

func init() {
	register(map[abi.Sysno]sysEntry{
		abi.SysSocket:      {sysSocket, "Abd", noSleep},
		abi.SysSocketpair:  {sysSocketpair, "Abdx", noSleep},
		abi.SysBind:        {sysBind, "dUu", noSleep},
		abi.SysListen:      {sysListen, "dd", noSleep},
		abi.SysAccept:      {sysAccept, "d&%", restartSA},
		abi.SysAccept4:     {sysAccept4, "d&%y", restartSA},
		abi.SysConnect:     {sysConnect, "dUu", restartSA},
		abi.SysGetsockname: {sysGetsockname, "d&%", noSleep},
		abi.SysGetpeername: {sysGetpeername, "d&%", noSleep},
		abi.SysSendto:      {sysSendto, "dwuBUu", restartSA},
		abi.SysRecvfrom:    {sysRecvfrom, "druB&%", restartSA},
		abi.SysSendmsg:     {sysSendmsg, "d(B", restartSA},
		abi.SysRecvmsg:     {sysRecvmsg, "d)B", restartSA},
		abi.SysShutdown:    {sysShutdown, "dh", noSleep},
		abi.SysSetsockopt:  {sysSetsockopt, "dczxu", noSleep},
		abi.SysGetsockopt:  {sysGetsockopt, "dczxx", noSleep},
	})
}

// socketOf returns the socket behind descriptor fd: EBADF, or "ENOTSOCK
// The file descriptor sockfd does not refer to a socket".
func (c *call) socketOf(fd int32) (*socketFile, *OpenFile, error) {
	f, err := c.file(fd)
	if err != nil {
		return nil, nil, err
	}
	sf, ok := f.ops.(*socketFile)
	if !ok {
		return nil, nil, abi.ENOTSOCK
	}
	return sf, f, nil
}

// checkSocketArgs is __sys_socket's checks and unix_create's: flags
// beyond SOCK_NONBLOCK|SOCK_CLOEXEC EINVAL, a family that does not exist
// or is not AF_UNIX EAFNOSUPPORT, a type out of range EINVAL, a protocol
// other than 0 or PF_UNIX EPROTONOSUPPORT, another type ESOCKTNOSUPPORT.
// SOCK_RAW is SOCK_DGRAM ("Believe it or not BSD has AF_UNIX, SOCK_RAW").
func checkSocketArgs(domain int32, typ uint64, protocol int32, pair bool) (int, int, error) {
	flags := int(typ &^ abi.SOCK_TYPE_MASK)
	t := int(typ & abi.SOCK_TYPE_MASK)
	if flags&^(abi.SOCK_NONBLOCK|abi.SOCK_CLOEXEC) != 0 {
		return 0, 0, abi.EINVAL
	}
	switch {
	case domain < 0 || domain >= abi.AF_MAX:
		return 0, 0, abi.EAFNOSUPPORT
	case pair && (domain == abi.AF_INET || domain == abi.AF_INET6):
		return 0, 0, abi.EOPNOTSUPP // "EOPNOTSUPP The specified protocol does not support creation of socket pairs"
	case domain != abi.AF_UNIX:
		return 0, 0, abi.EAFNOSUPPORT
	case t >= abi.SOCK_MAX:
		return 0, 0, abi.EINVAL
	case protocol != 0 && protocol != abi.AF_UNIX:
		return 0, 0, abi.EPROTONOSUPPORT
	}
	switch t {
	case abi.SOCK_STREAM, abi.SOCK_DGRAM, abi.SOCK_SEQPACKET:
	case abi.SOCK_RAW:
		t = abi.SOCK_DGRAM
	default:
		return 0, 0, abi.ESOCKTNOSUPPORT
	}
	return t, flags, nil
}

// socketOpenFile makes the open file of socket s, which t made (socket,
// socketpair) or accepted: sock_alloc gives its inode t's ids and mode
// S_IFSOCK|0777.
func (k *Kernel) socketOpenFile(t *Task, s *unix.Socket, flags int) *OpenFile {
	return newOpenFile(&socketFile{k: k, s: s, ino: newAnonInode(t, abi.S_IFSOCK|0777)}, abi.O_RDWR|flags&abi.O_NONBLOCK)
}

// socket(2): (domain, type, protocol).
func sysSocket(c *call) (int64, error) {
	if int32(c.a[0]) == abi.AF_INET {
		flags := int(c.a[1] &^ abi.SOCK_TYPE_MASK)
		if flags&^(abi.SOCK_NONBLOCK|abi.SOCK_CLOEXEC) != 0 {
			return 0, abi.EINVAL
		}
		return inetSocket(c, int(c.a[1]&abi.SOCK_TYPE_MASK), flags, int32(c.a[2]))
	}
	typ, flags, err := checkSocketArgs(int32(c.a[0]), c.a[1], int32(c.a[2]), false)
	if err != nil {
		return 0, err
	}
	k := c.t.k
	return c.install(k.socketOpenFile(c.t, k.sockets().net.New(typ), flags), flags)
}

// socketpair(2): (domain, type, protocol, sv).
func sysSocketpair(c *call) (int64, error) {
	typ, flags, err := checkSocketArgs(int32(c.a[0]), c.a[1], int32(c.a[2]), true)
	if err != nil {
		return 0, err
	}
	k, t := c.t.k, c.t
	a, b := k.sockets().net.Pair(typ, peerCredOf(t))
	fa, fb := k.socketOpenFile(c.t, a, flags), k.socketOpenFile(c.t, b, flags)
	return c.installPair(fa, fb, flags&abi.SOCK_CLOEXEC != 0, c.a[3])
}

// bind(2): (sockfd, addr, addrlen).
func sysBind(c *call) (int64, error) {
	if f, _ := c.inetOf(int32(c.a[0])); f != nil {
		return inetBind(c, f)
	}
	sf, _, err := c.socketOf(int32(c.a[0]))
	if err != nil {
		return 0, err
	}
	raw, err := c.readSockaddr(c.a[1], int32(c.a[2]))
	if err != nil {
		return 0, err
	}
	if len(raw) == 2 && raw[0] == abi.AF_UNIX && raw[1] == 0 {
		return 0, sf.s.Autobind() // addrlen sizeof(sa_family_t): unix(7) "Autobind feature"
	}
	a, err := parseSockaddrUn(raw)
	if err != nil {
		return 0, err
	}
	if a.abstract != nil {
		return 0, sf.s.BindAbstract(a.abstract)
	}
	return 0, c.bindPath(sf.s, a.path)
}

// listen(2): (sockfd, backlog). "If the backlog argument is greater than
// the value in /proc/sys/net/core/somaxconn, then it is silently capped to
// that value" - listen(2); a negative one too, compared unsigned.
func sysListen(c *call) (int64, error) {
	if f, _ := c.inetOf(int32(c.a[0])); f != nil {
		return inetListen(c, f)
	}
	sf, _, err := c.socketOf(int32(c.a[0]))
	if err != nil {
		return 0, err
	}
	backlog := int32(c.a[1])
	if uint32(backlog) > unix.Somaxconn {
		backlog = unix.Somaxconn
	}
	return 0, sf.s.Listen(int(backlog), peerCredOf(c.t))
}

// accept(2): (sockfd, addr, addrlen).
func sysAccept(c *call) (int64, error) { return doAccept(c, 0) }

// accept4(2): (sockfd, addr, addrlen, flags).
func sysAccept4(c *call) (int64, error) { return doAccept(c, int(int32(c.a[3]))) }

// doAccept takes a pending connection. "EINVAL (accept4()) invalid value
// in flags"; the new descriptor does not inherit O_NONBLOCK ("On Linux,
// the new socket returned by accept() does not inherit file status flags
// such as O_NONBLOCK") - accept(2).
func doAccept(c *call, flags int) (int64, error) {
	if flags&^(abi.SOCK_NONBLOCK|abi.SOCK_CLOEXEC) != 0 {
		return 0, abi.EINVAL
	}
	// __sys_accept4_file takes the new descriptor before it asks the file
	// anything: with none free below the limit, EMFILE even for a file
	// that is no socket (ENOTSOCK) or no listener (EINVAL).
	if _, err := c.file(int32(c.a[0])); err != nil {
		return 0, err
	}
	if !c.t.Files.Free() {
		return 0, abi.EMFILE
	}
	if f, of := c.inetOf(int32(c.a[0])); f != nil {
		return inetAccept(c, f, of, flags)
	}
	sf, f, err := c.socketOf(int32(c.a[0]))
	if err != nil {
		return 0, err
	}
	conn, err := sf.s.Accept()
	if err != nil {
		return 0, sf.blockOr(err, f.nonblock())
	}
	nf := c.t.k.socketOpenFile(c.t, conn, flags)
	fd, ok := c.t.Files.Install(nf, 0, flags&abi.SOCK_CLOEXEC != 0)
	if !ok {
		nf.discard()
		return 0, abi.EMFILE
	}
	if c.a[1] != 0 {
		if err := c.putSockaddr(c.a[1], c.a[2], peerName(conn)); err != nil {
			c.t.Files.Close(fd)
			return 0, err
		}
	}
	return int64(fd), nil
}

// peerName is the name of s's peer, as getpeername gives it.
func peerName(s *unix.Socket) []byte {
	if p := s.Peer(); p != nil {
		return p.Addr()
	}
	return nil
}

// putSockaddr copies a socket address out (move_addr_to_user): as much as
// *addrlen allows, and the full length into *addrlen. An unbound socket's
// name is the family alone.
func (c *call) putSockaddr(va, lenVA uint64, name []byte) error {
	return c.putSockaddrRaw(va, lenVA, append([]byte{abi.AF_UNIX, 0}, name...))
}

// putSockaddrRaw copies the socket address full out: as much as *addrlen
// allows, and its length into *addrlen.
func (c *call) putSockaddrRaw(va, lenVA uint64, full []byte) error {
	as := c.t.AS
	var lb [4]byte
	if as.ReadBytes(lenVA, lb[:]) != nil {
		return abi.EFAULT
	}
	ulen := int32(binary.LittleEndian.Uint32(lb[:]))
	if ulen < 0 {
		return abi.EINVAL
	}
	c.addrPut, c.addrlenIn = true, ulen
	n := min(int(ulen), len(full))
	if n > 0 && as.WriteBytes(va, full[:n]) != nil {
		return abi.EFAULT
	}
	putInt32(lb[:], int32(len(full)))
	if as.WriteBytes(lenVA, lb[:]) != nil {
		return abi.EFAULT
	}
	return nil
}

// connect(2): (sockfd, addr, addrlen). A stream or seqpacket socket waits
// while the listener's backlog is full ("EAGAIN For nonblocking UNIX
// domain sockets, the socket is nonblocking, and the connection cannot be
// completed immediately" - connect(2)); a datagram socket only sets its
// peer, or drops it for AF_UNSPEC.
func sysConnect(c *call) (int64, error) {
	if f, of := c.inetOf(int32(c.a[0])); f != nil {
		return inetConnect(c, f, of)
	}
	sf, f, err := c.socketOf(int32(c.a[0]))
	if err != nil {
		return 0, err
	}
	s := sf.s
	raw, err := c.readSockaddr(c.a[1], int32(c.a[2]))
	if err != nil {
		return 0, err
	}
	if s.Type == abi.SOCK_DGRAM && len(raw) >= 2 && raw[0] == abi.AF_UNSPEC && raw[1] == 0 {
		return 0, s.ConnectDgram(nil) // "1003.1g breaking connected state with AF_UNSPEC"
	}
	a, err := parseSockaddrUn(raw)
	if err != nil {
		return 0, err
	}
	if s.PassCred() {
		if err := s.Autobind(); err != nil {
			return 0, err
		}
	}
	target, err := c.lookupSocket(a, s.Type)
	if err != nil {
		return 0, err
	}
	if s.Type == abi.SOCK_DGRAM {
		return 0, s.ConnectDgram(target)
	}
	return 0, sf.blockOr(s.Connect(target, peerCredOf(c.t)), f.nonblock())
}

// getsockname(2): (sockfd, addr, addrlen).
func sysGetsockname(c *call) (int64, error) {
	if f, _ := c.inetOf(int32(c.a[0])); f != nil {
		return inetGetsockname(c, f)
	}
	sf, _, err := c.socketOf(int32(c.a[0]))
	if err != nil {
		return 0, err
	}
	return 0, c.putSockaddr(c.a[1], c.a[2], sf.s.Addr())
}

// getpeername(2): "ENOTCONN The socket is not connected".
func sysGetpeername(c *call) (int64, error) {
	if f, _ := c.inetOf(int32(c.a[0])); f != nil {
		return inetGetpeername(c, f)
	}
	sf, _, err := c.socketOf(int32(c.a[0]))
	if err != nil {
		return 0, err
	}
	p := sf.s.Peer()
	if p == nil {
		return 0, abi.ENOTCONN
	}
	return 0, c.putSockaddr(c.a[1], c.a[2], p.Addr())
}

// shutdown(2): (sockfd, how).
func sysShutdown(c *call) (int64, error) {
	if f, _ := c.inetOf(int32(c.a[0])); f != nil {
		return inetShutdown(c, f)
	}
	sf, _, err := c.socketOf(int32(c.a[0]))
	if err != nil {
		return 0, err
	}
	return 0, sf.s.Shutdown(int(int32(c.a[1])))
}

// sendto(2): (sockfd, buf, len, flags, dest_addr, addrlen).
func sysSendto(c *call) (int64, error) {
	segs := [1]ioSeg{{c.a[1], c.a[2]}}
	var name []byte
	if c.a[4] != 0 {
		raw, err := c.readSockaddr(c.a[4], int32(c.a[5]))
		if err != nil {
			return 0, err
		}
		name = raw
	}
	return doSend(c, int32(c.a[0]), segs[:], int(int32(c.a[3])), name, nil)
}

// recvfrom(2): (sockfd, buf, len, flags, src_addr, addrlen).
func sysRecvfrom(c *call) (int64, error) {
	segs := [1]ioSeg{{c.a[1], c.a[2]}}
	if f, of := c.inetOf(int32(c.a[0])); f != nil {
		n, r, err := inetRecv(c, f, of, segs[:], int(int32(c.a[3])))
		if err != nil || r == nil || c.a[4] == 0 {
			return n, err
		}
		if f.s.Type == abi.SOCK_STREAM {
			// A stream names no sender: move_addr_to_user of nothing
			// (*addrlen checked, then 0).
			return n, c.putSockaddrRaw(c.a[4], c.a[5], nil)
		}
		return n, c.putSockaddrIn(c.a[4], c.a[5], r.From)
	}
	var into unix.Received
	n, r, err := doRecv(c, int32(c.a[0]), segs[:], int(int32(c.a[3])), &into)
	if err != nil || r == nil {
		return n, err
	}
	releaseUnreceived(r)
	if c.a[4] != 0 && r.From != nil {
		if err := c.putSockaddr(c.a[4], c.a[5], r.From); err != nil {
			return 0, err
		}
	} else if c.a[4] != 0 {
		if err := c.putSockaddrRaw(c.a[4], c.a[5], nil); err != nil { // no name: *addrlen = 0
			return 0, err
		}
	}
	return n, nil
}

// readSocket is read(2) and readv(2) on a socket: recv with no flags;
// descriptors that came along are closed (there is no control buffer).
func readSocket(c *call, fd int32, segs []ioSeg) (int64, error) {
	if f, of := c.inetOf(fd); f != nil {
		n, _, err := inetRecv(c, f, of, segs, 0)
		return n, err
	}
	var into unix.Received
	n, r, err := doRecv(c, fd, segs, 0, &into)
	if r != nil {
		releaseUnreceived(r)
	}
	return n, err
}

// releaseUnreceived drops descriptors a receive without a control buffer
// cannot pass on: "scm_destroy" - they are closed.
func releaseUnreceived(r *unix.Received) {
	if r.Ctl.Rights != nil && !r.Peeked {
		r.Ctl.Rights.Release()
	}
}

// doSend sends the user buffers segs on socket fd: send(2), sendto(2),
// sendmsg(2), write(2). name is the destination given, if any; ctl the
// control messages (sendmsg).
func doSend(c *call, fd int32, segs []ioSeg, flags int, name []byte, ctl *unix.Control) (int64, error) {
	if f, of := c.inetOf(fd); f != nil {
		return inetSend(c, f, of, segs, flags, name) // control messages: none for IPv4 here
	}
	sf, f, err := c.socketOf(fd)
	if err != nil {
		return 0, err
	}
	s := sf.s
	if flags&abi.MSG_OOB != 0 {
		return 0, abi.EOPNOTSUPP
	}
	nonblock := f.nonblock() || flags&abi.MSG_DONTWAIT != 0
	m := &unix.Message{Cred: credOf(c.t)}
	if ctl != nil && c.progress == 0 {
		m.Ctl = *ctl
	}
	defer func() {
		if m.Ctl.Rights != nil {
			m.Ctl.Rights.Release() // not sent
		}
	}()
	if name != nil {
		switch s.Type {
		case abi.SOCK_STREAM:
			if s.State() == unix.Connected {
				return 0, abi.EISCONN
			}
			return 0, abi.EOPNOTSUPP
		case abi.SOCK_DGRAM:
			a, err := parseSockaddrUn(name)
			if err != nil {
				return 0, err
			}
			m.Lookup = func() (*unix.Socket, error) { return c.lookupSocket(a, s.Type) }
			if c.t.k.tracing { // the receiving socket, for Event.Via (trace_moved.go)
				m.Lookup = func() (*unix.Socket, error) {
					to, err := c.lookupSocket(a, s.Type)
					if to != nil {
						c.t.k.moved.via = socketName(to)
					}
					return to, err
				}
			}
		}
	}
	total := segsLen(segs)
	c.total = total
	if s.Type != abi.SOCK_STREAM {
		buf := sendBuf(c, min(total, uint64(s.MaxDgram()+1)))
		if gather(c.t.AS, segs, 0, buf) < len(buf) {
			return 0, abi.EFAULT
		}
		m.Data = buf
		n, err := s.Send(m)
		if err != nil {
			return 0, sf.sendError(c, err, nonblock, flags)
		}
		return int64(n), nil
	}
	for c.progress < total || total == 0 {
		buf := sendBuf(c, min(total-c.progress, 1<<20))
		got := gather(c.t.AS, segs, c.progress, buf)
		m.Data = buf[:got]
		n, err := s.Send(m)
		c.progress += uint64(n)
		if err != nil {
			if _, block := err.(*unix.Blocked); block && !nonblock {
				return 0, sf.blockOr(err, false) // sleeps; the retry goes on from c.progress
			}
			if c.progress > 0 {
				break // a partial send counts; the error comes next time
			}
			return 0, sf.sendError(c, err, nonblock, flags)
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

// sendBuf returns a buffer of n bytes for a send to gather the user's
// bytes into. The socket copies them into its own buffers, so a send of at
// most ioChunk bytes uses the kernel's scratch buffer (fast path: no
// allocation per send); a bigger one gets a buffer of its own.
func sendBuf(c *call, n uint64) []byte {
	if n <= ioChunk {
		return c.t.k.scratchBuf(n)
	}
	return make([]byte, n)
}

// doRecv receives into the user buffers segs from socket fd: recv(2),
// recvfrom(2), recvmsg(2), read(2). It returns the call's result and what
// came (for the name and the control messages): into, filled, or nil.
// The bytes come through the kernel's scratch buffer, and into is the
// caller's (fast path: a receive allocates nothing).
func doRecv(c *call, fd int32, segs []ioSeg, flags int, into *unix.Received) (int64, *unix.Received, error) {
	sf, f, err := c.socketOf(fd)
	if err != nil {
		return 0, nil, err
	}
	s := sf.s
	nonblock := f.nonblock() || flags&abi.MSG_DONTWAIT != 0
	if nonblock {
		flags |= abi.MSG_DONTWAIT
	}
	total := segsLen(segs)
	scratch := c.t.k.scratchBuf(min(total, ioChunk))[:0]
	if s.Type != abi.SOCK_STREAM {
		got, err := s.RecvInto(into, scratch, int(min(total, math.MaxInt32)), flags, 0)
		if !got {
			return 0, nil, sf.blockOr(err, nonblock)
		}
		r := into
		if moved := scatter(c.t.AS, segs, r.Data); moved < len(r.Data) && moved == 0 {
			releaseUnreceived(r)
			return 0, nil, abi.EFAULT
		}
		n := len(r.Data)
		if flags&abi.MSG_TRUNC != 0 {
			n = r.Len // "return the real length of the packet or datagram" - recv(2)
		}
		return int64(n), r, nil
	}
	// need is how many bytes end the wait: one, or with MSG_WAITALL all of
	// them; never none, so a receive of no bytes still waits for data, end
	// of file or an error, and says EAGAIN if it must not wait (Linux's
	// sock_rcvlowat: "return v ?: 1").
	need := uint64(1)
	if flags&abi.MSG_WAITALL != 0 && flags&abi.MSG_PEEK == 0 {
		need = max(total, 1)
	}
	got, err := s.RecvInto(into, scratch, int(min(total-c.progress, math.MaxInt32)), flags, int(need-min(need, c.progress)))
	var r *unix.Received
	if got {
		r = into
	}
	if r != nil && len(r.Data) > 0 {
		if moved := scatterAt(c.t.AS, segs, c.progress, r.Data); moved < len(r.Data) {
			releaseUnreceived(r)
			if c.progress+uint64(moved) == 0 {
				return 0, nil, abi.EFAULT
			}
			return int64(c.progress) + int64(moved), nil, nil
		}
		if flags&abi.MSG_PEEK == 0 {
			c.progress += uint64(len(r.Data))
		} else {
			return int64(len(r.Data)), r, nil
		}
	}
	if err != nil {
		if _, block := err.(*unix.Blocked); block && !nonblock {
			if r != nil && r.Ctl.Rights != nil {
				return int64(c.progress), r, nil // descriptors end the read
			}
			return 0, nil, sf.blockOr(err, false)
		}
		if c.progress > 0 {
			return int64(c.progress), r, nil
		}
		return 0, nil, sf.blockOr(err, nonblock)
	}
	return int64(c.progress), r, nil
}

// scatterAt is scatter starting skip bytes into the buffers. The common
// case, a single buffer, builds no slice of what remains of them.
func scatterAt(as *proc.AddressSpace, segs []ioSeg, skip uint64, data []byte) int {
	if len(segs) == 1 {
		rest := [1]ioSeg{segs[0]}
		if skip >= rest[0].len {
			return scatter(as, nil, data)
		}
		rest[0].base += skip
		rest[0].len -= skip
		return scatter(as, rest[:], data)
	}
	var rest []ioSeg
	for _, s := range segs {
		if skip >= s.len {
			skip -= s.len
			continue
		}
		rest = append(rest, ioSeg{s.base + skip, s.len - skip})
		skip = 0
	}
	return scatter(as, rest, data)
}

package kernel

// sendmsg(2), recvmsg(2) and their control messages (cmsg(3),
// unix(7) "Ancillary messages"), getsockopt(2) and setsockopt(2).

import (
	"encoding/binary"
	"math"

	"ipcsim/abi"
	"ipcsim/ipc/unix"
)

// struct msghdr (LP64) and struct cmsghdr.
const (
	msghdrSize = 56
	cmsghdrLen = 16
	ucredSize  = 12
)

type msghdr struct {
	name       uint64
	namelen    uint32
	iov        uint64
	iovlen     uint64
	control    uint64
	controllen uint64
}

func (c *call) readMsghdr(va uint64) (msghdr, error) {
	var b [msghdrSize]byte
	if c.t.AS.ReadBytes(va, b[:]) != nil {
		return msghdr{}, abi.EFAULT
	}
	le := binary.LittleEndian
	return msghdr{name: le.Uint64(b[0:]), namelen: le.Uint32(b[8:]), iov: le.Uint64(b[16:]), iovlen: le.Uint64(b[24:]),
		control: le.Uint64(b[32:]), controllen: le.Uint64(b[40:])}, nil
}

func (c *call) msgIovec(h msghdr) ([]ioSeg, error) {
	if h.iovlen > uioMaxIOV {
		return nil, abi.EMSGSIZE
	}
	return readIovec(c.t.AS, h.iov, int32(h.iovlen))
}

func cmsgAlign(n int) int { return (n + 7) &^ 7 }

// sendmsg(2): (sockfd, msg, flags).
func sysSendmsg(c *call) (int64, error) {
	h, err := c.readMsghdr(c.a[1])
	if err != nil {
		return 0, err
	}
	segs, err := c.msgIovec(h)
	if err != nil {
		return 0, err
	}
	var name []byte
	if h.name != 0 && h.namelen != 0 {
		if name, err = c.readSockaddr(h.name, int32(h.namelen)); err != nil {
			return 0, err
		}
	}
	if f, _ := c.inetOf(int32(c.a[0])); f != nil {
		return doSend(c, int32(c.a[0]), segs, int(int32(c.a[2])), name, nil)
	}
	sf, _, err := c.socketOf(int32(c.a[0]))
	if err != nil {
		return 0, err
	}
	var raw []byte
	if h.controllen > 0 {
		// ____sys_sendmsg: ENOBUFS above INT_MAX, and when sock_kmalloc
		// refuses a buffer longer than net.core.optmem_max.
		if h.controllen > optmemMax {
			return 0, abi.ENOBUFS
		}
		raw = make([]byte, h.controllen)
		if c.t.AS.ReadBytes(h.control, raw) != nil {
			return 0, abi.EFAULT
		}
	}
	// A SOCK_SEQPACKET socket's own checks come before the control
	// messages' descriptors are looked up (EBADF).
	if err := sf.s.SendCheck(); err != nil {
		return 0, err
	}
	var ctl *unix.Control
	if raw != nil {
		if ctl, err = c.parseControl(raw); err != nil {
			return 0, err
		}
	}
	// doSend releases the descriptors it does not send; a sleeping call
	// takes them again when it is retried.
	return doSend(c, int32(c.a[0]), segs, int(int32(c.a[2])), name, ctl)
}

// parseControl is __scm_send: SCM_RIGHTS (at most SCM_MAX_FD descriptors,
// each open: EBADF) and SCM_CREDENTIALS (the sender's own ids unless
// privileged: EPERM); a malformed header or another type EINVAL.
func (c *call) parseControl(raw []byte) (*unix.Control, error) {
	t := c.t
	ctl := &unix.Control{}
	var files []*OpenFile
	le := binary.LittleEndian
	for off := 0; off+cmsghdrLen <= len(raw); {
		clen := le.Uint64(raw[off:])
		level := int32(le.Uint32(raw[off+8:]))
		typ := int32(le.Uint32(raw[off+12:]))
		if clen < cmsghdrLen || clen > uint64(len(raw)-off) {
			return nil, abi.EINVAL
		}
		data := raw[off+cmsghdrLen : off+int(clen)]
		if level == abi.SOL_SOCKET {
			switch typ {
			case abi.SCM_RIGHTS:
				num := len(data) / 4
				if len(files)+num > abi.SCM_MAX_FD {
					return nil, abi.EINVAL
				}
				for i := range num {
					f, err := c.file(int32(le.Uint32(data[4*i:])))
					if err != nil {
						return nil, err
					}
					files = append(files, f)
				}
			case abi.SCM_CREDENTIALS:
				if clen != cmsghdrLen+ucredSize {
					return nil, abi.EINVAL
				}
				cr := unix.Cred{PID: int(int32(le.Uint32(data))), UID: int(int32(le.Uint32(data[4:]))), GID: int(int32(le.Uint32(data[8:])))}
				root := t.EUID == 0
				if !(cr.PID == t.PID || root) ||
					!(cr.UID == t.UID || cr.UID == t.EUID || cr.UID == t.SUID || root) ||
					!(cr.GID == t.GID || cr.GID == t.EGID || cr.GID == t.SGID || root) {
					return nil, abi.EPERM
				}
				ctl.Cred = &cr
			default:
				return nil, abi.EINVAL
			}
		}
		off += cmsgAlign(int(clen))
	}
	if len(files) > 0 {
		// too_many_unix_fds: "ETOOMANYREFS ... the number of in-flight
		// file descriptors exceeds the RLIMIT_NOFILE resource limit and
		// the caller does not have the CAP_SYS_RESOURCE capability" -
		// unix(7). In-flight descriptors are counted per real user.
		st := t.k.sockets()
		if st.inflight[t.UID] > maxInflight && t.EUID != 0 {
			return nil, abi.ETOOMANYREFS
		}
		for _, f := range files {
			f.IncRef()
		}
		st.inflight[t.UID] += len(files)
		ctl.Rights = &rightsInFlight{st: st, uid: t.UID, files: files}
	}
	return ctl, nil
}

// optmemMax is net.core.optmem_max, Linux's default since 6.9 (128 KiB;
// 20480 before): the longest control buffer sendmsg copies in.
const optmemMax = 128 << 10

// maxInflight is RLIMIT_NOFILE, which in-flight descriptors may exceed
// by one message's worth.
const maxInflight = 1024

// recvmsg(2): (sockfd, msg, flags).
func sysRecvmsg(c *call) (int64, error) {
	h, err := c.readMsghdr(c.a[1])
	if err != nil {
		return 0, err
	}
	segs, err := c.msgIovec(h)
	if err != nil {
		return 0, err
	}
	flags := int(int32(c.a[2]))
	if f, of := c.inetOf(int32(c.a[0])); f != nil {
		return inetRecvmsg(c, f, of, h, segs, flags)
	}
	sf, _, err := c.socketOf(int32(c.a[0]))
	if err != nil {
		return 0, err
	}
	var into unix.Received
	n, r, err := doRecv(c, int32(c.a[0]), segs, flags, &into)
	if err != nil {
		return 0, err
	}
	outFlags := uint32(flags & abi.MSG_CMSG_CLOEXEC)
	puts := true // control messages
	if r == nil || r.End {
		// Nothing came (the end): a stream socket still puts its control
		// messages, from scm_recv's zeroed cookie (credentials pid 0, uid
		// and gid 0); a datagram or record socket puts none
		// (__unix_dgram_recvmsg returns before scm_recv).
		r = &unix.Received{Ctl: unix.Control{Cred: &unix.Cred{}}}
		puts = sf.s.Type == abi.SOCK_STREAM
	}
	if sf.s.Type != abi.SOCK_STREAM && r.Len > len(r.Data) {
		outFlags |= abi.MSG_TRUNC
	}
	as := c.t.AS
	le := binary.LittleEndian
	namelen := uint32(0)
	if h.name != 0 && r.From != nil {
		full := append([]byte{abi.AF_UNIX, 0}, r.From...)
		if as.WriteBytes(h.name, full[:min(len(full), int(h.namelen))]) != nil {
			releaseUnreceived(r)
			return 0, abi.EFAULT
		}
		namelen = uint32(len(full))
	}
	used, ctrunc := 0, false
	if puts {
		if used, ctrunc, err = c.putControl(sf.s, r, h.control, h.controllen, flags); err != nil {
			return 0, err
		}
	}
	if ctrunc {
		outFlags |= abi.MSG_CTRUNC
	}
	var b [8]byte
	le.PutUint32(b[:4], namelen)
	if as.WriteBytes(c.a[1]+8, b[:4]) != nil {
		return 0, abi.EFAULT
	}
	le.PutUint64(b[:], uint64(used))
	if as.WriteBytes(c.a[1]+40, b[:]) != nil {
		return 0, abi.EFAULT
	}
	le.PutUint32(b[:4], outFlags)
	if as.WriteBytes(c.a[1]+48, b[:4]) != nil {
		return 0, abi.EFAULT
	}
	return n, nil
}

// putControl writes the control messages of a receive (scm_recv): the
// sender's credentials if the socket passes them, then the descriptors,
// each installed in the receiver's table. What does not fit is cut, and
// MSG_CTRUNC says so; descriptors that do not fit are closed.
func (c *call) putControl(s *unix.Socket, r *unix.Received, va, size uint64, flags int) (used int, ctrunc bool, err error) {
	defer releaseUnreceived(r)
	if va == 0 {
		return 0, s.PassCred() || r.Ctl.Rights != nil, nil
	}
	as := c.t.AS
	le := binary.LittleEndian
	room := int(min(size, math.MaxInt32))
	put := func(typ int32, data []byte) error {
		cmlen := cmsghdrLen + len(data)
		if room < cmlen {
			ctrunc = true
			cmlen = room
		}
		if cmlen < cmsghdrLen {
			return nil
		}
		buf := make([]byte, cmlen)
		le.PutUint64(buf, uint64(cmlen))
		le.PutUint32(buf[8:], abi.SOL_SOCKET)
		le.PutUint32(buf[12:], uint32(typ))
		copy(buf[cmsghdrLen:], data)
		if as.WriteBytes(va+uint64(used), buf) != nil {
			return abi.EFAULT
		}
		step := min(cmsghdrLen+cmsgAlign(len(data)), room)
		used += step
		room -= step
		return nil
	}
	if s.PassCred() {
		cr := unix.Cred{PID: 0, UID: 65534, GID: 65534} // no credentials came: the overflow ids
		if r.Ctl.Cred != nil {
			cr = *r.Ctl.Cred
		}
		var d [ucredSize]byte
		le.PutUint32(d[0:], uint32(int32(cr.PID)))
		le.PutUint32(d[4:], uint32(int32(cr.UID)))
		le.PutUint32(d[8:], uint32(int32(cr.GID)))
		if err := put(abi.SCM_CREDENTIALS, d[:]); err != nil {
			return 0, false, err
		}
	}
	if rights, ok := r.Ctl.Rights.(*rightsInFlight); ok {
		fdmax := 0
		if room > cmsghdrLen {
			fdmax = (room - cmsghdrLen) / 4
		}
		var fds []byte
		for i := 0; i < min(fdmax, len(rights.files)); i++ {
			fd, ok := c.t.Files.Install(rights.files[i], 0, flags&abi.MSG_CMSG_CLOEXEC != 0)
			if !ok {
				break
			}
			fds = binary.LittleEndian.AppendUint32(fds, uint32(fd))
		}
		if len(fds) > 0 {
			if err := put(abi.SCM_RIGHTS, fds); err != nil {
				return 0, false, err
			}
		}
		if len(fds)/4 < len(rights.files) {
			ctrunc = true
		}
	}
	return used, ctrunc, nil
}

// getsockopt(2): (sockfd, level, optname, optval, optlen), SOL_SOCKET
// only ("EOPNOTSUPP" for another level on a Unix socket). An int option
// fills at most optlen bytes; *optlen says how many.
func sysGetsockopt(c *call) (int64, error) {
	if f, _ := c.inetOf(int32(c.a[0])); f != nil {
		return inetGetsockopt(c, f)
	}
	sf, _, err := c.socketOf(int32(c.a[0]))
	if err != nil {
		return 0, err
	}
	if int32(c.a[1]) != abi.SOL_SOCKET {
		return 0, abi.EOPNOTSUPP
	}
	ulen, err := c.readOptlen()
	if err != nil {
		return 0, err
	}
	s := sf.s
	var val []byte
	i32 := func(v int) []byte { return binary.LittleEndian.AppendUint32(nil, uint32(int32(v))) }
	switch int32(c.a[2]) {
	case abi.SO_TYPE:
		val = i32(s.Type)
	case abi.SO_ERROR:
		val = i32(int(s.TakeError()))
	case abi.SO_SNDBUF:
		val = i32(s.Sndbuf())
	case abi.SO_RCVBUF:
		val = i32(s.Rcvbuf())
	case abi.SO_PASSCRED:
		val = i32(b2i(s.PassCred()))
	case abi.SO_ACCEPTCONN:
		val = i32(b2i(s.State() == unix.Listening))
	case abi.SO_REUSEADDR:
		val = i32(b2i(s.ReuseAddr))
	case abi.SO_KEEPALIVE:
		val = i32(b2i(s.KeepAlive))
	case abi.SO_DOMAIN:
		val = i32(abi.AF_UNIX)
	case abi.SO_PROTOCOL:
		val = i32(0)
	case abi.SO_PEERCRED:
		cr := unix.Cred{PID: 0, UID: -1, GID: -1}
		if p := s.PeerCred(); p != nil {
			cr = *p
		}
		val = append(append(i32(cr.PID), i32(cr.UID)...), i32(cr.GID)...)
	default:
		return 0, abi.ENOPROTOOPT
	}
	return 0, c.putOptval(val, ulen)
}

// readOptlen reads getsockopt's *optlen: EFAULT, or EINVAL if negative.
func (c *call) readOptlen() (int32, error) {
	var lb [4]byte
	if c.t.AS.ReadBytes(c.a[4], lb[:]) != nil {
		return 0, abi.EFAULT
	}
	ulen := int32(binary.LittleEndian.Uint32(lb[:]))
	if ulen < 0 {
		return 0, abi.EINVAL
	}
	return ulen, nil
}

// putOptval writes an option's value for getsockopt: at most ulen bytes
// of it, and how many into *optlen.
func (c *call) putOptval(val []byte, ulen int32) error {
	n := min(int(ulen), len(val))
	if c.t.AS.WriteBytes(c.a[3], val[:n]) != nil {
		return abi.EFAULT
	}
	var lb [4]byte
	putInt32(lb[:], int32(n))
	if c.t.AS.WriteBytes(c.a[4], lb[:]) != nil {
		return abi.EFAULT
	}
	return nil
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// setsockopt(2): (sockfd, level, optname, optval, optlen). "EINVAL optlen
// invalid"; the read-only options and unknown ones ENOPROTOOPT.
func sysSetsockopt(c *call) (int64, error) {
	if f, _ := c.inetOf(int32(c.a[0])); f != nil {
		return inetSetsockopt(c, f)
	}
	sf, _, err := c.socketOf(int32(c.a[0]))
	if err != nil {
		return 0, err
	}
	if int32(c.a[1]) != abi.SOL_SOCKET {
		return 0, abi.EOPNOTSUPP
	}
	if int32(c.a[4]) < 4 {
		return 0, abi.EINVAL
	}
	var b [4]byte
	if c.t.AS.ReadBytes(c.a[3], b[:]) != nil {
		return 0, abi.EFAULT
	}
	val := binary.LittleEndian.Uint32(b[:])
	s := sf.s
	switch int32(c.a[2]) {
	case abi.SO_SNDBUF:
		s.SetSndbuf(val)
	case abi.SO_RCVBUF:
		s.SetRcvbuf(val)
	case abi.SO_PASSCRED:
		s.SetPassCred(val != 0)
	case abi.SO_REUSEADDR:
		s.ReuseAddr = val != 0
	case abi.SO_KEEPALIVE:
		s.KeepAlive = val != 0
	default:
		return 0, abi.ENOPROTOOPT
	}
	return 0, nil
}

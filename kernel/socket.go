package kernel

import (
	"errors"
	"fmt"

	"ipcsim/abi"
	"ipcsim/ipc/unix"
	"ipcsim/proc"
	"ipcsim/sched"
)

// Unix domain sockets as files. The socket is package unix; this file
// gives it a file (socketFile), ties path names to it (an S_IFSOCK node
// of the name space), and carries descriptors in flight (SCM_RIGHTS).

// socketTable is the kernel's sockets: the package's table, the path
// each bound socket holds, and the descriptors in flight per user.
type socketTable struct {
	net      *unix.Net
	byNode   map[*node]*unix.Socket // a path's socket (looked up, never iterated)
	nodeOf   map[*unix.Socket]*node // a socket's path (looked up, never iterated)
	inflight map[int]int            // descriptors in flight by the sender's real uid (user->unix_inflight)
	inGC     bool                   // collectGarbage is running (the releases it causes must not start it again)
}

// sockets returns the table, made at the first socket.
func (k *Kernel) sockets() *socketTable {
	if k.socks == nil {
		st := &socketTable{net: unix.NewNet(), byNode: map[*node]*unix.Socket{},
			nodeOf: map[*unix.Socket]*node{}, inflight: map[int]int{}}
		st.net.OnRelease(func(s *unix.Socket) {
			if n, ok := st.nodeOf[s]; ok {
				// The node stays, a socket file nobody listens on:
				// connecting gives ECONNREFUSED, binding EADDRINUSE.
				delete(st.byNode, n)
				delete(st.nodeOf, s)
			}
		})
		k.socks = st
	}
	return k.socks
}

// socketFile is a socket as an open file.
type socketFile struct {
	k   *Kernel
	s   *unix.Socket
	ino *anonInode

	// lastBlocked and lastBlock are the last *unix.Blocked that blockOr
	// turned into a sleep, and the sleep it made: the socket answers every
	// read of its empty queue with the same *unix.Blocked, so a blocked
	// read reuses its blockError (fast path: no allocation per block).
	lastBlocked *unix.Blocked
	lastBlock   *blockError
}

func (f *socketFile) Name() string { return socketName(f.s) }

// Read is recv(2) with no flags: "The only difference between recv() and
// read(2) is the presence of flags" - recv(2).
func (f *socketFile) Read(c *call, dst []byte, nonblock bool) (int, error) {
	flags := 0
	if nonblock {
		flags = abi.MSG_DONTWAIT
	}
	r, err := f.s.Recv(len(dst), flags, min(1, len(dst)))
	if r != nil {
		if r.Ctl.Rights != nil && !r.Peeked {
			r.Ctl.Rights.Release() // no control buffer: the descriptors are lost
		}
		copy(dst, r.Data)
		if len(r.Data) > 0 || err == nil {
			return len(r.Data), nil
		}
	}
	return 0, f.blockOr(err, nonblock)
}

// Write is send(2) with no flags.
func (f *socketFile) Write(c *call, src []byte, nonblock bool) (int, error) {
	n, err := f.s.Send(&unix.Message{Data: src, Cred: credOf(c.t)})
	if err != nil && n == 0 {
		return 0, f.sendError(c, err, nonblock, 0)
	}
	return n, nil
}

// blockOr turns the socket's *unix.Blocked into EAGAIN or what the call
// sleeps on.
func (f *socketFile) blockOr(err error, nonblock bool) error {
	b, ok := err.(*unix.Blocked) // the socket never wraps it
	if !ok {
		return err
	}
	if nonblock {
		return abi.EAGAIN
	}
	if b != f.lastBlocked {
		f.lastBlocked = b
		f.lastBlock = &blockError{q: b.Queue, mask: b.Mask, reason: b.Reason}
	}
	return f.lastBlock
}

// sendError turns a send's error into the call's: SIGPIPE for a stream
// shut for writing (unless MSG_NOSIGNAL), EAGAIN or a sleep for a full
// buffer.
func (f *socketFile) sendError(c *call, err error, nonblock bool, flags int) error {
	if errors.Is(err, unix.ErrBrokenPipe) {
		if flags&abi.MSG_NOSIGNAL == 0 {
			f.k.sendThreadSignal(c.t, abi.SIGPIPE, proc.SigInfo{Code: abi.SI_USER, PID: c.t.PID},
				fmt.Sprintf("send on %s, which is shut for writing", f.Name()))
		}
		return abi.EPIPE
	}
	return f.blockOr(err, nonblock)
}

func (f *socketFile) Readiness() sched.EventMask { return f.s.Readiness() }
func (f *socketFile) Queue() *sched.WaitQueue    { return &f.s.Queue }

// Release closes the socket, and then, while descriptors are in flight,
// looks for sockets only they keep alive, as unix_release_sock runs
// unix_gc.
func (f *socketFile) Release() {
	f.s.Close()
	f.k.sockets().collectGarbage()
}

// credOf is a process's credentials as SCM_CREDENTIALS sends them (the
// real ids: current_uid_gid).
func credOf(t *Task) unix.Cred { return unix.Cred{PID: t.PID, UID: t.UID, GID: t.GID} }

// peerCredOf is what SO_PEERCRED reports of a process (the effective ids).
func peerCredOf(t *Task) unix.Cred { return unix.Cred{PID: t.PID, UID: t.EUID, GID: t.EGID} }

// rightsInFlight is the descriptors one message carries: each open file
// held by the message, counted against the sender's user until the
// message is read or dropped (unix_inflight).
type rightsInFlight struct {
	st    *socketTable
	uid   int
	files []*OpenFile
}

func (r *rightsInFlight) Count() int { return len(r.files) }

// Release drops the message's hold on its files: they were installed in
// the receiver's table, or the message was dropped unread.
func (r *rightsInFlight) Release() {
	files := r.files
	r.files = nil
	r.st.inflight[r.uid] -= len(files)
	for _, f := range files {
		f.DecRef()
	}
}

// collectGarbage is unix_gc. A socket whose every reference is a message in
// flight, in the queue of a socket in the same state (a socket sent over
// itself, or two sent over each other, and then closed by every process),
// can never be received: no process can read those queues. Nothing else
// would free it, or the name it is bound to, so the collector throws those
// messages away, which releases the sockets.
//
// The candidates are the sockets all of whose references are in flight.
// One that a message in the queue of a socket that is not a candidate
// holds is alive, and so is every candidate a message in an alive one's
// queue holds; the rest are garbage, and the messages holding them go.
// (Linux 6.10 and later find the same sockets by strongly connected
// components; the answer is the same.) Maps are only looked up: the walks
// follow the sockets' table and queues, in their order.
func (st *socketTable) collectGarbage() {
	if st.inGC {
		return
	}
	inflight := 0
	for _, n := range st.inflight {
		inflight += n
	}
	if inflight == 0 {
		return
	}
	st.inGC = true
	defer func() { st.inGC = false }()

	// eachRights calls f with the descriptors of each message in s's
	// queue, and in the queues of its connections not yet accepted (only
	// a listener reaches them: unix_gc's scan_children).
	eachRights := func(s *unix.Socket, pending bool, f func(*rightsInFlight)) {
		visit := func(_ *unix.Socket, _, _ int, _ bool, r unix.Rights) {
			if rf, ok := r.(*rightsInFlight); ok {
				f(rf)
			}
		}
		s.Buffers(visit)
		if pending {
			for _, c := range s.Pending() {
				c.Buffers(visit)
			}
		}
	}
	// held: how many messages in flight hold each socket's open file.
	held := map[*OpenFile]int{}
	var files []*OpenFile // the same files, in the order first met
	// Every socket, pending connections too: each queue once.
	for _, s := range st.net.Sockets() {
		eachRights(s, false, func(rf *rightsInFlight) {
			for _, f := range rf.files {
				if _, ok := f.ops.(*socketFile); ok {
					if held[f] == 0 {
						files = append(files, f)
					}
					held[f]++
				}
			}
		})
	}
	var cands []*OpenFile
	isCand := map[*OpenFile]bool{}
	for _, f := range files {
		if held[f] == f.refs {
			cands = append(cands, f)
			isCand[f] = true
		}
	}
	// outside: the references to each candidate that are not in a
	// candidate's queue.
	outside := map[*OpenFile]int{}
	for _, c := range cands {
		outside[c] += c.refs
		eachRights(c.ops.(*socketFile).s, true, func(rf *rightsInFlight) {
			for _, f := range rf.files {
				if isCand[f] {
					outside[f]--
				}
			}
		})
	}
	alive := map[*OpenFile]bool{}
	var work []*OpenFile
	for _, c := range cands {
		if outside[c] > 0 {
			alive[c] = true
			work = append(work, c)
		}
	}
	for len(work) > 0 {
		a := work[len(work)-1]
		work = work[:len(work)-1]
		eachRights(a.ops.(*socketFile).s, true, func(rf *rightsInFlight) {
			for _, f := range rf.files {
				if isCand[f] && !alive[f] {
					alive[f] = true
					work = append(work, f)
				}
			}
		})
	}
	garbage := map[*OpenFile]bool{}
	var socks []*unix.Socket
	for _, c := range cands {
		if !alive[c] {
			garbage[c] = true
			socks = append(socks, c.ops.(*socketFile).s)
		}
	}
	holdsGarbage := func(r unix.Rights) bool {
		rf, ok := r.(*rightsInFlight)
		if !ok {
			return false
		}
		for _, f := range rf.files {
			if garbage[f] {
				return true
			}
		}
		return false
	}
	for _, s := range socks {
		s.DropRights(holdsGarbage)
	}
}

// sockaddr is a decoded struct sockaddr_un.
type sockaddr struct {
	family   int
	path     string // a path name (sun_path[0] != 0)
	abstract []byte // an abstract name, its leading NUL included
}

// sockaddrUnLen is sizeof(struct sockaddr_un); sockaddrMax sizeof(struct
// sockaddr_storage), the most move_addr_to_kernel takes.
const (
	sockaddrUnLen = 2 + unix.PathMax
	sockaddrMax   = 128
)

// readSockaddr copies a socket address in (move_addr_to_kernel): "EINVAL
// addrlen is wrong", EFAULT.
func (c *call) readSockaddr(va uint64, n int32) ([]byte, error) {
	if n < 0 || n > sockaddrMax {
		return nil, abi.EINVAL
	}
	raw := make([]byte, n)
	if c.t.AS.ReadBytes(va, raw) != nil {
		return nil, abi.EFAULT
	}
	return raw, nil
}

// parseSockaddrUn is unix_validate_addr and unix_mkname_bsd: a family of
// AF_UNIX and a name of at least one byte; a path ends at its first NUL.
func parseSockaddrUn(raw []byte) (sockaddr, error) {
	if len(raw) <= 2 || len(raw) > sockaddrUnLen {
		return sockaddr{}, abi.EINVAL
	}
	a := sockaddr{family: int(raw[0]) | int(raw[1])<<8}
	if a.family != abi.AF_UNIX {
		return sockaddr{}, abi.EINVAL
	}
	p := raw[2:]
	if p[0] == 0 {
		a.abstract = append([]byte(nil), p...)
		return a, nil
	}
	for i, b := range p {
		if b == 0 {
			p = p[:i]
			break
		}
	}
	a.path = string(p)
	return a, nil
}

// lookupSocket finds the socket of type typ named by a: unix_find_bsd
// ("ENOENT The file in the remote address ... does not exist", EACCES
// without write permission on the socket file, ECONNREFUSED when no
// socket is bound there, EPROTOTYPE for another type) or
// unix_find_abstract (ECONNREFUSED).
func (c *call) lookupSocket(a sockaddr, typ int) (*unix.Socket, error) {
	st := c.t.k.sockets()
	if a.abstract != nil {
		if s := st.net.LookupAbstract(typ, a.abstract); s != nil {
			return s, nil
		}
		return nil, abi.ECONNREFUSED
	}
	r, err := c.resolvePath(abi.AT_FDCWD, a.path)
	if err != nil {
		return nil, err
	}
	if r.n == nil {
		return nil, abi.ENOENT
	}
	if err := r.n.permission(c.t, abi.MAY_WRITE); err != nil {
		return nil, err
	}
	s := st.byNode[r.n]
	if r.n.mode&abi.S_IFMT != abi.S_IFSOCK || s == nil {
		return nil, abi.ECONNREFUSED
	}
	if s.Type != typ {
		return nil, abi.EPROTOTYPE
	}
	return s, nil
}

// bindPath is unix_bind_bsd: the socket file is made first (EADDRINUSE if
// the name exists, even as a socket file nobody holds; the directory needs
// write and search permission as for any new entry), then the socket
// takes it, or it is removed again if the socket was bound already.
func (c *call) bindPath(s *unix.Socket, path string) error {
	r, err := c.resolvePath(abi.AT_FDCWD, path)
	if err != nil {
		return err
	}
	n, err := r.create(c.t, abi.S_IFSOCK|0777&^c.t.umask)
	if errors.Is(err, abi.EEXIST) {
		return abi.EADDRINUSE
	}
	if err != nil {
		return err
	}
	if err := s.BindPath(path); err != nil {
		delete(r.dir.children, n.name)
		n.removed = true
		return err
	}
	st := c.t.k.sockets()
	st.byNode[n] = s
	st.nodeOf[s] = n
	return nil
}

// formatSockaddr renders a socket address as strace does:
// {sa_family=AF_UNIX, sun_path="/tmp/s"}, abstract names with a leading @.
func formatSockaddr(raw []byte) string {
	if len(raw) < 2 {
		return "{sa_family=???}"
	}
	fam := int(raw[0]) | int(raw[1])<<8
	if fam == abi.AF_INET && len(raw) >= abi.SizeofSockaddrIn {
		_, a, _ := parseSockaddrIn(raw)
		return fmt.Sprintf("{sa_family=AF_INET, sin_port=htons(%d), sin_addr=inet_addr(\"%s\")}", a.Port(), a.Addr())
	}
	if fam != abi.AF_UNIX {
		return fmt.Sprintf("{sa_family=%s}", familyName(fam))
	}
	p := raw[2:]
	if len(p) == 0 {
		return "{sa_family=AF_UNIX}"
	}
	if p[0] == 0 {
		return fmt.Sprintf("{sa_family=AF_UNIX, sun_path=@%s}", quoteBytes(p[1:], 108))
	}
	for i, b := range p {
		if b == 0 {
			p = p[:i]
			break
		}
	}
	return fmt.Sprintf("{sa_family=AF_UNIX, sun_path=%s}", quoteBytes(p, 108))
}

func familyName(f int) string {
	switch f {
	case abi.AF_UNSPEC:
		return "AF_UNSPEC"
	case abi.AF_UNIX:
		return "AF_UNIX"
	case abi.AF_INET:
		return "AF_INET"
	case abi.AF_INET6:
		return "AF_INET6"
	}
	return fmt.Sprint(f)
}

// sockTypeName renders socket's type argument: SOCK_STREAM|SOCK_CLOEXEC.
func sockTypeName(v uint64) string {
	names := map[uint64]string{abi.SOCK_STREAM: "SOCK_STREAM", abi.SOCK_DGRAM: "SOCK_DGRAM", abi.SOCK_SEQPACKET: "SOCK_SEQPACKET", abi.SOCK_RAW: "SOCK_RAW"}
	t, ok := names[v&abi.SOCK_TYPE_MASK]
	if !ok {
		t = fmt.Sprint(v & abi.SOCK_TYPE_MASK)
	}
	if rest := flagNames(v&^abi.SOCK_TYPE_MASK, sockFlags); rest != "0" {
		return t + "|" + rest
	}
	return t
}

var (
	sockFlags = []flagName{{abi.SOCK_NONBLOCK, "SOCK_NONBLOCK"}, {abi.SOCK_CLOEXEC, "SOCK_CLOEXEC"}}
	msgFlags  = []flagName{{abi.MSG_OOB, "MSG_OOB"}, {abi.MSG_PEEK, "MSG_PEEK"}, {abi.MSG_CTRUNC, "MSG_CTRUNC"}, {abi.MSG_TRUNC, "MSG_TRUNC"},
		{abi.MSG_DONTWAIT, "MSG_DONTWAIT"}, {abi.MSG_EOR, "MSG_EOR"}, {abi.MSG_WAITALL, "MSG_WAITALL"}, {abi.MSG_NOSIGNAL, "MSG_NOSIGNAL"}, {abi.MSG_CMSG_CLOEXEC, "MSG_CMSG_CLOEXEC"}}
	sockoptNames = map[int32]string{abi.SO_TYPE: "SO_TYPE", abi.SO_ERROR: "SO_ERROR", abi.SO_SNDBUF: "SO_SNDBUF", abi.SO_RCVBUF: "SO_RCVBUF",
		abi.SO_PASSCRED: "SO_PASSCRED", abi.SO_PEERCRED: "SO_PEERCRED", abi.SO_ACCEPTCONN: "SO_ACCEPTCONN", abi.SO_PROTOCOL: "SO_PROTOCOL", abi.SO_DOMAIN: "SO_DOMAIN",
		abi.SO_REUSEADDR: "SO_REUSEADDR", abi.SO_KEEPALIVE: "SO_KEEPALIVE", abi.SO_LINGER: "SO_LINGER", abi.SO_REUSEPORT: "SO_REUSEPORT"}
	tcpoptNames = map[int32]string{abi.TCP_NODELAY: "TCP_NODELAY", abi.TCP_MAXSEG: "TCP_MAXSEG", abi.TCP_KEEPIDLE: "TCP_KEEPIDLE",
		abi.TCP_KEEPINTVL: "TCP_KEEPINTVL", abi.TCP_KEEPCNT: "TCP_KEEPCNT", abi.TCP_INFO: "TCP_INFO"}
)

// formatSockArg decodes the socket calls' argument letters:
//
//	A address family   b socket type and flags   y SOCK_* flags alone
//	U socket address (its length is the next argument)
//	B MSG_* flags   c sockopt level   z sockopt name   h shutdown's how
//	& socket address the call writes (shown after the call; its socklen_t
//	  pointer is the next argument)   % that socklen_t: [16], [128 => 16]
//	( struct msghdr sent   ) struct msghdr received (shown after the call)
//
// (trace_iovec.go renders the last four.)
func (k *Kernel) formatSockArg(c *call, i int, kind byte, ret int64, done bool) (string, bool) {
	v := c.a[i]
	as := c.peek()
	switch kind {
	case '&', '%', ')':
		s, ok := "", false
		if done && ret >= 0 {
			switch kind {
			case '&':
				s, ok = formatSockaddrOut(c, v, c.a[i+1])
			case '%':
				s, ok = formatSocklen(c, v)
			case ')':
				s, ok = formatMsghdr(as, v, ret)
			}
		}
		if !ok {
			s = pointerArg(v) // nothing written yet, or the call failed
		}
		return s, true
	case '(':
		if s, ok := formatMsghdr(as, v, -1); ok {
			return s, true
		}
		return pointerArg(v), true
	case 'A':
		return familyName(int(int32(v))), true
	case 'b':
		return sockTypeName(v), true
	case 'y':
		return flagNames(v, sockFlags), true
	case 'B':
		return flagNames(uint64(uint32(v)), msgFlags), true
	case 'c':
		switch int32(v) {
		case abi.SOL_SOCKET:
			return "SOL_SOCKET", true
		case abi.SOL_TCP:
			return "SOL_TCP", true
		}
		return fmt.Sprint(int32(v)), true
	case 'z':
		names := sockoptNames
		if int32(c.a[i-1]) == abi.SOL_TCP {
			names = tcpoptNames
		}
		if name, ok := names[int32(v)]; ok {
			return name, true
		}
		return fmt.Sprint(int32(v)), true
	case 'h':
		if h := int32(v); h >= 0 && h <= 2 {
			return [...]string{"SHUT_RD", "SHUT_WR", "SHUT_RDWR"}[h], true
		}
		return fmt.Sprint(int32(v)), true
	case 'U':
		return formatSockaddrAt(as, v, int64(int32(c.a[i+1]))), true
	}
	return "", false
}

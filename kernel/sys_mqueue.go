package kernel

import (
	"encoding/binary"
	"fmt"

	"ipcsim/abi"
	"ipcsim/ipc/mqueue"
	"ipcsim/proc"
	"ipcsim/sched"
)

// POSIX message queues: mq_open(3), mq_unlink(3), mq_timedsend(3),
// mq_timedreceive(3), mq_notify(3), mq_getsetattr(2). The queue is package
// mqueue; its descriptors are files (mqFile), so close, dup, fork, ppoll
// and pselect6 work on them.

func init() {
	register(map[abi.Sysno]sysEntry{
		abi.SysMqOpen:         {sysMqOpen, "sOo$", noSleep},
		abi.SysMqUnlink:       {sysMqUnlink, "s", noSleep},
		abi.SysMqTimedsend:    {sysMqTimedsend, "dwuuT", restartSA},
		abi.SysMqTimedreceive: {sysMqTimedreceive, "dru*T", restartSA},
		abi.SysMqNotify:       {sysMqNotify, "dx", noSleep},
		abi.SysMqGetsetattr:   {sysMqGetsetattr, "d$!", noSleep},
	})
}

func (k *Kernel) mqueues() *mqueue.Namespace {
	if k.mqNS == nil {
		k.mqNS = mqueue.NewNamespace()
	}
	return k.mqNS
}

// mqFile is an open message queue description.
type mqFile struct {
	k    *Kernel
	q    *mqueue.Queue
	pos  int64  // read(2) offset in the status line (lseek moves it)
	name string // "mqueue /" and the queue's name, made once: the trace asks at every call
}

func (f *mqFile) Name() string { return f.name }

// Read returns the queue's status line, as reading a file of /dev/mqueue
// does: "QSIZE:129 NOTIFY:2 SIGNO:0 NOTIFY_PID:8260" - mq_overview(7).
func (f *mqFile) Read(_ *call, dst []byte, _ bool) (int, error) {
	n := f.readAt(dst, f.pos)
	f.pos += int64(n)
	return n, nil
}

// readAt copies the status line from offset off into dst (pread(2)).
func (f *mqFile) readAt(dst []byte, off int64) int {
	line := mqStatus(f.q)
	if off >= int64(len(line)) {
		return 0
	}
	return copy(dst, line[off:])
}

// seek: the queue's file keeps an offset as any file does (default_llseek);
// its size is the 80 bytes it claims (mqueue.FileSize), or what ftruncate
// set.
func (f *mqFile) seek(off int64, whence int32) (int64, error) {
	return seekWithin(&f.pos, f.q.Size, off, whence)
}

// Write: the queue's file has no write operation (EINVAL).
func (f *mqFile) Write(*call, []byte, bool) (int, error) { return 0, abi.EINVAL }

func (f *mqFile) Readiness() sched.EventMask { return f.q.Readiness() }
func (f *mqFile) Queue() *sched.WaitQueue    { return &f.q.Poll }

// Release: the last close of the description. A registration of the
// process is dropped as Linux's mqueue_flush_file does on a close by the
// registered process.
func (f *mqFile) Release() {
	if n := f.q.Notification(); n != nil && f.k.cur != nil && f.k.cur.PID == n.PID {
		f.q.SetNotify(n.PID, nil)
	}
	f.k.mqueues().Close(f.q)
}

func mqStatus(q *mqueue.Queue) string {
	size := 0
	for m := q.Head(); m != nil; m = m.Next() {
		size += len(m.Data)
	}
	var notify, signo, pid int
	if n := q.Notification(); n != nil {
		notify, pid = n.Notify, n.PID
		if n.Notify == abi.SIGEV_SIGNAL {
			signo = n.Signo
		}
	}
	return fmt.Sprintf("QSIZE:%-10d NOTIFY:%-5d SIGNO:%-5d NOTIFY_PID:%-6d\n", size, notify, signo, pid)
}

// mqName reads a queue name (without the leading slash: "the C library
// strips it", riscv64-abi-notes) as getname and lookup_one_len check it.
func mqName(c *call, va uint64) (string, error) {
	name, err := mqNameIn(c, va)
	if err != nil {
		return "", err
	}
	return name, checkMqName(c, name)
}

// mqNameIn is getname's part of mqName: the name copied in (EFAULT, or
// ENAMETOOLONG past PATH_MAX).
func mqNameIn(c *call, va uint64) (string, error) {
	name, ok, err := c.t.AS.ReadString(va, 4095)
	switch {
	case err != nil:
		return "", abi.EFAULT
	case !ok:
		return "", abi.ENAMETOOLONG
	}
	return name, nil
}

// checkMqName is lookup_one_len's part of mqName: what the name may hold.
func checkMqName(c *call, name string) error {
	err := mqueue.CheckName(name)
	if err == abi.EACCES && len(name) > 1 && name[0] == '/' && c.t.k.tracing {
		// The C library's mq_open("/name") passes "name": the raw call
		// takes the name without its slash, and a slash in it is EACCES.
		c.t.k.emit(c.t, "note", fmt.Sprintf("%v(%q): EACCES, as Linux answers a name with a slash: the system call takes the name without the leading '/' (the C library's mq_open and mq_unlink strip it): %q", c.no, name, name[1:]))
	}
	return err
}

// struct mq_attr: mq_flags, mq_maxmsg, mq_msgsize, mq_curmsgs (longs),
// then four reserved longs.
const mqAttrSize = 64

// mq_open(3): (name, oflag, mode, attr).
func sysMqOpen(c *call) (int64, error) {
	t, k := c.t, c.t.k
	oflag := int(int32(c.a[1]))
	var attr *mqueue.Attr
	if c.a[3] != 0 {
		var b [mqAttrSize]byte
		if t.AS.ReadBytes(c.a[3], b[:]) != nil {
			return 0, abi.EFAULT
		}
		attr = &mqueue.Attr{MaxMsg: int64(binary.LittleEndian.Uint64(b[8:])), MsgSize: int64(binary.LittleEndian.Uint64(b[16:]))}
	}
	// do_mq_open copies the name in, then takes the descriptor, and only
	// then looks the name up: EMFILE comes before the name's and the
	// queue's own errors.
	name, err := mqNameIn(c, c.a[0])
	if err != nil {
		return 0, err
	}
	if !t.Files.Free() {
		return 0, abi.EMFILE
	}
	if err := checkMqName(c, name); err != nil {
		return 0, err
	}
	q, err := k.mqueues().Open(name, oflag, int(c.a[2])&0777&^int(t.umask), attr, mqCreator(t))
	if err != nil {
		return 0, err
	}
	q.Open()
	f := newOpenFile(&mqFile{k: k, q: q, name: "mqueue /" + q.Name}, oflag&(abi.O_ACCMODE|abi.O_NONBLOCK))
	// do_mq_open: get_unused_fd_flags(O_CLOEXEC) - the descriptor is always
	// close-on-exec.
	fd, ok := t.Files.Install(f, 0, true)
	if !ok {
		f.discard()
		return 0, abi.EMFILE
	}
	return int64(fd), nil
}

// mq_unlink(3): (name).
func sysMqUnlink(c *call) (int64, error) {
	name, err := mqName(c, c.a[0])
	if err != nil {
		return 0, err
	}
	return 0, c.t.k.mqueues().Unlink(name, mqCreator(c.t))
}

// mqCreator is the caller as the queues' permission checks see it.
func mqCreator(t *Task) mqueue.Creator {
	return mqueue.Creator{UID: t.EUID, GID: t.EGID, Groups: t.Groups, Privileged: t.EUID == 0}
}

// mqFileOf returns the queue behind descriptor fd: "EBADF: The descriptor
// specified in mqdes was invalid or not opened for" the access asked.
func mqFileOf(c *call, fd int32) (*OpenFile, *mqFile, error) {
	f, err := c.file(fd)
	if err != nil {
		return nil, nil, err
	}
	mf, ok := f.ops.(*mqFile)
	if !ok {
		return nil, nil, abi.EBADF
	}
	return f, mf, nil
}

// mqTimeout reads the absolute CLOCK_REALTIME timeout once, at the start
// of a call. Linux checks it before anything else (prepare_timeout in the
// syscall entry), so a bad one is EINVAL even when the call would not
// block. (mq_send(3) describes POSIX's "EINVAL: The call would have
// blocked, and abs_timeout was invalid"; the kernel is stricter.)
func (c *call) mqTimeout(va uint64) error {
	if c.started {
		return nil
	}
	c.started = true
	return c.readTimeout(va, timeoutRealtime)
}

// mq_timedsend(3): (mqdes, msg_ptr, msg_len, msg_prio, abs_timeout).
func sysMqTimedsend(c *call) (int64, error) {
	t, k := c.t, c.t.k
	if s, ok := record[*mqueue.Sender](c); ok {
		// Woken: a receiver took our message into the queue, or the
		// deadline came.
		if s.Answered() {
			if k.tracing {
				k.moved.msg = s.Msg.Seq()
			}
			return 0, nil
		}
		if c.expired() {
			return 0, abi.ETIMEDOUT
		}
		return 0, mqBlock(c, s.Queue.SenderList(), s, fmt.Sprintf("mqueue /%s full", s.Queue.Name))
	}
	if err := c.mqTimeout(c.a[4]); err != nil {
		return 0, err
	}
	prio := c.a[3] & 0xffffffff
	if prio >= mqueue.PrioMax {
		return 0, abi.EINVAL
	}
	f, mf, err := mqFileOf(c, int32(c.a[0]))
	if err != nil {
		return 0, err
	}
	q := mf.q
	if !f.writable() {
		return 0, abi.EBADF
	}
	// "EMSGSIZE: msg_len was greater than the mq_msgsize attribute"
	if c.a[2] > uint64(q.MsgSize) {
		return 0, abi.EMSGSIZE
	}
	// The text comes through the kernel's scratch buffer into a message
	// the queue recycles (fast path: no allocation per send).
	var data []byte
	if c.a[2] <= ioChunk {
		data = k.scratchBuf(c.a[2])
	} else {
		data = make([]byte, c.a[2]) // a queue made by a privileged caller with a bigger mq_msgsize
	}
	if t.AS.ReadBytes(c.a[1], data) != nil {
		return 0, abi.EFAULT
	}
	m := q.CopyMessage(uint32(prio), data)
	r, n, err := q.SendMessage(m)
	switch {
	case err == nil:
		if k.tracing {
			k.moved.msg = q.Sent()
		}
		if r != nil && k.tracing {
			k.traceHand(t, abi.SysMqTimedsend, q.Name, int64(prio), int64(len(data)), r.PID)
		}
		if n != nil {
			k.mqNotify(t, q, n)
		}
		return 0, nil
	case err == mqueue.ErrFull: // the queue returns its sentinels as they are
		if f.nonblock() {
			return 0, abi.EAGAIN
		}
		if c.expired() {
			return 0, abi.ETIMEDOUT
		}
		s := mqueue.NewSender(q, t, t.PID, m.Data, uint32(prio))
		return 0, mqBlock(c, q.SenderList(), s, fmt.Sprintf("mqueue /%s full (%d/%d messages)", q.Name, q.CurMsgs, q.MaxMsg))
	}
	return 0, err
}

// mqBlock is the sleep of a send: its record on the queue's list until a
// receiver answers it, a signal, or the deadline. (A receive sleeps in
// the task's reused record: call.mqReceive, waits.go.)
func mqBlock(c *call, list *sched.WaitQueue, rec sched.Recorder, reason string) error {
	return &blockError{q: list, rec: rec, why: c.orUntil(reason)}
}

// mq_timedreceive(3): (mqdes, msg_ptr, msg_len, msg_prio, abs_timeout).
func sysMqTimedreceive(c *call) (int64, error) {
	t, k := c.t, c.t.k
	if r, ok := record[*mqueue.Receiver](c); ok {
		if r.Answered() {
			m := r.Msg
			r.Msg = nil
			if k.tracing {
				k.moved.msg = m.Seq()
			}
			n, err := mqCopyOut(c, m)
			r.Queue.Recycle(m) // handed over, copied out: the next send's node
			return n, err
		}
		if c.expired() {
			return 0, abi.ETIMEDOUT
		}
		return 0, c.mqReceive(r.Queue, r)
	}
	if err := c.mqTimeout(c.a[4]); err != nil {
		return 0, err
	}
	f, mf, err := mqFileOf(c, int32(c.a[0]))
	if err != nil {
		return 0, err
	}
	q := mf.q
	if !f.readable() {
		return 0, abi.EBADF
	}
	// "EMSGSIZE: msg_len was less than the mq_msgsize attribute of the
	// message queue."
	if c.a[2] < uint64(q.MsgSize) {
		return 0, abi.EMSGSIZE
	}
	m, s, err := q.Receive()
	switch {
	case err == nil:
		if s != nil && k.tracing {
			k.emit(t, "ipc", fmt.Sprintf("mq_timedreceive(/%s) makes room: pid %d's waiting message (priority %d) goes into the queue",
				q.Name, s.PID, s.Msg.Prio))
		}
		if k.tracing {
			k.moved.msg = m.Seq()
		}
		n, err := mqCopyOut(c, m)
		q.Recycle(m) // off the list and copied out: the next send's node
		return n, err
	case err == mqueue.ErrEmpty: // the queue returns its sentinels as they are
		if f.nonblock() {
			return 0, abi.EAGAIN
		}
		if c.expired() {
			return 0, abi.ETIMEDOUT
		}
		return 0, c.mqReceive(q, nil)
	}
	return 0, err
}

// mqCopyOut writes the priority (if asked) and the text, and returns the
// length; the message is gone from the queue either way.
func mqCopyOut(c *call, m *mqueue.Message) (int64, error) {
	if va := c.a[3]; va != 0 {
		var b [4]byte
		binary.LittleEndian.PutUint32(b[:], m.Prio)
		if c.t.AS.WriteBytes(va, b[:]) != nil {
			return 0, abi.EFAULT
		}
	}
	if c.t.AS.WriteBytes(c.a[1], m.Data) != nil {
		return 0, abi.EFAULT
	}
	return int64(len(m.Data)), nil
}

// mqNotify fires a registration: "SIGEV_SIGNAL: Notify the process by
// sending the signal specified in sigev_signo. ... the si_code field will
// be set to SI_MESGQ" and si_pid, si_uid are the sender's - mq_notify(3).
func (k *Kernel) mqNotify(sender *Task, q *mqueue.Queue, n *mqueue.Notification) {
	if n.Notify != abi.SIGEV_SIGNAL || n.Signo == 0 {
		return
	}
	target := k.tasks[n.PID]
	if target == nil || target.Process.State == proc.Zombie {
		return
	}
	k.sendSignal(target, abi.Signal(n.Signo), proc.SigInfo{Code: abi.SI_MESGQ, PID: sender.PID, UID: sender.UID, Value: n.Value},
		fmt.Sprintf("mq_notify: a message arrived in the empty mqueue /%s", q.Name))
}

// struct sigevent: sigev_value (8 bytes), sigev_signo (int), sigev_notify
// (int), then a union; 64 bytes in all.
const sigeventSize = 64

// mq_notify(3): (mqdes, sevp).
func sysMqNotify(c *call) (int64, error) {
	t := c.t
	var n *mqueue.Notification
	if c.a[1] != 0 {
		var b [sigeventSize]byte
		if t.AS.ReadBytes(c.a[1], b[:]) != nil {
			return 0, abi.EFAULT
		}
		le := binary.LittleEndian
		n = &mqueue.Notification{PID: t.PID, Value: le.Uint64(b[0:]), Signo: int(int32(le.Uint32(b[8:]))), Notify: int(int32(le.Uint32(b[12:])))}
		switch n.Notify {
		case abi.SIGEV_NONE:
		case abi.SIGEV_SIGNAL:
			if n.Signo < 0 || n.Signo > abi.NSIG {
				return 0, abi.EINVAL
			}
		case abi.SIGEV_THREAD:
			// Linux reads a 32-byte cookie at sigev_value and wants a
			// netlink socket at descriptor sigev_signo; there are no
			// netlink sockets here.
			var cookie [32]byte
			if t.AS.ReadBytes(n.Value, cookie[:]) != nil {
				return 0, abi.EFAULT
			}
			if _, err := c.file(int32(n.Signo)); err != nil {
				return 0, err
			}
			return 0, abi.ENOTSOCK
		default:
			return 0, abi.EINVAL
		}
	}
	_, mf, err := mqFileOf(c, int32(c.a[0]))
	if err != nil {
		return 0, err
	}
	// Linux drops a registration when its process closes a descriptor of
	// the queue (mqueue_flush_file), which includes its exit: a
	// registration of a dead process is gone.
	if old := mf.q.Notification(); old != nil {
		if owner := c.t.k.tasks[old.PID]; owner == nil || owner.Process.State == proc.Zombie {
			mf.q.SetNotify(old.PID, nil)
		}
	}
	if mf.q.SetNotify(t.PID, n) != nil {
		return 0, abi.EBUSY
	}
	return 0, nil
}

// mq_getsetattr(2): (mqdes, newattr, oldattr). Only O_NONBLOCK can be
// changed: "The only attribute that can be modified is the setting of the
// O_NONBLOCK flag in mq_flags" - mq_getattr(3).
func sysMqGetsetattr(c *call) (int64, error) {
	t := c.t
	le := binary.LittleEndian
	var set bool
	var flags uint64
	if c.a[1] != 0 {
		var b [mqAttrSize]byte
		if t.AS.ReadBytes(c.a[1], b[:]) != nil {
			return 0, abi.EFAULT
		}
		flags, set = le.Uint64(b[0:]), true
		if flags&^abi.O_NONBLOCK != 0 {
			return 0, abi.EINVAL
		}
	}
	f, mf, err := mqFileOf(c, int32(c.a[0]))
	if err != nil {
		return 0, err
	}
	var old [mqAttrSize]byte
	le.PutUint64(old[0:], uint64(f.flags&abi.O_NONBLOCK))
	le.PutUint64(old[8:], uint64(mf.q.MaxMsg))
	le.PutUint64(old[16:], uint64(mf.q.MsgSize))
	le.PutUint64(old[24:], uint64(mf.q.CurMsgs))
	if set {
		f.flags = f.flags&^abi.O_NONBLOCK | int(flags)
	}
	if c.a[2] != 0 && t.AS.WriteBytes(c.a[2], old[:]) != nil {
		return 0, abi.EFAULT
	}
	return 0, nil
}

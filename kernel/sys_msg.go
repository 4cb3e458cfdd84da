package kernel

import (
	"encoding/binary"
	"fmt"

	"ipcsim/abi"
	"ipcsim/ipc/msgq"
	"ipcsim/ipc/sysv"
)

// System V message queues: msgget(2), msgsnd(2), msgrcv(2), msgctl(2). The
// queue is package msgq; the handlers decode arguments, call it and map
// its answers to errnos or a sleep.

func init() {
	register(map[abi.Sysno]sysEntry{
		abi.SysMsgget: {sysMsgget, "Ki", noSleep},
		abi.SysMsgsnd: {sysMsgsnd, "d<ug", restartNever},
		abi.SysMsgrcv: {sysMsgrcv, "d>ulg", restartNever},
		abi.SysMsgctl: {sysMsgctl, "dQx", noSleep},
	})
}

// msgQueues returns the registry of queues, made at the first use.
func (k *Kernel) msgQueues() *sysv.Registry[*msgq.Queue] {
	if k.msgIDs == nil {
		k.msgIDs = sysv.New[*msgq.Queue](msgq.MSGMNI)
	}
	return k.msgIDs
}

// creds returns the caller's credentials for System V permission checks.
func (t *Task) creds() sysv.Creds {
	return sysv.Creds{UID: t.UID, EUID: t.EUID, GID: t.GID, EGID: t.EGID, Groups: t.Groups}
}

// realtime returns CLOCK_REALTIME in whole seconds (the SysV time fields).
func (k *Kernel) realtime() int64 { return bootEpoch + int64(k.Now()/CyclesPerSecond) }

// msgget(2): (key, msgflg).
func sysMsgget(c *call) (int64, error) {
	k := c.t.k
	now := k.realtime()
	q, err := k.msgQueues().Get(int32(c.a[0]), int(int32(c.a[1])), c.t.creds(),
		func(p sysv.Perm) (*msgq.Queue, error) { return msgq.New(p, now), nil })
	if err != nil {
		return 0, err
	}
	return int64(q.ID()), nil
}

// msgsnd(2): (msqid, msgp, msgsz, msgflg); msgp points at struct msgbuf
// {long mtype; char mtext[msgsz]}.
func sysMsgsnd(c *call) (int64, error) {
	t, k := c.t, c.t.k
	id, va, size, flags := int32(c.a[0]), c.a[1], int64(c.a[2]), int(int32(c.a[3]))
	var q *msgq.Queue
	var m *msgq.Message
	s, woken := record[*msgq.Sender](c)
	if woken {
		// Woken: "if (!ipc_valid_object(&msq->q_perm)) err = -EIDRM"
		// before trying again with the same message.
		q, m = s.Queue, s.Msg
		if q.Removed() {
			return 0, abi.EIDRM
		}
	} else {
		// ksys_msgsnd reads mtype first, then do_msgsnd checks: "EINVAL:
		// Invalid msqid value, or nonpositive mtype value, or invalid
		// msgsz value (less than 0 or greater than the system value
		// MSGMAX)".
		var b [8]byte
		if t.AS.ReadBytes(va, b[:]) != nil {
			return 0, abi.EFAULT
		}
		typ := int64(binary.LittleEndian.Uint64(b[:]))
		if size < 0 || size > msgq.MSGMAX || id < 0 || typ < 1 {
			return 0, abi.EINVAL
		}
		// The text comes through the kernel's scratch buffer into a
		// message the queue recycles (fast path: no allocation per send).
		data := k.scratchBuf(uint64(size)) // size <= MSGMAX < ioChunk
		if t.AS.ReadBytes(va+8, data) != nil {
			return 0, abi.EFAULT
		}
		var ok bool
		if q, ok = k.msgQueues().Lookup(int(id)); !ok {
			return 0, abi.EINVAL
		}
		m = q.CopyMessage(typ, data)
	}
	r, err := q.Send(m, t.PID, t.creds(), k.realtime())
	switch {
	case err == nil:
		if k.tracing {
			k.moved.obj, k.moved.msg = q.Name(), m.Seq()
		}
		if r != nil && k.tracing {
			k.traceHand(t, abi.SysMsgsnd, q.Name(), m.Type, int64(m.Size), r.PID)
		}
		return 0, nil
	case err == msgq.ErrFull: // the queue returns its sentinels as they are
		if flags&abi.IPC_NOWAIT != 0 {
			return 0, abi.EAGAIN
		}
		if !woken {
			s = msgq.NewSender(q, t, t.PID, m)
		}
		// A sender woken without room goes to the tail again, as in
		// Linux's loop (ss_del after the wakeup, ss_add before the next
		// sleep).
		return 0, &blockError{q: q.SenderList(), rec: s, tail: true, why: func() string {
			return fmt.Sprintf("%s full (%d/%d bytes, %d messages), needs room for %d bytes",
				q.Name(), q.CBytes, q.QBytes, q.QNum, m.Size)
		}}
	}
	return 0, err
}

// msgrcv(2): (msqid, msgp, msgsz, msgtyp, msgflg).
func sysMsgrcv(c *call) (int64, error) {
	t, k := c.t, c.t.k
	id, va, size, typ, flags := int32(c.a[0]), c.a[1], int64(c.a[2]), int64(c.a[3]), int(int32(c.a[4]))
	var q *msgq.Queue
	r, woken := record[*msgq.Receiver](c)
	if woken {
		// Woken: a sender may have handed us a message, or an error
		// (E2BIG, EIDRM), which win over anything else - as in Linux,
		// even over a signal that came at the same time.
		if m := r.Msg; m != nil {
			r.Msg = nil
			if k.tracing {
				k.moved.obj, k.moved.msg = r.Queue.Name(), m.Seq()
			}
			n, err := msgCopyOut(c, va, size, m)
			r.Queue.Recycle(m) // handed over, copied out: the next send's node
			return n, err
		}
		if r.Err != nil {
			return 0, r.Err
		}
		q = r.Queue
	} else {
		if id < 0 || size < 0 {
			return 0, abi.EINVAL
		}
		// "EINVAL: MSG_COPY was specified in msgflg, and IPC_NOWAIT was not
		// specified", "MSG_COPY and MSG_EXCEPT were specified".
		if flags&abi.MSG_COPY != 0 && (flags&abi.MSG_EXCEPT != 0 || flags&abi.IPC_NOWAIT == 0) {
			return 0, abi.EINVAL
		}
		var ok bool
		if q, ok = k.msgQueues().Lookup(int(id)); !ok {
			return 0, abi.EINVAL
		}
	}
	req := msgq.Request{Type: typ, Flags: flags, Size: int(size), PID: t.PID}
	m, err := q.Receive(req, t.creds(), k.realtime())
	switch {
	case err == nil:
		if k.tracing && flags&abi.MSG_COPY == 0 { // a copy leaves the message in the queue
			k.moved.obj, k.moved.msg = q.Name(), m.Seq()
		}
		n, err := msgCopyOut(c, va, size, m)
		if flags&abi.MSG_COPY == 0 {
			q.Recycle(m) // off the list and copied out: the next send's node
		}
		return n, err
	case err == msgq.ErrNoMessage: // the queue returns its sentinels as they are
		// "ENOMSG: IPC_NOWAIT was specified in msgflg and no message of
		// the requested type existed on the message queue."
		if flags&abi.IPC_NOWAIT != 0 {
			return 0, abi.ENOMSG
		}
		return 0, c.msgReceive(q, req, r)
	}
	return 0, err
}

// msgCopyOut is do_msg_fill: mtype, then min(msgsz, length) bytes of text
// ("If MSG_NOERROR is specified, then the message text will be
// truncated"). The message is already off the queue: a bad buffer loses it.
func msgCopyOut(c *call, va uint64, size int64, m *msgq.Message) (int64, error) {
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], uint64(m.Type))
	if c.t.AS.WriteBytes(va, b[:]) != nil {
		return 0, abi.EFAULT
	}
	n := min(int64(m.Size), size)
	if c.t.AS.WriteBytes(va+8, m.Data[:n]) != nil {
		return 0, abi.EFAULT
	}
	return n, nil
}

// Layout of struct msqid64_ds on LP64 (include/uapi/asm-generic/msgbuf.h):
// struct ipc64_perm (48 bytes: key, uid, gid, cuid, cgid, mode, seq), then
// msg_stime, msg_rtime, msg_ctime, msg_cbytes, msg_qnum, msg_qbytes (8
// bytes each), msg_lspid, msg_lrpid (4 bytes each) and two unused longs.
const (
	msqidDsSize = 120
	msqCBytes   = 72
	msqQNum     = 80
	msqQBytes   = 88
	msqLSPID    = 96
	msqLRPID    = 100
	msgInfoSize = 32 // struct msginfo: seven ints and an unsigned short
)

func putPerm(b []byte, p *sysv.Perm) {
	le := binary.LittleEndian
	le.PutUint32(b[0:], uint32(p.Key))
	le.PutUint32(b[4:], uint32(p.UID))
	le.PutUint32(b[8:], uint32(p.GID))
	le.PutUint32(b[12:], uint32(p.CUID))
	le.PutUint32(b[16:], uint32(p.CGID))
	le.PutUint32(b[20:], uint32(p.Mode))
	le.PutUint16(b[24:], p.Seq)
}

func msqidDs(q *msgq.Queue) [msqidDsSize]byte {
	var b [msqidDsSize]byte
	le := binary.LittleEndian
	putPerm(b[:], q.IPCPerm())
	le.PutUint64(b[48:], uint64(q.STime))
	le.PutUint64(b[56:], uint64(q.RTime))
	le.PutUint64(b[64:], uint64(q.CTime))
	le.PutUint64(b[msqCBytes:], uint64(q.CBytes))
	le.PutUint64(b[msqQNum:], uint64(q.QNum))
	le.PutUint64(b[msqQBytes:], uint64(q.QBytes))
	le.PutUint32(b[msqLSPID:], uint32(q.LSPID))
	le.PutUint32(b[msqLRPID:], uint32(q.LRPID))
	return b
}

// msgctl(2): (msqid, cmd, buf). riscv64 has no IPC_64 flag to strip: the
// commands are the plain numbers (riscv64-abi-notes).
func sysMsgctl(c *call) (int64, error) {
	t, k := c.t, c.t.k
	id, cmd, va := int32(c.a[0]), int32(c.a[1]), c.a[2]
	reg := k.msgQueues()
	if id < 0 || cmd < 0 {
		return 0, abi.EINVAL
	}
	switch cmd {
	case abi.IPC_INFO, abi.MSG_INFO:
		return msgInfo(c, cmd == abi.MSG_INFO)
	case abi.IPC_STAT, abi.MSG_STAT, abi.MSG_STAT_ANY:
		var q *msgq.Queue
		var ok bool
		if cmd == abi.IPC_STAT {
			q, ok = reg.Lookup(int(id))
		} else {
			q, ok = reg.AtIndex(int(id)) // MSG_STAT takes an index
		}
		if !ok {
			return 0, abi.EINVAL
		}
		// "EACCES: The argument cmd is equal to IPC_STAT or MSG_STAT, but
		// the calling process does not have read permission"
		if cmd != abi.MSG_STAT_ANY && !q.IPCPerm().Permitted(t.creds(), 0444) {
			return 0, abi.EACCES
		}
		b := msqidDs(q)
		if t.AS.WriteBytes(va, b[:]) != nil {
			return 0, abi.EFAULT
		}
		if cmd == abi.IPC_STAT {
			return 0, nil
		}
		return int64(q.ID()), nil
	case abi.IPC_SET, abi.IPC_RMID:
		var b [msqidDsSize]byte
		if cmd == abi.IPC_SET && t.AS.ReadBytes(va, b[:]) != nil {
			return 0, abi.EFAULT
		}
		q, ok := reg.Lookup(int(id))
		if !ok {
			return 0, abi.EINVAL
		}
		// "EPERM: The argument cmd has the value IPC_SET or IPC_RMID, but
		// the effective user ID of the calling process is not the creator
		// ... or the owner ... and the caller is not privileged".
		cr := t.creds()
		if !q.IPCPerm().OwnedBy(cr) {
			return 0, abi.EPERM
		}
		if cmd == abi.IPC_RMID {
			reg.Remove(q)
			if k.tracing && (len(q.Receivers()) > 0 || len(q.Senders()) > 0) {
				k.emit(t, "ipc", fmt.Sprintf("msgctl(IPC_RMID) removes %s: every waiter wakes with EIDRM", q.Name()))
			}
			q.Remove()
			return 0, nil
		}
		le := binary.LittleEndian
		qbytes := le.Uint64(b[msqQBytes:])
		// "EPERM: An attempt was made to increase the value of msg_qbytes
		// beyond the system parameter MSGMNB, but the caller is not
		// privileged (Linux: does not have the CAP_SYS_RESOURCE
		// capability)."
		if qbytes > msgq.MSGMNB && !cr.Privileged() {
			return 0, abi.EPERM
		}
		q.Set(int(le.Uint32(b[4:])), int(le.Uint32(b[8:])), int(le.Uint32(b[20:])), int(min(qbytes, 1<<62)), k.realtime())
		return 0, nil
	}
	return 0, abi.EINVAL
}

// msgInfo is IPC_INFO and MSG_INFO: struct msginfo with the limits (and,
// for MSG_INFO, msgpool = queues, msgmap = messages, msgtql = bytes in
// use); the result is the highest index in use.
func msgInfo(c *call, usage bool) (int64, error) {
	reg := c.t.k.msgQueues()
	vals := [7]int32{
		msgq.MSGMNI * msgq.MSGMNB / 1024, // msgpool (MSGPOOL, KiB)
		msgq.MSGMNB,                      // msgmap
		msgq.MSGMAX,                      // msgmax
		msgq.MSGMNB,                      // msgmnb
		msgq.MSGMNI,                      // msgmni
		16,                               // msgssz
		msgq.MSGMNB,                      // msgtql
	}
	if usage {
		var msgs, bytes int
		for _, q := range reg.All() {
			msgs += q.QNum
			bytes += q.CBytes
		}
		vals[0], vals[1], vals[6] = int32(reg.Len()), int32(msgs), int32(bytes)
	}
	var b [msgInfoSize]byte
	for i, v := range vals {
		binary.LittleEndian.PutUint32(b[4*i:], uint32(v))
	}
	binary.LittleEndian.PutUint16(b[28:], 0xffff) // msgseg, capped at USHRT_MAX
	if c.t.AS.WriteBytes(c.a[2], b[:]) != nil {
		return 0, abi.EFAULT
	}
	return int64(max(reg.MaxIndex(), 0)), nil
}

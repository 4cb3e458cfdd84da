// Package msgq is the System V message queue (msgget(2), msgsnd(2),
// msgrcv(2), msgctl(2)): a linked list of messages, each with a type, kept
// in the order they were sent, with a limit on the bytes it holds, and two
// lists of processes waiting: senders for room, receivers for a message.
//
// A Queue never blocks. Send and Receive return ErrFull or ErrNoMessage
// when they cannot proceed; the kernel then adds a Sender or Receiver
// record and sleeps. As Linux does (ipc/msg.c pipelined_send), a message
// sent while receivers wait is handed straight to the first one that wants
// it, without entering the list: the record carries it to its process.
package msgq

import (
	"errors"
	"strconv"

	"ipcsim/abi"
	"ipcsim/ipc/sysv"
	"ipcsim/sched"
)

// Limits of msgop(2) and msgget(2) (Linux's defaults since 3.19).
const (
	// MSGMAX: "Maximum size in bytes for a message" (msgsnd: EINVAL above).
	MSGMAX = 8192
	// MSGMNB: "Maximum number of bytes that can be held in a message queue",
	// the default msg_qbytes of a new queue.
	MSGMNB = 16384
	// MSGMNI: "System-wide limit on the number of message queues".
	MSGMNI = 32000
)

// Errors of the non-blocking operations. Where the kernel must choose
// between sleeping and failing (a flag decides) the answer is a sentinel;
// where the meaning is fixed it is the errno itself, which the kernel
// returns as it is.
var (
	// ErrFull: no room for the message: sleep, or EAGAIN with IPC_NOWAIT.
	ErrFull = errors.New("msgq: queue full")
	// ErrNoMessage: no message of the requested type: sleep, or ENOMSG
	// with IPC_NOWAIT.
	ErrNoMessage = errors.New("msgq: no message of the requested type")
	// ErrTooBig: "E2BIG: The message text length is greater than msgsz and
	// MSG_NOERROR isn't specified in msgflg." The message stays queued.
	ErrTooBig = abi.E2BIG
	// ErrRemoved: "EIDRM: While the process was sleeping ... the message
	// queue was removed."
	ErrRemoved = abi.EIDRM
	// ErrAccess: "EACCES: The calling process does not have ... permission
	// on the message queue".
	ErrAccess = abi.EACCES
	// ErrCopyTooBig: MSG_COPY|MSG_NOERROR of a message longer than the
	// buffer: Linux's copy_msg refuses with EINVAL rather than truncate.
	ErrCopyTooBig = abi.EINVAL
)

// A Message is one node of the queue's list (Linux's struct msg_msg).
type Message struct {
	Type int64    // mtype, at least 1
	Size int      // bytes of mtext (m_ts)
	Data []byte   // mtext
	next *Message // the next message in sending order, or nil at the tail
	seq  uint64   // the queue's count of accepted sends when it was accepted (Seq)
}

// NewMessage makes a message node (one allocation for the text).
func NewMessage(typ int64, data []byte) *Message {
	return &Message{Type: typ, Size: len(data), Data: data}
}

// CopyMessage makes a message of type typ holding a copy of text, in the
// node the queue last got back through Recycle if its buffer is big
// enough (fast path: a ping-pong's messages allocate nothing).
func (q *Queue) CopyMessage(typ int64, text []byte) *Message {
	m := q.spare
	if m == nil || cap(m.Data) < len(text) {
		return NewMessage(typ, append([]byte(nil), text...))
	}
	q.spare = nil
	*m = Message{Type: typ, Size: len(text), Data: append(m.Data[:0], text...)}
	return m
}

// Recycle gives back a message a receiver has copied out, for the next
// CopyMessage to fill.
//
// Preconditions: m is off the list (not a MSG_COPY receive) and nothing
// else keeps it.
func (q *Queue) Recycle(m *Message) { q.spare = m }

// Next returns the message after m in the list.
func (m *Message) Next() *Message { return m.next }

// Seq numbers the message in the order its queue accepted it (1 for the
// first send, counted whether it entered the list or went straight to a
// receiver): along the list the numbers grow.
func (m *Message) Seq() uint64 { return m.seq }

// Queue is one message queue (Linux's struct msg_queue).
type Queue struct {
	perm sysv.Perm

	head, tail *Message // the list, oldest first (q_messages)
	CBytes     int      // bytes of text in the list (msg_cbytes)
	QNum       int      // messages in the list (msg_qnum)
	QBytes     int      // most bytes the list may hold (msg_qbytes)

	LSPID, LRPID int   // pid of the last msgsnd and the last msgrcv
	STime, RTime int64 // times (seconds) of the last msgsnd and msgrcv
	CTime        int64 // time of creation or of the last IPC_SET

	// The processes waiting (q_senders, q_receivers), in the order they
	// started waiting. Each entry's Waiter is the *Sender or *Receiver
	// record, which wakes its process; the kernel keeps the entry in the
	// blocked call, so that a signal or a death takes the record off.
	senders, receivers sched.WaitQueue

	removed bool // IPC_RMID: the queue is gone; waiters see EIDRM

	spare *Message // a received message kept for CopyMessage (Recycle), or nil

	// Messages ever accepted by Send, taken by receivers (from the list or
	// handed over), and thrown away by Remove: sent = taken + dropped +
	// QNum always (Counts; the kernel's invariant checks).
	sent, taken, dropped uint64

	// name is Name, made at its first use (the trace's): a queue keeps
	// its id and key (only a segment loses its key: sysv.Dissociate).
	name string
}

// Tail returns the newest message, or nil.
func (q *Queue) Tail() *Message { return q.tail }

// Counts returns the messages ever accepted, taken by receivers and
// dropped by IPC_RMID: sent = taken + dropped + QNum.
func (q *Queue) Counts() (sent, taken, dropped uint64) { return q.sent, q.taken, q.dropped }

// New returns an empty queue with the permission record p, made at time
// now (seconds): msg_qbytes is MSGMNB, "msg_ctime is set to the current
// time" and the other fields to 0 - msgget(2).
func New(p sysv.Perm, now int64) *Queue {
	return &Queue{perm: p, QBytes: MSGMNB, CTime: now}
}

// IPCPerm returns the permission record (sysv.Object).
func (q *Queue) IPCPerm() *sysv.Perm { return &q.perm }

// ID returns msqid.
func (q *Queue) ID() int { return q.perm.ID }

// Name names the queue in traces: "q#1 (key 0x1234)", or "q#1" for an
// IPC_PRIVATE queue.
func (q *Queue) Name() string {
	if q.name == "" { // ID and key never change
		q.name = string(q.AppendName(nil))
	}
	return q.name
}

// AppendName appends Name's name to b.
func (q *Queue) AppendName(b []byte) []byte {
	b = strconv.AppendInt(append(b, "q#"...), int64(q.perm.ID), 10)
	if q.perm.Key == abi.IPC_PRIVATE {
		return b
	}
	return append(strconv.AppendUint(append(b, " (key 0x"...), uint64(uint32(q.perm.Key)), 16), ')')
}

// Head returns the oldest message, or nil.
func (q *Queue) Head() *Message { return q.head }

// Removed reports whether IPC_RMID removed the queue.
func (q *Queue) Removed() bool { return q.removed }

// fits is Linux's msg_fits_inqueue: "msg_qbytes ... the maximum number of
// bytes allowed in the queue"; Linux also lets at most msg_qbytes messages
// in, so that zero-length messages cannot fill memory.
func (q *Queue) fits(size int) bool {
	return q.CBytes+size <= q.QBytes && q.QNum+1 <= q.QBytes
}

// Send adds m at the tail, or hands it to a waiting receiver, for the
// process pid with credentials c at time now. It returns the receiver that
// took the message, if one did (its process must be told), and ErrFull
// when there is no room: "If insufficient space is available in the queue,
// then the default behavior of msgsnd() is to block until space becomes
// available. If IPC_NOWAIT is specified in msgflg, then the call instead
// fails with the error EAGAIN." - msgop(2)
//
// Preconditions: 1 <= m.Type and 0 <= m.Size <= MSGMAX (the caller checks
// them: EINVAL).
func (q *Queue) Send(m *Message, pid int, c sysv.Creds, now int64) (*Receiver, error) {
	if !q.perm.Permitted(c, 0222) {
		return nil, ErrAccess
	}
	if q.removed {
		return nil, ErrRemoved
	}
	if !q.fits(m.Size) {
		return nil, ErrFull
	}
	// "Upon successful completion the message queue data structure is
	// updated as follows: msg_lspid is set to the process ID of the
	// calling process. msg_qnum is incremented by 1. msg_stime is set to
	// the current time." - msgop(2)
	q.LSPID, q.STime = pid, now
	q.sent++
	m.seq = q.sent
	r := q.pipelinedSend(m, now)
	if r == nil {
		q.append(m)
	}
	return r, nil
}

// append links m at the tail of the list.
func (q *Queue) append(m *Message) {
	m.next = nil
	if q.tail == nil {
		q.head = m
	} else {
		q.tail.next = m
	}
	q.tail = m
	q.CBytes += m.Size
	q.QNum++
}

// unlink takes m out of the list; prev is the node before it (nil: m is
// the head).
func (q *Queue) unlink(prev, m *Message) {
	if prev == nil {
		q.head = m.next
	} else {
		prev.next = m.next
	}
	if q.tail == m {
		q.tail = prev
	}
	m.next = nil
	q.CBytes -= m.Size
	q.QNum--
}

// pipelinedSend is Linux's pipelined_send: walk the waiting receivers in
// the order they came; the first whose request matches m takes it, unless
// its buffer is too small (and it did not ask for MSG_NOERROR): that one is
// woken with E2BIG, and the walk goes on. It returns the receiver that took
// m, or nil.
func (q *Queue) pipelinedSend(m *Message, now int64) *Receiver {
	for {
		r := q.firstReceiverFor(m)
		if r == nil {
			return nil
		}
		if r.maxSize() < m.Size {
			r.Err = ErrTooBig
			r.Answer(abi.POLLIN)
			continue
		}
		// The receiver is the one that read it: msg_lrpid, msg_rtime.
		q.LRPID, q.RTime = r.PID, now
		q.taken++
		r.Msg = m
		r.Answer(abi.POLLIN)
		return r
	}
}

// firstReceiverFor returns the first waiting receiver whose request
// matches m.
func (q *Queue) firstReceiverFor(m *Message) *Receiver {
	var found *Receiver
	q.receivers.Each(func(e *sched.Entry) {
		if r := e.Waiter.(*Receiver); found == nil && r.mode.test(m, r.typ) {
			found = r
		}
	})
	return found
}

// search is how msgrcv picks a message (Linux's SEARCH_* modes).
type search uint8

const (
	searchAny       search = iota // msgtyp == 0: the first message
	searchEqual                   // msgtyp > 0: the first of that type
	searchNotEqual                // msgtyp > 0 with MSG_EXCEPT: the first of another type
	searchLessEqual               // msgtyp < 0: the lowest type <= |msgtyp|
	searchNumber                  // MSG_COPY: the message at position msgtyp
)

// convertMode is Linux's convert_mode. "If msgtyp is 0, then the first
// message in the queue is read. If msgtyp is greater than 0, then the first
// message in the queue of type msgtyp is read, unless MSG_EXCEPT was
// specified in msgflg, in which case the first message in the queue of type
// not equal to msgtyp will be read. If msgtyp is less than 0, then the
// first message in the queue with the lowest type less than or equal to
// the absolute value of msgtyp will be read." - msgop(2). MSG_COPY comes
// first, and msgtyp == 0 is tested before MSG_EXCEPT.
func convertMode(typ int64, flags int) (search, int64) {
	switch {
	case flags&abi.MSG_COPY != 0:
		return searchNumber, typ
	case typ == 0:
		return searchAny, 0
	case typ < 0:
		if typ == -1<<63 { // -LONG_MIN does not exist
			return searchLessEqual, 1<<63 - 1
		}
		return searchLessEqual, -typ
	case flags&abi.MSG_EXCEPT != 0:
		return searchNotEqual, typ
	}
	return searchEqual, typ
}

// test is Linux's testmsg: does m match a request of this mode for typ?
func (s search) test(m *Message, typ int64) bool {
	switch s {
	case searchLessEqual:
		return m.Type <= typ
	case searchEqual:
		return m.Type == typ
	case searchNotEqual:
		return m.Type != typ
	}
	return true
}

// find is Linux's find_msg: the message a request picks, and the node
// before it in the list. For searchLessEqual it keeps lowering the bound
// to one below the best type so far, so a later message wins only with a
// strictly lower type: the lowest type, the earliest among equals
// (gVisor's msgOfTypeLessThan misses type == |msgtyp|; Linux does not).
func (q *Queue) find(mode search, typ int64) (prev, found *Message) {
	var before *Message
	var count int64
	for m := q.head; m != nil; before, m = m, m.next {
		if !mode.test(m, typ) {
			continue
		}
		switch {
		case mode == searchLessEqual && m.Type != 1:
			typ = m.Type - 1
			prev, found = before, m
		case mode == searchNumber:
			if typ == count {
				return before, m
			}
		default:
			return before, m
		}
		count++
	}
	return prev, found
}

// A Request is what a msgrcv asks for.
type Request struct {
	Type  int64 // msgtyp
	Flags int   // MSG_NOERROR, MSG_EXCEPT, MSG_COPY, IPC_NOWAIT
	Size  int   // msgsz: the room for text in the caller's buffer
	PID   int   // the caller
}

// Receive takes the message req picks, for the process req.PID with
// credentials c at time now. With MSG_COPY the message stays queued and
// the caller gets it to copy. It returns ErrNoMessage if none matches,
// ErrTooBig if it is longer than req.Size without MSG_NOERROR ("the
// message isn't removed from the queue").
//
// Preconditions: req.Size >= 0; MSG_COPY comes with IPC_NOWAIT and
// without MSG_EXCEPT (the caller checks them: EINVAL).
func (q *Queue) Receive(req Request, c sysv.Creds, now int64) (*Message, error) {
	if !q.perm.Permitted(c, 0444) {
		return nil, ErrAccess
	}
	if q.removed {
		return nil, ErrRemoved
	}
	mode, typ := convertMode(req.Type, req.Flags)
	prev, m := q.find(mode, typ)
	if m == nil {
		return nil, ErrNoMessage
	}
	if req.Size < m.Size && req.Flags&abi.MSG_NOERROR == 0 {
		return nil, ErrTooBig
	}
	if req.Flags&abi.MSG_COPY != 0 {
		// "MSG_COPY: Nondestructively fetch a copy of the message at the
		// ordinal position in the queue specified by msgtyp" - msgop(2).
		// Linux's copy_msg will not truncate: EINVAL.
		if m.Size > min(req.Size, MSGMAX) {
			return nil, ErrCopyTooBig
		}
		return m, nil
	}
	// "msg_lrpid is set to the process ID of the calling process.
	// msg_qnum is decremented by 1. msg_rtime is set to the current time."
	q.unlink(prev, m)
	q.taken++
	q.LRPID, q.RTime = req.PID, now
	q.wakeSenders()
	return m, nil
}

// wakeSenders is Linux's ss_wakeup: wake, in the order they came, the
// waiting senders whose message fits now. (Linux also moves the others to
// the tail of q_senders; that keeps their order among themselves, and the
// ones it wakes take themselves off the list when they run, so the order
// of every later wakeup is the same as here.)
func (q *Queue) wakeSenders() {
	q.senders.Each(func(e *sched.Entry) {
		if s := e.Waiter.(*Sender); q.fits(s.Size) {
			s.Wake(abi.POLLOUT)
		}
	})
}

// Set is IPC_SET: "The following members of the msqid_ds structure are
// copied from buf: msg_qbytes, msg_perm.uid, msg_perm.gid, and (the least
// significant 9 bits of) msg_perm.mode." msg_ctime becomes now. A bigger
// msg_qbytes may let senders in; Linux also wakes every receiver to try
// again (expunge_all with -EAGAIN).
//
// Preconditions: the caller checked ownership (EPERM) and qbytes against
// MSGMNB (EPERM without CAP_SYS_RESOURCE).
func (q *Queue) Set(uid, gid, mode, qbytes int, now int64) {
	q.perm.UID, q.perm.GID = uid, gid
	q.perm.Mode = mode & sysv.ModeBits
	q.QBytes = qbytes
	q.CTime = now
	q.receivers.Notify(abi.POLLIN)
	q.wakeSenders()
}

// Remove is IPC_RMID: "Immediately remove the message queue, awakening all
// waiting reader and writer processes (with an error return and errno set
// to EIDRM)" - msgctl(2). The messages are freed.
func (q *Queue) Remove() {
	q.removed = true
	q.dropped += uint64(q.QNum)
	q.head, q.tail, q.CBytes, q.QNum = nil, nil, 0, 0
	for {
		r, ok := sched.First[*Receiver](&q.receivers)
		if !ok {
			break
		}
		r.Err = ErrRemoved
		r.Answer(abi.POLLIN)
	}
	q.senders.Notify(sched.AllEvents)
}

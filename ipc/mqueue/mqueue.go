// Package mqueue is the POSIX message queue (mq_overview(7)): a named
// queue of messages kept in order of descending priority, first in first
// out within one priority, with a fixed number of slots (mq_maxmsg) and a
// largest message size (mq_msgsize), two lists of waiting processes, and
// at most one process registered to be told (mq_notify(3)) when a message
// arrives in the empty queue.
//
// gVisor has no data path for these queues (its mq_timedsend and friends
// are ENOSYS): the rules here come from the man pages and Linux's
// ipc/mqueue.c. Like Linux, a message sent while a receiver waits is handed
// straight to the first receiver (pipelined_send), and a receiver that
// makes room in a full queue takes the first waiting sender's message into
// the queue at once (pipelined_receive).
package mqueue

import (
	"errors"

	"ipcsim/abi"
	"ipcsim/sched"
)

// Limits of mq_overview(7) ("/proc interfaces") and mq_send(3).
const (
	MsgDefault     = 10       // msg_default: mq_maxmsg when mq_open gets no attributes
	MsgMax         = 10       // msg_max: the most an unprivileged creator may ask for
	MsgSizeDefault = 8192     // msgsize_default
	MsgSizeMax     = 8192     // msgsize_max
	HardMsgMax     = 65536    // HARD_MSGMAX: the ceiling even for a privileged creator
	HardMsgSizeMax = 16 << 20 // HARD_MSGSIZEMAX
	QueuesMax      = 256      // queues_max: queues in the system (privileged callers may pass it)
	PrioMax        = 32768    // MQ_PRIO_MAX: "msg_prio ... must be less than MQ_PRIO_MAX"
	NameMax        = 255      // NAME_MAX: a name's length, without the slash
)

// Errors of the non-blocking operations. Where the kernel must choose
// between sleeping and failing (a flag decides) the answer is a sentinel;
// where the meaning is fixed it is the errno itself, which the kernel
// returns as it is.
var (
	// ErrFull: "If the message queue is already full (i.e., the number of
	// messages on the queue equals the queue's mq_maxmsg attribute), then,
	// by default, mq_send() blocks" - mq_send(3); EAGAIN with O_NONBLOCK.
	ErrFull = errors.New("mqueue: queue full")
	// ErrEmpty: "If the queue is empty, then, by default, mq_receive()
	// blocks" - mq_receive(3); EAGAIN with O_NONBLOCK.
	ErrEmpty = errors.New("mqueue: queue empty")
	// ErrBusy: "EBUSY: Another process has already registered to receive
	// notification for this message queue." - mq_notify(3)
	ErrBusy = abi.EBUSY
)

// A Message is one node of the queue's list (Linux keeps one list per
// priority in a red-black tree; a sorted list shows the same order).
type Message struct {
	Prio uint32   // msg_prio: 0 (lowest) to PrioMax-1
	Data []byte   // the text
	next *Message // the next message to be received, or nil
	seq  uint64   // the queue's count of accepted sends when it was accepted (Seq)
}

// Next returns the message after m.
func (m *Message) Next() *Message { return m.next }

// Seq numbers the message in the order its queue accepted it (1 for the
// first, counted whether it entered the queue or went straight to a
// receiver).
func (m *Message) Seq() uint64 { return m.seq }

// Sent is how many messages the queue accepted: the Seq of the latest.
func (q *Queue) Sent() uint64 { return q.sent }

// Notification is a registration of mq_notify(3).
type Notification struct {
	PID    int    // the registered process (notify_owner)
	Notify int    // SIGEV_SIGNAL or SIGEV_NONE
	Signo  int    // sigev_signo for SIGEV_SIGNAL (0: no signal is sent)
	Value  uint64 // sigev_value
}

// FileSize is the size a queue's file claims, whatever its status line
// holds: Linux's FILENT_SIZE (ipc/mqueue.c).
const FileSize = 80

// Queue is one queue (Linux's struct mqueue_inode_info).
type Queue struct {
	Name    string // without the leading slash, as the raw syscalls take it
	MaxMsg  int    // mq_maxmsg
	MsgSize int    // mq_msgsize
	CurMsgs int    // mq_curmsgs: messages in the list
	UID     int    // owner
	GID     int
	Mode    int   // permission bits (fchmod may add set-user-ID and the like)
	Size    int64 // the size its file claims: FileSize, or what ftruncate set

	head *Message // the list: highest priority first, oldest first within one
	sent uint64   // messages accepted, into the list or handed to a receiver (Seq)

	// Processes sleeping in mq_timedsend and mq_timedreceive (e_wait_q),
	// in the order they came; each entry's Waiter is the *Sender or
	// *Receiver record.
	senders, receivers sched.WaitQueue
	// Poll is where ppoll and pselect6 wait (info->wait_q).
	Poll sched.WaitQueue

	notify *Notification // mq_notify's registration, or nil
	spare  *Message      // a received message kept for CopyMessage (Recycle), or nil

	opens    int  // open file descriptions
	unlinked bool // mq_unlink removed the name
}

// Head returns the message mq_receive would take next, or nil.
func (q *Queue) Head() *Message { return q.head }

// Notification returns the registration, or nil.
func (q *Queue) Notification() *Notification { return q.notify }

// Unlinked reports whether the name is gone.
func (q *Queue) Unlinked() bool { return q.unlinked }

// Opens returns the number of open descriptions.
func (q *Queue) Opens() int { return q.opens }

// Readiness is mq_poll: IN while messages are queued, OUT while there is a
// free slot (whatever the descriptor's access mode).
func (q *Queue) Readiness() sched.EventMask {
	var ev sched.EventMask
	if q.CurMsgs > 0 {
		ev |= abi.POLLIN | abi.POLLRDNORM
	}
	if q.CurMsgs < q.MaxMsg {
		ev |= abi.POLLOUT | abi.POLLWRNORM
	}
	return ev
}

// insert links m after every message of a priority at least as high:
// "Messages are placed on the queue in decreasing order of priority, with
// newer messages of the same priority being placed after older messages
// with the same priority." - mq_send(3)
func (q *Queue) insert(m *Message) {
	link := &q.head
	for *link != nil && (*link).Prio >= m.Prio {
		link = &(*link).next
	}
	m.next = *link
	*link = m
	q.CurMsgs++
}

// Send puts a message of prio into the queue, or hands it to the first
// waiting receiver, which it returns. It returns the registration to fire,
// if the message made the empty queue non-empty with nobody waiting in
// mq_receive: "Message notification occurs only when a new message arrives
// and the queue was previously empty" - mq_notify(3); the registration is
// then removed ("the calling process is deregistered").
//
// Preconditions: len(data) <= MsgSize (EMSGSIZE), prio < PrioMax (EINVAL).
func (q *Queue) Send(data []byte, prio uint32) (*Receiver, *Notification, error) {
	return q.SendMessage(&Message{Prio: prio, Data: data})
}

// SendMessage is Send of a message made by CopyMessage.
func (q *Queue) SendMessage(m *Message) (*Receiver, *Notification, error) {
	if q.CurMsgs >= q.MaxMsg {
		return nil, nil, ErrFull
	}
	q.sent++
	m.seq = q.sent
	if r, ok := sched.First[*Receiver](&q.receivers); ok {
		// pipelined_send: the receiver gets it without the queue.
		r.Msg = m
		r.Answer(abi.POLLIN)
		return r, nil, nil
	}
	q.insert(m)
	var n *Notification
	if q.notify != nil && q.CurMsgs == 1 {
		n, q.notify = q.notify, nil
	}
	q.Poll.Notify(abi.POLLIN | abi.POLLRDNORM)
	return nil, n, nil
}

// Receive takes the oldest message of the highest priority: "mq_receive()
// removes the oldest message with the highest priority from the message
// queue" - mq_receive(3). If a sender waits for room, its message goes into
// the queue at once and the sender, returned, is done.
//
// Preconditions: the caller's buffer holds at least MsgSize bytes (EMSGSIZE).
func (q *Queue) Receive() (*Message, *Sender, error) {
	m := q.head
	if m == nil {
		return nil, nil, ErrEmpty
	}
	q.head = m.next
	m.next = nil
	q.CurMsgs--
	// pipelined_receive
	if s, ok := sched.First[*Sender](&q.senders); ok {
		q.sent++
		s.Msg.seq = q.sent
		q.insert(s.Msg)
		s.Answer(abi.POLLOUT)
		return m, s, nil
	}
	q.Poll.Notify(abi.POLLOUT | abi.POLLWRNORM)
	return m, nil, nil
}

// CopyMessage makes a message of prio holding a copy of text, in the node
// the queue last got back through Recycle if its buffer is big enough
// (fast path: a ping-pong's messages allocate nothing).
func (q *Queue) CopyMessage(prio uint32, text []byte) *Message {
	m := q.spare
	if m == nil || cap(m.Data) < len(text) {
		return &Message{Prio: prio, Data: append([]byte(nil), text...)}
	}
	q.spare = nil
	*m = Message{Prio: prio, Data: append(m.Data[:0], text...)}
	return m
}

// Recycle gives back a message a receiver has copied out, for the next
// CopyMessage to fill.
//
// Preconditions: m is off the list and nothing else keeps it.
func (q *Queue) Recycle(m *Message) { q.spare = m }

// SetNotify registers n (nil: unregister) for the process n.PID, or pid
// when n is nil: "If notification is NULL, and the calling process is
// currently registered to receive notifications for this message queue,
// then the registration is removed; another process can then register".
func (q *Queue) SetNotify(pid int, n *Notification) error {
	if n == nil {
		if q.notify != nil && q.notify.PID == pid {
			q.notify = nil
		}
		return nil
	}
	if q.notify != nil {
		return ErrBusy
	}
	q.notify = n
	return nil
}

// Open counts a new open description; Close drops one and reports whether
// the queue is gone: "the queue itself is destroyed once any other
// processes that have the queue open close their descriptors referring to
// the queue" after mq_unlink - mq_unlink(3).
func (q *Queue) Open() { q.opens++ }

func (q *Queue) Close() bool {
	q.opens--
	return q.opens == 0 && q.unlinked
}

// A Receiver is a process sleeping in mq_timedreceive (struct
// ext_wait_queue); a sender fills in Msg.
type Receiver struct {
	sched.Record          // its place in the queue's receivers
	Queue        *Queue   // the queue it waits on
	PID          int      // the receiving process
	Msg          *Message // once answered: the message a sender handed over
}

// NewReceiver makes the record of process w (pid) waiting on q.
func NewReceiver(q *Queue, w sched.Waiter, pid int) *Receiver {
	r := new(Receiver)
	r.Reset(q, w, pid)
	return r
}

// Reset makes r the record of process w (pid) waiting on q, as NewReceiver
// does, for a caller that keeps one record and reuses it (the kernel keeps
// one per task: a sleep in mq_timedreceive allocates nothing).
//
// Preconditions: r is on no list.
func (r *Receiver) Reset(q *Queue, w sched.Waiter, pid int) {
	*r = Receiver{Queue: q, PID: pid}
	r.Init(r, w)
}

// ReceiverList is the list receivers wait on (wq_add: Linux orders them by
// scheduling priority, which is the same for every process here, so in
// the order they came): the kernel puts a Receiver there with Join.
func (q *Queue) ReceiverList() *sched.WaitQueue { return &q.receivers }

// A Sender is a process sleeping in mq_timedsend with its message; a
// receiver puts the message into the queue and answers it.
type Sender struct {
	sched.Record          // its place in the queue's senders
	Queue        *Queue   // the queue it waits on
	PID          int      // the sending process
	Msg          *Message // the message it sends when there is room
}

// NewSender makes the record of process w (pid) sending data at prio to q.
func NewSender(q *Queue, w sched.Waiter, pid int, data []byte, prio uint32) *Sender {
	s := &Sender{Queue: q, PID: pid, Msg: &Message{Prio: prio, Data: data}}
	s.Init(s, w)
	return s
}

// SenderList is the list senders wait on for room, in the order they came:
// the kernel puts a Sender there with Join.
func (q *Queue) SenderList() *sched.WaitQueue { return &q.senders }

// Receivers and Senders return the waiting records in order, for listings.
func (q *Queue) Receivers() []*Receiver { return sched.Waiters[*Receiver](&q.receivers) }
func (q *Queue) Senders() []*Sender     { return sched.Waiters[*Sender](&q.senders) }

package msgq

import (
	"fmt"
	"math"

	"ipcsim/abi"
	"ipcsim/sched"
)

// A Receiver is a process sleeping in msgrcv (Linux's struct
// msg_receiver): what it asked for, and, once a sender has handed it a
// message or an error, that answer. The kernel keeps the record in the
// blocked call across wakeups.
type Receiver struct {
	entry  sched.Entry  // its place in the queue's receivers (Waiter: the record)
	waiter sched.Waiter // the sleeping process
	Queue  *Queue       // the queue it waits on
	PID    int          // the process (msg_lrpid if it gets a message)
	Req    Request      // what it asked for

	mode search // the request as find uses it
	typ  int64

	Msg *Message // handed over by a sender (pipelined send), or nil
	Err error    // ErrTooBig or ErrRemoved, set by a sender or IPC_RMID
}

// NewReceiver makes the record of process w (pid) waiting on q for req.
func NewReceiver(q *Queue, w sched.Waiter, req Request) *Receiver {
	r := &Receiver{waiter: w, Queue: q, PID: req.PID, Req: req}
	r.mode, r.typ = convertMode(req.Type, req.Flags)
	r.entry.Waiter, r.entry.Mask = r, sched.AllEvents
	return r
}

// Wake passes a wakeup of the record on to its process (sched.Waiter).
func (r *Receiver) Wake(ev sched.EventMask) { r.waiter.Wake(ev) }

// Entry returns the record's wait-queue entry, for the kernel to remove
// when the call ends another way (a signal, death).
func (r *Receiver) Entry() *sched.Entry { return &r.entry }

// Answered reports whether a sender or IPC_RMID answered the receiver.
func (r *Receiver) Answered() bool { return r.Msg != nil || r.Err != nil }

// maxSize is how long a message the receiver takes: "If the message text
// has length greater than msgsz, then the behavior depends on whether
// MSG_NOERROR is specified in msgflg. If MSG_NOERROR is specified, then the
// message text will be truncated" - so any length (Linux: INT_MAX).
func (r *Receiver) maxSize() int {
	if r.Req.Flags&abi.MSG_NOERROR != 0 {
		return math.MaxInt
	}
	return r.Req.Size
}

// Wants says in words which message a request takes, for traces and
// listings: " of type <= 3", " of type 5", " of type != 5", " at position
// 2", or "" for any message.
func (req Request) Wants() string {
	switch {
	case req.Flags&abi.MSG_COPY != 0:
		return fmt.Sprintf(" at position %d", req.Type)
	case req.Type == 0:
		return ""
	case req.Type < 0:
		if req.Type == -1<<63 {
			return fmt.Sprintf(" of type <= %d", int64(1<<63-1))
		}
		return fmt.Sprintf(" of type <= %d", -req.Type)
	case req.Flags&abi.MSG_EXCEPT != 0:
		return fmt.Sprintf(" of type != %d", req.Type)
	}
	return fmt.Sprintf(" of type %d", req.Type)
}

// Wait adds r at the tail of the queue's receivers (list_add_tail of
// do_msgrcv); a record already waiting is moved to the tail, as Linux's
// retry loop does (list_del, then list_add_tail).
func (q *Queue) Wait(r *Receiver) {
	r.entry.Remove()
	r.Msg, r.Err = nil, nil
	q.receivers.Add(&r.entry)
}

// A Sender is a process sleeping in msgsnd for room (struct msg_sender).
type Sender struct {
	entry  sched.Entry
	waiter sched.Waiter
	Queue  *Queue // the queue it waits on
	PID    int
	Size   int      // bytes of its message
	Msg    *Message // the message it sends when there is room
}

// NewSender makes the record of process w (pid) waiting to send m.
func NewSender(q *Queue, w sched.Waiter, pid int, m *Message) *Sender {
	s := &Sender{waiter: w, Queue: q, PID: pid, Size: m.Size, Msg: m}
	s.entry.Waiter, s.entry.Mask = s, sched.AllEvents
	return s
}

// Wake passes a wakeup on to the process (sched.Waiter).
func (s *Sender) Wake(ev sched.EventMask) { s.waiter.Wake(ev) }

// Entry returns the record's wait-queue entry.
func (s *Sender) Entry() *sched.Entry { return &s.entry }

// WaitToSend adds s at the tail of the queue's senders (ss_add); a record
// already waiting goes to the tail again, as in Linux's loop (ss_del after
// the wakeup, ss_add before the next sleep).
func (q *Queue) WaitToSend(s *Sender) {
	s.entry.Remove()
	q.senders.Add(&s.entry)
}

// Receivers and Senders return the waiting records in order, for listings.
func (q *Queue) Receivers() []*Receiver { return sched.Waiters[*Receiver](&q.receivers) }
func (q *Queue) Senders() []*Sender     { return sched.Waiters[*Sender](&q.senders) }

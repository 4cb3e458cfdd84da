package msgq

import (
	"math"
	"strconv"

	"ipcsim/abi"
	"ipcsim/sched"
)

// A Receiver is a process sleeping in msgrcv (Linux's struct
// msg_receiver): what it asked for, and, once a sender has handed it a
// message or an error, that answer. The kernel keeps the record in the
// blocked call across wakeups.
type Receiver struct {
	sched.Record         // its place in the queue's receivers
	Queue        *Queue  // the queue it waits on
	PID          int     // the process (msg_lrpid if it gets a message)
	Req          Request // what it asked for

	mode search // the request as find uses it
	typ  int64

	Msg *Message // handed over by a sender (pipelined send), or nil
	Err error    // ErrTooBig or ErrRemoved, set by a sender or IPC_RMID
}

// NewReceiver makes the record of process w (pid) waiting on q for req.
func NewReceiver(q *Queue, w sched.Waiter, req Request) *Receiver {
	r := new(Receiver)
	r.Reset(q, w, req)
	return r
}

// Reset makes r the record of process w waiting on q for req, as
// NewReceiver does, for a caller that keeps one record and reuses it (the
// kernel keeps one per task: a sleep in msgrcv allocates nothing).
//
// Preconditions: r is on no list.
func (r *Receiver) Reset(q *Queue, w sched.Waiter, req Request) {
	*r = Receiver{Queue: q, PID: req.PID, Req: req}
	r.mode, r.typ = convertMode(req.Type, req.Flags)
	r.Init(r, w)
}

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
func (req Request) Wants() string { return string(req.AppendWants(nil)) }

// AppendWants appends Wants's words to b.
func (req Request) AppendWants(b []byte) []byte {
	switch {
	case req.Flags&abi.MSG_COPY != 0:
		return strconv.AppendInt(append(b, " at position "...), req.Type, 10)
	case req.Type == 0:
		return b
	case req.Type < 0:
		if req.Type == -1<<63 {
			return strconv.AppendInt(append(b, " of type <= "...), 1<<63-1, 10)
		}
		return strconv.AppendInt(append(b, " of type <= "...), -req.Type, 10)
	case req.Flags&abi.MSG_EXCEPT != 0:
		return strconv.AppendInt(append(b, " of type != "...), req.Type, 10)
	}
	return strconv.AppendInt(append(b, " of type "...), req.Type, 10)
}

// ReceiverList is the list receivers wait on, in the order they came
// (q_receivers): the kernel puts a Receiver there with Join.
func (q *Queue) ReceiverList() *sched.WaitQueue { return &q.receivers }

// A Sender is a process sleeping in msgsnd for room (struct msg_sender).
type Sender struct {
	sched.Record          // its place in the queue's senders
	Queue        *Queue   // the queue it waits on
	PID          int      // the sending process
	Size         int      // bytes of its message
	Msg          *Message // the message it sends when there is room
}

// NewSender makes the record of process w (pid) waiting to send m.
func NewSender(q *Queue, w sched.Waiter, pid int, m *Message) *Sender {
	s := &Sender{Queue: q, PID: pid, Size: m.Size, Msg: m}
	s.Init(s, w)
	return s
}

// SenderList is the list senders wait on for room, in the order they came
// (q_senders): the kernel puts a Sender there with Join.
func (q *Queue) SenderList() *sched.WaitQueue { return &q.senders }

// Receivers and Senders return the waiting records in order, for listings.
func (q *Queue) Receivers() []*Receiver { return sched.Waiters[*Receiver](&q.receivers) }
func (q *Queue) Senders() []*Sender     { return sched.Waiters[*Sender](&q.senders) }

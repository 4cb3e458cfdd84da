package kernel

import (
	"strconv"

	"ipcsim/ipc/mqueue"
	"ipcsim/ipc/msgq"
)

// Reused sleeps (fast path). A task is in at most one system call at a
// time, so the waiter record and the *blockError of a call that sleeps in
// msgrcv, mq_timedreceive, rt_sigtimedwait or FUTEX_WAIT can be the
// task's own: made at its first such sleep and filled in again at every
// later one, so that a message-queue, signal or futex ping-pong blocks
// without allocating. A record is filled in again only when it is on no
// list: a call takes its record off before it ends or is interrupted
// (unregister), and a call that sleeps again keeps its own. What the
// call waits for is formatted, as before, only when the trace, inspect or
// a deadlock report reads it, from the fields kept here at the sleep.
type taskWaits struct {
	msgRecv  msgq.Receiver // msgrcv's record on the queue's receivers
	msgBlock blockError    // msgrcv: "q#1 has no message of type 2"

	mqRecv  mqueue.Receiver // mq_timedreceive's record on the queue's receivers
	mqBlock blockError      // mq_timedreceive: "mqueue /q empty[, or until cycle N]"

	sigBlock blockError // rt_sigtimedwait: "waiting for SIGUSR1[ until cycle N]"

	futex      futexWaiter // FUTEX_WAIT's record on the word's list
	futexBlock blockError  // FUTEX_WAIT: "futex at 0x192d8 (value 0) until FUTEX_WAKE"
	futexAddr  uint64      // ... the word's address and the value expected there
	futexVal   uint32

	c *call // the call that last slept here (its deadline and signal set)
}

// waits returns t's reusable sleeps, made at the first use.
func (t *Task) waits() *taskWaits {
	if t.sleeps == nil {
		w := &taskWaits{}
		// Each says why in words only when it is read (block.go), and
		// appends them: a traced ping-pong blocks at every turn.
		w.msgBlock.appendWhy = func(b []byte) []byte {
			b = append(w.msgRecv.Queue.AppendName(b), " has no message"...)
			return w.msgRecv.Req.AppendWants(b)
		}
		w.mqBlock.appendWhy = func(b []byte) []byte {
			b = append(append(append(b, "mqueue /"...), w.mqRecv.Queue.Name...), " empty"...)
			return w.c.appendUntil(b)
		}
		w.futexBlock.appendWhy = func(b []byte) []byte { return appendFutexWhy(b, w.futexAddr, w.futexVal) }
		w.sigBlock.appendWhy = func(b []byte) []byte {
			b = appendSigSet(append(b, "waiting for "...), w.c.waitSet)
			if w.c.timed {
				b = strconv.AppendUint(append(b, " until cycle "...), w.c.deadline, 10)
			}
			return b
		}
		t.sleeps = w
	}
	return t.sleeps
}

// msgReceive is the sleep of msgrcv waiting on q for req, in the task's
// reused record (r, when the call already has it: a woken receiver sleeps
// again at the tail).
func (c *call) msgReceive(q *msgq.Queue, req msgq.Request, r *msgq.Receiver) *blockError {
	w := c.t.waits()
	if r != &w.msgRecv {
		w.msgRecv.Reset(q, c.t, req)
	}
	// list_add_tail of do_msgrcv; a receiver woken without a message goes
	// to the tail again, as Linux's retry loop does (list_del, then
	// list_add_tail).
	w.msgBlock = blockError{q: q.ReceiverList(), rec: &w.msgRecv, tail: true, appendWhy: w.msgBlock.appendWhy}
	return &w.msgBlock
}

// mqReceive is the sleep of mq_timedreceive on q, in the task's reused
// record (r, when the call already has it).
func (c *call) mqReceive(q *mqueue.Queue, r *mqueue.Receiver) *blockError {
	w := c.t.waits()
	if r != &w.mqRecv {
		w.mqRecv.Reset(q, c.t, c.t.PID)
	}
	w.c = c
	w.mqBlock = blockError{q: q.ReceiverList(), rec: &w.mqRecv, appendWhy: w.mqBlock.appendWhy}
	return &w.mqBlock
}

// sigWait is the sleep of rt_sigtimedwait: no queue, a signal of
// c.waitSet or the deadline wakes it.
func (c *call) sigWait() *blockError {
	w := c.t.waits()
	w.c = c
	return &w.sigBlock
}

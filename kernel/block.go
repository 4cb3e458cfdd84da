package kernel

import (
	"strconv"

	"ipcsim/abi"
	"ipcsim/sched"
)

// Blocking. There is one way for a system call to sleep, and this file is
// all of it (DESIGN.md: "Kernel objects never block; the kernel does").
//
// A handler never sleeps: when its call cannot proceed it returns a
// *blockError saying what the call waits on. The kernel then
//
//	registers the task there (register),
//	runs the handler once more (an event that came in between would
//	otherwise be lost: the wait-queue protocol of sched.WaitQueue),
//	and puts the task to sleep (block, sleep in run.go).
//
// A wakeup, the call's deadline or a signal makes the task run the
// handler again from the top (retry); the handler looks at the state its
// call kept (call's fields, and its waiter record through record) and
// answers again. When the call ends, however it ends (a result, an error,
// a signal handler, the task's death), the kernel takes every registration
// off (unregister). Handlers add and remove no waiter and look at no
// signal; whether a signal handler restarts the call or makes it fail with
// EINTR is decided in interruptCall from the call's row of the table.

// A blockError is the "would block" answer of a handler: what the call
// waits on. It names one of
//
//   - a wait queue q and the events on it that wake the task (a pipe, the
//     terminal, a child's exit): the task's own entry goes there;
//   - a wait queue q and a waiter record rec: the record goes there, and
//     the object answers it (a message handed over, a semaphore operation
//     done for the process, a FUTEX_WAKE);
//   - several queues (poll and select), registered once per call;
//   - nothing: the call waits for a signal or for its deadline only.
//
// A call with a deadline (call.timed) sleeps until it at most.
type blockError struct {
	q      *sched.WaitQueue
	mask   sched.EventMask // the events on q that wake the task
	rec    sched.Recorder  // a waiter record to put on q instead of the task
	tail   bool            // rec goes to the tail of q even if it is on q already
	queues []queueWait     // poll and select (non-nil, maybe empty)

	// What the call waits for, in words, for the trace, inspect and a
	// deadlock report: a fixed reason, or why, which formats one only when
	// somebody reads it (a blocking call costs no formatting when tracing
	// is off). appendWhy is why for the hottest blocks (an empty pipe):
	// it appends the reason to a buffer, so that a traced block costs no
	// string of its own.
	reason    string
	why       func() string
	appendWhy func(b []byte) []byte
}

// A queueWait is one of the queues a poll or select sleeps on.
type queueWait struct {
	q    *sched.WaitQueue
	mask sched.EventMask
}

// text returns what the call waits for.
func (b *blockError) text() string {
	if b.appendWhy != nil {
		return string(b.appendWhy(nil))
	}
	if b.why != nil {
		return b.why()
	}
	return b.reason
}

// appendText appends what the call waits for to dst.
func (b *blockError) appendText(dst []byte) []byte {
	if b.appendWhy != nil {
		return b.appendWhy(dst)
	}
	return append(dst, b.text()...)
}

func (b *blockError) Error() string { return "would block: " + b.text() }

// isBlock reports whether a handler's error is a *blockError.
func isBlock(err error) bool {
	_, ok := err.(*blockError)
	return ok
}

// record returns the waiter record a blocked call registered, if it is of
// type T: a woken handler reads its answer there.
func record[T sched.Recorder](c *call) (T, bool) {
	r, ok := c.rec.(T)
	return r, ok
}

// expired reports whether a timed call has reached its deadline: a handler
// that would sleep returns its timeout result instead.
func (c *call) expired() bool { return c.timed && c.t.k.Now() >= c.deadline }

// orUntil adds the deadline of a timed call to what it waits for:
// "mqueue /q empty, or until cycle 5000".
func (c *call) orUntil(reason string) func() string {
	return func() string { return c.untilText(reason) }
}

// untilText is the text of orUntil.
func (c *call) untilText(reason string) string {
	if !c.timed {
		return reason
	}
	return string(c.appendUntil([]byte(reason)))
}

// appendUntil appends what orUntil adds to a reason: ", or until cycle
// 5000" if c is timed.
func (c *call) appendUntil(b []byte) []byte {
	if !c.timed {
		return b
	}
	return strconv.AppendUint(append(b, ", or until cycle "...), c.deadline, 10)
}

// invoke runs a new call: try, and if it would block, register, try again,
// and sleep if it still would. In this single-threaded kernel nothing runs
// between the two tries, so the second cannot succeed where the first
// failed; it is kept because it is the protocol every blocking call
// follows, and it stays correct when an object notifies from inside an
// attempt.
func (k *Kernel) invoke(c *call) {
	if c.no >= abi.Sysno(len(syscalls)) || syscalls[c.no].fn == nil {
		k.complete(c, 0, c.notImplemented("")) // no row: recorded for Result (unimplemented.go)
		return
	}
	k.attempt(c, true)
}

// retry runs again the call a woken task was blocked in.
func (k *Kernel) retry(t *Task) {
	c := t.call
	t.call = nil
	k.attempt(c, false)
}

// attempt runs the handler of c, twice around the registration on the
// first attempt, and then completes the call or puts the task to sleep.
func (k *Kernel) attempt(c *call, first bool) {
	t := c.t
	t.inCall = c
	defer func() { t.inCall = nil }()
	fn := syscalls[c.no].fn
	ret, err := fn(c)
	if blk, ok := err.(*blockError); ok && first {
		k.register(c, blk)
		ret, err = fn(c)
	}
	if blk, ok := err.(*blockError); ok {
		k.register(c, blk)
		if first && k.faults != nil {
			k.injectSleep(c) // an EINTR fault sends a signal now (fault.go)
		}
		k.block(t, c, blk)
		return
	}
	k.unregister(c)
	k.complete(c, ret, err)
}

// register puts the task, or its call's record, where blk says the call
// waits. A registration already in place keeps its place in its queue, so
// that FIFO order survives a spurious wakeup.
func (k *Kernel) register(c *call, blk *blockError) {
	t := c.t
	switch {
	case blk.rec != nil:
		if c.rec != nil && c.rec != blk.rec {
			c.rec.Leave() // a new record replaces the old one
		}
		c.rec = blk.rec
		blk.rec.Join(blk.q, blk.tail)
	case blk.q != nil:
		t.entry.Mask = blk.mask
		if !t.entry.On(blk.q) {
			t.entry.Remove()
			blk.q.Add(&t.entry)
		}
	case blk.queues != nil && c.waits == nil:
		c.waits = make([]*sched.Entry, 0, len(blk.queues))
		for _, w := range blk.queues {
			e := &sched.Entry{Waiter: t, Mask: w.mask}
			w.q.Add(e)
			c.waits = append(c.waits, e)
		}
	}
}

// unregister takes every registration of the call off its queue.
func (k *Kernel) unregister(c *call) {
	c.t.entry.Remove()
	if c.rec != nil {
		c.rec.Leave()
		c.rec = nil
	}
	for _, e := range c.waits {
		e.Remove()
	}
	c.waits = nil
}

// block puts t to sleep in call c, unless a signal is already waiting to
// be delivered: then the call is interrupted and stays pending for
// deliverSignals, which ends it for a handler or lets it carry on. It
// leaves its queues first, as a Linux call woken by a signal does before it
// returns -ERESTARTSYS or -EINTR, so that no object answers a call that may
// yet end with EINTR; if it carries on, its next try registers again.
func (k *Kernel) block(t *Task, c *call, blk *blockError) {
	if t.deliverable() != 0 {
		k.unregister(c)
		t.call = c
		t.blocked = blk
		t.interrupted = true
		return
	}
	k.sleep(t, c, blk)
}

// abandon ends a blocked call that will not complete (a handler
// interrupted it, or its task died): off every queue, the mask it replaced
// back, and what it held released.
func (k *Kernel) abandon(c *call) {
	k.unregister(c)
	if c.setMask {
		c.t.Sig.Mask, c.setMask = c.oldMask, false
	}
	if c.pending != nil {
		c.pending.DecRef()
		c.pending = nil
	}
}

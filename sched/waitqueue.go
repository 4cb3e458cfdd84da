package sched

// EventMask is a set of readiness events, with poll(2)'s bit values (IN 0x1,
// OUT 0x4, ERR 0x8, HUP 0x10, ...), so an object's readiness, poll's revents
// and the events a waiter sleeps for are one type.
type EventMask uint32

// AllEvents matches any notification.
const AllEvents EventMask = ^EventMask(0)

// A Waiter is something that sleeps on wait queues: the kernel's process.
// Wake is called once per matching notification; the waiter then retries the
// operation it blocked in (spurious wakeups must be harmless).
type Waiter interface {
	Wake(events EventMask)
}

// An Entry is one registration of a waiter on one queue. It is owned by the
// waiter, which may be registered on several queues at once (poll).
type Entry struct {
	Waiter Waiter
	Mask   EventMask // events this entry wants to hear about

	q          *WaitQueue
	prev, next *Entry
}

// Queued reports whether the entry is on a queue.
func (e *Entry) Queued() bool { return e.q != nil }

// On reports whether the entry is on queue q.
func (e *Entry) On(q *WaitQueue) bool { return e.q == q }

// WaitQueue is the list of entries waiting for events on one kernel object,
// in registration order.
//
// The blocking protocol (gVisor's pkg/waiter; xv6's sleep/wakeup):
//
//	try the operation; if it would block:
//	    Add an entry, try AGAIN (an event may have come in between:
//	    without the second try its wakeup would be lost), then sleep;
//	    on wakeup, try again; Remove the entry on the way out.
//
// Objects call Notify after they change state.
type WaitQueue struct {
	head, tail *Entry
}

// Add registers e at the tail.
//
// Preconditions: e is not on any queue.
func (q *WaitQueue) Add(e *Entry) {
	if e.q != nil {
		panic("sched: entry already queued")
	}
	e.q = q
	e.prev, e.next = q.tail, nil
	if q.tail != nil {
		q.tail.next = e
	} else {
		q.head = e
	}
	q.tail = e
}

// Remove unregisters e from the queue it is on, if any.
func (e *Entry) Remove() {
	q := e.q
	if q == nil {
		return
	}
	if e.prev != nil {
		e.prev.next = e.next
	} else {
		q.head = e.next
	}
	if e.next != nil {
		e.next.prev = e.prev
	} else {
		q.tail = e.prev
	}
	e.q, e.prev, e.next = nil, nil, nil
}

// Notify wakes, in registration (FIFO) order, every waiter whose mask meets
// events, and returns how many it woke. Entries stay registered: a woken
// waiter removes its own entry when its operation completes. The order is
// part of the simulator's determinism.
func (q *WaitQueue) Notify(events EventMask) int {
	n := 0
	for e := q.head; e != nil; {
		next := e.next // Wake may remove e
		if e.Mask&events != 0 {
			e.Waiter.Wake(events)
			n++
		}
		e = next
	}
	return n
}

// Empty reports whether nobody waits.
func (q *WaitQueue) Empty() bool { return q.head == nil }

// Each calls f for every entry in order, for listings ("who waits").
func (q *WaitQueue) Each(f func(*Entry)) {
	for e := q.head; e != nil; e = e.next {
		f(e)
	}
}

// Waiters returns the waiters of q that are of type T, in registration
// order, for listings (the records of the processes waiting to send or
// receive on a message queue, say).
func Waiters[T Waiter](q *WaitQueue) []T {
	var out []T
	q.Each(func(e *Entry) {
		if w, ok := e.Waiter.(T); ok {
			out = append(out, w)
		}
	})
	return out
}

// First returns the first waiter of q that is of type T, in registration
// order (the receiver that a pipelined send serves, say).
func First[T Waiter](q *WaitQueue) (T, bool) {
	for e := q.head; e != nil; e = e.next {
		if w, ok := e.Waiter.(T); ok {
			return w, true
		}
	}
	var zero T
	return zero, false
}

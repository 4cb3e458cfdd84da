// Package epoll is the kernel's event poll object (epoll(7)): an interest
// list of watched files and a ready list of those that have signalled an
// event, Linux's struct eventpoll with its epitems (fs/eventpoll.c).
//
// Each watched file has an Item, which puts its own entry on the file's
// wait queue. When the file notifies an event the item asked for, the
// item's Wake puts it at the tail of the instance's ready list (if it is
// not on it already) and notifies the instance's own queue, where
// epoll_wait sleepers and pollers of the epoll file wait (Linux's
// ep_poll_callback). Collect then takes events off the ready list in order
// (ep_send_events): an item with nothing to report any more leaves the
// list, a level-triggered item goes back to its tail, an edge-triggered one
// waits for the next notification, a one-shot one is disarmed until it is
// modified. So successive calls cycle through the ready files when more
// are ready than a call takes (epoll_wait(2)).
//
// An Instance never blocks: the kernel sleeps on its Queue and retries.
package epoll

import (
	"sort"

	"ipcsim/abi"
	"ipcsim/sched"
)

// A File is what an instance watches: something with poll events and a
// wait queue that announces their changes (the kernel's open file
// description). Files are compared by identity, as Linux compares struct
// file pointers.
type File interface {
	// Readiness returns the file's poll events now.
	Readiness() sched.EventMask
	// Queue is where the file announces new events; nil for a file that
	// never changes.
	Queue() *sched.WaitQueue
}

// PrivateBits are the bits of an item's events that are flags, not
// events (EP_PRIVATE_BITS): a one-shot item disarmed keeps only these.
const PrivateBits = abi.EPOLLWAKEUP | abi.EPOLLONESHOT | abi.EPOLLET | abi.EPOLLEXCLUSIVE

// Always are the events reported whether asked for or not: epoll_ctl(2)
// "EPOLLERR ... epoll_wait(2) will always report for this event; it is not
// necessary to set it in events", and likewise EPOLLHUP.
const Always = abi.EPOLLERR | abi.EPOLLHUP

// Readable is what the epoll file itself reports when an event waits:
// "The epoll file descriptor itself is pollable ... it is marked as
// readable" (epoll(7), and ep_eventpoll_poll).
const Readable = abi.POLLIN | abi.POLLRDNORM

// Instance is one epoll instance (struct eventpoll).
type Instance struct {
	ID int // numbers the instance in traces and listings: epoll#ID

	// Where epoll_wait sleepers and pollers of the epoll file wait
	// (Linux's ep->wq and ep->poll_wait in one queue).
	wq sched.WaitQueue

	byKey map[key]*Item // the interest list, for lookups (never iterated)
	items []*Item       // the interest list, by fd, then by order of addition
	added uint64        // items ever added: each item's place among equal fds

	// The ready list (rdllist), in the order events came in.
	readyHead, readyTail *Item
}

// key identifies an item as Linux's epitem does: "the file descriptor
// number and the open file description" (epoll(7), Q&A 1 and 6).
type key struct {
	file File
	fd   int
}

// An Item is one watched (file, fd) pair (struct epitem).
type Item struct {
	File File
	FD   int
	// Events are the events asked for with the flags (EPOLLET,
	// EPOLLONESHOT, ...), plus Always. A disarmed one-shot item keeps
	// only its flags.
	Events sched.EventMask
	Data   uint64 // returned with every event (epoll_data_t)

	ep    *Instance
	entry sched.Entry // on File's queue; entry.Waiter is the item
	seq   uint64      // order of addition, after fd in the interest list

	onReady    bool  // on the ready list
	prev, next *Item // ready-list links
}

// New returns an empty instance.
func New(id int) *Instance {
	return &Instance{ID: id, byKey: map[key]*Item{}}
}

// Find returns the item watching file through fd, or nil.
func (ep *Instance) Find(file File, fd int) *Item { return ep.byKey[key{file, fd}] }

// Add watches file through fd for events (EPOLL_CTL_ADD): the item goes on
// the file's wait queue, and on the ready list at once if the file is
// ready now (ep_insert).
//
// Preconditions: Find(file, fd) is nil.
func (ep *Instance) Add(file File, fd int, events sched.EventMask, data uint64) *Item {
	ep.added++
	it := &Item{File: file, FD: fd, Events: events | Always, Data: data, ep: ep, seq: ep.added}
	it.entry.Waiter, it.entry.Mask = it, sched.AllEvents
	ep.byKey[key{file, fd}] = it
	i := sort.Search(len(ep.items), func(i int) bool { return ep.items[i].FD > fd })
	ep.items = append(ep.items, nil)
	copy(ep.items[i+1:], ep.items[i:])
	ep.items[i] = it
	if q := file.Queue(); q != nil {
		q.Add(&it.entry)
	}
	ep.pollIn(it)
	return it
}

// Modify changes what an item watches (EPOLL_CTL_MOD), which re-arms a
// one-shot item; if the file is ready for the new events, the item goes
// on the ready list (ep_modify).
func (ep *Instance) Modify(it *Item, events sched.EventMask, data uint64) {
	it.Events, it.Data = events|Always, data
	ep.pollIn(it)
}

// pollIn puts it on the ready list, and wakes the instance's waiters, if
// its file has one of its events now.
func (ep *Instance) pollIn(it *Item) {
	if it.poll() != 0 && !it.onReady {
		ep.pushTail(it)
		ep.wq.Notify(Readable)
	}
}

// Remove stops watching (EPOLL_CTL_DEL): off the file's queue, the
// interest list and the ready list.
func (ep *Instance) Remove(it *Item) {
	it.entry.Remove()
	ep.unlink(it)
	delete(ep.byKey, key{it.File, it.FD})
	for i, x := range ep.items {
		if x == it {
			ep.items = append(ep.items[:i], ep.items[i+1:]...)
			break
		}
	}
}

// Forget removes every item of file, which has been released: "closing a
// file descriptor causes it to be removed from all epoll interest lists"
// once every descriptor of its open file description is closed (epoll(7);
// Linux's eventpoll_release). It reports whether there was one.
func (ep *Instance) Forget(file File) bool {
	found := false
	for i := 0; i < len(ep.items); {
		if it := ep.items[i]; it.File == file {
			ep.Remove(it)
			found = true
			continue
		}
		i++
	}
	return found
}

// Release removes every item: the epoll file itself is released.
func (ep *Instance) Release() {
	for len(ep.items) > 0 {
		ep.Remove(ep.items[len(ep.items)-1])
	}
}

// Wake is the item's callback on its file's queue (ep_poll_callback): an
// event it watches puts it at the tail of the ready list and wakes the
// instance's waiters. A disarmed one-shot item ignores everything.
func (it *Item) Wake(events sched.EventMask) {
	if it.Events&^PrivateBits == 0 || events&it.Events == 0 {
		return
	}
	ep := it.ep
	if !it.onReady {
		ep.pushTail(it)
	}
	ep.wq.Notify(Readable)
}

// poll returns the events of the item's file it reports now: "the
// associated file is available for ... " what it asked for, errors and
// hang-ups always (ep_item_poll).
func (it *Item) poll() sched.EventMask {
	return it.File.Readiness() & it.Events &^ PrivateBits
}

// Disarmed reports whether the item is a one-shot item that has reported
// and waits for EPOLL_CTL_MOD.
func (it *Item) Disarmed() bool { return it.Events&^PrivateBits == 0 }

// Owner returns the instance the item belongs to.
func (it *Item) Owner() *Instance { return it.ep }

// Ready reports whether the item is on the ready list.
func (it *Item) Ready() bool { return it.onReady }

// Collect takes up to max events off the ready list, in its order, and
// hands each to put with the item's data (ep_send_events). For each item
// it polls the file again: one with nothing to report leaves the list; one
// reported goes to the tail of the list if it is level-triggered, leaves it
// if it is edge-triggered ("only when changes occur", epoll(7)), and is
// disarmed if it is one-shot. The items it did not reach stay at the head,
// before the level-triggered ones it put back: the next call starts where
// this one stopped. put returns false when the event cannot be delivered
// (a bad buffer); the item then stays where it was and Collect stops. It
// returns the number of events put.
func (ep *Instance) Collect(max int, put func(events sched.EventMask, data uint64) bool) int {
	n := 0
	var again []*Item // level-triggered items reported, back to the tail in this order
	for ep.readyHead != nil && n < max {
		it := ep.readyHead
		revents := it.poll()
		if revents == 0 {
			ep.unlink(it)
			continue
		}
		if !put(revents, it.Data) {
			break
		}
		n++
		ep.unlink(it)
		switch {
		case it.Events&abi.EPOLLONESHOT != 0:
			it.Events &= PrivateBits
		case it.Events&abi.EPOLLET == 0:
			again = append(again, it)
		}
	}
	for _, it := range again {
		ep.pushTail(it)
	}
	return n
}

// Readiness is the epoll file's poll events: readable when an item on the
// ready list has an event to report now. Items that have none leave the
// list, as Linux's __ep_eventpoll_poll drops them.
func (ep *Instance) Readiness() sched.EventMask {
	for it := ep.readyHead; it != nil; {
		next := it.next
		if it.poll() != 0 {
			return Readable
		}
		ep.unlink(it)
		it = next
	}
	return 0
}

// Queue is where epoll_wait sleepers and pollers of the epoll file wait;
// with Readiness it makes an Instance a File, which another instance can
// watch (nested epoll).
func (ep *Instance) Queue() *sched.WaitQueue { return &ep.wq }

// Items returns the interest list, by fd, then by order of addition.
func (ep *Instance) Items() []*Item { return ep.items }

// ReadyList returns the ready list, head first.
func (ep *Instance) ReadyList() []*Item {
	var out []*Item
	for it := ep.readyHead; it != nil; it = it.next {
		out = append(out, it)
	}
	return out
}

func (ep *Instance) pushTail(it *Item) {
	it.onReady = true
	it.prev, it.next = ep.readyTail, nil
	if ep.readyTail != nil {
		ep.readyTail.next = it
	} else {
		ep.readyHead = it
	}
	ep.readyTail = it
}

// unlink takes it off the ready list, if it is on it.
func (ep *Instance) unlink(it *Item) {
	if !it.onReady {
		return
	}
	if it.prev != nil {
		it.prev.next = it.next
	} else {
		ep.readyHead = it.next
	}
	if it.next != nil {
		it.next.prev = it.prev
	} else {
		ep.readyTail = it.prev
	}
	it.onReady, it.prev, it.next = false, nil, nil
}

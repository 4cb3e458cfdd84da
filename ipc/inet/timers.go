package inet

import (
	"container/heap"

	"ipcsim/ipc/inet/tcp"
)

// The TCP timers of a host, in one queue ordered by deadline (and, for
// equal deadlines, by when they were armed, so the order never depends
// on anything but the run). Re-arming or stopping a timer leaves its old
// entry in the queue, marked stale by the generation, and skipped when it
// comes up: no search through the queue.

type timerEntry struct {
	at  uint64
	seq uint64 // arming order, for equal deadlines
	c   *conn
	t   tcp.Timer
	gen uint64 // the timer's generation when armed
}

type timerHeap []timerEntry

func (h timerHeap) Len() int { return len(h) }
func (h timerHeap) Less(i, j int) bool {
	if h[i].at != h[j].at {
		return h[i].at < h[j].at
	}
	return h[i].seq < h[j].seq
}
func (h timerHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *timerHeap) Push(x any)   { *h = append(*h, x.(timerEntry)) }
func (h *timerHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	*h = old[:len(old)-1]
	return e
}

// maxTimers is how many kinds of timer a connection has (tcp.Timer
// values are small integers).
const maxTimers = 8

// connTimers is one connection's timers: the generation and deadline of
// each, and whether it is armed.
type connTimers struct {
	gen   [maxTimers]uint64
	at    [maxTimers]uint64
	armed [maxTimers]bool
}

type timerQueue struct {
	h   timerHeap
	seq uint64
}

func (q *timerQueue) set(c *conn, t tcp.Timer, at uint64) {
	i := int(t) % maxTimers
	c.timers.gen[i]++
	c.timers.at[i], c.timers.armed[i] = at, true
	q.seq++
	heap.Push(&q.h, timerEntry{at: at, seq: q.seq, c: c, t: t, gen: c.timers.gen[i]})
}

func (q *timerQueue) stop(c *conn, t tcp.Timer) {
	i := int(t) % maxTimers
	c.timers.gen[i]++
	c.timers.armed[i] = false
}

// live reports whether e is still the armed timer it was.
func (e *timerEntry) live() bool {
	i := int(e.t) % maxTimers
	return e.c.timers.armed[i] && e.c.timers.gen[i] == e.gen
}

// next is the earliest live deadline.
func (q *timerQueue) next() (uint64, bool) {
	for len(q.h) > 0 {
		if q.h[0].live() {
			return q.h[0].at, true
		}
		heap.Pop(&q.h)
	}
	return 0, false
}

// fire runs every timer due at now, in deadline order. A timer a firing
// arms for now or earlier fires in the same call.
func (q *timerQueue) fire(now uint64) {
	for len(q.h) > 0 && q.h[0].at <= now {
		e := heap.Pop(&q.h).(timerEntry)
		if !e.live() {
			continue
		}
		e.c.timers.armed[int(e.t)%maxTimers] = false
		e.c.fire(e.t)
	}
}

// stopAll disarms every timer of c (its connection is gone).
func (q *timerQueue) stopAll(c *conn) {
	for i := range c.timers.armed {
		c.timers.armed[i] = false
		c.timers.gen[i]++
	}
}

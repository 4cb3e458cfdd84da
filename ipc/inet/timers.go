package inet

import "ipcsim/ipc/inet/tcp"

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

// timerHeap is a binary min-heap of entries by (at, seq), with the
// sift-up and sift-down of container/heap written for timerEntry (fast
// path: container/heap's Push and Pop box every entry in an interface,
// one allocation each). seq is unique, so the order is total and pops come
// out the same whatever the heap's shape.
type timerHeap []timerEntry

func (h timerHeap) less(i, j int) bool {
	if h[i].at != h[j].at {
		return h[i].at < h[j].at
	}
	return h[i].seq < h[j].seq
}

// push adds e.
func (h *timerHeap) push(e timerEntry) {
	*h = append(*h, e)
	h.up(len(*h) - 1)
}

// pop removes and returns the least entry.
//
// Preconditions: the heap is not empty.
func (h *timerHeap) pop() timerEntry {
	old := *h
	n := len(old) - 1
	old[0], old[n] = old[n], old[0]
	old[:n].down(0)
	e := old[n]
	old[n] = timerEntry{} // no pointer to its connection stays behind
	*h = old[:n]
	return e
}

func (h timerHeap) up(j int) {
	for j > 0 {
		i := (j - 1) / 2 // parent
		if !h.less(j, i) {
			break
		}
		h[i], h[j] = h[j], h[i]
		j = i
	}
}

func (h timerHeap) down(i int) {
	n := len(h)
	for {
		j := 2*i + 1 // left child
		if j >= n {
			break
		}
		if r := j + 1; r < n && h.less(r, j) {
			j = r
		}
		if !h.less(j, i) {
			break
		}
		h[i], h[j] = h[j], h[i]
		i = j
	}
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
	h    timerHeap
	seq  uint64
	live int // armed timers, each with one live entry in h; the rest of h is stale
}

func (q *timerQueue) set(c *conn, t tcp.Timer, at uint64) {
	i := int(t) % maxTimers
	if !c.timers.armed[i] {
		q.live++
	}
	c.timers.gen[i]++
	c.timers.at[i], c.timers.armed[i] = at, true
	q.seq++
	q.h.push(timerEntry{at: at, seq: q.seq, c: c, t: t, gen: c.timers.gen[i]})
	if len(q.h) > 2*q.live+64 {
		q.compact()
	}
}

// compact drops the stale entries. A ping-pong re-arms the delayed-ACK
// and retransmission timers at every segment, for deadlines that virtual
// time does not reach, so their stale entries would otherwise pile up
// (the heap grew by two entries per round trip). Removing them changes
// no live entry's key, hence no firing order; done when stale entries
// outnumber live ones (plus a margin), it costs O(1) per set amortized.
func (q *timerQueue) compact() {
	keep := q.h[:0]
	for _, e := range q.h {
		if e.live() {
			keep = append(keep, e)
		}
	}
	clear(q.h[len(keep):]) // let the gone connections be collected
	q.h = keep
	for j := len(keep)/2 - 1; j >= 0; j-- {
		keep.down(j)
	}
}

func (q *timerQueue) stop(c *conn, t tcp.Timer) {
	i := int(t) % maxTimers
	if c.timers.armed[i] {
		q.live--
	}
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
		q.h.pop()
	}
	return 0, false
}

// fire runs every timer due at now, in deadline order. A timer a firing
// arms for now or earlier fires in the same call.
func (q *timerQueue) fire(now uint64) {
	for len(q.h) > 0 && q.h[0].at <= now {
		e := q.h.pop()
		if !e.live() {
			continue
		}
		e.c.timers.armed[int(e.t)%maxTimers] = false
		q.live--
		e.c.fire(e.t)
	}
}

// stopAll disarms every timer of c (its connection is gone).
func (q *timerQueue) stopAll(c *conn) {
	for i := range c.timers.armed {
		if c.timers.armed[i] {
			q.live--
		}
		c.timers.armed[i] = false
		c.timers.gen[i]++
	}
}

package inet

import "ipcsim/ipc/inet/tcp"

// The TCP timers of a host, in one queue ordered by deadline (and, for
// equal deadlines, by when they were armed, so the order never depends
// on anything but the run). Each armed timer has exactly one entry, and
// its connection knows where that entry is: re-arming a timer changes its
// entry's deadline and moves the entry up or down the heap, stopping it
// takes the entry out (fast path: a ping-pong re-arms the delayed-ACK and
// retransmission timers at every segment, and used to push a new entry
// each time and leave the old one to be skipped).

type timerEntry struct {
	at  uint64
	seq uint64 // arming order, for equal deadlines
	c   *conn
	t   tcp.Timer
}

// timerHeap is a binary min-heap of entries by (at, seq), with the
// sift-up and sift-down of container/heap written for timerEntry
// (container/heap's Push and Pop box every entry in an interface, one
// allocation each), keeping each connection's record of where its
// entries are. seq is unique, so the order is total and pops come out the
// same whatever the heap's shape.
type timerHeap []timerEntry

func (h timerHeap) less(i, j int) bool {
	if h[i].at != h[j].at {
		return h[i].at < h[j].at
	}
	return h[i].seq < h[j].seq
}

// swap exchanges two entries and tells their connections where they went.
func (h timerHeap) swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h.placed(i)
	h.placed(j)
}

// placed records in entry i's connection that the entry is at i.
func (h timerHeap) placed(i int) {
	e := &h[i]
	e.c.timers.pos[slot(e.t)] = int32(i + 1)
}

// up moves entry j towards the root while it is less than its parent.
func (h timerHeap) up(j int) {
	for j > 0 {
		i := (j - 1) / 2 // parent
		if !h.less(j, i) {
			break
		}
		h.swap(i, j)
		j = i
	}
}

// down moves entry i towards the leaves while a child is less; it reports
// whether the entry moved.
func (h timerHeap) down(i int) bool {
	i0 := i
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
		h.swap(i, j)
		i = j
	}
	return i > i0
}

// fix puts entry i back in order after its key changed.
func (h timerHeap) fix(i int) {
	if !h.down(i) {
		h.up(i)
	}
}

// maxTimers is how many kinds of timer a connection has (tcp.Timer
// values are small integers).
const maxTimers = 8

func slot(t tcp.Timer) int { return int(t) % maxTimers }

// connTimers is where one connection's armed timers are in the queue.
type connTimers struct {
	pos [maxTimers]int32 // the entry's index in the heap plus one; 0: not armed
}

type timerQueue struct {
	h   timerHeap
	seq uint64 // timers armed so far
}

// set arms c's timer t for at, or moves it there if it is armed: either
// way it comes after the timers armed before it for the same time.
func (q *timerQueue) set(c *conn, t tcp.Timer, at uint64) {
	q.seq++
	if p := c.timers.pos[slot(t)]; p != 0 {
		i := int(p) - 1
		q.h[i].at, q.h[i].seq = at, q.seq
		q.h.fix(i)
		return
	}
	q.h = append(q.h, timerEntry{at: at, seq: q.seq, c: c, t: t})
	n := len(q.h) - 1
	q.h.placed(n)
	q.h.up(n)
}

// stop disarms c's timer t.
func (q *timerQueue) stop(c *conn, t tcp.Timer) {
	if p := c.timers.pos[slot(t)]; p != 0 {
		q.remove(int(p) - 1)
	}
}

// remove takes entry i out of the heap and returns it.
func (q *timerQueue) remove(i int) timerEntry {
	h := q.h
	n := len(h) - 1
	e := h[i]
	if i != n {
		h.swap(i, n)
	}
	h[n] = timerEntry{} // no pointer to its connection stays behind
	q.h = h[:n]
	if i != n {
		q.h.fix(i)
	}
	e.c.timers.pos[slot(e.t)] = 0
	return e
}

// live is how many timers are armed.
func (q *timerQueue) live() int { return len(q.h) }

// next is the earliest deadline.
func (q *timerQueue) next() (uint64, bool) {
	if len(q.h) == 0 {
		return 0, false
	}
	return q.h[0].at, true
}

// fire runs every timer due at now, in deadline order. A timer a firing
// arms for now or earlier fires in the same call.
func (q *timerQueue) fire(now uint64) {
	for len(q.h) > 0 && q.h[0].at <= now {
		e := q.remove(0)
		e.c.fire(e.t)
	}
}

// stopAll disarms every timer of c (its connection is gone).
func (q *timerQueue) stopAll(c *conn) {
	for i := range c.timers.pos {
		if p := c.timers.pos[i]; p != 0 {
			q.remove(int(p) - 1)
		}
	}
}

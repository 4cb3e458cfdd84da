// Package sched holds the scheduling policy and the scheduler's data
// structures: the Policy interface that decides which ready process runs
// next, for how long, and whether to preempt at a scheduling point, with
// RoundRobin (seeded jitter) as the default; the run queue of processes
// ready to run; and wait queues on which blocked processes sleep until a
// kernel object notifies them.
//
// The kernel keeps the mechanism and asks the policy at every choice, so an
// explorer can substitute its own policy (kernel.Config.Policy) without
// touching the kernel. Policies name processes by pid and the queues are
// generic over what they hold, so that this package needs nothing from
// above it.
package sched

// RunQueue is a first-in first-out queue of runnable tasks: round robin.
// It is a ring buffer, so Push and Pop are O(1) whatever the number of tasks,
// which keeps a context switch's cost independent of the process count.
type RunQueue[T any] struct {
	buf  []T // ring storage; len(buf) is a power of two
	head int // index of the first task
	n    int // number of tasks queued
}

// Len returns the number of queued tasks.
func (q *RunQueue[T]) Len() int { return q.n }

// Push appends t at the tail.
func (q *RunQueue[T]) Push(t T) {
	if q.n == len(q.buf) {
		q.grow()
	}
	q.buf[(q.head+q.n)&(len(q.buf)-1)] = t
	q.n++
}

// Pop removes and returns the task at the head.
func (q *RunQueue[T]) Pop() (t T, ok bool) {
	if q.n == 0 {
		return t, false
	}
	var zero T
	t = q.buf[q.head]
	q.buf[q.head] = zero
	q.head = (q.head + 1) & (len(q.buf) - 1)
	q.n--
	return t, true
}

// Each calls f for every queued task from head to tail, for listings.
func (q *RunQueue[T]) Each(f func(T)) {
	for i := range q.n {
		f(q.buf[(q.head+i)&(len(q.buf)-1)])
	}
}

func (q *RunQueue[T]) grow() {
	size := max(8, 2*len(q.buf))
	buf := make([]T, size)
	for i := range q.n {
		buf[i] = q.buf[(q.head+i)&(len(q.buf)-1)]
	}
	q.buf, q.head = buf, 0
}

package sched

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRunQueueFIFOAcrossGrowth(t *testing.T) {
	var q RunQueue[int]
	var got []int
	// Interleave pushes and pops so the ring wraps before it grows.
	for i := range 5 {
		q.Push(i)
	}
	for range 3 {
		v, _ := q.Pop()
		got = append(got, v)
	}
	for i := 5; i < 30; i++ {
		q.Push(i)
	}
	for {
		v, ok := q.Pop()
		if !ok {
			break
		}
		got = append(got, v)
	}
	want := make([]int, 30)
	for i := range want {
		want[i] = i
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("pop order (-want +got):\n%s", diff)
	}
	if q.Len() != 0 {
		t.Errorf("Len = %d after draining", q.Len())
	}
}

type recorder struct {
	name string
	log  *[]string
	e    *Entry
	once bool // remove itself when woken, as a completed operation does
}

func (r *recorder) Wake(EventMask) {
	*r.log = append(*r.log, r.name)
	if r.once {
		r.e.Remove()
	}
}

func TestWaitQueueNotifyOrderAndMask(t *testing.T) {
	var q WaitQueue
	var log []string
	mk := func(name string, mask EventMask, once bool) *recorder {
		r := &recorder{name: name, log: &log, once: once}
		r.e = &Entry{Waiter: r, Mask: mask}
		q.Add(r.e)
		return r
	}
	mk("a", 0x1, true)
	b := mk("b", 0x4, false)
	mk("c", 0x1|0x4, false)
	if n := q.Notify(0x1); n != 2 {
		t.Errorf("Notify(IN) woke %d, want 2", n)
	}
	q.Notify(0x4)
	b.e.Remove()
	q.Notify(AllEvents)
	want := []string{"a", "c", "b", "c", "c"}
	if diff := cmp.Diff(want, log); diff != "" {
		t.Errorf("wake order (-want +got):\n%s", diff)
	}
	b.e.Remove() // removing twice is harmless
}

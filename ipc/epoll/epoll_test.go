package epoll

import (
	"testing"

	"github.com/stretchr/testify/require"

	"ipcsim/abi"
	"ipcsim/sched"
)

// file is a watched file whose readiness a test sets; set announces it
// on the queue as an object does after a change of state.
type file struct {
	ready sched.EventMask
	q     sched.WaitQueue
}

func (f *file) Readiness() sched.EventMask { return f.ready }
func (f *file) Queue() *sched.WaitQueue    { return &f.q }

func (f *file) set(ev sched.EventMask) {
	f.ready = ev
	f.q.Notify(ev)
}

// waiter counts wakeups of the instance's queue (an epoll_wait sleeper).
type waiter struct{ woken int }

func (w *waiter) Wake(sched.EventMask) { w.woken++ }

// collect returns the data of up to max events, in order.
func collect(ep *Instance, max int) []uint64 {
	var out []uint64
	ep.Collect(max, func(_ sched.EventMask, data uint64) bool {
		out = append(out, data)
		return true
	})
	return out
}

func TestLevelTriggeredReportsUntilDrained(t *testing.T) {
	ep := New(1)
	f := &file{}
	ep.Add(f, 3, abi.EPOLLIN, 30)
	require.Empty(t, collect(ep, 8), "nothing ready")
	f.set(abi.POLLIN)
	require.Equal(t, []uint64{30}, collect(ep, 8))
	require.Equal(t, []uint64{30}, collect(ep, 8), "level-triggered: again while readable")
	f.ready = 0 // drained: no notification needed to stop reporting
	require.Empty(t, collect(ep, 8))
	require.Empty(t, ep.ReadyList(), "an item with nothing to report leaves the ready list")
}

func TestEdgeTriggeredReportsOncePerEvent(t *testing.T) {
	ep := New(1)
	f := &file{}
	ep.Add(f, 3, abi.EPOLLIN|abi.EPOLLET, 30)
	f.set(abi.POLLIN)
	require.Equal(t, []uint64{30}, collect(ep, 8))
	require.Empty(t, collect(ep, 8), "still readable, but no new event")
	f.set(abi.POLLIN) // more data
	require.Equal(t, []uint64{30}, collect(ep, 8))
}

func TestOneShotDisarmsUntilModify(t *testing.T) {
	ep := New(1)
	f := &file{ready: abi.POLLIN}
	it := ep.Add(f, 3, abi.EPOLLIN|abi.EPOLLONESHOT, 30)
	require.Equal(t, []uint64{30}, collect(ep, 8), "ready when added")
	require.True(t, it.Disarmed())
	f.set(abi.POLLIN | abi.POLLHUP)
	require.Empty(t, collect(ep, 8), "disarmed: not even HUP")
	ep.Modify(it, abi.EPOLLIN|abi.EPOLLONESHOT, 31)
	require.Equal(t, []uint64{31}, collect(ep, 8), "re-armed by MOD, new data")
}

func TestReadyListCycles(t *testing.T) {
	ep := New(1)
	var fs [3]*file
	for i := range fs {
		fs[i] = &file{}
		ep.Add(fs[i], 3+i, abi.EPOLLIN, uint64(3+i))
	}
	fs[1].set(abi.POLLIN) // ready in the order 4, 3, 5
	fs[0].set(abi.POLLIN)
	fs[2].set(abi.POLLIN)
	var got []uint64
	for range 6 {
		got = append(got, collect(ep, 1)...)
	}
	require.Equal(t, []uint64{4, 3, 5, 4, 3, 5}, got, "maxevents 1 cycles through the ready list")
	require.Equal(t, []uint64{4, 3}, collect(ep, 2))
	require.Equal(t, []uint64{5, 4, 3}, collect(ep, 8), "not reached ones first, then the reported ones")
}

func TestWakeNotifiesOnceOnTheList(t *testing.T) {
	ep := New(1)
	w := &waiter{}
	ep.Queue().Add(&sched.Entry{Waiter: w, Mask: abi.POLLIN})
	f := &file{}
	ep.Add(f, 3, abi.EPOLLIN, 0)
	f.set(abi.POLLOUT)
	require.Equal(t, 0, w.woken, "an event not asked for wakes nobody")
	f.set(abi.POLLIN)
	f.set(abi.POLLIN)
	require.Equal(t, 2, w.woken)
	require.Len(t, ep.ReadyList(), 1, "an item is on the ready list once")
	f.set(abi.POLLHUP)
	require.Equal(t, 3, w.woken, "HUP is always watched")
}

func TestRemoveAndForget(t *testing.T) {
	ep := New(1)
	f, g := &file{ready: abi.POLLIN}, &file{ready: abi.POLLIN}
	a := ep.Add(f, 5, abi.EPOLLIN, 5)
	ep.Add(g, 4, abi.EPOLLIN, 4)
	ep.Add(f, 7, abi.EPOLLIN, 7) // a dup of the same file: a second item
	require.Equal(t, []int{4, 5, 7}, fds(ep.Items()), "interest list by fd")
	require.Same(t, a, ep.Find(f, 5))
	require.Nil(t, ep.Find(f, 4))
	ep.Remove(a)
	require.Nil(t, ep.Find(f, 5))
	require.Equal(t, []uint64{4, 7}, collect(ep, 8))
	require.True(t, ep.Forget(f))
	require.Equal(t, []int{4}, fds(ep.Items()))
	require.True(t, f.q.Empty(), "the released file's queue holds no item")
	ep.Release()
	require.Empty(t, ep.Items())
	require.True(t, g.q.Empty())
}

func TestNestedInstance(t *testing.T) {
	inner, outer := New(1), New(2)
	f := &file{}
	inner.Add(f, 3, abi.EPOLLIN, 3)
	outer.Add(inner, 4, abi.EPOLLIN, 4)
	require.Zero(t, inner.Readiness())
	f.set(abi.POLLIN)
	require.Equal(t, sched.EventMask(Readable), inner.Readiness())
	require.Equal(t, []uint64{4}, collect(outer, 8), "the inner instance's event reaches the outer one")
	f.ready = 0
	require.Empty(t, collect(outer, 8), "nothing left inside: the inner instance is not readable")
	require.Empty(t, inner.ReadyList(), "polling the inner instance dropped its stale item")
}

func TestCollectStopsAtABadBuffer(t *testing.T) {
	ep := New(1)
	f, g := &file{ready: abi.POLLIN}, &file{ready: abi.POLLIN}
	ep.Add(f, 3, abi.EPOLLIN, 3)
	ep.Add(g, 4, abi.EPOLLIN|abi.EPOLLONESHOT, 4)
	n := ep.Collect(8, func(_ sched.EventMask, data uint64) bool { return data != 4 })
	require.Equal(t, 1, n)
	require.Equal(t, []uint64{4, 3}, collect(ep, 8), "the undelivered item kept its place and stayed armed")
}

func fds(items []*Item) []int {
	var out []int
	for _, it := range items {
		out = append(out, it.FD)
	}
	return out
}

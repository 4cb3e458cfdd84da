package inet

import (
	"testing"

	"ipcsim/ipc/inet/tcp"
)

// TestTimerQueueInPlace: re-arming timers for deadlines that never come
// (a ping-pong's delayed ACK) moves their entries instead of adding
// entries, a stopped timer leaves the queue, and the timers still come
// out in deadline order, the earliest armed first on a tie.
func TestTimerQueueInPlace(t *testing.T) {
	var q timerQueue
	a, b, c := &conn{}, &conn{}, &conn{}
	for i := range 10000 {
		q.set(a, tcp.DelayedAckTimer, uint64(1000+i))
		q.set(b, tcp.RetransmitTimer, uint64(500+i))
		q.set(c, tcp.PersistTimer, uint64(20000-i))
		if len(q.h) != 3 {
			t.Fatalf("after %d re-arms: %d entries for 3 timers", i+1, len(q.h))
		}
	}
	q.set(a, tcp.RetransmitTimer, 10499) // ties with b's, armed later
	q.set(c, tcp.KeepaliveTimer, 1)
	q.stop(c, tcp.KeepaliveTimer)
	q.stop(c, tcp.KeepaliveTimer) // stopping a stopped timer does nothing
	if q.live() != 4 {
		t.Fatalf("live = %d, want 4", q.live())
	}
	for i := range q.h {
		e := q.h[i]
		if p := e.c.timers.pos[slot(e.t)]; int(p) != i+1 {
			t.Fatalf("entry %d recorded at %d", i, p-1)
		}
	}
	var got []timerEntry
	for len(q.h) > 0 {
		got = append(got, q.remove(0))
	}
	want := []struct {
		c  *conn
		t  tcp.Timer
		at uint64
	}{{c, tcp.PersistTimer, 10001}, {b, tcp.RetransmitTimer, 10499}, {a, tcp.RetransmitTimer, 10499}, {a, tcp.DelayedAckTimer, 10999}}
	if len(got) != len(want) {
		t.Fatalf("%d entries, want %d", len(got), len(want))
	}
	for i, w := range want {
		if got[i].c != w.c || got[i].t != w.t || got[i].at != w.at {
			t.Errorf("entry %d: %p %v at %d, want %p %v at %d", i, got[i].c, got[i].t, got[i].at, w.c, w.t, w.at)
		}
	}
	for _, x := range []*conn{a, b, c} {
		if x.timers != (connTimers{}) {
			t.Errorf("%p still records entries: %v", x, x.timers.pos)
		}
	}
}

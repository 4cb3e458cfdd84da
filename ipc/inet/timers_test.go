package inet

import (
	"testing"

	"ipcsim/ipc/inet/tcp"
)

// TestTimerQueueCompacts: re-arming timers for deadlines that never come
// (a ping-pong's delayed ACK) keeps the queue small, and the live timers
// still come out in deadline order, the earliest armed first on a tie.
func TestTimerQueueCompacts(t *testing.T) {
	var q timerQueue
	a, b := &conn{}, &conn{}
	for i := range 10000 {
		q.set(a, tcp.DelayedAckTimer, uint64(1000+i))
		q.set(b, tcp.RetransmitTimer, uint64(500+i))
		if len(q.h) > 2*q.live+64 {
			t.Fatalf("after %d re-arms: %d entries for %d live timers", i+1, len(q.h), q.live)
		}
	}
	q.set(a, tcp.RetransmitTimer, 10499) // ties with b's, armed later
	if q.live != 3 {
		t.Fatalf("live = %d, want 3", q.live)
	}
	var got []timerEntry
	for len(q.h) > 0 {
		if e := q.h.pop(); e.live() {
			got = append(got, e)
		}
	}
	want := []struct {
		c  *conn
		t  tcp.Timer
		at uint64
	}{{b, tcp.RetransmitTimer, 10499}, {a, tcp.RetransmitTimer, 10499}, {a, tcp.DelayedAckTimer, 10999}}
	if len(got) != len(want) {
		t.Fatalf("%d live entries, want %d", len(got), len(want))
	}
	for i, w := range want {
		if got[i].c != w.c || got[i].t != w.t || got[i].at != w.at {
			t.Errorf("entry %d: %p %v at %d, want %p %v at %d", i, got[i].c, got[i].t, got[i].at, w.c, w.t, w.at)
		}
	}
}

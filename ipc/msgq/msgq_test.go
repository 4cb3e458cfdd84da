package msgq

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"ipcsim/abi"
	"ipcsim/ipc/sysv"
	"ipcsim/sched"
)

var root = sysv.Creds{}

// proc is a sleeping process: it counts its wakeups.
type proc struct{ woken int }

func (p *proc) Wake(sched.EventMask) { p.woken++ }

func newQueue() *Queue { return New(sysv.Perm{ID: 1, Key: 0x1234, Mode: 0600}, 100) }

// fill sends messages of the given types, text "t<type>.<n>".
func fill(t *testing.T, q *Queue, types ...int64) {
	for i, typ := range types {
		_, err := q.Send(NewMessage(typ, fmt.Appendf(nil, "t%d.%d", typ, i)), 2, root, 200)
		require.NoError(t, err)
	}
}

// list returns the queue's text, head to tail.
func list(q *Queue) []string {
	var out []string
	for m := q.Head(); m != nil; m = m.Next() {
		out = append(out, string(m.Data))
	}
	return out
}

func TestTypeSelection(t *testing.T) {
	types := []int64{5, 3, 7, 2, 3, 2, 1, 9}
	tests := []struct {
		name  string
		typ   int64
		flags int
		want  string // the message taken, or the error
	}{
		{"0 takes the first", 0, 0, "t5.0"},
		{"0 with MSG_EXCEPT still takes the first", 0, abi.MSG_EXCEPT, "t5.0"},
		{">0 takes the first of that type", 3, 0, "t3.1"},
		{">0 with MSG_EXCEPT takes the first of another type", 5, abi.MSG_EXCEPT, "t3.1"},
		{">0 of a missing type", 4, 0, "msgq: no message of the requested type"},
		{"<0: lowest type <= |msgtyp|", -3, 0, "t1.6"},
		{"<0: type == |msgtyp| is eligible (gVisor misses it)", -1, 0, "t1.6"},
		{"<0: earliest among equals", -2, 0, "t1.6"},
		{"<0 when nothing is low enough", -0, 0, "t5.0"},
		{"MSG_COPY position 0", 0, abi.MSG_COPY | abi.IPC_NOWAIT, "t5.0"},
		{"MSG_COPY position 3", 3, abi.MSG_COPY | abi.IPC_NOWAIT, "t2.3"},
		{"MSG_COPY past the end", 8, abi.MSG_COPY | abi.IPC_NOWAIT, "msgq: no message of the requested type"},
		{"MSG_COPY negative position", -1, abi.MSG_COPY | abi.IPC_NOWAIT, "msgq: no message of the requested type"},
		{"LONG_MIN is the lowest type of all", -1 << 63, 0, "t1.6"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := newQueue()
			fill(t, q, types...)
			m, err := q.Receive(Request{Type: tt.typ, Flags: tt.flags, Size: 100, PID: 3}, root, 300)
			got := ""
			if err != nil {
				got = err.Error()
			} else {
				got = string(m.Data)
			}
			require.Equal(t, tt.want, got)
			if err == nil && tt.flags&abi.MSG_COPY != 0 {
				require.Equal(t, len(types), q.QNum, "MSG_COPY leaves the message queued")
			}
		})
	}
}

// Among equal lowest types the earliest wins, and a later lower one beats it.
func TestLessEqualEarliest(t *testing.T) {
	q := newQueue()
	fill(t, q, 4, 2, 3, 2, 2)
	var got []string
	for range 5 {
		m, err := q.Receive(Request{Type: -4, Size: 100}, root, 0)
		require.NoError(t, err)
		got = append(got, string(m.Data))
	}
	if diff := cmp.Diff([]string{"t2.1", "t2.3", "t2.4", "t3.2", "t4.0"}, got); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
}

func TestTooBig(t *testing.T) {
	q := newQueue()
	fill(t, q, 1)
	_, err := q.Receive(Request{Size: 2, PID: 3}, root, 0)
	require.ErrorIs(t, err, ErrTooBig)
	require.Equal(t, []string{"t1.0"}, list(q), "E2BIG leaves the message queued")
	_, err = q.Receive(Request{Size: 2, Flags: abi.MSG_COPY | abi.MSG_NOERROR}, root, 0)
	require.ErrorIs(t, err, ErrCopyTooBig)
	m, err := q.Receive(Request{Size: 2, Flags: abi.MSG_NOERROR, PID: 3}, root, 0)
	require.NoError(t, err, "MSG_NOERROR takes it (the kernel copies 2 bytes)")
	require.Equal(t, 4, m.Size)
	require.Empty(t, list(q))
}

func TestCountersAndTimes(t *testing.T) {
	q := newQueue()
	_, err := q.Send(NewMessage(1, []byte("hello")), 7, root, 1000)
	require.NoError(t, err)
	_, err = q.Send(NewMessage(2, nil), 8, root, 1001)
	require.NoError(t, err)
	type stat struct {
		CBytes, QNum, LSPID, LRPID int
		STime, RTime, CTime        int64
	}
	st := func() stat { return stat{q.CBytes, q.QNum, q.LSPID, q.LRPID, q.STime, q.RTime, q.CTime} }
	require.Equal(t, stat{5, 2, 8, 0, 1001, 0, 100}, st())
	_, err = q.Receive(Request{Size: 10, PID: 9}, root, 1002)
	require.NoError(t, err)
	require.Equal(t, stat{0, 1, 8, 9, 1001, 1002, 100}, st())
}

// "full when cbytes + msgsz > msg_qbytes or qnum + 1 > msg_qbytes".
func TestFull(t *testing.T) {
	q := newQueue()
	q.Set(0, 0, 0600, 10, 0)
	_, err := q.Send(NewMessage(1, make([]byte, 8)), 2, root, 0)
	require.NoError(t, err)
	_, err = q.Send(NewMessage(1, make([]byte, 3)), 2, root, 0)
	require.ErrorIs(t, err, ErrFull, "bytes")
	_, err = q.Send(NewMessage(1, make([]byte, 2)), 2, root, 0)
	require.NoError(t, err, "exactly full")
	q.Set(0, 0, 0600, 2, 0)
	q.head, q.tail, q.CBytes, q.QNum = nil, nil, 0, 0
	for range 2 {
		_, err = q.Send(NewMessage(1, nil), 2, root, 0)
		require.NoError(t, err)
	}
	_, err = q.Send(NewMessage(1, nil), 2, root, 0)
	require.ErrorIs(t, err, ErrFull, "msg_qbytes caps the number of messages too")
}

func TestPermissions(t *testing.T) {
	q := New(sysv.Perm{ID: 1, UID: 5, CUID: 5, Mode: 0200}, 0)
	other := sysv.Creds{UID: 6, EUID: 6, GID: 6, EGID: 6}
	owner := sysv.Creds{UID: 5, EUID: 5}
	_, err := q.Send(NewMessage(1, nil), 2, other, 0)
	require.ErrorIs(t, err, ErrAccess)
	_, err = q.Send(NewMessage(1, nil), 2, owner, 0)
	require.NoError(t, err)
	_, err = q.Receive(Request{}, owner, 0)
	require.ErrorIs(t, err, ErrAccess, "write-only for the owner")
	_, err = q.Receive(Request{}, root, 0)
	require.NoError(t, err)
}

// pipelined_send: the first waiting receiver (FIFO) whose request matches
// takes the message; one whose buffer is too small is woken with E2BIG and
// the walk goes on.
func TestPipelinedSend(t *testing.T) {
	q := newQueue()
	ps := make([]*proc, 5)
	rs := make([]*Receiver, 5)
	reqs := []Request{
		{Type: 9, Size: 100, PID: 10},                        // another type: skipped
		{Type: 3, Size: 1, PID: 11},                          // matches, too small: E2BIG
		{Type: -5, Size: 1, Flags: abi.MSG_NOERROR, PID: 12}, // matches, truncates: takes it
		{Type: 0, Size: 100, PID: 13},                        // would match, but comes later
		{Type: 3, Size: 100, PID: 14},
	}
	for i, req := range reqs {
		ps[i] = &proc{}
		rs[i] = NewReceiver(q, ps[i], req)
		rs[i].Join(q.ReceiverList(), true)
	}
	got, err := q.Send(NewMessage(3, []byte("abc")), 2, root, 50)
	require.NoError(t, err)
	require.Same(t, rs[2], got)
	require.Equal(t, "abc", string(rs[2].Msg.Data))
	require.ErrorIs(t, rs[1].Err, ErrTooBig)
	require.Equal(t, []int{0, 1, 1, 0, 0}, []int{ps[0].woken, ps[1].woken, ps[2].woken, ps[3].woken, ps[4].woken})
	require.Empty(t, list(q), "a handed message never enters the list")
	require.Equal(t, 0, q.QNum)
	require.Equal(t, 12, q.LRPID)
	require.Equal(t, int64(50), q.RTime)
	require.Equal(t, 2, q.LSPID)
	var left []int
	for _, r := range q.Receivers() {
		left = append(left, r.PID)
	}
	require.Equal(t, []int{10, 13, 14}, left)

	// Type 8: pid 13 takes any type.
	got, err = q.Send(NewMessage(8, []byte("x")), 2, root, 51)
	require.NoError(t, err)
	require.Same(t, rs[3], got)
	// Nobody wants type 8 now: it is queued.
	got, err = q.Send(NewMessage(8, []byte("x")), 2, root, 51)
	require.NoError(t, err)
	require.Nil(t, got)
	require.Equal(t, []string{"x"}, list(q))
}

func TestSendersWokenWhenTheyFit(t *testing.T) {
	q := newQueue()
	q.Set(0, 0, 0600, 10, 0)
	fill(t, q, 1, 1) // 4 + 4 bytes
	big, small := &proc{}, &proc{}
	NewSender(q, big, 5, NewMessage(1, make([]byte, 9))).Join(q.SenderList(), true)
	NewSender(q, small, 6, NewMessage(1, make([]byte, 5))).Join(q.SenderList(), true)
	_, err := q.Receive(Request{Size: 10}, root, 0)
	require.NoError(t, err)
	require.Equal(t, [2]int{0, 1}, [2]int{big.woken, small.woken}, "only the sender whose message fits")
}

func TestRemove(t *testing.T) {
	q := newQueue()
	fill(t, q, 1)
	rp, sp := &proc{}, &proc{}
	r := NewReceiver(q, rp, Request{Type: 2, Size: 10})
	r.Join(q.ReceiverList(), true)
	NewSender(q, sp, 5, NewMessage(1, make([]byte, 1<<20))).Join(q.SenderList(), true)
	q.Remove()
	require.ErrorIs(t, r.Err, ErrRemoved)
	require.Equal(t, [2]int{1, 1}, [2]int{rp.woken, sp.woken})
	require.Empty(t, q.Receivers())
	_, err := q.Send(NewMessage(1, nil), 2, root, 0)
	require.ErrorIs(t, err, ErrRemoved)
	_, err = q.Receive(Request{}, root, 0)
	require.ErrorIs(t, err, ErrRemoved)
}

func TestWants(t *testing.T) {
	for _, tt := range []struct {
		req  Request
		want string
	}{
		{Request{Type: -3}, " of type <= 3"},
		{Request{Type: 3}, " of type 3"},
		{Request{Type: 3, Flags: abi.MSG_EXCEPT}, " of type != 3"},
		{Request{Type: 0, Flags: abi.MSG_EXCEPT}, ""},
		{Request{Type: 2, Flags: abi.MSG_COPY}, " at position 2"},
	} {
		require.Equal(t, tt.want, tt.req.Wants())
	}
	require.Equal(t, "q#1 (key 0x1234)", newQueue().Name())
}

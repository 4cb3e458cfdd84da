package mqueue

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"ipcsim/abi"
	"ipcsim/sched"
)

var root = Creator{Privileged: true}

func open(t *testing.T, ns *Namespace, name string, attr *Attr) *Queue {
	q, err := ns.Open(name, abi.O_CREAT|abi.O_RDWR, 0600, attr, root)
	require.NoError(t, err)
	q.Open()
	return q
}

func texts(q *Queue) []string {
	var out []string
	for m := q.Head(); m != nil; m = m.Next() {
		out = append(out, string(m.Data))
	}
	return out
}

// "Messages are placed on the queue in decreasing order of priority, with
// newer messages of the same priority being placed after older messages".
func TestPriorityOrder(t *testing.T) {
	q := open(t, NewNamespace(), "q", nil)
	for _, s := range []struct {
		text string
		prio uint32
	}{{"a1", 1}, {"b5", 5}, {"c0", 0}, {"d5", 5}, {"e1", 1}, {"f32767", 32767}} {
		_, _, err := q.Send([]byte(s.text), s.prio)
		require.NoError(t, err)
	}
	if diff := cmp.Diff([]string{"f32767", "b5", "d5", "a1", "e1", "c0"}, texts(q)); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
	var got []string
	for q.CurMsgs > 0 {
		m, _, err := q.Receive()
		require.NoError(t, err)
		got = append(got, string(m.Data))
	}
	require.Equal(t, []string{"f32767", "b5", "d5", "a1", "e1", "c0"}, got)
	_, _, err := q.Receive()
	require.ErrorIs(t, err, ErrEmpty)
}

func TestFullAndReadiness(t *testing.T) {
	q := open(t, NewNamespace(), "q", &Attr{MaxMsg: 2, MsgSize: 16})
	require.Equal(t, abi.POLLOUT|abi.POLLWRNORM, int(q.Readiness()))
	for range 2 {
		_, _, err := q.Send([]byte("x"), 0)
		require.NoError(t, err)
	}
	require.Equal(t, abi.POLLIN|abi.POLLRDNORM, int(q.Readiness()))
	_, _, err := q.Send([]byte("x"), 0)
	require.ErrorIs(t, err, ErrFull)
}

func TestPipelined(t *testing.T) {
	q := open(t, NewNamespace(), "q", &Attr{MaxMsg: 1, MsgSize: 16})
	w1, w2 := &counter{}, &counter{}
	r1, r2 := NewReceiver(q, w1, 5), NewReceiver(q, w2, 6)
	r1.Join(q.ReceiverList(), false)
	r2.Join(q.ReceiverList(), false)
	require.NoError(t, q.SetNotify(9, &Notification{PID: 9, Notify: abi.SIGEV_SIGNAL, Signo: 10}))
	got, n, err := q.Send([]byte("hi"), 3)
	require.NoError(t, err)
	require.Same(t, r1, got, "the first receiver takes it")
	require.Nil(t, n, "no notification while a receiver waits")
	require.Equal(t, "hi", string(r1.Msg.Data))
	require.Equal(t, 0, q.CurMsgs)
	require.Equal(t, [2]int{1, 0}, [2]int{w1.n, w2.n})

	// The queue fills; a sender waits; a receive takes its message in.
	// r2 still waits: take it off for this part.
	r2.Leave()
	_, n, err = q.Send([]byte("one"), 1)
	require.NoError(t, err)
	require.NotNil(t, n, "empty -> non-empty with nobody waiting: fire")
	require.Nil(t, q.Notification(), "fired once, then unregistered")
	ws := &counter{}
	s := NewSender(q, ws, 7, []byte("two"), 2)
	s.Join(q.SenderList(), false)
	m, took, err := q.Receive()
	require.NoError(t, err)
	require.Equal(t, "one", string(m.Data))
	require.Same(t, s, took)
	require.True(t, s.Answered())
	require.Equal(t, 1, ws.n)
	require.Equal(t, []string{"two"}, texts(q))
}

type counter struct{ n int }

func (c *counter) Wake(sched.EventMask) { c.n++ }

func TestNotifyRules(t *testing.T) {
	q := open(t, NewNamespace(), "q", nil)
	require.NoError(t, q.SetNotify(3, &Notification{PID: 3, Notify: abi.SIGEV_NONE}))
	require.ErrorIs(t, q.SetNotify(4, &Notification{PID: 4}), ErrBusy)
	require.NoError(t, q.SetNotify(4, nil), "unregistering someone else's does nothing")
	require.NotNil(t, q.Notification())
	_, _, err := q.Send([]byte("a"), 0)
	require.NoError(t, err)
	require.Nil(t, q.Notification())
	require.NoError(t, q.SetNotify(4, &Notification{PID: 4}))
	_, n, err := q.Send([]byte("b"), 0)
	require.NoError(t, err)
	require.Nil(t, n, "the queue was not empty: no notification")
	require.NotNil(t, q.Notification())
	require.NoError(t, q.SetNotify(4, nil))
	require.Nil(t, q.Notification())
}

func TestOpenErrors(t *testing.T) {
	user := Creator{UID: 1000, GID: 1000}
	tests := []struct {
		name  string
		qname string
		oflag int
		attr  *Attr
		c     Creator
		want  error
	}{
		{"missing without O_CREAT", "nope", abi.O_RDONLY, nil, root, abi.ENOENT},
		{"O_CREAT|O_EXCL on an existing name", "there", abi.O_CREAT | abi.O_EXCL | abi.O_RDWR, nil, root, abi.EEXIST},
		{"existing with O_CREAT", "there", abi.O_CREAT | abi.O_RDWR, nil, root, nil},
		{"O_ACCMODE 3 on an existing queue", "there", 3, nil, root, abi.EINVAL},
		{"maxmsg 0", "new", abi.O_CREAT, &Attr{MaxMsg: 0, MsgSize: 1}, root, abi.EINVAL},
		{"msgsize -1", "new", abi.O_CREAT, &Attr{MaxMsg: 1, MsgSize: -1}, root, abi.EINVAL},
		{"unprivileged above msg_max", "new", abi.O_CREAT, &Attr{MaxMsg: 11, MsgSize: 1}, user, abi.EINVAL},
		{"unprivileged above msgsize_max", "new", abi.O_CREAT, &Attr{MaxMsg: 1, MsgSize: 8193}, user, abi.EINVAL},
		{"privileged up to HARD_MSGMAX", "new", abi.O_CREAT, &Attr{MaxMsg: 65536, MsgSize: 1}, root, nil},
		{"privileged above HARD_MSGMAX", "new", abi.O_CREAT, &Attr{MaxMsg: 65537, MsgSize: 1}, root, abi.EINVAL},
		{"attributes of an existing queue are ignored", "there", abi.O_RDWR, &Attr{}, root, nil},
		{"no permission", "there", abi.O_RDONLY, nil, user, abi.EACCES},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ns := NewNamespace()
			_, err := ns.Open("there", abi.O_CREAT|abi.O_RDWR, 0600, nil, root)
			require.NoError(t, err)
			_, err = ns.Open(tt.qname, tt.oflag, 0600, tt.attr, tt.c)
			require.Equal(t, tt.want, err)
		})
	}
}

func TestNames(t *testing.T) {
	long := make([]byte, 256)
	for i := range long {
		long[i] = 'a'
	}
	require.NoError(t, CheckName("ok"))
	require.NoError(t, CheckName(string(long[:255])))
	require.Equal(t, abi.ENAMETOOLONG, CheckName(string(long)))
	require.Equal(t, abi.EACCES, CheckName("a/b"))
	require.Equal(t, abi.EACCES, CheckName(".."))
	require.Equal(t, abi.ENOENT, CheckName(""))
}

func TestQueuesMax(t *testing.T) {
	ns := NewNamespace()
	user := Creator{UID: 1}
	for i := range QueuesMax {
		_, err := ns.Open(string(rune('A'+i%26))+string(rune('a'+i/26)), abi.O_CREAT, 0600, nil, user)
		require.NoError(t, err)
	}
	_, err := ns.Open("extra", abi.O_CREAT, 0600, nil, user)
	require.Equal(t, abi.ENOSPC, err)
	_, err = ns.Open("extra", abi.O_CREAT, 0600, nil, root)
	require.NoError(t, err, "CAP_SYS_RESOURCE passes queues_max")
}

// "The message queue name is removed immediately. The queue itself is
// destroyed once any other processes that have the queue open close".
func TestUnlinkLifetime(t *testing.T) {
	ns := NewNamespace()
	q := open(t, ns, "b", nil)
	open(t, ns, "a", nil)
	require.NoError(t, ns.Unlink("b", root))
	require.Equal(t, abi.ENOENT, ns.Unlink("b", root))
	_, err := ns.Open("b", abi.O_RDONLY, 0, nil, root)
	require.Equal(t, abi.ENOENT, err, "the name is gone at once")
	var names []string
	for _, x := range ns.Queues() {
		names = append(names, x.Name)
	}
	require.Equal(t, []string{"a", "b"}, names, "b lives while open")
	ns.Close(q)
	require.Len(t, ns.Queues(), 1)
}

// The root is sticky (01777): only the queue's owner or root may unlink
// it, others get EPERM (may_delete's check_sticky).
func TestUnlinkSticky(t *testing.T) {
	ns := NewNamespace()
	owner, other := Creator{UID: 1000, GID: 100}, Creator{UID: 1001, GID: 100}
	for _, c := range []Creator{owner, other, root} {
		_, err := ns.Open("q", abi.O_CREAT|abi.O_RDONLY, 0666, nil, owner)
		require.NoError(t, err)
		if c.UID == other.UID {
			require.Equal(t, abi.EPERM, ns.Unlink("q", c), "another user, even with mode 0666")
			require.NoError(t, ns.Unlink("q", owner))
			continue
		}
		require.NoError(t, ns.Unlink("q", c))
	}
	require.Equal(t, abi.ENOENT, ns.Unlink("q", other), "ENOENT comes before the permission check")
}

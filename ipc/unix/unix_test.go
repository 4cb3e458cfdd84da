package unix

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"ipcsim/abi"
)

var cred = Cred{PID: 2, UID: 1000, GID: 100}

func listener(t *testing.T, n *Net, typ, backlog int) *Socket {
	t.Helper()
	l := n.New(typ)
	require.NoError(t, l.BindAbstract([]byte("\x00srv")))
	require.NoError(t, l.Listen(backlog, cred))
	return l
}

func TestBacklogTakesOneMore(t *testing.T) {
	n := NewNet()
	l := listener(t, n, abi.SOCK_STREAM, 2)
	for range 3 { // qlen > backlog is full: backlog+1 connections wait
		require.NoError(t, n.New(abi.SOCK_STREAM).Connect(l, cred))
	}
	var b *Blocked
	require.True(t, errors.As(n.New(abi.SOCK_STREAM).Connect(l, cred), &b))
	require.Equal(t, &l.Queue, b.Queue)
	require.Equal(t, abi.POLLIN|abi.POLLRDNORM, int(l.Readiness()), "a listener is readable with a connection waiting, never writable")
	_, err := l.Accept()
	require.NoError(t, err)
	require.NoError(t, n.New(abi.SOCK_STREAM).Connect(l, cred))
}

func TestStreamSendBufferBlocks(t *testing.T) {
	n := NewNet()
	a, b := n.Pair(abi.SOCK_STREAM, cred)
	data := make([]byte, 1<<20)
	sent, err := a.Send(&Message{Data: data})
	var blk *Blocked
	require.True(t, errors.As(err, &blk), "a full send buffer blocks")
	require.Greater(t, sent, DefaultSndbuf, "a buffer is allocated while wmem < sndbuf, so a little more goes")
	require.Less(t, sent, DefaultSndbuf+40000)
	require.Zero(t, int(a.Readiness()&abi.POLLOUT))
	for {
		r, err := b.Recv(1<<20, 0, 1)
		require.NoError(t, err)
		if len(r.Data) == 0 || a.Readiness()&abi.POLLOUT != 0 {
			break
		}
	}
	require.NotZero(t, int(a.Readiness()&abi.POLLOUT), "writable again once read")
}

func TestDgramQlenAndTruncation(t *testing.T) {
	n := NewNet()
	srv := n.New(abi.SOCK_DGRAM)
	require.NoError(t, srv.BindAbstract([]byte("\x00d")))
	cli := n.New(abi.SOCK_DGRAM)
	lookup := func() (*Socket, error) { return srv, nil }
	for i := range MaxDgramQlen + 1 {
		_, err := cli.Send(&Message{Data: []byte{byte(i), 1, 2}, Lookup: lookup})
		require.NoError(t, err)
	}
	_, err := cli.Send(&Message{Data: []byte{1}, Lookup: lookup})
	var blk *Blocked
	require.True(t, errors.As(err, &blk), "an unconnected-back receiver queues max_dgram_qlen+1")
	r, err := srv.Recv(2, 0, 0)
	require.NoError(t, err)
	require.Equal(t, []byte{0, 1}, r.Data)
	require.Equal(t, 3, r.Len, "the rest of a datagram is lost")
	_, err = cli.Send(&Message{Data: make([]byte, DefaultSndbuf), Lookup: lookup})
	require.Equal(t, abi.EMSGSIZE, err)
}

func TestCloseResets(t *testing.T) {
	n := NewNet()
	l := listener(t, n, abi.SOCK_STREAM, 5)
	c := n.New(abi.SOCK_STREAM)
	require.NoError(t, c.Connect(l, cred))
	l.Close()
	require.NotZero(t, int(c.Readiness()&abi.POLLERR))
	_, err := c.Recv(10, 0, 1)
	require.Equal(t, abi.ECONNRESET, err)
	r, err := c.Recv(10, 0, 1)
	require.NoError(t, err)
	require.Empty(t, r.Data, "then end of file")
	_, err = c.Send(&Message{Data: []byte("x")})
	require.ErrorIs(t, err, ErrBrokenPipe)

	a, b := n.Pair(abi.SOCK_STREAM, cred)
	_, err = a.Send(&Message{Data: []byte("unread")})
	require.NoError(t, err)
	b.Close() // with unread data: the peer gets ECONNRESET
	_, err = a.Recv(10, 0, 1)
	require.Equal(t, abi.ECONNRESET, err)
	require.Nil(t, n.LookupAbstract(abi.SOCK_STREAM, []byte("\x00srv")), "an abstract name goes with its socket")
}

func TestDgramPeerGone(t *testing.T) {
	n := NewNet()
	a, b := n.New(abi.SOCK_DGRAM), n.New(abi.SOCK_DGRAM)
	require.NoError(t, a.ConnectDgram(b))
	b.Close()
	_, err := a.Send(&Message{Data: []byte("x")})
	require.Equal(t, abi.ECONNREFUSED, err)
	_, err = a.Send(&Message{Data: []byte("x")})
	require.Equal(t, abi.ENOTCONN, err, "then disconnected")
}

// TestSpareBuffersKeepBytesApart: a buffer read to its end is reused by
// the next send; the bytes read before, the bytes peeked and the bytes of
// the next message stay what they were.
func TestSpareBuffersKeepBytesApart(t *testing.T) {
	n := NewNet()
	a, b := n.Pair(abi.SOCK_STREAM, cred)
	_, err := a.Send(&Message{Data: []byte("hello")})
	require.NoError(t, err)
	var r1 Received
	ok, err := b.RecvInto(&r1, make([]byte, 0, 16), 16, 0, 1)
	require.True(t, ok)
	require.NoError(t, err)
	require.Len(t, n.spare, 1, "the buffer read to its end is kept")
	_, err = a.Send(&Message{Data: []byte("ab")})
	require.NoError(t, err)
	require.Empty(t, n.spare, "and taken by the next send")
	peek, err := b.Recv(16, abi.MSG_PEEK, 1)
	require.NoError(t, err)
	r2, err := b.Recv(16, 0, 1)
	require.NoError(t, err)
	require.Equal(t, "hello", string(r1.Data))
	require.Equal(t, "ab", string(peek.Data))
	require.Equal(t, "ab", string(r2.Data))
	_, err = b.Recv(16, 0, 1)
	require.Same(t, b.readBlocked(), err, "an empty socket answers with its one *Blocked")
}

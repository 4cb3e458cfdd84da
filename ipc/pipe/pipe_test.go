package pipe

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"

	"ipcsim/abi"
	"ipcsim/sched"
)

func open(t *testing.T) *Pipe {
	t.Helper()
	p := New(1)
	p.OpenReader()
	p.OpenWriter()
	return p
}

func TestByteStreamWrapsAround(t *testing.T) {
	p := open(t)
	require.NoError(t, p.SetCap(RoundCapacity(1)))
	require.Equal(t, pageSize, p.Cap())
	buf := make([]byte, 3000)
	var want, got []byte
	for round := range 5 { // 5 x 3000 bytes through a 4096-byte ring
		chunk := bytes.Repeat([]byte{byte('a' + round)}, 3000)
		n, err := p.Write(chunk, false)
		require.NoError(t, err)
		require.Equal(t, 3000, n)
		want = append(want, chunk...)
		n, err = p.Read(buf)
		require.NoError(t, err)
		got = append(got, buf[:n]...)
	}
	require.Equal(t, want, got, "bytes come out in order across the wrap")
}

func TestAtomicWrites(t *testing.T) {
	p := open(t)
	n, err := p.Write(make([]byte, DefaultCapacity-100), false)
	require.NoError(t, err)
	require.Equal(t, DefaultCapacity-100, n)
	// pipe(7): n <= PIPE_BUF is all or nothing.
	_, err = p.Write(make([]byte, 200), true)
	require.ErrorIs(t, err, ErrWouldBlock)
	require.Equal(t, DefaultCapacity-100, p.Len(), "nothing of an atomic write goes in")
	// n > PIPE_BUF may be partial.
	n, err = p.Write(make([]byte, 5000), false)
	require.NoError(t, err)
	require.Equal(t, 100, n)
	_, err = p.Write([]byte{1}, false)
	require.ErrorIs(t, err, ErrWouldBlock, "full")
}

func TestEOFAndBrokenPipe(t *testing.T) {
	p := open(t)
	_, err := p.Read(make([]byte, 1))
	require.ErrorIs(t, err, ErrWouldBlock, "empty with a writer")
	n, err := p.Read(nil)
	require.NoError(t, err)
	require.Zero(t, n, "zero-length read returns at once")
	n, err = p.Write([]byte("xy"), true)
	require.NoError(t, err)
	require.Equal(t, 2, n)
	p.CloseWriter()
	require.Equal(t, sched.EventMask(abi.POLLIN|abi.POLLRDNORM|abi.POLLHUP), p.ReadReadiness())
	n, err = p.Read(make([]byte, 10))
	require.NoError(t, err)
	require.Equal(t, 2, n, "data first")
	n, err = p.Read(make([]byte, 10))
	require.NoError(t, err)
	require.Zero(t, n, "then end of file")
	p.CloseReader()
	_, err = p.Write([]byte{1}, true)
	require.ErrorIs(t, err, ErrBrokenPipe)
	require.Equal(t, sched.EventMask(abi.POLLOUT|abi.POLLWRNORM|abi.POLLERR), p.WriteReadiness())
}

func TestFIFOReaderBeforeAnyWriter(t *testing.T) {
	p := New(2)
	p.OpenReader()
	n, err := p.Read(make([]byte, 1))
	require.NoError(t, err)
	require.Zero(t, n, "no writer has existed: end of file, not EAGAIN")
	require.Zero(t, p.ReadReadiness()&abi.POLLHUP, "and no POLLHUP until a writer existed")
}

func TestSetCapBusyAndGrowth(t *testing.T) {
	p := open(t)
	n, err := p.Write(make([]byte, 10000), false)
	require.NoError(t, err)
	require.Equal(t, 10000, n)
	require.ErrorIs(t, p.SetCap(RoundCapacity(5000)), ErrBusy)
	require.Equal(t, 8192, RoundCapacity(5000))
	require.Equal(t, 1<<20, RoundCapacity(1<<20))
	require.NoError(t, p.SetCap(RoundCapacity(3<<20)))
	require.Equal(t, 4<<20, p.Cap())
	require.Less(t, len(p.buf), 1<<20, "the ring holds what was written, not the capacity")
}

type counter struct{ events []sched.EventMask }

func (c *counter) Wake(ev sched.EventMask) { c.events = append(c.events, ev) }

func TestNotifies(t *testing.T) {
	p := open(t)
	var rd, wr counter
	p.Queue.Add(&sched.Entry{Waiter: &rd, Mask: abi.POLLIN | abi.POLLHUP})
	p.Queue.Add(&sched.Entry{Waiter: &wr, Mask: abi.POLLOUT | abi.POLLERR})
	n, err := p.Write([]byte("a"), true)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	n, err = p.Read(make([]byte, 1))
	require.NoError(t, err)
	require.Equal(t, 1, n)
	p.CloseWriter()
	p.CloseReader()
	require.Equal(t, []sched.EventMask{abi.POLLIN, abi.POLLIN | abi.POLLHUP}, rd.events)
	require.Equal(t, []sched.EventMask{abi.POLLOUT, abi.POLLOUT | abi.POLLERR}, wr.events)
}

func TestTokenKeepsSmallStorage(t *testing.T) {
	p := open(t)
	token := []byte("12345678")
	for range 100 {
		_, err := p.Write(token, true)
		require.NoError(t, err)
		_, err = p.Read(make([]byte, 8))
		require.NoError(t, err)
	}
	require.Equal(t, pageSize, p.size, "the ring is a page")
	require.Equal(t, minStore, len(p.buf), "of which only the front is stored")
}

// wholeRing is the pipe's ring with all of its storage, as it was before
// the storage grew lazily: the model whose ring indexes Pipe must keep.
type wholeRing struct {
	buf, data []byte
	head, cap int
}

func (r *wholeRing) write(src []byte) int {
	n := min(len(src), r.cap-len(r.data))
	if len(r.data)+n > len(r.buf) {
		size := min(r.cap, max(2*len(r.buf), len(r.data)+n, pageSize))
		r.buf, r.head = make([]byte, size), 0
	}
	r.data = append(r.data, src[:n]...)
	return n
}

func (r *wholeRing) read(n int) []byte {
	n = min(n, len(r.data))
	if n == 0 {
		return []byte{}
	}
	out := append([]byte(nil), r.data[:n]...)
	r.data = r.data[n:]
	r.head = (r.head + n) % len(r.buf)
	if len(r.data) == 0 {
		r.head = 0
	}
	return out
}

func TestRingIndexesOfAWholeRing(t *testing.T) {
	p := open(t)
	r := &wholeRing{cap: DefaultCapacity}
	rng := uint32(1)
	next := func(n int) int { rng = rng*1664525 + 1013904223; return int(rng>>8) % n }
	var b byte
	for i := range 3000 {
		if next(2) == 0 {
			src := make([]byte, []int{1, 8, 100, 3000, 9000}[next(5)])
			for j := range src {
				b++
				src[j] = b
			}
			n, err := p.Write(src, false)
			if err != nil {
				require.ErrorIs(t, err, ErrWouldBlock)
			}
			require.Equal(t, r.write(src), n, "op %d", i)
		} else {
			dst := make([]byte, []int{1, 8, 500, 5000}[next(4)])
			n, err := p.Read(dst)
			if err != nil {
				require.ErrorIs(t, err, ErrWouldBlock)
			}
			require.Equal(t, r.read(len(dst)), dst[:n], "op %d", i)
		}
		require.Equal(t, r.head, p.Head(), "op %d", i)
		require.Equal(t, len(r.buf), p.size, "op %d", i)
		require.LessOrEqual(t, len(p.buf), p.size)
	}
}

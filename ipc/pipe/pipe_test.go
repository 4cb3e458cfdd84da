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

// write is the kernel's use of Write for a whole write(2) of src: the bytes
// beyond its whole pages may join the newest buffer.
func write(p *Pipe, src []byte) (int, error) { return p.Write(src, len(src)%pageSize) }

func TestByteStreamWrapsAround(t *testing.T) {
	p := open(t)
	require.NoError(t, p.SetCap(RoundCapacity(1)))
	require.Equal(t, pageSize, p.Cap())
	buf := make([]byte, 3000)
	var want, got []byte
	for round := range 5 { // 5 x 3000 bytes through a pipe of one slot
		chunk := bytes.Repeat([]byte{byte('a' + round)}, 3000)
		n, err := write(p, chunk)
		require.NoError(t, err)
		require.Equal(t, 3000, n)
		want = append(want, chunk...)
		n, err = p.Read(buf)
		require.NoError(t, err)
		got = append(got, buf[:n]...)
	}
	require.Equal(t, want, got, "bytes come out in order")
}

// The counts below are what Linux 6.18 answered to the same calls
// (testdata/linux/sysdiff.out).
func TestSlotsAndMerging(t *testing.T) {
	p := open(t)
	n, err := write(p, make([]byte, 7))
	require.NoError(t, err)
	require.Equal(t, 7, n)
	// 70000 = 17 pages and 368 bytes: the 368 join the 7 in the first
	// page, and the 15 free slots take a page each.
	n, err = p.Write(make([]byte, 65536), 70000%pageSize)
	require.NoError(t, err)
	require.Equal(t, 368+15*pageSize, n)
	used, total := p.Slots()
	require.Equal(t, 16, used)
	require.Equal(t, 16, total)
	require.Zero(t, p.WriteReadiness()&abi.POLLOUT, "no free slot: not writable")
	// A small write that fits in the newest page still goes in.
	n, err = write(p, make([]byte, 1))
	require.ErrorIs(t, err, ErrWouldBlock, "the newest page is full")
	require.Zero(t, n)

	// Reading the first page (375 bytes) frees its slot: room for a page.
	n, err = p.Read(make([]byte, 375))
	require.NoError(t, err)
	require.Equal(t, 375, n)
	require.NotZero(t, p.WriteReadiness()&abi.POLLOUT)
	n, err = write(p, make([]byte, 100))
	require.NoError(t, err)
	require.Equal(t, 100, n, "a new page")
	n, err = write(p, make([]byte, 200))
	require.NoError(t, err)
	require.Equal(t, 200, n, "merged into the page of 100, though no slot is free")
	_, err = write(p, make([]byte, 4096))
	require.ErrorIs(t, err, ErrWouldBlock, "a whole page never merges")
	require.Equal(t, 15*pageSize+300, p.Len())
}

// A file's bytes spliced in (sendfile) take a slot per page of the file,
// from the file offset to the page's end, and no write adds to them; the
// counts are Linux 6.18's (testdata/linux/sendfile_file).
func TestSpliceTakesWholeSlots(t *testing.T) {
	p := open(t)
	_, err := write(p, make([]byte, 7))
	require.NoError(t, err)
	n, err := p.Splice(make([]byte, 70000), 0)
	require.NoError(t, err)
	require.Equal(t, 15*pageSize, n, "the 15 free slots, nothing merged into the 7")
	_, err = write(p, make([]byte, 1))
	require.ErrorIs(t, err, ErrWouldBlock, "the newest buffer is the file's page")

	p = open(t)
	n, err = p.Splice(make([]byte, 3000), 100)
	require.NoError(t, err)
	require.Equal(t, 3000, n)
	n, err = write(p, make([]byte, 10))
	require.NoError(t, err)
	require.Equal(t, 10, n)
	used, _ := p.Slots()
	require.Equal(t, 2, used, "the write took a slot of its own")
	n, err = p.Splice(make([]byte, 70000), 100)
	require.NoError(t, err)
	require.Equal(t, pageSize-100+13*pageSize, n, "the rest of the first page, then whole pages")
	require.NoError(t, p.CheckSlots())
}

func TestPartialWrites(t *testing.T) {
	p := open(t)
	n, err := write(p, make([]byte, DefaultCapacity-100))
	require.NoError(t, err)
	require.Equal(t, DefaultCapacity-100, n, "15 pages and 3996 bytes")
	// pipe(7): n <= PIPE_BUF is all or nothing: 200 bytes do not fit in
	// the last page's 100.
	_, err = write(p, make([]byte, 200))
	require.ErrorIs(t, err, ErrWouldBlock)
	require.Equal(t, DefaultCapacity-100, p.Len(), "nothing of an atomic write goes in")
	// n > PIPE_BUF may be partial: 5000 = a page and 904 bytes, and the
	// 904 do not fit either.
	_, err = write(p, make([]byte, 5000))
	require.ErrorIs(t, err, ErrWouldBlock)
	// 4196 = a page and 100 bytes: the 100 fill the last page.
	n, err = write(p, make([]byte, 4196))
	require.NoError(t, err)
	require.Equal(t, 100, n)
	require.Equal(t, DefaultCapacity, p.Len(), "full")
}

func TestEOFAndBrokenPipe(t *testing.T) {
	p := open(t)
	_, err := p.Read(make([]byte, 1))
	require.ErrorIs(t, err, ErrWouldBlock, "empty with a writer")
	n, err := p.Read(nil)
	require.NoError(t, err)
	require.Zero(t, n, "zero-length read returns at once")
	n, err = write(p, []byte("xy"))
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
	_, err = write(p, []byte{1})
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

func TestSetCapCountsSlots(t *testing.T) {
	p := open(t)
	n, err := write(p, make([]byte, 10000))
	require.NoError(t, err)
	require.Equal(t, 10000, n)
	used, _ := p.Slots()
	require.Equal(t, 3, used, "4096 + 4096 + 1808")
	require.ErrorIs(t, p.SetCap(RoundCapacity(5000)), ErrBusy, "3 slots in use, 2 asked for")
	require.Equal(t, 8192, RoundCapacity(5000))
	require.Equal(t, 1<<20, RoundCapacity(1<<20))
	require.NoError(t, p.SetCap(RoundCapacity(3<<20)))
	require.Equal(t, 4<<20, p.Cap())
	require.NoError(t, p.SetCap(RoundCapacity(3*pageSize)), "as many slots as in use")
	got := make([]byte, 20000)
	n, err = p.Read(got)
	require.NoError(t, err)
	require.Equal(t, 10000, n, "the bytes survive")
}

type counter struct{ events []sched.EventMask }

func (c *counter) Wake(ev sched.EventMask) { c.events = append(c.events, ev) }

func TestNotifies(t *testing.T) {
	p := open(t)
	var rd, wr counter
	p.Queue.Add(&sched.Entry{Waiter: &rd, Mask: abi.POLLIN | abi.POLLHUP})
	p.Queue.Add(&sched.Entry{Waiter: &wr, Mask: abi.POLLOUT | abi.POLLERR})
	n, err := write(p, []byte("a"))
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
	got := make([]byte, 8)
	allocs := testing.AllocsPerRun(100, func() {
		_, err := write(p, token)
		require.NoError(t, err)
		_, err = p.Read(got)
		require.NoError(t, err)
	})
	require.Zero(t, allocs, "the emptied buffer's storage is the next one's")
	require.Equal(t, minStore, cap(p.spare), "and it is small")
}

func TestTailMovesSlotBySlot(t *testing.T) {
	p := open(t)
	type buf struct{ slot, off, unread int }
	buffers := func() []buf {
		var out []buf
		p.Buffers(func(slot, off, unread int) { out = append(out, buf{slot, off, unread}) })
		return out
	}
	require.Zero(t, p.Tail())
	for i := 1; i <= 17; i++ {
		_, err := write(p, []byte("ab"))
		require.NoError(t, err)
		_, err = p.Read(make([]byte, 1))
		require.NoError(t, err)
		require.Equal(t, (i-1)%16, p.Tail())
		require.Equal(t, []buf{{(i - 1) % 16, 1, 1}}, buffers(), "one byte of slot %d read", (i-1)%16)
		_, err = p.Read(make([]byte, 1))
		require.NoError(t, err)
		require.Equal(t, i%16, p.Tail(), "the emptied slot freed, the next is the tail")
		require.Empty(t, buffers())
	}
	_, err := write(p, make([]byte, 5000))
	require.NoError(t, err)
	require.Equal(t, []buf{{1, 0, 4096}, {2, 0, 904}}, buffers(), "a page, then the rest in the next slot")
}

func TestCheckSlots(t *testing.T) {
	p := open(t)
	_, err := write(p, make([]byte, 5000))
	require.NoError(t, err)
	require.NoError(t, p.CheckSlots())
	p.len++
	require.Error(t, p.CheckSlots(), "Len not the buffers' sum")
	p.len--
	p.bufs[1].off = len(p.bufs[1].data)
	require.Error(t, p.CheckSlots(), "an empty buffer left in its slot")
}

// In packet mode each page of a write is a packet: a read takes one,
// cut to its buffer, and the rest of it is gone (pipe_read's
// PIPE_BUF_FLAG_PACKET); no write adds to a packet.
func TestPackets(t *testing.T) {
	p := open(t)
	for _, s := range []string{"hello", "abc"} {
		n, err := p.WritePackets([]byte(s), len(s))
		require.NoError(t, err)
		require.Equal(t, len(s), n)
	}
	buf := make([]byte, 100)
	n, err := p.Read(buf)
	require.NoError(t, err)
	require.Equal(t, "hello", string(buf[:n]))
	n, err = p.Read(buf[:2])
	require.NoError(t, err)
	require.Equal(t, "ab", string(buf[:n]))
	require.Zero(t, p.Len(), "the c went with its packet")
	written, read := p.Transferred()
	require.Equal(t, written, read, "a discarded byte counts as read")
	require.NoError(t, p.CheckSlots())
}

// Package pipe is the kernel's pipe: a ring of page-sized buffers with a
// read end and a write end, shared by pipe(2) and FIFOs (fifo(7)).
//
// A Pipe never blocks. An operation that cannot proceed returns
// ErrWouldBlock, and the caller (the kernel) sleeps on the pipe's wait queue
// and tries again when notified. The pipe notifies after every change of
// state: IN when bytes arrive or the last writer leaves, OUT when room
// appears or the last reader leaves (pipe(7)).
package pipe

import (
	"errors"
	"fmt"

	"ipcsim/abi"
	"ipcsim/sched"
)

// Sizes of pipe(7).
const (
	// DefaultCapacity: "Since Linux 2.6.11, the pipe capacity is 16 pages
	// (i.e., 65,536 bytes in a system with a page size of 4096 bytes)."
	DefaultCapacity = 16 * pageSize
	// MaxCapacity is /proc/sys/fs/pipe-max-size: the most F_SETPIPE_SZ
	// gives an unprivileged process.
	MaxCapacity = 1 << 20
	// Atomic is PIPE_BUF: "POSIX.1 says that writes of less than PIPE_BUF
	// bytes must be atomic".
	Atomic   = abi.PIPE_BUF
	pageSize = abi.PageSize
)

// Errors of the non-blocking operations. Where the kernel must choose
// between sleeping and failing (a flag decides) the answer is a sentinel;
// where the meaning is fixed it is the errno itself, which the kernel
// returns as it is.
var (
	// ErrWouldBlock: the operation cannot proceed now (empty pipe with
	// writers, or no room): block, or fail with EAGAIN.
	ErrWouldBlock = errors.New("pipe: would block")
	// ErrBrokenPipe: a write with no reader left (EPIPE and SIGPIPE).
	ErrBrokenPipe = abi.EPIPE
)

// Pipe is one pipe, laid out as Linux lays out its pipe_inode_info: a ring
// of slots, each holding one buffer of at most a page (struct
// pipe_buffer), and a capacity counted in slots. What a pipe holds depends
// on how its bytes came: a write puts its bytes into new pages, except for
// its first (length modulo a page) bytes, which join the newest buffer if
// they fit in its page. So 16 slots hold 65536 bytes written a page at a
// time, but fewer when a write of 7 bytes takes a slot of its own and the
// next write of 65536 bytes can only use the 15 left (pipe_write). poll's
// POLLOUT means a free slot, and F_SETPIPE_SZ cannot go below the slots in
// use.
//
// bufs holds the buffers in use, oldest first; a buffer's storage grows
// with what it holds and is kept for the next buffer when it empties
// (spare), so a pipe that passes a byte at a time never allocates, and
// many pipes each passing a token keep their bytes in small buffers, not in
// a page of host memory each (issue 13's BenchmarkRing). tail numbers the
// ring slot of bufs[0], as Linux's pipe->tail does; only dumps show slots.
type Pipe struct {
	ID int // numbers the pipe in traces: pipe#ID

	bufs  []buffer // the slots in use, oldest first
	spare []byte   // storage of the last buffer emptied, for the next one
	tail  int      // ring slot of bufs[0], in [0, slots)
	len   int      // number of unread bytes, in all the buffers
	slots int      // capacity in slots (pages): Linux's max_usage

	readers int // open file descriptions of the read end
	writers int // open file descriptions of the write end
	// Every open ever made of each end, never decremented: a FIFO opener
	// that waits for a partner compares them, so a partner that opened
	// and closed while it slept still counts as met (fifo(7), gVisor).
	totalReaders, totalWriters int

	// Bytes ever written and ever read (a packet's rest that a read
	// discards counts as read): written = read + len always (Transferred;
	// the kernel's invariant checks).
	written, read uint64

	// Queue is where readers, writers and FIFO openers sleep; the event
	// mask of each entry says which of them it is.
	Queue sched.WaitQueue
}

// A buffer is one slot's page: data[off:] is unread, data[:off] read
// already. A write adds to the newest buffer only while len(data), the end
// of its bytes in the page, stays within a page.
type buffer struct {
	data []byte
	off  int
	// spliced: the buffer holds a file's page that sendfile(2) spliced
	// in; packet: a write in packet mode made it (O_DIRECT,
	// PIPE_BUF_FLAG_PACKET). No write adds to either (Linux gives them no
	// PIPE_BUF_FLAG_CAN_MERGE), and a read takes a packet whole or cut,
	// never more than one.
	spliced, packet bool
}

// New returns an empty pipe with the default capacity and no ends open.
func New(id int) *Pipe {
	return &Pipe{ID: id, slots: DefaultCapacity / pageSize}
}

// Len returns the number of unread bytes (FIONREAD).
func (p *Pipe) Len() int { return p.len }

// Cap returns the capacity in bytes, a page a slot (F_GETPIPE_SZ).
func (p *Pipe) Cap() int { return p.slots * pageSize }

// Slots returns how many slots hold a buffer, and how many there are.
func (p *Pipe) Slots() (used, total int) { return len(p.bufs), p.slots }

// Tail returns the ring slot of the oldest buffer (Linux's pipe->tail);
// the buffers in use follow it, one slot each, wrapping around.
func (p *Pipe) Tail() int { return p.tail }

// Buffers calls f with each buffer in use, oldest first: its slot, the
// bytes of its page already read, and its unread bytes.
func (p *Pipe) Buffers(f func(slot, off, unread int)) {
	for i, b := range p.bufs {
		f((p.tail+i)%p.slots, b.off, len(b.data)-b.off)
	}
}

// CheckSlots verifies the ring: at most as many buffers as slots, each
// holding unread bytes within a page, the tail a slot, and Len their sum.
// It is for the kernel's invariant checks.
func (p *Pipe) CheckSlots() error {
	if len(p.bufs) > p.slots || p.tail < 0 || p.tail >= p.slots {
		return fmt.Errorf("%d buffers in %d slots, tail %d", len(p.bufs), p.slots, p.tail)
	}
	sum := 0
	for i, b := range p.bufs {
		if b.off >= len(b.data) || len(b.data) > pageSize {
			return fmt.Errorf("buffer %d reads at %d of %d bytes (a page is %d)", i, b.off, len(b.data), pageSize)
		}
		sum += len(b.data) - b.off
	}
	if sum != p.len {
		return fmt.Errorf("the buffers hold %d unread bytes, Len says %d", sum, p.len)
	}
	return nil
}

// Transferred returns the bytes ever written into the pipe and ever read
// out of it: written = read + Len().
func (p *Pipe) Transferred() (written, read uint64) { return p.written, p.read }

// Readers and Writers return the open descriptions of each end.
func (p *Pipe) Readers() int { return p.readers }
func (p *Pipe) Writers() int { return p.writers }

// HadWriter reports whether a write end was ever opened.
func (p *Pipe) HadWriter() bool { return p.totalWriters > 0 }

// OpenCounts returns how many times each end was ever opened.
func (p *Pipe) OpenCounts() (readers, writers int) { return p.totalReaders, p.totalWriters }

// OpenReader and OpenWriter count a new open file description of an end.
func (p *Pipe) OpenReader() {
	p.readers++
	p.totalReaders++
	p.Queue.Notify(abi.POLLOUT) // a FIFO writer waiting for a reader
}

func (p *Pipe) OpenWriter() {
	p.writers++
	p.totalWriters++
	p.Queue.Notify(abi.POLLIN) // a FIFO reader waiting for a writer
}

// CloseReader drops a read-end description. When the last one goes,
// writers learn there is nobody to read: "If all file descriptors referring
// to the read end of a pipe have been closed, then a write(2) will cause a
// SIGPIPE signal to be generated" - pipe(7).
func (p *Pipe) CloseReader() {
	p.readers--
	if p.readers == 0 {
		p.Queue.Notify(abi.POLLOUT | abi.POLLERR)
	}
}

// CloseWriter drops a write-end description. When the last one goes,
// readers see end of file once the buffer is drained: "If all file
// descriptors referring to the write end of a pipe have been closed, then an
// attempt to read(2) from the pipe will see end-of-file" - pipe(7).
func (p *Pipe) CloseWriter() {
	p.writers--
	if p.writers == 0 {
		p.Queue.Notify(abi.POLLIN | abi.POLLHUP)
	}
}

// Read moves up to len(dst) unread bytes into dst, oldest buffer first,
// and returns how many; a buffer read to its end frees its slot. It
// returns 0, nil at end of file (empty, no writer left; also for a FIFO
// reader that has never seen a writer), and ErrWouldBlock when the pipe is
// empty but a writer may still write. A zero-length read returns 0 at once.
func (p *Pipe) Read(dst []byte) (int, error) {
	if len(dst) == 0 {
		return 0, nil
	}
	if p.len == 0 {
		if p.writers == 0 {
			return 0, nil
		}
		return 0, ErrWouldBlock
	}
	n, freed, discarded := 0, false, 0
	for n < len(dst) && len(p.bufs) > 0 {
		b := &p.bufs[0]
		c := copy(dst[n:], b.data[b.off:])
		b.off += c
		n += c
		packet := b.packet
		if packet {
			// pipe_read: "Was it a packet buffer? Clean up and exit":
			// what the read did not take of it is lost.
			discarded = len(b.data) - b.off
			b.off = len(b.data)
		}
		if b.off == len(b.data) {
			p.release()
			freed = true
		}
		if packet {
			break
		}
	}
	p.len -= n + discarded
	p.read += uint64(n + discarded)
	if freed {
		// A writer waits for a free slot (pipe_writable): a read that
		// frees none leaves it asleep.
		p.Queue.Notify(abi.POLLOUT)
	}
	return n, nil
}

// release frees the oldest buffer's slot, keeping its storage as the spare.
// The slice's element past its new end is left as it is: it holds the
// storage of the buffer now last (or the spare's), so it keeps nothing alive.
func (p *Pipe) release() {
	p.spare = p.bufs[0].data[:0]
	if len(p.bufs) > 1 {
		copy(p.bufs, p.bufs[1:])
	}
	p.bufs = p.bufs[:len(p.bufs)-1]
	if p.tail++; p.tail == p.slots {
		p.tail = 0
	}
}

// Write adds bytes of src and returns how many, as Linux's pipe_write
// does. The first merge bytes of src join the newest buffer if they all
// fit in its page; then each free slot takes a new buffer of up to a page.
// The kernel passes as merge the write(2)'s length modulo a page at its
// start, and 0 when it goes on with a write it began earlier, so a write of
// at most PIPE_BUF bytes goes in whole or not at all: "O_NONBLOCK disabled,
// n <= PIPE_BUF: All n bytes are written atomically" - pipe(7). Write
// returns ErrWouldBlock if nothing could be written (every slot in use),
// and ErrBrokenPipe if no reader is left. The caller turns ErrWouldBlock
// into a sleep or EAGAIN.
func (p *Pipe) Write(src []byte, merge int) (int, error) { return p.add(src, merge, -1, false) }

// WritePackets is Write in packet mode (a write end opened O_DIRECT,
// pipe(2)): each page of src is a packet, which a read takes alone.
func (p *Pipe) WritePackets(src []byte, merge int) (int, error) { return p.add(src, merge, -1, true) }

// Splice adds bytes of a regular file, read at file offset off, as
// sendfile(2) splices them (filemap_splice_read): each free slot takes
// the rest of one of the file's pages, whatever room the newest buffer
// has, and no later write adds to such a buffer. It returns what Write
// returns.
func (p *Pipe) Splice(src []byte, off int64) (int, error) { return p.add(src, 0, off, false) }

// add is Write (off < 0), WritePackets and Splice (the file offset off >=
// 0) in one body, so that a write costs the one call it always did (Write
// is inlined into its caller).
func (p *Pipe) add(src []byte, merge int, off int64, packets bool) (int, error) {
	if p.readers == 0 {
		return 0, ErrBrokenPipe
	}
	n, merge := 0, min(merge, len(src))
	if merge > 0 && len(p.bufs) > 0 {
		if b := &p.bufs[len(p.bufs)-1]; !b.spliced && !b.packet && len(b.data)+merge <= pageSize {
			b.data = append(b.data, src[:merge]...)
			n = merge
		}
	}
	for n < len(src) && len(p.bufs) < p.slots {
		page := pageSize
		if off >= 0 { // the rest of the file's page
			page -= int((off + int64(n)) % pageSize)
		}
		page = min(len(src)-n, page)
		data := p.spare
		p.spare = nil
		if cap(data) < page {
			data = make([]byte, 0, max(page, minStore))
		}
		p.bufs = append(p.bufs, buffer{data: append(data, src[n:n+page]...), spliced: off >= 0, packet: packets})
		n += page
	}
	if n == 0 {
		return 0, ErrWouldBlock
	}
	p.len += n
	p.written += uint64(n)
	p.Queue.Notify(abi.POLLIN)
	return n, nil
}

// ReadReadiness returns the poll events of the read end: IN with data,
// HUP once no writer remains (and one existed: a FIFO reader that never saw
// a writer gets no HUP).
func (p *Pipe) ReadReadiness() sched.EventMask {
	var ev sched.EventMask
	if p.len > 0 {
		ev |= abi.POLLIN | abi.POLLRDNORM
	}
	if p.writers == 0 && p.totalWriters > 0 {
		ev |= abi.POLLHUP
	}
	return ev
}

// WriteReadiness returns the poll events of the write end: OUT while a
// slot is free (pipe_poll: "!pipe_full"), ERR when no reader remains.
func (p *Pipe) WriteReadiness() sched.EventMask {
	var ev sched.EventMask
	if len(p.bufs) < p.slots {
		ev |= abi.POLLOUT | abi.POLLWRNORM
	}
	if p.readers == 0 {
		ev |= abi.POLLERR
	}
	return ev
}

// ErrBusy: F_SETPIPE_SZ below the slots the pipe uses.
var ErrBusy = abi.EBUSY

// RoundCapacity returns the capacity F_SETPIPE_SZ gives for a request of
// size bytes: at least a page, rounded up to a power-of-two number of pages
// (Linux's round_pipe_size).
func RoundCapacity(size int) int {
	c := pageSize
	for c < size {
		c <<= 1
	}
	return c
}

// SetCap changes the capacity to capacity bytes (already rounded), keeping
// the unread bytes; ErrBusy if they use more slots than it has. As Linux's
// pipe_resize_ring, the buffers move to the ring's first slots.
func (p *Pipe) SetCap(capacity int) error {
	slots := capacity / pageSize
	if len(p.bufs) > slots {
		return ErrBusy
	}
	p.slots, p.tail = slots, 0
	p.Queue.Notify(abi.POLLOUT)
	return nil
}

// minStore is the least storage a buffer is given: a token or a line of
// text; a buffer that grows by later writes grows its storage as a slice.
const minStore = 64

// Contents returns a copy of the unread bytes, oldest first (for dumps).
func (p *Pipe) Contents() []byte {
	out := make([]byte, 0, p.len)
	for _, b := range p.bufs {
		out = append(out, b.data[b.off:]...)
	}
	return out
}

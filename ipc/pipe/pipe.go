// Package pipe is the kernel's pipe: a ring buffer of bytes with a read end
// and a write end, shared by pipe(2) and FIFOs (fifo(7)).
//
// A Pipe never blocks. An operation that cannot proceed returns
// ErrWouldBlock, and the caller (the kernel) sleeps on the pipe's wait queue
// and tries again when notified. The pipe notifies after every change of
// state: IN when bytes arrive or the last writer leaves, OUT when room
// appears or the last reader leaves (pipe(7)).
package pipe

import (
	"errors"

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

// Pipe is one pipe. Its bytes live in a ring buffer of size bytes: the
// unread bytes are at ring indexes head, head+1, ... (wrapping around at
// size), len of them.
//
// Linux gives a pipe its pages one at a time as data arrives; likewise the
// ring starts at a page and grows (up to the capacity) only when a write
// needs room, so a pipe costs host memory for what it holds, not for its
// size.
//
// Only the front of the ring has host memory: buf stores indexes
// [0, len(buf)) and grows (up to size) when a write reaches past its end
// (store). Reading the last unread byte sends head back to 0, so a pipe
// that passes a few bytes at a time keeps them in the minStore bytes it
// starts with. That is for many processes passing a token (issue 13's
// BenchmarkRing): 10,000 pipes then keep their bytes in small buffers side
// by side, not in a page of host memory each, and a switch touches fewer
// of the host's cache lines and TLB entries. The ring's indexes (Head, in
// dumps) are those of a ring whose storage is whole.
type Pipe struct {
	ID int // numbers the pipe in traces: pipe#ID

	buf  []byte // the ring's indexes [0, len(buf)); len(buf) <= size
	size int    // the ring's length: 0 before the first write, then at least a page and at most capacity
	head int    // ring index of the first unread byte
	len  int    // number of unread bytes
	cap  int    // capacity: the most bytes the pipe holds (F_GETPIPE_SZ)

	readers int // open file descriptions of the read end
	writers int // open file descriptions of the write end
	// Every open ever made of each end, never decremented: a FIFO opener
	// that waits for a partner compares them, so a partner that opened
	// and closed while it slept still counts as met (fifo(7), gVisor).
	totalReaders, totalWriters int

	// Bytes ever written and ever read: written = read + len always
	// (Transferred; the kernel's invariant checks).
	written, read uint64

	// Queue is where readers, writers and FIFO openers sleep; the event
	// mask of each entry says which of them it is.
	Queue sched.WaitQueue
}

// New returns an empty pipe with the default capacity and no ends open.
func New(id int) *Pipe {
	return &Pipe{ID: id, cap: DefaultCapacity}
}

// Len returns the number of unread bytes (FIONREAD).
func (p *Pipe) Len() int { return p.len }

// Cap returns the capacity (F_GETPIPE_SZ).
func (p *Pipe) Cap() int { return p.cap }

// Head returns the ring index of the first unread byte.
func (p *Pipe) Head() int { return p.head }

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

// Read moves up to len(dst) unread bytes into dst and returns how many. It
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
	n := min(len(dst), p.len)
	first := copy(dst[:n], p.buf[p.head:min(p.head+n, p.size)])
	copy(dst[first:n], p.buf[:n-first])
	p.head = (p.head + n) % p.size
	p.len -= n
	p.read += uint64(n)
	if p.len == 0 {
		p.head = 0 // keep the ring's picture simple in dumps
	}
	p.Queue.Notify(abi.POLLOUT)
	return n, nil
}

// Write appends bytes of src and returns how many. If atomic (the whole
// write(2) request is at most PIPE_BUF bytes) it writes all of src or
// nothing; otherwise it writes as much as fits. It returns ErrWouldBlock if
// nothing could be written yet, and ErrBrokenPipe if no reader is left.
//
// "O_NONBLOCK disabled, n <= PIPE_BUF: All n bytes are written atomically;
// write(2) may block if there is not room for n bytes to be written
// immediately" - pipe(7). The caller turns ErrWouldBlock into a sleep or
// EAGAIN.
func (p *Pipe) Write(src []byte, atomic bool) (int, error) {
	if p.readers == 0 {
		return 0, ErrBrokenPipe
	}
	room := p.cap - p.len
	if room == 0 || atomic && room < len(src) {
		return 0, ErrWouldBlock
	}
	n := min(len(src), room)
	if p.len+n > p.size {
		p.resize(min(p.cap, max(2*p.size, p.len+n, pageSize)))
	}
	tail := (p.head + p.len) % p.size
	p.store(min(tail+n, p.size)) // all of the ring if the write wraps around
	first := copy(p.buf[tail:], src[:n])
	copy(p.buf, src[first:n])
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

// WriteReadiness returns the poll events of the write end: OUT while there
// is room for an atomic write (Linux's pipe_poll asks for PIPE_BUF bytes),
// ERR when no reader remains.
func (p *Pipe) WriteReadiness() sched.EventMask {
	var ev sched.EventMask
	if p.cap-p.len >= Atomic || p.cap < Atomic && p.len == 0 {
		ev |= abi.POLLOUT | abi.POLLWRNORM
	}
	if p.readers == 0 {
		ev |= abi.POLLERR
	}
	return ev
}

// ErrBusy: F_SETPIPE_SZ below the bytes the pipe holds.
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

// SetCap changes the capacity to capacity bytes (already rounded),
// keeping the unread bytes; ErrBusy if they would not fit.
func (p *Pipe) SetCap(capacity int) error {
	if p.len > capacity {
		return ErrBusy
	}
	p.cap = capacity
	if p.size > capacity {
		p.resize(capacity)
	}
	p.Queue.Notify(abi.POLLOUT)
	return nil
}

// minStore is the storage a ring starts with: a token or a line of text.
const minStore = 64

// resize moves the unread bytes to a new ring of size bytes, head at 0.
// The new ring stores as much of its front as holds them.
func (p *Pipe) resize(size int) {
	buf := make([]byte, min(size, max(p.len, minStore)))
	p.copyOut(buf)
	p.buf, p.size, p.head = buf, size, 0
}

// store makes the ring's indexes [0, end) stored, end <= size: buf grows
// to at least twice its length (or to size), keeping what it holds.
func (p *Pipe) store(end int) {
	if end <= len(p.buf) {
		return
	}
	buf := make([]byte, min(p.size, max(end, 2*len(p.buf))))
	copy(buf, p.buf)
	p.buf = buf
}

// copyOut copies the unread bytes, oldest first, to dst.
func (p *Pipe) copyOut(dst []byte) {
	if p.len == 0 {
		return
	}
	n := copy(dst, p.buf[p.head:min(p.head+p.len, p.size)])
	copy(dst[n:p.len], p.buf)
}

// Contents returns a copy of the unread bytes, oldest first (for dumps).
func (p *Pipe) Contents() []byte {
	out := make([]byte, p.len)
	p.copyOut(out)
	return out
}

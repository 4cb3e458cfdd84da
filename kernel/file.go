package kernel

import (
	"errors"
	"fmt"
	"io"
	"syscall"

	"ipcsim/abi"
	"ipcsim/ipc/epoll"
	"ipcsim/proc"
	"ipcsim/sched"
)

// FileOps is what one kind of file does (Linux's file_operations): the
// terminal now, pipe ends and sockets later. Operations never sleep: one that
// cannot proceed returns a *blockError naming the wait queue to sleep on, and
// the kernel sleeps and retries (block.go).
type FileOps interface {
	// Name identifies the object in traces: "tty", "pipe#2".
	Name() string
	// Read moves up to len(dst) bytes into dst.
	Read(c *call, dst []byte, nonblock bool) (int, error)
	// Write moves bytes of src out; it may take fewer than len(src).
	Write(c *call, src []byte, nonblock bool) (int, error)
	// Readiness returns the file's poll events now (poll(2) bits).
	Readiness() sched.EventMask
	// Queue is where poll and select wait for the readiness to change;
	// nil for a file that is always ready.
	Queue() *sched.WaitQueue
	// Release is called when the last descriptor of the last open file
	// description closes.
	Release()
}

// anonInode is the inode of a file outside the name space, as Linux's
// pseudo file systems keep one: pipefs for pipe(2), sockfs for a socket.
// fstat shows it, fchmod changes its mode; its owner is the process that
// made the file (its effective ids).
type anonInode struct {
	mode     uint32 // type and permission bits
	uid, gid int
}

// newAnonInode is the inode of a file t makes now.
func newAnonInode(t *Task, mode uint32) *anonInode {
	return &anonInode{mode: mode, uid: t.EUID, gid: t.EGID}
}

// OpenFile is an open file description (open(2)): what descriptors made by
// dup and fork share, with the status flags.
type OpenFile struct {
	ops   FileOps
	flags int // O_ACCMODE bits and O_NONBLOCK
	refs  int // descriptors pointing here (proc.FileRef)

	// The epoll instances that watch this description (Linux's f_ep),
	// maybe some no longer: its release takes it off their interest
	// lists (sys_epoll.go).
	epolls []*epoll.Instance
}

func newOpenFile(ops FileOps, flags int) *OpenFile {
	return &OpenFile{ops: ops, flags: flags}
}

// IncRef adds a descriptor (proc.FileRef).
func (f *OpenFile) IncRef() { f.refs++ }

// DecRef drops a descriptor; the last one releases the file.
func (f *OpenFile) DecRef() {
	f.refs--
	if f.refs == 0 {
		f.release()
	}
}

// discard releases an open file that never got a descriptor.
func (f *OpenFile) discard() {
	if f.refs == 0 {
		f.release()
	}
}

// release ends the description: "closing a file descriptor causes it to
// be removed from all epoll interest lists" once every descriptor
// referring to the description is closed (epoll(7): eventpoll_release
// runs before the file's own release).
func (f *OpenFile) release() {
	for _, ep := range f.epolls {
		ep.Forget(f)
	}
	f.epolls = nil
	f.ops.Release()
}

// Readiness and Queue make the description what an epoll instance watches
// (epoll.File): the instance keys its items by description and fd.
func (f *OpenFile) Readiness() sched.EventMask { return f.ops.Readiness() }
func (f *OpenFile) Queue() *sched.WaitQueue    { return f.ops.Queue() }

func (f *OpenFile) readable() bool { return f.flags&abi.O_ACCMODE != abi.O_WRONLY }
func (f *OpenFile) writable() bool { return f.flags&abi.O_ACCMODE != abi.O_RDONLY }
func (f *OpenFile) nonblock() bool { return f.flags&abi.O_NONBLOCK != 0 }

// hostFile is a stream of the host that is not its terminal (ipcsim exec):
// fd 2, and fd 0 and 1 when ipcsim's standard input or output is a pipe or
// a file (Config.StdinFile, Config.StdoutFile). As under qemu-riscv64 on
// Linux, bytes pass as they are (no line discipline: a 0x03 read from a
// pipe is data, not ^C), ioctl's TCGETS fails with ENOTTY (sysIoctl's
// default), and the host's errors reach the program as Linux's errno.
type hostFile struct {
	name string
	w    io.Writer // where writes go (fd 1, 2); nil for fd 0

	// fd 0. The host is read only when every process sleeps and one of
	// them waits here (readHostInput), as for the terminal, so that a run
	// is the same for the same input however the host splits it.
	in      []byte          // read from the host, not yet by a process
	end     error           // after in: nil (more may come), io.EOF, or the errno of the host's failure
	readers sched.WaitQueue // processes waiting for input
}

func (h *hostFile) Name() string { return h.name }

// Read returns what the host gave, as a read of a pipe does: what is
// there, 0 at end of file.
func (h *hostFile) Read(_ *call, dst []byte, nonblock bool) (int, error) {
	switch {
	case h.w != nil:
		return 0, abi.EBADF // not reached: the open file is O_WRONLY
	case len(h.in) > 0:
		n := copy(dst, h.in)
		h.in = h.in[n:]
		return n, nil
	case h.end == io.EOF:
		return 0, nil
	case h.end != nil:
		return 0, h.end
	case nonblock:
		return 0, abi.EAGAIN
	}
	return 0, &blockError{q: &h.readers, mask: abi.POLLIN, reason: "waiting for host input on " + h.name}
}

// receive takes bytes read from the host, or how its input ended (err).
func (h *hostFile) receive(b []byte, err error) {
	h.in = append(h.in, b...)
	if err != nil {
		h.end = io.EOF
		if err != io.EOF {
			h.end = hostErrno(err)
		}
	}
	h.readers.Notify(abi.POLLIN)
}

// waiting reports whether a process sleeps on (or polls) the host input.
func (h *hostFile) waiting() bool { return !h.readers.Empty() }

func (h *hostFile) Write(c *call, src []byte, _ bool) (int, error) {
	n, err := h.w.Write(src)
	if err != nil {
		return n, hostWriteError(c, h.name, err)
	}
	return len(src), nil
}

// hostWriteError turns the host's failure to take a write into what
// write(2) on Linux gives the program: "EPIPE: fd is connected to a pipe
// or socket whose reading end is closed. When this happens the writing
// process will also receive a SIGPIPE signal", "ENOSPC: The device
// containing the file referred to by fd has no room for the data"
// (/dev/full), and EIO for what the program cannot act on.
func hostWriteError(c *call, name string, err error) error {
	e := hostErrno(err)
	if e == abi.EPIPE {
		c.t.k.sendThreadSignal(c.t, abi.SIGPIPE, proc.SigInfo{Code: abi.SI_USER, PID: c.t.PID},
			fmt.Sprintf("write to %s, whose reader on the host has gone", name))
	}
	return e
}

// hostErrno maps an error of a host stream to Linux's errno. The host's
// numbers are not Linux's on every system, so each is matched by name.
func hostErrno(err error) abi.Errno {
	for _, m := range [...]struct {
		host  syscall.Errno
		linux abi.Errno
	}{
		{syscall.EPIPE, abi.EPIPE},
		{syscall.ENOSPC, abi.ENOSPC},
		{syscall.EDQUOT, abi.EDQUOT},
		{syscall.EFBIG, abi.EFBIG},
		{syscall.EISDIR, abi.EISDIR},
		{syscall.EAGAIN, abi.EAGAIN},
	} {
		if errors.Is(err, m.host) {
			return m.linux
		}
	}
	return abi.EIO
}

func (h *hostFile) Release() {}

// Readiness: an output stream is always writable; the input is readable
// when bytes or the end (POLLHUP, as a pipe whose writers left) are there.
func (h *hostFile) Readiness() sched.EventMask {
	if h.w != nil {
		return abi.POLLOUT | abi.POLLWRNORM
	}
	var ev sched.EventMask
	if len(h.in) > 0 || h.end != nil {
		ev |= abi.POLLIN | abi.POLLRDNORM
	}
	if h.end != nil {
		ev |= abi.POLLHUP
	}
	return ev
}

// Queue: readers and pollers of the input wait here; an output stream
// never makes anybody wait.
func (h *hostFile) Queue() *sched.WaitQueue {
	if h.w != nil {
		return nil
	}
	return &h.readers
}

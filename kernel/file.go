package kernel

import (
	"io"

	"ipcsim/abi"
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

// OpenFile is an open file description (open(2)): what descriptors made by
// dup and fork share, with the status flags.
type OpenFile struct {
	ops   FileOps
	flags int // O_ACCMODE bits and O_NONBLOCK
	refs  int // descriptors pointing here (proc.FileRef)
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
		f.ops.Release()
	}
}

// discard releases an open file that never got a descriptor.
func (f *OpenFile) discard() {
	if f.refs == 0 {
		f.ops.Release()
	}
}

func (f *OpenFile) readable() bool { return f.flags&abi.O_ACCMODE != abi.O_WRONLY }
func (f *OpenFile) writable() bool { return f.flags&abi.O_ACCMODE != abi.O_RDONLY }
func (f *OpenFile) nonblock() bool { return f.flags&abi.O_NONBLOCK != 0 }

// hostFile is a write-only file on the host (ipcsim exec's stderr).
type hostFile struct {
	name string
	w    io.Writer
}

func (h *hostFile) Name() string { return h.name }
func (h *hostFile) Read(*call, []byte, bool) (int, error) {
	return 0, abi.EBADF
}
func (h *hostFile) Write(_ *call, src []byte, _ bool) (int, error) {
	h.w.Write(src) // a failing host stream is not the simulated program's problem
	return len(src), nil
}
func (h *hostFile) Release() {}

func (h *hostFile) Readiness() sched.EventMask { return abi.POLLOUT | abi.POLLWRNORM }
func (h *hostFile) Queue() *sched.WaitQueue    { return nil }

package kernel

import (
	"errors"
	"fmt"
	"strconv"

	"ipcsim/abi"
	"ipcsim/ipc/pipe"
	"ipcsim/proc"
	"ipcsim/sched"
)

// pipeEnd is one end of a pipe or FIFO as an open file.
type pipeEnd struct {
	k      *Kernel
	p      *pipe.Pipe
	reads  bool      // holds the read end
	writes bool      // holds the write end (a FIFO opened O_RDWR holds both)
	packet bool      // writes in packet mode: its file's O_DIRECT (pipe2, F_SETFL)
	fifo   *fifoNode // the FIFO it was opened through, or nil for pipe(2)

	// emptyBlock is what a read of the empty pipe waits on, made at the
	// first such read and returned by every later one (fast path: a
	// blocked read allocates nothing; its reason is formatted only when
	// the trace, inspect or a deadlock report reads it).
	emptyBlock *blockError
	name       string     // "pipe#3", for a pipe(2) end (Name)
	ino        *anonInode // a pipe(2)'s inode, the two ends' (a FIFO's is its node)
}

func (e *pipeEnd) Name() string {
	if e.fifo != nil {
		return fmt.Sprintf("fifo %s (pipe#%d)", e.fifo.path(), e.p.ID)
	}
	if e.name == "" {
		e.name = string(appendPipeName(nil, e.p.ID)) // made once: the trace names the pipe at every read and write
	}
	return e.name
}

func (e *pipeEnd) state() string { return string(e.appendState(nil)) }

// appendState appends state's "bytes/capacity" to b.
func (e *pipeEnd) appendState(b []byte) []byte {
	b = strconv.AppendInt(b, int64(e.p.Len()), 10)
	return strconv.AppendInt(append(b, '/'), int64(e.p.Cap()), 10)
}

// Read: pipe(7) "If a process attempts to read from an empty pipe, then
// read(2) will block until data is available", or EAGAIN with O_NONBLOCK.
func (e *pipeEnd) Read(c *call, dst []byte, nonblock bool) (int, error) {
	n, err := e.p.Read(dst)
	if errors.Is(err, pipe.ErrWouldBlock) {
		if nonblock {
			return 0, abi.EAGAIN
		}
		if e.emptyBlock == nil {
			e.emptyBlock = &blockError{q: &e.p.Queue, mask: abi.POLLIN | abi.POLLHUP,
				appendWhy: func(b []byte) []byte {
					b = append(append(b, e.Name()...), " empty ("...)
					return append(e.appendState(b), ')')
				}}
		}
		return 0, e.emptyBlock
	}
	return n, err
}

// Write: "If all file descriptors referring to the read end of a pipe have
// been closed, then a write(2) will cause a SIGPIPE signal to be generated
// for the calling process. If the calling process is ignoring this signal,
// then write(2) fails with the error EPIPE." - pipe(7)
func (e *pipeEnd) Write(c *call, src []byte, nonblock bool) (int, error) {
	// The request's bytes beyond its whole pages may join the newest
	// buffer, but only at its start: pipe_write tries that once.
	merge := 0
	if c.progress == 0 {
		merge = int(c.total % abi.PageSize)
	}
	var n int
	var err error
	if e.packet {
		n, err = e.p.WritePackets(src, merge)
	} else {
		n, err = e.p.Write(src, merge)
	}
	if err != nil {
		return 0, e.writeError(c, err, nonblock)
	}
	return n, nil
}

// splice puts bytes of a regular file, read at file offset off, into the
// pipe, as sendfile(2) splices them (pipe.Splice).
func (e *pipeEnd) splice(c *call, src []byte, off int64, nonblock bool) (int, error) {
	n, err := e.p.Splice(src, off)
	if err != nil {
		return 0, e.writeError(c, err, nonblock)
	}
	return n, nil
}

// waitSpace is splice's wait_for_space: nil if the pipe has a free slot,
// else what a write would get (EPIPE and SIGPIPE without a reader; EAGAIN
// or a sleep when full).
func (e *pipeEnd) waitSpace(c *call, nonblock bool) error {
	switch used, total := e.p.Slots(); {
	case e.p.Readers() == 0:
		return e.writeError(c, pipe.ErrBrokenPipe, nonblock)
	case used == total:
		return e.writeError(c, pipe.ErrWouldBlock, nonblock)
	}
	return nil
}

// writeError turns the pipe's refusal of a write or a splice into the
// call's answer: EPIPE and SIGPIPE without a reader; EAGAIN or a sleep
// when full.
func (e *pipeEnd) writeError(c *call, err error, nonblock bool) error {
	switch {
	case errors.Is(err, pipe.ErrBrokenPipe):
		e.k.sendThreadSignal(c.t, abi.SIGPIPE, proc.SigInfo{Code: abi.SI_USER, PID: c.t.PID},
			fmt.Sprintf("write to %s, which has no reader", e.Name()))
		return abi.EPIPE
	case errors.Is(err, pipe.ErrWouldBlock):
		if nonblock {
			return abi.EAGAIN
		}
		// The reason is formatted only when read; the bytes still to write
		// are taken now, as the call's progress moves on.
		atomic, left := c.total <= pipe.Atomic, c.total-c.progress
		return &blockError{q: &e.p.Queue, mask: abi.POLLOUT | abi.POLLERR,
			why: func() string {
				need := "room"
				if atomic {
					need = fmt.Sprintf("room for %d bytes at once", left)
				}
				return fmt.Sprintf("%s full (%s), needs %s", e.Name(), e.state(), need)
			}}
	}
	return err
}

func (e *pipeEnd) Readiness() sched.EventMask {
	var ev sched.EventMask
	if e.reads {
		ev |= e.p.ReadReadiness()
	}
	if e.writes {
		ev |= e.p.WriteReadiness()
	}
	return ev
}

func (e *pipeEnd) Queue() *sched.WaitQueue { return &e.p.Queue }

// Release closes the end; a pipe whose both ends are closed is gone (and a
// FIFO gives its pipe up, to get a fresh one at its next open).
func (e *pipeEnd) Release() {
	if e.writes {
		e.p.CloseWriter()
	}
	if e.reads {
		e.p.CloseReader()
	}
	if e.p.Readers() == 0 && e.p.Writers() == 0 {
		e.k.dropPipe(e.p)
		if e.fifo != nil {
			e.fifo.p = nil
		}
	}
}

// newPipe makes a pipe and registers it for inspection.
func (k *Kernel) newPipe() *pipe.Pipe {
	k.pipeIDs++
	p := pipe.New(k.pipeIDs)
	k.pipes = append(k.pipes, p)
	return p
}

func (k *Kernel) dropPipe(p *pipe.Pipe) {
	for i, x := range k.pipes {
		if x == p {
			k.pipes = append(k.pipes[:i], k.pipes[i+1:]...)
			return
		}
	}
}

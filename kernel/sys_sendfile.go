package kernel

import (
	"encoding/binary"

	"ipcsim/abi"
)

func init() {
	register(map[abi.Sysno]sysEntry{
		abi.SysSendfile: {sysSendfile, "ddxu", restartSA},
	})
}

// sendfile(2): (out_fd, in_fd, offset, count). "sendfile() copies data
// between one file descriptor and another. Because this copying is done
// within the kernel, sendfile() is more efficient than the combination of
// read(2) and write(2)". Here it is that combination, through the files'
// Read and Write, with the checks of Linux's do_sendfile, which splices:
//
//   - in_fd must be open for reading, out_fd for writing (EBADF; the input
//     first). "If offset is not NULL, then sendfile() does not modify the
//     file offset of in_fd" but reads from *offset and updates it; that
//     needs a file pread can read (ESPIPE otherwise) and a non-negative
//     offset (EINVAL). The offset is read before anything else (EFAULT).
//   - Into a pipe, once the pipe has a free slot (EPIPE without a reader,
//     EAGAIN or a sleep when full: wait_for_space), in_fd must be a file
//     Linux can splice from (splice_read): a regular file, a socket, the
//     terminal; not a pipe, a message queue, an epoll instance or a
//     directory (EINVAL).
//   - Into anything else, in_fd must be a regular file
//     (splice_direct_to_actor: "We require the input to be seekable"),
//     out_fd not opened O_APPEND, and a file Linux can splice into (not a
//     queue or epoll: EINVAL, once there are bytes to move).
//
// A regular file's bytes are read at the offset and the offset moves by
// what out_fd took. A stream's bytes read and not yet taken by out_fd (a
// full pipe) are kept in the call (c.carry) while it sleeps (a signal
// handler that ends the call loses them, as a pipe's bytes are lost to
// Linux's sendfile). Once some bytes have moved, an empty in_fd ends the
// call with what was sent.
func sysSendfile(c *call) (int64, error) {
	outfd, infd, offset, count := int32(c.a[0]), int32(c.a[1]), c.a[2], min(c.a[3], maxRWCount)
	var pos int64 // *offset, and where the reads start
	if offset != 0 {
		var b [8]byte
		if c.t.AS.ReadBytes(offset, b[:]) != nil {
			return 0, abi.EFAULT
		}
		pos = int64(binary.LittleEndian.Uint64(b[:]))
	}
	in, err := c.file(infd)
	if err != nil {
		return 0, err
	}
	if !in.readable() {
		return 0, abi.EBADF
	}
	readAt := readsAt(in) // a regular file: no carry, reads at pos
	positional := readAt != nil
	if offset != 0 {
		if !preadable(in) {
			return 0, abi.ESPIPE
		}
		if pos < 0 {
			return 0, abi.EINVAL // rw_verify_area
		}
	} else if h, ok := in.ops.(*fileHandle); ok {
		pos = h.off
	}
	out, err := c.file(outfd)
	if err != nil {
		return 0, err
	}
	if !out.writable() {
		return 0, abi.EBADF
	}
	_, toPipe := out.ops.(*pipeEnd)
	if !toPipe && (out.flags&abi.O_APPEND != 0 || !splicesDirect(in)) {
		return 0, abi.EINVAL
	}
	c.total = count
	if toPipe {
		if err := c.spliceToPipe(in, out.ops.(*pipeEnd), readAt, pos, count, out.nonblock()); err != nil {
			return 0, err
		}
	} else if err := c.spliceDirect(in, out, readAt, pos, count); err != nil {
		return 0, err
	}
	sent := int64(c.progress)
	if positional {
		if offset != 0 {
			var b [8]byte
			binary.LittleEndian.PutUint64(b[:], uint64(pos+sent))
			if c.t.AS.WriteBytes(offset, b[:]) != nil {
				return 0, abi.EFAULT
			}
		} else if h, ok := in.ops.(*fileHandle); ok {
			h.off = pos + sent
		}
	}
	return sent, nil
}

// spliceToPipe is sendfile into a pipe (splice_file_to_pipe): it waits
// for a free slot, then moves what one read of in gives, as much as the
// pipe takes without waiting again. A regular file's bytes go in by
// pages (pipe.Splice); a stream's are read once and written.
func (c *call) spliceToPipe(in *OpenFile, pe *pipeEnd, readAt func([]byte, int64) int, pos int64, count uint64, nonblock bool) error {
	if c.progress == 0 && len(c.carry) == 0 {
		// wait_for_space comes before in_fd is asked for its bytes.
		if err := pe.waitSpace(c, nonblock); err != nil {
			return err
		}
		if !spliceReadable(in) {
			return abi.EINVAL
		}
	}
	for c.progress < count {
		var w int
		var err error
		if readAt != nil {
			buf := c.t.k.scratchBuf(min(count-c.progress, ioChunk))
			n := readAt(buf, pos+int64(c.progress))
			if n == 0 {
				return nil // end of file
			}
			w, err = pe.splice(c, buf[:n], pos+int64(c.progress), nonblock || c.progress > 0)
			if err == nil && w < n {
				c.progress += uint64(w)
				return nil // the pipe is full
			}
		} else {
			if len(c.carry) == 0 {
				if c.progress > 0 {
					return nil // one read only
				}
				buf := c.t.k.scratchBuf(min(count, ioChunk))
				n, err := in.ops.Read(c, buf, in.nonblock() || nonblock)
				if err != nil || n == 0 {
					return err
				}
				c.carry = append(c.carry[:0], buf[:n]...)
			}
			w, err = pe.Write(c, c.carry, nonblock || c.progress > 0)
			c.carry = c.carry[w:]
		}
		if err != nil {
			if c.progress > 0 {
				return nil // what moved counts
			}
			return err
		}
		c.progress += uint64(w)
	}
	return nil
}

// spliceDirect is sendfile into anything but a pipe (do_splice_direct):
// it moves bytes until count, the end of in, or a write that takes less.
func (c *call) spliceDirect(in, out *OpenFile, readAt func([]byte, int64) int, pos int64, count uint64) error {
	for c.progress < count {
		buf := c.t.k.scratchBuf(min(count-c.progress, ioChunk))
		var n int
		if readAt != nil {
			n = readAt(buf, pos+int64(c.progress))
		} else {
			// Another regular file (/proc's, the host's): read as a
			// stream; bytes out_fd does not take are lost.
			var err error
			if n, err = in.ops.Read(c, buf, true); err != nil && c.progress == 0 {
				return err
			}
		}
		if n == 0 {
			return nil // end of file
		}
		if !spliceWritable(out) {
			return abi.EINVAL // do_splice_from: no splice_write
		}
		w, err := out.ops.Write(c, buf[:n], out.nonblock())
		c.progress += uint64(w)
		if err != nil {
			if isBlock(err) || c.progress == 0 {
				return err
			}
			return nil // a partial send counts; the error comes next time
		}
		if w < n && out.nonblock() {
			return nil // no more room
		}
	}
	return nil
}

// readsAt returns the positional read of a regular file, or nil.
func readsAt(f *OpenFile) func(dst []byte, off int64) int {
	if h, ok := f.ops.(*fileHandle); ok {
		return h.readAt
	}
	return nil
}

// spliceReadable reports whether Linux can splice from f (its
// file_operations have splice_read): pipes, message queues, epoll
// instances and directories have none.
func spliceReadable(f *OpenFile) bool {
	switch f.ops.(type) {
	case *pipeEnd, *mqFile, *epollFile, *dirFile:
		return false
	}
	return true
}

// splicesDirect reports whether sendfile may read f into a file that is
// not a pipe: only a regular file (S_ISREG) that Linux can splice from.
func splicesDirect(f *OpenFile) bool {
	switch f.ops.(type) {
	case *fileHandle, *commFile, *hostFile:
		return true
	}
	return false
}

// spliceWritable reports whether Linux can splice into f (splice_write):
// a message queue and an epoll instance cannot.
func spliceWritable(f *OpenFile) bool {
	switch f.ops.(type) {
	case *mqFile, *epollFile:
		return false
	}
	return true
}

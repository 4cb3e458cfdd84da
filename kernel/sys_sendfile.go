package kernel

import "ipcsim/abi"

func init() {
	register(map[abi.Sysno]sysEntry{
		abi.SysSendfile: {sysSendfile, "ddxu", restartSA},
	})
}

// sendfile(2): (out_fd, in_fd, offset, count). "sendfile() copies data
// between one file descriptor and another. Because this copying is done
// within the kernel, sendfile() is more efficient than the combination of
// read(2) and write(2)". Here it is that combination, through the files'
// Read and Write, so it works with every kind of file: a pipe, the
// terminal, a socket, and regular files once they exist.
//
// Bytes read from in_fd and not yet taken by out_fd (a full pipe) are
// kept in the call (c.carry) while it sleeps (a signal handler that ends
// the call loses them, as a pipe's bytes are lost to Linux's sendfile).
// Once some bytes have moved,
// an empty in_fd ends the call with what was sent.
//
// An offset is only meaningful for a file with a position; no file here
// has one yet, so a non-NULL offset is ESPIPE ("EINVAL ... or ESPIPE:
// offset is not NULL but the input file is not seekable").
func sysSendfile(c *call) (int64, error) {
	outfd, infd, offset, count := int32(c.a[0]), int32(c.a[1]), c.a[2], min(c.a[3], maxRWCount)
	// do_sendfile's order: the input, its offset, then the output.
	// "EBADF: Input file was not opened for reading or output file was
	// not opened for writing."
	in, err := c.file(infd)
	if err != nil {
		return 0, err
	}
	if !in.readable() {
		return 0, abi.EBADF
	}
	if offset != 0 {
		return 0, abi.ESPIPE
	}
	out, err := c.file(outfd)
	if err != nil {
		return 0, err
	}
	if !out.writable() {
		return 0, abi.EBADF
	}
	// "EINVAL: Descriptor is not valid or locked, or an mmap(2)-like
	// operation is not available for in_fd": Linux reads in_fd through
	// its splice_read, which pipes, FIFOs and directories lack.
	switch in.ops.(type) {
	case *pipeEnd, *dirFile:
		return 0, abi.EINVAL
	}
	c.total = count
	for c.progress < count {
		if len(c.carry) == 0 {
			buf := c.t.k.scratchBuf(min(count-c.progress, ioChunk))
			n, err := in.ops.Read(c, buf, in.nonblock() || c.progress > 0)
			if err != nil {
				if c.progress > 0 && (isBlock(err) || err == abi.EAGAIN) {
					break
				}
				return 0, err
			}
			if n == 0 {
				break // end of file
			}
			c.carry = append(c.carry[:0], buf[:n]...)
		}
		w, err := out.ops.Write(c, c.carry, out.nonblock())
		c.carry = c.carry[w:]
		c.progress += uint64(w)
		if err != nil {
			if isBlock(err) || c.progress == 0 {
				return 0, err
			}
			break // a partial send counts; the error comes next time
		}
		if len(c.carry) > 0 && out.nonblock() {
			break // no more room
		}
	}
	return int64(c.progress), nil
}

package kernel

import (
	"encoding/binary"
	"math"

	"ipcsim/abi"
	"ipcsim/hw"
	"ipcsim/proc"
)

func init() {
	register(map[abi.Sysno]sysEntry{
		abi.SysRead:   {sysRead, "dru", restartSA},
		abi.SysWrite:  {sysWrite, "dwu", restartSA},
		abi.SysReadv:  {sysReadv, "d^d", restartSA},
		abi.SysWritev: {sysWritev, "dVd", restartSA},
		abi.SysClose:  {sysClose, "d", noSleep},
	})
}

// ioChunk is how many bytes a read or write moves per step through the
// kernel's buffer.
const ioChunk = 64 << 10

// scratchBuf returns the kernel's buffer, n bytes of it (n <= ioChunk),
// for one step of a read or write to move data through; its contents are
// whatever the last step left. The buffer grows by powers of two, from 4
// KiB, to the longest step asked for (at most ioChunk): a machine whose
// processes write a line at a time never allocates (nor zeroes) 64 KiB.
// The slice is good until the next call.
func (k *Kernel) scratchBuf(n uint64) []byte {
	if n > uint64(len(k.scratch)) {
		size := uint64(4 << 10)
		for size < n {
			size *= 2
		}
		k.scratch = make([]byte, min(size, ioChunk))
	}
	return k.scratch[:n]
}

// maxRWCount caps one read or write, as Linux's MAX_RW_COUNT (INT_MAX
// rounded down to a page) does.
const maxRWCount = math.MaxInt32 &^ (hw.PageSize - 1)

// uioMaxIOV is UIO_MAXIOV: the most iovecs readv and writev take.
const uioMaxIOV = 1024

// An ioSeg is one user buffer of a read or write (an iovec).
type ioSeg struct{ base, len uint64 }

// file returns the open file behind descriptor fd, or EBADF.
func (c *call) file(fd int32) (*OpenFile, error) {
	f, ok := c.t.Files.Get(int(fd))
	if !ok {
		return nil, abi.EBADF
	}
	return f.(*OpenFile), nil
}

// read(2): (fd, buf, count).
func sysRead(c *call) (int64, error) {
	segs := [1]ioSeg{{c.a[1], c.a[2]}}
	return doRead(c, int32(c.a[0]), segs[:])
}

// write(2): (fd, buf, count).
func sysWrite(c *call) (int64, error) {
	segs := [1]ioSeg{{c.a[1], c.a[2]}}
	return doWrite(c, int32(c.a[0]), segs[:])
}

// readv(2): (fd, iov, iovcnt).
func sysReadv(c *call) (int64, error) {
	segs, err := readIovec(c.t.AS, c.a[1], int32(c.a[2]))
	if err != nil {
		return 0, err
	}
	return doRead(c, int32(c.a[0]), segs)
}

// writev(2): (fd, iov, iovcnt).
func sysWritev(c *call) (int64, error) {
	segs, err := readIovec(c.t.AS, c.a[1], int32(c.a[2]))
	if err != nil {
		return 0, err
	}
	return doWrite(c, int32(c.a[0]), segs)
}

// readIovec reads an array of struct iovec {void *base; size_t len;}.
// "EINVAL: The sum of the iov_len values overflows an ssize_t value" and
// "iovcnt is less than zero or greater than the permitted maximum" - readv(2).
func readIovec(as *proc.AddressSpace, va uint64, cnt int32) ([]ioSeg, error) {
	if cnt < 0 || cnt > uioMaxIOV {
		return nil, abi.EINVAL
	}
	raw := make([]byte, 16*int(cnt))
	if as.ReadBytes(va, raw) != nil {
		return nil, abi.EFAULT
	}
	segs := make([]ioSeg, cnt)
	var total uint64
	for i := range segs {
		segs[i] = ioSeg{binary.LittleEndian.Uint64(raw[16*i:]), binary.LittleEndian.Uint64(raw[16*i+8:])}
		total += segs[i].len
		if segs[i].len > math.MaxInt64 || total > math.MaxInt64 {
			return nil, abi.EINVAL
		}
	}
	return segs, nil
}

func segsLen(segs []ioSeg) uint64 {
	var n uint64
	for _, s := range segs {
		n += s.len
	}
	return min(n, maxRWCount)
}

// doRead reads into the user buffers segs. One read returns what the file
// has ready, up to the total length: a short count is not an error.
func doRead(c *call, fd int32, segs []ioSeg) (int64, error) {
	f, err := c.file(fd)
	if err != nil {
		return 0, err
	}
	if !f.readable() {
		return 0, abi.EBADF
	}
	total := segsLen(segs)
	if total == 0 {
		return 0, zeroCountError(f.ops, false)
	}
	switch ops := f.ops.(type) {
	case *socketFile, *inetFile:
		return readSocket(c, fd, segs) // one datagram per read, whatever its size
	case *fileHandle:
		return readFile(c, ops, segs, ops.off, false) // as much as is asked for
	case *nullFile:
		if ops.zero {
			return readZeros(c, segs)
		}
	}
	buf := c.t.k.scratchBuf(min(total, ioChunk))
	n, err := f.ops.Read(c, buf, f.nonblock())
	if err != nil {
		return 0, err
	}
	if moved := scatter(c.t.AS, segs, buf[:n]); moved < n {
		// Linux copies to the user as it goes; bytes after a bad pointer
		// are lost, and with none copied the read fails.
		if moved == 0 {
			return 0, abi.EFAULT
		}
		return int64(moved), nil
	}
	if _, ok := f.ops.(*pipeEnd); ok && n == ioChunk {
		return readPipeRest(c, f, segs, total, n)
	}
	return int64(n), nil
}

// readPipeRest goes on with a pipe read that filled its first chunk of
// the scratch buffer: pipe_read takes all the pipe holds, up to the
// count, which a pipe enlarged with F_SETPIPE_SZ may hold beyond a chunk.
// It never waits again.
func readPipeRest(c *call, f *OpenFile, segs []ioSeg, total uint64, done int) (int64, error) {
	for uint64(done) < total {
		buf := c.t.k.scratchBuf(min(total-uint64(done), ioChunk))
		n, err := f.ops.Read(c, buf, true)
		if err != nil || n == 0 {
			break
		}
		if moved := scatterAt(c.t.AS, segs, uint64(done), buf[:n]); moved < n {
			return int64(done + moved), nil
		}
		done += n
		if n < len(buf) { // the pipe ran dry
			break
		}
	}
	return int64(done), nil
}

// zeroCountError is what a read (or a write) of no bytes returns: nothing
// for most files, which then do nothing ("Null read succeeds", pipe_read;
// sock_read_iter's "Match SYS5 behaviour" for a socket, which leaves its
// queue alone), but an error for a file with no read (or write) at all,
// which Linux's vfs_read and vfs_write report before they look at the
// count: an epoll instance either way and a message queue's descriptor
// for writing (EINVAL), a directory for reading (EISDIR).
func zeroCountError(ops FileOps, write bool) error {
	switch ops.(type) {
	case *epollFile:
		return abi.EINVAL
	case *mqFile:
		if write {
			return abi.EINVAL
		}
	case *dirFile:
		if !write {
			return abi.EISDIR
		}
	}
	return nil
}

// readZeros is a read of /dev/zero: the whole count, in steps through
// the kernel's buffer (read_zero), up to the first bad pointer.
func readZeros(c *call, segs []ioSeg) (int64, error) {
	total := segsLen(segs)
	zeros := c.t.k.scratchBuf(min(total, ioChunk))
	clear(zeros)
	var done uint64
	for done < total {
		step := min(total-done, uint64(len(zeros)))
		n := scatterAt(c.t.AS, segs, done, zeros[:step])
		done += uint64(n)
		if uint64(n) < step {
			break
		}
	}
	if done == 0 && total > 0 {
		return 0, abi.EFAULT
	}
	return int64(done), nil
}

// doWrite writes the user buffers segs. A blocking writer may sleep part
// way (a full pipe); c.progress remembers what already went out, so the
// retry continues where the write stopped.
func doWrite(c *call, fd int32, segs []ioSeg) (int64, error) {
	f, err := c.file(fd)
	if err != nil {
		return 0, err
	}
	if !f.writable() {
		return 0, abi.EBADF
	}
	switch f.ops.(type) {
	case *socketFile, *inetFile:
		return doSend(c, fd, segs, 0, nil, nil) // one datagram per write, whatever its size
	}
	total := segsLen(segs)
	if total == 0 {
		return 0, zeroCountError(f.ops, true)
	}
	c.total = total
	for c.progress < total {
		buf := c.t.k.scratchBuf(min(total-c.progress, ioChunk))
		n := gather(c.t.AS, segs, c.progress, buf)
		if n == 0 {
			break // a bad pointer: EFAULT below if nothing went out
		}
		w, err := f.ops.Write(c, buf[:n], f.nonblock())
		c.progress += uint64(w)
		if err != nil {
			if _, block := err.(*blockError); block || c.progress == 0 {
				return 0, err
			}
			break // a partial write counts as success; the error comes next time
		}
		if n < len(buf) || w < n && f.nonblock() {
			break // a bad pointer after n bytes, or no more room (non-blocking)
		}
	}
	if c.progress == 0 && total > 0 {
		return 0, abi.EFAULT
	}
	return int64(c.progress), nil
}

// gather copies bytes of the user buffers, starting skip bytes in, into
// buf, stopping at the first bad pointer. It returns how many it copied.
func gather(as *proc.AddressSpace, segs []ioSeg, skip uint64, buf []byte) int {
	n := 0
	for _, s := range segs {
		if skip >= s.len {
			skip -= s.len
			continue
		}
		want := min(s.len-skip, uint64(len(buf)-n))
		got := readUpTo(as, s.base+skip, buf[n:n+int(want)])
		n += got
		if uint64(got) < want || n == len(buf) {
			return n
		}
		skip = 0
	}
	return n
}

// readUpTo copies user memory into dst page by page and returns how many
// bytes it copied before a bad address.
func readUpTo(as *proc.AddressSpace, va uint64, dst []byte) int {
	n := 0
	for n < len(dst) {
		step := min(len(dst)-n, int(hw.PageSize-(va+uint64(n))%hw.PageSize))
		if as.ReadBytes(va+uint64(n), dst[n:n+step]) != nil {
			return n
		}
		n += step
	}
	return n
}

// scatter copies data to the user buffers in order and returns how many
// bytes it placed before a bad address.
func scatter(as *proc.AddressSpace, segs []ioSeg, data []byte) int {
	n := 0
	for _, s := range segs {
		for off := uint64(0); off < s.len && n < len(data); {
			va := s.base + off
			step := min(len(data)-n, int(s.len-off), int(hw.PageSize-va%hw.PageSize))
			if as.WriteBytes(va, data[n:n+step]) != nil {
				return n
			}
			n += step
			off += uint64(step)
		}
	}
	return n
}

// close(2).
func sysClose(c *call) (int64, error) {
	if !c.t.Files.Close(int(int32(c.a[0]))) {
		return 0, abi.EBADF
	}
	return 0, nil
}

package kernel

import (
	"slices"

	"ipcsim/abi"
	"ipcsim/sched"
)

// A regular file of the name space: its bytes live in host memory, in one
// slice, and its inode fields (mode, owner, times) are those of its node.
// The files of a machine hold at most Config.FileBytes together; a write
// beyond that fails with ENOSPC, as on a full disk.
//
// "If the name was the last link to a file but any processes still have
// the file open, the file will remain in existence until the last file
// descriptor referring to it is closed." - unlink(2). So a file counts
// its open file descriptions, and its bytes go when its name is gone and
// the count is 0 (dropFile).
type regFile struct {
	n       *node  // its name and inode fields
	data    []byte // the contents: the file's size is len(data)
	opens   int    // open file descriptions of the file
	writers int    // those open for writing (execve's ETXTBSY)
	// input marks data that the machine was given (Kernel.Install, a host
	// file): it is not the kernel's to change and does not count against
	// Config.FileBytes until own copies it.
	input bool
	host  *lowerFile // a host file whose bytes are not read yet (hostfs.go)
}

// newRegFile makes node n a regular file, empty.
func (k *Kernel) newRegFile(n *node) *regFile {
	f := &regFile{n: n}
	n.file = f
	k.files = append(k.files, f) // by inode number: inode numbers only grow
	return f
}

// dropFile frees a file whose name is gone once nothing has it open.
func (k *Kernel) dropFile(f *regFile) {
	if !f.n.removed || f.opens > 0 {
		return
	}
	if !f.input {
		k.fileBytes -= len(f.data)
	}
	f.data, f.host = nil, nil
	if i := slices.Index(k.files, f); i >= 0 {
		k.files = slices.Delete(k.files, i, i+1)
	}
}

// room returns the size f may grow to within the machine's byte limit.
func (k *Kernel) room(f *regFile) int64 {
	return int64(k.cfg.FileBytes - k.fileBytes + len(f.data))
}

// resize makes f size bytes long: new bytes read as zeros ("If the file
// previously was shorter, it is extended, and the extended part reads as
// null bytes" - truncate(2)). The caller has checked the limit.
func (k *Kernel) resize(f *regFile, size int) {
	old := len(f.data)
	k.fileBytes += size - old
	switch {
	case size <= old:
		f.data = f.data[:size]
		if cap(f.data) > 2*size+4096 {
			f.data = slices.Clone(f.data) // give a big file's memory back
		}
	default:
		f.data = slices.Grow(f.data, size-old)[:size]
		clear(f.data[old:]) // bytes a shrink left behind the end
	}
}

// truncate sets f's size (truncate(2), ftruncate(2), O_TRUNC): EFBIG for
// a size above the machine's limit ("The argument length is larger than
// the maximum file size"), ENOSPC if the other files leave no room.
func (k *Kernel) truncate(f *regFile, size int64) error {
	if err := k.own(f); err != nil {
		return err
	}
	switch {
	case size > int64(k.cfg.FileBytes):
		return abi.EFBIG
	case size > k.room(f):
		return abi.ENOSPC
	}
	k.resize(f, int(size))
	now := k.Now()
	f.n.mtime, f.n.ctime = now, now
	return nil
}

// writeAt puts src into f at off, growing the file (a gap reads as
// zeros). What does not fit in the machine's limit is not written: a
// short count, or ENOSPC if nothing fits.
func (k *Kernel) writeAt(f *regFile, off int64, src []byte) (int, error) {
	if len(src) == 0 {
		return 0, nil
	}
	if err := k.own(f); err != nil {
		return 0, err
	}
	room := k.room(f)
	if off >= room {
		return 0, abi.ENOSPC
	}
	end := min(off+int64(len(src)), room)
	if end > int64(len(f.data)) {
		k.resize(f, int(end))
	}
	n := copy(f.data[off:end], src)
	now := k.Now()
	f.n.mtime, f.n.ctime = now, now
	return n, nil
}

// fileHandle is an open regular file: what an open file description adds
// to the file, its offset ("The file offset ... is shared by duplicated
// descriptors" - open(2)).
type fileHandle struct {
	k   *Kernel
	f   *regFile
	of  *OpenFile // the description: its O_APPEND may change (F_SETFL)
	off int64     // the file offset: where the next read or write starts
}

// openRegular gives the caller a descriptor for f. O_TRUNC empties an
// existing file ("If the file already exists and is a regular file and
// the access mode allows writing (i.e., is O_RDWR or O_WRONLY) it will be
// truncated to length 0" - open(2); Linux truncates for O_RDONLY too, the
// permission check having asked for write access).
func (c *call) openRegular(f *regFile, flags int) (int64, error) {
	k := c.t.k
	if err := k.load(f); err != nil {
		return 0, err
	}
	if flags&abi.O_TRUNC != 0 {
		if err := k.truncate(f, 0); err != nil {
			return 0, err
		}
	}
	h := &fileHandle{k: k, f: f}
	h.of = newOpenFile(h, flags&(abi.O_ACCMODE|abi.O_NONBLOCK|abi.O_APPEND|abi.O_DIRECT)|oLargefile)
	f.opens++
	if flags&abi.O_ACCMODE != abi.O_RDONLY {
		f.writers++
	}
	return c.install(h.of, flags)
}

// Name is the file's path, "(deleted)" after it when its name is gone, as
// /proc/PID/fd shows it.
func (h *fileHandle) Name() string {
	if h.f.n.removed {
		return h.f.n.path() + " (deleted)"
	}
	return h.f.n.path()
}

// readAt copies the file's bytes from off into dst: fewer at the end of
// the file, none past it.
func (h *fileHandle) readAt(dst []byte, off int64) int {
	if off >= int64(len(h.f.data)) {
		return 0
	}
	h.f.n.atime = h.k.Now()
	return copy(dst, h.f.data[off:])
}

// Read reads at the offset and moves it on. (read(2) itself copies
// straight from the file to the user's buffers: readFile.)
func (h *fileHandle) Read(_ *call, dst []byte, _ bool) (int, error) {
	n := h.readAt(dst, h.off)
	h.off += int64(n)
	return n, nil
}

// Write writes at the offset, or at the end with O_APPEND: "the file
// offset is positioned at the end of the file, as if with lseek(2)" -
// open(2). The offset moves past what was written.
func (h *fileHandle) Write(c *call, src []byte, _ bool) (int, error) {
	if h.of.flags&abi.O_APPEND != 0 {
		h.off = int64(len(h.f.data))
	}
	if len(src) > 0 {
		h.f.n.mode = c.t.killPrivs(h.f.n.mode, h.f.n.gid)
	}
	n, err := h.k.writeAt(h.f, h.off, src)
	h.off += int64(n)
	return n, err
}

// seek is lseek(2) on a regular file. A file here has no holes, so
// SEEK_DATA finds data at once and SEEK_HOLE the end; both give ENXIO at
// or past the end ("ENXIO whence is SEEK_DATA or SEEK_HOLE, and offset is
// beyond the end of the file").
func (h *fileHandle) seek(off int64, whence int32) (int64, error) {
	return seekWithin(&h.off, int64(len(h.f.data)), off, whence)
}

// seekWithin moves the offset *cur of a file of size bytes, as Linux's
// generic_file_llseek and default_llseek do, and returns it.
func seekWithin(cur *int64, size, off int64, whence int32) (int64, error) {
	var pos int64
	switch whence {
	case abi.SEEK_SET:
		pos = off
	case abi.SEEK_CUR:
		pos = *cur + off
	case abi.SEEK_END:
		pos = size + off
	case abi.SEEK_DATA, abi.SEEK_HOLE:
		if off < 0 || off >= size {
			return 0, abi.ENXIO
		}
		pos = off
		if whence == abi.SEEK_HOLE {
			pos = size
		}
	default:
		return 0, abi.EINVAL
	}
	// "EINVAL ... the resulting file offset would be negative" (an
	// overflow past 2^63-1 wraps to a negative offset here too).
	if pos < 0 {
		return 0, abi.EINVAL
	}
	*cur = pos
	return pos, nil
}

// A regular file is always ready (poll(2): "regular files ... always
// select true for reading and writing").
func (h *fileHandle) Readiness() sched.EventMask {
	return abi.POLLIN | abi.POLLRDNORM | abi.POLLOUT | abi.POLLWRNORM
}
func (h *fileHandle) Queue() *sched.WaitQueue { return nil }

// Release ends the open file description; the file goes too if it has no
// name any more.
func (h *fileHandle) Release() {
	h.f.opens--
	if h.of.flags&abi.O_ACCMODE != abi.O_RDONLY {
		h.f.writers--
	}
	h.k.dropFile(h.f)
}

// readFile is read(2), readv(2) and pread64(2) on a regular file: the
// bytes go straight from the file to the user's buffers, however many are
// asked for, starting at off (the file offset, moved on by what was read,
// when pread is false). Bytes after a bad pointer are not read; none read
// is EFAULT.
func readFile(c *call, h *fileHandle, segs []ioSeg, off int64, pread bool) (int64, error) {
	total := segsLen(segs)
	size := int64(len(h.f.data))
	if total == 0 || off >= size {
		return 0, nil
	}
	end := off + min(int64(total), size-off)
	n := scatter(c.t.AS, segs, h.f.data[off:end])
	if n == 0 {
		return 0, abi.EFAULT
	}
	h.f.n.atime = c.t.k.Now()
	if !pread {
		h.off = off + int64(n)
	}
	return int64(n), nil
}

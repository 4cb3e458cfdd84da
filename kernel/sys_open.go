package kernel

import (
	"fmt"

	"ipcsim/abi"
)

func init() {
	register(map[abi.Sysno]sysEntry{
		abi.SysOpenat: {sysOpenat, "DsOo", restartSA},
	})
}

// oLargefile is O_LARGEFILE of asm-generic/fcntl.h: a 64-bit kernel sets it
// on every file openat opens (force_o_largefile), and F_GETFL shows it.
const oLargefile = 0100000

// openat(2): (dirfd, path, flags, mode). It opens directories (as dirfds
// and for getdents64), regular files (made with O_CREAT), the devices of
// /dev, FIFOs and the comm files of /proc (procfs.go); a socket file
// gives ENXIO. The one symbolic link is
// /proc/self/exe (sys_readlink.go).
func sysOpenat(c *call) (int64, error) {
	flags := int(int32(c.a[2]))
	if c.pending != nil {
		return c.finishFifoOpen(flags) // a blocked FIFO open, retried
	}
	if flags&abi.O_CREAT != 0 && flags&abi.O_DIRECTORY != 0 {
		// "EINVAL ... O_CREAT and O_DIRECTORY were both specified in
		// flags" - open(2), since Linux 6.4 (build_open_flags).
		return 0, abi.EINVAL
	}
	// do_sys_openat2 takes a descriptor before it looks the path up:
	// with none free, EMFILE whatever the path. (Its getname comes
	// first, so a bad pointer is still EFAULT.)
	if !c.t.Files.Free() {
		if _, _, err := c.t.AS.ReadString(c.a[1], pathMax-1); err != nil {
			return 0, abi.EFAULT
		}
		return 0, abi.EMFILE
	}
	r, err := c.resolve(int32(c.a[0]), c.a[1])
	if err != nil {
		return 0, err
	}
	n := r.n
	if n != nil && n.selfExe {
		// /proc/self/exe opens the program. O_NOFOLLOW refuses the
		// link: "ELOOP ... O_NOFOLLOW was specified but pathname
		// refers to a symbolic link" - open(2).
		if flags&abi.O_NOFOLLOW != 0 {
			return 0, abi.ELOOP
		}
		if n, err = c.followExe(); err != nil {
			return 0, err
		}
	}
	switch {
	case n == nil && flags&abi.O_CREAT == 0:
		return 0, abi.ENOENT
	case n == nil:
		return c.createRegular(r, flags, uint32(c.a[3]))
	case flags&abi.O_CREAT != 0 && flags&abi.O_EXCL != 0:
		return 0, abi.EEXIST
	case n.isDir():
		if flags&abi.O_ACCMODE != abi.O_RDONLY || flags&abi.O_CREAT != 0 {
			return 0, abi.EISDIR
		}
		if err := n.permission(c.t, abi.MAY_READ); err != nil {
			return 0, err // may_open: reading a directory needs r
		}
		return c.install(newOpenFile(&dirFile{n: n}, abi.O_RDONLY|abi.O_DIRECTORY|oLargefile), flags)
	case flags&abi.O_DIRECTORY != 0:
		return 0, abi.ENOTDIR
	}
	// "EACCES The requested access to the file is not allowed" - open(2):
	// O_RDONLY needs r, O_WRONLY w, O_RDWR both, and O_TRUNC w too (may_open,
	// before the FIFO's own EINVAL and ENXIO).
	want := openAccess[flags&abi.O_ACCMODE]
	if flags&abi.O_TRUNC != 0 {
		want |= abi.MAY_WRITE
	}
	if err := n.permission(c.t, want); err != nil {
		return 0, err
	}
	switch {
	case n.file != nil:
		return c.openRegular(n.file, flags)
	case n.dev != devNone:
		return c.openDevice(n, flags)
	case n.fifo != nil:
		return c.startFifoOpen(n.fifo, flags)
	case n.proc != nil && n.proc.kind == procComm:
		return c.openComm(n, flags)
	}
	return 0, abi.ENXIO // "ENXIO The file is a UNIX domain socket" - open(2)
}

// createRegular makes a regular file at r for O_CREAT and opens it: "The
// mode argument specifies the file mode bits to be applied when a new file
// is created", "the mode of the created file is (mode & ~umask)" - open(2).
// The new file is opened whatever its mode says (no permission check on
// it, no truncation: do_open's FMODE_CREATED). A name with a trailing
// slash can only be a directory: EISDIR.
func (c *call) createRegular(r lookupResult, flags int, mode uint32) (int64, error) {
	if r.slash {
		return 0, abi.EISDIR
	}
	n, err := r.create(c.t, abi.S_IFREG|mode&07777&^c.t.umask)
	if err != nil {
		return 0, err
	}
	c.t.k.newRegFile(n)
	return c.openRegular(n.file, flags&^abi.O_TRUNC)
}

// openAccess is the permission an open's access mode asks for (Linux's
// ACC_MODE): O_ACCMODE itself asks for both, and then fails with EINVAL.
var openAccess = [4]uint32{abi.MAY_READ, abi.MAY_WRITE, abi.MAY_READ | abi.MAY_WRITE, abi.MAY_READ | abi.MAY_WRITE}

// install gives an open file its descriptor (O_CLOEXEC honoured).
func (c *call) install(f *OpenFile, flags int) (int64, error) {
	fd, ok := c.t.Files.Install(f, 0, flags&abi.O_CLOEXEC != 0)
	if !ok {
		f.discard()
		return 0, abi.EMFILE
	}
	return int64(fd), nil
}

// installPair gives a and b descriptors, the lowest free, and writes the
// two numbers as int[2] at va (pipe2's pipefd, socketpair's sv). On failure
// neither descriptor is left: EMFILE, or EFAULT for a bad va.
func (c *call) installPair(a, b *OpenFile, cloexec bool, va uint64) (int64, error) {
	t := c.t
	x, ok := t.Files.Install(a, 0, cloexec)
	if !ok {
		a.discard()
		b.discard()
		return 0, abi.EMFILE
	}
	y, ok := t.Files.Install(b, 0, cloexec)
	if !ok {
		t.Files.Close(x)
		b.discard()
		return 0, abi.EMFILE
	}
	var fds [8]byte
	putInt32(fds[0:], int32(x))
	putInt32(fds[4:], int32(y))
	if t.AS.WriteBytes(va, fds[:]) != nil {
		t.Files.Close(x)
		t.Files.Close(y)
		return 0, abi.EFAULT
	}
	return 0, nil
}

// startFifoOpen opens one or both ends of a FIFO's pipe (fifo(7)):
// O_RDONLY|O_NONBLOCK succeeds at once; O_WRONLY|O_NONBLOCK without a
// reader fails with ENXIO; O_RDWR never blocks; otherwise the open waits
// for the other end.
func (c *call) startFifoOpen(f *fifoNode, flags int) (int64, error) {
	k := c.t.k
	acc := flags & abi.O_ACCMODE
	if acc == abi.O_ACCMODE {
		return 0, abi.EINVAL
	}
	if f.p == nil {
		f.p = k.newPipe()
	}
	p := f.p
	end := &pipeEnd{k: k, p: p, fifo: f, reads: acc != abi.O_WRONLY, writes: acc != abi.O_RDONLY}
	if acc == abi.O_WRONLY && flags&abi.O_NONBLOCK != 0 && p.Readers() == 0 {
		// "A process can open a FIFO in nonblocking mode. In this case,
		// opening for read-only succeeds even if no one has opened on the
		// write side yet and opening for write-only fails with ENXIO
		// unless the other end has already been opened." - fifo(7)
		if p.Writers() == 0 {
			k.dropPipe(p)
			f.p = nil
		}
		return 0, abi.ENXIO
	}
	readers, writers := p.OpenCounts()
	if end.reads {
		p.OpenReader()
	}
	if end.writes {
		p.OpenWriter()
	}
	of := newOpenFile(end, acc|flags&(abi.O_NONBLOCK|abi.O_APPEND)|oLargefile)
	of.IncRef() // held by the call until a descriptor takes it
	c.pending = of
	// The partner has come once the other end's open counter moves past
	// what it was now, even if that partner has closed again since.
	if acc == abi.O_RDONLY {
		c.mark = writers
	} else {
		c.mark = readers
	}
	return c.finishFifoOpen(flags)
}

// finishFifoOpen waits, if it must, for the FIFO's other end, then installs
// the descriptor.
func (c *call) finishFifoOpen(flags int) (int64, error) {
	of := c.pending
	end := of.ops.(*pipeEnd)
	p := end.p
	if flags&abi.O_NONBLOCK == 0 && !(end.reads && end.writes) {
		readers, writers := p.OpenCounts()
		if end.reads && p.Writers() == 0 && writers == c.mark {
			return 0, &blockError{q: &p.Queue, mask: abi.POLLIN,
				why: func() string { return fmt.Sprintf("%s: waiting for a writer to open it", end.Name()) }}
		}
		if end.writes && p.Readers() == 0 && readers == c.mark {
			return 0, &blockError{q: &p.Queue, mask: abi.POLLOUT,
				why: func() string { return fmt.Sprintf("%s: waiting for a reader to open it", end.Name()) }}
		}
	}
	c.pending = nil
	if flags&abi.O_DIRECT != 0 {
		// do_dentry_open, once fifo_open has done its part (the wait, the
		// partner's wakeup): a FIFO has no direct I/O (FMODE_CAN_ODIRECT),
		// so the open is undone. F_SETFL may set O_DIRECT later.
		of.DecRef()
		return 0, abi.EINVAL
	}
	fd, ok := c.t.Files.Install(of, 0, flags&abi.O_CLOEXEC != 0)
	of.DecRef() // the call's hold; the descriptor has its own
	if !ok {
		return 0, abi.EMFILE
	}
	return int64(fd), nil
}

package kernel

import (
	"encoding/binary"

	"ipcsim/abi"
	"ipcsim/ipc/pipe"
)

// pipeMaxSize is /proc/sys/fs/pipe-max-size, Linux's default: the largest
// capacity F_SETPIPE_SZ gives a process without CAP_SYS_RESOURCE.
const pipeMaxSize = 1 << 20

func init() {
	register(map[abi.Sysno]sysEntry{
		abi.SysDup:   {sysDup, "d", noSleep},
		abi.SysDup3:  {sysDup3, "ddf", noSleep},
		abi.SysFcntl: {sysFcntl, "dFa", noSleep},
		abi.SysIoctl: {sysIoctl, "dIx", restartSA},
		abi.SysLseek: {sysLseek, "dlj", noSleep},
	})
}

func putInt32(b []byte, v int32) { binary.LittleEndian.PutUint32(b, uint32(v)) }

// dup(2): the lowest free descriptor, sharing the open file description.
func sysDup(c *call) (int64, error) {
	f, err := c.file(int32(c.a[0]))
	if err != nil {
		return 0, err
	}
	fd, ok := c.t.Files.Install(f, 0, false)
	if !ok {
		return 0, abi.EMFILE
	}
	return int64(fd), nil
}

// dup3(2): (oldfd, newfd, flags). "If oldfd equals newfd, then dup3()
// fails with the error EINVAL."
func sysDup3(c *call) (int64, error) {
	oldfd, newfd, flags := int32(c.a[0]), int32(c.a[1]), int(c.a[2])
	// Linux's ksys_dup3 checks in this order: the flags, the two fds
	// being equal (EINVAL even when oldfd is not open), newfd's range,
	// and only then whether oldfd is open.
	if flags&^abi.O_CLOEXEC != 0 {
		return 0, abi.EINVAL
	}
	if oldfd == newfd {
		return 0, abi.EINVAL
	}
	if newfd < 0 || newfd >= int32(c.t.Files.Limit()) { // RLIMIT_NOFILE
		return 0, abi.EBADF
	}
	f, err := c.file(oldfd)
	if err != nil {
		return 0, err
	}
	c.t.Files.InstallAt(f, int(newfd), flags&abi.O_CLOEXEC != 0)
	return int64(newfd), nil
}

// fcntl(2): (fd, cmd, arg).
func sysFcntl(c *call) (int64, error) {
	fd, cmd, arg := int32(c.a[0]), int32(c.a[1]), c.a[2]
	f, err := c.file(fd)
	if err != nil {
		return 0, err
	}
	files := c.t.Files
	switch cmd {
	case abi.F_DUPFD, abi.F_DUPFD_CLOEXEC:
		// "EINVAL: arg is negative or is greater than the maximum allowable value"
		if int64(arg) < 0 || arg >= uint64(files.Limit()) { // RLIMIT_NOFILE
			return 0, abi.EINVAL
		}
		nfd, ok := files.Install(f, int(arg), cmd == abi.F_DUPFD_CLOEXEC)
		if !ok {
			return 0, abi.EMFILE
		}
		return int64(nfd), nil
	case abi.F_GETFD:
		if files.CloseOnExecOf(int(fd)) {
			return abi.FD_CLOEXEC, nil
		}
		return 0, nil
	case abi.F_SETFD:
		files.SetCloseOnExec(int(fd), arg&abi.FD_CLOEXEC != 0)
		return 0, nil
	case abi.F_GETFL:
		return int64(f.flags), nil
	case abi.F_SETFL:
		// "On Linux, this command can change only the O_APPEND, O_ASYNC,
		// O_DIRECT, O_NOATIME, and O_NONBLOCK flags." Of those, ipcsim's
		// files act on O_NONBLOCK, and a pipe's write end on O_DIRECT
		// (packet mode); O_APPEND is kept for F_GETFL, and O_DIRECT on a
		// regular file (its I/O is the same either way, as on tmpfs).
		// setfl: "Pipe packetized mode is controlled by O_DIRECT flag";
		// any other file without direct I/O (a socket, epoll, a queue, a
		// device) refuses O_DIRECT: EINVAL.
		settable := abi.O_NONBLOCK | abi.O_APPEND
		switch ops := f.ops.(type) {
		case *pipeEnd:
			settable |= abi.O_DIRECT
			ops.packet = arg&abi.O_DIRECT != 0
		case *fileHandle:
			settable |= abi.O_DIRECT
		default:
			if arg&abi.O_DIRECT != 0 {
				return 0, abi.EINVAL
			}
		}
		f.flags = f.flags&^settable | int(arg)&settable
		return 0, nil
	case abi.F_GETPIPE_SZ, abi.F_SETPIPE_SZ: // pipe_fcntl
		end, ok := f.ops.(*pipeEnd)
		if !ok {
			return 0, abi.EBADF
		}
		if cmd == abi.F_GETPIPE_SZ {
			return int64(end.p.Cap()), nil
		}
		// Sizes above 2^31 cannot be rounded to a power of two
		// (round_pipe_size: EINVAL). "EPERM: An attempt was made to
		// increase the pipe capacity above the limit defined by
		// /proc/sys/fs/pipe-max-size" (1048576) by a process without
		// CAP_SYS_RESOURCE (root here); shrinking is always allowed.
		if arg > 1<<31 {
			return 0, abi.EINVAL
		}
		size := pipe.RoundCapacity(int(arg))
		if size > pipeMaxSize && size > end.p.Cap() && c.t.EUID != 0 {
			return 0, abi.EPERM
		}
		if end.p.SetCap(size) != nil {
			return 0, abi.EBUSY
		}
		return int64(size), nil
	}
	return 0, abi.EINVAL
}

// ioctl(2): (fd, request, arg). The terminal's requests are in tty.go;
// pipes and sockets know FIONREAD, the bytes waiting to be read, and
// anything else on them is ENOTTY. FIONREAD on a regular file is its size
// less the offset (do_vfs_ioctl), and so on a message queue's descriptor,
// a regular file of /dev/mqueue of 80 bytes (unless ftruncate set another).
func sysIoctl(c *call) (int64, error) {
	f, err := c.file(int32(c.a[0]))
	if err != nil {
		return 0, err
	}
	switch ops := f.ops.(type) {
	case *Terminal:
		return ops.ioctl(c, uint32(c.a[1]), c.a[2])
	case *epollFile:
		// Since Linux 6.9 an epoll instance has an ioctl of its own
		// (EPIOCSPARAMS), which says EINVAL to every other request.
		return 0, abi.EINVAL
	}
	if uint32(c.a[1]) != abi.FIONREAD {
		return 0, abi.ENOTTY
	}
	var n int
	switch ops := f.ops.(type) {
	case *pipeEnd:
		n = ops.p.Len()
	case *socketFile:
		if n, err = ops.s.InqLen(); err != nil {
			return 0, err
		}
	case *inetFile:
		if n, err = ops.s.InqLen(); err != nil {
			return 0, err
		}
	case *fileHandle:
		n = int(int64(len(ops.f.data)) - ops.off)
	case *mqFile:
		n = int(ops.q.Size - ops.pos)
	case *commFile:
		n = int(-ops.pos) // a file of /proc has the size 0
	default:
		return 0, abi.ENOTTY
	}
	var b [4]byte
	putInt32(b[:], int32(n))
	if c.t.AS.WriteBytes(c.a[2], b[:]) != nil {
		return 0, abi.EFAULT
	}
	return 0, nil
}

// lseek(2): (fd, offset, whence). A regular file moves its offset
// (regfile.go), a directory its place in the listing (getdents64);
// /dev/null and /dev/zero stay at 0 (drivers/char/mem.c: "return
// file->f_pos = 0"), and a message queue's file its offset in the status
// line (default_llseek). Pipes, FIFOs, sockets and terminals cannot seek:
// "ESPIPE fd is associated with a pipe, socket, or FIFO".
func sysLseek(c *call) (int64, error) {
	f, err := c.file(int32(c.a[0]))
	if err != nil {
		return 0, err
	}
	off, whence := int64(c.a[1]), int32(c.a[2])
	if whence < 0 || whence > abi.SEEK_HOLE {
		return 0, abi.EINVAL // ksys_lseek, before the file's own llseek
	}
	switch ops := f.ops.(type) {
	case *fileHandle:
		return ops.seek(off, whence)
	case *dirFile:
		return ops.seek(off, whence)
	case *commFile:
		return ops.seek(off, whence)
	case *mqFile:
		return ops.seek(off, whence)
	case *epollFile:
		return 0, nil // noop_llseek: the offset stays 0
	case *nullFile:
		return 0, nil
	}
	return 0, abi.ESPIPE
}

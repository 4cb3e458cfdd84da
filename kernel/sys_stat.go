package kernel

// fstat(2), newfstatat(2) (stat and lstat of the C library) and statx(2):
// what the kernel knows of a file.

import (
	"encoding/binary"

	"ipcsim/abi"
	"ipcsim/hw"
)

func init() {
	register(map[abi.Sysno]sysEntry{
		abi.SysFstat:      {sysFstat, "dt", noSleep},
		abi.SysNewfstatat: {sysNewfstatat, "Dstn", noSleep},
		abi.SysStatx:      {sysStatx, "Dsnxx", noSleep},
	})
}

// The device numbers (st_dev) of the file systems here, fixed so that a
// run prints the same each time: the name space (a tmpfs, as Linux's
// anonymous devices are numbered 0:N), and the pseudo file systems of
// pipes, sockets, the terminal and anonymous inodes (epoll, mqueue).
var (
	nsDev     = makedev(0, 32)
	pipefsDev = makedev(0, 13)
	sockfsDev = makedev(0, 8)
	devptsDev = makedev(0, 24)
	anonDev   = makedev(0, 14)
	mqueueDev = makedev(0, 15)
)

// kstat is Linux's struct kstat: the fields of a file that stat shows.
type kstat struct {
	dev, ino            uint64
	mode, nlink         uint32
	uid, gid            int
	rdev                uint64
	size, blocks        int64  // bytes; 512-byte blocks
	atime, mtime, ctime uint64 // cycles of the virtual clock
}

// nodeStat describes a node of the name space. "st_nlink": a directory
// has its own name, its "." and each subdirectory's ".."; a file 1, or 0
// once unlinked. A directory's size is 20 bytes an entry (tmpfs's
// BOGO_DIRENT_SIZE, "." and ".." included); a regular file takes whole
// pages (st_blocks counts 512-byte blocks, as tmpfs does).
func nodeStat(n *node) kstat {
	st := kstat{dev: nsDev, ino: n.ino, mode: n.mode, nlink: 1, uid: n.uid, gid: n.gid, rdev: n.dev.rdev(),
		atime: n.atime, mtime: n.mtime, ctime: n.ctime}
	switch {
	case n.isDir():
		st.nlink = 2
		for _, child := range n.dirents() {
			if child.isDir() {
				st.nlink++
			}
		}
		st.size = 20 * int64(len(n.children)+2)
	case n.file != nil:
		st.size = n.file.size()
		st.blocks = (st.size + hw.PageSize - 1) / hw.PageSize * (hw.PageSize / 512)
	}
	if n.removed {
		st.nlink = 0
	}
	return st
}

// fileStat describes an open file. Files outside the name space show
// what Linux's pseudo file systems show: a pipe S_IFIFO|0600 and a socket
// S_IFSOCK|0777, owned by the process that made them (as fchmod left
// them), the terminal S_IFCHR|0620 as /dev/pts/0 (136:0), a message queue
// the regular file of the mqueue file system (its mode and owner, 80
// bytes), an epoll descriptor an anonymous inode of mode 0600 and no type.
// Their times are the boot's: the kernel does not record them.
func fileStat(f *OpenFile) kstat {
	switch ops := f.ops.(type) {
	case *fileHandle:
		return nodeStat(ops.f.n)
	case *dirFile:
		return nodeStat(ops.n)
	case *nullFile:
		return nodeStat(ops.n)
	case *commFile:
		return nodeStat(ops.n)
	case *pipeEnd:
		if ops.fifo != nil {
			return nodeStat(ops.fifo.n)
		}
		return kstat{dev: pipefsDev, ino: uint64(ops.p.ID), mode: ops.ino.mode, nlink: 1, uid: ops.ino.uid, gid: ops.ino.gid}
	case *socketFile:
		return kstat{dev: sockfsDev, ino: uint64(ops.s.ID), mode: ops.ino.mode, nlink: 1, uid: ops.ino.uid, gid: ops.ino.gid}
	case *inetFile:
		return kstat{dev: sockfsDev, ino: uint64(1<<20 + ops.s.ID), mode: ops.ino.mode, nlink: 1, uid: ops.ino.uid, gid: ops.ino.gid}
	case *Terminal:
		return kstat{dev: devptsDev, ino: 3, mode: abi.S_IFCHR | 0620, nlink: 1, rdev: makedev(136, 0)}
	case *hostFile:
		return kstat{dev: pipefsDev, mode: abi.S_IFIFO | 0600, nlink: 1}
	case *mqFile:
		st := kstat{dev: mqueueDev, mode: abi.S_IFREG | uint32(ops.q.Mode&0o7777), nlink: 1,
			uid: ops.q.UID, gid: ops.q.GID, size: ops.q.Size}
		if ops.q.Unlinked() {
			st.nlink = 0 // mq_unlink removed its name
		}
		return st
	}
	return kstat{dev: anonDev, mode: 0600, nlink: 1}
}

// fileTime splits a time of the virtual clock into CLOCK_REALTIME seconds
// and nanoseconds.
func fileTime(cycles uint64) (sec int64, nsec uint64) {
	v := ns(cycles)
	return bootEpoch + int64(v/1e9), v % 1e9
}

// encode lays st out as riscv64's struct stat (abi.SizeofStat).
func (st kstat) encode() []byte {
	b := make([]byte, abi.SizeofStat)
	le := binary.LittleEndian
	le.PutUint64(b[0:], st.dev)
	le.PutUint64(b[8:], st.ino)
	le.PutUint32(b[16:], st.mode)
	le.PutUint32(b[20:], st.nlink)
	le.PutUint32(b[24:], uint32(st.uid))
	le.PutUint32(b[28:], uint32(st.gid))
	le.PutUint64(b[32:], st.rdev)
	le.PutUint64(b[48:], uint64(st.size))
	le.PutUint32(b[56:], hw.PageSize) // st_blksize
	le.PutUint64(b[64:], uint64(st.blocks))
	for i, t := range [3]uint64{st.atime, st.mtime, st.ctime} {
		sec, nsec := fileTime(t)
		le.PutUint64(b[72+16*i:], uint64(sec))
		le.PutUint64(b[80+16*i:], nsec)
	}
	return b
}

// statPath finds what a *at call names: the file of dirfd itself with
// AT_EMPTY_PATH and an empty path ("If pathname is an empty string,
// operate on the file referred to by dirfd" - fstatat(2)), else the node
// at the path (ENOENT if there is none).
func (c *call) statPath(dirfd int32, pathVA uint64, flags uint64) (kstat, error) {
	if flags&abi.AT_EMPTY_PATH != 0 {
		if s, _, err := c.t.AS.ReadString(pathVA, 1); err == nil && s == "" {
			if dirfd == abi.AT_FDCWD {
				return nodeStat(c.t.cwd), nil
			}
			f, err := c.file(dirfd)
			if err != nil {
				return kstat{}, err
			}
			return fileStat(f), nil
		}
	}
	r, err := c.resolve(dirfd, pathVA)
	if err != nil {
		return kstat{}, err
	}
	if r.n == nil {
		return kstat{}, abi.ENOENT
	}
	if r.n.selfExe && flags&abi.AT_SYMLINK_NOFOLLOW == 0 {
		n, err := c.followExe()
		if err != nil {
			return kstat{}, err
		}
		return nodeStat(n), nil
	}
	return nodeStat(r.n), nil
}

// fstat(2): (fd, statbuf).
func sysFstat(c *call) (int64, error) {
	f, err := c.file(int32(c.a[0]))
	if err != nil {
		return 0, err
	}
	return 0, c.writeStat(c.a[1], fileStat(f))
}

func (c *call) writeStat(va uint64, st kstat) error {
	if c.t.AS.WriteBytes(va, st.encode()) != nil {
		return abi.EFAULT
	}
	return nil
}

// newfstatat(2): (dirfd, path, statbuf, flags). The one symbolic link is
// /proc/self/exe: AT_SYMLINK_NOFOLLOW (lstat) shows the link; other flags are
// EINVAL ("EINVAL Invalid flag specified in flags").
func sysNewfstatat(c *call) (int64, error) {
	flags := c.a[3]
	if flags&^(abi.AT_SYMLINK_NOFOLLOW|abi.AT_NO_AUTOMOUNT|abi.AT_EMPTY_PATH) != 0 {
		return 0, abi.EINVAL
	}
	st, err := c.statPath(int32(c.a[0]), c.a[1], flags)
	if err != nil {
		return 0, err
	}
	return 0, c.writeStat(c.a[2], st)
}

// statx(2): (dirfd, path, flags, mask, statxbuf). Every basic field is
// known, so stx_mask is STATX_BASIC_STATS whatever the mask asks for
// ("A filesystem may also fill in fields that the caller didn't ask for
// ... if it has values for them available at no extra cost");
// STATX__RESERVED in the mask is EINVAL. The birth time is not kept
// (STATX_BTIME stays clear).
func sysStatx(c *call) (int64, error) {
	flags, mask := c.a[2], uint32(c.a[3])
	if flags&^(abi.AT_SYMLINK_NOFOLLOW|abi.AT_NO_AUTOMOUNT|abi.AT_EMPTY_PATH|abi.AT_STATX_SYNC_TYPE) != 0 ||
		flags&abi.AT_STATX_SYNC_TYPE == abi.AT_STATX_SYNC_TYPE || mask&abi.STATX__RESERVED != 0 {
		return 0, abi.EINVAL
	}
	st, err := c.statPath(int32(c.a[0]), c.a[1], flags)
	if err != nil {
		return 0, err
	}
	b := make([]byte, abi.SizeofStatx)
	le := binary.LittleEndian
	le.PutUint32(b[0:], abi.STATX_BASIC_STATS)
	le.PutUint32(b[4:], hw.PageSize)
	le.PutUint32(b[16:], st.nlink)
	le.PutUint32(b[20:], uint32(st.uid))
	le.PutUint32(b[24:], uint32(st.gid))
	le.PutUint16(b[28:], uint16(st.mode))
	le.PutUint64(b[32:], st.ino)
	le.PutUint64(b[40:], uint64(st.size))
	le.PutUint64(b[48:], uint64(st.blocks))
	for _, ts := range [...]struct {
		off int
		t   uint64
	}{{64, st.atime}, {96, st.ctime}, {112, st.mtime}} {
		sec, nsec := fileTime(ts.t)
		le.PutUint64(b[ts.off:], uint64(sec))
		le.PutUint32(b[ts.off+8:], uint32(nsec))
	}
	le.PutUint32(b[128:], uint32(st.rdev>>8&0xfff))
	le.PutUint32(b[132:], uint32(st.rdev&0xff|st.rdev>>12&^0xff))
	le.PutUint32(b[136:], uint32(st.dev>>8&0xfff))
	le.PutUint32(b[140:], uint32(st.dev&0xff|st.dev>>12&^0xff))
	if c.t.AS.WriteBytes(c.a[4], b) != nil {
		return 0, abi.EFAULT
	}
	return 0, nil
}

package kernel

// System calls on files and their inodes: pread64(2), pwrite64(2),
// truncate(2), ftruncate(2), faccessat(2), faccessat2(2), fchmod(2),
// fchmodat(2), fchown(2), fchownat(2), umask(2). The regular file itself
// is in regfile.go.

import (
	"ipcsim/abi"
	"ipcsim/ipc/mqueue"
)

func init() {
	register(map[abi.Sysno]sysEntry{
		abi.SysPread64:    {sysPread64, "drul", noSleep},
		abi.SysPwrite64:   {sysPwrite64, "dwul", noSleep},
		abi.SysTruncate:   {sysTruncate, "sl", noSleep},
		abi.SysFtruncate:  {sysFtruncate, "dl", noSleep},
		abi.SysFaccessat:  {sysFaccessat, "Dsq", noSleep},
		abi.SysFaccessat2: {sysFaccessat2, "Dsqn", noSleep},
		abi.SysFchmod:     {sysFchmod, "do", noSleep},
		abi.SysFchmodat:   {sysFchmodat, "Dso", noSleep},
		abi.SysFchown:     {sysFchown, "ddd", noSleep},
		abi.SysFchownat:   {sysFchownat, "Dsddn", noSleep},
		abi.SysUmask:      {sysUmask, "o", noSleep},
	})
}

// positioned returns the regular file behind fd for pread64 and pwrite64:
// "ESPIPE fd is associated with a pipe, socket, FIFO, or terminal", EISDIR
// for a directory. /dev/null and /dev/zero come back as nil: they take
// any offset. A negative offset is EINVAL
// before anything else (ksys_pread64).
func (c *call) positioned(fd int32, off int64) (*OpenFile, *fileHandle, error) {
	if off < 0 {
		return nil, nil, abi.EINVAL
	}
	f, err := c.file(fd)
	if err != nil {
		return nil, nil, err
	}
	if !preadable(f) {
		return nil, nil, abi.ESPIPE
	}
	switch ops := f.ops.(type) {
	case *fileHandle:
		return f, ops, nil
	case *dirFile:
		return nil, nil, abi.EISDIR
	}
	return f, nil, nil
}

// preadable reports whether Linux opens f with FMODE_PREAD, so a read at
// an explicit offset gets past the ESPIPE check: regular files,
// directories, /dev/null and /dev/zero, and message queue files. Pipes,
// FIFOs, sockets, the terminal and epoll instances are streams.
func preadable(f *OpenFile) bool {
	switch f.ops.(type) {
	case *fileHandle, *dirFile, *nullFile, *mqFile:
		return true
	}
	return false
}

// pread64(2): (fd, buf, count, offset): a read at offset that leaves the
// file offset alone.
func sysPread64(c *call) (int64, error) {
	fd, off := int32(c.a[0]), int64(c.a[3])
	f, h, err := c.positioned(fd, off)
	if err != nil {
		return 0, err
	}
	if !f.readable() {
		return 0, abi.EBADF
	}
	segs := []ioSeg{{c.a[1], c.a[2]}}
	if mq, ok := f.ops.(*mqFile); ok {
		buf := c.t.k.scratchBuf(min(segsLen(segs), 256))
		n := mq.readAt(buf, off)
		if n > 0 && scatter(c.t.AS, segs, buf[:n]) == 0 {
			return 0, abi.EFAULT
		}
		return int64(n), nil
	}
	if h == nil {
		return doRead(c, fd, segs) // /dev/null, /dev/zero
	}
	return readFile(c, h, segs, off, true)
}

// pwrite64(2): (fd, buf, count, offset): a write at offset that leaves the
// file offset alone, except that "if a file is opened with O_APPEND,
// pwrite() appends data to the end of the file, regardless of the value
// of offset" - pwrite(2), BUGS (Linux's behaviour, kept).
func sysPwrite64(c *call) (int64, error) {
	fd, off := int32(c.a[0]), int64(c.a[3])
	f, h, err := c.positioned(fd, off)
	if err != nil {
		return 0, err
	}
	if !f.writable() {
		return 0, abi.EBADF
	}
	segs := []ioSeg{{c.a[1], c.a[2]}}
	if h == nil {
		return doWrite(c, fd, segs) // /dev/null; a message queue's EINVAL
	}
	if f.flags&abi.O_APPEND != 0 {
		off = int64(len(h.f.data))
	}
	total := segsLen(segs)
	if total > 0 {
		h.f.n.mode = c.t.killPrivs(h.f.n.mode, h.f.n.gid)
	}
	var done uint64
	for done < total {
		buf := c.t.k.scratchBuf(min(total-done, ioChunk))
		n := gather(c.t.AS, segs, done, buf)
		w, err := c.t.k.writeAt(h.f, off+int64(done), buf[:n])
		done += uint64(w)
		if err != nil && done == 0 {
			return 0, err
		}
		if err != nil || n < len(buf) || w < n {
			break // no more room, or a bad pointer after n bytes
		}
	}
	if done == 0 && total > 0 {
		return 0, abi.EFAULT
	}
	return int64(done), nil
}

// truncate(2): (path, length). "EINVAL The argument length is negative",
// "EISDIR The named file is a directory", write permission needed
// (EACCES); other files than regular ones are EINVAL.
func sysTruncate(c *call) (int64, error) {
	size := int64(c.a[1])
	if size < 0 {
		return 0, abi.EINVAL
	}
	r, err := c.resolve(abi.AT_FDCWD, c.a[0])
	if err != nil {
		return 0, err
	}
	switch {
	case r.n == nil:
		return 0, abi.ENOENT
	case r.n.isDir():
		return 0, abi.EISDIR
	case r.n.file == nil:
		return 0, abi.EINVAL
	}
	if err := r.n.permission(c.t, abi.MAY_WRITE); err != nil {
		return 0, err
	}
	return 0, c.truncate(r.n.file, size)
}

// truncate is do_truncate: the new size, and a truncate by a process
// without CAP_FSETID takes the set-user-ID and set-group-ID bits as a write
// does (killPrivs).
func (c *call) truncate(f *regFile, size int64) error {
	if err := c.t.k.truncate(f, size); err != nil {
		return err
	}
	f.n.mode = c.t.killPrivs(f.n.mode, f.n.gid)
	return nil
}

// killPrivs is what a write or a truncate by t does to the mode of a
// regular file owned by group gid (setattr_should_drop_suidgid, from
// file_remove_privs and do_truncate): without CAP_FSETID (root's), the
// set-user-ID bit goes, and the set-group-ID bit if the group may execute
// the file or t is not in its group.
func (t *Task) killPrivs(mode uint32, gid int) uint32 {
	if t.EUID == 0 {
		return mode
	}
	mode &^= abi.S_ISUID
	if mode&0010 != 0 || !abi.InGroup(gid, t.EGID, t.Groups) {
		mode &^= abi.S_ISGID
	}
	return mode
}

// ftruncate(2): (fd, length). "EBADF or EINVAL fd is not open for
// writing", "EINVAL fd does not reference a regular file": Linux gives
// EINVAL for both, and for a negative length before it looks at fd.
func sysFtruncate(c *call) (int64, error) {
	size := int64(c.a[1])
	if size < 0 {
		return 0, abi.EINVAL
	}
	f, err := c.file(int32(c.a[0]))
	if err != nil {
		return 0, err
	}
	if mq, ok := f.ops.(*mqFile); ok && f.writable() {
		mq.q.Size = size // a regular file of the mqueue file system
		mq.q.Mode = int(c.t.killPrivs(uint32(mq.q.Mode), mq.q.GID))
		return 0, nil
	}
	h, ok := f.ops.(*fileHandle)
	if !ok || !f.writable() {
		return 0, abi.EINVAL
	}
	return 0, c.truncate(h.f, size)
}

// faccessat(2): (dirfd, path, mode).
func sysFaccessat(c *call) (int64, error) {
	return c.access(int32(c.a[0]), c.a[1], uint32(c.a[2]), 0)
}

// faccessat2(2): (dirfd, path, mode, flags).
func sysFaccessat2(c *call) (int64, error) {
	return c.access(int32(c.a[0]), c.a[1], uint32(c.a[2]), c.a[3])
}

// access checks whether the caller may read, write or execute a file:
// "The check is done using the calling process's real UID and GID, rather
// than the effective IDs" unless AT_EACCESS; F_OK asks whether it exists.
// Root passes every check but X_OK on a file nobody may execute
// (permission's rule). "EINVAL mode was incorrectly specified" or flags
// hold an unknown bit.
func (c *call) access(dirfd int32, pathVA uint64, mode uint32, flags uint64) (int64, error) {
	if mode&^(abi.R_OK|abi.W_OK|abi.X_OK) != 0 ||
		flags&^(abi.AT_EACCESS|abi.AT_SYMLINK_NOFOLLOW|abi.AT_EMPTY_PATH) != 0 {
		return 0, abi.EINVAL
	}
	t := c.t
	if flags&abi.AT_EACCESS == 0 {
		// access_override_creds: the whole call, the walk of the path's
		// directories included, runs with the real ids as the file-system
		// ids, and root's privilege goes with the real uid.
		euid, egid := t.EUID, t.EGID
		t.EUID, t.EGID = t.UID, t.GID
		defer func() { t.EUID, t.EGID = euid, egid }()
	}
	n, err := c.inode(dirfd, pathVA, flags)
	if err != nil {
		return 0, err
	}
	if mode == abi.F_OK {
		return 0, nil
	}
	return 0, n.permission(t, mode) // R_OK, W_OK, X_OK are MAY_READ, MAY_WRITE, MAY_EXEC
}

// inode finds the node a *at call names: dirfd's own with AT_EMPTY_PATH
// and an empty path, else the one at the path (ENOENT if none).
func (c *call) inode(dirfd int32, pathVA uint64, flags uint64) (*node, error) {
	if flags&abi.AT_EMPTY_PATH != 0 {
		if s, _, err := c.t.AS.ReadString(pathVA, 1); err == nil && s == "" {
			if dirfd == abi.AT_FDCWD {
				return c.t.cwd, nil
			}
			return c.fdNode(dirfd)
		}
	}
	r, err := c.resolve(dirfd, pathVA)
	if err != nil {
		return nil, err
	}
	if r.n == nil {
		return nil, abi.ENOENT
	}
	return r.n, nil
}

// fdNode returns the node of the file open at fd. A pipe, socket or
// terminal has none in the name space, so these calls cannot change it
// here: EBADF (Linux would change the pseudo file system's inode).
func (c *call) fdNode(fd int32) (*node, error) {
	f, err := c.file(fd)
	if err != nil {
		return nil, err
	}
	switch ops := f.ops.(type) {
	case *fileHandle:
		return ops.f.n, nil
	case *dirFile:
		return ops.n, nil
	case *nullFile:
		return ops.n, nil
	case *pipeEnd:
		if ops.fifo != nil {
			return ops.fifo.n, nil
		}
	}
	return nil, abi.EBADF
}

// chmod sets n's permission bits: "The effective UID of the calling
// process must match the owner of the file, or the process must be
// privileged" (else EPERM) - chmod(2). An unprivileged caller outside
// the file's group loses S_ISGID: "If the calling process is not
// privileged, and the group of the file does not match the effective
// group ID of the process or one of its supplementary group IDs, the
// S_ISGID bit will be turned off, but this will not cause an error to be
// returned."
func (c *call) chmod(n *node, mode uint32) (int64, error) {
	bits, err := c.chmodBits(n.uid, n.gid, mode)
	if err != nil {
		return 0, err
	}
	n.mode = n.mode&abi.S_IFMT | bits
	n.ctime = c.t.k.Now()
	return 0, nil
}

// chmodBits is chmod's rule for a file owned by uid and gid: the
// permission bits of mode the caller may set, or EPERM.
func (c *call) chmodBits(uid, gid int, mode uint32) (uint32, error) {
	t := c.t
	if t.EUID != uid && t.EUID != 0 {
		return 0, abi.EPERM
	}
	mode &= 07777
	if t.EUID != 0 && !abi.InGroup(gid, t.EGID, t.Groups) {
		mode &^= abi.S_ISGID
	}
	return mode, nil
}

// fchmod(2): (fd, mode). Files outside the name space have inodes too:
// a pipe's or a socket's mode changes (fstat shows it), and a message
// queue's, which its permission checks read; an epoll instance's
// anonymous inode refuses (EOPNOTSUPP, anon_inode's setattr since Linux
// 6.10).
func sysFchmod(c *call) (int64, error) {
	f, err := c.file(int32(c.a[0]))
	if err != nil {
		return 0, err
	}
	mode := uint32(c.a[1])
	if q := queueOf(f); q != nil {
		bits, err := c.chmodBits(q.UID, q.GID, mode)
		if err != nil {
			return 0, err
		}
		q.Mode = int(bits)
		return 0, nil
	}
	ino, err := anonInodeOf(f)
	if err != nil {
		return 0, err
	}
	if ino != nil {
		bits, err := c.chmodBits(ino.uid, ino.gid, mode)
		if err != nil {
			return 0, err
		}
		ino.mode = ino.mode&abi.S_IFMT | bits
		return 0, nil
	}
	n, err := c.fdNode(int32(c.a[0]))
	if err != nil {
		return 0, err
	}
	return c.chmod(n, mode)
}

// queueOf is the message queue behind f, or nil.
func queueOf(f *OpenFile) *mqueue.Queue {
	if m, ok := f.ops.(*mqFile); ok {
		return m.q
	}
	return nil
}

// anonInodeOf is the inode of f when it is outside the name space: a
// pipe's (not a FIFO's: its inode is a node), a socket's; nil for a file
// with a node. An epoll instance's anonymous inode refuses a change of
// its attributes (EOPNOTSUPP: anon_inode's setattr since Linux 6.10).
func anonInodeOf(f *OpenFile) (*anonInode, error) {
	switch ops := f.ops.(type) {
	case *pipeEnd:
		return ops.ino, nil // nil for a FIFO
	case *socketFile:
		return ops.ino, nil
	case *inetFile:
		return ops.ino, nil
	case *epollFile:
		return nil, abi.EOPNOTSUPP
	}
	return nil, nil
}

// fchmodat(2): (dirfd, path, mode); the raw call has no flags.
func sysFchmodat(c *call) (int64, error) {
	n, err := c.inode(int32(c.a[0]), c.a[1], 0)
	if err != nil {
		return 0, err
	}
	return c.chmod(n, uint32(c.a[2]))
}

// chown changes n's owner and group (-1 keeps one): "Only a privileged
// process (Linux: one with the CAP_CHOWN capability) may change the owner
// of a file. The owner of a file may change the group of the file to any
// group of which that owner is a member" (else EPERM) - chown(2): its
// effective group or a supplementary one. "When the owner or group
// of an executable file is changed by an unprivileged user, the S_ISUID
// and S_ISGID mode bits are cleared"; Linux clears them for root too
// (notify_change's ATTR_KILL_SUID), S_ISGID only with S_IXGRP, and never
// on a directory.
func (c *call) chown(n *node, uid, gid int32) (int64, error) {
	u, g, mode, err := c.t.chownRule(n.uid, n.gid, n.mode, uid, gid)
	if err != nil {
		return 0, err
	}
	n.uid, n.gid, n.mode = u, g, mode
	n.ctime = c.t.k.Now()
	return 0, nil
}

// chownRule is chown's rule for a file owned by uid0 and gid0, of the
// given mode (its type bits too): the new owner, group and mode, or EPERM.
func (t *Task) chownRule(uid0, gid0 int, mode uint32, uid, gid int32) (int, int, uint32, error) {
	if uid != -1 && int(uid) != uid0 && t.EUID != 0 ||
		uid != -1 && int(uid) == uid0 && t.EUID != uid0 && t.EUID != 0 {
		return 0, 0, 0, abi.EPERM
	}
	if gid != -1 && t.EUID != 0 && (t.EUID != uid0 || !abi.InGroup(int(gid), t.EGID, t.Groups) && int(gid) != gid0) {
		return 0, 0, 0, abi.EPERM
	}
	if uid != -1 {
		uid0 = int(uid)
	}
	if gid != -1 {
		gid0 = int(gid)
	}
	if mode&abi.S_IFMT != abi.S_IFDIR && (uid != -1 || gid != -1) {
		mode &^= abi.S_ISUID
		if mode&0010 != 0 {
			mode &^= abi.S_ISGID
		}
	}
	return uid0, gid0, mode, nil
}

// fchown(2): (fd, owner, group). Files outside the name space have
// owners too, as fchmod finds them: a pipe's, a socket's, a queue's;
// an epoll instance's anonymous inode refuses (EOPNOTSUPP).
func sysFchown(c *call) (int64, error) {
	f, err := c.file(int32(c.a[0]))
	if err != nil {
		return 0, err
	}
	uid, gid := int32(c.a[1]), int32(c.a[2])
	if q := queueOf(f); q != nil {
		u, g, mode, err := c.t.chownRule(q.UID, q.GID, abi.S_IFREG|uint32(q.Mode), uid, gid)
		if err != nil {
			return 0, err
		}
		q.UID, q.GID, q.Mode = u, g, int(mode&07777)
		return 0, nil
	}
	ino, err := anonInodeOf(f)
	if err != nil {
		return 0, err
	}
	if ino != nil {
		u, g, mode, err := c.t.chownRule(ino.uid, ino.gid, ino.mode, uid, gid)
		if err != nil {
			return 0, err
		}
		ino.uid, ino.gid, ino.mode = u, g, mode
		return 0, nil
	}
	n, err := c.fdNode(int32(c.a[0]))
	if err != nil {
		return 0, err
	}
	return c.chown(n, uid, gid)
}

// fchownat(2): (dirfd, path, owner, group, flags).
func sysFchownat(c *call) (int64, error) {
	flags := c.a[4]
	if flags&^(abi.AT_SYMLINK_NOFOLLOW|abi.AT_EMPTY_PATH) != 0 {
		return 0, abi.EINVAL
	}
	n, err := c.inode(int32(c.a[0]), c.a[1], flags)
	if err != nil {
		return 0, err
	}
	return c.chown(n, int32(c.a[2]), int32(c.a[3]))
}

// umask(2): (mask). "umask() sets the calling process's file mode
// creation mask (umask) to mask & 0777 ... and returns the previous value
// of the mask." "A child process created via fork(2) inherits its
// parent's umask."
func sysUmask(c *call) (int64, error) {
	old := c.t.umask
	c.t.umask = uint32(c.a[0]) & 0777
	return int64(old), nil
}

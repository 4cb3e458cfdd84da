package kernel

// System calls on the name space (names.go): mkdirat(2), mknodat(2),
// unlinkat(2), renameat2(2), chdir(2), getcwd(2). openat(2) is in sys_open.go.

import "ipcsim/abi"

func init() {
	register(map[abi.Sysno]sysEntry{
		abi.SysMknodat:   {sysMknodat, "Dsmu", noSleep},
		abi.SysMkdirat:   {sysMkdirat, "Dso", noSleep},
		abi.SysUnlinkat:  {sysUnlinkat, "DsR", noSleep},
		abi.SysRenameat2: {sysRenameat2, "DsDsu", noSleep},
		abi.SysChdir:     {sysChdir, "s", noSleep},
		abi.SysGetcwd:    {sysGetcwd, "xu", noSleep},
	})
}

// mkdirat(2): (dirfd, path, mode). The mode keeps the sticky bit
// (vfs_mkdir: S_IRWXUGO|S_ISVTX); the umask clears permission bits.
func sysMkdirat(c *call) (int64, error) {
	r, err := c.resolve(int32(c.a[0]), c.a[1])
	if err != nil {
		return 0, err
	}
	n, err := r.create(c.t, abi.S_IFDIR|uint32(c.a[2])&(abi.S_ISVTX|0777)&^c.t.umask)
	if err != nil {
		return 0, err
	}
	n.children = map[string]*node{}
	return 0, nil
}

// mknodat(2): (dirfd, path, mode, dev). Only FIFOs: the namespace holds no
// regular files or devices, so other types are refused with EPERM, the
// error mknod(2) gives for a type the caller may not create.
func sysMknodat(c *call) (int64, error) {
	mode := uint32(c.a[2])
	if mode&abi.S_IFMT != abi.S_IFIFO {
		return 0, abi.EPERM
	}
	r, err := c.resolve(int32(c.a[0]), c.a[1])
	if err != nil {
		return 0, err
	}
	n, err := r.create(c.t, abi.S_IFIFO|mode&0777&^c.t.umask)
	if err != nil {
		return 0, err
	}
	n.fifo = &fifoNode{n: n}
	return 0, nil
}

// unlinkat(2): (dirfd, path, flags). An open FIFO or regular file keeps
// working after its name is gone: "If the name was the last link to a file but any processes
// still have the file open, the file will remain in existence until the
// last file descriptor referring to it is closed." - unlink(2)
func sysUnlinkat(c *call) (int64, error) {
	flags := c.a[2]
	if flags&^abi.AT_REMOVEDIR != 0 {
		return 0, abi.EINVAL
	}
	r, err := c.resolve(int32(c.a[0]), c.a[1])
	if err != nil {
		return 0, err
	}
	if r.n == nil {
		return 0, abi.ENOENT
	}
	// The last component is checked first (do_rmdir, do_unlinkat), then
	// the permissions (may_delete), then the victim's type.
	rmdir := flags&abi.AT_REMOVEDIR != 0
	switch {
	case rmdir && r.n == c.t.k.root:
		return 0, abi.EBUSY
	case rmdir && r.name == ".":
		return 0, abi.EINVAL // "EINVAL: pathname has . as last component" - rmdir(2)
	case rmdir && r.name == "..":
		return 0, abi.ENOTEMPTY
	case !rmdir && (r.n == c.t.k.root || r.name == "." || r.name == ".."):
		return 0, abi.EISDIR
	}
	if err := mayDelete(c.t, r.dir, r.n); err != nil {
		return 0, err
	}
	switch {
	case rmdir && !r.n.isDir():
		return 0, abi.ENOTDIR
	case rmdir && len(r.n.dirents()) > 0:
		return 0, abi.ENOTEMPTY
	case !rmdir && r.n.isDir():
		return 0, abi.EISDIR
	}
	delete(r.dir.children, r.n.name)
	r.n.removed = true
	now := c.t.k.Now()
	r.dir.mtime, r.dir.ctime, r.n.ctime = now, now, now
	if r.n.file != nil {
		c.t.k.dropFile(r.n.file) // its bytes go now unless it is open
	}
	return 0, nil
}

// renameat2(2): (olddirfd, oldpath, newdirfd, newpath, flags). The node
// moves to its new name, replacing what was there (a replaced regular
// file lives on while open, as after unlink); "If newpath already exists,
// it will be atomically replaced". RENAME_NOREPLACE: "Don't overwrite
// newpath of the rename. Return an error if newpath already exists"
// (EEXIST). RENAME_EXCHANGE and RENAME_WHITEOUT are not supported here:
// EINVAL, as from a file system without them. The checks come in Linux's
// order (do_renameat2, vfs_rename, shmem_rename2).
func sysRenameat2(c *call) (int64, error) {
	flags := c.a[4]
	if flags&^(abi.RENAME_NOREPLACE|abi.RENAME_EXCHANGE|abi.RENAME_WHITEOUT) != 0 ||
		flags&abi.RENAME_NOREPLACE != 0 && flags&abi.RENAME_EXCHANGE != 0 {
		return 0, abi.EINVAL
	}
	from, err := c.resolve(int32(c.a[0]), c.a[1])
	if err != nil {
		return 0, err
	}
	to, err := c.resolve(int32(c.a[2]), c.a[3])
	if err != nil {
		return 0, err
	}
	special := func(r lookupResult) bool { return r.name == "." || r.name == ".." || r.n == c.t.k.root }
	switch {
	case special(from):
		return 0, abi.EBUSY // "EBUSY oldpath or newpath is a directory that is in use"
	case special(to) && flags&abi.RENAME_NOREPLACE != 0:
		return 0, abi.EEXIST
	case special(to):
		return 0, abi.EBUSY
	case from.n == nil:
		return 0, abi.ENOENT
	case flags&abi.RENAME_NOREPLACE != 0 && to.n != nil:
		return 0, abi.EEXIST
	case flags != 0 && flags != abi.RENAME_NOREPLACE:
		return 0, abi.EINVAL
	case !from.n.isDir() && (from.slash || to.slash):
		return 0, abi.ENOTDIR
	case from.n.isDir() && to.dir.within(from.n):
		// "EINVAL The new pathname contained a path prefix of the old"
		return 0, abi.EINVAL
	case to.n != nil && from.dir.within(to.n):
		return 0, abi.ENOTEMPTY
	case from.n == to.n:
		return 0, nil // "If oldpath and newpath are existing hard links referring to the same file, then rename() does nothing"
	}
	if err := mayDelete(c.t, from.dir, from.n); err != nil {
		return 0, err
	}
	if to.n == nil {
		if to.dir.removed {
			return 0, abi.ENOENT
		}
		if err := to.dir.permission(c.t, abi.MAY_WRITE|abi.MAY_EXEC); err != nil {
			return 0, err
		}
	} else {
		if err := mayDelete(c.t, to.dir, to.n); err != nil {
			return 0, err
		}
		switch {
		case from.n.isDir() && !to.n.isDir():
			return 0, abi.ENOTDIR
		case !from.n.isDir() && to.n.isDir():
			return 0, abi.EISDIR
		}
	}
	// A directory that changes parent rewrites its "..": it needs w itself.
	if from.n.isDir() && from.dir != to.dir {
		if err := from.n.permission(c.t, abi.MAY_WRITE); err != nil {
			return 0, err
		}
	}
	if to.n != nil && len(to.n.dirents()) > 0 {
		return 0, abi.ENOTEMPTY
	}
	now := c.t.k.Now()
	if old := to.n; old != nil {
		old.removed = true
		old.ctime = now
		if old.file != nil {
			c.t.k.dropFile(old.file)
		}
	}
	n := from.n
	delete(from.dir.children, n.name)
	n.name, n.parent = to.name, to.dir
	to.dir.children[to.name] = n
	from.dir.mtime, from.dir.ctime, to.dir.mtime, to.dir.ctime, n.ctime = now, now, now, now, now
	return 0, nil
}

// chdir(2).
func sysChdir(c *call) (int64, error) {
	r, err := c.resolve(abi.AT_FDCWD, c.a[0])
	if err != nil {
		return 0, err
	}
	if r.n == nil {
		return 0, abi.ENOENT
	}
	if !r.n.isDir() {
		return 0, abi.ENOTDIR
	}
	// "EACCES Search permission is denied for one of the components of
	// path" - chdir(2); the target itself is one of them.
	if err := r.n.permission(c.t, abi.MAY_EXEC); err != nil {
		return 0, err
	}
	c.t.cwd = r.n
	return 0, nil
}

// getcwd(2): (buf, size); the raw call returns the length with the NUL.
func sysGetcwd(c *call) (int64, error) {
	if c.t.cwd.removed {
		return 0, abi.ENOENT
	}
	p := c.t.cwd.path() + "\x00"
	if uint64(len(p)) > c.a[1] {
		return 0, abi.ERANGE
	}
	if c.t.AS.WriteBytes(c.a[0], []byte(p)) != nil {
		return 0, abi.EFAULT
	}
	return int64(len(p)), nil
}

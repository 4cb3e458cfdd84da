package kernel

import (
	"ipcsim/abi"
)

func init() {
	register(map[abi.Sysno]sysEntry{
		abi.SysReadlinkat: {sysReadlinkat, "Dsxu", noSleep},
	})
}

// /proc is small: /proc/self is a directory holding one entry, exe,
// "a symbolic link containing the actual pathname of the executed
// command" - proc(5). It is the name space's one symbolic link, and it
// points at the caller's program: readlinkat reads its path, and openat,
// stat and execve follow it to the program even if it has been renamed
// (execve of /proc/self/exe runs the current program again). The rest of
// /proc (/proc/PID, /proc/self/fd, maps, status, ...) is not there.
func (k *Kernel) newProc(root *node) {
	p := k.addNode(root, "proc", abi.S_IFDIR|0555)
	p.children = map[string]*node{}
	self := k.addNode(p, "self", abi.S_IFDIR|0555)
	self.children = map[string]*node{}
	k.addNode(self, "exe", abi.S_IFLNK|0777).selfExe = true
}

// followExe is where /proc/self/exe leads for the caller: its program's
// node, or ENOENT when there is none (init) or it is gone.
func (c *call) followExe() (*node, error) {
	n := c.t.exe
	if n == nil || n.file == nil || n.removed && n.file.data == nil {
		return nil, abi.ENOENT
	}
	return n, nil
}

// exeTarget is the text of the caller's /proc/self/exe: the program's
// path, with " (deleted)" after it once the name is gone, as Linux's
// d_path shows it.
func (t *Task) exeTarget() (string, error) {
	if t.exe == nil {
		return "", abi.ENOENT
	}
	if t.exe.removed {
		return t.exe.path() + " (deleted)", nil
	}
	return t.exe.path(), nil
}

// readlinkat(2): (dirfd, pathname, buf, bufsiz). "readlink() does not
// append a terminating null byte to buf. It will (silently) truncate the
// contents (to a length of bufsiz characters), in case the buffer is too
// small to hold all of the contents." "EINVAL bufsiz is not positive",
// "EINVAL The named file ... is not a symbolic link".
func sysReadlinkat(c *call) (int64, error) {
	buf, size := c.a[2], int32(c.a[3])
	if size <= 0 {
		return 0, abi.EINVAL
	}
	r, err := c.resolve(int32(c.a[0]), c.a[1])
	if err != nil {
		return 0, err
	}
	switch {
	case r.n == nil:
		return 0, abi.ENOENT
	case !r.n.selfExe:
		return 0, abi.EINVAL
	}
	target, err := c.t.exeTarget()
	if err != nil {
		return 0, err
	}
	b := []byte(target)[:min(len(target), int(size))]
	if c.t.AS.WriteBytes(buf, b) != nil {
		return 0, abi.EFAULT
	}
	return int64(len(b)), nil
}

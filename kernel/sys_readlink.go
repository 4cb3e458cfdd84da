package kernel

import (
	"ipcsim/abi"
)

func init() {
	register(map[abi.Sysno]sysEntry{
		abi.SysReadlinkat: {sysReadlinkat, "Dsxu", noSleep},
	})
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

package kernel

import (
	"path"
	"strconv"
	"strings"

	"ipcsim/abi"
)

func init() {
	register(map[abi.Sysno]sysEntry{
		abi.SysReadlinkat: {sysReadlinkat, "Dsxu", noSleep},
	})
}

// readlinkat(2): (dirfd, pathname, buf, bufsiz). The name space holds no
// symbolic links yet; the one link ipcsim knows is /proc/self/exe (and
// /proc/PID/exe): "a symbolic link containing the actual pathname of the
// executed command" - proc(5). /proc is no directory yet: only these
// absolute names are recognised. "readlink() does not append a
// terminating null byte to buf. It will (silently) truncate the contents
// (to a length of bufsiz characters), in case the buffer is too small to
// hold all of the contents."
func sysReadlinkat(c *call) (int64, error) {
	dirfd, pathVA, buf, size := int32(c.a[0]), c.a[1], c.a[2], int32(c.a[3])
	if size <= 0 {
		return 0, abi.EINVAL // "EINVAL: bufsiz is not positive."
	}
	name, ok, err := c.t.AS.ReadString(pathVA, pathMax-1)
	if err != nil {
		return 0, abi.EFAULT
	}
	if !ok {
		return 0, abi.ENAMETOOLONG
	}
	if target, found, err := c.t.k.procLink(c.t, name); found {
		if err != nil {
			return 0, err
		}
		b := []byte(target)[:min(len(target), int(size))]
		if c.t.AS.WriteBytes(buf, b) != nil {
			return 0, abi.EFAULT
		}
		return int64(len(b)), nil
	}
	r, err := c.resolve(dirfd, pathVA)
	if err != nil {
		return 0, err
	}
	if r.n == nil {
		return 0, abi.ENOENT
	}
	return 0, abi.EINVAL // "EINVAL: The named file is not a symbolic link."
}

// procLink answers the /proc links ipcsim has: /proc/self/exe,
// /proc/thread-self/exe and /proc/PID/exe. found is false for any other
// name.
func (k *Kernel) procLink(t *Task, name string) (target string, found bool, err error) {
	rest, ok := strings.CutPrefix(path.Clean(name), "/proc/")
	if !ok {
		return "", false, nil
	}
	who, file, ok := strings.Cut(rest, "/")
	if !ok || file != "exe" {
		return "", false, nil
	}
	target = t.exe
	switch who {
	case "self", "thread-self":
	default:
		pid, err := strconv.Atoi(who)
		if err != nil || pid <= 0 || strconv.Itoa(pid) != who {
			return "", false, nil
		}
		o := k.tasks[pid]
		if o == nil {
			return "", true, abi.ENOENT
		}
		// proc_exe_link needs ptrace access: root or the same user.
		if t.EUID != 0 && o.UID != t.EUID {
			return "", true, abi.EACCES
		}
		if o.exe == "" { // init, or a zombie: its mm is gone
			return "", true, abi.ENOENT
		}
		target = o.exe
	}
	return target, true, nil
}

// exePath is the absolute path of the program execve ran: /proc/self/exe.
func exePath(t *Task, name string) string {
	if strings.HasPrefix(name, "/") || t.cwd == nil {
		return path.Clean("/" + name)
	}
	return path.Join(t.cwd.path(), name)
}

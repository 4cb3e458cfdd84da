package kernel

import (
	"slices"
	"strings"

	"ipcsim/abi"
	"ipcsim/ipc/pipe"
	"ipcsim/sched"
)

// The namespace is a small in-memory tree of directories holding named
// kernel objects: regular files (regfile.go), FIFOs, socket paths and the
// character devices of /dev (devices.go), and the programs execve runs
// (install.go). Under ipcsim exec a directory may show a host folder below
// it (hostfs.go).
//
// A node is a directory entry and its inode in one (there are no hard
// links, so each inode has exactly one name, and st_nlink is 1, or 0 once
// the name is gone).
type node struct {
	name     string
	parent   *node            // the root is its own parent
	ino      uint64           // the inode number (st_ino), handed out in creation order
	mode     uint32           // file type and permission bits (st_mode)
	uid, gid int              // owner and group: the creator's effective ids
	children map[string]*node // a directory's entries; nil for other nodes
	fifo     *fifoNode        // a FIFO's state; nil for other nodes
	file     *regFile         // a regular file's bytes; nil for other nodes
	dev      device           // a character device's kind; 0 for other nodes
	removed  bool             // unlinked while something still uses it
	lower    *lowerDir        // a host directory not yet listed (hostfs.go); nil for others
	selfExe  bool             // /proc/self/exe, a symbolic link to the caller's program (sys_readlink.go)
	proc     *procEntry       // a directory or file of /proc, and whose (procfs.go); nil for others

	// Times as cycles of the virtual clock (stat(2) shows them as seconds
	// since the boot date): the last read of the data, the last change of
	// the data, the last change of the inode (data, mode, owner, name).
	atime, mtime, ctime uint64
}

func (n *node) isDir() bool { return n.children != nil }

// path returns the node's absolute path.
func (n *node) path() string {
	if n.parent == n {
		return "/"
	}
	var parts []string
	for ; n.parent != n; n = n.parent {
		parts = append(parts, n.name)
	}
	slices.Reverse(parts)
	return "/" + strings.Join(parts, "/")
}

// within reports whether n is dir or lies below it.
func (n *node) within(dir *node) bool {
	for {
		if n == dir {
			return true
		}
		if n.parent == n {
			return false
		}
		n = n.parent
	}
}

// entries returns a directory's names in order (map order must not leak).
func (n *node) entries() []string {
	names := make([]string, 0, len(n.dirents()))
	for name := range n.children {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// permission is Linux's generic_permission (fs/namei.c): may t do want
// (MAY_READ, MAY_WRITE, MAY_EXEC ORed) to n? The owner, group or other
// bits decide (abi.ModeGrants); then root's capabilities: "CAP_DAC_OVERRIDE
// Bypass file read, write, and execute permission checks" and
// "CAP_DAC_READ_SEARCH Bypass ... directory read and execute permission
// checks" - capabilities(7), except that "Executable DACs are overridable
// when there is at least one exec bit set" (fs/namei.c), so root may not
// execute a file that nobody may. Refused: EACCES.
//
// The file system ids are the effective ones (no setfsuid here); the group
// bits apply to the file's group among the supplementary groups too.
// (access(2) runs with the real ids in their place.)
func (n *node) permission(t *Task, want uint32) error {
	if abi.ModeGrants(n.mode, t.EUID == n.uid, abi.InGroup(n.gid, t.EGID, t.Groups), want) {
		return nil
	}
	if t.EUID == 0 && (n.isDir() || want&abi.MAY_EXEC == 0 || n.mode&0111 != 0) {
		return nil
	}
	return abi.EACCES
}

// mayDelete is Linux's may_delete: removing victim's name from dir needs
// write and search permission on dir (EACCES) and, if dir is sticky, that
// the caller owns victim or dir, or is root: "When a directory's sticky
// bit is set, the filesystem treats the files in such directories in a
// special way so only the file's owner, the directory's owner, or root can
// rename or delete the file" - inode(7). Otherwise EPERM (check_sticky).
func mayDelete(t *Task, dir, victim *node) error {
	if err := dir.permission(t, abi.MAY_WRITE|abi.MAY_EXEC); err != nil {
		return err
	}
	if dir.mode&abi.S_ISVTX != 0 && t.EUID != victim.uid && t.EUID != dir.uid && t.EUID != 0 {
		return abi.EPERM
	}
	return nil
}

// fifoNode is the state of a FIFO: "one in-kernel pipe per FIFO while it
// is open" - fifo(7). The pipe is made at the first open and dropped when
// the last end closes.
type fifoNode struct {
	n *node
	p *pipe.Pipe
}

func (f *fifoNode) path() string { return f.n.path() }

// Limits of path names (include/uapi/linux/limits.h), and the file
// creation mask a process starts with.
const (
	pathMax      = 4096 // PATH_MAX, the terminating NUL included
	nameMax      = 255  // NAME_MAX
	defaultUmask = 022  // umask(2) of pid 1; a child inherits its parent's
)

// newNamespace returns "/" (0755) with /tmp (01777: sticky and
// world-writable, as usual), /dev (0755) holding null, zero and tty
// (devices.go) and /proc (procfs.go), all owned by root.
func (k *Kernel) newNamespace() *node {
	root := &node{mode: abi.S_IFDIR | 0755, children: map[string]*node{}}
	root.parent = root
	root.ino = k.newIno()
	k.addNode(root, "tmp", abi.S_IFDIR|01777).children = map[string]*node{}
	dev := k.addNode(root, "dev", abi.S_IFDIR|0755)
	dev.children = map[string]*node{}
	for _, d := range devices {
		k.addNode(dev, d.name, abi.S_IFCHR|d.mode).dev = d.kind
	}
	k.newProc(root)
	return root
}

// addNode puts a node owned by root under dir (the boot-time tree).
func (k *Kernel) addNode(dir *node, name string, mode uint32) *node {
	n := &node{name: name, parent: dir, mode: mode, ino: k.newIno()}
	dir.children[name] = n
	return n
}

// newIno hands out the next inode number: the root is 1, as on tmpfs.
func (k *Kernel) newIno() uint64 {
	k.lastIno++
	return k.lastIno
}

// lookupResult is where a path leads: the directory that holds (or would
// hold) its last component, that component, and the node if it exists.
type lookupResult struct {
	dir   *node
	name  string
	n     *node
	slash bool // the path ended in "/": it must name a directory
}

// resolve walks path from the root (absolute) or from dirfd (AT_FDCWD:
// the task's working directory), as path_resolution(7) describes.
func (c *call) resolve(dirfd int32, pathVA uint64) (lookupResult, error) {
	path, ok, err := c.t.AS.ReadString(pathVA, pathMax-1)
	if err != nil {
		return lookupResult{}, abi.EFAULT
	}
	if !ok {
		return lookupResult{}, abi.ENAMETOOLONG
	}
	return c.resolvePath(dirfd, path)
}

// resolvePath is resolve of a path already read: an absolute path starts
// at the root, a relative one at dirfd's directory or the working one.
func (c *call) resolvePath(dirfd int32, path string) (lookupResult, error) {
	if path == "" {
		return lookupResult{}, abi.ENOENT
	}
	dir := c.t.cwd
	switch {
	case path[0] == '/':
		dir = c.t.k.root
	case dirfd != abi.AT_FDCWD:
		f, err := c.file(dirfd)
		if err != nil {
			return lookupResult{}, err
		}
		d, ok := f.ops.(*dirFile)
		if !ok {
			return lookupResult{}, abi.ENOTDIR
		}
		dir = d.n
	}
	return walk(c.t, dir, path)
}

// walk resolves path below dir for task t. "If the process does not have
// search permission on the current lookup directory, an EACCES error is
// returned" - path_resolution(7): every directory a component is looked
// up in, the one holding the last component included, needs x (Linux's
// may_lookup, which comes before the lookup, so EACCES before ENOENT).
func walk(t *Task, dir *node, path string) (lookupResult, error) {
	parts := strings.Split(path, "/")
	// A trailing slash ("a/") names a directory; keep the last real name.
	mustDir := false
	for len(parts) > 1 && parts[len(parts)-1] == "" {
		parts = parts[:len(parts)-1]
		mustDir = true
	}
	for i, part := range parts {
		if len(part) > nameMax {
			return lookupResult{}, abi.ENAMETOOLONG
		}
		last := i == len(parts)-1
		if part != "" {
			if !dir.isDir() {
				return lookupResult{}, abi.ENOTDIR
			}
			if err := dir.permission(t, abi.MAY_EXEC); err != nil {
				return lookupResult{}, err
			}
		}
		if part == "" || part == "." || part == ".." {
			if part == ".." {
				dir = dir.parent
			}
			if last {
				// "." and ".." name an existing directory; keep the
				// component so that rmdir(".") can be refused.
				name := part
				if name == "" {
					name = dir.name
				}
				return lookupResult{dir: dir.parent, name: name, n: dir}, nil
			}
			continue
		}
		child := dir.lookup(t, part)
		if child != nil && child.selfExe && !last {
			return lookupResult{}, abi.ENOTDIR // it leads to a file
		}
		if last {
			if child != nil && mustDir && !child.isDir() {
				return lookupResult{}, abi.ENOTDIR
			}
			return lookupResult{dir: dir, name: part, n: child, slash: mustDir}, nil
		}
		if child == nil {
			return lookupResult{}, abi.ENOENT
		}
		dir = child
	}
	return lookupResult{dir: dir.parent, name: dir.name, n: dir}, nil
}

// create adds a node under r.dir for t, which owns it: "The owner of the
// new file is set to the effective user ID of the process. The group of
// the new file is set to the effective group ID of the process" (when
// the directory has no set-group-ID bit, which nothing here sets) -
// open(2). Creating needs write and search permission on the directory
// (may_create: EACCES), checked after EEXIST as Linux does.
func (r lookupResult) create(t *Task, mode uint32) (*node, error) {
	if r.n != nil {
		return nil, abi.EEXIST
	}
	if r.dir == nil || !r.dir.isDir() {
		return nil, abi.ENOTDIR
	}
	if r.dir.removed {
		return nil, abi.ENOENT
	}
	if err := r.dir.permission(t, abi.MAY_WRITE|abi.MAY_EXEC); err != nil {
		return nil, err
	}
	now := t.k.Now()
	n := &node{name: r.name, parent: r.dir, mode: mode, uid: t.EUID, gid: t.EGID, ino: t.k.newIno(),
		atime: now, mtime: now, ctime: now}
	r.dir.children[r.name] = n
	r.dir.mtime, r.dir.ctime = now, now
	return n, nil
}

// dirFile is an open directory: usable as the dirfd of the *at calls, and
// read with getdents64 (sys_dents.go).
type dirFile struct {
	n   *node
	pos int64 // the next entry getdents64 gives: 0 ".", 1 "..", then the names in order
}

func (d *dirFile) Name() string                           { return d.n.path() }
func (d *dirFile) Read(*call, []byte, bool) (int, error)  { return 0, abi.EISDIR }
func (d *dirFile) Write(*call, []byte, bool) (int, error) { return 0, abi.EBADF }
func (d *dirFile) Readiness() sched.EventMask {
	return abi.POLLIN | abi.POLLRDNORM | abi.POLLOUT | abi.POLLWRNORM
}
func (d *dirFile) Queue() *sched.WaitQueue { return nil }
func (d *dirFile) Release()                {}

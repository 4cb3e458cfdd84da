package kernel

import (
	"slices"
	"strings"

	"ipcsim/abi"
	"ipcsim/ipc/pipe"
	"ipcsim/sched"
)

// The namespace is a small in-memory tree of directories holding named
// kernel objects: FIFOs now, socket paths later. It has no regular files:
// programs come from execve's Lookup, and data moves through IPC objects.
//
// A node is a directory entry and its inode in one (there are no hard
// links, so each inode has exactly one name).
type node struct {
	name     string
	parent   *node // the root is its own parent
	mode     uint32
	children map[string]*node // a directory's entries; nil for other nodes
	fifo     *fifoNode        // a FIFO's state; nil for other nodes
	removed  bool             // unlinked while something still uses it
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

// entries returns a directory's names in order (map order must not leak).
func (n *node) entries() []string {
	names := make([]string, 0, len(n.children))
	for name := range n.children {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// fifoNode is the state of a FIFO: "one in-kernel pipe per FIFO while it
// is open" - fifo(7). The pipe is made at the first open and dropped when
// the last end closes.
type fifoNode struct {
	n *node
	p *pipe.Pipe
}

func (f *fifoNode) path() string { return f.n.path() }

// Limits of path names (include/uapi/linux/limits.h).
const (
	pathMax = 4096 // PATH_MAX, the terminating NUL included
	nameMax = 255  // NAME_MAX
	umask   = 022  // the default file creation mask
)

// newNamespace returns "/" with /tmp (sticky, world-writable, as usual).
func newNamespace() *node {
	root := &node{mode: abi.S_IFDIR | 0755, children: map[string]*node{}}
	root.parent = root
	root.children["tmp"] = &node{name: "tmp", parent: root, mode: abi.S_IFDIR | 01777, children: map[string]*node{}}
	return root
}

// lookupResult is where a path leads: the directory that holds (or would
// hold) its last component, that component, and the node if it exists.
type lookupResult struct {
	dir  *node
	name string
	n    *node
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
	return walk(dir, path)
}

// walk resolves path below dir.
func walk(dir *node, path string) (lookupResult, error) {
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
		if !dir.isDir() {
			return lookupResult{}, abi.ENOTDIR
		}
		child := dir.children[part]
		if last {
			if child != nil && mustDir && !child.isDir() {
				return lookupResult{}, abi.ENOTDIR
			}
			return lookupResult{dir: dir, name: part, n: child}, nil
		}
		if child == nil {
			return lookupResult{}, abi.ENOENT
		}
		dir = child
	}
	return lookupResult{dir: dir.parent, name: dir.name, n: dir}, nil
}

// create adds a node under r.dir.
func (r lookupResult) create(mode uint32) (*node, error) {
	if r.n != nil {
		return nil, abi.EEXIST
	}
	if r.dir == nil || !r.dir.isDir() {
		return nil, abi.ENOTDIR
	}
	if r.dir.removed {
		return nil, abi.ENOENT
	}
	n := &node{name: r.name, parent: r.dir, mode: mode}
	r.dir.children[r.name] = n
	return n, nil
}

// mkdirat(2): (dirfd, path, mode).
func sysMkdirat(c *call) (int64, error) {
	r, err := c.resolve(int32(c.a[0]), c.a[1])
	if err != nil {
		return 0, err
	}
	n, err := r.create(abi.S_IFDIR | uint32(c.a[2])&0777&^umask)
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
	n, err := r.create(abi.S_IFIFO | mode&0777&^umask)
	if err != nil {
		return 0, err
	}
	n.fifo = &fifoNode{n: n}
	return 0, nil
}

// unlinkat(2): (dirfd, path, flags). An open FIFO keeps working after its
// name is gone: "If the name was the last link to a file but any processes
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
	if flags&abi.AT_REMOVEDIR != 0 {
		switch {
		case !r.n.isDir():
			return 0, abi.ENOTDIR
		case r.n == c.t.k.root:
			return 0, abi.EBUSY
		case r.name == ".":
			return 0, abi.EINVAL // "EINVAL: pathname has . as last component" - rmdir(2)
		case r.name == "..":
			return 0, abi.ENOTEMPTY
		case len(r.n.children) > 0:
			return 0, abi.ENOTEMPTY
		}
	} else if r.n.isDir() {
		return 0, abi.EISDIR
	}
	delete(r.dir.children, r.n.name)
	r.n.removed = true
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

// dirFile is an open directory: usable as the dirfd of the *at calls.
type dirFile struct{ n *node }

func (d *dirFile) Name() string                           { return d.n.path() }
func (d *dirFile) Read(*call, []byte, bool) (int, error)  { return 0, abi.EISDIR }
func (d *dirFile) Write(*call, []byte, bool) (int, error) { return 0, abi.EBADF }
func (d *dirFile) Readiness() sched.EventMask {
	return abi.POLLIN | abi.POLLRDNORM | abi.POLLOUT | abi.POLLWRNORM
}
func (d *dirFile) Queue() *sched.WaitQueue { return nil }
func (d *dirFile) Release()                {}

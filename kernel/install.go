package kernel

import (
	"fmt"
	"slices"
	"strings"

	"ipcsim/abi"
)

// File is a file put into the name space before the machine runs: a
// scenario's program or data file (sim's install), or the program of
// ipcsim exec. Programs are found in the name space, as execve finds them
// on Linux: there is no other way to run one.
type File struct {
	Path string // absolute; the directories above it are made as needed (0755, root's)
	Data []byte // the contents; the kernel never changes this slice (a write copies it first)
	Mode uint32 // permission bits, such as 0755 for a program, 0644 for data
}

// Install puts f into the name space as a regular file owned by root,
// making the directories above it (mode 0755, root's) that do not exist.
// An existing regular file at the path is replaced (the program ipcsim
// exec runs shadows the host's copy of it). The bytes are the caller's
// input, not the machine's: they do not count against Config.FileBytes
// until a program changes them, when the file gets its own copy.
func (k *Kernel) Install(f File) error {
	if !strings.HasPrefix(f.Path, "/") {
		return fmt.Errorf("install %s: not an absolute path", f.Path)
	}
	dir, name, err := k.mkdirAll(f.Path)
	if err != nil {
		return fmt.Errorf("install %s: %w", f.Path, err)
	}
	if name == "" {
		return fmt.Errorf("install %s: %w", f.Path, abi.EISDIR)
	}
	if old := dir.dirents()[name]; old != nil {
		if old.file == nil {
			return fmt.Errorf("install %s: %w", f.Path, abi.EEXIST)
		}
		delete(dir.children, name)
		old.removed = true
		k.dropFile(old.file)
	}
	n := k.addNode(dir, name, abi.S_IFREG|f.Mode&07777)
	file := k.newRegFile(n)
	file.data, file.input = f.Data, true
	return nil
}

// MountHost shows the host directory fsys at path dir of the name space,
// read-only and lazily (hostfs.go), making the directories above it.
func (k *Kernel) MountHost(dir string, fsys HostFS) error {
	if !strings.HasPrefix(dir, "/") {
		return fmt.Errorf("mount %s: not an absolute path", dir)
	}
	d := k.root
	if dir != "/" {
		parent, name, err := k.mkdirAll(dir)
		if err != nil {
			return fmt.Errorf("mount %s: %w", dir, err)
		}
		if d = parent.dirents()[name]; d == nil {
			d = k.addNode(parent, name, abi.S_IFDIR|0755)
			d.children = map[string]*node{}
		}
		if !d.isDir() {
			return fmt.Errorf("mount %s: %w", dir, abi.ENOTDIR)
		}
	}
	d.lower = &lowerDir{k: k, fs: fsys, path: "."}
	return nil
}

// SetWorkDir makes dir the working directory of init, which the processes
// Spawn starts inherit (ipcsim exec: the host's current folder).
func (k *Kernel) SetWorkDir(dir string) error {
	r, err := walk(k.init, k.root, dir)
	if err != nil {
		return err
	}
	if r.n == nil {
		return abi.ENOENT
	}
	if !r.n.isDir() {
		return abi.ENOTDIR
	}
	k.init.cwd = r.n
	return nil
}

// mkdirAll makes the directories of path above its last component and
// returns the last directory and that component ("" if path is "/"). A
// component that is not a directory is ENOTDIR.
func (k *Kernel) mkdirAll(path string) (*node, string, error) {
	parts := slices.DeleteFunc(strings.Split(path, "/"), func(s string) bool { return s == "" })
	dir := k.root
	if len(parts) == 0 {
		return dir, "", nil
	}
	for _, part := range parts[:len(parts)-1] {
		if part == "." || part == ".." || len(part) > nameMax {
			return nil, "", abi.EINVAL
		}
		next := dir.dirents()[part]
		if next == nil {
			next = k.addNode(dir, part, abi.S_IFDIR|0755)
			next.children = map[string]*node{}
		}
		if !next.isDir() {
			return nil, "", abi.ENOTDIR
		}
		dir = next
	}
	last := parts[len(parts)-1]
	if last == "." || last == ".." || len(last) > nameMax {
		return nil, "", abi.EINVAL
	}
	return dir, last, nil
}

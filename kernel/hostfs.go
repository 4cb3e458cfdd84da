package kernel

import (
	"io"
	"io/fs"
	"path"

	"ipcsim/abi"
)

// The host's folder in the name space (ipcsim exec): a read-only lower
// layer under the in-memory name space, as an overlay file system lays a
// writable upper layer over a read-only one.
//
//   - A directory of the host is listed at its first use (a lookup in it,
//     getdents64, stat), once: from then on the in-memory directory is the
//     truth. A name made there lives in memory only; an unlinked or
//     renamed host name is simply gone from the in-memory directory, which
//     never asks the host again (the overlay's whiteout). Listings are in
//     name order, as every directory here.
//   - A host file's bytes are read at its first open or execve (stat needs
//     only the size the listing gave), at most Config.HostFileBytes for one
//     file (a bigger one gives EOVERFLOW, "too large to be opened" -
//     open(2)) and Config.HostBytes for all files of a run (beyond it
//     ENOMEM). A write, O_TRUNC or truncate copies the bytes into the
//     machine's memory first (copy-up), where they count against
//     Config.FileBytes; the host file is never written.
//   - Only the host's directories and regular files are shown (a symbolic
//     link as what it points to); devices, FIFOs, sockets and dangling
//     links are left out. The files are root's, with the host's
//     permission bits.
//
// The host's folder is an input of the run, as standard input is: the same
// folder gives the same run, and a run depends on what the folder holds.

// HostFS is a host directory shown in the name space (Kernel.MountHost):
// os.DirFS, or testing/fstest.MapFS in a test.
type HostFS = fs.FS

// Defaults of Config.HostFileBytes and Config.HostBytes.
const (
	DefaultHostFileBytes = 64 << 20  // one host file
	DefaultHostBytes     = 256 << 20 // every host file a run reads
)

// lowerDir is a host directory not yet listed.
type lowerDir struct {
	k    *Kernel
	fs   HostFS
	path string // in fs ("." is its root)
}

// lowerFile is a host file not yet read.
type lowerFile struct {
	fs   HostFS
	path string
	size int64 // as the listing gave it
}

// dirents returns a directory's entries, listing its host directory first
// if it has one not yet listed.
func (n *node) dirents() map[string]*node {
	if n.lower != nil {
		n.fill()
	}
	return n.children
}

// fill lists n's host directory once. A name the name space already has
// (a directory made above a mount, /dev under a mount at /) stays.
func (n *node) fill() {
	low := n.lower
	n.lower = nil
	k := low.k
	entries, err := fs.ReadDir(low.fs, low.path) // sorted by name
	if err != nil {
		return // an unreadable host directory shows empty
	}
	for _, e := range entries {
		name := e.Name()
		if n.children[name] != nil || len(name) > nameMax {
			continue
		}
		p := path.Join(low.path, name)
		fi, err := fs.Stat(low.fs, p) // follows a symbolic link
		if err != nil {
			continue
		}
		switch {
		case fi.IsDir():
			c := k.addNode(n, name, abi.S_IFDIR|uint32(fi.Mode().Perm()))
			c.children = map[string]*node{}
			c.lower = &lowerDir{k: k, fs: low.fs, path: p}
		case fi.Mode().IsRegular():
			c := k.addNode(n, name, abi.S_IFREG|uint32(fi.Mode().Perm()))
			f := k.newRegFile(c)
			f.host = &lowerFile{fs: low.fs, path: p, size: fi.Size()}
		}
	}
}

// size is the file's size, known before a host file is read.
func (f *regFile) size() int64 {
	if f.host != nil {
		return f.host.size
	}
	return int64(len(f.data))
}

// load reads a host file's bytes at its first use, within the limits.
func (k *Kernel) load(f *regFile) error {
	h := f.host
	if h == nil {
		return nil
	}
	limit := int64(k.cfg.HostFileBytes)
	if h.size > limit {
		return abi.EOVERFLOW
	}
	r, err := h.fs.Open(h.path)
	if err != nil {
		return abi.EIO
	}
	defer r.Close()
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	switch {
	case err != nil:
		return abi.EIO
	case int64(len(data)) > limit:
		return abi.EOVERFLOW
	case k.hostBytes+len(data) > k.cfg.HostBytes:
		return abi.ENOMEM
	}
	k.hostBytes += len(data)
	f.host = nil
	f.data, f.input = data, true
	return nil
}

// own gives f bytes of its own before a change: a host file is read, and
// input bytes (installed, or read from the host) are copied into the
// machine's memory, where they count against Config.FileBytes (ENOSPC if
// they do not fit).
func (k *Kernel) own(f *regFile) error {
	if err := k.load(f); err != nil {
		return err
	}
	if !f.input {
		return nil
	}
	if len(f.data) > k.cfg.FileBytes-k.fileBytes {
		return abi.ENOSPC
	}
	f.data = append([]byte(nil), f.data...)
	f.input = false
	k.fileBytes += len(f.data)
	return nil
}

package kernel

// getdents64(2): the entries of an open directory.

import (
	"encoding/binary"

	"ipcsim/abi"
)

func init() {
	register(map[abi.Sysno]sysEntry{
		abi.SysGetdents64: {sysGetdents64, "dxu", noSleep},
	})
}

// A dirent is one entry of a directory listing.
type dirent struct {
	ino  uint64
	typ  uint8 // DT_REG, DT_DIR, ...
	name string
}

// listing returns what getdents64 shows of directory d: "." and "..",
// then the names in byte order, so that the same tree lists the same way
// on every run (Linux's order depends on the file system: tmpfs gives the
// newest first, ext4 its hash order; programs must not count on one).
func (d *node) listing() []dirent {
	out := []dirent{{d.ino, abi.DT_DIR, "."}, {d.parent.ino, abi.DT_DIR, ".."}}
	for _, name := range d.entries() {
		n := d.children[name]
		out = append(out, dirent{n.ino, uint8(n.mode & abi.S_IFMT >> 12), name})
	}
	return out
}

// getdents64(2): (fd, dirp, count). It fills the buffer with struct
// linux_dirent64 records from the directory's position on, and moves the
// position past them; d_off is the position after each entry, which
// lseek(fd, d_off, SEEK_SET) goes back to. 0 means the end. "EINVAL
// Result buffer is too small", "ENOTDIR File descriptor does not refer to
// a directory"; a directory removed while open lists nothing (ENOENT, as
// Linux's iterate_dir for a dead directory).
//
// The position is an index into the sorted listing: a name made or
// removed while a program reads the directory moves the later names by
// one, which readdir(3) allows ("If a file is removed from or added to
// the directory after the most recent call to opendir() or rewinddir(),
// whether a subsequent call to readdir() returns an entry for that file
// is unspecified").
func sysGetdents64(c *call) (int64, error) {
	f, err := c.file(int32(c.a[0]))
	if err != nil {
		return 0, err
	}
	d, ok := f.ops.(*dirFile)
	if !ok {
		return 0, abi.ENOTDIR
	}
	if d.n.removed {
		return 0, abi.ENOENT
	}
	count := min(c.a[2], maxRWCount)
	entries := d.n.listing()
	var buf []byte
	start := d.pos
	for d.pos < int64(len(entries)) {
		e := entries[d.pos]
		reclen := (abi.Dirent64NameOffset + len(e.name) + 1 + 7) &^ 7
		if uint64(len(buf)+reclen) > count {
			break
		}
		rec := make([]byte, reclen)
		binary.LittleEndian.PutUint64(rec[0:], e.ino)
		binary.LittleEndian.PutUint64(rec[8:], uint64(d.pos+1))
		binary.LittleEndian.PutUint16(rec[16:], uint16(reclen))
		rec[18] = e.typ
		copy(rec[abi.Dirent64NameOffset:], e.name)
		buf = append(buf, rec...)
		d.pos++
	}
	if len(buf) == 0 && d.pos < int64(len(entries)) {
		return 0, abi.EINVAL
	}
	if c.t.AS.WriteBytes(c.a[1], buf) != nil {
		d.pos = start
		return 0, abi.EFAULT
	}
	d.n.atime = c.t.k.Now()
	return int64(len(buf)), nil
}

// seek is lseek(2) on a directory: SEEK_SET and SEEK_CUR move the place
// in the listing (as on tmpfs, dcache_dir_lseek); anything else is
// EINVAL, as is a negative place.
func (d *dirFile) seek(off int64, whence int32) (int64, error) {
	return seekSetCur(&d.pos, off, whence)
}

// seekSetCur moves *pos as an lseek that knows no end of file does
// (a directory's listing, a /proc file made when read): SEEK_SET and
// SEEK_CUR, to a place not negative; anything else is EINVAL.
func seekSetCur(pos *int64, off int64, whence int32) (int64, error) {
	switch whence {
	case abi.SEEK_SET:
	case abi.SEEK_CUR:
		off += *pos
	default:
		return 0, abi.EINVAL
	}
	if off < 0 {
		return 0, abi.EINVAL
	}
	*pos = off
	return off, nil
}

package kernel

import "ipcsim/abi"

// FileState is one regular file of the name space, with the columns of
// ls -l and how many open file descriptions it has (an unlinked file
// stays until the last one closes).
type FileState struct {
	Path  string `json:"path"`  // "/tmp/a", or "/tmp/a (deleted)"
	Ino   uint64 `json:"ino"`   // st_ino
	Mode  string `json:"mode"`  // "-rw-r--r--"
	UID   int    `json:"uid"`   // owner
	GID   int    `json:"gid"`   // group
	Links int    `json:"links"` // st_nlink: 1, or 0 once unlinked
	Opens int    `json:"opens"` // open file descriptions
	Size  int    `json:"size"`  // bytes
	Data  string `json:"data"`  // the first bytes, quoted
}

// FilesState is the regular files and what they hold together.
type FilesState struct {
	Bytes int         `json:"bytes"` // the sum of the sizes
	Limit int         `json:"limit"` // Config.FileBytes: beyond it, ENOSPC
	Files []FileState `json:"files"` // by inode number (creation order)
}

// fileSnapshot adds the regular files to s, if there are any. The files
// the machine was given and that no process has opened or changed (the
// scenario's programs and data, the host's files under ipcsim exec) are
// its input, not its state, and are left out.
func (k *Kernel) fileSnapshot(s *Snapshot) {
	var files []*regFile
	for _, f := range k.files {
		if !f.input && f.host == nil || f.opens > 0 {
			files = append(files, f)
		}
	}
	if len(files) == 0 {
		return
	}
	fs := &FilesState{Bytes: k.fileBytes, Limit: k.cfg.FileBytes, Files: []FileState{}}
	for _, f := range files {
		name := f.n.path()
		links := 1
		if f.n.removed {
			name += " (deleted)"
			links = 0
		}
		fs.Files = append(fs.Files, FileState{Path: name, Ino: f.n.ino, Mode: modeString(f.n.mode), UID: f.n.uid, GID: f.n.gid,
			Links: links, Opens: f.opens, Size: int(f.size()), Data: quoteBytes(f.data, traceBytes)})
	}
	s.Files = fs
}

// modeString renders a mode as ls -l does: "-rw-r--r--", "drwxrwxrwt".
func modeString(mode uint32) string {
	b := []byte("?rwxrwxrwx")
	switch mode & abi.S_IFMT {
	case abi.S_IFREG:
		b[0] = '-'
	case abi.S_IFDIR:
		b[0] = 'd'
	case abi.S_IFIFO:
		b[0] = 'p'
	case abi.S_IFCHR:
		b[0] = 'c'
	case abi.S_IFSOCK:
		b[0] = 's'
	}
	for i := 0; i < 9; i++ {
		if mode&(1<<(8-i)) == 0 {
			b[1+i] = '-'
		}
	}
	special := func(bit uint32, at int, set, unset byte) {
		if mode&bit != 0 {
			if b[at] == '-' {
				b[at] = unset
			} else {
				b[at] = set
			}
		}
	}
	special(abi.S_ISUID, 3, 's', 'S')
	special(abi.S_ISGID, 6, 's', 'S')
	special(abi.S_ISVTX, 9, 't', 'T')
	return string(b)
}

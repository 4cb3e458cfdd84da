package proc

// A FileRef is an open file description as the descriptor table sees it:
// something shared by several descriptors (dup, fork) that counts them. The
// kernel's open file implements it.
type FileRef interface {
	IncRef()
	DecRef() // the last DecRef releases the description
}

// FD is one slot of a descriptor table.
type FD struct {
	File        FileRef
	CloseOnExec bool // FD_CLOEXEC
}

// MaxFDs is RLIMIT_NOFILE's default soft limit: descriptors are 0..MaxFDs-1.
const MaxFDs = 1024

// FDTable maps descriptor numbers to open file descriptions.
type FDTable struct {
	fds     []FD // fds[n].File == nil: n is free
	limit   int  // RLIMIT_NOFILE's soft limit, if limited
	limited bool // SetLimit was called (else the limit is MaxFDs): 0 is a limit too
}

// Limit returns the number of descriptors the table may use:
// RLIMIT_NOFILE's soft limit, descriptors 0..Limit()-1.
func (t *FDTable) Limit() int {
	if !t.limited {
		return MaxFDs
	}
	return t.limit
}

// SetLimit sets RLIMIT_NOFILE's soft limit (setrlimit(2)). Descriptors
// already open at or above it stay open, as on Linux; no new one is made
// there.
func (t *FDTable) SetLimit(n int) { t.limit, t.limited = n, true }

// Get returns the description behind fd.
func (t *FDTable) Get(fd int) (FileRef, bool) {
	if fd < 0 || fd >= len(t.fds) || t.fds[fd].File == nil {
		return nil, false
	}
	return t.fds[fd].File, true
}

// Install puts f at the lowest free descriptor >= min, as open(2) and
// fcntl(F_DUPFD) do, and takes a reference on f. ok is false when every
// descriptor below Limit() is taken (EMFILE).
func (t *FDTable) Install(f FileRef, min int, cloexec bool) (fd int, ok bool) {
	for fd = min; fd < t.Limit(); fd++ {
		if fd >= len(t.fds) {
			t.fds = append(t.fds, make([]FD, fd+1-len(t.fds))...)
		}
		if t.fds[fd].File == nil {
			f.IncRef()
			t.fds[fd] = FD{File: f, CloseOnExec: cloexec}
			return fd, true
		}
	}
	return -1, false
}

// Free reports whether a descriptor below the limit is free, as Install
// would find one.
func (t *FDTable) Free() bool {
	for fd := range t.Limit() {
		if fd >= len(t.fds) || t.fds[fd].File == nil {
			return true
		}
	}
	return false
}

// InstallAt puts f at descriptor fd, closing what was there (dup2/dup3).
//
// Preconditions: 0 <= fd < Limit().
func (t *FDTable) InstallAt(f FileRef, fd int, cloexec bool) {
	if fd >= len(t.fds) {
		t.fds = append(t.fds, make([]FD, fd+1-len(t.fds))...)
	}
	f.IncRef()
	old := t.fds[fd].File
	t.fds[fd] = FD{File: f, CloseOnExec: cloexec}
	if old != nil {
		old.DecRef()
	}
}

// CloseOnExecOf returns fd's FD_CLOEXEC flag.
func (t *FDTable) CloseOnExecOf(fd int) bool { return t.fds[fd].CloseOnExec }

// SetCloseOnExec sets fd's FD_CLOEXEC flag.
func (t *FDTable) SetCloseOnExec(fd int, on bool) { t.fds[fd].CloseOnExec = on }

// Size returns the number of descriptor slots the table has room for, as
// Linux's fdtable max_fds: at least 64, doubled as descriptors grow. select
// looks at no descriptor beyond it.
func (t *FDTable) Size() int {
	n := 64
	for n < len(t.fds) {
		n *= 2
	}
	return n
}

// Close frees fd and drops its reference. ok is false if fd was not open.
func (t *FDTable) Close(fd int) bool {
	f, ok := t.Get(fd)
	if !ok {
		return false
	}
	t.fds[fd] = FD{}
	f.DecRef()
	return true
}

// Fork returns a copy of the table whose descriptors share the same open
// file descriptions (fork(2)).
func (t *FDTable) Fork() *FDTable {
	c := &FDTable{fds: make([]FD, len(t.fds)), limit: t.limit, limited: t.limited}
	for fd, d := range t.fds {
		if d.File != nil {
			d.File.IncRef()
			c.fds[fd] = d
		}
	}
	return c
}

// CloseOnExec closes every descriptor marked FD_CLOEXEC (execve(2)).
func (t *FDTable) CloseOnExec() {
	for fd, d := range t.fds {
		if d.File != nil && d.CloseOnExec {
			t.Close(fd)
		}
	}
}

// CloseAll closes every descriptor, in ascending order, as exit does.
func (t *FDTable) CloseAll() {
	for fd := range t.fds {
		t.Close(fd)
	}
}

// Open returns the open descriptor numbers in ascending order.
func (t *FDTable) Open() []int {
	var out []int
	for fd, d := range t.fds {
		if d.File != nil {
			out = append(out, fd)
		}
	}
	return out
}

// Package shm is the System V shared memory segment (shmget(2), shmat(2),
// shmctl(2)): its permission record, sizes, times, pids and attach count.
// The memory itself is the kernel's (a proc.Shared, passed in as Backing):
// this package only keeps the book.
package shm

import (
	"ipcsim/abi"
	"ipcsim/ipc/sysv"
)

// Limits of shmget(2) (include/uapi/linux/shm.h).
const (
	SHMMIN = 1                  // smallest segment, in bytes
	SHMMAX = ^uint64(0) - 1<<24 // largest segment: ULONG_MAX - 2^24
	SHMALL = ^uint64(0) - 1<<24 // most pages in all segments
	SHMMNI = 4096               // most segments
	SHMLBA = abi.PageSize       // attach addresses are multiples of this
	Dest   = 01000              // SHM_DEST: in shm_perm.mode once removed
	Locked = 02000              // SHM_LOCKED
)

// Backing is the memory of a segment: dropped when the segment is
// destroyed.
type Backing interface{ Unref() }

// Segment is one shared memory segment (struct shmid_kernel).
type Segment struct {
	Perm   sysv.Perm
	Size   uint64  // shm_segsz: the size asked for (the memory is whole pages)
	Pages  int     // pages of memory
	Mem    Backing // the memory
	Nattch int     // shm_nattch: areas attached, in all processes
	Atime  int64   // shm_atime: last attach (seconds)
	Dtime  int64   // shm_dtime: last detach
	Ctime  int64   // shm_ctime: creation or last change
	CPID   int     // shm_cpid: creator
	LPID   int     // shm_lpid: last attach or detach
	Marked bool    // removed by IPC_RMID: destroyed at the last detach
	Lock   bool    // SHM_LOCK (no effect: nothing is ever swapped)
	// MadeKey is the key shmget made the segment with, kept after IPC_RMID
	// turns Perm.Key to IPC_PRIVATE, and Nth its order of creation (1 for
	// the host's first segment): the names a scenario's watch knows it by.
	MadeKey int32
	Nth     int
	gone    bool // destroyed
}

// IPCPerm makes a Segment a sysv.Object.
func (s *Segment) IPCPerm() *sysv.Perm { return &s.Perm }

// Mode returns shm_perm.mode as IPC_STAT shows it: the permission bits,
// with SHM_DEST once removed and SHM_LOCKED while locked.
func (s *Segment) Mode() int {
	m := s.Perm.Mode
	if s.Marked {
		m |= Dest
	}
	if s.Lock {
		m |= Locked
	}
	return m
}

// Attached records the attach count after a change, and reports whether
// the segment must now be destroyed: "The segment will actually be
// destroyed only after the last process detaches it (i.e., when the
// shm_nattch member of the associated structure shmid_ds is zero)" -
// shmctl(2) IPC_RMID.
func (s *Segment) Attached(n int) (destroy bool) {
	s.Nattch = n
	return s.Marked && n == 0 && !s.gone
}

// Destroy frees the memory. The caller has taken the segment out of the
// registry.
func (s *Segment) Destroy() {
	if !s.gone {
		s.gone = true
		s.Mem.Unref()
	}
}

// Destroyed reports whether Destroy has dropped the segment's memory.
func (s *Segment) Destroyed() bool { return s.gone }

package proc

import "ipcsim/hw"

// Shared is memory that several address spaces map at once and that is
// never copied on write: a System V shared memory segment, or a
// MAP_SHARED|MAP_ANONYMOUS region (Linux backs both with a shmem file).
// Its pages get frames at first touch, by whichever process touches them
// first; every mapping then sees the same frame.
type Shared struct {
	mem    *Memory
	frames []hw.Frame // frames[i] backs page i, if present[i]
	have   []bool
	refs   int // areas that map it, plus holders such as the shm registry
	// Users counts the areas (VMAs) mapping it. OnUsers, if set, is called
	// after every change: shm uses it for shm_nattch and for destroying a
	// removed segment at its last detach.
	Users   int
	OnUsers func(users int)
}

// NewShared returns shared memory of the given number of pages, committing
// them at once (ErrNoMemory if they do not fit), and holding one
// reference for the caller.
func (m *Memory) NewShared(pages int) (*Shared, error) {
	if !m.commit(pages) {
		return nil, ErrNoMemory
	}
	return &Shared{mem: m, frames: make([]hw.Frame, pages), have: make([]bool, pages), refs: 1}, nil
}

// Pages returns its size in pages.
func (s *Shared) Pages() int { return len(s.frames) }

// Frames returns the frames of the pages touched so far, by page index
// (for inspection: the page tables of two attached processes show these
// same frame numbers).
func (s *Shared) Frames() map[int]hw.Frame {
	out := make(map[int]hw.Frame)
	for i, ok := range s.have {
		if ok {
			out[i] = s.frames[i]
		}
	}
	return out
}

// Ref takes a reference.
func (s *Shared) Ref() { s.refs++ }

// Unref drops a reference; the last one frees the frames and the commitment.
func (s *Shared) Unref() {
	s.refs--
	if s.refs > 0 {
		return
	}
	for i, ok := range s.have {
		if ok {
			s.mem.Phys.Unref(s.frames[i])
			s.have[i] = false
		}
	}
	s.mem.uncommit(len(s.frames))
}

// frame returns the frame of page i, allocating a zeroed one at first touch.
func (s *Shared) frame(i int) (hw.Frame, error) {
	if !s.have[i] {
		f, ok := s.mem.Phys.Alloc()
		if !ok {
			return 0, ErrNoMemory
		}
		s.frames[i], s.have[i] = f, true
	}
	return s.frames[i], nil
}

// users adds delta to the areas mapping it.
func (s *Shared) users(delta int) {
	s.Users += delta
	if s.OnUsers != nil {
		s.OnUsers(s.Users)
	}
}

// Refs returns the references held on it (areas mapping it, plus holders
// such as the shm registry), for the kernel's invariant checks.
func (s *Shared) Refs() int { return s.refs }

// EachFrame calls f with every page touched so far and its frame, in page
// order, without allocating (the kernel's invariant checks).
func (s *Shared) EachFrame(f func(page int, frame hw.Frame)) {
	for i, ok := range s.have {
		if ok {
			f(i, s.frames[i])
		}
	}
}

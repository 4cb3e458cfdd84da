// Package hw is the simulated machine: a user-mode RV64IMAC hart, physical
// memory in numbered frames, per-process page tables, an interrupt controller,
// a timer, a keyboard, a console and the virtual cycle clock.
//
// hw knows nothing of processes, files or Linux; the kernel drives it.
package hw

// PageSize is the size of a page and of a physical frame, as on RISC-V Sv39.
const (
	PageShift = 12
	PageSize  = 1 << PageShift
	pageMask  = PageSize - 1
)

// PageDown rounds an address down to the start of its page.
func PageDown(a uint64) uint64 { return a &^ pageMask }

// PageUp rounds an address up to a page boundary.
func PageUp(a uint64) uint64 { return (a + pageMask) &^ pageMask }

// A Frame is the number of a physical page frame: frame f holds the physical
// bytes [f*PageSize, (f+1)*PageSize).
type Frame uint32

// PhysMem is physical memory as an array of frames with a reference count
// each. A frame with count 0 is free. Counts above 1 mean the frame is shared:
// by several page tables after fork (copy-on-write) or by a shared mapping.
//
// The host memory behind the frames is allocated lazily: frames are handed
// out lowest number first, so only frames [0, fresh) have ever been used,
// and bytes, refs and decoded cover just those (grown by doubling when a
// fresh frame is taken). A 64 MiB machine that runs two small processes
// costs a few hundred KiB, not 64 MiB to allocate, zero and collect; a seed
// sweep builds a machine per seed (BenchmarkSeedSweep in sim). Growing
// moves bytes, so nothing may keep a slice of it across an Alloc: the CPU
// caches it only for the length of one Run, during which nothing allocates
// frames (faults return to the kernel).
type PhysMem struct {
	n     int      // frames of physical memory
	bytes []byte   // frames [0, len(bytes)/PageSize): frame f at bytes[f*PageSize:]
	refs  []uint32 // refs[f]: how many mappings use frame f (0 = free); len(refs) == len(bytes)/PageSize
	free  []Frame  // stack of freed frames, taken before fresh ones
	fresh int      // frames [fresh, n) have never been handed out (all free and zero)
	used  int      // frames with refs > 0

	// decoded[f] is the decoded-instruction cache of frame f, or nil. It is
	// dropped whenever the frame is written or freed (see Invalidate).
	decoded []*decodedPage
}

// NewPhysMem returns size bytes of physical memory (rounded down to whole
// frames), all free and zero. No host memory is taken for the frames until
// they are allocated.
func NewPhysMem(size uint64) *PhysMem {
	return &PhysMem{n: int(size / PageSize)}
}

// Frames returns the number of frames in physical memory.
func (m *PhysMem) Frames() int { return m.n }

// UsedFrames returns the number of frames in use.
func (m *PhysMem) UsedFrames() int { return m.used }

// HostBytes returns the host memory the frames take so far (their bytes,
// counts and decoded-page slots), which grows with the highest frame used.
func (m *PhysMem) HostBytes() int { return len(m.bytes) + len(m.refs)*(4+8) + cap(m.free)*4 }

// Alloc takes a free frame, zeroes it, and sets its reference count to 1.
// ok is false when physical memory is exhausted. The frame is the last one
// freed if any, else the lowest never used: the order a stack of all frames,
// frame 0 on top, would give, as traces show frame numbers.
func (m *PhysMem) Alloc() (f Frame, ok bool) {
	switch {
	case len(m.free) > 0:
		f = m.free[len(m.free)-1]
		m.free = m.free[:len(m.free)-1]
	case m.fresh < m.n:
		f = Frame(m.fresh)
		m.fresh++
		if m.fresh > len(m.refs) {
			m.grow()
		}
	default:
		return 0, false
	}
	clear(m.Bytes(f))
	m.refs[f] = 1
	m.used++
	return f, true
}

// grow makes room for frames [0, fresh): twice the frames held, at least
// 16, at most all of them.
func (m *PhysMem) grow() {
	n := max(2*len(m.refs), 16, m.fresh)
	n = min(n, m.n)
	bytes := make([]byte, n*PageSize)
	copy(bytes, m.bytes)
	refs := make([]uint32, n)
	copy(refs, m.refs)
	decoded := make([]*decodedPage, n)
	copy(decoded, m.decoded)
	m.bytes, m.refs, m.decoded = bytes, refs, decoded
}

// Ref adds a reference to an allocated frame (a second mapping of it).
func (m *PhysMem) Ref(f Frame) {
	if int(f) >= m.fresh || m.refs[f] == 0 {
		panic("hw: Ref of a free frame")
	}
	m.refs[f]++
}

// Unref drops a reference; the frame is freed when the count reaches 0.
func (m *PhysMem) Unref(f Frame) {
	if int(f) >= m.fresh {
		panic("hw: Unref of a free frame")
	}
	switch m.refs[f] {
	case 0:
		panic("hw: Unref of a free frame")
	case 1:
		m.refs[f] = 0
		m.used--
		m.decoded[f] = nil
		m.free = append(m.free, f)
	default:
		m.refs[f]--
	}
}

// Refs returns the reference count of frame f (0 if free).
func (m *PhysMem) Refs(f Frame) int {
	if int(f) >= m.fresh {
		return 0 // never used
	}
	return int(m.refs[f])
}

// Bytes returns the PageSize bytes of frame f. A caller that writes through
// the slice must call Invalidate(f) so that no stale decoded instructions of
// the frame are executed.
//
// A frame never allocated has no host memory yet: its bytes are a new zero
// page, for readers only (writes to a free frame are a bug anyway).
func (m *PhysMem) Bytes(f Frame) []byte {
	off := int(f) * PageSize
	if off >= len(m.bytes) {
		return make([]byte, PageSize)
	}
	return m.bytes[off : off+PageSize : off+PageSize]
}

// Invalidate drops the decoded-instruction cache of frame f. The CPU calls it
// on its own stores; the kernel calls it after writing a frame directly.
func (m *PhysMem) Invalidate(f Frame) {
	if int(f) < len(m.decoded) {
		m.decoded[f] = nil
	}
}

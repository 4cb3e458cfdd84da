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
type PhysMem struct {
	bytes []byte   // all of physical memory, frame f at bytes[f*PageSize:]
	refs  []uint32 // refs[f]: how many mappings use frame f (0 = free)
	free  []Frame  // stack of free frames; the lowest number is handed out first
	used  int      // frames with refs > 0

	// decoded[f] is the decoded-instruction cache of frame f, or nil. It is
	// dropped whenever the frame is written or freed (see Invalidate).
	decoded []*decodedPage
}

// NewPhysMem returns size bytes of physical memory (rounded down to whole
// frames), all free and zero.
func NewPhysMem(size uint64) *PhysMem {
	n := int(size / PageSize)
	m := &PhysMem{
		bytes:   make([]byte, n*PageSize),
		refs:    make([]uint32, n),
		free:    make([]Frame, n),
		decoded: make([]*decodedPage, n),
	}
	// Push in reverse so that Alloc pops frame 0 first: frame numbers in
	// traces then grow from 0 in allocation order, which reads naturally.
	for i := range n {
		m.free[i] = Frame(n - 1 - i)
	}
	return m
}

// Frames returns the number of frames in physical memory.
func (m *PhysMem) Frames() int { return len(m.refs) }

// UsedFrames returns the number of frames in use.
func (m *PhysMem) UsedFrames() int { return m.used }

// Alloc takes a free frame, zeroes it, and sets its reference count to 1.
// ok is false when physical memory is exhausted.
func (m *PhysMem) Alloc() (f Frame, ok bool) {
	if len(m.free) == 0 {
		return 0, false
	}
	f = m.free[len(m.free)-1]
	m.free = m.free[:len(m.free)-1]
	clear(m.Bytes(f))
	m.refs[f] = 1
	m.used++
	return f, true
}

// Ref adds a reference to an allocated frame (a second mapping of it).
func (m *PhysMem) Ref(f Frame) {
	if m.refs[f] == 0 {
		panic("hw: Ref of a free frame")
	}
	m.refs[f]++
}

// Unref drops a reference; the frame is freed when the count reaches 0.
func (m *PhysMem) Unref(f Frame) {
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
func (m *PhysMem) Refs(f Frame) int { return int(m.refs[f]) }

// Bytes returns the PageSize bytes of frame f. A caller that writes through
// the slice must call Invalidate(f) so that no stale decoded instructions of
// the frame are executed.
func (m *PhysMem) Bytes(f Frame) []byte {
	off := int(f) * PageSize
	return m.bytes[off : off+PageSize : off+PageSize]
}

// Invalidate drops the decoded-instruction cache of frame f. The CPU calls it
// on its own stores; the kernel calls it after writing a frame directly.
func (m *PhysMem) Invalidate(f Frame) { m.decoded[f] = nil }

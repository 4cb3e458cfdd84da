// Package hw is the simulated machine: a user-mode RV64IMAC hart, physical
// memory in numbered frames, per-process page tables, an interrupt controller,
// a timer, a keyboard, a console and the virtual cycle clock.
//
// hw knows nothing of processes, files or Linux; the kernel drives it.
package hw

import (
	"sync"
	"unsafe"
)

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
// out lowest number first, so only frames [0, fresh) have ever been used.
// Their bytes live in chunks, each allocated when the first of its frames is
// taken and never moved or freed after: taking a fresh frame copies nothing,
// and a frame's bytes (Bytes, or the pointer the CPU's TLB keeps) stay where
// they are for the life of the PhysMem, until Release gives its first
// chunks to the next machine. The first smallChunks chunks hold
// smallChunkFrames frames each (16 KiB: a small object for Go's allocator,
// which counts objects above 32 KiB less 8 bytes as large), the next ones
// as many frames as all before them, up to chunkFrames (256 KiB): a 64 MiB
// machine that runs two small processes costs a chunk or two of 16 KiB,
// not 64 MiB (nor a large object that Go zeroes, collects and returns to
// the OS each time) to allocate, zero and collect; a seed sweep builds a
// machine per seed (BenchmarkSeedSweep in sim: race_counter.txtar uses 8
// frames).
//
// pages, refs and decoded, 20 bytes a frame, cover the allocated chunks and
// grow by append, which moves them: nothing may keep any of these slices
// across an Alloc. The CPU's Run keeps decoded in a local for one call,
// during which nothing allocates frames (faults return to the kernel).
type PhysMem struct {
	n     int               // frames of physical memory
	pages []*[PageSize]byte // pages[f]: the bytes of frame f, in a chunk allocated when the first of its frames was taken
	refs  []uint32          // refs[f]: how many mappings use frame f (0 = free); len(refs) == len(pages)
	free  []Frame           // stack of freed frames, taken before fresh ones
	fresh int               // frames [fresh, n) have never been handed out (all free and zero)
	used  int               // frames with refs > 0

	// decoded[f] is the decoded-instruction cache of frame f, or nil. It is
	// dropped whenever the frame is written or freed (see Invalidate).
	// len(decoded) == len(refs).
	decoded []*decodedPage

	// small holds the first chunks, of smallChunkFrames frames each, which
	// Release gives back to spareChunks.
	small []*smallChunk
}

// The sizes of chunks, in frames. Small chunks keep a small machine small
// and its chunks small objects for Go's allocator (no large-object zeroing,
// scavenging and collection per machine); large ones mean fewer
// allocations for a big machine (a ring of 10,000 processes takes about
// 6,000 chunks).
const (
	smallChunkFrames = 4
	smallChunks      = 4
	chunkFrames      = 64
)

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
// counts and decoded-page slots, and the stack of free frames), which grows
// with the highest frame used.
func (m *PhysMem) HostBytes() int {
	return len(m.pages)*PageSize + cap(m.pages)*8 +
		cap(m.refs)*4 + cap(m.decoded)*8 + cap(m.free)*4
}

// Alloc takes a free frame, zeroes it, and sets its reference count to 1.
// ok is false when physical memory is exhausted. The frame is the last one
// freed if any, else the lowest never used: the order a stack of all frames,
// frame 0 on top, would give, as traces show frame numbers.
func (m *PhysMem) Alloc() (f Frame, ok bool) {
	switch {
	case len(m.free) > 0:
		f = m.free[len(m.free)-1]
		m.free = m.free[:len(m.free)-1]
		clear(m.page(f)[:])
	case m.fresh < m.n:
		f = Frame(m.fresh)
		m.fresh++
		if int(f) == len(m.pages) {
			m.grow()
		}
		// A fresh frame is zero: its chunk was allocated zero, and no
		// one has written it since.
	default:
		return 0, false
	}
	m.refs[f] = 1
	m.used++
	return f, true
}

// grow allocates the next chunk of frames (see smallChunks), no larger
// than what remains of memory. Existing chunks stay where they are; only
// pages, refs and decoded are extended (and may move).
func (m *PhysMem) grow() {
	n := smallChunkFrames
	if len(m.pages) >= smallChunks*smallChunkFrames {
		n = min(len(m.pages), chunkFrames)
	}
	n = min(n, m.n-len(m.pages))
	var c [][PageSize]byte
	if n == smallChunkFrames && len(m.small) < smallChunks {
		sc := spareChunks.Get().(*smallChunk)
		m.small = append(m.small, sc)
		c = sc[:]
	} else {
		c = make([][PageSize]byte, n)
	}
	for i := range c {
		m.pages = append(m.pages, &c[i])
	}
	m.refs = append(m.refs, make([]uint32, n)...)
	m.decoded = append(m.decoded, make([]*decodedPage, n)...)
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
		m.dropDecoded(f)
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
// the frame are executed. The slice stays valid, and the frame's, for the
// life of m: Alloc never moves a frame's bytes.
//
// A frame whose chunk was never allocated has no host memory yet: its bytes
// are a new zero page, for readers only (writes to a free frame are a bug
// anyway).
func (m *PhysMem) Bytes(f Frame) []byte {
	if int(f) >= len(m.pages) {
		return make([]byte, PageSize)
	}
	return frameBytes(m.page(f))
}

// frameBytes returns a frame's bytes as a slice without reading them. p[:]
// would read one: Go checks an array pointer for nil before it slices it
// by loading the byte it points to, so the frame's first cache line. At a
// switch among thousands of processes that line is cold, and the kernel's
// copy seldom needs it (a stack is at the end of its frame): in
// BenchmarkRing/10000 the kernel's copy into the woken process's stack
// waited for that needless load (a tenth of the switch). unsafe.Slice
// checks p for nil by comparing it, not by reading; and p is never nil (a
// frame's bytes exist once its chunk is allocated).
func frameBytes(p *[PageSize]byte) []byte {
	return unsafe.Slice((*byte)(unsafe.Pointer(p)), PageSize)
}

// page returns the bytes of frame f, whose chunk must be allocated: the
// CPU's TLB keeps the pointer (see tlbEntry).
func (m *PhysMem) page(f Frame) *[PageSize]byte {
	return m.pages[f]
}

// Invalidate drops the decoded-instruction cache of frame f. The CPU calls it
// on its own stores; the kernel calls it after writing a frame directly.
func (m *PhysMem) Invalidate(f Frame) {
	if int(f) < len(m.decoded) {
		m.dropDecoded(f)
	}
}

// spareDecoded holds decoded pages that no frame uses any more, emptied,
// for the next frame of any machine that runs code: a seed sweep builds a
// machine per run, and its program's code frame is freed when the program
// exits, so the next run takes that page instead of allocating 16 KiB (and
// Go zeroing and collecting it). A page in the pool is all opUndecoded, as
// new(decodedPage) is, so where a page comes from changes nothing.
var spareDecoded = sync.Pool{New: func() any { return new(decodedPage) }}

// A smallChunk is one of the first chunks of a PhysMem (see smallChunks).
type smallChunk [smallChunkFrames][PageSize]byte

// spareChunks holds the small chunks of machines that were released, all
// zero, for the first frames of the next machines: a seed sweep or an
// exploration builds a machine per run, and without it each run allocated
// its chunks and its decoded pages again (two thirds of the bytes a run
// of the two-process counter allocated) and Go's collector ran for them.
// Only the small chunks are kept: they hold the first 16 frames, and every
// bundled scenario but two (a glibc program, busybox) uses 17 frames or
// fewer. A chunk in the pool is all zero, as a new one is, so where a chunk
// comes from changes nothing.
var spareChunks = sync.Pool{New: func() any { return new(smallChunk) }}

// Release gives m's small chunks and decoded pages to spareChunks and
// spareDecoded, and leaves m with no frames: the owner of a machine that
// is done with it (sim's Scenario.Run, once it has the run's Outcome)
// releases its memory for the next machine to take. Nothing may use m, a
// slice of its frames' bytes, or a CPU or page table over it afterwards.
func (m *PhysMem) Release() {
	for f := range m.decoded {
		m.dropDecoded(Frame(f))
	}
	for i, c := range m.small {
		// Frames [0, fresh) may have been written; the rest are zero.
		used := min(max(m.fresh-i*smallChunkFrames, 0), smallChunkFrames)
		clear(c[:used])
		spareChunks.Put(c)
	}
	*m = PhysMem{}
}

// dropDecoded forgets the decoded instructions of frame f and gives the
// page to spareDecoded. Only m.decoded points to a decoded page between
// two Run calls (Run keeps one in a local during a call, in which no frame
// is freed or invalidated), so dropping it here is the end of its use.
func (m *PhysMem) dropDecoded(f Frame) {
	p := m.decoded[f]
	if p == nil {
		return
	}
	m.decoded[f] = nil
	clear(p.inst[:])
	spareDecoded.Put(p)
}

package hw

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// A frame's bytes stay where they are while thousands of frames (many
// chunks) are allocated after it: a slice from Bytes keeps seeing the frame,
// and writes through it stay visible to a later Bytes of the same frame.
func TestPhysMemFramesStayInPlace(t *testing.T) {
	const frames = 40 * chunkFrames
	m := NewPhysMem(frames * PageSize)
	first, ok := m.Alloc()
	require.True(t, ok)
	b := m.Bytes(first)
	b[0], b[PageSize-1] = 0xAB, 0xCD
	kept := make(map[Frame][]byte) // a few frames' slices, taken as they come
	for i := 1; i < frames; i++ {
		f, ok := m.Alloc()
		require.True(t, ok)
		require.Equal(t, Frame(i), f, "fresh frames are handed out lowest first")
		if i%97 == 0 {
			kept[f] = m.Bytes(f)
			kept[f][0] = byte(i)
		}
	}
	_, ok = m.Alloc()
	require.False(t, ok, "memory is exhausted")

	require.Same(t, &b[0], &m.Bytes(first)[0], "frame 0 moved")
	require.Equal(t, byte(0xAB), m.Bytes(first)[0])
	require.Equal(t, byte(0xCD), m.Bytes(first)[PageSize-1])
	for f, s := range kept {
		require.Same(t, &s[0], &m.Bytes(f)[0], "frame %d moved", f)
		require.Equal(t, byte(f), s[0])
	}
	require.Equal(t, PageSize, len(b))
	require.Equal(t, PageSize, cap(b), "a frame's slice cannot reach its neighbour")
}

// A frame freed and taken again is zero; a fresh frame is zero; the frames
// are handed out in the order the traces rely on.
func TestPhysMemAllocZeroesAndOrder(t *testing.T) {
	m := NewPhysMem(3 * chunkFrames * PageSize)
	a, _ := m.Alloc()
	b, _ := m.Alloc()
	require.Equal(t, Frame(0), a)
	require.Equal(t, Frame(1), b)
	m.Bytes(a)[5] = 1
	m.Ref(a)
	require.Equal(t, 2, m.Refs(a))
	m.Unref(a)
	m.Unref(a)
	require.Equal(t, 0, m.Refs(a))
	require.Equal(t, 1, m.UsedFrames())
	c, _ := m.Alloc()
	require.Equal(t, a, c, "the last frame freed is taken first")
	require.Equal(t, make([]byte, PageSize), m.Bytes(c))
	d, _ := m.Alloc()
	require.Equal(t, Frame(2), d)
	require.Equal(t, make([]byte, PageSize), m.Bytes(d))
}

// Host memory is taken a chunk at a time, as frames are used: a big
// machine that uses a few frames stays small. The first chunks are small,
// then they double up to chunkFrames, and never go past the machine's end.
func TestPhysMemLazy(t *testing.T) {
	m := NewPhysMem(64 << 20)
	require.Equal(t, 0, m.HostBytes())
	require.Equal(t, make([]byte, PageSize), m.Bytes(100), "a frame never allocated reads as zero")
	m.Alloc()
	require.Len(t, m.pages, smallChunkFrames)
	require.Less(t, m.HostBytes(), 17<<10, "one small chunk")
	for range 9 {
		m.Alloc()
	}
	require.Len(t, m.pages, 12)
	require.Less(t, m.HostBytes(), 100<<10)
	for range chunkFrames {
		m.Alloc()
	}
	require.Len(t, m.pages, 128) // 4+4+4+4 +16+32+64
	require.Less(t, m.HostBytes(), 600<<10)
	for range 3 * chunkFrames {
		m.Alloc()
	}
	require.Len(t, m.pages, 128+3*chunkFrames, "at most chunkFrames a chunk")

	small := NewPhysMem(10 * PageSize)
	for range 10 {
		_, ok := small.Alloc()
		require.True(t, ok)
	}
	_, ok := small.Alloc()
	require.False(t, ok)
	require.Len(t, small.pages, 10, "no chunk goes past the end of memory")
}

// A released machine's small chunks go to the next machines, zero: a
// frame written, one freed after it was written, and one never taken all
// come back zero; a decoded page comes back empty. The pool may drop what
// it is given (the race detector makes it drop some on purpose), so the
// test repeats until a chunk was seen taken again.
func TestPhysMemReleaseGivesZeroChunks(t *testing.T) {
	const frames = smallChunks * smallChunkFrames
	reused := false
	for range 100 {
		a := NewPhysMem(64 << 20)
		cpu := NewCPU(a)
		old := map[*[PageSize]byte]bool{}
		for i := range frames - 1 { // the last frame of the last chunk is never taken
			f, ok := a.Alloc()
			require.True(t, ok)
			b := a.Bytes(f)
			for j := range b {
				b[j] = 0xA5
			}
			cpu.codePage(uint64(f) << PageShift).inst[3] = decodedInst{op: opLW, rd: 1, imm: 8}
			if i == 5 {
				a.Unref(f) // freed dirty: Alloc would clear it, Release must
			}
			old[a.page(f)] = true
		}
		a.Release()
		require.Equal(t, 0, a.Frames(), "a released PhysMem has no frames")
		_, ok := a.Alloc()
		require.False(t, ok)

		b := NewPhysMem(64 << 20)
		bcpu := NewCPU(b)
		for range frames {
			f, ok := b.Alloc()
			require.True(t, ok)
			require.Equal(t, make([]byte, PageSize), b.Bytes(f), "frame %d", f)
			if old[b.page(f)] {
				reused = true
			}
			require.Equal(t, decodedInst{}, bcpu.codePage(uint64(f) << PageShift).inst[3], "a decoded page comes back empty")
		}
		if reused {
			return
		}
	}
	t.Fatal("no chunk of a released PhysMem was ever taken again")
}

// The CPU's TLB keeps pointers to frames' bytes from one Run to the next.
// Frames allocated between two Runs without a change of mapping (as the
// kernel may, for another process) must not make those pointers stale: the
// loop's counter in memory carries on, and the kernel's view of the frame
// (Bytes) stays the CPU's.
func TestCPUTLBSurvivesAlloc(t *testing.T) {
	m := &testMachine{t: t, mem: NewPhysMem(16 * chunkFrames * PageSize), pt: NewPageTable()}
	m.cpu = NewCPU(m.mem)
	m.cpu.PT = m.pt
	m.mapPage(codeVA, PTERead|PTEExec)
	m.mapPage(dataVA, PTERead|PTEWrite)
	m.loadCode(codeVA, computeLoop()...)
	m.cpu.PC = codeVA
	m.cpu.X[10] = dataVA

	m.run(800, 800, Trap{}) // 100 iterations; the TLB now maps dataVA
	require.Equal(t, uint64(100), m.read64(dataVA))
	gen := m.pt.Generation()
	for range 10 * chunkFrames {
		_, ok := m.mem.Alloc()
		require.True(t, ok)
	}
	require.Equal(t, gen, m.pt.Generation(), "no mapping changed: the TLB is kept")
	m.run(800, 800, Trap{})
	require.Equal(t, uint64(200), m.read64(dataVA))
	m.write64(dataVA, 1000) // the kernel writes; the CPU sees it
	m.run(8, 8, Trap{})
	require.Equal(t, uint64(1001), m.read64(dataVA))
}

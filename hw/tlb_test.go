package hw

import (
	"math/bits"
	"testing"

	"github.com/stretchr/testify/require"
)

var loadProgram = []uint32{encI("addi", 4, 0, 1), encI("ld", 3, 1, 0), wordEBREAK}

// forkTable returns a page table that maps the test machine's code page to
// the same frame and dataVA to a frame of its own holding v: a fork after
// its first write, at the same addresses.
func (m *testMachine) forkTable(v uint64) *PageTable {
	m.t.Helper()
	pt := NewPageTable()
	code, _ := m.pt.Lookup(codeVA)
	pt.Map(codeVA, code)
	f, ok := m.mem.Alloc()
	require.True(m.t, ok, "out of frames")
	pt.Map(dataVA, MakePTE(f, PTERead|PTEWrite))
	m.write64At(pt, dataVA, v)
	return pt
}

// mapPageIn maps a fresh zeroed frame at va of table pt, readable.
func (m *testMachine) mapPageIn(pt *PageTable, va uint64) Frame {
	m.t.Helper()
	f, ok := m.mem.Alloc()
	require.True(m.t, ok, "out of frames")
	pt.Map(va, MakePTE(f, PTERead))
	return f
}

// write64At writes v at va of table pt, as the kernel would.
func (m *testMachine) write64At(pt *PageTable, va, v uint64) {
	pte, ok := pt.Lookup(va)
	require.True(m.t, ok)
	b := m.mem.Bytes(pte.Frame())[va&pageMask:]
	for i := range 8 {
		b[i] = byte(v >> (8 * i))
	}
}

// loadOn runs the test program (addi x4, x0, 1; ld x3, 0(x1); ebreak)
// on table pt and returns what it loaded from dataVA.
func (m *testMachine) loadOn(pt *PageTable) uint64 { return m.loadAt(pt, dataVA) }

// loadAt is loadOn, loading from va.
func (m *testMachine) loadAt(pt *PageTable, va uint64) uint64 {
	m.t.Helper()
	m.cpu.PT, m.cpu.PC, m.cpu.X[1], m.cpu.X[3] = pt, codeVA, va, 0
	m.run(10, 2, Trap{Cause: CauseBreakpoint})
	return m.cpu.X[3]
}

// TestTLBKeptAcrossSwitches: the entries of a table that stops running
// are kept from its second turn among few tables and come back when it
// runs again, but not once its mapping changed, nor when the CPU watches
// differently since; each table reads its own memory throughout, however
// many take turns.
func TestTLBKeptAcrossSwitches(t *testing.T) {
	m := newTestMachine(t, loadProgram...)
	a := m.pt
	m.write64(dataVA, 1)
	b := m.forkTable(2)
	dataSlot := &m.cpu.tlb[VPN(dataVA)&tlbMask]

	// a's first turn only marks it: its entries go when b runs.
	require.Equal(t, uint64(1), m.loadOn(a))
	require.Equal(t, uint64(2), m.loadOn(b))
	m.cpu.PT = a
	m.cpu.syncTLB()
	require.Equal(t, noTag, dataSlot.tag[accRead], "a's entries after its first turn")
	// Its second turn comes within tlbKept switches: its entries are kept.
	require.Equal(t, uint64(1), m.loadOn(a))
	require.Equal(t, uint64(2), m.loadOn(b))
	m.cpu.PT = a
	m.cpu.syncTLB()
	require.Equal(t, VPN(dataVA), dataSlot.tag[accRead], "a's entries are back when it runs again")
	require.Equal(t, uint64(1), m.loadOn(a))

	// A mapping of a changed while b ran: a's kept entries are stale.
	require.Equal(t, uint64(2), m.loadOn(b))
	f, ok := m.mem.Alloc()
	require.True(t, ok)
	a.Map(dataVA, MakePTE(f, PTERead|PTEWrite))
	m.write64At(a, dataVA, 3)
	m.cpu.PT = a
	m.cpu.syncTLB()
	require.Equal(t, noTag, dataSlot.tag[accRead], "a's kept entries were dropped")
	require.Equal(t, uint64(3), m.loadOn(a))

	// The CPU watches every page since a last ran: a's entries, filled
	// unwatched, would let the load through without stopping.
	require.Equal(t, uint64(2), m.loadOn(b))
	m.cpu.SetWatch(WatchAll)
	m.cpu.PT, m.cpu.PC, m.cpu.X[3] = a, codeVA, 0
	m.run(10, 1, Trap{}) // the addi, then stops before the load
	m.run(10, 1, Trap{}) // the load, first, then stops after it
	require.Equal(t, uint64(3), m.cpu.X[3])
	m.cpu.SetWatch(WatchNone)

	// b used a page that a maps too but had not used: b's entry for it
	// must not be left in the TLB when a's come back.
	const other = dataVA + 5*PageSize
	m.mapPage(other, PTERead)
	m.write64At(a, other, 5)
	bOther := m.mem.Bytes(m.mapPageIn(b, other))
	bOther[0] = 6
	require.Equal(t, uint64(3), m.loadOn(a))
	require.Equal(t, uint64(6), m.loadAt(b, other))
	require.Equal(t, uint64(5), m.loadAt(a, other))

	// As many tables as the CPU keeps, in turns, and then one more: each
	// reads its own memory, and the one more leaves none kept, as each
	// comes back after tlbKept others.
	tables := []*PageTable{a, b}
	for v := uint64(10); len(tables) < tlbKept+1; v++ {
		tables = append(tables, m.forkTable(v))
	}
	for _, n := range []int{tlbKept, tlbKept + 1} {
		for range 3 {
			for i, pt := range tables[:n] {
				want := uint64(3)
				switch {
				case i == 1:
					want = 2
				case i > 1:
					want = uint64(10 + i - 2)
				}
				require.Equal(t, want, m.loadOn(pt), "%d tables: table %d", n, i)
			}
		}
		kept := 0
		for _, k := range m.cpu.kept {
			kept += k.n
		}
		if n == tlbKept {
			require.NotZero(t, kept, "%d tables take turns: their entries are kept", n)
		} else {
			require.Zero(t, kept, "%d tables take turns: none is kept", n)
		}
	}
}

// TestTLBKeptAtMost: of a table that filled more entries than a slot
// keeps, the first keptEntries come back, each as fill makes it, and
// every page still translates to its frame.
func TestTLBKeptAtMost(t *testing.T) {
	m := newTestMachine(t)
	a := m.pt
	const pages = keptEntries + 4
	var frames [pages]Frame
	for i := range pages {
		frames[i] = m.mapPage(0x100000+uint64(i)*PageSize, PTERead)
	}
	translateAll := func() {
		for i := range pages {
			base, ok := m.cpu.translate(0x100000+uint64(i)*PageSize, accRead)
			require.True(t, ok)
			require.Equal(t, uint64(frames[i])<<PageShift, base, "page %d", i)
		}
	}
	b := m.forkTable(1)
	var filled uint64
	for range 2 { // a is kept from its second turn
		m.cpu.PT = a
		m.cpu.syncTLB()
		translateAll()
		filled = m.cpu.tlbFilled
		m.cpu.PT = b
		m.cpu.syncTLB()
	}
	m.cpu.PT = a
	m.cpu.syncTLB()
	require.Equal(t, keptEntries, bits.OnesCount64(m.cpu.tlbFilled))
	require.Equal(t, m.cpu.tlbFilled, m.cpu.tlbFilled&filled, "only entries a filled")
	for i := range tlbSize {
		if m.cpu.tlbFilled&(1<<i) != 0 {
			got := m.cpu.tlb[i]
			vpn := got.tag[accRead]
			m.cpu.fill(&m.cpu.tlb[i], vpn)
			require.Equal(t, got, m.cpu.tlb[i], "entry %d as fill makes it", i)
		}
	}
	translateAll()
}

// TestTLBReleaseDropsKept: a machine released keeps no entries, which
// point into the memory it gave away.
func TestTLBReleaseDropsKept(t *testing.T) {
	m := newTestMachine(t, loadProgram...)
	b := m.forkTable(2)
	m.loadOn(m.pt)
	m.loadOn(b)
	mach := &Machine{CPU: m.cpu, Mem: m.mem}
	mach.Release()
	for i, k := range m.cpu.kept {
		require.Nil(t, k.pt, "slot %d", i)
		for j, e := range k.entries {
			require.Nil(t, e.page, "slot %d, entry %d", i, j)
		}
	}
}

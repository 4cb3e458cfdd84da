package hw

import (
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/require"
)

// A testMachine is a CPU with a small address space: code at codeVA (r-x),
// two data pages at dataVA (rw-), and whatever a test maps besides.
type testMachine struct {
	t   testing.TB
	mem *PhysMem
	pt  *PageTable
	cpu *CPU
}

const (
	codeVA = 0x10000
	dataVA = 0x20000 // two pages: dataVA and dataVA+PageSize
)

func newTestMachine(t testing.TB, code ...uint32) *testMachine {
	t.Helper()
	m := &testMachine{t: t, mem: NewPhysMem(64 * PageSize), pt: NewPageTable()}
	m.cpu = NewCPU(m.mem)
	m.cpu.PT = m.pt
	m.mapPage(codeVA, PTERead|PTEExec)
	m.mapPage(dataVA, PTERead|PTEWrite)
	m.mapPage(dataVA+PageSize, PTERead|PTEWrite)
	m.loadCode(codeVA, code...)
	m.cpu.PC = codeVA
	return m
}

// mapPage maps a fresh zeroed frame at va with the given permission bits.
func (m *testMachine) mapPage(va uint64, bits PTE) Frame {
	m.t.Helper()
	f, ok := m.mem.Alloc()
	require.True(m.t, ok, "out of frames")
	m.pt.Map(va, MakePTE(f, bits))
	return f
}

// bytesAt returns the frame bytes from va to the end of its page, as the
// kernel would reach them, without going through the CPU.
func (m *testMachine) bytesAt(va uint64) []byte {
	m.t.Helper()
	pte, ok := m.pt.Lookup(va)
	require.True(m.t, ok, "va %#x unmapped", va)
	return m.mem.Bytes(pte.Frame())[va&pageMask:]
}

// loadCode writes instruction words at va, as a loader writing frames
// directly does (and so invalidates the decoded cache).
func (m *testMachine) loadCode(va uint64, code ...uint32) {
	for i, w := range code {
		a := va + uint64(4*i)
		binary.LittleEndian.PutUint32(m.bytesAt(a), w)
		pte, _ := m.pt.Lookup(a)
		m.mem.Invalidate(pte.Frame())
	}
}

func (m *testMachine) write64(va, v uint64) { binary.LittleEndian.PutUint64(m.bytesAt(va), v) }
func (m *testMachine) read64(va uint64) uint64 {
	return binary.LittleEndian.Uint64(m.bytesAt(va))
}
func (m *testMachine) read32(va uint64) uint32 {
	return binary.LittleEndian.Uint32(m.bytesAt(va))
}

// run runs with the given budget and checks the trap and the retired count.
func (m *testMachine) run(budget, wantRetired uint64, want Trap) {
	m.t.Helper()
	n, tr := m.cpu.Run(budget)
	require.Equal(m.t, want, tr, "trap")
	require.Equal(m.t, wantRetired, n, "retired")
}

// prog concatenates instruction words and slices of them.
func prog(parts ...any) []uint32 {
	var out []uint32
	for _, p := range parts {
		switch p := p.(type) {
		case uint32:
			out = append(out, p)
		case []uint32:
			out = append(out, p...)
		default:
			panic("prog: want uint32 or []uint32")
		}
	}
	return out
}

package hw

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestAccessOf decodes the memory access of a few instructions, 4-byte
// and compressed.
func TestAccessOf(t *testing.T) {
	for _, c := range []struct {
		name string
		inst uint32
		want MemAccess
		ok   bool
	}{
		{"lw a5, 0(s0)", 0x00042783, MemAccess{Kind: AccessLoad, Base: 8, Size: 4, Rd: 15}, true},
		{"sw a5, 8(s0)", 0x00f42423, MemAccess{Kind: AccessStore, Base: 8, Imm: 8, Size: 4, Src: 15}, true},
		{"sd ra, -8(sp)", 0xfe113c23, MemAccess{Kind: AccessStore, Base: 2, Imm: -8, Size: 8, Src: 1}, true},
		{"amoadd.w a0, a1, (a2)", 0x00b6252f, MemAccess{Kind: AccessAMO, Base: 12, Size: 4, Rd: 10, Src: 11}, true},
		{"lr.d a0, (a1)", 0x1005b52f, MemAccess{Kind: AccessLR, Base: 11, Size: 8, Rd: 10}, true},
		{"sc.w a3, a2, (a1)", 0x18c5a6af, MemAccess{Kind: AccessSC, Base: 11, Size: 4, Rd: 13, Src: 12}, true},
		{"c.lw a5, 0(a0)", 0x411c, MemAccess{Kind: AccessLoad, Base: 10, Size: 4, Rd: 15}, true},
		{"c.sdsp ra, 8(sp)", 0xe406, MemAccess{Kind: AccessStore, Base: 2, Imm: 8, Size: 8, Src: 1}, true},
		{"addi a0, a0, 1", 0x00150513, MemAccess{}, false},
	} {
		got, ok := AccessOf(c.inst)
		if ok != c.ok || got != c.want {
			t.Errorf("%s: AccessOf(%#x) = %+v, %v; want %+v, %v", c.name, c.inst, got, ok, c.want, c.ok)
		}
	}
}

// TestWatchStopsAtAccesses runs a program with CPU.SetWatch(WatchAll), one Run
// after another with a large budget: each Run stops before an integer
// load, store or atomic that is not its first instruction and right after
// one that is, so that every access is a Run's first instruction. The end
// is the same as without Watch: registers, memory and instructions retired.
func TestWatchStopsAtAccesses(t *testing.T) {
	const a0, a1, a2, a3 = 10, 11, 12, 13
	code := []uint32{
		encI("addi", a1, 0, 5),              // 0: not an access
		encS("sw", a1, a0, 0),               // 4: store
		encI("addi", a1, a1, 1),             // 8
		encI("addi", a1, a1, 1),             // 12
		encI("lw", a2, a0, 0),               // 16: load
		encAMO("amoadd", false, a3, a0, a1), // 20: atomic
		encI("addi", a1, a1, 1),             // 24
		wordEBREAK,                          // 28
	}
	plain := newTestMachine(t, code...)
	plain.cpu.X[a0] = dataVA
	n, trap := plain.cpu.Run(1000)
	require.Equal(t, CauseBreakpoint, trap.Cause)
	require.Equal(t, uint64(7), n)

	m := newTestMachine(t, code...)
	m.cpu.X[a0] = dataVA
	m.cpu.SetWatch(WatchAll)
	type stop struct {
		from, n uint64
		cause   Cause
	}
	var got []stop
	total := uint64(0)
	for range 20 {
		from := m.cpu.PC
		n, trap := m.cpu.Run(1000)
		got = append(got, stop{from - codeVA, n, trap.Cause})
		total += n
		if trap.Cause != CauseNone {
			break
		}
	}
	require.Equal(t, []stop{
		{0, 1, CauseNone},  // the addi, then stops before the store
		{4, 1, CauseNone},  // the store, first, then stops after it
		{8, 2, CauseNone},  // two addis, stops before the load
		{16, 1, CauseNone}, // the load
		{20, 1, CauseNone}, // the atomic
		{24, 1, CauseBreakpoint},
	}, got)
	require.Equal(t, uint64(7), total)
	require.Equal(t, plain.cpu.X, m.cpu.X)
	require.Equal(t, plain.cpu.PC, m.cpu.PC)
	require.Equal(t, plain.bytesAt(dataVA)[:8], m.bytesAt(dataVA)[:8])

	// Watch off again: the TLB gives the fast path its data tags back, and
	// a Run goes through accesses without stopping.
	m.cpu.SetWatch(WatchNone)
	m.cpu.PC = codeVA
	n, trap = m.cpu.Run(1000)
	require.Equal(t, CauseBreakpoint, trap.Cause)
	require.Equal(t, uint64(7), n)

	// WatchShared: accesses to a shared page stop Runs as above; to a
	// private page, none.
	for _, c := range []struct {
		bits PTE
		runs int
	}{{PTERead | PTEWrite | PTEShare, 6}, {PTERead | PTEWrite, 1}} {
		m := newTestMachine(t, code...)
		pte, _ := m.pt.Lookup(dataVA)
		m.pt.Map(dataVA, MakePTE(pte.Frame(), c.bits))
		m.cpu.X[a0] = dataVA
		m.cpu.SetWatch(WatchShared)
		runs := 0
		for trap := (Trap{}); trap.Cause == CauseNone; runs++ {
			_, trap = m.cpu.Run(1000)
		}
		require.Equal(t, c.runs, runs, "page bits %v", c.bits)
		require.Equal(t, plain.cpu.X, m.cpu.X)
	}
}

// TestIsAccessIsAccessOf: the instructions a watching Run stops at are the
// ones AccessOf reports, for every 16-bit parcel (decoded as Run decodes
// it, into a compressed twin) and for a million random 32-bit words.
func TestIsAccessIsAccessOf(t *testing.T) {
	check := func(inst uint32, d decodedInst) {
		t.Helper()
		if _, ok := AccessOf(inst); isAccess(d.op) != ok {
			t.Fatalf("%#x: isAccess %v, AccessOf %v", inst, isAccess(d.op), ok)
		}
	}
	for p := range 1 << 16 {
		if p&3 != 3 {
			check(uint32(p), decodeC(uint16(p)))
		}
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 1_000_000 {
		w := rng.Uint32() | 3
		check(w, decode(w))
	}
}

package hw

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestPageTableAgainstAMap maps and unmaps pages at random, in the middle
// of the table as well as at its ends, and checks every lookup, the
// listing and the table's layout (keys sorted, one per leaf, no empty
// leaf) against a Go map.
func TestPageTableAgainstAMap(t *testing.T) {
	pt := NewPageTable()
	want := map[uint64]PTE{} // page number -> entry
	rng := rand.New(rand.NewPCG(1, 2))
	// Pages in a few clusters, as a process has them (code, heap, stack),
	// spread over several leaves each.
	vpns := []uint64{}
	for _, base := range []uint64{0x10, 0x400, 0x4000, 0x3ffff0} {
		for i := range uint64(70) {
			vpns = append(vpns, base+i)
		}
	}
	gen := pt.Generation()
	for i := range 20000 {
		vpn := vpns[rng.IntN(len(vpns))]
		if rng.IntN(3) == 0 {
			p, ok := pt.Unmap(vpn << PageShift)
			w, had := want[vpn]
			require.Equal(t, had, ok, "op %d: unmap %#x", i, vpn)
			require.Equal(t, w, p, "op %d", i)
			delete(want, vpn)
			if had {
				require.Greater(t, pt.Generation(), gen, "op %d: unmap changes the generation", i)
			}
		} else {
			p := MakePTE(Frame(rng.IntN(1000)), PTERead|PTEWrite)
			pt.Map(vpn<<PageShift|uint64(rng.IntN(PageSize)), p)
			want[vpn] = p
			require.Greater(t, pt.Generation(), gen, "op %d: map changes the generation", i)
		}
		gen = pt.Generation()
		require.Equal(t, len(want), pt.Len(), "op %d", i)
		require.True(t, slices.IsSorted(pt.keys), "op %d: keys sorted", i)
		require.Equal(t, len(pt.keys), len(pt.leaves), "op %d: a key per leaf", i)
		for j, l := range pt.leaves {
			require.NotZero(t, l.pte, "op %d: leaf %d (key %#x) is empty", i, j, pt.keys[j])
		}
		if i%97 == 0 {
			for _, vpn := range vpns {
				p, ok := pt.Lookup(vpn<<PageShift | 8)
				w, has := want[vpn]
				require.Equal(t, has, ok, "op %d: lookup %#x", i, vpn)
				require.Equal(t, w, p, "op %d: lookup %#x", i, vpn)
			}
			list := []Mapping{}
			for _, vpn := range vpns {
				if p, ok := want[vpn]; ok {
					list = append(list, Mapping{VA: vpn << PageShift, PTE: p})
				}
			}
			require.Equal(t, list, pt.Pages(), "op %d: listing in address order", i)
		}
	}
}

// TestPageTableRecent checks that the translations a lookup remembers
// (PageTable.recent) never outlive a change: a page looked up, then mapped
// to another frame, unmapped or mapped again, reads its new entry at once.
func TestPageTableRecent(t *testing.T) {
	pt := NewPageTable()
	const va = 0x12345 << PageShift
	first, second := MakePTE(7, PTERead), MakePTE(9, PTERead|PTEWrite)
	pt.Map(va, first)
	for range 2 { // the second lookup is answered from recent
		p, ok := pt.Lookup(va)
		require.True(t, ok)
		require.Equal(t, first, p)
	}
	pt.Map(va, second)
	p, ok := pt.Lookup(va + 8)
	require.True(t, ok)
	require.Equal(t, second, p, "a new mapping of a page looked up before")
	_, ok = pt.Unmap(va)
	require.True(t, ok)
	_, ok = pt.Lookup(va)
	require.False(t, ok, "an unmapped page looked up before")
	// Pages of the same recent slot (vpn & recentMask) take turns.
	other := uint64(va + recentSize<<PageShift)
	pt.Map(va, first)
	pt.Map(other, second)
	for range 3 {
		p, ok = pt.Lookup(va)
		require.True(t, ok)
		require.Equal(t, first, p)
		p, ok = pt.Lookup(other)
		require.True(t, ok)
		require.Equal(t, second, p)
	}
	_, ok = pt.Unmap(other)
	require.True(t, ok)
	_, ok = pt.Lookup(other)
	require.False(t, ok)
	p, ok = pt.Lookup(va)
	require.True(t, ok)
	require.Equal(t, first, p)
}

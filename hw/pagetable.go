package hw

import (
	"fmt"
	"slices"
)

// A PTE is a page-table entry. Its low bits are the RISC-V Sv39 permission
// bits; bit 8 (one of the two bits Sv39 reserves for software) marks a
// copy-on-write page; the frame number sits above bit 10, as Sv39's PPN does.
type PTE uint64

// PTE bits, as in the RISC-V privileged specification (section "Sv39").
const (
	PTEValid PTE = 1 << 0 // V: the entry maps a page
	PTERead  PTE = 1 << 1 // R: loads allowed
	PTEWrite PTE = 1 << 2 // W: stores allowed
	PTEExec  PTE = 1 << 3 // X: instruction fetch allowed
	PTEUser  PTE = 1 << 4 // U: user mode may access (always set here)
	PTECOW   PTE = 1 << 8 // software: write-protected copy-on-write page
	PTEShare PTE = 1 << 9 // software: shared mapping, never copied on write

	pteFlags PTE = 1<<10 - 1
	ptePPN       = 10
)

// MakePTE returns a valid user entry mapping frame f with the given bits.
func MakePTE(f Frame, bits PTE) PTE {
	return PTE(f)<<ptePPN | bits&pteFlags | PTEValid | PTEUser
}

// Frame returns the frame the entry maps.
func (p PTE) Frame() Frame { return Frame(p >> ptePPN) }

// Flags returns the entry's permission and software bits.
func (p PTE) Flags() PTE { return p & pteFlags }

// String renders the entry as "rwx frame 12", with "cow" or "shared" added.
func (p PTE) String() string {
	perm := []byte("---")
	if p&PTERead != 0 {
		perm[0] = 'r'
	}
	if p&PTEWrite != 0 {
		perm[1] = 'w'
	}
	if p&PTEExec != 0 {
		perm[2] = 'x'
	}
	s := fmt.Sprintf("%s frame %d", perm, p.Frame())
	if p&PTECOW != 0 {
		s += " cow"
	}
	if p&PTEShare != 0 {
		s += " shared"
	}
	return s
}

// A PageTable maps virtual page numbers of one address space to entries.
//
// Real Sv39 hardware walks a three-level radix tree of 4 KiB nodes. A small
// process would then need five such nodes (20 KiB of host memory) before it
// mapped a single page, which defeats "a few KiB per forked idle process".
// So the table is one level of small leaves instead: each leaf holds the
// entries of leafPages consecutive pages (64 KiB of addresses, 128 bytes of
// entries), and the leaves sit in one slice sorted by address. A process's
// pages cluster (code, data and heap, stack, vdso), so it has a handful of
// leaves, and a lookup is a binary search over them and an index: few
// cache lines to touch, where a Go map took four or five (header,
// directory, table, group). That matters when the kernel switches among
// thousands of processes, whose tables are not in the host's caches
// (BenchmarkRing/10000); the CPU's TLB hides the cost on the instruction
// path. The leaves' keys sit in a slice of their own, beside the leaves:
// the binary search reads only keys (a process's few keys share a cache
// line), then the one leaf it finds. When each leaf held its key, every
// step of the search read another leaf, so another cache line (a leaf was
// over two): with 10,000 processes, whose tables are all cold, keeping
// the keys apart made a context switch about a tenth faster.
//
// Before the search, a lookup tries the table's few recent translations
// (recent), which sit in the table's own cache lines. After a context
// switch the CPU's TLB is empty and the new process looks up again the
// pages it used last time (its code and its stack); the kernel's copies
// to and from user memory look up the same stack page. From recent, these
// cost no line but the table's: the search reads the keys' and a leaf's
// lines, which among thousands of processes are cold
// (BenchmarkRing/10000). Pages() lists the table in address order.
type PageTable struct {
	keys   []uint64 // keys[i] is the key of leaves[i]; sorted
	leaves []ptLeaf // none is empty
	// gen counts changes. The CPU compares it with the generation its TLB
	// was filled at and flushes the TLB when they differ, so the kernel never
	// has to remember to flush after changing a mapping. (It is beside
	// keys and leaves, which a lookup reads too: one cache line.)
	gen uint64
	n   int // mapped pages
	// recent holds entries the search found lately: recent[vpn&recentMask]
	// maps page vpn if its vpn is vpn and its entry is valid. Map and
	// Unmap of a page empty its slot.
	recent [recentSize]recentPTE
}

// recentSize is the number of entries in PageTable.recent: a power of
// two, and four fill the table to two whole cache lines (128 bytes).
const (
	recentSize = 4
	recentMask = recentSize - 1
)

// A recentPTE is a translation PageTable.recent remembers.
type recentPTE struct {
	vpn uint64
	pte PTE
}

// leafShift is log2 of the pages a leaf covers.
const (
	leafShift = 4
	leafPages = 1 << leafShift
	leafMask  = leafPages - 1
)

// A ptLeaf holds the entries of pages key<<leafShift up to key<<leafShift +
// leafPages-1, where key (virtual page number >> leafShift) is its entry
// in PageTable.keys. An entry maps its page if it is valid (PTEValid), as
// in Sv39: a lookup reads the one entry, so one cache line. (When a mask
// of the mapped entries led the leaf, a lookup of an entry past the
// seventh read two lines, and at a switch among thousands of processes
// both were cold.)
type ptLeaf struct {
	pte [leafPages]PTE // pte[vpn&leafMask]
}

// NewPageTable returns an empty page table.
func NewPageTable() *PageTable { return &PageTable{} }

// VPN returns the virtual page number of address va.
func VPN(va uint64) uint64 { return va >> PageShift }

// find returns the index of the leaf with key, or where it would go.
func (pt *PageTable) find(key uint64) (int, bool) {
	lo, hi := 0, len(pt.keys)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if pt.keys[m] < key {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo, lo < len(pt.keys) && pt.keys[lo] == key
}

// Lookup returns the entry mapping the page that holds va.
func (pt *PageTable) Lookup(va uint64) (PTE, bool) {
	vpn := va >> PageShift
	r := &pt.recent[vpn&recentMask]
	if r.vpn == vpn && r.pte&PTEValid != 0 {
		return r.pte, true
	}
	i, ok := pt.find(vpn >> leafShift)
	if !ok {
		return 0, false
	}
	p := pt.leaves[i].pte[vpn&leafMask]
	if p&PTEValid == 0 {
		return 0, false
	}
	*r = recentPTE{vpn, p}
	return p, true
}

// Map installs entry p for the page holding va, replacing any old entry.
// p must be valid (MakePTE's entries are): an invalid entry is how the
// table marks a page it does not map. Reference counts are the caller's
// business.
func (pt *PageTable) Map(va uint64, p PTE) {
	if p&PTEValid == 0 {
		panic(fmt.Sprintf("hw: PageTable.Map(%#x) of an invalid entry %#x", va, uint64(p)))
	}
	vpn := va >> PageShift
	i, ok := pt.find(vpn >> leafShift)
	if !ok {
		pt.keys = slices.Insert(pt.keys, i, vpn>>leafShift)
		pt.leaves = slices.Insert(pt.leaves, i, ptLeaf{})
	}
	l := &pt.leaves[i]
	if l.pte[vpn&leafMask]&PTEValid == 0 {
		pt.n++
	}
	l.pte[vpn&leafMask] = p
	pt.gen++
	pt.recent[vpn&recentMask] = recentPTE{} // the one slot that may hold vpn
}

// Unmap removes the entry of the page holding va and returns it.
func (pt *PageTable) Unmap(va uint64) (PTE, bool) {
	vpn := va >> PageShift
	i, ok := pt.find(vpn >> leafShift)
	if !ok {
		return 0, false
	}
	l := &pt.leaves[i]
	p := l.pte[vpn&leafMask]
	if p&PTEValid == 0 {
		return 0, false
	}
	l.pte[vpn&leafMask] = 0
	if l.pte == (ptLeaf{}).pte {
		pt.keys = slices.Delete(pt.keys, i, i+1)
		pt.leaves = slices.Delete(pt.leaves, i, i+1)
	}
	pt.n--
	pt.gen++
	pt.recent[vpn&recentMask] = recentPTE{} // the one slot that may hold vpn
	return p, true
}

// Len returns the number of mapped pages.
func (pt *PageTable) Len() int { return pt.n }

// Generation returns the change counter of the table.
func (pt *PageTable) Generation() uint64 { return pt.gen }

// A Mapping is one page of a page table, for listing.
type Mapping struct {
	VA  uint64 // page-aligned virtual address
	PTE PTE
}

// Pages returns every mapping in ascending address order.
func (pt *PageTable) Pages() []Mapping {
	out := make([]Mapping, 0, pt.n)
	for i := range pt.leaves {
		l := &pt.leaves[i]
		for j := range leafPages {
			if l.pte[j]&PTEValid != 0 {
				vpn := pt.keys[i]<<leafShift | uint64(j)
				out = append(out, Mapping{VA: vpn << PageShift, PTE: l.pte[j]})
			}
		}
	}
	return out
}

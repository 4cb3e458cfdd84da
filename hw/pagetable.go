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
// mapped a single page, which defeats "a few KiB per forked idle process", so
// the table is a map from page number to entry; the CPU's TLB hides the cost
// of the map on the instruction path. Pages() lists it in address order.
type PageTable struct {
	entries map[uint64]PTE // virtual page number -> entry
	// gen counts changes. The CPU compares it with the generation its TLB
	// was filled at and flushes the TLB when they differ, so the kernel never
	// has to remember to flush after changing a mapping.
	gen uint64
}

// NewPageTable returns an empty page table.
func NewPageTable() *PageTable {
	return &PageTable{entries: make(map[uint64]PTE)}
}

// VPN returns the virtual page number of address va.
func VPN(va uint64) uint64 { return va >> PageShift }

// Lookup returns the entry mapping the page that holds va.
func (pt *PageTable) Lookup(va uint64) (PTE, bool) {
	p, ok := pt.entries[va>>PageShift]
	return p, ok
}

// Map installs entry p for the page holding va, replacing any old entry.
// Reference counts are the caller's business.
func (pt *PageTable) Map(va uint64, p PTE) {
	pt.entries[va>>PageShift] = p
	pt.gen++
}

// Unmap removes the entry of the page holding va and returns it.
func (pt *PageTable) Unmap(va uint64) (PTE, bool) {
	vpn := va >> PageShift
	p, ok := pt.entries[vpn]
	if ok {
		delete(pt.entries, vpn)
		pt.gen++
	}
	return p, ok
}

// Len returns the number of mapped pages.
func (pt *PageTable) Len() int { return len(pt.entries) }

// Generation returns the change counter of the table.
func (pt *PageTable) Generation() uint64 { return pt.gen }

// A Mapping is one page of a page table, for listing.
type Mapping struct {
	VA  uint64 // page-aligned virtual address
	PTE PTE
}

// Pages returns every mapping in ascending address order.
func (pt *PageTable) Pages() []Mapping {
	out := make([]Mapping, 0, len(pt.entries))
	for vpn, p := range pt.entries {
		out = append(out, Mapping{VA: vpn << PageShift, PTE: p})
	}
	slices.SortFunc(out, func(a, b Mapping) int {
		switch {
		case a.VA < b.VA:
			return -1
		case a.VA > b.VA:
			return 1
		}
		return 0
	})
	return out
}

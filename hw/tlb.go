package hw

import (
	"encoding/binary"
	"math/bits"
)

// The TLB: a small direct-mapped cache of translations, so that a load or a
// store costs an array index and one comparison instead of a map lookup in
// the page table.
//
// An entry keeps one tag per kind of access: tag[accRead] is the virtual page
// number when the page may be read, and noTag otherwise. A hit for a load is
// thus a single comparison that checks the translation and the permission at
// once (plus one that the access does not run into the next page). The CPU
// empties the TLB when the page table it runs on is not the one the entries
// came from, or when that table's generation moved (the kernel changed a
// mapping); it checks this on entry to Run, as the kernel only edits page
// tables between two Run calls.
//
// When the page table changes (a context switch), the entries can go
// aside rather than away: the CPU keeps those of the last few address
// spaces it ran (kept), as a real core's TLB keeps translations tagged
// with an address-space identifier (the ASID of satp) across switches,
// and it gives them back when their table runs again, unless that
// table's generation moved meanwhile. Two processes in a ping-pong then
// find their code and stack pages translated at each switch instead of
// looking each one up in the page table again. Copying entries aside
// costs a little at each switch, and pays only if the table comes back
// before tlbKept others have run: a table's entries are kept only from
// its second turn in a row of few tables, so that a switch among many
// processes (a ring of thousands) copies none (BENCHMARKS.md, "The TLB
// across switches").

const (
	tlbSize = 64 // entries; a power of two, at most 64 (CPU.tlbFilled is a bit mask)
	tlbMask = tlbSize - 1

	// tlbKept is the number of address spaces whose entries the CPU
	// keeps aside (CPU.kept): enough for a ping-pong's two processes and
	// a third, few enough that looking for a table among them costs next
	// to nothing at a switch among many. keptEntries is the most entries
	// kept of one: a process that runs between two switches uses a few
	// pages (its code, stack and data), and a machine's CPU is made anew
	// for every run of a seed sweep, so it should stay small.
	tlbKept     = 4
	keptEntries = 16

	// noTag is never a virtual page number: page numbers have at most
	// 64-PageShift bits.
	noTag = ^uint64(0)
)

// An access is the kind of memory access a translation is for.
type access uint8

const (
	accRead  access = iota // loads and LR: needs PTE V and R
	accWrite               // stores: needs V and W
	accExec                // instruction fetch: needs V and X
	numAccess
)

// A tlbEntry caches the translation of one virtual page. page points into
// PhysMem's chunks, where a frame's bytes stay for the life of the PhysMem
// (Alloc never moves them), so an entry stays valid across Run calls and
// frame allocations; only a change of mapping (the generation) or of page
// table flushes it.
type tlbEntry struct {
	tag  [numAccess]uint64 // vpn if the page allows that access, else noTag (no data access while the CPU watches: fill)
	base uint64            // byte offset of the page's frame in physical memory
	page *[PageSize]byte   // the frame's bytes; nil when the page is unmapped
}

// copyFrom makes e a copy of s, field by field, as empty empties one: a
// whole-entry assignment is a typed copy with a bulk write barrier.
func (e *tlbEntry) copyFrom(s *tlbEntry) {
	e.tag, e.base, e.page = s.tag, s.base, s.page
}

// A keptTLB is a slot of CPU.kept: the mark of a table that ran lately,
// pt, and the entries it had filled when it last stopped running
// (keptEntries of them at most), at generation gen with the CPU watching
// watch. They are what fill would make again of the same table with the
// same watch, so they can go back into the TLB as long as neither
// changed. n is 0 when the slot holds no entries: pt ran lately, but not
// twice within tlbKept switches, or its entries are back in the TLB. pt
// is nil in a slot never used.
type keptTLB struct {
	pt      *PageTable
	gen     uint64
	watch   Watch
	n       int    // entries held: entries[:n], for the TLB's slots index[:n]
	filled  uint64 // bit i: the TLB's slot i is among them
	used    uint64 // CPU.keptClock when pt last stopped running
	index   [keptEntries]uint8
	entries [keptEntries]tlbEntry
}

// syncTLB makes the TLB that of the CPU's page table at its present
// generation: as it is if nothing changed since it was filled; the
// entries kept for the table if there are some of its generation;
// otherwise empty.
func (c *CPU) syncTLB() {
	var gen uint64
	if c.PT != nil {
		gen = c.PT.Generation()
	}
	if c.PT == c.tlbPT && gen == c.tlbGen {
		return
	}
	if c.PT != c.tlbPT && c.tlbPT != nil {
		c.keep()
	}
	c.tlbPT, c.tlbGen = c.PT, gen
	if k := c.keptOf(c.PT); k != nil && k.n > 0 && k.gen == gen && k.watch == c.watch {
		c.restore(k)
		return
	}
	c.flushTLB() // (entries kept out of date stay until keep copies over them)
}

// keptOf returns the slot of table pt, or nil if it has none.
func (c *CPU) keptOf(pt *PageTable) *keptTLB {
	for i := range c.kept {
		if k := &c.kept[i]; k.pt == pt && pt != nil {
			return k
		}
	}
	return nil
}

// keep is called when tlbPT stops running. If it has a slot, it ran
// lately, and its filled entries (the first keptEntries of them) are
// copied there, for tlbPT at tlbGen.
// Otherwise the slot used least lately becomes its mark, and nothing is
// copied: a table among many does not come back before its mark is gone.
func (c *CPU) keep() {
	c.keptClock++
	k := c.keptOf(c.tlbPT)
	if k == nil {
		k = &c.kept[0]
		for i := range c.kept {
			if s := &c.kept[i]; s.used < k.used {
				k = s
			}
		}
		k.pt, k.n, k.filled, k.used = c.tlbPT, 0, 0, c.keptClock
		return
	}
	k.gen, k.watch, k.used = c.tlbGen, c.watch, c.keptClock
	k.n, k.filled = 0, 0
	for m := c.tlbFilled; m != 0 && k.n < keptEntries; m &= m - 1 {
		i := bits.TrailingZeros64(m)
		k.entries[k.n].copyFrom(&c.tlb[i])
		k.index[k.n] = uint8(i)
		k.n++
		k.filled |= 1 << i
	}
}

// restore makes the TLB hold the entries of k, which are then the TLB's
// alone (k.n becomes 0): it empties the entries filled that k has not
// (the processes of a ping-pong are forks, at the same addresses, so
// these are few), and copies k's over the others.
func (c *CPU) restore(k *keptTLB) {
	c.empty(c.tlbFilled &^ k.filled)
	for j := range k.n {
		c.tlb[k.index[j]].copyFrom(&k.entries[j])
	}
	c.tlbFilled, k.n = k.filled, 0
}

// dropKept forgets every kept entry (Machine.Release: they point into the
// memory it gives away).
func (c *CPU) dropKept() {
	for i := range c.kept {
		k := &c.kept[i]
		for j := range k.entries {
			k.entries[j].page = nil
		}
		k.pt, k.n, k.filled = nil, 0, 0
	}
}

// A Watch says which pages' accesses stop Run (CPU.watch).
type Watch uint8

const (
	WatchNone   Watch = iota // none: Run goes on
	WatchShared              // the shared pages' (PTEShare)
	WatchAll                 // every page's
)

// Covers reports whether w watches the accesses to the page pte maps. It
// is the one statement of the rule: the CPU's TLB and Run apply it, and
// the kernel's access observer sees the accesses it covers.
func (w Watch) Covers(pte PTE) bool {
	return w == WatchAll || w == WatchShared && pte&PTEShare != 0
}

// SetWatch sets which pages' integer loads, stores and atomics stop Run
// (see CPU.watch). The TLB is emptied when it changes, as its entries
// differ (fill).
func (c *CPU) SetWatch(w Watch) {
	if c.watch != w {
		c.watch = w
		c.flushTLB()
	}
}

// flushTLB empties every entry filled since the last flush. A process
// that runs between two context switches touches a few pages (code, stack,
// data), so this clears a few entries, not all 64 (a tenth of a two-process
// ring's time when it cleared them all).
func (c *CPU) flushTLB() {
	c.empty(c.tlbFilled)
	c.tlbFilled = 0
}

// empty empties the entries of the bits of m. Field by field: a
// whole-entry assignment is a typed copy with a bulk write barrier,
// which a seed sweep's collector (running often) made a tenth of its
// time.
func (c *CPU) empty(m uint64) {
	for ; m != 0; m &= m - 1 {
		e := &c.tlb[bits.TrailingZeros64(m)]
		e.tag = [numAccess]uint64{noTag, noTag, noTag}
		e.base, e.page = 0, nil
	}
}

// fill loads the translation of page vpn from the page table into e, the
// entry the page maps to. An unmapped page leaves every tag empty. If the
// CPU watches the page's accesses (CPU.watch), e gets no data tag, so that
// the fast path makes no load or store to it: each one comes to
// translate, which asks translateWatched.
func (c *CPU) fill(e *tlbEntry, vpn uint64) {
	*e = tlbEntry{tag: [numAccess]uint64{noTag, noTag, noTag}}
	c.tlbFilled |= 1 << (vpn & tlbMask)
	if c.PT == nil {
		return
	}
	pte, ok := c.PT.Lookup(vpn << PageShift)
	if !ok || pte&PTEValid == 0 {
		return
	}
	f := pte.Frame()
	if int(f) >= c.Mem.fresh {
		panic("hw: page table maps a frame never allocated")
	}
	e.base = uint64(f) << PageShift
	e.page = c.Mem.page(f)
	watched := c.watch.Covers(pte)
	if pte&PTERead != 0 && !watched {
		e.tag[accRead] = vpn
	}
	// A copy-on-write page has W clear, so a store to it misses here and
	// traps; the kernel copies the frame and sets W.
	if pte&PTEWrite != 0 && !watched {
		e.tag[accWrite] = vpn
	}
	if pte&PTEExec != 0 {
		e.tag[accExec] = vpn
	}
}

// translate returns the physical byte address of the page holding va if the
// page permits acc.
func (c *CPU) translate(va uint64, acc access) (base uint64, ok bool) {
	vpn := va >> PageShift
	e := &c.tlb[vpn&tlbMask]
	if e.tag[acc] != vpn {
		c.fill(e, vpn)
		if e.tag[acc] != vpn {
			if c.watch != WatchNone && acc != accExec {
				return c.translateWatched(e, vpn, acc)
			}
			return 0, false
		}
	}
	return e.base, true
}

// translateWatched is translate for a load or store to a page the CPU
// watches, after fill, which gave e no data tag: the page table says
// whether the page permits acc.
func (c *CPU) translateWatched(e *tlbEntry, vpn uint64, acc access) (base uint64, ok bool) {
	need := PTEValid | PTERead
	if acc == accWrite {
		need = PTEValid | PTEWrite
	}
	if pte, ok := c.PT.Lookup(vpn << PageShift); !ok || pte&need != need {
		return 0, false
	}
	return e.base, true
}

// Loads and stores. The fast path is a TLB hit on an access that stays
// inside its page; the interpreter loop tests for it itself (with tlbEntry
// and inPage, which the Go compiler inlines) and then reads or writes the
// entry's page. Everything else (a miss, a page-straddling access, a
// fault) leaves the loop's switch for execSlow (execute.go), which calls
// loadSlow/storeSlow; these on failure return false and leave the faulting
// virtual address in c.faultVA.
//
// Misaligned accesses are not faults: Linux emulates them for user programs
// (arch/riscv/kernel/traps_misaligned.c), so a program sees them succeed.

// tlbEntry returns the TLB entry that would hold the translation of va. The
// access hits if the entry's tag for the access is va's page number.
func (c *CPU) tlbEntry(va uint64) *tlbEntry {
	return &c.tlb[va>>PageShift&tlbMask]
}

// inPage reports whether a size-byte access at va stays within va's page.
func inPage(va, size uint64) bool { return va&pageMask <= PageSize-size }

// wrote keeps the decoded-instruction cache honest after the CPU stored
// size bytes at physical address pa, all within one frame: the decoded slots
// those bytes overlap are forgotten, so self-modifying code executes its new
// instructions. Testing for nil first keeps a store to a data frame down to
// one load.
func (c *CPU) wrote(pa, size uint64) {
	if p := c.Mem.decoded[pa>>PageShift]; p != nil {
		p.forget(pa&pageMask, size)
	}
}

// loadSlow performs a load of size bytes that missed the TLB or crosses into
// the next page. A straddling load checks both pages before it reads.
func (c *CPU) loadSlow(va, size uint64) (uint64, bool) {
	var buf [8]byte
	if !c.copyIn(buf[:size], va) {
		return 0, false
	}
	return binary.LittleEndian.Uint64(buf[:]), true
}

// copyIn reads len(dst) <= PageSize bytes at va through the page table, or
// records the first faulting address and returns false.
func (c *CPU) copyIn(dst []byte, va uint64) bool {
	size := uint64(len(dst))
	off := va & pageMask
	base, ok := c.translate(va, accRead)
	if !ok {
		c.faultVA = va
		return false
	}
	if off+size <= PageSize {
		copy(dst, c.physPage(base)[off:])
		return true
	}
	n := PageSize - off // bytes in the first page
	base2, ok := c.translate(va+n, accRead)
	if !ok {
		c.faultVA = va + n
		return false
	}
	copy(dst[:n], c.physPage(base)[off:])
	copy(dst[n:], c.physPage(base2)[:])
	return true
}

// storeSlow performs a store of size bytes that missed the TLB or crosses
// into the next page. Both pages are checked before either is written, so a
// fault leaves memory untouched (precise traps).
func (c *CPU) storeSlow(va, size, v uint64) bool {
	var buf [8]byte
	binary.LittleEndian.PutUint64(buf[:], v)
	off := va & pageMask
	base, ok := c.translate(va, accWrite)
	if !ok {
		c.faultVA = va
		return false
	}
	if off+size <= PageSize {
		copy(c.physPage(base)[off:], buf[:size])
		c.wrote(base+off, size)
		return true
	}
	n := PageSize - off
	base2, ok := c.translate(va+n, accWrite)
	if !ok {
		c.faultVA = va + n
		return false
	}
	copy(c.physPage(base)[off:], buf[:n])
	copy(c.physPage(base2)[:], buf[n:size])
	c.wrote(base+off, n)
	c.wrote(base2, size-n)
	return true
}

package proc

import (
	"errors"
	"fmt"
	"slices"

	"ipcsim/hw"
)

// The layout of a user address space (Sv39 user half, as Linux riscv64).
const (
	// UserLimit is the first address that is not user memory: the top of
	// Sv39's lower half, 256 GiB.
	UserLimit = 1 << 38
	// StackTop is where the initial stack ends (exclusive). Linux places it
	// just below the limit, minus a random offset; ipcsim uses no randomness
	// here so that addresses in traces are the same on every run.
	StackTop = UserLimit - hw.PageSize
	// StackMax is RLIMIT_STACK's default, 8 MiB: how far the stack may grow.
	StackMax = 8 << 20
	// stackInitial is how much stack execve maps at first (Linux's
	// setup_arg_pages expands the stack to 128 KiB).
	stackInitial = 128 << 10
	// mmapTop is where mmap's top-down search starts: below the stack and
	// a gap of 128 MiB, as Linux's mmap_base computes for a default rlimit.
	mmapTop = UserLimit - 128<<20
	// VDSOBase is where execve maps the [vdso] page, just above the mmap
	// area: it holds the trampoline a signal handler returns through.
	VDSOBase = mmapTop
)

// Memory is the machine's physical memory as the kernel accounts for it.
//
// Every private page a process may need is charged ("committed") when its
// mapping is made: by execve, brk, mmap, stack growth and fork. A mapping
// that would push the total above the number of frames fails with ENOMEM
// at once, as Linux does with strict overcommit accounting
// (vm.overcommit_memory=2), so a page fault never finds physical memory
// exhausted and the failure shows up where a program can handle it.
type Memory struct {
	Phys      *hw.PhysMem
	committed int // pages charged by all address spaces
}

// NewMemory accounts for phys.
func NewMemory(phys *hw.PhysMem) *Memory { return &Memory{Phys: phys} }

// Committed returns the pages charged so far.
func (m *Memory) Committed() int { return m.committed }

func (m *Memory) commit(pages int) bool {
	if m.committed+pages > m.Phys.Frames() {
		return false
	}
	m.committed += pages
	return true
}

func (m *Memory) uncommit(pages int) { m.committed -= pages }

// A VMA is a virtual memory area: a page-aligned range of addresses with one
// set of permissions (a line of /proc/PID/maps).
type VMA struct {
	Start, End uint64 // [Start, End), page aligned
	Prot       hw.PTE // hw.PTERead|PTEWrite|PTEExec
	Shared     bool   // MAP_SHARED: frames are shared, never copied on write
	Name       string // "[heap]", "[stack]", "[anon]" or the program's path
	// Obj backs a shared area: page Off of Obj is mapped at Start.
	Obj *Shared
	Off int
	// Tag lets the kernel recognise its areas (a shm segment's id).
	Tag any
	// NoWrite: mprotect may not make the area writable (Linux's VM_MAYWRITE
	// clear: a segment attached with SHM_RDONLY).
	NoWrite bool
}

// allowed returns the accesses the area permits: its permissions, with
// read added to write, as RISC-V reserves W without R and Linux riscv64
// maps PROT_WRITE alone readable (pteFor).
func (v *VMA) allowed() hw.PTE {
	if v.Prot&hw.PTEWrite != 0 {
		return v.Prot | hw.PTERead
	}
	return v.Prot
}

// Pages returns the number of pages the area spans.
func (v *VMA) Pages() int { return int((v.End - v.Start) / hw.PageSize) }

func (v *VMA) String() string {
	perm := []byte("---p")
	if v.Prot&hw.PTERead != 0 {
		perm[0] = 'r'
	}
	if v.Prot&hw.PTEWrite != 0 {
		perm[1] = 'w'
	}
	if v.Prot&hw.PTEExec != 0 {
		perm[2] = 'x'
	}
	if v.Shared {
		perm[3] = 's'
	}
	return fmt.Sprintf("%012x-%012x %s %s", v.Start, v.End, perm, v.Name)
}

// AddressSpace is a process's memory: its areas and its page table (the mm
// of Linux). Pages are filled on demand: an area's page gets a frame at its
// first touch (a page fault), except for pages execve fills from the file.
type AddressSpace struct {
	// pt is the page table (PT), kept in the address space's own
	// allocation (its first two cache lines, of the three of Go's 192-byte
	// class), so that a lookup after a context switch, which usually hits
	// the table's recent translations, reads the address space's lines
	// rather than another object's (BenchmarkRing/10000, whose 10,000
	// tables are all cold in the host's caches).
	pt       hw.PageTable
	mem      *Memory
	vmas     []*VMA // sorted by Start, never overlapping
	BrkStart uint64 // start of the heap (the end of the program's data)
	Brk      uint64 // current program break (brk(2))
	charged  int    // pages this space has committed
}

// NewAddressSpace returns an empty address space.
func NewAddressSpace(mem *Memory) *AddressSpace {
	return &AddressSpace{mem: mem}
}

// PT returns the address space's page table.
func (as *AddressSpace) PT() *hw.PageTable { return &as.pt }

// VMAs returns the areas in address order.
func (as *AddressSpace) VMAs() []*VMA { return as.vmas }

// ErrNoMemory reports that a mapping could not be committed (ENOMEM).
var ErrNoMemory = errors.New("out of memory")

// find returns the area holding va, or nil.
func (as *AddressSpace) find(va uint64) *VMA {
	i, found := slices.BinarySearchFunc(as.vmas, va, func(v *VMA, va uint64) int {
		switch {
		case va < v.Start:
			return 1
		case va >= v.End:
			return -1
		}
		return 0
	})
	if !found {
		return nil
	}
	return as.vmas[i]
}

// AreaAt returns the area holding va, or nil (for an observer such as a
// watch, which asks which segment a store goes to).
func (as *AddressSpace) AreaAt(va uint64) *VMA { return as.find(va) }

// named returns the area called name ("[heap]", "[stack]"), or nil.
func (as *AddressSpace) named(name string) *VMA {
	for i := len(as.vmas) - 1; i >= 0; i-- {
		if as.vmas[i].Name == name {
			return as.vmas[i]
		}
	}
	return nil
}

// Free reports whether no area overlaps [start, end).
func (as *AddressSpace) Free(start, end uint64) bool {
	for _, v := range as.vmas {
		if v.Start < end && start < v.End {
			return false
		}
	}
	return true
}

// Map adds an area [start, end) (page aligned, free) and commits its pages.
func (as *AddressSpace) Map(v *VMA) error {
	if !v.Shared {
		if !as.mem.commit(v.Pages()) {
			return ErrNoMemory
		}
		as.charged += v.Pages()
	}
	i, _ := slices.BinarySearchFunc(as.vmas, v.Start, func(x *VMA, s uint64) int {
		switch {
		case x.Start < s:
			return -1
		case x.Start > s:
			return 1
		}
		return 0
	})
	as.vmas = slices.Insert(as.vmas, i, v)
	if v.Obj != nil {
		v.Obj.Ref()
		v.Obj.users(1)
	}
	return nil
}

// Unmap removes every page of [start, end) from the address space: areas are
// trimmed or split, frames released, commitments returned (munmap(2)).
func (as *AddressSpace) Unmap(start, end uint64) {
	var out []*VMA
	for _, v := range as.vmas {
		if v.End <= start || end <= v.Start {
			out = append(out, v)
			continue
		}
		lo, hi := max(v.Start, start), min(v.End, end)
		for va := lo; va < hi; va += hw.PageSize {
			if p, ok := as.PT().Unmap(va); ok {
				as.mem.Phys.Unref(p.Frame())
			}
		}
		if !v.Shared {
			n := int((hi - lo) / hw.PageSize)
			as.mem.uncommit(n)
			as.charged -= n
		}
		pieces := 0
		if v.Start < lo {
			left := *v
			left.End = lo
			out = append(out, &left)
			pieces++
		}
		if hi < v.End {
			right := *v
			right.Start = hi
			right.Off += int((hi - v.Start) / hw.PageSize)
			out = append(out, &right)
			pieces++
		}
		if v.Obj != nil {
			// The area was one user of its shared memory; it is now
			// pieces of them (0: gone, 2: split in two).
			for range pieces {
				v.Obj.Ref()
			}
			if pieces != 1 {
				v.Obj.users(pieces - 1)
			}
			v.Obj.Unref()
		}
	}
	as.vmas = out
}

// Mapped reports whether every page of [start, end) is in an area.
func (as *AddressSpace) Mapped(start, end uint64) bool {
	covered := start
	for _, v := range as.vmas {
		if v.End <= covered || end <= v.Start {
			continue
		}
		if v.Start > covered {
			return false
		}
		covered = v.End
		if covered >= end {
			return true
		}
	}
	return covered >= end
}

// ErrFileBacked reports an area whose pages come from a program file:
// Discard cannot refill them (ipcsim keeps no file behind a private
// mapping once loaded).
var ErrFileBacked = errors.New("private file-backed mapping")

// Discard drops the pages of [start, end) from the page table (madvise
// MADV_DONTNEED): the next access to an anonymous private page finds it
// zero-filled again, to a shared one the object's page as it is. The
// areas stay. It returns ErrNoMemory if part of the range is not mapped
// (the mapped parts are discarded anyway, as Linux does), ErrFileBacked
// if part of it is a private mapping of the program file.
func (as *AddressSpace) Discard(start, end uint64) error {
	var err error
	covered := start
	for _, v := range as.vmas {
		if v.End <= start || end <= v.Start {
			continue
		}
		if v.Start > covered {
			err = ErrNoMemory
		}
		lo, hi := max(v.Start, start), min(v.End, end)
		covered = max(covered, hi)
		if v.Obj == nil && v.Name != "[anon]" && v.Name != "[heap]" && v.Name != "[stack]" {
			return ErrFileBacked
		}
		for va := lo; va < hi; va += hw.PageSize {
			if p, ok := as.PT().Unmap(va); ok {
				as.mem.Phys.Unref(p.Frame())
			}
		}
	}
	if covered < end {
		err = ErrNoMemory
	}
	return err
}

// Release unmaps everything (exit, execve).
func (as *AddressSpace) Release() {
	as.Unmap(0, UserLimit)
	as.vmas = nil
}

// ErrAccess reports a permission mprotect may not grant (EACCES).
var ErrAccess = errors.New("permission denied")

// Protect sets the permissions of every page of [start, end) to prot
// (mprotect(2)), splitting areas at start and end. As Linux's
// do_mprotect_pkey, it walks the areas from start upwards and stops at the
// first hole, leaving the areas before the hole changed: ErrNoMemory if
// [start, end) is not all mapped ("ENOMEM: ... specify one or more pages
// that are not mapped"), ErrAccess if an area may not become writable.
//
// Pages already present get their new entries at once (the CPU's TLB sees
// the page table's generation move). A private page that becomes writable
// while its frame is still shared with another address space after a fork
// stays write-protected as a copy-on-write page, so that the first write
// copies it.
func (as *AddressSpace) Protect(start, end uint64, prot hw.PTE) error {
	v := as.find(start)
	if v == nil {
		return ErrNoMemory
	}
	// Check first (Linux checks each area before changing it, and stops
	// at the first that fails; the areas before it stay changed).
	next := start
	var err error
	var todo []*VMA
	for _, v := range as.vmas {
		if v.End <= next || v.Start >= end {
			continue
		}
		if v.Start > next {
			err = ErrNoMemory // a hole
			break
		}
		if prot&hw.PTEWrite != 0 && v.NoWrite {
			err = ErrAccess
			break
		}
		todo = append(todo, v)
		next = v.End
	}
	if err == nil && next < end {
		err = ErrNoMemory // the range runs past the last area
	}
	for _, v := range todo {
		as.protectArea(v, max(v.Start, start), min(v.End, end), prot)
	}
	as.merge(start, end)
	return err
}

// protectArea gives [lo, hi), which lies inside v, the permissions prot,
// splitting v into up to three areas.
func (as *AddressSpace) protectArea(v *VMA, lo, hi uint64, prot hw.PTE) {
	if v.Prot == prot {
		return
	}
	mid := v
	if v.Start < lo {
		right := as.splitAt(v, lo)
		mid = right
	}
	if hi < mid.End {
		as.splitAt(mid, hi)
	}
	mid.Prot = prot
	phys := as.mem.Phys
	for va := mid.Start; va < mid.End; va += hw.PageSize {
		pte, ok := as.PT().Lookup(va)
		if !ok {
			continue
		}
		f := pte.Frame()
		npte := as.pteFor(mid, f)
		if !mid.Shared && npte&hw.PTEWrite != 0 && (pte&hw.PTECOW != 0 || phys.Refs(f) > 1) {
			npte = npte&^hw.PTEWrite | hw.PTECOW
		}
		if npte != pte {
			as.PT().Map(va, npte)
		}
	}
}

// splitAt splits v at addr (strictly inside it) and returns the new upper
// part, inserted after v. A shared area's memory object gets one more user,
// as Linux's shm_open counts the new area.
func (as *AddressSpace) splitAt(v *VMA, addr uint64) *VMA {
	right := *v
	right.Start = addr
	right.Off += int((addr - v.Start) / hw.PageSize)
	v.End = addr
	i := slices.Index(as.vmas, v)
	as.vmas = slices.Insert(as.vmas, i+1, &right)
	if v.Obj != nil {
		v.Obj.Ref()
		v.Obj.users(1)
	}
	return &right
}

// merge joins neighbouring private areas around [start, end) that differ
// in nothing but their addresses, as Linux's vma_merge does after mprotect
// (so that undoing an mprotect leaves one area again). Areas of shared
// memory objects are never merged (Linux: is_mergeable_vma refuses an area
// whose vm_ops has a close).
func (as *AddressSpace) merge(start, end uint64) {
	out := as.vmas[:0]
	for _, v := range as.vmas {
		if n := len(out); n > 0 {
			prev := out[n-1]
			if prev.End == v.Start && prev.End >= start && v.Start <= end && mergeable(prev, v) {
				prev.End = v.End
				continue
			}
		}
		out = append(out, v)
	}
	clear(as.vmas[len(out):])
	as.vmas = out
}

func mergeable(a, b *VMA) bool {
	return a.Prot == b.Prot && a.Shared == b.Shared && a.Name == b.Name &&
		a.Obj == nil && b.Obj == nil && a.Tag == nil && b.Tag == nil && a.NoWrite == b.NoWrite
}

// FindFree returns the highest free page-aligned range of length bytes below
// mmapTop, as Linux's top-down mmap layout does, or false.
func (as *AddressSpace) FindFree(length uint64) (uint64, bool) {
	top := uint64(mmapTop)
	for i := len(as.vmas) - 1; i >= 0; i-- {
		v := as.vmas[i]
		if v.Start >= top {
			continue
		}
		if v.End <= top && top-v.End >= length {
			return top - length, true
		}
		top = min(top, v.Start)
	}
	if top >= length+hw.PageSize { // never map page 0
		return top - length, true
	}
	return 0, false
}

// FaultKind says how a page fault was resolved.
type FaultKind uint8

const (
	FaultZeroFill  FaultKind = iota + 1 // first touch: a fresh zeroed frame
	FaultCOWCopy                        // write to a shared copy-on-write frame: copied
	FaultCOWReuse                       // write to a copy-on-write frame nobody else uses: made writable
	FaultStackGrow                      // below the stack: the stack grew, then zero-filled
	FaultSpurious                       // the page was already accessible
	FaultShared                         // shared memory whose page another mapping already filled
)

func (k FaultKind) String() string {
	return [...]string{"", "zero-fill", "copy-on-write copy", "copy-on-write reuse", "stack growth", "spurious", "shared page, already filled"}[k]
}

// Access is the kind of memory access that faulted.
type Access uint8

const (
	Read Access = iota
	Write
	Exec
)

func (a Access) String() string { return [...]string{"read", "write", "exec"}[a] }

// A SegvError is a fault the address space cannot resolve: the process gets
// SIGSEGV with si_code SEGV_MAPERR (no area) or SEGV_ACCERR (permissions).
type SegvError struct {
	Addr   uint64
	Access Access
	Mapped bool // an area holds Addr, but does not allow the access
}

func (e *SegvError) Error() string {
	if e.Mapped {
		return fmt.Sprintf("%s at %#x not permitted", e.Access, e.Addr)
	}
	return fmt.Sprintf("%s at %#x: no mapping", e.Access, e.Addr)
}

var protNeeded = [...]hw.PTE{Read: hw.PTERead, Write: hw.PTEWrite, Exec: hw.PTEExec}

// Fault resolves a page fault at va for the given access. It returns how, or
// a *SegvError, or ErrNoMemory (which the commit accounting should make
// impossible; the kernel treats it as the OOM killer would).
func (as *AddressSpace) Fault(va uint64, acc Access) (FaultKind, error) {
	v := as.find(va)
	grew := false
	if v == nil {
		var ok bool
		if v, ok = as.growStack(va); !ok {
			return 0, &SegvError{Addr: va, Access: acc}
		}
		grew = true
	}
	if v.allowed()&protNeeded[acc] == 0 {
		return 0, &SegvError{Addr: va, Access: acc, Mapped: true}
	}
	phys := as.mem.Phys
	pte, present := as.PT().Lookup(va)
	switch {
	case !present && v.Obj != nil:
		// Shared memory: every mapping uses the object's frame for this
		// page, allocated by whoever touches it first.
		page := v.Off + int((va-v.Start)/hw.PageSize)
		kind := FaultShared
		if !v.Obj.have[page] {
			kind = FaultZeroFill
		}
		f, err := v.Obj.frame(page)
		if err != nil {
			return 0, err
		}
		phys.Ref(f)
		as.PT().Map(va, as.pteFor(v, f))
		return kind, nil
	case !present:
		f, ok := phys.Alloc()
		if !ok {
			return 0, ErrNoMemory
		}
		as.PT().Map(va, as.pteFor(v, f))
		if grew {
			return FaultStackGrow, nil
		}
		return FaultZeroFill, nil
	case acc == Write && pte&hw.PTECOW != 0:
		old := pte.Frame()
		if phys.Refs(old) == 1 {
			// The other sharers have gone: the page is ours alone.
			as.PT().Map(va, as.pteFor(v, old))
			return FaultCOWReuse, nil
		}
		f, ok := phys.Alloc()
		if !ok {
			return 0, ErrNoMemory
		}
		copy(phys.Bytes(f), phys.Bytes(old))
		phys.Unref(old)
		as.PT().Map(va, as.pteFor(v, f))
		return FaultCOWCopy, nil
	}
	return FaultSpurious, nil
}

// pteFor returns the entry mapping frame f with the area's permissions.
// RISC-V reserves W without R, so a write-only area is mapped R|W, as Linux
// riscv64 maps PROT_WRITE.
func (as *AddressSpace) pteFor(v *VMA, f hw.Frame) hw.PTE {
	bits := v.Prot
	if bits&hw.PTEWrite != 0 {
		bits |= hw.PTERead
	}
	if v.Shared {
		bits |= hw.PTEShare
	}
	return hw.MakePTE(f, bits)
}

// growStack extends the stack area down to cover va if va lies within
// RLIMIT_STACK of the stack's top and nothing else is mapped in between.
func (as *AddressSpace) growStack(va uint64) (*VMA, bool) {
	// The lowest area of the stack (mprotect may have split it) is the one
	// that grows.
	var st *VMA
	for _, v := range as.vmas {
		if v.Name == "[stack]" {
			st = v
			break
		}
	}
	if st == nil || va >= st.Start || va < StackTop-StackMax {
		return nil, false
	}
	lo := hw.PageDown(va)
	if !as.Free(lo, st.Start) {
		return nil, false
	}
	n := int((st.Start - lo) / hw.PageSize)
	if !as.mem.commit(n) {
		return nil, false
	}
	as.charged += n
	st.Start = lo
	return st, true
}

// Fork returns a copy-on-write copy of the address space (fork(2)): private
// pages become read-only in both and are copied by the first writer;
// shared areas stay shared. It fails with ErrNoMemory if the child's private
// pages cannot be committed.
func (as *AddressSpace) Fork() (*AddressSpace, error) {
	if !as.mem.commit(as.charged) {
		return nil, ErrNoMemory
	}
	c := &AddressSpace{mem: as.mem, BrkStart: as.BrkStart, Brk: as.Brk, charged: as.charged}
	for _, v := range as.vmas {
		cv := *v
		c.vmas = append(c.vmas, &cv)
		if v.Obj != nil {
			v.Obj.Ref()
			v.Obj.users(1)
		}
	}
	for _, m := range as.PT().Pages() {
		pte := m.PTE
		if pte&hw.PTEShare == 0 && pte&(hw.PTEWrite|hw.PTECOW) != 0 {
			pte = pte&^hw.PTEWrite | hw.PTECOW
			as.PT().Map(m.VA, pte)
		}
		as.mem.Phys.Ref(pte.Frame())
		c.PT().Map(m.VA, pte)
	}
	return c, nil
}

// SetBrk moves the program break (brk(2)). As the Linux system call does, it
// returns the new break on success and the old one on failure: a request
// below the start of the heap, into another mapping, or beyond memory.
func (as *AddressSpace) SetBrk(addr uint64) uint64 {
	if addr < as.BrkStart || addr >= mmapTop {
		return as.Brk
	}
	oldEnd, newEnd := hw.PageUp(as.Brk), hw.PageUp(addr)
	switch {
	case newEnd > oldEnd:
		if !as.Free(oldEnd, newEnd) {
			return as.Brk
		}
		if heap := as.named("[heap]"); heap != nil && heap.End == oldEnd {
			n := int((newEnd - oldEnd) / hw.PageSize)
			if !as.mem.commit(n) {
				return as.Brk
			}
			as.charged += n
			heap.End = newEnd
		} else if err := as.Map(&VMA{Start: oldEnd, End: newEnd, Prot: hw.PTERead | hw.PTEWrite, Name: "[heap]"}); err != nil {
			return as.Brk
		}
	case newEnd < oldEnd:
		as.Unmap(newEnd, oldEnd)
	}
	as.Brk = addr
	return addr
}

// ErrFault reports a user pointer the kernel may not use (EFAULT).
var ErrFault = errors.New("bad address")

// page returns the frame bytes holding va for an access by the kernel on
// behalf of the process, faulting the page in as the CPU would (demand
// fill, copy-on-write) so that copy_to_user and a user store see the same
// memory.
func (as *AddressSpace) page(va uint64, acc Access) ([]byte, hw.Frame, error) {
	need := protNeeded[acc]
	if acc == Write {
		need |= hw.PTERead
	}
	pte, ok := as.PT().Lookup(va)
	if !ok || pte&need != need {
		if _, err := as.Fault(va, acc); err != nil {
			return nil, 0, ErrFault
		}
		if pte, ok = as.PT().Lookup(va); !ok || pte&need != need {
			return nil, 0, ErrFault
		}
	}
	f := pte.Frame()
	return as.mem.Phys.Bytes(f), f, nil
}

// ReadBytes copies len(dst) bytes at user address va into dst.
func (as *AddressSpace) ReadBytes(va uint64, dst []byte) error {
	return as.copyIn(va, dst, false)
}

// readPage returns the bytes of the page holding va for a read: faulting it
// in as the CPU would, or, if peek, without side effects (peek.go).
func (as *AddressSpace) readPage(va uint64, peek bool) ([]byte, error) {
	if peek {
		b, ok := as.peekPage(va, Read)
		if !ok {
			return nil, ErrFault
		}
		return b, nil
	}
	b, _, err := as.page(va, Read)
	return b, err
}

// copyIn copies len(dst) bytes at user address va into dst (ReadBytes,
// PeekBytes).
func (as *AddressSpace) copyIn(va uint64, dst []byte, peek bool) error {
	for len(dst) > 0 {
		if va >= UserLimit {
			return ErrFault
		}
		b, err := as.readPage(va, peek)
		if err != nil {
			return err
		}
		n := copy(dst, b[va&(hw.PageSize-1):])
		dst, va = dst[n:], va+uint64(n)
	}
	return nil
}

// WriteBytes copies src to user address va.
func (as *AddressSpace) WriteBytes(va uint64, src []byte) error {
	for len(src) > 0 {
		if va >= UserLimit {
			return ErrFault
		}
		b, f, err := as.page(va, Write)
		if err != nil {
			return err
		}
		as.mem.Phys.Invalidate(f)
		n := copy(b[va&(hw.PageSize-1):], src)
		src, va = src[n:], va+uint64(n)
	}
	return nil
}

// ReadString reads a NUL-terminated string of at most max bytes (without
// the NUL) at va. ok is false if no NUL came within max+1 bytes.
func (as *AddressSpace) ReadString(va uint64, max int) (s string, ok bool, err error) {
	return as.stringIn(va, max, false)
}

// stringIn reads a NUL-terminated string at va (ReadString, PeekString).
func (as *AddressSpace) stringIn(va uint64, max int, peek bool) (s string, ok bool, err error) {
	var buf []byte
	for len(buf) <= max {
		if va >= UserLimit {
			return "", false, ErrFault
		}
		b, err := as.readPage(va, peek)
		if err != nil {
			return "", false, err
		}
		chunk := b[va&(hw.PageSize-1):]
		for i, c := range chunk {
			if c == 0 {
				buf = append(buf, chunk[:i]...)
				if len(buf) > max {
					return "", false, nil
				}
				return string(buf), true, nil
			}
		}
		buf = append(buf, chunk...)
		va += uint64(len(chunk))
	}
	return "", false, nil
}

// MapStack maps the initial stack area below StackTop (execve): 128 KiB,
// or down to lowest if the arguments need more.
func (as *AddressSpace) MapStack(lowest uint64) error {
	start := min(uint64(StackTop-stackInitial), hw.PageDown(lowest))
	return as.Map(&VMA{Start: start, End: StackTop, Prot: hw.PTERead | hw.PTEWrite, Name: "[stack]"})
}

// vdsoCode is the sigreturn trampoline of the [vdso] page (Linux's
// __vdso_rt_sigreturn): li a7, 139 (SYS_rt_sigreturn); ecall.
var vdsoCode = []byte{0x93, 0x08, 0xb0, 0x08, 0x73, 0x00, 0x00, 0x00}

// MapVDSO maps the [vdso] page at VDSOBase (execve).
func (as *AddressSpace) MapVDSO() error {
	if err := as.Map(&VMA{Start: VDSOBase, End: VDSOBase + hw.PageSize, Prot: hw.PTERead | hw.PTEExec, Name: "[vdso]"}); err != nil {
		return err
	}
	return as.Fill(VDSOBase, vdsoCode)
}

// Fill copies data to va inside a mapped area regardless of the area's
// permissions, giving pages their frames: execve uses it to load a
// program's read-only text and to lay out the initial stack.
//
// Preconditions: [va, va+len(data)) lies inside areas of this space.
func (as *AddressSpace) Fill(va uint64, data []byte) error {
	phys := as.mem.Phys
	for len(data) > 0 {
		v := as.find(va)
		if v == nil {
			return ErrFault
		}
		pte, ok := as.PT().Lookup(va)
		if !ok {
			f, ok := phys.Alloc()
			if !ok {
				return ErrNoMemory
			}
			pte = as.pteFor(v, f)
			as.PT().Map(va, pte)
		}
		f := pte.Frame()
		phys.Invalidate(f)
		n := copy(phys.Bytes(f)[va&(hw.PageSize-1):], data)
		data, va = data[n:], va+uint64(n)
	}
	return nil
}

// Charged returns the pages this space has committed (kernel invariant
// checks: the Memory's total is the sum over spaces and shared objects).
func (as *AddressSpace) Charged() int { return as.charged }

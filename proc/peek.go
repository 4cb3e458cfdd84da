package proc

import (
	"encoding/binary"

	"ipcsim/hw"
)

// Peeking: reading a process's memory for an observer (the trace, a
// debugger view) without changing anything the process or the kernel can
// see. ReadBytes reads as the process's own load would, so it faults pages
// in: an untouched page gets a zeroed frame, the stack grows. A trace that
// did that would change the run it shows (a later fault gets another frame,
// a later mapping fails with ENOMEM), so the observer peeks instead:
//
//   - a present page reads from its frame, if its entry allows the access;
//   - an untouched page of an area that allows the access reads as zeros
//     (what its first touch would give it), or, in shared memory, as the
//     frame another mapping already filled;
//   - anything else (no area, no permission, beyond the stack's current
//     bottom) is unreadable, ErrFault.
//
// No frame is allocated or referenced, no page-table entry, copy-on-write
// state or commitment changes, and the CPU's TLB and decoded-instruction
// cache are not touched: the page table's generation stays the same.

// zeroPage is what an untouched demand-zero page holds. Peeks only copy
// from it.
var zeroPage [hw.PageSize]byte

// peekPage returns the bytes of the page holding va as an access acc by the
// process would find them, without faulting, or false if that access would
// fail.
func (as *AddressSpace) peekPage(va uint64, acc Access) ([]byte, bool) {
	if va >= UserLimit {
		return nil, false
	}
	need := protNeeded[acc]
	if pte, ok := as.PT().Lookup(va); ok {
		if pte&need == 0 {
			return nil, false
		}
		return as.mem.Phys.Bytes(pte.Frame()), true
	}
	// Not present: Fault would fill it from the area, if the area allows
	// the access. Stack growth is left out, as Linux's remote accesses
	// (process_vm_readv, which strace uses) no longer expand the stack.
	v := as.find(va)
	if v == nil || v.allowed()&need == 0 {
		return nil, false
	}
	if v.Obj != nil {
		page := v.Off + int((va-v.Start)/hw.PageSize)
		if v.Obj.have[page] {
			return as.mem.Phys.Bytes(v.Obj.frames[page]), true
		}
	}
	return zeroPage[:], true
}

// PeekBytes copies len(dst) bytes at user address va into dst, as
// ReadBytes does but without side effects (see peekPage). It returns
// ErrFault if some page would not be readable.
func (as *AddressSpace) PeekBytes(va uint64, dst []byte) error {
	return as.copyIn(va, dst, true)
}

// PeekString reads a NUL-terminated string as ReadString does but without
// side effects (see peekPage).
func (as *AddressSpace) PeekString(va uint64, max int) (s string, ok bool, err error) {
	return as.stringIn(va, max, true)
}

// PeekInstruction returns the instruction at va as an instruction fetch
// would find it, without side effects (see peekPage): a 4-byte word, or a
// compressed instruction's 16-bit parcel (word&3 != 3). va must be 2-aligned
// on a page the process may execute, and so must the next page if a 4-byte
// instruction crosses into it.
func (as *AddressSpace) PeekInstruction(va uint64) (uint32, bool) {
	return hw.FetchParcels(va, as.peekParcel)
}

// peekParcel reads the 16-bit parcel at 2-aligned va for PeekInstruction.
func (as *AddressSpace) peekParcel(va uint64) (uint16, bool) {
	b, ok := as.peekPage(va, Exec)
	if !ok {
		return 0, false
	}
	return binary.LittleEndian.Uint16(b[va&(hw.PageSize-1):]), true
}

// Peek copies shared memory from byte off into dst for an observer (inspect),
// through the frames of its pages, without side effects: a page no mapping
// has touched reads as zeros, what its first touch would give it, and gets
// no frame. Bytes past the end are left alone; Peek returns how many it
// copied.
func (s *Shared) Peek(off uint64, dst []byte) int {
	n := 0
	for n < len(dst) {
		page := (off + uint64(n)) / hw.PageSize
		if page >= uint64(len(s.frames)) {
			break
		}
		src := zeroPage[:]
		if s.have[page] {
			src = s.mem.Phys.Bytes(s.frames[page])
		}
		n += copy(dst[n:], src[(off+uint64(n))%hw.PageSize:])
	}
	return n
}

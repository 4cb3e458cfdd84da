package kernel

import (
	"fmt"
	"ipcsim/abi"
	"ipcsim/hw"
	"ipcsim/proc"
)

func init() {
	register(map[abi.Sysno]sysEntry{
		abi.SysBrk:      {sysBrk, "x", noSleep},
		abi.SysMmap:     {sysMmap, "xuPMdu", noSleep},
		abi.SysMunmap:   {sysMunmap, "xu", noSleep},
		abi.SysMprotect: {sysMprotect, "xuP", noSleep},
		abi.SysMadvise:  {sysMadvise, "xud", noSleep},
	})
}

// brk(2): the raw system call returns the new break, or the old one when
// the request cannot be met (the C library turns that into ENOMEM).
func sysBrk(c *call) (int64, error) {
	return int64(c.t.AS.SetBrk(c.a[0])), nil
}

// mmapMinAddr is vm.mmap_min_addr: hints below it are not honoured.
const mmapMinAddr = 4096

// mmap(2): (addr, length, prot, flags, fd, offset). Anonymous memory,
// private (copy-on-write after fork) or shared (MAP_SHARED: one memory
// object that every process forked from the mapper sees).
func sysMmap(c *call) (int64, error) {
	addr, length, prot, flags, off := c.a[0], c.a[1], c.a[2], c.a[3], c.a[5]
	// "EINVAL: We don't like addr, length, or offset (e.g., they are too
	// large, or not aligned on a page boundary)." - mmap(2)
	if off%hw.PageSize != 0 || length == 0 {
		return 0, abi.EINVAL
	}
	if prot&^(abi.PROT_READ|abi.PROT_WRITE|abi.PROT_EXEC|0x8 /* PROT_SEM */) != 0 {
		return 0, abi.EINVAL
	}
	shared := false
	switch flags & abi.MAP_TYPE {
	case abi.MAP_PRIVATE:
	case abi.MAP_SHARED, abi.MAP_SHARED_VALIDATE:
		shared = true
	default:
		return 0, abi.EINVAL
	}
	if flags&abi.MAP_ANONYMOUS == 0 {
		// A file mapping: the only files so far (terminal, host streams)
		// cannot be mapped.
		if _, err := c.file(int32(c.a[4])); err != nil {
			return 0, err
		}
		return 0, abi.ENODEV
	}
	size := hw.PageUp(length)
	if size == 0 || size > proc.UserLimit {
		return 0, abi.ENOMEM
	}
	as := c.t.AS
	switch {
	case flags&(abi.MAP_FIXED|abi.MAP_FIXED_NOREPLACE) != 0:
		if addr%hw.PageSize != 0 {
			return 0, abi.EINVAL
		}
		if addr < mmapMinAddr || addr+size > proc.UserLimit || addr+size < addr {
			return 0, abi.ENOMEM
		}
		if flags&abi.MAP_FIXED == 0 && !as.Free(addr, addr+size) {
			return 0, abi.EEXIST
		}
		as.Unmap(addr, addr+size)
	case addr != 0 && hw.PageDown(addr) >= mmapMinAddr && hw.PageDown(addr)+size <= proc.UserLimit && as.Free(hw.PageDown(addr), hw.PageDown(addr)+size):
		addr = hw.PageDown(addr) // the hint is free: take it
	default:
		var ok bool
		if addr, ok = as.FindFree(size); !ok {
			return 0, abi.ENOMEM
		}
	}
	v := &proc.VMA{Start: addr, End: addr + size, Prot: protBits(prot), Name: "[anon]"}
	if shared {
		obj, err := c.t.k.mem.NewShared(int(size / hw.PageSize))
		if err != nil {
			return 0, abi.ENOMEM
		}
		v.Shared, v.Obj, v.Name = true, obj, "[anon shared]"
		defer obj.Unref() // the area holds it from now on
	}
	if err := as.Map(v); err != nil {
		return 0, abi.ENOMEM
	}
	return int64(addr), nil
}

// munmap(2): (addr, length). Unmapping a range that holds no mapping is
// not an error.
func sysMunmap(c *call) (int64, error) {
	addr, length := c.a[0], c.a[1]
	size := hw.PageUp(length)
	if addr%hw.PageSize != 0 || length == 0 || size == 0 || addr+size > proc.UserLimit || addr+size < addr {
		return 0, abi.EINVAL
	}
	c.t.AS.Unmap(addr, addr+size)
	return 0, nil
}

// protBits turns PROT_* flags into page-table permissions.
func protBits(prot uint64) hw.PTE {
	var bits hw.PTE
	if prot&abi.PROT_READ != 0 {
		bits |= hw.PTERead
	}
	if prot&abi.PROT_WRITE != 0 {
		bits |= hw.PTEWrite
	}
	if prot&abi.PROT_EXEC != 0 {
		bits |= hw.PTEExec
	}
	return bits
}

// mprotect(2): (addr, len, prot). The areas of [addr, addr+len) get the
// permissions prot, split where the range begins and ends inside one;
// the CPU enforces them from its next instruction ("If the calling process
// tries to access memory in a manner that violates the protections, then
// the kernel generates a SIGSEGV signal for the process"), a store to a
// read-only page as SIGSEGV with si_code SEGV_ACCERR (trap.go).
func sysMprotect(c *call) (int64, error) {
	addr, length, prot := c.a[0], c.a[1], c.a[2]
	// "EINVAL: addr is not a valid pointer, or not a multiple of the
	// system page size." "EINVAL: Invalid flags specified in prot."
	// PROT_GROWSDOWN and PROT_GROWSUP are refused: ipcsim's stack is
	// never the start of a PROT_GROWSDOWN request (riscv has no
	// grows-up areas at all, where Linux answers EINVAL too).
	// The checks in do_mprotect_pkey's order.
	if addr%hw.PageSize != 0 {
		return 0, abi.EINVAL
	}
	if length == 0 {
		return 0, nil
	}
	size := hw.PageUp(length)
	end := addr + size
	// "ENOMEM: Addresses in the range [addr, addr+len-1] are invalid for
	// the address space of the process, or specify one or more pages
	// that are not mapped."
	if size == 0 || end <= addr {
		return 0, abi.ENOMEM
	}
	if prot&^(abi.PROT_READ|abi.PROT_WRITE|abi.PROT_EXEC|0x8 /* PROT_SEM */) != 0 {
		return 0, abi.EINVAL
	}
	if end > proc.UserLimit {
		return 0, abi.ENOMEM
	}
	switch err := c.t.AS.Protect(addr, end, protBits(prot)); err {
	case nil:
		return 0, nil
	case proc.ErrAccess:
		// "EACCES: The memory cannot be given the specified access. This
		// can happen, for example, if you mmap(2) a file to which you have
		// read-only access, then ask mprotect() to mark it PROT_WRITE."
		return 0, abi.EACCES
	default:
		return 0, abi.ENOMEM
	}
}

// madvise(2) advice values (include/uapi/asm-generic/mman-common.h).
const (
	madvDontneed = 4
	madvFree     = 8
)

// madviseHints are the advice values that only tell the kernel how the
// memory will be used: Linux may ignore them, and so does ipcsim
// (NORMAL, RANDOM, SEQUENTIAL, WILLNEED, MERGEABLE, UNMERGEABLE,
// HUGEPAGE, NOHUGEPAGE, DONTDUMP, DODUMP, COLD, PAGEOUT).
var madviseHints = map[uint64]bool{0: true, 1: true, 2: true, 3: true, 12: true, 13: true, 14: true, 15: true, 16: true, 17: true, 20: true, 21: true}

// madvise(2): (addr, length, advice). MADV_DONTNEED and MADV_FREE drop
// the pages of an anonymous or shared range ("subsequent accesses of
// pages in the range will succeed, but will result in ... zero-fill-on-
// demand pages for anonymous private mappings"; MADV_FREE may do the
// same at once, and ipcsim does); the hints change nothing. "EINVAL addr
// is not page-aligned or length is negative"; "EINVAL advice is not
// valid"; "ENOMEM Addresses in the specified range are not currently
// mapped". Advice that changes fork or memory-failure behaviour
// (MADV_DONTFORK, MADV_WIPEONFORK, MADV_REMOVE...) is not simulated.
func sysMadvise(c *call) (int64, error) {
	addr, length, advice := c.a[0], c.a[1], c.a[2]
	if addr%hw.PageSize != 0 || int64(length) < 0 {
		return 0, abi.EINVAL
	}
	if length == 0 {
		return 0, nil
	}
	end := addr + hw.PageUp(length)
	if end <= addr || end > proc.UserLimit {
		return 0, abi.ENOMEM
	}
	switch {
	case advice == madvDontneed || advice == madvFree:
		switch err := c.t.AS.Discard(addr, end); err {
		case nil:
			return 0, nil
		case proc.ErrFileBacked:
			return 0, c.notImplemented(fmt.Sprintf("madvise advice %d on the program's own mapping", advice))
		default:
			return 0, abi.ENOMEM
		}
	case madviseHints[advice]:
		if !c.t.AS.Mapped(addr, end) {
			return 0, abi.ENOMEM
		}
		return 0, nil
	case advice <= 25 || advice == 100 || advice == 101: // MADV_HWPOISON, MADV_SOFT_OFFLINE
		return 0, c.notImplemented(fmt.Sprintf("madvise advice %d", advice))
	}
	return 0, abi.EINVAL
}

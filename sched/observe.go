package sched

// An AccessObserver is a Policy that also wants to see the shared memory
// each instruction touches: an explorer that tells conflicting operations
// of different processes from independent ones (explore's dpor, a dynamic
// partial-order reduction). When the policy a kernel is given implements
// it, the kernel runs the CPU one instruction at a time and, after each
// instruction that loaded or stored memory another task can see, calls
// Access before the instruction's time slice can end.
//
// Memory another task can see is a page of a shared mapping (System V
// shared memory, MAP_SHARED: its page-table entry is hw.PTEShare), or any
// page of a process that has more than one thread. Copy-on-write pages
// are private: a store to one gets its own frame first. Floating-point
// loads and stores are not reported (hw.AccessOf leaves them out).
type AccessObserver interface {
	Policy
	// Access reports that the running process pid has just retired an
	// instruction that made access a.
	Access(pid int, a Access)
}

// An Access is one instruction's access to shared memory.
type Access struct {
	Addr  uint64 // the physical address of its first byte (frame*PageSize + offset)
	Size  uint64 // bytes
	Write bool   // a store, an AMO, LR or SC (all treated as writes: they order against each other)
}

package sched

// An AccessObserver is a Policy that also wants to see the shared memory
// each instruction touches and the end of each system call, and to end a
// time slice right there: an explorer that tells conflicting operations
// of different processes from independent ones (explore's dpor, a
// dynamic partial-order reduction). When the policy a kernel is given
// implements it, the kernel runs the CPU from one memory access to the
// next (each access the first instruction of a run: hw.CPU.SetWatch), and:
//
//   - after each instruction that loaded or stored memory another task
//     can see, it calls Access;
//   - after each system call that the running process made (or retried,
//     woken) and did not block or die in, it calls SyscallDone.
//
// If either returns true, the time slice of the running process ends at
// once: the timer interrupt comes before its next instruction, with a
// PointSliceEnd. Otherwise the slice goes on (Slice may then be long, so
// that no interrupt breaks an LR/SC pair: the kernel clears the
// reservation at every trap, as Linux does).
//
// Memory another task can see is a page of a shared mapping (System V
// shared memory, MAP_SHARED: its page-table entry is hw.PTEShare), or any
// page of a process that has more than one thread. Copy-on-write pages
// are private: a store to one gets its own frame first. Floating-point
// loads and stores are not reported (hw.AccessOf leaves them out).
type AccessObserver interface {
	Policy
	// Access reports that the running process pid has just retired an
	// instruction that made access a; true ends its time slice now.
	Access(pid int, a Access) (endSlice bool)
	// SyscallDone reports that the running process pid has just finished
	// a system call and goes on running; true ends its time slice now.
	SyscallDone(pid int) (endSlice bool)
}

// An Access is one instruction's access to shared memory.
type Access struct {
	Addr  uint64 // the physical address of its first byte (frame*PageSize + offset)
	Size  uint64 // bytes
	Write bool   // a store, an AMO, LR or SC (all treated as writes: they order against each other)
	LR    bool   // a load-reserved, which its store-conditional should follow without a trap between
}

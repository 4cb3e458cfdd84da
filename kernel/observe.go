package kernel

import (
	"ipcsim/hw"
	"ipcsim/sched"
)

// observeAccess tells an access-observing policy (sched.AccessObserver)
// what shared memory the instruction at pc, just retired by t, touched;
// before holds t's registers before it ran (its address register may be
// its destination too). The page is present: the instruction completed.
func (k *Kernel) observeAccess(t *Task, pc uint64, before *[32]uint64) {
	word, ok := t.AS.PeekInstruction(pc)
	if !ok {
		return
	}
	a, ok := hw.AccessOf(word)
	if !ok {
		return
	}
	va := before[a.Base] + uint64(a.Imm)
	pte, ok := t.AS.PT().Lookup(va)
	if !ok || !t.observedPages().Covers(pte) {
		return // private memory: no other task can see the access
	}
	phys := uint64(pte.Frame())*hw.PageSize + va&(hw.PageSize-1)
	acc := sched.Access{Addr: phys, Size: a.Size, Write: a.Kind != hw.AccessLoad, LR: a.Kind == hw.AccessLR}
	if k.observer.Access(t.TID, acc) {
		k.endSliceNow()
	}
}

// observedPages returns the pages of t whose accesses another task can
// see, and so an access observer is told of: the shared ones, or, in a
// multithreaded process, every one, since its threads share them all.
// runUser has the CPU stop at those accesses (hw.CPU.SetWatch) and
// observeAccess reports them.
func (t *Task) observedPages() hw.Watch {
	if t.multithreaded() {
		return hw.WatchAll
	}
	return hw.WatchShared
}

// observeSyscallDone tells an access-observing policy that t finished a
// system call, if t is still running it (it did not block, die or get
// preempted at its entry).
func (k *Kernel) observeSyscallDone(t *Task) {
	if k.observer != nil && k.cur == t && t.call == nil && !t.resume && k.observer.SyscallDone(t.TID) {
		k.endSliceNow()
	}
}

// endSliceNow ends the running task's time slice: the timer fires before
// its next instruction.
func (k *Kernel) endSliceNow() {
	k.sliceEnd = k.Now()
	k.armTimer()
}

package kernel

import (
	"encoding/binary"

	"ipcsim/ipc/sysv"
	"ipcsim/proc"
	"ipcsim/sched"
)

// Probes: single values of the state that Snapshot shows, read without
// building the snapshot. A scenario's assertions ("always pipe#1.bytes <=
// 4096", sim/assert.go) look at a few values after every system call; a
// whole Snapshot formats every process, descriptor and frame, which would
// cost far more than the call. Each probe reads the field its Snapshot
// counterpart reads (named beside it), allocates nothing and changes
// nothing, so that a run with probes is the run without them.

// WrapPolicy puts wrap(policy) in the place of the kernel's scheduling
// policy (Config.Policy, or its round robin): for an observer that must
// see every scheduling point, such as sim's assertions, and passes every
// call on to the policy it wraps, so that the run is the run without it.
//
// Preconditions: the machine has not run yet.
func (k *Kernel) WrapPolicy(wrap func(sched.Policy) sched.Policy) { k.policy = wrap(k.policy) }

// ProbeProcess returns the process (its pid) of thread tid, as a
// sched.Point names a thread; ok is false if there is no such thread.
func (k *Kernel) ProbeProcess(tid int) (pid int, ok bool) {
	if t := k.tasks[tid]; t != nil {
		return t.PID, true
	}
	return 0, false
}

// IPCRef names a System V object as an assertion does: by key ("sem
// 0x1234[0]") or, with ByID, by its id ("sem#0[0]", as inspect lists it).
type IPCRef struct {
	Key  int32
	ID   int
	ByID bool
}

// ProbePipe returns the unread bytes of pipe#id (PipeState.Len); ok is
// false if no such pipe is open.
func (k *Kernel) ProbePipe(id int) (bytes int, ok bool) {
	for _, p := range k.pipes {
		if p.ID == id {
			return p.Len(), true
		}
	}
	return 0, false
}

// ProbeMsgQueue returns how many messages a System V queue holds
// (MsgQueueState.Messages); ok is false if there is no such queue.
func (k *Kernel) ProbeMsgQueue(ref IPCRef) (count int, ok bool) {
	if k.msgIDs == nil {
		return 0, false
	}
	q, ok := lookupIPC(k.msgIDs, ref)
	if !ok {
		return 0, false
	}
	return q.QNum, true
}

// ProbeSem returns the value of semaphore n of a set (SemState.Val); ok is
// false if there is no such set or it has fewer semaphores.
func (k *Kernel) ProbeSem(ref IPCRef, n int) (val int, ok bool) {
	if k.semIDs == nil {
		return 0, false
	}
	set, ok := lookupIPC(k.semIDs, ref)
	if !ok || n < 0 || n >= len(set.Sems) {
		return 0, false
	}
	return set.Sems[n].Val, true
}

// ProbeShm returns the little-endian word of size bytes (4 or 8) at byte
// off of a shared memory segment, read through its frames as
// SegmentState.Ints is (an untouched page reads as zeros); ok is false if
// there is no such segment or the word lies beyond its end.
func (k *Kernel) ProbeShm(ref IPCRef, off, size uint64) (val int64, ok bool) {
	if k.shmIDs == nil {
		return 0, false
	}
	seg, ok := lookupIPC(k.shmIDs, ref)
	if !ok || off+size > seg.Size || off+size < off {
		return 0, false
	}
	var buf [8]byte
	if seg.Mem.(*proc.Shared).Peek(off, buf[:size]) != int(size) {
		return 0, false
	}
	if size == 4 {
		return int64(int32(binary.LittleEndian.Uint32(buf[:]))), true
	}
	return int64(binary.LittleEndian.Uint64(buf[:])), true
}

// lookupIPC finds a System V object by id, or by key in index order.
func lookupIPC[T sysv.Object](r *sysv.Registry[T], ref IPCRef) (T, bool) {
	if ref.ByID {
		return r.Lookup(ref.ID)
	}
	for i := 0; i <= r.MaxIndex(); i++ {
		if obj, ok := r.AtIndex(i); ok && obj.IPCPerm().Key == ref.Key {
			return obj, true
		}
	}
	var zero T
	return zero, false
}

// ProbeProcs counts the processes of the process table (Snapshot.Procs),
// init (pid 1) aside: alive or zombie, and of those the zombies.
func (k *Kernel) ProbeProcs() (procs, zombies int) {
	for _, t := range k.tasks {
		if t.TID != t.PID || t.PID == 1 {
			continue
		}
		procs++
		if t.Process.State == proc.Zombie {
			zombies++
		}
	}
	return procs, zombies
}

// ProbeState returns the state of process pid as ProcState.State names it
// (runnable, running, sleeping, stopped, zombie); ok is false if there is
// no such process (never was, or reaped). A process that has just gone to
// sleep is sleeping, though the CPU has not left it yet (the block event).
func (k *Kernel) ProbeState(pid int) (state string, ok bool) {
	t := k.tasks[pid]
	if t == nil || t.TID != t.PID {
		return "", false
	}
	if t == k.cur && t.State == proc.Runnable {
		return "running", true
	}
	return t.State.String(), true
}

// ProbeExit returns how process pid ended (the Exit that Result.Exits
// will hold); ok is false if it has not ended, or ended beyond the exits
// a run keeps (Config.MaxExits).
func (k *Kernel) ProbeExit(pid int) (Exit, bool) {
	for _, x := range k.exits { // the first: pids grow, so a later one is another process
		if x.PID == pid {
			return x, true
		}
	}
	return Exit{}, false
}

// ProbeTCP counts the TCP connections in a state, named as RFC 9293 names
// it (InetState.State, but ESTABLISHED for ss's ESTAB), or the listening
// sockets for "LISTEN" (inet.Stack.CountTCP). A host whose stack has not
// been made yet has none.
func (k *Kernel) ProbeTCP(state string) int {
	if k.inet == nil {
		return 0
	}
	return k.inet.CountTCP(state)
}

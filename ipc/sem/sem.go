// Package sem is the System V semaphore set (semget(2), semop(2),
// semtimedop(2), semctl(2)): an array of counters, each with the pid of
// the last process that changed it, a list of the processes waiting for
// the values to allow their operations, and the undo adjustments
// (semadj) that processes asked for with SEM_UNDO.
//
// A Set never blocks. Do applies a whole semop or returns ErrWouldBlock;
// the kernel then adds a Waiter record and sleeps. As Linux does (ipc/sem.c
// update_queue), whoever changes the values afterwards completes the
// waiters whose operations can now run, on their behalf, and wakes them:
// a woken process finds its record answered and does not apply anything again.
//
// Wake order (decided here, and what a reader of a trace sees): one list of
// waiters per set, in the order they started waiting (Linux's pending
// lists are FIFO too). After every change: first every waiter whose
// operations are all wait-for-zero and can now complete (Linux's
// do_smart_wakeup_zero runs before update_queue), then the altering
// waiters from the head: the first that can complete is completed, and the
// scan starts again from the zero waiters, until a whole pass completes
// nothing. Linux splits its list into one per semaphore while no waiting
// semop has several operations; the only difference that shows is the
// order in which waiters of different semaphores are woken by one SETALL
// or exit undo (Linux: by semaphore number; here: by arrival).
package sem

import (
	"errors"
	"fmt"

	"ipcsim/abi"
	"ipcsim/ipc/sysv"
	"ipcsim/sched"
)

// Limits of semget(2) and semop(2) (Linux's defaults, include/uapi/linux/sem.h).
const (
	// SEMMSL: "Maximum number of semaphores per semaphore set" (semget: EINVAL).
	SEMMSL = 32000
	// SEMOPM: "Maximum number of operations for semop" (E2BIG).
	SEMOPM = 500
	// SEMMNI: "System-wide limit on the number of semaphore sets" (ENOSPC).
	SEMMNI = 32000
	// SEMVMX: "Maximum value for semval" (ERANGE beyond).
	SEMVMX = 32767
	// SEMAEM: the largest |semadj| an undo entry may record (ERANGE).
	SEMAEM = SEMVMX
)

// Errors of the non-blocking operations. Where the kernel must choose
// between sleeping and failing (a flag decides) the answer is a sentinel;
// where the meaning is fixed it is the errno itself, which the kernel
// returns as it is.
var (
	// ErrWouldBlock: an operation cannot proceed now: sleep.
	ErrWouldBlock = errors.New("sem: operation would block")
	// ErrAgain: "EAGAIN: An operation could not proceed immediately and
	// either IPC_NOWAIT was specified in sem_flg or the time limit
	// specified in timeout expired." Linux looks at the flag of the
	// operation that blocks, not of the first one.
	ErrAgain = abi.EAGAIN
	// ErrRange: "ERANGE: For some operation sem_op+semval is greater than
	// SEMVMX, the implementation dependent maximum value for semval." Also
	// a semadj that would leave [-SEMAEM-1, SEMAEM].
	ErrRange = abi.ERANGE
	// ErrRemoved: "EIDRM: The semaphore set was removed."
	ErrRemoved = abi.EIDRM
	// ErrAccess: "EACCES: The calling process does not have the
	// permissions required to perform the specified semaphore operations"
	ErrAccess = abi.EACCES
	// ErrFBig: "EFBIG: For some operation the value of sem_num is less
	// than 0 or greater than or equal to the number of semaphores in the
	// set."
	ErrFBig = abi.EFBIG
)

// An Op is one operation of a semop (struct sembuf).
type Op struct {
	Num uint16 // sem_num: the semaphore, from 0
	Op  int16  // sem_op: > 0 adds, < 0 waits to subtract, 0 waits for zero
	Flg int16  // sem_flg: IPC_NOWAIT, SEM_UNDO
}

// Sem is one semaphore (Linux's struct sem). semncnt and semzcnt are not
// stored: as Linux does since 3.16 (count_semcnt), they are counted from
// the waiters when asked (NCnt, ZCnt).
type Sem struct {
	Val int // semval: 0..SEMVMX
	PID int // sempid: the process that last changed it (semop, SETVAL, SETALL, exit undo)
}

// Undo is one process's adjustments for one set (struct sem_undo): what
// the kernel adds to each semaphore when the process exits, the opposite
// of what its SEM_UNDO operations did.
type Undo struct {
	PID int
	Adj []int // semadj, one per semaphore
}

// Set is one semaphore set (Linux's struct sem_array).
type Set struct {
	perm  sysv.Perm
	Sems  []Sem // sem_nsems semaphores
	OTime int64 // sem_otime: time (seconds) of the last semop that completed
	CTime int64 // sem_ctime: time of creation, of the last SETVAL, SETALL or IPC_SET

	// pending is the list of waiting processes in the order they came;
	// each entry's Waiter is the *Waiter record.
	pending sched.WaitQueue
	undos   []*Undo // list_id: every process's adjustments, oldest first
	removed bool    // IPC_RMID: the set is gone; waiters see EIDRM
}

// New returns a set of nsems semaphores, all 0, with the permission record
// p, made at time now (seconds): "sem_otime is set to 0. sem_ctime is set
// to the current time." - semget(2).
//
// Preconditions: 1 <= nsems <= SEMMSL (the caller checks it: EINVAL).
func New(p sysv.Perm, nsems int, now int64) *Set {
	return &Set{perm: p, Sems: make([]Sem, nsems), CTime: now}
}

// IPCPerm returns the permission record (sysv.Object).
func (s *Set) IPCPerm() *sysv.Perm { return &s.perm }

// ID returns semid.
func (s *Set) ID() int { return s.perm.ID }

// Name names the set in traces: "sem#1 (key 0x1234)", or "sem#1" for an
// IPC_PRIVATE set.
func (s *Set) Name() string {
	if s.perm.Key == abi.IPC_PRIVATE {
		return fmt.Sprintf("sem#%d", s.perm.ID)
	}
	return fmt.Sprintf("sem#%d (key %#x)", s.perm.ID, uint32(s.perm.Key))
}

// Removed reports whether IPC_RMID removed the set.
func (s *Set) Removed() bool { return s.removed }

// Alters reports whether ops change a value (some sem_op != 0): such a
// semop needs write permission, one that only waits for zero needs read.
func Alters(ops []Op) bool {
	for _, op := range ops {
		if op.Op != 0 {
			return true
		}
	}
	return false
}

// Do is semop(2) for the process pid with credentials c at time now:
// "The set of operations contained in sops is performed in array order,
// and atomically, that is, the operations are performed either as a
// complete unit, or not at all." It returns nil when all were applied,
// ErrWouldBlock with the index of the operation that must wait, or an
// error (ErrAgain, ErrRange, ErrFBig, ErrAccess, ErrRemoved) with nothing
// applied. A semop that changed values completes the waiters it allows.
//
// Preconditions: 1 <= len(ops) <= SEMOPM (the caller checks: EINVAL, E2BIG).
func (s *Set) Do(ops []Op, pid int, c sysv.Creds, now int64) (blocking int, err error) {
	for _, op := range ops {
		if int(op.Num) >= len(s.Sems) {
			return 0, ErrFBig
		}
	}
	alter := Alters(ops)
	want := 0444
	if alter {
		want = 0222
	}
	if !s.perm.Permitted(c, want) {
		return 0, ErrAccess
	}
	if s.removed {
		return 0, ErrRemoved
	}
	blocking, err = s.perform(ops, pid)
	if err != nil {
		return blocking, err
	}
	// "sem_otime is set to the current time" on success, also for a semop
	// that only waited for zero (set_semotime).
	s.OTime = now
	if alter {
		s.update(now)
	}
	return 0, nil
}

// perform is Linux's perform_atomic_semop_slow: apply the operations in
// array order (an operation sees what the ones before it did, also on the
// same semaphore); at the first that cannot proceed, undo the ones already
// applied and report it. It returns ErrWouldBlock and that operation's
// index, or ErrAgain if that operation has IPC_NOWAIT, or ErrRange.
func (s *Set) perform(ops []Op, pid int) (int, error) {
	var un *Undo
	for i, op := range ops {
		sem := &s.Sems[op.Num]
		val := sem.Val
		var err error
		switch {
		case op.Op == 0 && val != 0:
			// "If sem_op is zero ... If semval is not zero ... the calling
			// thread suspends execution until ... semval becomes 0".
			err = ErrWouldBlock
		case val+int(op.Op) < 0:
			// "If sem_op is less than zero ... If semval is less than the
			// absolute value of sem_op ... suspends execution until ...
			// semval becomes greater than or equal to the absolute value
			// of sem_op".
			err = ErrWouldBlock
		case val+int(op.Op) > SEMVMX:
			err = ErrRange
		}
		if err == nil && op.Flg&abi.SEM_UNDO != 0 {
			if un == nil {
				un = s.undoOf(pid, true)
			}
			// "If an operation specifies SEM_UNDO, it will be
			// automatically undone when the process terminates":
			// semadj -= sem_op, within [-SEMAEM-1, SEMAEM].
			if adj := un.Adj[op.Num] - int(op.Op); adj < -SEMAEM-1 || adj > SEMAEM {
				err = ErrRange
			}
		}
		if err != nil {
			if err == ErrWouldBlock && op.Flg&abi.IPC_NOWAIT != 0 {
				err = ErrAgain
			}
			s.rollback(ops[:i], un)
			return i, err
		}
		sem.Val += int(op.Op)
		if op.Flg&abi.SEM_UNDO != 0 {
			un.Adj[op.Num] -= int(op.Op)
		}
	}
	// "sempid ... is set to the caller's process ID" for every semaphore
	// the semop named, wait-for-zero ones included.
	for _, op := range ops {
		s.Sems[op.Num].PID = pid
	}
	return 0, nil
}

// rollback takes back the operations perform had applied.
func (s *Set) rollback(done []Op, un *Undo) {
	for i := len(done) - 1; i >= 0; i-- {
		op := done[i]
		s.Sems[op.Num].Val -= int(op.Op)
		if op.Flg&abi.SEM_UNDO != 0 {
			un.Adj[op.Num] += int(op.Op)
		}
	}
}

// undoOf returns pid's adjustments for this set, made (all zero) if create
// is set and there are none (find_alloc_undo).
func (s *Set) undoOf(pid int, create bool) *Undo {
	for _, u := range s.undos {
		if u.PID == pid {
			return u
		}
	}
	if !create {
		return nil
	}
	u := &Undo{PID: pid, Adj: make([]int, len(s.Sems))}
	s.undos = append(s.undos, u)
	return u
}

// Adj returns the semadj of process pid for semaphore num (0 if none).
func (s *Set) Adj(pid, num int) int {
	if u := s.undoOf(pid, false); u != nil && num >= 0 && num < len(u.Adj) {
		return u.Adj[num]
	}
	return 0
}

// Undos returns the undo entries, oldest first, for listings.
func (s *Set) Undos() []*Undo { return s.undos }

// update is Linux's do_smart_update: after the values changed, complete
// every waiter whose whole semop can now run, in the order described in
// the package comment, until nothing more can. A completed waiter's
// changes may allow others: that is why the scan starts again.
func (s *Set) update(now int64) {
	for {
		s.wakeZero(now)
		if !s.wakeFirstAlter(now) {
			return
		}
	}
}

// wakeZero is wake_const_ops: complete, in order, the waiters that only
// wait for zero and now can.
func (s *Set) wakeZero(now int64) {
	for _, w := range s.Waiters() {
		if !w.alter {
			s.retry(w, now)
		}
	}
}

// wakeFirstAlter is one round of update_queue: try the altering waiters in
// order; one whose attempt now fails (ERANGE, or EAGAIN: it now blocks on
// an IPC_NOWAIT operation) is woken with that error and the scan goes on;
// the first that completes ends the round. It reports whether one did.
func (s *Set) wakeFirstAlter(now int64) bool {
	for _, w := range s.Waiters() {
		if w.alter && s.retry(w, now) {
			return true
		}
	}
	return false
}

// retry attempts waiter w's operations for it. If they ran, or failed for
// good, w leaves the list and its process is woken; it reports whether
// they ran.
func (s *Set) retry(w *Waiter, now int64) bool {
	blocking, err := s.perform(w.Ops, w.PID)
	if err == ErrWouldBlock {
		w.Blocking = blocking
		return false
	}
	if err == nil {
		s.OTime = now
	}
	s.answer(w, err)
	return err == nil
}

// answer takes w off the list with its result and wakes its process.
func (s *Set) answer(w *Waiter, err error) {
	w.Err = err
	w.Answer(sched.AllEvents)
}

// SetVal is SETVAL: "Set the semaphore value (semval) to arg.val for the
// semnum-th semaphore of the set, updating also the sem_ctime member of
// the semid_ds structure associated with the set. Undo entries are cleared
// for altered semaphores in all processes. If the changes to semaphore
// values would permit blocked semop(2) calls in other processes to
// proceed, then those processes are woken up." Linux also makes the
// caller the semaphore's sempid.
//
// Preconditions: 0 <= num < len(s.Sems), 0 <= val <= SEMVMX (the caller
// checks them: EINVAL, ERANGE) and the caller may alter the set.
func (s *Set) SetVal(num, val, pid int, now int64) {
	for _, u := range s.undos {
		u.Adj[num] = 0
	}
	s.Sems[num] = Sem{Val: val, PID: pid}
	s.CTime = now
	s.update(now)
}

// SetAll is SETALL: "Set the semval values for all semaphores of the set
// using arg.array, updating also the sem_ctime member ... Undo entries are
// cleared for altered semaphores in all processes."
//
// Preconditions: len(vals) == len(s.Sems), every value <= SEMVMX.
func (s *Set) SetAll(vals []uint16, pid int, now int64) {
	for i, v := range vals {
		s.Sems[i] = Sem{Val: int(v), PID: pid}
	}
	for _, u := range s.undos {
		clear(u.Adj)
	}
	s.CTime = now
	s.update(now)
}

// Exit applies the adjustments of the exiting process pid (Linux's
// exit_sem): semval += semadj for each semaphore with one, "Linux caps the
// semaphore value, both at 0 and at SEMVMX", and the process becomes the
// sempid of each semaphore it adjusts. The entry is dropped. Waiters the
// new values allow are completed; the set's otime is set. It reports
// whether the process had an entry.
func (s *Set) Exit(pid int, now int64) bool {
	for i, u := range s.undos {
		if u.PID != pid {
			continue
		}
		s.undos = append(s.undos[:i], s.undos[i+1:]...)
		for n, adj := range u.Adj {
			if adj == 0 {
				continue
			}
			sem := &s.Sems[n]
			sem.Val = min(max(sem.Val+adj, 0), SEMVMX)
			sem.PID = pid
		}
		s.OTime = now // do_smart_update(..., otime = 1)
		s.update(now)
		return true
	}
	return false
}

// Set is IPC_SET: "The following members of the semid_ds structure are
// copied from buf: sem_perm.uid, sem_perm.gid, and (the least significant
// 9 bits of) sem_perm.mode. ... The sem_ctime member is updated."
//
// Preconditions: the caller checked ownership (EPERM).
func (s *Set) Set(uid, gid, mode int, now int64) {
	s.perm.UID, s.perm.GID = uid, gid
	s.perm.Mode = mode & sysv.ModeBits
	s.CTime = now
}

// Remove is IPC_RMID: "Immediately remove the semaphore set, awakening all
// processes blocked in semop(2) calls on the set (with an error return and
// errno set to EIDRM)." The undo entries go with it (freeary).
func (s *Set) Remove() {
	s.removed = true
	s.undos = nil
	for _, w := range s.Waiters() {
		s.answer(w, ErrRemoved)
	}
}

// NCnt is GETNCNT: "the number of threads that are waiting for an increase
// of semval for the semnum-th semaphore": the waiters whose blocking
// operation (the first that could not proceed) is a decrement of it.
// "Per definition, a task waits only on the semaphore of the first semop
// that cannot proceed" (ipc/sem.c count_semcnt).
func (s *Set) NCnt(num int) int { return s.count(num, false) }

// ZCnt is GETZCNT: "the number of threads that are waiting for semval of
// the semnum-th semaphore to become 0".
func (s *Set) ZCnt(num int) int { return s.count(num, true) }

func (s *Set) count(num int, zero bool) int {
	n := 0
	for _, w := range s.Waiters() {
		op := w.Ops[w.Blocking]
		if int(op.Num) == num && (op.Op == 0) == zero && op.Op <= 0 {
			n++
		}
	}
	return n
}

// Waiters returns the waiting records in order, for listings and scans.
func (s *Set) Waiters() []*Waiter {
	var out []*Waiter
	s.pending.Each(func(e *sched.Entry) { out = append(out, e.Waiter.(*Waiter)) })
	return out
}

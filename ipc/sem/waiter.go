package sem

import (
	"fmt"

	"ipcsim/abi"
	"ipcsim/sched"
)

// A Waiter is a process sleeping in semop (Linux's struct sem_queue): its
// operations, the one it is blocked on, and, once another process's change
// has completed them for it (or IPC_RMID ended them), the answer. The
// kernel keeps the record in the blocked call across wakeups.
type Waiter struct {
	sched.Record      // its place in the set's pending list
	Set          *Set // the set it waits on
	PID          int  // the process (sempid and semadj are its when its semop completes)
	Ops          []Op // its semop, in array order

	// Blocking is the index in Ops of the operation that cannot proceed
	// (q->blocking), updated at every attempt; GETNCNT and GETZCNT count
	// the waiter on that operation's semaphore only.
	Blocking int

	alter bool  // some operation changes a value (pending_alter, not pending_const)
	Err   error // once answered: nil if the semop ran, else ErrRemoved, ErrRange or ErrAgain
}

// NewWaiter makes the record of process w (pid) waiting on s for ops, which
// blocked at index blocking.
func NewWaiter(s *Set, w sched.Waiter, pid int, ops []Op, blocking int) *Waiter {
	r := &Waiter{Set: s, PID: pid, Ops: ops, Blocking: blocking, alter: Alters(ops)}
	r.Init(r, w)
	return r
}

// Pending is the list waiters sleep on, in the order they came (the
// kernel puts a Waiter there with Join: list_add_tail in do_semtimedop).
func (s *Set) Pending() *sched.WaitQueue { return &s.pending }

// Reason says in words what the waiter waits for, for traces and
// listings: "sem#1[0] is 0, needs 1" or "waiting for sem#1[2] to be 0".
func (r *Waiter) Reason() string {
	return r.Set.Reason(r.Ops[r.Blocking])
}

// Reason says why op cannot proceed on s now.
func (s *Set) Reason(op Op) string {
	val := 0
	if int(op.Num) < len(s.Sems) {
		val = s.Sems[op.Num].Val
	}
	if op.Op == 0 {
		return fmt.Sprintf("waiting for sem#%d[%d] to be 0", s.perm.ID, op.Num)
	}
	return fmt.Sprintf("sem#%d[%d] is %d, needs %d", s.perm.ID, op.Num, val, -int(op.Op))
}

// String renders an operation as a C program would write it:
// "{0, -1, SEM_UNDO}".
func (op Op) String() string {
	var flags string
	switch op.Flg & (abi.IPC_NOWAIT | abi.SEM_UNDO) {
	case 0:
		flags = "0"
	case abi.IPC_NOWAIT:
		flags = "IPC_NOWAIT"
	case abi.SEM_UNDO:
		flags = "SEM_UNDO"
	default:
		flags = "IPC_NOWAIT|SEM_UNDO"
	}
	if rest := int(op.Flg) &^ (abi.IPC_NOWAIT | abi.SEM_UNDO); rest != 0 {
		flags += fmt.Sprintf("|%#x", uint16(rest))
	}
	return fmt.Sprintf("{%d, %d, %s}", op.Num, op.Op, flags)
}

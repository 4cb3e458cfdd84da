package sched

// A Record is a process's place on a kernel object's list of waiters
// together with the object's answer, for the objects that do the sleeping
// process's work for it instead of only waking it: Linux's struct
// msg_receiver and msg_sender (System V message queues), struct sem_queue
// (semaphores), struct ext_wait_queue (POSIX message queues) and struct
// futex_q. A sender hands its message straight to a waiting receiver
// (pipelined send), a semaphore change completes the operations of the
// processes it unblocks (update_queue), FUTEX_WAKE marks the waiters it
// chose: each fills in the record and calls Answer, and the woken process
// only reads the answer.
//
// An object's record type embeds Record and adds the answer's fields (the
// message, the error); Init ties the two together:
//
//	type Receiver struct {
//		sched.Record
//		Msg *Message // the answer
//	}
//	r := &Receiver{}
//	r.Init(r, process)
//
// The kernel alone puts a record on a list (Join) and takes it off when the
// call ends another way (Leave: a signal, a timeout, death); the object
// takes off the records it answers.
type Record struct {
	entry    Entry  // the place on the object's list; entry.Waiter is the outer record
	proc     Waiter // the sleeping process
	answered bool   // the object answered (Answer)
}

// A Recorder is what the kernel needs of a record: a way onto a list and
// off it. Every type that embeds Record is one; a type may override Leave
// to tidy up after itself (a futex key with no waiters left).
type Recorder interface {
	Waiter
	Join(q *WaitQueue, tail bool)
	Leave()
}

// Init makes r the record of process proc; outer is the record type that
// embeds r, which listings of the object's waiters find on its list.
func (r *Record) Init(outer, proc Waiter) {
	r.entry.Waiter, r.entry.Mask, r.proc = outer, AllEvents, proc
}

// Proc is the process the record stands for.
func (r *Record) Proc() Waiter { return r.proc }

// Wake passes a wakeup of the record on to its process (Waiter).
func (r *Record) Wake(ev EventMask) { r.proc.Wake(ev) }

// Join puts the record at the tail of q. A record already on q keeps its
// place, so that a spurious wakeup does not send a process to the back,
// unless tail asks for the back anyway: Linux's msgsnd and msgrcv take
// themselves off the list when woken and add themselves at the tail again
// before the next sleep (ss_del, ss_add; list_del, list_add_tail).
func (r *Record) Join(q *WaitQueue, tail bool) {
	if r.entry.On(q) && !tail {
		return
	}
	r.entry.Remove()
	r.answered = false
	q.Add(&r.entry)
}

// Leave takes the record off its list, if it is on one.
func (r *Record) Leave() { r.entry.Remove() }

// Answer is the object's: it takes the record off its list, marks it
// answered and wakes the process with events. The object sets the
// answer's fields first.
func (r *Record) Answer(events EventMask) {
	r.entry.Remove()
	r.answered = true
	r.proc.Wake(events)
}

// Answered reports whether the object answered the record.
func (r *Record) Answered() bool { return r.answered }

// Waiting reports whether the record is on a list.
func (r *Record) Waiting() bool { return r.entry.Queued() }

// Entry returns the record's list entry, for an object that walks its own
// list.
func (r *Record) Entry() *Entry { return &r.entry }

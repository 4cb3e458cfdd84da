package kernel

import (
	"errors"
	"fmt"

	"ipcsim/abi"
	"ipcsim/sched"
)

// A call is one system call in progress: its number and arguments, and what
// a blocked call must remember between retries.
type call struct {
	t  *Task
	no abi.Sysno
	a  [6]uint64 // a0..a5

	// State kept across retries of a blocked call. The kernel owns the
	// registrations (block.go); handlers own the rest. What a blocked read
	// or write and its wakeup touch comes first, so that with the fields
	// above it fills the call's first two cache lines: the call is part of
	// every Task, which a switch among thousands of processes finds cold
	// (BenchmarkRing/10000). The flags are together, so that no field
	// leaves a hole.
	rec         sched.Recorder // the call's waiter record on an object's list, if any
	progress    uint64         // bytes a read or write has already moved
	total       uint64         // bytes the whole read or write asks for
	deadline    uint64         // cycle at which a timed call times out (valid if timed)
	inject      *injection     // what a fault did to the call (fault.go), nil for nearly every call
	addrlenIn   int32          // if addrPut: *addrlen as the caller gave it, for the trace's [128 => 16]
	timed       bool           // the call has a deadline (else it waits forever)
	started     bool           // the call has begun (set by calls that need it)
	setMask     bool           // the call replaced the mask for its duration
	jobSignaled bool           // the terminal already sent SIGTTIN/SIGTTOU for this call
	addrPut     bool           // the call copied a socket address out (putSockaddrRaw)
	waits       []*sched.Entry // poll and select: one registration per descriptor
	pending     *OpenFile      // a FIFO open waiting for its partner
	mark        int            // the partner's open count when the FIFO open began
	oldMask     abi.SigSet     // the mask to restore when the call ends (if setMask)
	waitSet     abi.SigSet     // rt_sigtimedwait: the signals waited for
	carry       []byte         // sendfile: bytes read from in_fd, not yet written

	// entryArgs is the trace of the arguments as they were at entry, for
	// a call that overwrites them (traceEntry); empty when not traced.
	entryArgs string

	// shown is the Record whose sentence this call's decoders make, from
	// the memory it took (trace_record_call.go); nil for a live call.
	shown *Record
}

// peek returns the memory the trace reads for c: its process's, through
// a peeker, or what its Record took.
func (c *call) peek() userMemory {
	if c.shown != nil {
		return recordMemory{c.shown}
	}
	return peeker{c.t.AS}
}

// sysFunc implements one system call. It returns the value for a0, or an
// error: an abi.Errno (a0 = -errno), a *blockError (what the call waits on:
// the kernel sleeps and retries, see block.go), or errNoReturn (the call
// does not return to the caller: exit, or an execve that replaced the
// program).
type sysFunc func(c *call) (int64, error)

// errNoReturn: the task does not continue after the ecall instruction.
var errNoReturn = errors.New("no return")

// sysEntry is a row of the system call table.
type sysEntry struct {
	fn      sysFunc
	args    string       // one letter per argument, for the trace (see formatArgs)
	restart restartClass // what a signal handler does to the call while it sleeps
}

// A restartClass says what becomes of a sleeping call when a signal
// handler interrupts it, as signal(7) "Interruption of system calls and
// library functions by signal handlers" lays down (interruptCall reads it):
//
//	"If a blocked call to one of the following interfaces is interrupted
//	by a signal handler, then the call is automatically restarted after
//	the signal handler returns if the SA_RESTART flag was used; otherwise
//	the call fails with the error EINTR:
//	  * read(2), readv(2), write(2), writev(2), and ioctl(2) calls on
//	    "slow" devices. [...] (pipes, terminals)
//	  * open(2), if it can block (e.g., when opening a FIFO; see fifo(7)).
//	  * wait(2), wait3(2), wait4(2), waitid(2), and waitpid(2).
//	  * Socket interfaces: accept(2), connect(2), recv(2), recvfrom(2),
//	    recvmmsg(2), recvmsg(2), send(2), sendto(2), and sendmsg(2),
//	    unless a timeout has been set on the socket (see below).
//	  * File locking interfaces: flock(2) and the F_SETLKW and
//	    F_OFD_SETLKW operations of fcntl(2)
//	  * POSIX message queue interfaces: mq_receive(3),
//	    mq_timedreceive(3), mq_send(3), and mq_timedsend(3).
//	  * futex(2) FUTEX_WAIT (since Linux 2.6.22; beforehand, always
//	    failed with EINTR).
//	  * getrandom(2).
//	  * pthread_mutex_lock(3), pthread_cond_wait(3), and related APIs.
//	  * futex(2) FUTEX_WAIT_BITSET.
//	  * POSIX semaphore interfaces: sem_wait(3) and sem_timedwait(3)
//	    (since Linux 2.6.22; beforehand, always failed with EINTR).
//	  * read(2) from an inotify(7) file descriptor (since Linux 3.8;
//	    beforehand, always failed with EINTR).
//
//	The following interfaces are never restarted after being interrupted
//	by a signal handler, regardless of the use of SA_RESTART; they always
//	fail with the error EINTR when interrupted by a signal handler:
//	  * "Input" socket interfaces, when a timeout (SO_RCVTIMEO) has been
//	    set on the socket [...]
//	  * "Output" socket interfaces, when a timeout (SO_SNDTIMEO) has been
//	    set on the socket [...]
//	  * Interfaces used to wait for signals: pause(2), sigsuspend(2),
//	    sigtimedwait(2), and sigwaitinfo(2).
//	  * File descriptor multiplexing interfaces: epoll_wait(2),
//	    epoll_pwait(2), poll(2), ppoll(2), select(2), and pselect(2).
//	  * System V IPC interfaces: msgrcv(2), msgsnd(2), semop(2), and
//	    semtimedop(2).
//	  * Sleep interfaces: clock_nanosleep(2), nanosleep(2), and
//	    usleep(3).
//	  * io_getevents(2)."
//
// The Linux kernel says the same with the code a sleeping call returns:
// -ERESTARTSYS (restartSA), -ERESTARTNOHAND or -EINTR (restartNever),
// -ERESTART_RESTARTBLOCK (restartAdjusted: EINTR after a handler, and
// without one the call goes on with the time it has left). A call that no
// handler interrupts (the signal was ignored, or stopped and continued the
// process) carries on where it slept, whatever its class.
type restartClass uint8

const (
	noSleep            restartClass = iota // the call never sleeps
	restartSA                              // restarted after a handler with SA_RESTART, else EINTR
	restartNever                           // EINTR after any handler
	restartAdjusted                        // EINTR after any handler (nanosleep writes the time left)
	restartUnlessTimed                     // FUTEX_WAIT: restartSA without a timeout, restartAdjusted with one (futex_wait)
)

// syscalls is the system call table, indexed by number (Linux riscv64 uses
// asm-generic numbering). A number without a function gives ENOSYS.
var syscalls [abi.SysSetMempolicyHomeNode + 1]sysEntry

// register adds calls to the table. Each sys_<area>.go file registers its
// own calls in an init function, so that a call's row stands beside its
// handler.
func register(entries map[abi.Sysno]sysEntry) {
	for no, e := range entries {
		if syscalls[no].fn != nil {
			panic(fmt.Sprintf("kernel: %v registered twice", no))
		}
		syscalls[no] = e
	}
}

// syscall handles an ecall of the current task t.
func (k *Kernel) syscall(t *Task) {
	if !k.syscallEntry(t) {
		return // preempted at the entry by the scheduling policy
	}
	r := &t.Regs.X
	c := &t.callBuf
	*c = call{t: t, no: abi.Sysno(r[17]), a: [6]uint64{r[10], r[11], r[12], r[13], r[14], r[15]}}
	if k.faults != nil && k.injectEntry(c) {
		return // a fault failed the call or killed its process (fault.go)
	}
	k.invoke(c)
}

// complete writes a call's result to a0 and steps past the ecall.
func (k *Kernel) complete(c *call, ret int64, err error) {
	t := c.t
	if err == errNoReturn {
		return
	}
	if err != nil {
		ret = -int64(errnoOf(c, err))
	}
	if c.setMask {
		// ppoll, pselect6, rt_sigtimedwait: the caller's mask comes back.
		t.Sig.Mask, c.setMask = c.oldMask, false
	}
	if c.inject != nil {
		c.inject.undo(c)
	}
	t.Regs.X[10] = uint64(ret)
	t.Regs.PC += 4
	if k.tracing && !k.recordCall(c, ret) && !k.recordSyscall(c, ret) {
		k.eventRet = ret // Ret points there: valid during the Trace call, as the event is
		b := k.appendCall(k.text[:0], c, ret)
		b = appendRet(append(b, " = "...), ret)
		b = append(b, k.formatAux(c, ret)...)
		k.text = b
		e := &Event{Kind: "syscall", Syscall: c.no.String(), Args: k.callArgs(c), Ret: &k.eventRet, Errno: errnoName(ret),
			Signal: callSignal(c), Text: k.textOf(b)}
		if c.no == abi.SysRead || c.no == abi.SysWrite {
			e.Obj = fdName(t, c.a[0])
		}
		if ret >= 0 {
			k.traceMoved(t, c, e)
		}
		k.moved = moved{}
		if c.inject != nil {
			c.inject.mark(e, ret)
		}
		k.emitEvent(t, e)
	}
}

// errnoOf returns the errno a call failed with. Handlers return abi.Errno
// values directly; a wrapped one is unwrapped (the slow path).
func errnoOf(c *call, err error) abi.Errno {
	if e, ok := err.(abi.Errno); ok {
		return e
	}
	var e abi.Errno
	if !errors.As(err, &e) {
		panic(fmt.Sprintf("kernel: %v returned %v", c.no, err))
	}
	return e
}

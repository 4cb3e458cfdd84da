package kernel

import (
	"encoding/binary"
	"errors"
	"fmt"

	"ipcsim/abi"
	"ipcsim/proc"
	"ipcsim/sched"
)

func init() {
	register(map[abi.Sysno]sysEntry{
		abi.SysExit:          {sysExit, "d", noSleep},
		abi.SysExitGroup:     {sysExit, "d", noSleep},
		abi.SysGetpid:        {sysGetpid, "", noSleep},
		abi.SysGetppid:       {sysGetppid, "", noSleep},
		abi.SysGettid:        {sysGettid, "", noSleep},
		abi.SysGetuid:        {sysGetuid, "", noSleep},
		abi.SysGeteuid:       {sysGeteuid, "", noSleep},
		abi.SysGetgid:        {sysGetgid, "", noSleep},
		abi.SysGetegid:       {sysGetegid, "", noSleep},
		abi.SysClone:         {sysClone, "Cxxxx", noSleep},
		abi.SysExecve:        {sysExecve, "svv", noSleep},
		abi.SysSetTidAddress: {sysSetTidAddress, "x", noSleep},
	})
}

// getpid(2): the process's id, the same in all its threads.
func sysGetpid(c *call) (int64, error) { return int64(c.t.PID), nil }

// gettid(2): the caller's thread id ("In a single-threaded process, the
// thread ID is equal to the process ID").
func sysGettid(c *call) (int64, error) { return int64(c.t.TID), nil }

// getppid(2): the parent's pid; init has none (0).
func sysGetppid(c *call) (int64, error) {
	if c.t.Parent == nil {
		return 0, nil
	}
	return int64(c.t.Parent.PID), nil
}

// getuid(2), geteuid(2), getgid(2), getegid(2).
func sysGetuid(c *call) (int64, error)  { return int64(c.t.UID), nil }
func sysGeteuid(c *call) (int64, error) { return int64(c.t.EUID), nil }
func sysGetgid(c *call) (int64, error)  { return int64(c.t.GID), nil }
func sysGetegid(c *call) (int64, error) { return int64(c.t.EGID), nil }

// set_tid_address(2): remembers the pointer and returns the caller's tid.
func sysSetTidAddress(c *call) (int64, error) {
	c.t.ClearChildTID = c.a[0]
	return int64(c.t.TID), nil
}

// exit(2) ends the calling thread, exit_group(2) every thread of the
// process. "The value status & 0xFF is returned to the parent" -
// _exit(2).
func sysExit(c *call) (int64, error) {
	if c.t.k.tracing {
		c.t.k.emitEvent(c.t, &Event{Kind: "syscall", Syscall: c.no.String(), Args: c.t.k.callArgs(c),
			Text: fmt.Sprintf("%v(%d)", c.no, int32(c.a[0]))})
	}
	status := proc.ExitedStatus(int(int32(c.a[0])))
	if c.no == abi.SysExit {
		c.t.k.exitThread(c.t, status)
	} else {
		c.t.k.exit(c.t, status)
	}
	return 0, errNoReturn
}

// cloneTIDFlags are the flags of clone(2) that only ask for the child's
// tid to be stored (and cleared at exit): glibc's fork(3) passes
// CLONE_CHILD_SETTID|CLONE_CHILD_CLEARTID|SIGCHLD with its thread's tid
// field as child_tid.
const cloneTIDFlags = abi.CLONE_CHILD_SETTID | abi.CLONE_CHILD_CLEARTID | abi.CLONE_PARENT_SETTID

// The flags of a thread as glibc's and musl's pthread_create pass them:
// one memory, one file system context, one descriptor table, one set of
// signal handlers, one thread group; the rest are optional.
const (
	cloneThreadFlags   = abi.CLONE_VM | abi.CLONE_FS | abi.CLONE_FILES | abi.CLONE_SIGHAND | abi.CLONE_THREAD
	cloneThreadOptions = abi.CLONE_SYSVSEM | abi.CLONE_SETTLS | cloneTIDFlags | abi.CLONE_DETACHED
)

// clone(2): riscv64 passes (flags, newsp, parent_tid, tls, child_tid). A
// new process as fork(2) makes it (SIGCHLD as the exit signal, and the
// tid flags glibc's fork passes), or a new thread of the caller's process
// as pthread_create makes it (cloneThreadFlags). Other combinations are
// EINVAL, as Linux answers the inconsistent ones ("CLONE_THREAD was
// specified in flags, but CLONE_SIGHAND was not", "CLONE_SIGHAND was
// specified, but CLONE_VM was not"); for the consistent ones ipcsim does
// not simulate (a vfork, a process that shares memory or descriptors
// without being a thread) the trace says which flags.
func sysClone(c *call) (int64, error) {
	flags, newsp, ptid, tls, ctid := c.a[0], c.a[1], c.a[2], c.a[3], c.a[4]
	k, t := c.t.k, c.t
	switch {
	case flags&abi.CLONE_THREAD != 0 && flags&abi.CLONE_SIGHAND == 0,
		flags&abi.CLONE_SIGHAND != 0 && flags&abi.CLONE_VM == 0:
		return 0, abi.EINVAL
	case flags&abi.CLONE_THREAD != 0:
		if flags&cloneThreadFlags != cloneThreadFlags || flags&^uint64(cloneThreadFlags|cloneThreadOptions|abi.CSIGNAL) != 0 {
			return 0, c.cloneUnsupported(flags &^ uint64(cloneThreadOptions|abi.CSIGNAL))
		}
		return c.cloneThread(flags, newsp, ptid, tls, ctid)
	case flags&^cloneTIDFlags != uint64(abi.SIGCHLD):
		return 0, c.cloneUnsupported(flags &^ uint64(cloneTIDFlags|abi.CSIGNAL))
	}
	// As copy_process does: the process limit first, then the memory, and
	// only then a pid, so a failed fork uses up no pid.
	if len(k.tasks) >= k.cfg.MaxProcs {
		// "EAGAIN: A system-imposed limit on the number of threads was encountered." - fork(2)
		return 0, abi.EAGAIN
	}
	if k.overProcLimit(t) {
		// "EAGAIN: The RLIMIT_NPROC soft resource limit ... was reached" - fork(2)
		return 0, abi.EAGAIN
	}
	k.mmActor = t
	as, err := t.AS.Fork() // the child inherits shared memory attachments
	k.mmActor = nil
	if err != nil {
		return 0, abi.ENOMEM
	}
	child, _ := k.newTask(t)
	child.AS = as
	child.Files = t.Files.Fork()
	child.Sig = t.Sig.Fork()
	child.Name = t.threadName() // the calling thread's name (comm is per thread)
	child.exe = t.exe
	child.Regs = t.Regs
	child.altStack = t.altStack // "A child created via fork(2) inherits a copy of its parent's alternate signal stack settings"
	child.Regs.X[10] = 0        // fork returns 0 in the child
	child.Regs.PC += 4          // past the ecall, as the parent will be
	if newsp != 0 {
		child.Regs.X[2] = newsp
	}
	// copy_process: "p->clear_child_tid = (clone_flags &
	// CLONE_CHILD_CLEARTID) ? args->child_tid : NULL" (mmRelease uses it).
	if flags&abi.CLONE_CHILD_CLEARTID != 0 {
		child.ClearChildTID = ctid
	}
	// "CLONE_CHILD_SETTID: Store the child thread ID at the location
	// child_tid in the child's memory. The store operation completes before
	// clone() returns control to user space in the child process."
	// "CLONE_PARENT_SETTID: Store the child thread ID at the location
	// parent_tid in the parent's memory." - clone(2). Linux ignores a bad
	// pointer in both (put_user's result is not checked); the memories are
	// already separate, so each store is seen by its own process only.
	if flags&abi.CLONE_CHILD_SETTID != 0 {
		putTID(child.AS, ctid, child.PID)
	}
	if flags&abi.CLONE_PARENT_SETTID != 0 {
		putTID(t.AS, ptid, child.PID)
	}
	if k.tracing {
		k.emitEvent(child, &Event{Kind: "spawn", Other: t.PID, Name: child.Name, Text: fmt.Sprintf("fork: born as a copy of pid %d (%s)", t.PID, t.Name)})
	}
	k.makeRunnable(child, sched.WhyNew)
	return int64(child.PID), nil
}

// cloneUnsupported answers EINVAL for a clone ipcsim does not simulate,
// and says in the trace which flags make it so.
func (c *call) cloneUnsupported(flags uint64) error {
	if k := c.t.k; k.tracing {
		k.emit(c.t, "note", fmt.Sprintf("clone: %s is not simulated (a fork takes SIGCHLD and the tid flags; a thread %s): EINVAL",
			flagNames(flags, cloneFlags), flagNames(cloneThreadFlags, cloneFlags)))
	}
	return abi.EINVAL
}

// cloneThread makes a thread of the caller's process: it shares the
// memory, the descriptors, the signal handlers and the process's id; it
// has its own tid, registers (a copy of the caller's, returning 0, on the
// stack newsp, with the thread pointer tls under CLONE_SETTLS) and signal
// mask, and nothing pending. clone returns its tid.
func (c *call) cloneThread(flags, newsp, ptid, tls, ctid uint64) (int64, error) {
	k, t := c.t.k, c.t
	if len(k.tasks) >= k.cfg.MaxProcs || k.overProcLimit(t) {
		// "EAGAIN: Too many processes are already running" - clone(2)
		return 0, abi.EAGAIN
	}
	// A new thread has no alternate signal stack (clone(2): CLONE_VM without CLONE_VFORK).
	nt := &Task{Process: t.Process, threadGroup: t.threadGroup, k: k, TID: k.allocID(), altStack: noAltStack}
	nt.entry.Waiter = nt
	nt.Regs = t.Regs
	nt.Regs.X[10] = 0 // clone returns 0 in the new thread
	nt.Regs.PC += 4
	if newsp != 0 {
		nt.Regs.X[2] = newsp
	}
	if flags&abi.CLONE_SETTLS != 0 {
		nt.Regs.X[4] = tls // tp
	}
	nt.Sig = t.Sig.Thread()
	nt.comm = t.threadName() // a new thread is named as its creator is now (comm is per thread; a later rename of the process does not reach it)
	t.threads = append(t.threads, nt)
	k.tasks[nt.TID] = nt
	if flags&abi.CLONE_CHILD_CLEARTID != 0 {
		nt.ClearChildTID = ctid
	}
	if flags&abi.CLONE_CHILD_SETTID != 0 {
		putTID(t.AS, ctid, nt.TID)
	}
	if flags&abi.CLONE_PARENT_SETTID != 0 {
		putTID(t.AS, ptid, nt.TID)
	}
	if k.tracing {
		k.emitEvent(nt, &Event{Kind: "spawn", Other: t.PID, Name: t.Name,
			Text: fmt.Sprintf("clone: a new thread of pid %d, made by %s: it starts at pc %#x on the stack at %#x", t.PID, t.who(), nt.Regs.PC, nt.Regs.X[2])})
	}
	k.makeRunnable(nt, sched.WhyNew)
	return int64(nt.TID), nil
}

// putTID stores a tid (a pid_t) at va, ignoring a bad address as Linux's
// unchecked put_user does.
func putTID(as *proc.AddressSpace, va uint64, tid int) {
	var b [4]byte
	binary.LittleEndian.PutUint32(b[:], uint32(tid))
	_ = as.WriteBytes(va, b[:])
}

// mmRelease is Linux's mm_release at exit and execve, for
// CLONE_CHILD_CLEARTID and set_tid_address(2): "When a thread whose
// clear_child_tid is not NULL terminates, then, if the thread is sharing
// memory with other threads, then 0 is written at the address specified
// in clear_child_tid and the kernel performs the following operation:
// futex(clear_child_tid, FUTEX_WAKE, 1, NULL, NULL, 0)". The pointer is
// forgotten either way.
//
// Only a thread sharing its memory is woken (mm_users > 1): a process
// with memory of its own, the last thread of a process, leaves the word
// as it is, on Linux too.
func (k *Kernel) mmRelease(t *Task) {
	addr := t.ClearChildTID
	t.ClearChildTID = 0
	if addr != 0 && k.sharesMemory(t) {
		k.clearTID(t, addr)
	}
}

// sharesMemory reports whether another live task runs in t's address
// space (Linux's mm_users > 1): another thread of its process.
func (k *Kernel) sharesMemory(t *Task) bool { return len(t.threads) > 1 }

// clearTID writes 0 at addr and wakes one futex waiter there: the end of a
// thread that pthread_join waits for.
func (k *Kernel) clearTID(t *Task, addr uint64) {
	putTID(t.AS, addr, 0)
	k.futexWake(futexKeyOf(t, addr, false), 1, futexBitsetAll)
}

// rusage returns the child's struct rusage (144 bytes on LP64): user time
// from its cycles, and its minor page faults.
func rusage(t *Task) []byte {
	b := make([]byte, 144)
	ns := t.Cycles * (1_000_000_000 / CyclesPerSecond)
	binary.LittleEndian.PutUint64(b[0:], ns/1_000_000_000)      // ru_utime.tv_sec
	binary.LittleEndian.PutUint64(b[8:], ns%1_000_000_000/1000) // ru_utime.tv_usec
	binary.LittleEndian.PutUint64(b[32+6*8:], t.Faults)         // ru_minflt
	return b
}

// execve(2): (path, argv, envp).
func sysExecve(c *call) (int64, error) {
	t := c.t
	path, ok, err := t.AS.ReadString(c.a[0], 4095)
	if err != nil {
		return 0, abi.EFAULT
	}
	if !ok {
		return 0, abi.ENAMETOOLONG
	}
	argv, err := readStrings(t.AS, c.a[1], abi.ArgBytesMax)
	if err != nil {
		return 0, err
	}
	envp, err := readStrings(t.AS, c.a[2], abi.ArgBytesMax)
	if err != nil {
		return 0, err
	}
	if err := t.k.exec(t, path, argv, envp); err != nil {
		var e abi.Errno
		if errors.As(err, &e) {
			return 0, e
		}
		return 0, abi.ENOEXEC
	}
	t.execed = true
	if t.k.tracing {
		ret := int64(0)
		t.k.emitEvent(t, &Event{Kind: "syscall", Syscall: "execve", Args: t.k.callArgs(c), Ret: &ret, Name: t.Name,
			Text: fmt.Sprintf("execve(%s, %s, %s) = 0", quoteBytes([]byte(path), 256), quoteArgv(argv), quoteArgv(envp))})
	}
	return 0, errNoReturn
}

// readStrings reads a NULL-terminated array of string pointers (argv,
// envp). A NULL array is empty, as Linux allows. The strings may total at
// most limit bytes (E2BIG).
func readStrings(as userMemory, va uint64, limit int) ([]string, error) {
	var out []string
	total := 0
	for va != 0 {
		var p [8]byte
		if as.ReadBytes(va, p[:]) != nil {
			return nil, abi.EFAULT
		}
		ptr := binary.LittleEndian.Uint64(p[:])
		if ptr == 0 {
			break
		}
		s, ok, err := as.ReadString(ptr, limit-total)
		if err != nil {
			return nil, abi.EFAULT
		}
		if !ok {
			return nil, abi.E2BIG
		}
		total += len(s) + 1
		out = append(out, s)
		va += 8
	}
	return out, nil
}

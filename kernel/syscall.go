package kernel

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strings"

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
	// registrations (block.go); handlers own the rest.
	rec         sched.Recorder // the call's waiter record on an object's list, if any
	waits       []*sched.Entry // poll and select: one registration per descriptor
	progress    uint64         // bytes a read or write has already moved
	total       uint64         // bytes the whole read or write asks for
	deadline    uint64         // cycle at which a timed call times out (valid if timed)
	timed       bool           // the call has a deadline (else it waits forever)
	started     bool           // the call has begun (set by calls that need it)
	pending     *OpenFile      // a FIFO open waiting for its partner
	mark        int            // the partner's open count when the FIFO open began
	oldMask     abi.SigSet     // the mask to restore when the call ends (if setMask)
	setMask     bool           // the call replaced the mask for its duration
	waitSet     abi.SigSet     // rt_sigtimedwait: the signals waited for
	jobSignaled bool           // the terminal already sent SIGTTIN/SIGTTOU for this call
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
	t.Regs.X[10] = uint64(ret)
	t.Regs.PC += 4
	if k.tracing {
		r := ret // a copy, so that ret itself stays off the heap when tracing is off
		k.emitEvent(t, &Event{Kind: "syscall", Syscall: c.no.String(), Ret: &r, Errno: errnoName(ret),
			Text: k.formatCall(c, ret) + " = " + formatRet(ret)})
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

func errnoName(ret int64) string {
	if ret < 0 && ret > -4096 {
		return abi.Errno(-ret).String()
	}
	return ""
}

// formatRet renders a result as strace does: "3", or "-1 EFAULT (Bad address)".
func formatRet(ret int64) string {
	if ret < 0 && ret > -4096 {
		e := abi.Errno(-ret)
		return fmt.Sprintf("-1 %v (%s)", e, e.Message())
	}
	if ret > 0xffff || ret < -0xffff {
		return fmt.Sprintf("%#x", uint64(ret))
	}
	return fmt.Sprint(ret)
}

// formatCall renders "name(arg, arg, ...)" with the arguments decoded by the
// letters of the table:
//
//	d int   u unsigned   x pointer or hex   k clock id   s path string
//	w buffer written (its length is the next argument)
//	r buffer read (shown after the call, ret bytes)
//	V iovec array written   v string array (argv)   T timespec
//	W wait4 options   C clone flags   P mmap prot   M mmap flags
//	O open flags   f O_NONBLOCK/O_CLOEXEC flags   p pipe2's fd pair
//	F fcntl command   a fcntl argument   I ioctl request   D dirfd
//	o octal mode   m file type and mode   R unlinkat flags   S signal
func (k *Kernel) formatCall(c *call, ret int64) string {
	var args string
	if int(c.no) < len(syscalls) {
		args = syscalls[c.no].args
	}
	if args == "" && (int(c.no) >= len(syscalls) || syscalls[c.no].fn == nil) {
		args = "xxxxxx" // an unknown call: show every register
	}
	parts := make([]string, len(args))
	for i, kind := range []byte(args) {
		parts[i] = k.formatArg(c, i, kind, ret)
	}
	return c.no.String() + "(" + strings.Join(parts, ", ") + ")"
}

const traceBytes = 32 // how much of a buffer the trace shows, as strace -s 32

func (k *Kernel) formatArg(c *call, i int, kind byte, ret int64) string {
	v := c.a[i]
	as := c.t.AS
	if s, ok := k.formatSockArg(c, i, kind); ok {
		return s // the socket calls' letters (socket.go)
	}
	switch kind {
	case 'd':
		return fmt.Sprint(int32(v))
	case 'u':
		return fmt.Sprint(v)
	case 'k':
		if name, ok := clockNames[v]; ok {
			return name
		}
		return fmt.Sprint(int32(v))
	case 's':
		if s, ok, err := as.ReadString(v, 4095); err == nil && ok {
			return quoteBytes([]byte(s), 256)
		}
	case 'w', 'r':
		n := c.a[i+1]
		if kind == 'r' {
			if ret <= 0 {
				break
			}
			n = uint64(ret)
		}
		buf := make([]byte, min(n, traceBytes+1))
		if as.ReadBytes(v, buf) == nil {
			return quoteBytes(buf[:min(n, uint64(len(buf)))], traceBytes)
		}
	case 'v':
		if v == 0 {
			return "NULL"
		}
		if argv, err := readStrings(as, v, abi.ArgBytesMax); err == nil {
			return quoteArgv(argv)
		}
	case 'T':
		if ts, err := readTimespec(as, v); err == nil {
			return fmt.Sprintf("{tv_sec=%d, tv_nsec=%d}", ts.sec, ts.nsec)
		}
	case 'V':
		return fmt.Sprintf("%#x", v)
	case 'W':
		return flagNames(v, waitFlags)
	case 'C':
		sig := abi.Signal(v & abi.CSIGNAL)
		rest := flagNames(v&^abi.CSIGNAL, cloneFlags)
		if sig == 0 {
			return rest
		}
		if rest == "0" {
			return sig.String()
		}
		return rest + "|" + sig.String()
	case 'P':
		if v == 0 {
			return "PROT_NONE"
		}
		return flagNames(v, protFlags)
	case 'M':
		return flagNames(v, mapFlags)
	case 'S':
		return abi.Signal(int32(v)).String()
	case 'g':
		return flagNames(v, ipcFlags)
	case 'X':
		op := [...]string{futexWait: "FUTEX_WAIT", futexWake: "FUTEX_WAKE", futexWaitBitset: "FUTEX_WAIT_BITSET", futexWakeBitset: "FUTEX_WAKE_BITSET"}
		name := fmt.Sprint(int32(v) & futexCmdMask)
		if cmd := int(int32(v) & futexCmdMask); cmd >= 0 && cmd < len(op) && op[cmd] != "" {
			name = op[cmd]
		}
		if v&futexPrivateFlag != 0 {
			name += "|FUTEX_PRIVATE_FLAG"
		}
		return name
	case 'K':
		if int32(v) == abi.IPC_PRIVATE {
			return "IPC_PRIVATE"
		}
		return fmt.Sprintf("%#x", uint32(v))
	case 'Q':
		if name, ok := ipcCmdNames[int32(v)]; ok {
			return name
		}
		return fmt.Sprint(int32(v))
	case 'H':
		if h := int32(v); h >= 0 && h <= 2 {
			return [...]string{"SIG_BLOCK", "SIG_UNBLOCK", "SIG_SETMASK"}[h]
		}
		return fmt.Sprint(int32(v))
	case 'f':
		return flagNames(v, openFlags)
	case 'p':
		var b [8]byte
		if ret == 0 && as.ReadBytes(v, b[:]) == nil {
			return fmt.Sprintf("[%d, %d]", int32(binary.LittleEndian.Uint32(b[:])), int32(binary.LittleEndian.Uint32(b[4:])))
		}
	case 'a':
		switch int32(c.a[1]) {
		case abi.F_SETFL:
			return flagNames(v, openFlags)
		case abi.F_SETFD:
			return flagNames(v, []flagName{{abi.FD_CLOEXEC, "FD_CLOEXEC"}})
		case abi.F_GETFD, abi.F_GETFL, abi.F_GETPIPE_SZ:
			return "0"
		}
		return fmt.Sprint(int64(v))
	case 'm':
		typ := map[uint64]string{abi.S_IFIFO: "S_IFIFO", abi.S_IFREG: "S_IFREG", abi.S_IFDIR: "S_IFDIR", abi.S_IFSOCK: "S_IFSOCK", abi.S_IFCHR: "S_IFCHR"}[v&abi.S_IFMT]
		if typ == "" {
			return fmt.Sprintf("%#o", v)
		}
		return fmt.Sprintf("%s|%#o", typ, v&^abi.S_IFMT)
	case 'R':
		return flagNames(v, []flagName{{abi.AT_REMOVEDIR, "AT_REMOVEDIR"}})
	case 'D':
		if int32(v) == abi.AT_FDCWD {
			return "AT_FDCWD"
		}
		return fmt.Sprint(int32(v))
	case 'o':
		return fmt.Sprintf("%#o", v)
	case 'O':
		return formatOpenFlags(v)
	case 'F':
		if name, ok := fcntlNames[int32(v)]; ok {
			return name
		}
		return fmt.Sprint(int32(v))
	case 'I':
		if name, ok := ioctlNames[uint32(v)]; ok {
			return name
		}
		return fmt.Sprintf("%#x", v)
	}
	if v == 0 && kind != 'd' && kind != 'u' {
		return "NULL"
	}
	return fmt.Sprintf("%#x", v)
}

type flagName struct {
	bit  uint64
	name string
}

var (
	waitFlags   = []flagName{{abi.WNOHANG, "WNOHANG"}, {abi.WUNTRACED, "WUNTRACED"}, {abi.WCONTINUED, "WCONTINUED"}, {abi.WNOTHREAD, "__WNOTHREAD"}, {abi.WALL, "__WALL"}, {abi.WCLONE, "__WCLONE"}}
	protFlags   = []flagName{{abi.PROT_READ, "PROT_READ"}, {abi.PROT_WRITE, "PROT_WRITE"}, {abi.PROT_EXEC, "PROT_EXEC"}}
	mapFlags    = []flagName{{abi.MAP_SHARED, "MAP_SHARED"}, {abi.MAP_PRIVATE, "MAP_PRIVATE"}, {abi.MAP_FIXED, "MAP_FIXED"}, {abi.MAP_ANONYMOUS, "MAP_ANONYMOUS"}, {abi.MAP_GROWSDOWN, "MAP_GROWSDOWN"}, {abi.MAP_NORESERVE, "MAP_NORESERVE"}, {abi.MAP_POPULATE, "MAP_POPULATE"}, {abi.MAP_STACK, "MAP_STACK"}, {abi.MAP_FIXED_NOREPLACE, "MAP_FIXED_NOREPLACE"}}
	cloneFlags  = []flagName{{abi.CLONE_VM, "CLONE_VM"}, {abi.CLONE_FS, "CLONE_FS"}, {abi.CLONE_FILES, "CLONE_FILES"}, {abi.CLONE_SIGHAND, "CLONE_SIGHAND"}, {abi.CLONE_VFORK, "CLONE_VFORK"}, {abi.CLONE_PARENT, "CLONE_PARENT"}, {abi.CLONE_THREAD, "CLONE_THREAD"}, {abi.CLONE_SETTLS, "CLONE_SETTLS"}, {abi.CLONE_PARENT_SETTID, "CLONE_PARENT_SETTID"}, {abi.CLONE_CHILD_CLEARTID, "CLONE_CHILD_CLEARTID"}, {abi.CLONE_CHILD_SETTID, "CLONE_CHILD_SETTID"}}
	openFlags   = []flagName{{abi.O_CREAT, "O_CREAT"}, {abi.O_EXCL, "O_EXCL"}, {abi.O_NOCTTY, "O_NOCTTY"}, {abi.O_TRUNC, "O_TRUNC"}, {abi.O_APPEND, "O_APPEND"}, {abi.O_NONBLOCK, "O_NONBLOCK"}, {abi.O_DIRECTORY, "O_DIRECTORY"}, {abi.O_NOFOLLOW, "O_NOFOLLOW"}, {abi.O_CLOEXEC, "O_CLOEXEC"}}
	fcntlNames  = map[int32]string{abi.F_DUPFD: "F_DUPFD", abi.F_GETFD: "F_GETFD", abi.F_SETFD: "F_SETFD", abi.F_GETFL: "F_GETFL", abi.F_SETFL: "F_SETFL", abi.F_DUPFD_CLOEXEC: "F_DUPFD_CLOEXEC", abi.F_SETPIPE_SZ: "F_SETPIPE_SZ", abi.F_GETPIPE_SZ: "F_GETPIPE_SZ"}
	ioctlNames  = map[uint32]string{abi.TCGETS: "TCGETS", abi.TCSETS: "TCSETS", abi.TCSETSW: "TCSETSW", abi.TCSETSF: "TCSETSF", abi.TIOCGPGRP: "TIOCGPGRP", abi.TIOCSPGRP: "TIOCSPGRP", abi.TIOCGWINSZ: "TIOCGWINSZ", abi.FIONREAD: "FIONREAD"}
	ipcFlags    = []flagName{{abi.IPC_NOWAIT, "IPC_NOWAIT"}, {abi.MSG_NOERROR, "MSG_NOERROR"}, {abi.MSG_EXCEPT, "MSG_EXCEPT"}, {abi.MSG_COPY, "MSG_COPY"}, {abi.SEM_UNDO, "SEM_UNDO"}}
	ipcCmdNames = map[int32]string{abi.IPC_RMID: "IPC_RMID", abi.IPC_SET: "IPC_SET", abi.IPC_STAT: "IPC_STAT", abi.IPC_INFO: "IPC_INFO",
		abi.GETPID: "GETPID", abi.GETVAL: "GETVAL", abi.GETALL: "GETALL", abi.GETNCNT: "GETNCNT", abi.GETZCNT: "GETZCNT", abi.SETVAL: "SETVAL", abi.SETALL: "SETALL"}
	clockNames = map[uint64]string{abi.CLOCK_REALTIME: "CLOCK_REALTIME", abi.CLOCK_MONOTONIC: "CLOCK_MONOTONIC", abi.CLOCK_PROCESS_CPUTIME_ID: "CLOCK_PROCESS_CPUTIME_ID", abi.CLOCK_THREAD_CPUTIME_ID: "CLOCK_THREAD_CPUTIME_ID", abi.CLOCK_MONOTONIC_RAW: "CLOCK_MONOTONIC_RAW", abi.CLOCK_REALTIME_COARSE: "CLOCK_REALTIME_COARSE", abi.CLOCK_MONOTONIC_COARSE: "CLOCK_MONOTONIC_COARSE", abi.CLOCK_BOOTTIME: "CLOCK_BOOTTIME"}
)

// flagNames renders a bit set as "A|B|0x40", or "0".
func flagNames(v uint64, names []flagName) string {
	var parts []string
	for _, f := range names {
		if v&f.bit == f.bit && f.bit != 0 {
			parts = append(parts, f.name)
			v &^= f.bit
		}
	}
	if v != 0 {
		parts = append(parts, fmt.Sprintf("%#x", v))
	}
	if len(parts) == 0 {
		return "0"
	}
	return strings.Join(parts, "|")
}

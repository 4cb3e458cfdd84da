package kernel

import (
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"

	"ipcsim/abi"
	"ipcsim/proc"
)

func errnoName(ret int64) string {
	if ret < 0 && ret > -4096 {
		return abi.Errno(-ret).String()
	}
	return ""
}

// formatRet renders a result as strace does: "3", or "-1 EFAULT (Bad address)".
func formatRet(ret int64) string { return string(appendRet(nil, ret)) }

// appendRet appends formatRet's rendering of ret to b.
func appendRet(b []byte, ret int64) []byte {
	switch {
	case ret < 0 && ret > -4096:
		e := abi.Errno(-ret)
		b = append(b, "-1 "...)
		b = append(b, e.String()...)
		b = append(b, " ("...)
		b = append(b, e.Message()...)
		return append(b, ')')
	case ret > 0xffff || ret < -0xffff:
		return appendHex(b, uint64(ret))
	}
	return strconv.AppendInt(b, ret, 10)
}

// appendHex appends v as %#x does: "0x1f", and "0x0" for 0.
func appendHex(b []byte, v uint64) []byte {
	return strconv.AppendUint(append(b, "0x"...), v, 16)
}

// formatCall renders "name(arg, arg, ...)" for a call that returned ret,
// with the arguments decoded by the letters of the table:
//
//	d int   u unsigned   x pointer or hex   k clock id   s path string
//	w buffer written (its length is the next argument)
//	r buffer read (shown after the call, ret bytes)
//	V iovec array written (its length is the next argument)
//	^ iovec array read into (shown after the call, ret bytes)
//	v string array (argv)   T timespec
//	W wait4 options   C clone flags   P mmap prot   M mmap flags
//	O open flags   f O_NONBLOCK/O_CLOEXEC flags   p pipe2's fd pair
//	F fcntl command   a fcntl argument   I ioctl request   D dirfd
//	o octal mode   m file type and mode   R unlinkat flags   S signal
//	E epoll_ctl op   e struct epoll_event (read)
//	L pollfd array (its length is the next argument)
//	Z select's fd_set (of nfds, the first argument)
//	G sigset_t (its size is the next argument)
//	Y pselect6's {sigset_t *, size}
//	N epoll_event array written (shown after the call, ret events)
//	l long (a 64-bit offset or length)   j lseek whence
//	q access mode (F_OK, R_OK|W_OK|X_OK)   n *at flags (AT_EMPTY_PATH, ...)
//	t struct stat (shown after the call: type and mode, size)
//	X futex op   H rt_sigprocmask's how
//	@ unsigned int (32 bits: a futex word's value, as strace shows it)
//
// and the letters of socket.go's formatSockArg (A b y U B c z h & % ( ))
// and trace_ipc.go's formatIPCArg (K Q i g J # < > * { } $ !). A letter
// belongs to one decoder only (argDecoders). prctl is decoded by its
// option (trace_prctl.go), not by letters.
//
// A call that overwrites what it was asked (ppoll, pselect6) keeps its
// arguments as they were at entry when it is traced (traceEntry); those
// are shown. A call that failed with ENOSYS shows its registers in hex,
// as strace shows a call it does not know: what ipcsim does not implement
// it has not read either, so a decoding would be a guess.
func (k *Kernel) formatCall(c *call, ret int64) string {
	return string(k.appendCall(nil, c, ret))
}

// appendCall appends formatCall's rendering to b.
func (k *Kernel) appendCall(b []byte, c *call, ret int64) []byte {
	b = append(b, c.no.String()...)
	b = append(b, '(')
	switch {
	case ret == -int64(abi.ENOSYS):
		b = append(b, rawArgs(c)...)
	case c.entryArgs != "":
		b = append(b, c.entryArgs...)
	default:
		b = k.appendArgs(b, c, ret, true)
	}
	return append(b, ')')
}

// rawArgs renders the arguments of a call as registers in hex: as many as
// its row of the table has letters, all six for a call not in the table.
func rawArgs(c *call) string {
	n := len(c.a)
	if c.no < abi.Sysno(len(syscalls)) && syscalls[c.no].fn != nil {
		n = len(syscalls[c.no].args)
	}
	parts := make([]string, n)
	for i := range parts {
		parts[i] = rawArg(c.a[i])
	}
	return strings.Join(parts, ", ")
}

// formatBlocked renders a call that goes to sleep: its arguments as asked,
// the results not yet written.
func (k *Kernel) formatBlocked(c *call) string { return string(k.appendBlocked(nil, c)) }

// appendBlocked appends formatBlocked's rendering to b.
func (k *Kernel) appendBlocked(b []byte, c *call) []byte {
	b = append(append(b, c.no.String()...), '(')
	if c.entryArgs != "" {
		b = append(b, c.entryArgs...)
	} else {
		b = k.appendArgs(b, c, 0, false)
	}
	return append(b, ')')
}

// formatArgs renders the arguments, "3, NULL"; done says whether the call
// has returned ret (else its results are not shown).
func (k *Kernel) formatArgs(c *call, ret int64, done bool) string {
	return string(k.appendArgs(nil, c, ret, done))
}

// appendArgs appends formatArgs's rendering to b. The letters of the
// commonest calls (read and write: "dru", "dwu") are appended in place; the
// others go through their decoders (formatArg), which return strings.
func (k *Kernel) appendArgs(b []byte, c *call, ret int64, done bool) []byte {
	// a7 is any 64-bit value: compared as a Sysno (unsigned), a number of
	// 2^63 or more is out of the table, where int(c.no) would be negative.
	if c.no == abi.SysPrctl {
		return appendPrctlArgs(b, c, ret, done) // what its arguments mean depends on its option
	}
	args := "xxxxxx" // an unknown call: show every register
	if c.no < abi.Sysno(len(syscalls)) && syscalls[c.no].fn != nil {
		args = syscalls[c.no].args
	}
	for i := 0; i < len(args); i++ {
		if i > 0 {
			b = append(b, ", "...)
		}
		v := c.a[i]
		switch kind := args[i]; kind {
		case 'd':
			b = strconv.AppendInt(b, int64(int32(v)), 10)
		case 'u':
			b = strconv.AppendUint(b, v, 10)
		case 'x':
			b = appendPointer(b, v)
		case 'w', 'r':
			b = appendBuffer(b, c, i, kind, ret)
		default:
			b = append(b, k.formatArg(c, i, kind, ret, done)...)
		}
	}
	return b
}

// appendBuffer appends the bytes of a read's or a write's buffer, argument
// i, its length the next argument: those written (w), or those a read
// returned (r); the address if they cannot be read, or a read failed.
func appendBuffer(b []byte, c *call, i int, kind byte, ret int64) []byte {
	v, n := c.a[i], c.a[i+1]
	if kind == 'r' {
		if ret <= 0 {
			return appendPointer(b, v)
		}
		n = uint64(ret)
	}
	var buf [traceBytes + 1]byte
	m := min(n, traceBytes+1)
	if c.peek().ReadBytes(v, buf[:m]) != nil { // the trace only looks (peeker)
		return appendPointer(b, v)
	}
	return appendQuoted(b, buf[:m], traceBytes)
}

// userMemory reads a process's memory: the address space itself, which
// faults pages in as the process's own loads would (a system call's
// copy_from_user), or a peeker, which changes nothing (the trace).
type userMemory interface {
	ReadBytes(va uint64, dst []byte) error
	ReadString(va uint64, max int) (s string, ok bool, err error)
}

// peeker reads an address space for the trace, through its side-effect-free
// peeks: a traced run must end in the same state as an untraced one, so the
// trace may not give an untouched page a frame (proc/peek.go).
type peeker struct{ as *proc.AddressSpace }

func (p peeker) ReadBytes(va uint64, dst []byte) error { return p.as.PeekBytes(va, dst) }

func (p peeker) ReadString(va uint64, max int) (string, bool, error) {
	return p.as.PeekString(va, max)
}

const traceBytes = 32 // how much of a buffer the trace shows, as strace -s 32

// An argDecoder renders argument i of a call by its letter, and says
// whether the letter is one of its own. Each letter belongs to exactly one
// decoder (TestTraceLettersHaveOneDecoder).
type argDecoder func(k *Kernel, c *call, i int, kind byte, ret int64, done bool) (string, bool)

// argDecoders are the decoders of the letters: the socket calls'
// (socket.go), System V IPC's, POSIX queues' and rt_sigaction's
// (trace_ipc.go), and the rest (formatBaseArg, here and trace_poll.go).
var argDecoders = [...]argDecoder{
	(*Kernel).formatSockArg,
	(*Kernel).formatIPCArg,
	(*Kernel).formatBaseArg,
}

func (k *Kernel) formatArg(c *call, i int, kind byte, ret int64, done bool) string {
	for _, dec := range argDecoders {
		if s, ok := dec(k, c, i, kind, ret, done); ok {
			return s
		}
	}
	return pointerArg(c.a[i]) // a letter no decoder knows (the test forbids it)
}

// pointerArg renders an address or a value in hex: "NULL" for 0.
func pointerArg(v uint64) string { return string(appendPointer(nil, v)) }

// appendPointer appends pointerArg's rendering of v to b.
func appendPointer(b []byte, v uint64) []byte {
	if v == 0 {
		return append(b, "NULL"...)
	}
	return appendHex(b, v)
}

// rawArg renders a value as strace prints the arguments of a call it does
// not decode: hex, "0" for 0.
func rawArg(v uint64) string {
	if v == 0 {
		return "0"
	}
	return fmt.Sprintf("%#x", v)
}

// formatBaseArg decodes the letters of formatCall's list that the socket
// and IPC decoders leave.
func (k *Kernel) formatBaseArg(c *call, i int, kind byte, ret int64, done bool) (string, bool) {
	s, ok := k.formatBaseLetter(c, i, kind, ret, done)
	if !ok {
		return "", false
	}
	if s == "" {
		s = pointerArg(c.a[i]) // the memory could not be read: the address
	}
	return s, true
}

// formatBaseLetter renders a letter of formatBaseArg, "" for one whose
// memory could not be read; false for a letter not its own.
func (k *Kernel) formatBaseLetter(c *call, i int, kind byte, ret int64, done bool) (string, bool) {
	v := c.a[i]
	as := c.peek() // the trace only looks: it must not fault pages in
	switch kind {
	default:
		return "", false
	case 'x':
		return "", true // pointer or hex: NULL or 0x...
	case 'V':
		if s, ok := formatIovecs(as, v, int64(int32(c.a[i+1])), -1); ok {
			return s, true
		}
	case '^':
		if done && ret >= 0 {
			if s, ok := formatIovecs(as, v, int64(int32(c.a[i+1])), ret); ok {
				return s, true
			}
		}
	case 'd':
		return fmt.Sprint(int32(v)), true
	case 'u':
		return fmt.Sprint(v), true
	case '@':
		return fmt.Sprint(uint32(v)), true
	case 'k':
		if name, ok := clockNames[v]; ok {
			return name, true
		}
		return fmt.Sprint(int32(v)), true
	case 's':
		if s, ok, err := as.ReadString(v, 4095); err == nil && ok {
			return quoteBytes([]byte(s), 256), true
		}
	case 'w', 'r':
		return string(appendBuffer(nil, c, i, kind, ret)), true
	case 'v':
		if v == 0 {
			return "NULL", true
		}
		if argv, err := readStrings(as, v, abi.ArgBytesMax); err == nil {
			return quoteArgv(argv), true
		}
	case 'T':
		if ts, err := readTimespec(as, v); err == nil {
			return fmt.Sprintf("{tv_sec=%d, tv_nsec=%d}", ts.sec, ts.nsec), true
		}
	case 'W':
		return flagNames(v, waitFlags), true
	case 'C':
		sig := abi.Signal(v & abi.CSIGNAL)
		rest := flagNames(v&^abi.CSIGNAL, cloneFlags)
		if sig == 0 {
			return rest, true
		}
		if rest == "0" {
			return sig.String(), true
		}
		return rest + "|" + sig.String(), true
	case 'P':
		if v == 0 {
			return "PROT_NONE", true
		}
		return flagNames(v, protFlags), true
	case 'M':
		return flagNames(v, mapFlags), true
	case 'S':
		return abi.Signal(int32(v)).String(), true
	case 'X':
		op := [...]string{futexWait: "FUTEX_WAIT", futexWake: "FUTEX_WAKE", futexRequeue: "FUTEX_REQUEUE", futexCmpRequeue: "FUTEX_CMP_REQUEUE",
			futexWaitBitset: "FUTEX_WAIT_BITSET", futexWakeBitset: "FUTEX_WAKE_BITSET"}
		name := fmt.Sprint(int32(v) & futexCmdMask)
		if cmd := int(int32(v) & futexCmdMask); cmd >= 0 && cmd < len(op) && op[cmd] != "" {
			name = op[cmd]
		}
		if v&futexPrivateFlag != 0 {
			name += "|FUTEX_PRIVATE_FLAG"
		}
		return name, true
	case 'H':
		if h := int32(v); h >= 0 && h <= 2 {
			return [...]string{"SIG_BLOCK", "SIG_UNBLOCK", "SIG_SETMASK"}[h], true
		}
		return fmt.Sprint(int32(v)), true
	case 'f':
		return flagNames(v, openFlags), true
	case 'p':
		var b [8]byte
		if ret == 0 && as.ReadBytes(v, b[:]) == nil {
			return fmt.Sprintf("[%d, %d]", int32(binary.LittleEndian.Uint32(b[:])), int32(binary.LittleEndian.Uint32(b[4:]))), true
		}
	case 'a':
		switch int32(c.a[1]) {
		case abi.F_SETFL:
			return flagNames(v, openFlags), true
		case abi.F_SETFD:
			return flagNames(v, []flagName{{abi.FD_CLOEXEC, "FD_CLOEXEC"}}), true
		case abi.F_GETFD, abi.F_GETFL, abi.F_GETPIPE_SZ:
			return "0", true
		}
		return fmt.Sprint(int64(v)), true
	case 'm':
		return formatMode(v), true
	case 'R':
		return flagNames(v, []flagName{{abi.AT_REMOVEDIR, "AT_REMOVEDIR"}}), true
	case 'D':
		if int32(v) == abi.AT_FDCWD {
			return "AT_FDCWD", true
		}
		return fmt.Sprint(int32(v)), true
	case 'o':
		return fmt.Sprintf("%#o", v), true
	case 'E':
		if op := int32(v); op >= abi.EPOLL_CTL_ADD && op <= abi.EPOLL_CTL_MOD {
			return [...]string{"", "EPOLL_CTL_ADD", "EPOLL_CTL_DEL", "EPOLL_CTL_MOD"}[op], true
		}
		return fmt.Sprint(int32(v)), true
	case 'e':
		var b [abi.SizeofEpollEvent]byte
		if v != 0 && as.ReadBytes(v, b[:]) == nil {
			return fmt.Sprintf("{events=%s, data=%#x}", flagNames(uint64(binary.LittleEndian.Uint32(b[:])), epollFlags),
				binary.LittleEndian.Uint64(b[8:])), true
		}
	case 'L':
		if s, ok := formatPollfds(as, v, c.a[i+1]); ok {
			return s, true
		}
	case 'Z':
		if s, ok := formatFDSet(as, c, v); ok {
			return s, true
		}
	case 'G':
		if s, ok := formatSigmask(as, v, c.a[i+1]); ok {
			return s, true
		}
	case 'Y':
		if s, ok := formatPselectSig(as, v); ok {
			return s, true
		}
	case 'N':
		if done && ret >= 0 {
			if s, ok := formatEpollEvents(as, v, ret); ok {
				return s, true
			}
		}
	case 'O':
		return formatOpenFlags(v), true
	case 'l':
		return fmt.Sprint(int64(v)), true
	case 'j':
		if w := int32(v); w >= 0 && w < int32(len(whenceNames)) {
			return whenceNames[w], true
		}
		return fmt.Sprint(int32(v)), true
	case 'q':
		if v == abi.F_OK {
			return "F_OK", true
		}
		return flagNames(v, accessModes), true
	case 'n':
		return flagNames(v, atFlags), true
	case 't':
		var b [abi.SizeofStat]byte
		if ret == 0 && as.ReadBytes(v, b[:]) == nil {
			mode := uint64(binary.LittleEndian.Uint32(b[16:]))
			return fmt.Sprintf("{st_mode=%s, st_size=%d}", formatMode(mode),
				int64(binary.LittleEndian.Uint64(b[48:]))), true
		}
	case 'F':
		if name, ok := fcntlNames[int32(v)]; ok {
			return name, true
		}
		return fmt.Sprint(int32(v)), true
	case 'I':
		if name, ok := ioctlNames[uint32(v)]; ok {
			return name, true
		}
		return fmt.Sprintf("%#x", v), true
	}
	return "", true
}

// formatMode renders a file type and mode as "S_IFREG|0644".
func formatMode(v uint64) string {
	typ := map[uint64]string{abi.S_IFIFO: "S_IFIFO", abi.S_IFREG: "S_IFREG", abi.S_IFDIR: "S_IFDIR", abi.S_IFSOCK: "S_IFSOCK", abi.S_IFCHR: "S_IFCHR"}[v&abi.S_IFMT]
	if typ == "" {
		return fmt.Sprintf("%#o", v)
	}
	return fmt.Sprintf("%s|%#o", typ, v&^abi.S_IFMT)
}

type flagName struct {
	bit  uint64
	name string
}

var (
	waitFlags   = []flagName{{abi.WNOHANG, "WNOHANG"}, {abi.WUNTRACED, "WUNTRACED"}, {abi.WCONTINUED, "WCONTINUED"}, {abi.WNOTHREAD, "__WNOTHREAD"}, {abi.WALL, "__WALL"}, {abi.WCLONE, "__WCLONE"}}
	protFlags   = []flagName{{abi.PROT_READ, "PROT_READ"}, {abi.PROT_WRITE, "PROT_WRITE"}, {abi.PROT_EXEC, "PROT_EXEC"}}
	mapFlags    = []flagName{{abi.MAP_SHARED, "MAP_SHARED"}, {abi.MAP_PRIVATE, "MAP_PRIVATE"}, {abi.MAP_FIXED, "MAP_FIXED"}, {abi.MAP_ANONYMOUS, "MAP_ANONYMOUS"}, {abi.MAP_GROWSDOWN, "MAP_GROWSDOWN"}, {abi.MAP_NORESERVE, "MAP_NORESERVE"}, {abi.MAP_POPULATE, "MAP_POPULATE"}, {abi.MAP_STACK, "MAP_STACK"}, {abi.MAP_FIXED_NOREPLACE, "MAP_FIXED_NOREPLACE"}}
	cloneFlags  = []flagName{{abi.CLONE_VM, "CLONE_VM"}, {abi.CLONE_FS, "CLONE_FS"}, {abi.CLONE_FILES, "CLONE_FILES"}, {abi.CLONE_SIGHAND, "CLONE_SIGHAND"}, {abi.CLONE_VFORK, "CLONE_VFORK"}, {abi.CLONE_PARENT, "CLONE_PARENT"}, {abi.CLONE_THREAD, "CLONE_THREAD"}, {abi.CLONE_SYSVSEM, "CLONE_SYSVSEM"}, {abi.CLONE_SETTLS, "CLONE_SETTLS"}, {abi.CLONE_PARENT_SETTID, "CLONE_PARENT_SETTID"}, {abi.CLONE_CHILD_CLEARTID, "CLONE_CHILD_CLEARTID"}, {abi.CLONE_CHILD_SETTID, "CLONE_CHILD_SETTID"}}
	openFlags   = []flagName{{abi.O_CREAT, "O_CREAT"}, {abi.O_EXCL, "O_EXCL"}, {abi.O_NOCTTY, "O_NOCTTY"}, {abi.O_TRUNC, "O_TRUNC"}, {abi.O_APPEND, "O_APPEND"}, {abi.O_NONBLOCK, "O_NONBLOCK"}, {abi.O_DIRECTORY, "O_DIRECTORY"}, {abi.O_NOFOLLOW, "O_NOFOLLOW"}, {abi.O_CLOEXEC, "O_CLOEXEC"}}
	fcntlNames  = map[int32]string{abi.F_DUPFD: "F_DUPFD", abi.F_GETFD: "F_GETFD", abi.F_SETFD: "F_SETFD", abi.F_GETFL: "F_GETFL", abi.F_SETFL: "F_SETFL", abi.F_DUPFD_CLOEXEC: "F_DUPFD_CLOEXEC", abi.F_SETPIPE_SZ: "F_SETPIPE_SZ", abi.F_GETPIPE_SZ: "F_GETPIPE_SZ"}
	ioctlNames  = map[uint32]string{abi.TCGETS: "TCGETS", abi.TCSETS: "TCSETS", abi.TCSETSW: "TCSETSW", abi.TCSETSF: "TCSETSF", abi.TIOCGPGRP: "TIOCGPGRP", abi.TIOCSPGRP: "TIOCSPGRP", abi.TIOCGWINSZ: "TIOCGWINSZ", abi.FIONREAD: "FIONREAD"}
	epollFlags  = []flagName{{abi.EPOLLIN, "EPOLLIN"}, {abi.EPOLLPRI, "EPOLLPRI"}, {abi.EPOLLOUT, "EPOLLOUT"}, {abi.EPOLLERR, "EPOLLERR"}, {abi.EPOLLHUP, "EPOLLHUP"}, {abi.EPOLLRDNORM, "EPOLLRDNORM"}, {abi.EPOLLRDBAND, "EPOLLRDBAND"}, {abi.EPOLLWRNORM, "EPOLLWRNORM"}, {abi.EPOLLWRBAND, "EPOLLWRBAND"}, {abi.EPOLLMSG, "EPOLLMSG"}, {abi.EPOLLRDHUP, "EPOLLRDHUP"}, {abi.EPOLLEXCLUSIVE, "EPOLLEXCLUSIVE"}, {abi.EPOLLWAKEUP, "EPOLLWAKEUP"}, {abi.EPOLLONESHOT, "EPOLLONESHOT"}, {abi.EPOLLET, "EPOLLET"}}
	whenceNames = [...]string{"SEEK_SET", "SEEK_CUR", "SEEK_END", "SEEK_DATA", "SEEK_HOLE"}
	accessModes = []flagName{{abi.R_OK, "R_OK"}, {abi.W_OK, "W_OK"}, {abi.X_OK, "X_OK"}}
	atFlags     = []flagName{{abi.AT_SYMLINK_NOFOLLOW, "AT_SYMLINK_NOFOLLOW"}, {abi.AT_EACCESS, "AT_EACCESS"}, {abi.AT_NO_AUTOMOUNT, "AT_NO_AUTOMOUNT"}, {abi.AT_EMPTY_PATH, "AT_EMPTY_PATH"}}
	clockNames  = map[uint64]string{abi.CLOCK_REALTIME: "CLOCK_REALTIME", abi.CLOCK_MONOTONIC: "CLOCK_MONOTONIC", abi.CLOCK_PROCESS_CPUTIME_ID: "CLOCK_PROCESS_CPUTIME_ID", abi.CLOCK_THREAD_CPUTIME_ID: "CLOCK_THREAD_CPUTIME_ID", abi.CLOCK_MONOTONIC_RAW: "CLOCK_MONOTONIC_RAW", abi.CLOCK_REALTIME_COARSE: "CLOCK_REALTIME_COARSE", abi.CLOCK_MONOTONIC_COARSE: "CLOCK_MONOTONIC_COARSE", abi.CLOCK_BOOTTIME: "CLOCK_BOOTTIME"}
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

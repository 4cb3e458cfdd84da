package abi

// File, process, memory and IPC flags of the Linux riscv64 ABI, which uses the
// asm-generic headers (include/uapi/asm-generic/*.h). Values are given in the
// base the header uses, so they can be checked against it line by line.

// openat(2), fcntl(2), pipe2(2) (asm-generic/fcntl.h).
const (
	O_RDONLY    = 0
	O_WRONLY    = 1
	O_RDWR      = 2
	O_ACCMODE   = 3
	O_CREAT     = 0100
	O_EXCL      = 0200
	O_NOCTTY    = 0400
	O_TRUNC     = 01000
	O_APPEND    = 02000
	O_NONBLOCK  = 04000
	O_DIRECT    = 040000 // on a pipe's write end: packet mode (pipe(2))
	O_DIRECTORY = 0200000
	O_NOFOLLOW  = 0400000
	O_CLOEXEC   = 02000000

	AT_FDCWD     = -100
	AT_REMOVEDIR = 0x200

	F_DUPFD         = 0
	F_GETFD         = 1
	F_SETFD         = 2
	F_GETFL         = 3
	F_SETFL         = 4
	F_DUPFD_CLOEXEC = 1030
	F_SETPIPE_SZ    = 1031
	F_GETPIPE_SZ    = 1032
	FD_CLOEXEC      = 1
)

// File types of st_mode (include/uapi/linux/stat.h).
const (
	S_IFMT   = 0170000
	S_IFSOCK = 0140000
	S_IFLNK  = 0120000
	S_IFREG  = 0100000
	S_IFDIR  = 0040000
	S_IFCHR  = 0020000
	S_IFIFO  = 0010000
	S_ISUID  = 0004000
	S_ISGID  = 0002000
	S_ISVTX  = 0001000 // the sticky bit: inode(7)
)

// clone(2) flags (include/uapi/linux/sched.h). The low byte is the signal
// sent to the parent when the child dies (SIGCHLD for fork).
const (
	CSIGNAL              = 0x000000ff
	CLONE_VM             = 0x00000100
	CLONE_FS             = 0x00000200
	CLONE_FILES          = 0x00000400
	CLONE_SIGHAND        = 0x00000800
	CLONE_PIDFD          = 0x00001000
	CLONE_PTRACE         = 0x00002000
	CLONE_VFORK          = 0x00004000
	CLONE_PARENT         = 0x00008000
	CLONE_THREAD         = 0x00010000
	CLONE_NEWNS          = 0x00020000
	CLONE_SYSVSEM        = 0x00040000
	CLONE_SETTLS         = 0x00080000
	CLONE_PARENT_SETTID  = 0x00100000
	CLONE_CHILD_CLEARTID = 0x00200000
	CLONE_DETACHED       = 0x00400000 // ignored by Linux since 2.6
	CLONE_CHILD_SETTID   = 0x01000000
)

// wait4(2), waitid(2) options (include/uapi/linux/wait.h).
const (
	WNOHANG    = 0x00000001
	WUNTRACED  = 0x00000002
	WSTOPPED   = WUNTRACED
	WEXITED    = 0x00000004
	WCONTINUED = 0x00000008
	WNOWAIT    = 0x01000000
	WNOTHREAD  = 0x20000000 // __WNOTHREAD
	WALL       = 0x40000000 // __WALL
	WCLONE     = 0x80000000 // __WCLONE
)

// mmap(2) (asm-generic/mman-common.h, mman.h).
const (
	PROT_NONE  = 0x0
	PROT_READ  = 0x1
	PROT_WRITE = 0x2
	PROT_EXEC  = 0x4

	MAP_SHARED          = 0x01
	MAP_PRIVATE         = 0x02
	MAP_SHARED_VALIDATE = 0x03
	MAP_TYPE            = 0x0f
	MAP_FIXED           = 0x10
	MAP_ANONYMOUS       = 0x20
	MAP_GROWSDOWN       = 0x0100
	MAP_DENYWRITE       = 0x0800
	MAP_EXECUTABLE      = 0x1000
	MAP_LOCKED          = 0x2000
	MAP_NORESERVE       = 0x4000
	MAP_POPULATE        = 0x8000
	MAP_NONBLOCK        = 0x10000
	MAP_STACK           = 0x20000
	MAP_HUGETLB         = 0x40000
	MAP_FIXED_NOREPLACE = 0x100000
)

// Clocks of clock_gettime(2) (include/uapi/linux/time.h).
const (
	CLOCK_REALTIME           = 0
	CLOCK_MONOTONIC          = 1
	CLOCK_PROCESS_CPUTIME_ID = 2
	CLOCK_THREAD_CPUTIME_ID  = 3
	CLOCK_MONOTONIC_RAW      = 4
	CLOCK_REALTIME_COARSE    = 5
	CLOCK_MONOTONIC_COARSE   = 6
	CLOCK_BOOTTIME           = 7

	ITIMER_REAL    = 0
	ITIMER_VIRTUAL = 1
	ITIMER_PROF    = 2
)

// poll(2) event bits (asm-generic/poll.h).
const (
	POLLIN     = 0x0001
	POLLPRI    = 0x0002
	POLLOUT    = 0x0004
	POLLERR    = 0x0008
	POLLHUP    = 0x0010
	POLLNVAL   = 0x0020
	POLLRDNORM = 0x0040
	POLLRDBAND = 0x0080
	POLLWRNORM = 0x0100
	POLLWRBAND = 0x0200
	POLLMSG    = 0x0400
	POLLRDHUP  = 0x2000
)

// Terminal and pipe ioctls (asm-generic/ioctls.h).
const (
	TCGETS     = 0x5401
	TCSETS     = 0x5402
	TCSETSW    = 0x5403
	TCSETSF    = 0x5404
	TIOCSCTTY  = 0x540E
	TIOCGPGRP  = 0x540F
	TIOCSPGRP  = 0x5410
	TIOCGWINSZ = 0x5413
	FIONREAD   = 0x541B
)

// System V IPC (include/uapi/linux/ipc.h, msg.h, shm.h, sem.h).
const (
	IPC_PRIVATE = 0
	IPC_CREAT   = 01000
	IPC_EXCL    = 02000
	IPC_NOWAIT  = 04000
	IPC_RMID    = 0
	IPC_SET     = 1
	IPC_STAT    = 2
	IPC_INFO    = 3

	MSG_NOERROR = 010000
	MSG_EXCEPT  = 020000
	MSG_COPY    = 040000

	SHM_RDONLY = 010000
	SHM_RND    = 020000

	GETPID  = 11
	GETVAL  = 12
	GETALL  = 13
	GETNCNT = 14
	GETZCNT = 15
	SETVAL  = 16
	SETALL  = 17

	SEM_UNDO = 0x1000
)

// futex(2) (include/uapi/linux/futex.h).
const (
	FUTEX_WAIT         = 0
	FUTEX_WAKE         = 1
	FUTEX_PRIVATE_FLAG = 128
)

// Sockets (include/linux/socket.h, net.h).
const (
	AF_UNIX        = 1
	SOCK_STREAM    = 1
	SOCK_DGRAM     = 2
	SOCK_SEQPACKET = 5
	SOCK_NONBLOCK  = O_NONBLOCK
	SOCK_CLOEXEC   = O_CLOEXEC
	SHUT_RD        = 0
	SHUT_WR        = 1
	SHUT_RDWR      = 2
	MSG_PEEK       = 0x2
	MSG_TRUNC      = 0x20
	MSG_DONTWAIT   = 0x40
	MSG_NOSIGNAL   = 0x4000
)

// Limits that programs can observe.
const (
	PIPE_BUF = 4096 // pipe(7): writes up to this size are atomic
	PageSize = 4096 // riscv64 page size (AT_PAGESZ)
	// ArgBytesMax bounds the argv and envp strings of execve (E2BIG): the
	// kernel allows a quarter of the 8 MiB default stack limit (fs/exec.c).
	ArgBytesMax = 2 << 20
)

// Auxiliary vector types (include/uapi/linux/auxvec.h).
const (
	AT_NULL         = 0
	AT_PHDR         = 3
	AT_PHENT        = 4
	AT_PHNUM        = 5
	AT_PAGESZ       = 6
	AT_BASE         = 7
	AT_FLAGS        = 8
	AT_ENTRY        = 9
	AT_UID          = 11
	AT_EUID         = 12
	AT_GID          = 13
	AT_EGID         = 14
	AT_HWCAP        = 16
	AT_CLKTCK       = 17
	AT_SECURE       = 23
	AT_RANDOM       = 25
	AT_EXECFN       = 31
	AT_SYSINFO_EHDR = 33
)

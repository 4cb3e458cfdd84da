/*
 * rt.h: the whole "C library" of the conformance programs.
 *
 * - raw system calls for the Linux riscv64 ABI (asm-generic numbers): number in
 *   a7, arguments in a0..a5, `ecall`, result in a0. A result in [-4095, -1] is
 *   -errno. The wrappers return the raw value so programs can print errno numbers.
 * - memset/memcpy/strlen (gcc may emit calls to memset/memcpy even with
 *   -ffreestanding -fno-builtin, so they must exist with external linkage).
 * - unbuffered printing to fd 1: every print_* is one write(2). Unbuffered means
 *   nothing is left in a buffer at fork(2) to be printed twice.
 *
 * Each program is one C file that includes this header, so defining the external
 * functions here is fine.
 */
#ifndef RT_H
#define RT_H

typedef unsigned long size_t;
typedef long ssize_t;

/* asm-generic/unistd.h, as used by riscv64 */
#define SYS_pipe2           59
#define SYS_close           57
#define SYS_read            63
#define SYS_write           64
#define SYS_readv           65
#define SYS_writev          66
#define SYS_exit            93
#define SYS_exit_group      94
#define SYS_set_tid_address 96
#define SYS_nanosleep       101
#define SYS_clock_gettime   113
#define SYS_sched_yield     124
#define SYS_kill            129
#define SYS_uname           160
#define SYS_getpid          172
#define SYS_getppid         173
#define SYS_gettid          178
#define SYS_brk             214
#define SYS_munmap          215
#define SYS_clone           220
#define SYS_execve          221
#define SYS_mmap            222
#define SYS_wait4           260
#define SYS_prctl           167

/* errno values (asm-generic/errno-base.h, errno.h) */
#define EPERM   1
#define ECHILD  10
#define EFAULT  14
#define EINVAL  22
#define ENOSYS  38

/* signals and flags */
#define SIGILL   4
#define SIGTRAP  5
#define SIGBUS   7
#define SIGKILL  9
#define SIGSEGV  11
#define SIGCHLD  17
#define WNOHANG  1
#define CLOCK_MONOTONIC 1
#define PROT_READ  1
#define PROT_WRITE 2
#define MAP_PRIVATE   0x02
#define MAP_ANONYMOUS 0x20
#define PAGE_SIZE 4096
#define PR_SET_DUMPABLE 4

struct timespec { long tv_sec; long tv_nsec; };
struct iovec { void *iov_base; size_t iov_len; };
/* uname(2): six fields of 65 bytes each (__NEW_UTS_LEN + 1) */
struct utsname {
	char sysname[65], nodename[65], release[65], version[65], machine[65], domainname[65];
};

/* One generic six-argument system call; the others are shorthands for it. */
static inline long syscall6(long n, long a, long b, long c, long d, long e, long f)
{
	register long a0 __asm__("a0") = a;
	register long a1 __asm__("a1") = b;
	register long a2 __asm__("a2") = c;
	register long a3 __asm__("a3") = d;
	register long a4 __asm__("a4") = e;
	register long a5 __asm__("a5") = f;
	register long a7 __asm__("a7") = n;
	__asm__ volatile("ecall"
			 : "+r"(a0)
			 : "r"(a1), "r"(a2), "r"(a3), "r"(a4), "r"(a5), "r"(a7)
			 : "memory");
	return a0;
}
#define syscall0(n)             syscall6(n, 0, 0, 0, 0, 0, 0)
#define syscall1(n, a)          syscall6(n, (long)(a), 0, 0, 0, 0, 0)
#define syscall2(n, a, b)       syscall6(n, (long)(a), (long)(b), 0, 0, 0, 0)
#define syscall3(n, a, b, c)    syscall6(n, (long)(a), (long)(b), (long)(c), 0, 0, 0)
#define syscall4(n, a, b, c, d) syscall6(n, (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)

/* Typed wrappers; each returns the raw result (>= 0, or -errno). */
static inline long sys_read(int fd, void *buf, size_t n) { return syscall3(SYS_read, fd, buf, n); }
static inline long sys_write(int fd, const void *buf, size_t n) { return syscall3(SYS_write, fd, buf, n); }
static inline long sys_readv(int fd, const struct iovec *v, int cnt) { return syscall3(SYS_readv, fd, v, cnt); }
static inline long sys_writev(int fd, const struct iovec *v, int cnt) { return syscall3(SYS_writev, fd, v, cnt); }
static inline long sys_close(int fd) { return syscall1(SYS_close, fd); }
static inline long sys_pipe2(int fds[2], int flags) { return syscall2(SYS_pipe2, fds, flags); }
static inline long sys_getpid(void) { return syscall0(SYS_getpid); }
static inline long sys_getppid(void) { return syscall0(SYS_getppid); }
static inline long sys_gettid(void) { return syscall0(SYS_gettid); }
static inline long sys_set_tid_address(int *p) { return syscall1(SYS_set_tid_address, p); }
static inline long sys_wait4(long pid, int *status, int options, void *rusage)
{ return syscall4(SYS_wait4, pid, status, options, rusage); }
static inline long sys_kill(long pid, int sig) { return syscall2(SYS_kill, pid, sig); }
static inline long sys_brk(void *addr) { return syscall1(SYS_brk, addr); }
static inline long sys_mmap(void *addr, size_t len, int prot, int flags, int fd, long off)
{ return syscall6(SYS_mmap, (long)addr, (long)len, prot, flags, fd, off); }
static inline long sys_munmap(void *addr, size_t len) { return syscall2(SYS_munmap, addr, len); }
static inline long sys_nanosleep(const struct timespec *req, struct timespec *rem)
{ return syscall2(SYS_nanosleep, req, rem); }
static inline long sys_clock_gettime(int clk, struct timespec *ts) { return syscall2(SYS_clock_gettime, clk, ts); }
static inline long sys_sched_yield(void) { return syscall0(SYS_sched_yield); }
static inline long sys_uname(struct utsname *u) { return syscall1(SYS_uname, u); }
static inline long sys_clone(long flags, void *stack, void *ptid, void *tls, void *ctid)
{ return syscall6(SYS_clone, flags, (long)stack, (long)ptid, (long)tls, (long)ctid, 0); }
static inline long sys_prctl(int option, long arg2) { return syscall2(SYS_prctl, option, arg2); }

/* fork(2) does not exist on riscv64: it is clone(SIGCHLD, 0, 0, 0, 0). */
static inline long sys_fork(void) { return sys_clone(SIGCHLD, 0, 0, 0, 0); }

/* _exit(2) for the whole process: exit_group. Never returns. */
static inline __attribute__((noreturn)) void sys_exit_group(int code)
{
	syscall1(SYS_exit_group, code);
	for (;;) ;
}

/* Sleep for ms milliseconds (nanosleep(2)). */
static inline long sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };
	return sys_nanosleep(&ts, 0);
}

/* Make this process not dumpable (prctl(2) PR_SET_DUMPABLE, 0): the kernel then
 * never writes a core for it, so a death by SIGSEGV & co. gives a wait status
 * without the 0x80 core bit whatever the host's ulimit -c and core_pattern (a
 * piped core_pattern ignores RLIMIT_CORE = 0, dumpable = 0 it does not). A
 * simulator without prctl returns ENOSYS: the result is ignored on purpose. */
static inline void no_core_dumps(void)
{
	sys_prctl(PR_SET_DUMPABLE, 0);
}

/* Wait status decoding, by hand (wait(2) macros, Linux's encoding):
 * exited:   status = code << 8
 * signaled: status = signo | 0x80 if a core was dumped */
#define W_EXITED(s)   (((s) & 0x7f) == 0)
#define W_EXITSTATUS(s) (((s) >> 8) & 0xff)
#define W_SIGNALED(s) (((s) & 0x7f) != 0 && ((s) & 0x7f) != 0x7f)
#define W_TERMSIG(s)  ((s) & 0x7f)
#define W_COREDUMP(s) (((s) & 0x80) != 0)

/* ---- string and memory helpers ---- */

size_t strlen(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

void *memset(void *d, int c, size_t n)
{
	unsigned char *p = d;
	while (n--)
		*p++ = (unsigned char)c;
	return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
	unsigned char *p = d;
	const unsigned char *q = s;
	while (n--)
		*p++ = *q++;
	return d;
}

static int streq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

/* ---- printing to stdout, one write(2) per call ---- */

static void print(const char *s) { sys_write(1, s, strlen(s)); }

static void print_udec(unsigned long v)
{
	char buf[24];
	int i = sizeof buf;
	do {
		buf[--i] = '0' + v % 10;
		v /= 10;
	} while (v);
	sys_write(1, buf + i, sizeof buf - i);
}

static void print_dec(long v)
{
	if (v < 0) {
		print("-");
		print_udec(-(unsigned long)v);
	} else {
		print_udec(v);
	}
}

/* Lower-case hex with a 0x prefix and no leading zeros: 0x700, 0xb, 0x0. */
static void print_hex(unsigned long v)
{
	char buf[18];
	int i = sizeof buf;
	do {
		buf[--i] = "0123456789abcdef"[v & 15];
		v >>= 4;
	} while (v);
	buf[--i] = 'x';
	buf[--i] = '0';
	sys_write(1, buf + i, sizeof buf - i);
}

/* "label: 42\n" */
static void say_dec(const char *label, long v) { print(label); print(": "); print_dec(v); print("\n"); }
/* "label: 0x700\n" */
static void say_hex(const char *label, unsigned long v) { print(label); print(": "); print_hex(v); print("\n"); }
/* "label: yes\n" or "label: no\n" */
static void say_yes(const char *label, int cond) { print(label); print(cond ? ": yes\n" : ": no\n"); }
/* "label: text\n" */
static void say_str(const char *label, const char *s) { print(label); print(": "); print(s); print("\n"); }

/* Print a wait status word and what it means, computed by hand. */
static void say_status(const char *label, int st)
{
	print(label);
	print(": status ");
	print_hex((unsigned)st);
	if (W_EXITED(st)) {
		print(" exited ");
		print_dec(W_EXITSTATUS(st));
	} else if (W_SIGNALED(st)) {
		print(" signaled ");
		print_dec(W_TERMSIG(st));
		if (W_COREDUMP(st))
			print(" core");
	}
	print("\n");
}

/* ---- descriptors, pipes, FIFOs, poll/select, signal actions ----
 * (added for the pipe/FIFO/descriptor programs; asm-generic numbers) */
#define SYS_getcwd          17
#define SYS_dup             23
#define SYS_dup3            24
#define SYS_fcntl           25
#define SYS_ioctl           29
#define SYS_mknodat         33
#define SYS_mkdirat         34
#define SYS_unlinkat        35
#define SYS_chdir           49
#define SYS_openat          56
#define SYS_lseek           62
#define SYS_pselect6        72
#define SYS_ppoll           73
#define SYS_rt_sigaction    134
#define SYS_rt_sigprocmask  135
#define SYS_rt_sigpending   136
#define SYS_prlimit64       261

#define ENOENT  2
#define ENXIO   6
#define EBADF   9
#define EAGAIN  11
#define EBUSY   16
#define EEXIST  17
#define EMFILE  24
#define ENOTTY  25
#define ESPIPE  29
#define EPIPE   32

#define SIGPIPE 13
#define SIG_DFL ((void *)0)
#define SIG_IGN ((void *)1)
#define SIG_BLOCK   0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2

#define AT_FDCWD     (-100)
#define AT_REMOVEDIR 0x200
#define O_RDONLY   0
#define O_WRONLY   1
#define O_RDWR     2
#define O_ACCMODE  3
#define O_CREAT    0100
#define O_EXCL     0200
#define O_NONBLOCK 04000
#define O_CLOEXEC  02000000
#define S_IFIFO    0010000

#define F_DUPFD         0
#define F_GETFD         1
#define F_SETFD         2
#define F_GETFL         3
#define F_SETFL         4
#define F_DUPFD_CLOEXEC 1030
#define F_SETPIPE_SZ    1031
#define F_GETPIPE_SZ    1032
#define FD_CLOEXEC      1

#define FIONREAD 0x541B
#define TCGETS   0x5401
#define SEEK_SET 0
#define SEEK_CUR 1

#define POLLIN   0x1
#define POLLPRI  0x2
#define POLLOUT  0x4
#define POLLERR  0x8
#define POLLHUP  0x10
#define POLLNVAL 0x20

#define RLIMIT_NOFILE 7

struct pollfd { int fd; short events; short revents; };
/* The kernel's struct sigaction on riscv64: 24 bytes (no sa_restorer). The
 * programs pass a 32-byte zeroed buffer (pad) because qemu-user 7.2 reads 32
 * bytes with the mask at offset 24; the kernel reads only the first 24. */
struct k_sigaction { void *handler; unsigned long flags; unsigned long mask; unsigned long pad; };
struct rlimit64 { unsigned long cur; unsigned long max; };
/* fd_set: FD_SETSIZE = 1024 bits */
typedef struct { unsigned long bits[1024 / 64]; } fd_set;
static inline void fdset_zero(fd_set *s) { for (int i = 0; i < 16; i++) s->bits[i] = 0; }
static inline void fdset_set(int fd, fd_set *s) { s->bits[fd / 64] |= 1UL << (fd % 64); }
static inline int fdset_isset(int fd, const fd_set *s) { return (s->bits[fd / 64] >> (fd % 64)) & 1; }
static inline int fdset_count(const fd_set *s)
{
	int n = 0;
	for (int i = 0; i < 1024; i++)
		n += fdset_isset(i, s);
	return n;
}

static inline long sys_dup(int fd) { return syscall1(SYS_dup, fd); }
static inline long sys_dup3(int oldfd, int newfd, int flags) { return syscall3(SYS_dup3, oldfd, newfd, flags); }
static inline long sys_fcntl(int fd, int cmd, long arg) { return syscall3(SYS_fcntl, fd, cmd, arg); }
static inline long sys_ioctl(int fd, unsigned long req, void *arg) { return syscall3(SYS_ioctl, fd, req, arg); }
static inline long sys_lseek(int fd, long off, int whence) { return syscall3(SYS_lseek, fd, off, whence); }
static inline long sys_openat(int dirfd, const char *path, int flags, int mode)
{ return syscall4(SYS_openat, dirfd, path, flags, mode); }
static inline long sys_mknodat(int dirfd, const char *path, int mode, long dev)
{ return syscall4(SYS_mknodat, dirfd, path, mode, dev); }
static inline long sys_mkdirat(int dirfd, const char *path, int mode) { return syscall3(SYS_mkdirat, dirfd, path, mode); }
static inline long sys_unlinkat(int dirfd, const char *path, int flags) { return syscall3(SYS_unlinkat, dirfd, path, flags); }
static inline long sys_chdir(const char *path) { return syscall1(SYS_chdir, path); }
static inline long sys_getcwd(char *buf, size_t n) { return syscall2(SYS_getcwd, buf, n); }
static inline long sys_ppoll(struct pollfd *fds, long nfds, const struct timespec *ts, const void *sigmask)
{ return syscall6(SYS_ppoll, (long)fds, nfds, (long)ts, (long)sigmask, 8, 0); }
static inline long sys_pselect6(long nfds, fd_set *r, fd_set *w, fd_set *e, struct timespec *ts, void *sig)
{ return syscall6(SYS_pselect6, nfds, (long)r, (long)w, (long)e, (long)ts, (long)sig); }
static inline long sys_rt_sigaction(int sig, const struct k_sigaction *act, struct k_sigaction *old)
{ return syscall4(SYS_rt_sigaction, sig, act, old, 8); }
static inline long sys_rt_sigprocmask(int how, const unsigned long *set, unsigned long *old)
{ return syscall4(SYS_rt_sigprocmask, how, set, old, 8); }
static inline long sys_rt_sigpending(unsigned long *set) { return syscall2(SYS_rt_sigpending, set, 8); }
static inline long sys_execve(const char *path, char *const argv[], char *const envp[])
{ return syscall3(SYS_execve, path, argv, envp); }
static inline long sys_prlimit64(long pid, int res, const struct rlimit64 *nw, struct rlimit64 *old)
{ return syscall4(SYS_prlimit64, pid, res, nw, old); }

/* Set the disposition of sig to handler (SIG_DFL, SIG_IGN or a function), no flags. */
static inline long set_handler(int sig, void *handler)
{
	struct k_sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.handler = handler;
	return sys_rt_sigaction(sig, &sa, 0);
}

/* Read exactly n bytes unless EOF or an error comes first; returns the count
 * read (or the error if nothing was read). */
static long read_full(int fd, void *buf, size_t n)
{
	size_t got = 0;
	while (got < n) {
		long r = sys_read(fd, (char *)buf + got, n - got);
		if (r < 0)
			return got ? (long)got : r;
		if (r == 0)
			break;
		got += r;
	}
	return got;
}

/* ---- System V and POSIX message queues ----
 * (added for the message-queue programs, issue 6; asm-generic numbers) */
#define SYS_mq_open         180
#define SYS_mq_unlink       181
#define SYS_mq_timedsend    182
#define SYS_mq_timedreceive 183
#define SYS_mq_notify       184
#define SYS_mq_getsetattr   185
#define SYS_msgget          186
#define SYS_msgctl          187
#define SYS_msgrcv          188
#define SYS_msgsnd          189

#ifndef EINTR
#define EINTR        4
#endif
#ifndef E2BIG
#define E2BIG        7
#endif
#ifndef EACCES
#define EACCES       13
#endif
#ifndef ENAMETOOLONG
#define ENAMETOOLONG 36
#endif
#ifndef ENOMSG
#define ENOMSG       42
#endif
#ifndef EIDRM
#define EIDRM        43
#endif
#ifndef EMSGSIZE
#define EMSGSIZE     90
#endif
#ifndef ETIMEDOUT
#define ETIMEDOUT    110
#endif
#ifndef CLOCK_REALTIME
#define CLOCK_REALTIME 0
#endif
#ifndef SIGUSR1
#define SIGUSR1 10
#endif
#ifndef SIGUSR2
#define SIGUSR2 12
#endif
#ifndef SA_SIGINFO
#define SA_SIGINFO 0x4
#endif
#ifndef SA_RESTART
#define SA_RESTART 0x10000000
#endif

/* SysV IPC (ipcbuf.h, msg.h): commands without IPC_64 (riscv64 is 64-bit only) */
#define IPC_PRIVATE 0
#define IPC_CREAT   01000
#define IPC_EXCL    02000
#define IPC_NOWAIT  04000
#define IPC_RMID    0
#define IPC_SET     1
#define IPC_STAT    2
#define MSG_NOERROR 010000
#define MSG_EXCEPT  020000
#define MSG_COPY    040000

/* asm-generic ipc64_perm and msqid64_ds (64-bit): 48 + 72 = 120 bytes.
 * mode at 20, msg_cbytes at 72, msg_qnum at 80, msg_qbytes at 88,
 * msg_lspid at 96, msg_lrpid at 100 (4 bytes each). qemu-user 7.2 writes its
 * own layout (lspid at 96 and lrpid at 104, 8 bytes each): see README.md. */
struct ipc64_perm {
	int key; unsigned int uid, gid, cuid, cgid, mode;
	unsigned short seq, pad2; unsigned int pad3;
	unsigned long unused1, unused2;
};
struct msqid64_ds {
	struct ipc64_perm msg_perm;
	long msg_stime, msg_rtime, msg_ctime;
	unsigned long msg_cbytes, msg_qnum, msg_qbytes;
	int msg_lspid, msg_lrpid;
	unsigned long unused4, unused5;
};

static inline long sys_msgget(long key, int flags) { return syscall2(SYS_msgget, key, flags); }
static inline long sys_msgctl(int id, int cmd, void *buf) { return syscall3(SYS_msgctl, id, cmd, buf); }
/* msgp points at a long mtype followed by the text; msgsz counts the text only. */
static inline long sys_msgsnd(int id, const void *msgp, long msgsz, int flags)
{ return syscall4(SYS_msgsnd, id, msgp, msgsz, flags); }
static inline long sys_msgrcv(int id, void *msgp, long msgsz, long msgtyp, int flags)
{ return syscall6(SYS_msgrcv, id, (long)msgp, msgsz, msgtyp, flags, 0); }

/* POSIX mq: struct mq_attr is four longs: flags, maxmsg, msgsize, curmsgs. */
struct mq_attr { long mq_flags, mq_maxmsg, mq_msgsize, mq_curmsgs, pad[4]; };
/* struct sigevent (64 bytes): value at 0, signo at 8, notify at 12. */
struct k_sigevent { unsigned long value; int signo; int notify; int pad[12]; };
#define SIGEV_SIGNAL 0
#define SIGEV_NONE   1
#define SI_MESGQ     (-3)

/* The raw mq_open/mq_unlink take the name WITHOUT its leading '/' (the C
 * library strips it). qemu-user 7.2 re-reads the byte before the pointer and
 * hands it to the host C library, which wants a '/': so always pass a pointer
 * just past a real '/' in memory, e.g. mq_name("/ipcsim-x") = "ipcsim-x". */
static inline const char *mq_name(const char *slashed) { return slashed + 1; }
static inline long sys_mq_open(const char *name, int flags, int mode, struct mq_attr *attr)
{ return syscall4(SYS_mq_open, name, flags, mode, attr); }
static inline long sys_mq_unlink(const char *name) { return syscall1(SYS_mq_unlink, name); }
static inline long sys_mq_timedsend(int mqd, const void *msg, size_t len, unsigned prio, const struct timespec *abs)
{ return syscall6(SYS_mq_timedsend, mqd, (long)msg, (long)len, prio, (long)abs, 0); }
static inline long sys_mq_timedreceive(int mqd, void *msg, size_t len, unsigned *prio, const struct timespec *abs)
{ return syscall6(SYS_mq_timedreceive, mqd, (long)msg, (long)len, (long)prio, (long)abs, 0); }
static inline long sys_mq_notify(int mqd, const struct k_sigevent *ev) { return syscall2(SYS_mq_notify, mqd, ev); }
static inline long sys_mq_getsetattr(int mqd, const struct mq_attr *nw, struct mq_attr *old)
{ return syscall3(SYS_mq_getsetattr, mqd, nw, old); }

/* Helpers of the message-queue programs (self-contained: raw numbers). */
/* setresuid(2) (147) to uid, uid, uid: a non-root uid drops every capability. */
static inline long ipc_become_uid(long uid) { return syscall3(147, uid, uid, uid); }
/* rt_sigaction with a handler and flags, empty sa_mask (struct k_sigaction). */
static inline long ipc_sigaction(int sig, void *handler, unsigned long flags)
{
	struct k_sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.handler = handler;
	sa.flags = flags;
	return sys_rt_sigaction(sig, &sa, 0);
}

/* ---- signals, process groups, sessions, wait, interval timers ----
 * (added for the signal/process-group/wait programs, issue 4; asm-generic
 * numbers). Guarded: another block may define the same constants. */
#define SYS_waitid          95
#define SYS_getitimer       102
#define SYS_setitimer       103
#define SYS_tkill           130
#define SYS_tgkill          131
#define SYS_rt_sigsuspend   133
#define SYS_rt_sigtimedwait 137
#define SYS_setresuid       147
#define SYS_setpgid         154
#define SYS_getpgid         155
#define SYS_getsid          156
#define SYS_setsid          157
#define SYS_getuid          174

#ifndef ESRCH
#define ESRCH   3
#endif
#ifndef EINTR
#define EINTR   4
#endif
#ifndef EACCES
#define EACCES  13
#endif

#ifndef SIGHUP
#define SIGHUP    1
#endif
#ifndef SIGINT
#define SIGINT    2
#endif
#ifndef SIGQUIT
#define SIGQUIT   3
#endif
#ifndef SIGABRT
#define SIGABRT   6
#endif
#ifndef SIGUSR1
#define SIGUSR1   10
#endif
#ifndef SIGUSR2
#define SIGUSR2   12
#endif
#ifndef SIGALRM
#define SIGALRM   14
#endif
#ifndef SIGTERM
#define SIGTERM   15
#endif
#ifndef SIGCONT
#define SIGCONT   18
#endif
#ifndef SIGSTOP
#define SIGSTOP   19
#endif
#ifndef SIGTSTP
#define SIGTSTP   20
#endif
#ifndef SIGTTIN
#define SIGTTIN   21
#endif
#ifndef SIGURG
#define SIGURG    23
#endif
#ifndef SIGWINCH
#define SIGWINCH  28
#endif
#ifndef SIGRTMIN_K
#define SIGRTMIN_K 34 /* the C library's SIGRTMIN; the kernel's first is 32 */
#endif
/* the bit of signal s in a 64-bit sigset */
#define SIGBIT(s) (1UL << ((s) - 1))

#ifndef SA_NOCLDSTOP
#define SA_NOCLDSTOP 0x1
#endif
#ifndef SA_NOCLDWAIT
#define SA_NOCLDWAIT 0x2
#endif
#ifndef SA_SIGINFO
#define SA_SIGINFO   0x4
#endif
#ifndef SA_RESTART
#define SA_RESTART   0x10000000
#endif
#ifndef SA_NODEFER
#define SA_NODEFER   0x40000000
#endif
#ifndef SA_RESETHAND
#define SA_RESETHAND 0x80000000UL
#endif

/* si_code values */
#define SI_USER       0
#define SI_TKILL      (-6)
#define CLD_EXITED    1
#define CLD_KILLED    2
#define CLD_DUMPED    3
#define CLD_STOPPED   5
#define CLD_CONTINUED 6

#ifndef WUNTRACED
#define WUNTRACED  2
#endif
#ifndef WEXITED
#define WEXITED    4
#endif
#ifndef WCONTINUED
#define WCONTINUED 8
#endif
#ifndef WNOWAIT
#define WNOWAIT    0x01000000
#endif
#define P_ALL  0
#define P_PID  1
#define P_PGID 2

#define ITIMER_REAL 0
#define RLIMIT_CORE 4

#define W_STOPPED(s)  (((s) & 0xff) == 0x7f)
#define W_STOPSIG(s)  (((s) >> 8) & 0xff)
#define W_CONTINUED(s) ((s) == 0xffff)

/* siginfo_t (128 bytes): si_signo 0, si_errno 4, si_code 8, si_pid 16,
 * si_uid 20, si_status 24 (SIGCHLD). */
struct k_siginfo {
	int si_signo, si_errno, si_code, pad0;
	int si_pid, si_uid, si_status, pad1;
	long rest[12];
};
struct timeval { long tv_sec; long tv_usec; };
struct itimerval { struct timeval it_interval; struct timeval it_value; };

static inline long sys_tkill(long tid, int sig) { return syscall2(SYS_tkill, tid, sig); }
static inline long sys_tgkill(long tgid, long tid, int sig) { return syscall3(SYS_tgkill, tgid, tid, sig); }
static inline long sys_rt_sigsuspend(const unsigned long *mask) { return syscall2(SYS_rt_sigsuspend, mask, 8); }
static inline long sys_rt_sigtimedwait(const unsigned long *set, struct k_siginfo *info, const struct timespec *ts)
{ return syscall4(SYS_rt_sigtimedwait, set, info, ts, 8); }
static inline long sys_setitimer(int which, const struct itimerval *nw, struct itimerval *old)
{ return syscall3(SYS_setitimer, which, nw, old); }
static inline long sys_getitimer(int which, struct itimerval *cur) { return syscall2(SYS_getitimer, which, cur); }
static inline long sys_setpgid(long pid, long pgid) { return syscall2(SYS_setpgid, pid, pgid); }
static inline long sys_getpgid(long pid) { return syscall1(SYS_getpgid, pid); }
static inline long sys_getsid(long pid) { return syscall1(SYS_getsid, pid); }
static inline long sys_setsid(void) { return syscall0(SYS_setsid); }
static inline long sys_getuid(void) { return syscall0(SYS_getuid); }
static inline long sys_setresuid(long r, long e, long s) { return syscall3(SYS_setresuid, r, e, s); }
static inline long sys_waitid(int idtype, long id, struct k_siginfo *info, int options, void *rusage)
{ return syscall6(SYS_waitid, idtype, id, (long)info, options, (long)rusage, 0); }

/* rt_sigaction with a handler, flags and sa_mask (see struct k_sigaction:
 * under qemu-user 7.2 the mask is read from the pad and so ignored). */
static inline long set_action(int sig, void *handler, unsigned long flags, unsigned long mask)
{
	struct k_sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.handler = handler;
	sa.flags = flags;
	sa.mask = mask;
	return sys_rt_sigaction(sig, &sa, 0);
}
/* The current signal mask. */
static inline unsigned long get_mask(void)
{
	unsigned long m = 0;
	sys_rt_sigprocmask(SIG_BLOCK, 0, &m);
	return m;
}
static inline long set_mask(unsigned long m) { return sys_rt_sigprocmask(SIG_SETMASK, &m, 0); }
static inline long block_sigs(unsigned long m) { return sys_rt_sigprocmask(SIG_BLOCK, &m, 0); }
static inline long unblock_sigs(unsigned long m) { return sys_rt_sigprocmask(SIG_UNBLOCK, &m, 0); }
/* The pending set. */
static inline unsigned long get_pending(void)
{
	unsigned long p = 0;
	sys_rt_sigpending(&p);
	return p;
}
/* Wait for any signal not in mask (rt_sigsuspend; returns -EINTR). */
static inline long suspend_with(unsigned long mask) { return sys_rt_sigsuspend(&mask); }

/* ---- System V shared memory and semaphores, MAP_SHARED, futex ----
 * (added for the shared-memory/semaphore programs, issue 5; asm-generic
 * numbers). Guarded: another block may define the same constants. */
#define SYS_futex      98
#define SYS_semget     190
#define SYS_semctl     191
#define SYS_semtimedop 192
#define SYS_semop      193
#define SYS_shmget     194
#define SYS_shmctl     195
#define SYS_shmat      196
#define SYS_shmdt      197

#ifndef EFBIG
#define EFBIG  27
#endif
#ifndef ERANGE
#define ERANGE 34
#endif

#ifndef MAP_SHARED
#define MAP_SHARED 0x01
#endif
#ifndef PROT_NONE
#define PROT_NONE 0
#endif

/* shm.h */
#define SHM_RDONLY 010000
#define SHM_RND    020000
#define SHM_REMAP  040000
#define SHM_DEST   01000
#define SHMLBA     PAGE_SIZE
/* sem.h: semctl commands and semop flags */
#define GETPID  11
#define GETVAL  12
#define GETALL  13
#define GETNCNT 14
#define GETZCNT 15
#define SETVAL  16
#define SETALL  17
#define SEM_UNDO 0x1000
#define SEMVMX  32767
#define SEMOPM  500
/* futex.h */
#define FUTEX_WAIT         0
#define FUTEX_WAKE         1
#define FUTEX_PRIVATE_FLAG 128

/* asm-generic shmid64_ds (64-bit): 112 bytes. shm_segsz at 48, atime 56,
 * dtime 64, ctime 72, cpid 80, lpid 84 (4 bytes each), shm_nattch at 88. */
struct shmid64_ds {
	struct ipc64_perm shm_perm;
	unsigned long shm_segsz;
	long shm_atime, shm_dtime, shm_ctime;
	int shm_cpid, shm_lpid;
	unsigned long shm_nattch;
	unsigned long unused4, unused5;
};
/* asm-generic semid64_ds (64-bit): 88 bytes, sem_nsems at 64. */
struct semid64_ds {
	struct ipc64_perm sem_perm;
	long sem_otime, sem_ctime;
	unsigned long sem_nsems;
	unsigned long unused3, unused4;
};
/* sem.h struct sembuf: 6 bytes */
struct sembuf { unsigned short sem_num; short sem_op; short sem_flg; };

static inline long sys_shmget(long key, size_t size, int flags) { return syscall3(SYS_shmget, key, size, flags); }
static inline long sys_shmctl(int id, int cmd, void *buf) { return syscall3(SYS_shmctl, id, cmd, buf); }
static inline long sys_shmat(int id, const void *addr, int flags) { return syscall3(SYS_shmat, id, addr, flags); }
static inline long sys_shmdt(const void *addr) { return syscall1(SYS_shmdt, addr); }
static inline long sys_semget(long key, int nsems, int flags) { return syscall3(SYS_semget, key, nsems, flags); }
/* The fourth argument is the union semun passed by value: the value itself
 * for SETVAL, a pointer for GETALL/SETALL/IPC_STAT/IPC_SET. */
static inline long sys_semctl(int id, int num, int cmd, long arg) { return syscall4(SYS_semctl, id, num, cmd, arg); }
static inline long sys_semop(int id, struct sembuf *sops, long nsops) { return syscall3(SYS_semop, id, sops, nsops); }
static inline long sys_semtimedop(int id, struct sembuf *sops, long nsops, const struct timespec *ts)
{ return syscall4(SYS_semtimedop, id, sops, nsops, ts); }
static inline long sys_futex(int *uaddr, int op, int val, const struct timespec *ts)
{ return syscall6(SYS_futex, (long)uaddr, op, val, (long)ts, 0, 0); }

/* One semop operation on sem num (op, flags). */
static inline long sem_op1(int id, int num, int op, int flags)
{
	struct sembuf b = { (unsigned short)num, (short)op, (short)flags };
	return sys_semop(id, &b, 1);
}
/* Poll (10 ms steps, up to 5 s) until semctl(id, num, cmd) == want; returns
 * the last value read. For GETNCNT/GETZCNT: "a child is now blocked". */
static inline long sem_wait_for(int id, int num, int cmd, long want)
{
	long v = 0;
	for (int i = 0; i < 500; i++) {
		v = sys_semctl(id, num, cmd, 0);
		if (v == want)
			break;
		sleep_ms(10);
	}
	return v;
}

/* epoll */
/* ---- epoll (added for the epoll programs, issue 9; asm-generic numbers:
 * riscv64 has no epoll_create and no epoll_wait) ---- */
#define SYS_epoll_create1 20
#define SYS_epoll_ctl     21
#define SYS_epoll_pwait   22
#define SYS_epoll_pwait2  441
#ifndef ELOOP
#define ELOOP 40
#endif
#define EPOLL_CLOEXEC  02000000
#define EPOLL_CTL_ADD  1
#define EPOLL_CTL_DEL  2
#define EPOLL_CTL_MOD  3
#define EPOLLIN        0x001
#define EPOLLOUT       0x004
#define EPOLLERR       0x008
#define EPOLLHUP       0x010
#define EPOLLRDNORM    0x040
#define EPOLLEXCLUSIVE (1U << 28)
#define EPOLLONESHOT   (1U << 30)
#define EPOLLET        (1U << 31)
/* struct epoll_event on riscv64: 16 bytes, not packed (only x86-64 packs it). */
struct epoll_event { unsigned int events; unsigned long data; };

static inline long sys_epoll_create1(int flags) { return syscall1(SYS_epoll_create1, flags); }
static inline long sys_epoll_ctl(int epfd, int op, int fd, struct epoll_event *ev)
{ return syscall4(SYS_epoll_ctl, epfd, op, fd, ev); }
static inline long sys_epoll_pwait(int epfd, struct epoll_event *evs, int max, int ms, const unsigned long *sigmask)
{ return syscall6(SYS_epoll_pwait, epfd, (long)evs, max, ms, (long)sigmask, 8); }
static inline long sys_epoll_pwait2(int epfd, struct epoll_event *evs, int max, const struct timespec *ts,
	const unsigned long *sigmask)
{ return syscall6(SYS_epoll_pwait2, epfd, (long)evs, max, (long)ts, (long)sigmask, 8); }
/* epoll_ctl with events and data given by value. */
static inline long ep_ctl(int epfd, int op, int fd, unsigned int events, unsigned long data)
{
	struct epoll_event ev = { events, data };
	return sys_epoll_ctl(epfd, op, fd, &ev);
}

/* Sockets (AF_UNIX)
 * (added for the unix_* socket programs; asm-generic numbers, LP64 layouts of
 * include/uapi/linux/socket.h, un.h and include/linux/socket.h). Self-contained:
 * every constant another block may also define is guarded. */
#define SYS_socket      198
#define SYS_socketpair  199
#define SYS_bind        200
#define SYS_listen      201
#define SYS_accept      202
#define SYS_connect     203
#define SYS_getsockname 204
#define SYS_getpeername 205
#define SYS_sendto      206
#define SYS_recvfrom    207
#define SYS_setsockopt  208
#define SYS_getsockopt  209
#define SYS_shutdown    210
#define SYS_sendmsg     211
#define SYS_recvmsg     212
#define SYS_accept4     242
#ifndef SYS_fchmodat
#define SYS_fchmodat    53
#endif
#ifndef SYS_umask
#define SYS_umask       166
#endif
#ifndef SYS_setresgid
#define SYS_setresgid   149
#endif
#ifndef SYS_getgid
#define SYS_getgid      176
#endif
#ifndef SYS_getuid
#define SYS_getuid      174
#endif

#ifndef ENOENT
#define ENOENT  2
#endif
#ifndef EBADF
#define EBADF   9
#endif
#ifndef EAGAIN
#define EAGAIN  11
#endif
#ifndef EACCES
#define EACCES  13
#endif
#ifndef EPIPE
#define EPIPE   32
#endif
#define ENOTSOCK        88
#define EDESTADDRREQ    89
#ifndef EMSGSIZE
#define EMSGSIZE        90
#endif
#define EPROTOTYPE      91
#define ENOPROTOOPT     92
#define EPROTONOSUPPORT 93
#define ESOCKTNOSUPPORT 94
#define EOPNOTSUPP      95
#define EAFNOSUPPORT    97
#define EADDRINUSE      98
#define EADDRNOTAVAIL   99
#define ECONNRESET      104
#define EISCONN         106
#define ENOTCONN        107
#define ECONNREFUSED    111

#define AF_UNSPEC 0
#define AF_UNIX   1
#define AF_INET   2
#define AF_INET6  10
#define SOCK_STREAM    1
#define SOCK_DGRAM     2
#define SOCK_RAW       3
#define SOCK_SEQPACKET 5
#define SOCK_NONBLOCK  04000
#define SOCK_CLOEXEC   02000000

#define SOL_SOCKET   1
#define SO_TYPE      3
#define SO_ERROR     4
#define SO_SNDBUF    7
#define SO_RCVBUF    8
#define SO_PASSCRED  16
#define SO_PEERCRED  17
#define SO_ACCEPTCONN 30
#define SO_DOMAIN    39
#define SCM_RIGHTS      1
#define SCM_CREDENTIALS 2

#define MSG_OOB       0x1
#define MSG_PEEK      0x2
#define MSG_CTRUNC    0x8
#define MSG_TRUNC     0x20
#define MSG_DONTWAIT  0x40
#define MSG_EOR       0x80
#define MSG_WAITALL   0x100
#define MSG_NOSIGNAL  0x4000
#define MSG_CMSG_CLOEXEC 0x40000000

#define SHUT_RD   0
#define SHUT_WR   1
#define SHUT_RDWR 2

#ifndef POLLRDHUP
#define POLLRDHUP 0x2000
#endif
#ifndef S_IFSOCK
#define S_IFSOCK 0140000
#endif

/* un.h: 110 bytes, sun_path holds 108 */
struct sockaddr_un { unsigned short sun_family; char sun_path[108]; };
#define SUN_OFF 2 /* offsetof(struct sockaddr_un, sun_path) */
/* socket.h: the LP64 user_msghdr (56 bytes) and cmsghdr (16 bytes) */
struct msghdr {
	void *msg_name;
	int msg_namelen;
	struct iovec *msg_iov;
	size_t msg_iovlen;
	void *msg_control;
	size_t msg_controllen;
	int msg_flags;
};
struct cmsghdr { size_t cmsg_len; int cmsg_level; int cmsg_type; };
struct ucred { int pid; unsigned uid; unsigned gid; };
#define CMSG_ALIGN(n) (((n) + sizeof(long) - 1) & ~(sizeof(long) - 1))
#define CMSG_SPACE(n) (sizeof(struct cmsghdr) + CMSG_ALIGN(n))
#define CMSG_LEN(n)   (sizeof(struct cmsghdr) + (n))
#define CMSG_DATA(c)  ((unsigned char *)((struct cmsghdr *)(c) + 1))

static inline long sys_socket(int dom, int type, int proto) { return syscall3(SYS_socket, dom, type, proto); }
static inline long sys_socketpair(int dom, int type, int proto, int sv[2])
{ return syscall4(SYS_socketpair, dom, type, proto, sv); }
static inline long sys_bind(int fd, const void *addr, long len) { return syscall3(SYS_bind, fd, addr, len); }
static inline long sys_listen(int fd, int backlog) { return syscall2(SYS_listen, fd, backlog); }
static inline long sys_accept(int fd, void *addr, int *len) { return syscall3(SYS_accept, fd, addr, len); }
static inline long sys_accept4(int fd, void *addr, int *len, int flags) { return syscall4(SYS_accept4, fd, addr, len, flags); }
static inline long sys_connect(int fd, const void *addr, long len) { return syscall3(SYS_connect, fd, addr, len); }
static inline long sys_getsockname(int fd, void *addr, int *len) { return syscall3(SYS_getsockname, fd, addr, len); }
static inline long sys_getpeername(int fd, void *addr, int *len) { return syscall3(SYS_getpeername, fd, addr, len); }
static inline long sys_sendto(int fd, const void *buf, size_t n, int flags, const void *addr, long alen)
{ return syscall6(SYS_sendto, fd, (long)buf, (long)n, flags, (long)addr, alen); }
static inline long sys_recvfrom(int fd, void *buf, size_t n, int flags, void *addr, int *alen)
{ return syscall6(SYS_recvfrom, fd, (long)buf, (long)n, flags, (long)addr, (long)alen); }
static inline long sys_send(int fd, const void *buf, size_t n, int flags) { return sys_sendto(fd, buf, n, flags, 0, 0); }
static inline long sys_recv(int fd, void *buf, size_t n, int flags) { return sys_recvfrom(fd, buf, n, flags, 0, 0); }
static inline long sys_setsockopt(int fd, int level, int opt, const void *val, long len)
{ return syscall6(SYS_setsockopt, fd, level, opt, (long)val, len, 0); }
static inline long sys_getsockopt(int fd, int level, int opt, void *val, int *len)
{ return syscall6(SYS_getsockopt, fd, level, opt, (long)val, (long)len, 0); }
static inline long sys_shutdown(int fd, int how) { return syscall2(SYS_shutdown, fd, how); }
static inline long sys_sendmsg(int fd, const struct msghdr *m, int flags) { return syscall3(SYS_sendmsg, fd, m, flags); }
static inline long sys_recvmsg(int fd, struct msghdr *m, int flags) { return syscall3(SYS_recvmsg, fd, m, flags); }

/* Fill *a with AF_UNIX and path; returns the address length to pass:
 * offsetof(sun_path) + strlen(path) + 1 (the NUL counted, as unix(7) suggests). */
static inline long sun_path_addr(struct sockaddr_un *a, const char *path)
{
	memset(a, 0, sizeof *a);
	a->sun_family = AF_UNIX;
	size_t n = strlen(path);
	memcpy(a->sun_path, path, n);
	return SUN_OFF + n + 1;
}
/* An abstract address: a NUL, then name (no terminating NUL is part of it);
 * returns offsetof(sun_path) + 1 + strlen(name). */
static inline long sun_abstract_addr(struct sockaddr_un *a, const char *name)
{
	memset(a, 0, sizeof *a);
	a->sun_family = AF_UNIX;
	size_t n = strlen(name);
	memcpy(a->sun_path + 1, name, n);
	return SUN_OFF + 1 + n;
}
/* 1 if the n bytes at a and b are equal. */
static inline int bytes_eq(const void *a, const void *b, size_t n)
{
	const unsigned char *p = a, *q = b;
	while (n--)
		if (*p++ != *q++)
			return 0;
	return 1;
}
/* getsockopt of an int option: the value, or -errno. */
static inline long sockopt_int(int fd, int level, int opt)
{
	int v = 0, len = sizeof v;
	long r = sys_getsockopt(fd, level, opt, &v, &len);
	return r < 0 ? r : v;
}
static inline long sockopt_set_int(int fd, int level, int opt, int v)
{
	return sys_setsockopt(fd, level, opt, &v, sizeof v);
}
/* ppoll one fd with a zero timeout: its revents (or -errno). */
static inline long sock_poll1(int fd, int events)
{
	struct pollfd p = { fd, (short)events, 0 };
	struct timespec z = { 0, 0 };
	long r = sys_ppoll(&p, 1, &z, 0);
	return r < 0 ? r : (unsigned short)p.revents;
}

/* Sockets (AF_INET)
 * (added for the inet_* TCP/UDP programs over 127.0.0.1; include/uapi/linux/
 * in.h, tcp.h, asm-generic/socket.h values; struct sockaddr_in is 16 bytes
 * with the port and address in network byte order). The socket calls are the
 * AF_UNIX block's wrappers above. Self-contained: every constant another block
 * may also define is guarded. */
#ifndef ETIMEDOUT
#define ETIMEDOUT    110
#endif
#ifndef EINTR
#define EINTR        4
#endif
#define ENETUNREACH  101
#define ECONNABORTED 103
#define EHOSTUNREACH 113
#define EALREADY     114
#define EINPROGRESS  115

#define IPPROTO_IP   0
#define IPPROTO_TCP  6
#define IPPROTO_UDP  17
#define SOL_TCP      6
#define SOL_UDP      17

#define SO_REUSEADDR 2
#define SO_KEEPALIVE 9
#define SO_LINGER    13
#define SO_REUSEPORT 15
#define SO_PROTOCOL  38

#define TCP_NODELAY   1
#define TCP_MAXSEG    2
#define TCP_KEEPIDLE  4
#define TCP_KEEPINTVL 5
#define TCP_KEEPCNT   6

#define INADDR_ANY       0x00000000U
#define INADDR_LOOPBACK  0x7f000001U /* 127.0.0.1, host order */

/* in.h: 16 bytes; sin_port and sin_addr in network byte order */
struct sockaddr_in {
	unsigned short sin_family;
	unsigned short sin_port;
	unsigned int sin_addr;
	unsigned char sin_zero[8];
};
struct linger { int l_onoff; int l_linger; };

/* Byte order: RISC-V (and x86) is little-endian, the network big-endian. */
static inline unsigned short htons(unsigned short v) { return (unsigned short)((v << 8) | (v >> 8)); }
static inline unsigned short ntohs(unsigned short v) { return htons(v); }
static inline unsigned int htonl(unsigned int v)
{
	return (v >> 24) | ((v >> 8) & 0xff00) | ((v << 8) & 0xff0000) | (v << 24);
}
static inline unsigned int ntohl(unsigned int v) { return htonl(v); }
/* a.b.c.d as a host-order address */
#define IPV4(a, b, c, d) (((unsigned int)(a) << 24) | ((b) << 16) | ((c) << 8) | (d))

/* Fill *a with AF_INET, addr and port (both host order); returns sizeof *a. */
static inline long sin_addr_port(struct sockaddr_in *a, unsigned int addr, unsigned short port)
{
	memset(a, 0, sizeof *a);
	a->sin_family = AF_INET;
	a->sin_port = htons(port);
	a->sin_addr = htonl(addr);
	return sizeof *a;
}
/* The local port of fd (host order), or -errno. */
static inline long sin_local_port(int fd)
{
	struct sockaddr_in a;
	int len = sizeof a;
	long r = sys_getsockname(fd, &a, &len);
	return r < 0 ? r : ntohs(a.sin_port);
}
/* 1 if port is in Linux's default ip_local_port_range, 32768..60999. */
static inline int ephemeral_port(long port) { return port >= 32768 && port <= 60999; }
/* Print a host-order IPv4 address as a.b.c.d. */
static void print_ipv4(unsigned int addr)
{
	for (int i = 3; i >= 0; i--) {
		print_udec((addr >> (8 * i)) & 0xff);
		if (i)
			print(".");
	}
}
/* "label: family 2 addr 127.0.0.1\n": a sockaddr_in without its port. */
static void say_sin_addr(const char *label, const struct sockaddr_in *a)
{
	print(label);
	print(": family ");
	print_dec(a->sin_family);
	print(" addr ");
	print_ipv4(ntohl(a->sin_addr));
	print("\n");
}
/* Poll bits by name: "POLLIN|POLLOUT", "0" for none, -errno as a number. */
static void print_pollbits(long r)
{
	static const struct { int bit; const char *name; } names[] = {
		{ 0x1, "POLLIN" }, { 0x2, "POLLPRI" }, { 0x4, "POLLOUT" }, { 0x8, "POLLERR" },
		{ 0x10, "POLLHUP" }, { 0x20, "POLLNVAL" }, { 0x40, "POLLRDNORM" },
		{ 0x80, "POLLRDBAND" }, { 0x100, "POLLWRNORM" }, { 0x200, "POLLWRBAND" },
		{ 0x400, "POLLMSG" }, { 0x2000, "POLLRDHUP" },
	};
	if (r < 0) {
		print_dec(r);
		return;
	}
	if (r == 0) {
		print("0");
		return;
	}
	int first = 1;
	for (unsigned i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (r & names[i].bit) {
			if (!first)
				print("|");
			print(names[i].name);
			first = 0;
			r &= ~names[i].bit;
		}
	}
	if (r) {
		print("|");
		print_hex(r);
	}
}
/* "label: POLLIN|POLLOUT\n" */
static void say_poll(const char *label, long revents)
{
	print(label);
	print(": ");
	print_pollbits(revents);
	print("\n");
}
/* ppoll one fd, waiting up to ms milliseconds: its revents (0 on timeout) or -errno. */
static inline long sock_poll_ms(int fd, int events, long ms)
{
	struct pollfd p = { fd, (short)events, 0 };
	struct timespec t = { ms / 1000, (ms % 1000) * 1000000 };
	long r = sys_ppoll(&p, 1, &t, 0);
	return r < 0 ? r : (unsigned short)p.revents;
}

/* Files */
/* Regular files, directories and devices: the calls of the fs_* programs
 * (asm-generic/unistd.h numbers; asm-generic/stat.h struct stat). */
#define SYS_getdents64  61
#define SYS_pread64     67
#define SYS_pwrite64    68
#define SYS_newfstatat  79
#define SYS_fstat       80
#define SYS_truncate    45
#define SYS_ftruncate   46
#define SYS_faccessat   48
#define SYS_fchmod      52
#define SYS_fchownat    54
#define SYS_fchown      55
#define SYS_statx       291
#define SYS_renameat2   276
#ifndef SYS_fchmodat
#define SYS_fchmodat    53
#endif
#ifndef SYS_umask
#define SYS_umask       166
#endif
#ifndef SYS_setresgid
#define SYS_setresgid   149
#endif

#define EISDIR  21
#define ENOTDIR 20

#define O_TRUNC      01000
#define O_APPEND     02000
#ifndef O_DIRECTORY
#define O_DIRECTORY  0200000
#endif
#define SEEK_END  2
#define SEEK_DATA 3
#define SEEK_HOLE 4
#define F_OK 0
#define X_OK 1
#define W_OK 2
#define R_OK 4
#define AT_EMPTY_PATH 0x1000
#define S_IFMT   0170000
#define S_IFREG  0100000
#define S_IFDIR  0040000
#define S_IFCHR  0020000
#define DT_FIFO 1
#define DT_CHR  2
#define DT_DIR  4
#define DT_REG  8
#define STATX_BASIC_STATS 0x7ff

/* asm-generic struct stat, 128 bytes on a 64-bit machine */
struct stat {
	unsigned long st_dev, st_ino;
	unsigned int st_mode, st_nlink, st_uid, st_gid;
	unsigned long st_rdev, __pad1;
	long st_size;
	int st_blksize, __pad2;
	long st_blocks;
	long st_atime; unsigned long st_atime_nsec;
	long st_mtime; unsigned long st_mtime_nsec;
	long st_ctime; unsigned long st_ctime_nsec;
	unsigned int __unused4, __unused5;
};
/* struct statx (linux/stat.h), 256 bytes: the fields the programs read */
struct statx {
	unsigned int stx_mask, stx_blksize;
	unsigned long stx_attributes;
	unsigned int stx_nlink, stx_uid, stx_gid;
	unsigned short stx_mode, __spare0;
	unsigned long stx_ino, stx_size, stx_blocks, stx_attributes_mask;
	unsigned char times[64];
	unsigned int stx_rdev_major, stx_rdev_minor, stx_dev_major, stx_dev_minor;
	unsigned char rest[112];
};
/* struct linux_dirent64: d_name follows d_type, NUL-terminated */
struct linux_dirent64 {
	unsigned long d_ino;
	long d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

static inline long sys_getdents64(int fd, void *buf, size_t n) { return syscall3(SYS_getdents64, fd, buf, n); }
static inline long sys_pread64(int fd, void *buf, size_t n, long off) { return syscall4(SYS_pread64, fd, buf, n, off); }
static inline long sys_pwrite64(int fd, const void *buf, size_t n, long off) { return syscall4(SYS_pwrite64, fd, buf, n, off); }
static inline long sys_fstat(int fd, struct stat *st) { return syscall2(SYS_fstat, fd, st); }
static inline long sys_newfstatat(int dirfd, const char *path, struct stat *st, int flags)
{ return syscall4(SYS_newfstatat, dirfd, path, st, flags); }
static inline long sys_statx(int dirfd, const char *path, int flags, unsigned mask, struct statx *sx)
{ return syscall6(SYS_statx, dirfd, (long)path, flags, mask, (long)sx, 0); }
static inline long sys_truncate(const char *path, long len) { return syscall2(SYS_truncate, path, len); }
static inline long sys_ftruncate(int fd, long len) { return syscall2(SYS_ftruncate, fd, len); }
static inline long sys_faccessat(int dirfd, const char *path, int mode) { return syscall3(SYS_faccessat, dirfd, path, mode); }
static inline long sys_fchmod(int fd, int mode) { return syscall2(SYS_fchmod, fd, mode); }
static inline long sys_fchmodat(int dirfd, const char *path, int mode) { return syscall3(SYS_fchmodat, dirfd, path, mode); }
static inline long sys_fchown(int fd, long uid, long gid) { return syscall3(SYS_fchown, fd, uid, gid); }
static inline long sys_fchownat(int dirfd, const char *path, long uid, long gid, int flags)
{ return syscall6(SYS_fchownat, dirfd, (long)path, uid, gid, flags, 0); }
static inline long sys_umask(int mask) { return syscall1(SYS_umask, mask); }
static inline long sys_setresgid(long r, long e, long s) { return syscall3(SYS_setresgid, r, e, s); }
static inline long sys_renameat2(int olddirfd, const char *oldpath, int newdirfd, const char *newpath, unsigned flags)
{ return syscall6(SYS_renameat2, olddirfd, (long)oldpath, newdirfd, (long)newpath, flags, 0); }
#define RENAME_NOREPLACE 1
#define ENOTEMPTY 39

/* "label: 0644\n": a mode in octal, with a leading 0. */
static void say_oct(const char *label, unsigned long v)
{
	char buf[24];
	int i = sizeof buf;
	do {
		buf[--i] = '0' + (v & 7);
		v >>= 3;
	} while (v);
	buf[--i] = '0';
	print(label);
	print(": ");
	sys_write(1, buf + i, sizeof buf - i);
	print("\n");
}
/* Issue 17 calls */
/* ---- the calls a C library makes at startup (issue 17); asm-generic
 * numbers ---- */
#define SYS_sendfile        71
#define SYS_readlinkat      78
#define SYS_set_robust_list 99
#define SYS_get_robust_list 100
#define SYS_clock_nanosleep 115
#define SYS_getrlimit       163
#define SYS_setrlimit       164
#define SYS_mprotect        226
#define SYS_riscv_hwprobe   258
#define SYS_getrandom       278
#define SYS_rseq            293
#ifndef PROT_EXEC
#define PROT_EXEC 4
#endif
#ifndef PROT_NONE
#define PROT_NONE 0
#endif
#define SEGV_MAPERR 1
#define SEGV_ACCERR 2
#ifndef CLOCK_REALTIME
#define CLOCK_REALTIME 0
#endif
#define TIMER_ABSTIME  1
#define CLONE_PARENT_SETTID  0x00100000
#define CLONE_CHILD_CLEARTID 0x00200000
#define CLONE_CHILD_SETTID   0x01000000
#define RLIMIT_STACK  3
#define RLIMIT_NOFILE 7
#define RLIMIT_AS     9
#define RLIM_INFINITY (~0UL)
#define PR_SET_NAME 15
#define PR_GET_NAME 16
#define GRND_NONBLOCK 1
#define GRND_RANDOM   2
#define GRND_INSECURE 4
/* struct rlimit is rt.h's struct rlimit64 (prlimit64, above). */
struct riscv_hwprobe { long key; unsigned long value; };

static inline long sys_mprotect(void *addr, size_t len, int prot) { return syscall3(SYS_mprotect, addr, len, prot); }
static inline long sys_clock_nanosleep(int clk, int flags, const struct timespec *req, struct timespec *rem)
{ return syscall4(SYS_clock_nanosleep, clk, flags, req, rem); }
static inline long sys_set_robust_list(void *head, size_t len) { return syscall2(SYS_set_robust_list, head, len); }
static inline long sys_get_robust_list(long pid, void **head, size_t *len) { return syscall3(SYS_get_robust_list, pid, head, len); }
static inline long sys_getrandom(void *buf, size_t n, unsigned flags) { return syscall3(SYS_getrandom, buf, n, flags); }
static inline long sys_getrlimit(int res, struct rlimit64 *r) { return syscall2(SYS_getrlimit, res, r); }
static inline long sys_setrlimit(int res, const struct rlimit64 *r) { return syscall2(SYS_setrlimit, res, r); }
static inline long sys_riscv_hwprobe(struct riscv_hwprobe *pairs, size_t n, size_t setsize, void *cpus, unsigned flags)
{ return syscall6(SYS_riscv_hwprobe, (long)pairs, n, setsize, (long)cpus, flags, 0); }
static inline long sys_rseq(void *rseq, unsigned len, int flags, unsigned sig) { return syscall4(SYS_rseq, rseq, len, flags, sig); }
static inline long sys_sendfile(int out, int in, long *off, size_t n) { return syscall4(SYS_sendfile, out, in, off, n); }
static inline long sys_readlinkat(int dirfd, const char *path, char *buf, size_t n)
{ return syscall4(SYS_readlinkat, dirfd, path, buf, n); }

#endif

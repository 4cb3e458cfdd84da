/*
 * sysdiff FIRST COUNT: random runs of IPC system calls, to compare ipcsim
 * with Linux call by call (testdata/linux/README.md, "sysdiff";
 * scripts/sysdiff.sh).
 *
 * For each seed from FIRST to FIRST+COUNT-1, a child process makes OPS calls
 * chosen by a xorshift generator started from the seed: pipes, sockets,
 * descriptors, files, SysV and POSIX IPC, signals, credentials, children of
 * its own and their waits, vectored I/O and sendfile, fork (the cases of step
 * below). Every call is non-blocking (every file is opened O_NONBLOCK and
 * F_SETFL keeps it; IPC_NOWAIT; zero timeouts), but for the interrupted ones,
 * which block until a timer's signal, and the waits for a kept child's change
 * of state, and the child is alone but for its children, so what the
 * kernel answers depends on the calls only, never on timing.
 *
 * Each call prints one line: the seed's step, the call and its arguments, and
 * the result (a negative result is -errno). A read prints what it read as a
 * checksum, since every byte written is numbered. The child writes its lines
 * to fd 100 (a dup of stdout), and its calls use fds 3..15, so no call can
 * close or replace the output. The parent prints how each child ended, and
 * removes what it left.
 */
#include "rt/rt.h"

#define OPS 60
#define OUT 100 /* the children's stdout */
#define FD0 3   /* the calls' fds are FD0..FD0+NFD-1, and a few bad ones */
#define NFD 13

#ifndef EINVAL
#define EINVAL 22
#endif
#define O_APPEND 02000
#define SHUT_RD   0
#define SIGRT1 34
#define SIGRT2 35

/* ---- the generator: xorshift64* ---- */
static unsigned long state;
static unsigned long next(void)
{
	state ^= state >> 12;
	state ^= state << 25;
	state ^= state >> 27;
	return state * 2685821657736338717UL;
}
/* A number in [0, n). */
static long pick(long n) { return (long)((next() >> 33) % (unsigned long)n); }
/* One of the n values of v. */
#define ONE_OF(...) one_of((const long[]){ __VA_ARGS__ }, sizeof((const long[]){ __VA_ARGS__ }) / sizeof(long))
static long one_of(const long *v, long n) { return v[pick(n)]; }

/* An fd for a call: mostly one of FD0..FD0+NFD-1 that is open (asked of
 * fcntl, which prints nothing), sometimes any of them, now and then one
 * that is never open. */
static long any_fd(void)
{
	long r = pick(20);
	if (r == 0)
		return ONE_OF(-1, 1000, 99);
	if (r < 15) {
		int open[NFD], n = 0;
		for (int fd = FD0; fd < FD0 + NFD; fd++)
			if (sys_fcntl(fd, F_GETFD, 0) >= 0)
				open[n++] = fd;
		if (n)
			return open[pick(n)];
	}
	return FD0 + pick(NFD);
}

static int strcmp_(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

/* An fd to send with SCM_RIGHTS: any_fd's, but never a socket (99, never
 * open, instead). A socket in flight can make a cycle that only the
 * garbage collector frees, and Linux runs it from a work queue, at a
 * moment the program cannot know (testdata/linux/unix_gc waits for it). */
static long rights_fd(void)
{
	struct stat st;
	long fd = any_fd();
	if (sys_fstat(fd, &st) == 0 && (st.st_mode & S_IFMT) == 0140000)
		return 99;
	return fd;
}

/* ---- one output line, written with one write(2) ---- */
static char line[512];
static int len;
static void put(const char *s)
{
	while (*s && len < (int)sizeof line - 1)
		line[len++] = *s++;
}
static void put_dec(long v)
{
	char b[24];
	int i = sizeof b;
	unsigned long u = v < 0 ? -(unsigned long)v : (unsigned long)v;
	b[--i] = 0;
	do
		b[--i] = '0' + u % 10;
	while (u /= 10);
	if (v < 0)
		b[--i] = '-';
	put(b + i);
}
static void put_hex(unsigned long v)
{
	char b[24];
	int i = sizeof b;
	b[--i] = 0;
	do
		b[--i] = "0123456789abcdef"[v % 16];
	while (v /= 16);
	b[--i] = 'x';
	b[--i] = '0';
	put(b + i);
}
static void flush(void)
{
	line[len++] = '\n';
	sys_write(OUT, line, len);
	len = 0;
}

/* ---- the data: every byte written carries the next number of a count, and a
 * read reports its bytes' checksum, so lost, doubled or reordered bytes show. */
static unsigned char buf[300000];
static unsigned long wcount;
static void fill(unsigned char *p, long n)
{
	for (long i = 0; i < n; i++)
		p[i] = (unsigned char)(wcount++ * 7 + 3);
}
static unsigned long checksum(const unsigned char *p, long n)
{
	unsigned long h = 14695981039346656037UL;
	for (long i = 0; i < n; i++)
		h = (h ^ p[i]) * 1099511628211UL;
	return h & 0xffffffff;
}
/* " n=N sum=0x..." for n >= 0 bytes at p */
static void put_data(const unsigned char *p, long n)
{
	if (n < 0)
		return;
	put(" sum=");
	put_hex(checksum(p, n));
}

/* F_GETFL's answer, without O_LARGEFILE: a 64-bit kernel sets it on every
 * file opened with openat (a FIFO here), and qemu-user 7.2 drops it when it
 * hands the flags back (testdata/linux/README.md), so the recording could not
 * show the kernel's answer. fifo_basic checks the bit. */
#define O_LARGEFILE 0100000
#define O_DIRECT_ 040000 /* a pipe in packet mode (pipe2) */
static void put_flags(long r)
{
	if (r < 0)
		put_dec(r);
	else
		put_hex(r & ~O_LARGEFILE);
}

/* ---- signals ---- */
static volatile int handled[65];
static void handler(int sig) { handled[sig]++; }
/* The signals the calls use: SIGCHLD too, which a grandchild's exit sends. */
static const long sigs[] = { SIGUSR1, SIGUSR2, SIGRT1, SIGRT2, SIGCHLD };
#define NSIGS 5
static long any_sig(void) { return sigs[pick(NSIGS)]; }
static unsigned long any_set(void)
{
	unsigned long m = 0;
	for (int i = 0; i < NSIGS; i++)
		if (pick(2))
			m |= 1UL << (sigs[i] - 1);
	return m;
}
/* Print the handlers that ran since the last call: " handled USR1 x2". */
static void put_handled(void)
{
	static int seen[65];
	for (int i = 0; i < NSIGS; i++) {
		int s = sigs[i];
		if (handled[s] != seen[s]) {
			put(" handled ");
			put_dec(s);
			put(" x");
			put_dec(handled[s] - seen[s]);
			seen[s] = handled[s];
		}
	}
}

/* ---- SysV objects: two slots of ids each, so that the ids never print; the
 * shared memory attachments likewise, and whether each may be written */
static long msq[2] = { -1, -1 };
static long semid[2] = { -1, -1 };
static long shmid[2] = { -1, -1 };
static char *shmaddr[2];
static int shmrdonly[2];

/* ---- every SysV object a seed makes, listed in a page the main process
 * shares with its children, so that it removes them however the child ends
 * (a signal may kill it, or its grandchild, mid-seed): on Linux they would
 * outlive the run, and enough of them make the next run's calls fail. */
enum { MSG, SEM, SHM, KID };
static struct made {
	long n;
	struct { int kind, id; } obj[1000];
} *made;

static long made_one(int kind, long id)
{
	if (made->n < 1000) {
		made->obj[made->n].kind = kind;
		made->obj[made->n].id = id;
		made->n++;
	}
	return id;
}

/* A get's result: "id" (the ids themselves differ from kernel to kernel)
 * kept in *slot and listed for removal, or the error. */
static void put_made(int kind, long r, long *slot)
{
	if (r < 0) {
		put_dec(r);
		return;
	}
	put("id");
	*slot = made_one(kind, r);
}

/* ---- names: two abstract socket names, one FIFO, a directory with two
 * files, a subdirectory and a socket's path in it */
static const char *sockname[] = { "sysdiff-a", "sysdiff-b" };
#define FIFO "/tmp/sysdiff-fifo"
#define DIR "/tmp/sysdiff-dir"
static const char *paths[] = { DIR, DIR "/f0", DIR "/f1", DIR "/d", DIR "/s" };
static const char *any_path(void) { return paths[pick(5)]; }

/* Remove what a seed may have left in the file system. */
static void clean_files(void)
{
	sys_unlinkat(AT_FDCWD, FIFO, 0);
	sys_unlinkat(AT_FDCWD, DIR, 0); /* open(DIR, O_CREAT) makes a file */
	for (int i = 1; i < 5; i++) {
		sys_unlinkat(AT_FDCWD, paths[i], 0);
		sys_unlinkat(AT_FDCWD, paths[i], AT_REMOVEDIR);
	}
	sys_unlinkat(AT_FDCWD, DIR, AT_REMOVEDIR);
}

/* An address for bind or connect: one of the two abstract names, or the
 * path DIR/s; its length goes to *len. */
static void any_addr(struct sockaddr_un *a, long *len, long *which)
{
	*which = pick(3);
	*len = *which < 2 ? sun_abstract_addr(a, sockname[*which]) : sun_path_addr(a, DIR "/s");
}
struct msgbuf { long type; unsigned char text[9000]; };
static struct msgbuf msg;

/* " [3 4]" after a pipe2 or socketpair that returned r = 0 */
static void put_pair(long r, const int fds[2])
{
	put_dec(r);
	if (r == 0) {
		put(" [");
		put_dec(fds[0]);
		put(" ");
		put_dec(fds[1]);
		put("]");
	}
}

/* The loopback ports a seed uses: three of its own (port 0, 1 and 2), so
 * that no seed meets what an earlier one left (a TIME_WAIT lasts 60 s). */
static unsigned long seed_now;
static long inet_port(long which) { return 20000 + (long)(seed_now % 5000) * 3 + which; }
static void inet_addr(struct sockaddr_in *a, long which)
{
	memset(a, 0, sizeof *a);
	a->sin_family = AF_INET;
	a->sin_port = htons(inet_port(which));
	a->sin_addr = htonl(0x7f000001);
}

/* A socket address's length, then its path or @name, or for AF_INET which
 * of the seed's ports it is. An autobound name is random on Linux (a NUL
 * and 5 hex digits, length 8), and so is an ephemeral port: only their
 * length prints. */
static void put_name(const struct sockaddr_un *a, int alen)
{
	put_dec(alen);
	if (alen >= 8 && a->sun_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)a;
		long port = ntohs(in->sin_port) - inet_port(0);
		put(" inet ");
		put_hex(ntohl(in->sin_addr));
		if (port >= 0 && port < 3) {
			put(" port ");
			put_dec(port);
		}
		return;
	}
	if (alen > 2 && a->sun_path[0] != 0) {
		put(" ");
		put(a->sun_path);
	} else if (alen > 2 && alen != 8) {
		put(" @");
		put(a->sun_path + 1);
	}
}

/* ---- the calls ---- */

/* put_call starts a line: "step name(a, b, c) = " */
static void put_call(long step, const char *name, long nargs, long a, long b, long c)
{
	put_dec(step);
	put(" ");
	put(name);
	put("(");
	long args[3] = { a, b, c };
	for (long i = 0; i < nargs; i++) {
		if (i)
			put(", ");
		put_dec(args[i]);
	}
	put(") = ");
}

/* ---- a blocking call that a signal interrupts ----
 *
 * The only blocking calls: each waits for something no process will do,
 * until SIGALRM comes (setitimer, 50 ms: long enough that the call is
 * asleep by then on any host). Its handler does that something (writes the
 * byte the read waits for, posts the semaphore...), so a call that the
 * kernel restarts after the handler then finishes, and one that it does
 * not returns EINTR: signal(7), "Interruption of system calls and library
 * functions by signal handlers", with SA_RESTART or without. */
static int alarm_fds[2] = { -1, -1 };
static long alarm_kind, alarm_id = -1;
static volatile int alarm_handled;

enum { A_READ, A_WRITE, A_RECV, A_MSGRCV, A_SEMOP, A_MQ, A_PPOLL, A_PSELECT, A_EPOLL, A_SUSPEND, A_NANOSLEEP, A_COUNT };
static const char *alarm_names[] = { "read", "write", "recv", "msgrcv", "semop", "mq_receive", "ppoll",
				      "pselect6", "epoll_pwait", "sigsuspend", "nanosleep" };

static void on_alarm(int sig)
{
	(void)sig;
	alarm_handled++;
	switch (alarm_kind) {
	case A_READ:
	case A_RECV:
	case A_PPOLL:
	case A_PSELECT:
	case A_EPOLL:
		sys_write(alarm_fds[1], "!", 1);
		break;
	case A_WRITE:
		sys_read(alarm_fds[0], buf + 100000, 4096);
		break;
	case A_MSGRCV: {
		struct msgbuf m = { 7, { '!' } };
		sys_msgsnd(alarm_id, &m, 1, 0);
		break;
	}
	case A_SEMOP: {
		struct sembuf b = { 0, 1, 0 };
		sys_semop(alarm_id, &b, 1);
		break;
	}
	case A_MQ:
		sys_mq_timedsend(alarm_fds[1], "!", 1, 0, 0);
		break;
	}
}

static void interrupted(long n)
{
	long kind = pick(A_COUNT), restart = pick(2), r = 0;
	struct k_sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.handler = (void *)on_alarm;
	sa.flags = restart ? SA_RESTART : 0;
	sys_rt_sigaction(SIGALRM, &sa, 0);
	alarm_kind = kind;
	alarm_handled = 0;
	put_dec(n);
	put(" ");
	put(alarm_names[kind]);
	put(restart ? " interrupted, SA_RESTART = " : " interrupted = ");
	/* What the call waits on: made here, blocking, and gone after. */
	int fds[2] = { -1, -1 };
	static struct msgbuf m;
	switch (kind) {
	case A_READ:
	case A_PPOLL:
	case A_PSELECT:
	case A_EPOLL:
	case A_WRITE:
		sys_pipe2(fds, 0);
		if (kind == A_WRITE) { /* fill it: 16 pages */
			fill(buf, 65536);
			wcount -= 65536;
			sys_write(fds[1], buf, 65536);
		}
		break;
	case A_RECV:
		sys_socketpair(AF_UNIX, SOCK_STREAM, 0, fds);
		break;
	case A_MSGRCV:
		alarm_id = sys_msgget(IPC_PRIVATE, IPC_CREAT | 0600);
		made_one(MSG, alarm_id);
		break;
	case A_SEMOP:
		alarm_id = sys_semget(IPC_PRIVATE, 1, IPC_CREAT | 0600);
		made_one(SEM, alarm_id);
		break;
	case A_MQ: {
		struct mq_attr a = { 0, 4, 16, 0, { 0 } };
		fds[0] = fds[1] = sys_mq_open(mq_name("/sysdiff-alarm"), O_RDWR | O_CREAT, 0600, &a);
		sys_mq_unlink(mq_name("/sysdiff-alarm"));
		break;
	}
	}
	alarm_fds[0] = fds[0];
	alarm_fds[1] = fds[1];
	struct itimerval it = { { 0, 0 }, { 0, 50000 } };
	sys_setitimer(ITIMER_REAL, &it, 0);
	switch (kind) {
	case A_READ:
		r = sys_read(fds[0], buf, 10);
		break;
	case A_WRITE:
		r = sys_write(fds[1], buf, 100);
		break;
	case A_RECV:
		r = sys_recvfrom(fds[0], buf, 10, 0, 0, 0);
		break;
	case A_MSGRCV:
		r = sys_msgrcv(alarm_id, &m, 10, 0, 0);
		break;
	case A_SEMOP: {
		struct sembuf b = { 0, -1, 0 };
		r = sys_semop(alarm_id, &b, 1);
		break;
	}
	case A_MQ: {
		unsigned prio;
		r = sys_mq_timedreceive(fds[0], buf, 16, &prio, 0);
		break;
	}
	case A_PPOLL: {
		struct pollfd p = { fds[0], POLLIN, 0 };
		r = sys_ppoll(&p, 1, 0, 0);
		break;
	}
	case A_PSELECT: {
		fd_set rd;
		fdset_zero(&rd);
		fdset_set(fds[0], &rd);
		r = sys_pselect6(fds[0] + 1, &rd, 0, 0, 0, 0);
		break;
	}
	case A_EPOLL: {
		int ep = sys_epoll_create1(0);
		struct epoll_event ev = { EPOLLIN, 0 };
		sys_epoll_ctl(ep, EPOLL_CTL_ADD, fds[0], &ev);
		r = sys_epoll_pwait(ep, &ev, 1, -1, 0);
		sys_close(ep);
		break;
	}
	case A_SUSPEND: {
		unsigned long none = 0;
		r = sys_rt_sigsuspend(&none);
		break;
	}
	case A_NANOSLEEP: {
		struct timespec ten = { 10, 0 };
		r = sys_nanosleep(&ten, 0);
		break;
	}
	}
	struct itimerval off;
	memset(&off, 0, sizeof off);
	sys_setitimer(ITIMER_REAL, &off, 0); /* if the call ended before it */
	put_dec(r);
	put(alarm_handled ? " after the handler" : " without the handler");
	if (kind == A_MSGRCV || kind == A_SEMOP) {
		/* what the handler left: a message still queued, or the count */
		struct msqid64_ds ds;
		memset(&ds, 0, sizeof ds);
		if (kind == A_MSGRCV) {
			sys_msgctl(alarm_id, IPC_STAT, &ds);
			put(" qnum=");
			put_dec(ds.msg_qnum);
		} else {
			put(" semval=");
			put_dec(sys_semctl(alarm_id, 0, GETVAL, 0));
		}
	} else if (fds[0] >= 0 && kind != A_MQ) {
		int avail = -1;
		sys_ioctl(fds[0], FIONREAD, &avail);
		put(" unread=");
		put_dec(avail);
	}
	if (fds[0] >= 0)
		sys_close(fds[0]);
	if (fds[1] >= 0 && fds[1] != fds[0])
		sys_close(fds[1]);
	set_handler(SIGALRM, SIG_IGN);
}

/* ---- credentials ----
 *
 * Each child gives root up for good at its start (become_user): user ids
 * 1000 (real and effective) and 1001 (saved), group ids 1000 and 1002
 * (saved), supplementary groups 1001 and 1003. Then it may move its ids
 * among those (creds), and the calls after run with the ids it left:
 * files, IPC objects and signals check them. It never becomes root again:
 * what root may do depends on the capabilities the host leaves it (this
 * recording's root lacked CAP_SYS_RESOURCE), and ipcsim's root has every
 * one. */
#define SYS_setregid_   143
#define SYS_setgid_     144
#define SYS_setreuid_   145
#define SYS_setuid_     146
#define SYS_getresuid_  148
#define SYS_getresgid_  150
#define SYS_getgroups_  158
#define SYS_setgroups_  159
#define SYS_faccessat2_ 439
#define AT_EACCESS      0x200
static long any_id(void) { return ONE_OF(-1, 0, 1000, 1001, 1002, 1000, 1001, 1002); }

static void become_user(void)
{
	static const int groups[] = { 1001, 1003 };
	sys_setresuid(-1, 0, -1); /* the saved uid of main */
	syscall2(SYS_setgroups_, 2, (long)groups);
	sys_setresgid(1000, 1000, 1002);
	sys_setresuid(1000, 1000, 1001);
}

/* " ids=r/e/s r/e/s groups=g,g": the user and group ids and the
 * supplementary groups, after a call that may change them. */
static void put_ids(void)
{
	unsigned int id[3];
	int groups[8];
	put(" ids=");
	for (int g = 0; g < 2; g++) {
		syscall3(g ? SYS_getresgid_ : SYS_getresuid_, (long)&id[0], (long)&id[1], (long)&id[2]);
		for (int i = 0; i < 3; i++) {
			if (i)
				put("/");
			put_dec(id[i]);
		}
		put(g ? "" : " ");
	}
	put(" dumpable=");
	put_dec(syscall2(167, 3, 0)); /* prctl(PR_GET_DUMPABLE) */
	long k = syscall2(SYS_getgroups_, 8, (long)groups);
	put(" groups=");
	put_dec(k);
	for (long i = 0; i < k; i++) {
		put(i ? "," : ":");
		put_dec(groups[i]);
	}
}

static void creds(long n, long fd)
{
	long what = pick(9), r;
	long a = any_id(), b = any_id(), c = any_id();
	switch (what) {
	case 0:
		put_call(n, "setresuid", 3, a, b, c);
		r = sys_setresuid(a, b, c);
		break;
	case 1:
		put_call(n, "setreuid", 2, a, b, 0);
		r = syscall2(SYS_setreuid_, a, b);
		break;
	case 2:
		put_call(n, "setuid", 1, a, 0, 0);
		r = syscall1(SYS_setuid_, a);
		break;
	case 3:
		put_call(n, "setresgid", 3, a, b, c);
		r = sys_setresgid(a, b, c);
		break;
	case 4:
		if (pick(2)) {
			put_call(n, "setregid", 2, a, b, 0);
			r = syscall2(SYS_setregid_, a, b);
		} else {
			put_call(n, "setgid", 1, a, 0, 0);
			r = syscall1(SYS_setgid_, a);
		}
		break;
	case 5: { /* setgroups of up to three, in any order */
		int list[3] = { (int)ONE_OF(1001, 0, 1002), (int)ONE_OF(1000, 1001, 5), (int)ONE_OF(1001, 7) };
		long count = pick(4);
		put_call(n, "setgroups", 3, count, list[0], list[1]);
		r = syscall2(SYS_setgroups_, count, (long)list);
		break;
	}
	case 6: { /* getgroups with a list too short, or no list */
		int list[2];
		long size = ONE_OF(0, 1, 2, -1);
		put_call(n, "getgroups", 1, size, 0, 0);
		r = syscall2(SYS_getgroups_, size, (long)list);
		break;
	}
	case 7: /* signal 0 asks whether our ids may signal the parent's: main's
		 * are 1000, 1000, 0; a grandchild's parent has moved its own */
		put_call(n, "kill parent sig 0", 0, 0, 0, 0);
		r = sys_kill(sys_getppid(), 0);
		break;
	default: /* fchown of any fd, or access(2) with the real ids */
		if (pick(2)) {
			put_call(n, "fchown", 3, fd, a, b);
			r = sys_fchown(fd, a, b);
		} else {
			const char *path = any_path();
			long mode = ONE_OF(0, 1, 2, 4, 6, 7);
			put_dec(n);
			put(" access(");
			put(path);
			put(", ");
			put_dec(mode);
			put(") = ");
			r = sys_faccessat(AT_FDCWD, path, mode);
		}
		break;
	}
	put_dec(r);
	if (what <= 6)
		put_ids();
}

/* ---- vectored I/O: writev and readv with up to three slices of buf in a
 * row (so that the bytes are numbered as one write's), and sendfile from
 * any fd, with or without an offset. No writev of 0 bytes in all (see
 * write). */
static void vectored(long n, long fd)
{
	long what = pick(3), cnt = 1 + pick(3), total = 0, r;
	struct iovec v[3];
	if (what <= 1) {
		for (long i = 0; i < cnt; i++) {
			long len = what ? ONE_OF(0, 1, 100, 4096, 5000, 70000) : ONE_OF(0, 1, 100, 4095, 4097, 70000);
			v[i].iov_base = buf + total;
			v[i].iov_len = len;
			total += len;
		}
		if (total == 0 && what == 0) {
			v[0].iov_len = 1;
			total = 1;
		}
		put_dec(n);
		put(what ? " readv(" : " writev(");
		put_dec(fd);
		for (long i = 0; i < cnt; i++) {
			put(", ");
			put_dec(v[i].iov_len);
		}
		put(") = ");
		if (what == 0) {
			fill(buf, total);
			r = sys_writev(fd, v, cnt);
			put_dec(r);
			if (r > 0 && r < total)
				wcount -= total - r;
		} else {
			r = sys_readv(fd, v, cnt);
			put_dec(r);
			put_data(buf, r);
		}
		return;
	}
	long in = any_fd(), count = ONE_OF(1, 100, 5000, 70000), off = ONE_OF(-1, 0, 100, 5000);
	put_call(n, "sendfile", 3, fd, in, count);
	put_dec(off);
	put(" ");
	r = sys_sendfile(fd, in, off < 0 ? 0 : &off, count);
	put_dec(r);
	if (off >= 0) {
		put(" off=");
		put_dec(off);
	}
}

/* ---- kept children: up to two children of the child's own that it keeps
 * rather than reaps at once, each in a process group of its own, so that
 * waitid and wait4 with WNOHANG, kill, setpgid and getpgid have a zombie, a
 * stopped process or a sleeping one to meet. Each call that changes one's
 * state waits (blocking, WNOWAIT) until the change is done, so the answers
 * never depend on timing: a kept child exits at once, or stops itself with
 * SIGSTOP and, once continued, writes a byte to the child and sleeps in a
 * read of a pipe the child writes to (a byte: it exits). The child kills
 * and reaps what it kept before it exits; the main process kills any it
 * left (made). */
#define WSTOPPED 2
#define SIGCONT 18
#define SIGSTOP 19
#define SIGTERM 15
enum { GONE, ZOMBIE, STOPPED_FRESH, STOPPED_ASLEEP, ASLEEP };
static struct kid {
	long pid;
	int state;
	int ctl, resumed; /* the child's ends: write to wake it, read its byte */
	int doomed;       /* SIGTERM pending while stopped: it dies once continued */
} kids[2];
static long main_pid, main_session;

/* A pid as the output names it: the ids themselves differ from run to
 * run. */
static void put_pid(long p)
{
	if (p <= 0) {
		put_dec(p);
		return;
	}
	for (int i = 0; i < 2; i++)
		if (kids[i].state != GONE && p == kids[i].pid) {
			put("kid");
			put_dec(i);
			return;
		}
	if (p == sys_getpid())
		put("self");
	else if (p == main_pid) /* and its group: main leads one */
		put("main");
	else if (p == main_session)
		put("main-session");
	else
		put("other");
}

/* Forgets a kept child that is gone, and closes its pipes. */
static void forget(struct kid *k)
{
	sys_close(k->ctl);
	sys_close(k->resumed);
	k->state = GONE;
}

/* The state a blocking waitid with WNOWAIT saw: what the kernel said. */
static void await(struct kid *k, int options)
{
	struct k_siginfo info;
	memset(&info, 0, sizeof info);
	long r = sys_waitid(P_PID, k->pid, &info, options | WNOWAIT, 0);
	put(" await=");
	put_dec(r);
	if (r == 0) {
		put(" code=");
		put_dec(info.si_code);
		put(" status=");
		put_dec(info.si_status);
	} else if (r == -ECHILD) {
		forget(k); /* SIGCHLD ignored: the kernel reaped it */
	}
}

/* SIGCHLD is blocked while the child changes a kept child's state, and
 * the one it is owed (told, unless SIGCHLD is ignored: the signals of one
 * change and of the next merge, pending) is taken with sigtimedwait, so
 * that no handler runs at a moment the kernel chooses: Linux may tell of
 * a stop after the wait that saw it has returned (do_signal_stop marks
 * the stop before it signals the parent). */
static const unsigned long chld_set = 1UL << (SIGCHLD - 1);
static unsigned long kid_begin(void)
{
	unsigned long old = 0;
	sys_rt_sigprocmask(SIG_BLOCK, &chld_set, &old);
	return old;
}
static void kid_end(unsigned long old, int told)
{
	struct k_sigaction sa;
	memset(&sa, 0, sizeof sa);
	sys_rt_sigaction(SIGCHLD, 0, &sa);
	if (told && sa.handler != SIG_IGN) {
		struct k_siginfo info;
		struct timespec ts = { 10, 0 };
		put(" sigchld=");
		put_dec(sys_rt_sigtimedwait(&chld_set, &info, &ts));
	}
	sys_rt_sigprocmask(SIG_SETMASK, &old, 0);
}

static void new_kid(long n, struct kid *k)
{
	long stop = pick(2), code = pick(4), r;
	int ctl[2] = { -1, -1 }, resumed[2] = { -1, -1 };
	put_call(n, "kept fork", 2, stop, code, 0);
	/* The pipes' fds are above the calls' (90 on), so that no call
	 * reads, writes or closes them; RLIMIT_NOFILE may forbid that. */
	r = sys_pipe2(ctl, 0) < 0 || sys_pipe2(resumed, 0) < 0;
	for (int i = 0; i < 2 && !r; i++) {
		int *fd = i ? resumed : ctl;
		for (int e = 0; e < 2 && !r; e++) {
			long hi = sys_fcntl(fd[e], F_DUPFD, 90 + 2 * (k - kids) + e + 4 * i);
			sys_close(fd[e]);
			fd[e] = hi;
			r = hi < 0;
		}
	}
	if (r) {
		put("no fds");
		for (int e = 0; e < 2; e++) {
			sys_close(ctl[e]);
			sys_close(resumed[e]);
		}
		return;
	}
	unsigned long old = kid_begin();
	long pid = sys_fork();
	if (pid == 0) {
		char c;
		sys_setpgid(0, 0);
		if (stop) {
			sys_kill(sys_getpid(), SIGSTOP);
			sys_write(resumed[1], "r", 1);
			sys_read(ctl[0], &c, 1);
		}
		sys_exit_group(code);
	}
	sys_close(ctl[0]);
	sys_close(resumed[1]);
	k->pid = made_one(KID, pid);
	k->doomed = 0;
	k->ctl = ctl[1];
	k->resumed = resumed[0];
	put_dec(pid > 0);
	if (stop) {
		k->state = STOPPED_FRESH;
		await(k, WSTOPPED);
	} else {
		k->state = ZOMBIE;
		await(k, WEXITED);
	}
	kid_end(old, 1);
}

/* What became of a kept child that a wait reported, if it reaped it. */
static void reaped(long pid, int exited)
{
	for (int i = 0; i < 2; i++)
		if (kids[i].state != GONE && kids[i].pid == pid && exited)
			forget(&kids[i]);
}

/* What sig does to a kept child, as the child waits for it; 1 if the
 * child is told of it (SIGCHLD: a stop, a continue, an exit). */
static int kid_signalled(struct kid *k, long sig)
{
	char c;
	if (k->state == ZOMBIE)
		return 0;
	if (sig == SIGKILL || (sig == SIGTERM && k->state == ASLEEP) || (sig == SIGCONT && k->doomed)) {
		k->state = ZOMBIE;
		await(k, WEXITED);
		return 1;
	}
	switch (k->state) {
	case ASLEEP:
		if (sig != SIGSTOP)
			return 0;
		k->state = STOPPED_ASLEEP;
		await(k, WSTOPPED);
		return 1;
	case STOPPED_FRESH:
		/* A stopped process takes no signal but SIGKILL (wants_signal):
		 * SIGTERM waits for SIGCONT. */
		k->doomed |= sig == SIGTERM;
		if (sig != SIGCONT)
			return 0;
		/* It writes its byte once it runs, after it told the child it
		 * continued. */
		put(" read=");
		put_dec(sys_read(k->resumed, &c, 1));
		k->state = ASLEEP;
		return 1;
	case STOPPED_ASLEEP:
		k->doomed |= sig == SIGTERM;
		if (sig != SIGCONT)
			return 0;
		/* Continued, it sleeps in its read again: wake it, and wait for
		 * its end. */
		sys_write(k->ctl, "x", 1);
		k->state = ZOMBIE;
		await(k, WEXITED);
		return 1;
	}
	return 0;
}

static void kid_signal(long n, struct kid *k)
{
	long sig = ONE_OF(0, SIGSTOP, SIGCONT, SIGTERM, SIGKILL);
	put_call(n, "kill kid", 2, k - kids, sig, 0);
	unsigned long old = kid_begin();
	long r = sys_kill(k->pid, sig);
	put_dec(r);
	kid_end(old, r == 0 && kid_signalled(k, sig)); /* r: EPERM if the child's ids moved */
}

static void children(long n)
{
	struct kid *k = &kids[pick(2)];
	long what = pick(7), r;
	if (k->state == GONE && what != 1 && what != 2 && what != 6) {
		new_kid(n, k);
		return;
	}
	switch (what) {
	case 0:
		kid_signal(n, k);
		return;
	case 1: { /* waitid, never blocking */
		struct k_siginfo info;
		long type = ONE_OF(P_ALL, P_PID, P_PGID), id = 0;
		long opts = WNOHANG | ONE_OF(WEXITED, WSTOPPED, WCONTINUED, WEXITED | WSTOPPED | WCONTINUED, 0) |
			    ONE_OF(0, WNOWAIT);
		if (type == P_PID)
			id = k->state != GONE ? k->pid : 99999;
		else if (type == P_PGID)
			id = ONE_OF(0, 1) && k->state != GONE ? k->pid : 0;
		memset(&info, 0, sizeof info);
		put_call(n, "waitid", 2, type, opts, 0);
		put_pid(id);
		put(" ");
		r = sys_waitid(type, id, &info, opts, 0);
		put_dec(r);
		if (r == 0) {
			put(" pid=");
			put_pid(info.si_pid);
			put(" signo=");
			put_dec(info.si_signo);
			put(" code=");
			put_dec(info.si_code);
			put(" status=");
			put_dec(info.si_status);
			if (!(opts & WNOWAIT))
				reaped(info.si_pid, info.si_code <= 3); /* CLD_EXITED, KILLED, DUMPED */
		}
		return;
	}
	case 2: { /* wait4, never blocking */
		int st = -1;
		long pid = ONE_OF(-1, 0, 1, 2), opts = WNOHANG | ONE_OF(0, WUNTRACED, WCONTINUED, WUNTRACED | WCONTINUED);
		if (pid == 1)
			pid = k->state != GONE ? k->pid : 99999;
		else if (pid == 2)
			pid = k->state != GONE ? -k->pid : -99999;
		put_call(n, "wait4", 1, opts, 0, 0);
		put_pid(pid < -1 ? -pid : pid);
		put(pid < -1 ? " group " : " ");
		r = sys_wait4(pid, &st, opts, 0);
		put_pid(r);
		put(" status=");
		put_hex(st);
		if (r > 0)
			reaped(r, (st & 0x7f) != 0x7f && st != 0xffff); /* not stopped, not continued */
		return;
	}
	case 3: { /* setpgid of the kid or of the child */
		long who = pick(2) ? k->pid : 0;
		long to = ONE_OF(0, 1, 2, 3);
		to = to == 1 ? k->pid : to == 2 ? main_pid : to == 3 ? sys_getpid() : 0;
		put_call(n, "setpgid", 0, 0, 0, 0);
		put_pid(who);
		put(" ");
		put_pid(to);
		put(" ");
		put_dec(sys_setpgid(who, to));
		return;
	}
	case 4: { /* getpgid, getsid */
		long who = ONE_OF(0, 1, 2);
		who = who == 1 ? k->pid : who == 2 ? sys_getppid() : 0;
		put_call(n, "getpgid getsid", 0, 0, 0, 0);
		put_pid(who);
		put(" ");
		r = sys_getpgid(who);
		put_pid(r);
		put(" ");
		put_pid(sys_getsid(who));
		return;
	}
	case 5: { /* signal 0 to a kid's group, or to the child's */
		long g = pick(2) ? k->pid : 0;
		put_call(n, "kill group sig 0", 0, 0, 0, 0);
		put_pid(g);
		put(" ");
		put_dec(sys_kill(-g, 0));
		return;
	}
	default:
		put_call(n, "setsid", 0, 0, 0, 0);
		r = sys_setsid();
		put_pid(r);
		return;
	}
}

/* Kills and reaps the kept children (the end of a seed, or of a
 * grandchild). If the child's ids moved so that it may not kill one, it
 * continues it (SIGCONT is allowed within a session) and wakes it, and it
 * exits; one it may not continue either (after setsid) is left to the main
 * process. */
static void end_kids(void)
{
	for (int i = 0; i < 2; i++) {
		struct kid *k = &kids[i];
		if (k->state == GONE)
			continue;
		if (sys_kill(k->pid, SIGKILL) == 0 ||
		    (k->state != STOPPED_FRESH && k->state != STOPPED_ASLEEP) ||
		    sys_kill(k->pid, SIGCONT) == 0) {
			sys_write(k->ctl, "x", 1);
			sys_wait4(k->pid, 0, 0, 0);
		}
		forget(k);
	}
}

/* The control messages recvmsg returned: " creds PID UID GID" and
 * " fds N N". */
static void put_cmsgs(struct msghdr *m)
{
	char *p = m->msg_control, *end = p + m->msg_controllen;
	while (p + sizeof(struct cmsghdr) <= end) {
		struct cmsghdr *h = (struct cmsghdr *)p;
		if (h->cmsg_len < sizeof(struct cmsghdr) || p + h->cmsg_len > end)
			break;
		long data = h->cmsg_len - sizeof(struct cmsghdr);
		if (h->cmsg_level == SOL_SOCKET && h->cmsg_type == SCM_CREDENTIALS && data == sizeof(struct ucred)) {
			struct ucred *c = (struct ucred *)CMSG_DATA(h);
			put(" creds ");
			put_pid(c->pid);
			put(" ");
			put_dec(c->uid);
			put(" ");
			put_dec(c->gid);
		} else if (h->cmsg_level == SOL_SOCKET && h->cmsg_type == SCM_RIGHTS) {
			put(" fds");
			for (long i = 0; i < data / (long)sizeof(int); i++) {
				put(" ");
				put_dec(((int *)CMSG_DATA(h))[i]);
			}
		} else {
			put(" cmsg ");
			put_dec(h->cmsg_level);
			put("/");
			put_dec(h->cmsg_type);
		}
		p += CMSG_SPACE(data);
	}
}

/* ---- who may use an object: System V objects' owners and modes (IPC_STAT,
 * IPC_SET), a socket's peer credentials (SO_PEERCRED) and credentials sent
 * with a message (SCM_CREDENTIALS, received with SO_PASSCRED), as the
 * child's ids move (creds). */
static void put_perm(const struct ipc64_perm *p)
{
	put(" uid=");
	put_dec(p->uid);
	put(" gid=");
	put_dec(p->gid);
	put(" cuid=");
	put_dec(p->cuid);
	put(" cgid=");
	put_dec(p->cgid);
	put(" mode=");
	put_hex(p->mode & 0777);
}

static void perms(long n, long fd)
{
	long what = pick(5), sl = pick(2), r;
	if (what <= 1) { /* IPC_STAT, or IPC_SET of what it said */
		long kind = pick(3), id = kind == 0 ? msq[sl] : kind == 1 ? semid[sl] : shmid[sl];
		union { struct msqid64_ds m; struct semid64_ds s; struct shmid64_ds h; } ds;
		struct ipc64_perm *perm = kind == 0 ? &ds.m.msg_perm : kind == 1 ? &ds.s.sem_perm : &ds.h.shm_perm;
		memset(&ds, 0, sizeof ds);
		r = kind == 0 ? sys_msgctl(id, IPC_STAT, &ds) : kind == 1 ? sys_semctl(id, 0, IPC_STAT, (long)&ds) : sys_shmctl(id, IPC_STAT, &ds);
		if (what == 0) {
			put_call(n, kind == 0 ? "msgctl STAT" : kind == 1 ? "semctl STAT" : "shmctl STAT", 1, sl, 0, 0);
			put_dec(r);
			if (r == 0)
				put_perm(perm);
			return;
		}
		if (r != 0 && kind == 0)
			ds.m.msg_qbytes = 16384;
		perm->uid = ONE_OF(1000, 1001, 1002);
		perm->gid = ONE_OF(1000, 1001, 1002, 1003);
		perm->mode = ONE_OF(0600, 0640, 0660, 0606, 0400, 0);
		put_call(n, kind == 0 ? "msgctl SET" : kind == 1 ? "semctl SET" : "shmctl SET", 3, sl, perm->uid, perm->gid);
		put_hex(perm->mode);
		put(" ");
		r = kind == 0 ? sys_msgctl(id, IPC_SET, &ds) : kind == 1 ? sys_semctl(id, 0, IPC_SET, (long)&ds) : sys_shmctl(id, IPC_SET, &ds);
		put_dec(r);
		return;
	}
	if (what == 2) {
		struct ucred c;
		int len = sizeof c;
		memset(&c, 0, sizeof c);
		put_call(n, "getsockopt PEERCRED", 1, fd, 0, 0);
		r = sys_getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &c, &len);
		put_dec(r);
		if (r == 0) {
			put(" ");
			put_pid(c.pid);
			put(" ");
			put_dec(c.uid);
			put(" ");
			put_dec(c.gid);
		}
		return;
	}
	if (what == 3) {
		int on = pick(2);
		put_call(n, "setsockopt PASSCRED", 2, fd, on, 0);
		put_dec(sys_setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &on, sizeof on));
		return;
	}
	/* sendmsg with credentials: its own pid or another, ids of its own or
	 * not (EPERM) */
	union { struct cmsghdr h; char b[CMSG_SPACE(sizeof(struct ucred))]; } ctl;
	struct iovec iov = { buf, 1 };
	struct msghdr m;
	struct ucred *c = (struct ucred *)CMSG_DATA(&ctl.h);
	memset(&m, 0, sizeof m);
	memset(&ctl, 0, sizeof ctl);
	ctl.h.cmsg_len = CMSG_LEN(sizeof(struct ucred));
	ctl.h.cmsg_level = SOL_SOCKET;
	ctl.h.cmsg_type = SCM_CREDENTIALS;
	c->pid = pick(4) ? sys_getpid() : main_pid;
	c->uid = ONE_OF(1000, 1001, 1002);
	c->gid = ONE_OF(1000, 1001, 1002, 1003);
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	m.msg_control = &ctl;
	m.msg_controllen = sizeof ctl;
	fill(buf, 1);
	put_call(n, "sendmsg creds", 3, fd, c->uid, c->gid);
	put_pid(c->pid);
	put(" ");
	r = sys_sendmsg(fd, &m, MSG_DONTWAIT);
	put_dec(r);
	if (r <= 0)
		wcount--;
}

/* ---- files by name: stat (newfstatat, statx), chmod, chown, truncate,
 * access with the effective ids, chdir and getcwd, in /tmp/sysdiff-dir,
 * with the child's moving ids. A directory's size and link count are the
 * file system's, so they print for regular files only; modes, owners and
 * groups print for all (a set-group-ID directory gives its group to what
 * is made in it). */
static void put_stat(unsigned mode, unsigned uid, unsigned gid, long size, unsigned nlink)
{
	put(" mode=");
	put_hex(mode);
	put(" uid=");
	put_dec(uid);
	put(" gid=");
	put_dec(gid);
	if ((mode & S_IFMT) == S_IFREG) {
		put(" size=");
		put_dec(size);
		put(" nlink=");
		put_dec(nlink);
	}
}

static void names(long n)
{
	const char *path = any_path();
	long what = pick(7), r;
	put_dec(n);
	switch (what) {
	case 0: {
		struct stat st;
		memset(&st, 0, sizeof st);
		put(" stat(");
		put(path);
		put(") = ");
		r = sys_newfstatat(AT_FDCWD, path, &st, 0);
		put_dec(r);
		if (r == 0)
			put_stat(st.st_mode, st.st_uid, st.st_gid, st.st_size, st.st_nlink);
		return;
	}
	case 1: {
		struct statx sx;
		memset(&sx, 0, sizeof sx);
		put(" statx(");
		put(path);
		put(") = ");
		r = sys_statx(AT_FDCWD, path, 0, STATX_BASIC_STATS, &sx);
		put_dec(r);
		if (r == 0)
			put_stat(sx.stx_mode, sx.stx_uid, sx.stx_gid, sx.stx_size, sx.stx_nlink);
		return;
	}
	case 2: {
		long mode = ONE_OF(0, 0600, 0644, 0755, 02755, 01777, 04755, 0700);
		put(" chmod(");
		put(path);
		put(", ");
		put_hex(mode);
		put(") = ");
		put_dec(sys_fchmodat(AT_FDCWD, path, mode));
		return;
	}
	case 3: {
		long uid = ONE_OF(-1, 1000, 1001), gid = ONE_OF(-1, 1000, 1001, 1002, 1003);
		put(" chown(");
		put(path);
		put(", ");
		put_dec(uid);
		put(", ");
		put_dec(gid);
		put(") = ");
		put_dec(sys_fchownat(AT_FDCWD, path, uid, gid, 0));
		return;
	}
	case 4: {
		long len = ONE_OF(0, 100, 5000, -1);
		put(" truncate(");
		put(path);
		put(", ");
		put_dec(len);
		put(") = ");
		put_dec(sys_truncate(path, len));
		return;
	}
	case 5: {
		long mode = ONE_OF(0, 1, 2, 4, 6, 7);
		put(" eaccess(");
		put(path);
		put(", ");
		put_dec(mode);
		put(") = ");
		put_dec(syscall4(SYS_faccessat2_, AT_FDCWD, (long)path, mode, AT_EACCESS));
		return;
	}
	default: { /* chdir, and where getcwd says it is, below the directory */
		static char cwd[256];
		put(" chdir(");
		put(path);
		put(") = ");
		put_dec(sys_chdir(path));
		r = sys_getcwd(cwd, sizeof cwd);
		put(" getcwd=");
		if (r < 0)
			put_dec(r);
		else
			put(strcmp_(cwd, "/") == 0 ? "/" : cwd);
		return;
	}
	}
}

static void step(long n)
{
	long fd = any_fd(), r;
	switch (pick(54)) {
	case 0:
	case 1: { /* pipe2 */
		int fds[2] = { -1, -1 };
		long flags = ONE_OF(O_NONBLOCK, O_NONBLOCK, O_NONBLOCK | O_CLOEXEC, O_NONBLOCK | 1, O_NONBLOCK | O_DIRECT_);
		put_call(n, "pipe2", 1, flags, 0, 0);
		put_pair(sys_pipe2(fds, flags), fds);
		break;
	}
	case 2: { /* socketpair */
		int fds[2] = { -1, -1 };
		long type = ONE_OF(SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET) | SOCK_NONBLOCK;
		put_call(n, "socketpair", 1, type, 0, 0);
		put_pair(sys_socketpair(AF_UNIX, type, 0, fds), fds);
		break;
	}
	case 3: /* close */
		put_call(n, "close", 1, fd, 0, 0);
		put_dec(sys_close(fd));
		break;
	case 4: { /* dup, dup3 */
		if (pick(2)) {
			put_call(n, "dup", 1, fd, 0, 0);
			put_dec(sys_dup(fd));
		} else {
			long to = any_fd(), flags = ONE_OF(0, 0, O_CLOEXEC, O_NONBLOCK);
			put_call(n, "dup3", 3, fd, to, flags);
			put_dec(sys_dup3(fd, to, flags));
		}
		break;
	}
	case 5: { /* fcntl */
		long cmd = ONE_OF(F_DUPFD, F_DUPFD_CLOEXEC, F_GETFD, F_SETFD, F_GETFL, F_SETFL, F_GETPIPE_SZ, F_SETPIPE_SZ), arg = 0;
		switch (cmd) {
		case F_DUPFD:
		case F_DUPFD_CLOEXEC: arg = FD0 + pick(NFD + 2); break;
		case F_SETFD: arg = pick(4); break;
		case F_SETFL: arg = O_NONBLOCK | ONE_OF(0, O_APPEND, O_RDWR); break;
		case F_SETPIPE_SZ: arg = ONE_OF(0, 4096, 5000, 8192, 65536, 1 << 20); break;
		}
		put_call(n, "fcntl", 3, fd, cmd, arg);
		if (cmd == F_GETFL)
			put_flags(sys_fcntl(fd, cmd, arg));
		else
			put_dec(sys_fcntl(fd, cmd, arg));
		break;
	}
	case 6:
	case 7:
	case 8: { /* write */
		/* No writes of 0 bytes: on a SOCK_SEQPACKET socket one makes an empty
		 * record, and Linux 6.18 treats a peer that closed with only such
		 * records unread as closed cleanly (EOF, not ECONNRESET), which
		 * ipcsim does not copy (testdata/linux/README.md). */
		long count = ONE_OF(1, 7, 100, 4095, 4096, 4097, 5000, 65536, 70000);
		fill(buf, count);
		put_call(n, "write", 2, fd, count, 0);
		r = sys_write(fd, buf, count);
		put_dec(r);
		if (r > 0 && r < count)
			wcount -= count - r; /* the bytes not written are numbered again */
		break;
	}
	case 9:
	case 10:
	case 11: { /* read */
		long count = ONE_OF(0, 1, 7, 100, 4096, 5000, 70000);
		put_call(n, "read", 2, fd, count, 0);
		r = sys_read(fd, buf, count);
		put_dec(r);
		put_data(buf, r);
		break;
	}
	case 12: { /* send */
		long count = ONE_OF(1, 100, 5000, 70000, 250000); /* not 0: see write */
		long flags = ONE_OF(0, MSG_DONTWAIT, MSG_NOSIGNAL, MSG_EOR);
		fill(buf, count);
		put_call(n, "send", 3, fd, count, flags);
		r = sys_sendto(fd, buf, count, flags, 0, 0);
		put_dec(r);
		if (r > 0 && r < count)
			wcount -= count - r;
		break;
	}
	case 13: { /* recv */
		long count = ONE_OF(0, 1, 100, 5000, 70000, 250000);
		long flags = ONE_OF(0, MSG_DONTWAIT, MSG_PEEK, MSG_TRUNC, MSG_WAITALL, MSG_PEEK | MSG_TRUNC);
		put_call(n, "recv", 3, fd, count, flags);
		r = sys_recvfrom(fd, buf, count, flags, 0, 0);
		put_dec(r);
		put_data(buf, r < count ? r : count);
		break;
	}
	case 14: { /* shutdown, FIONREAD */
		if (pick(2)) {
			long how = ONE_OF(SHUT_RD, 1, 2, 2, 3);
			put_call(n, "shutdown", 2, fd, how, 0);
			put_dec(sys_shutdown(fd, how));
		} else {
			int avail = -1;
			put_call(n, "FIONREAD", 1, fd, 0, 0);
			put_dec(sys_ioctl(fd, FIONREAD, &avail));
			put(" ");
			put_dec(avail);
		}
		break;
	}
	case 15: { /* ppoll of three fds, zero timeout */
		struct pollfd p[3];
		struct timespec zero = { 0, 0 };
		put_dec(n);
		put(" ppoll(");
		for (int i = 0; i < 3; i++) {
			p[i].fd = i ? any_fd() : fd;
			p[i].events = ONE_OF(POLLIN, POLLOUT, POLLIN | POLLOUT, POLLIN | POLLRDHUP, 0);
			p[i].revents = 0;
			if (i)
				put(", ");
			put_dec(p[i].fd);
			put(":");
			put_hex(p[i].events);
		}
		put(") = ");
		put_dec(sys_ppoll(p, 3, &zero, 0));
		for (int i = 0; i < 3; i++) {
			put(" ");
			put_hex(p[i].revents);
		}
		break;
	}
	case 16: { /* msgget, msgctl */
		long s = pick(2);
		long what = pick(6);
		if (what == 0 || msq[s] < 0) {
			put_call(n, "msgget", 1, s, 0, 0);
			put_made(MSG, sys_msgget(IPC_PRIVATE, IPC_CREAT | 0600), &msq[s]);
		} else if (what == 1) {
			put_call(n, "msgctl RMID", 1, s, 0, 0);
			put_dec(sys_msgctl(msq[s], IPC_RMID, 0));
			msq[s] = -1;
		} else if (what == 2) {
			struct msqid64_ds ds;
			memset(&ds, 0, sizeof ds);
			r = sys_msgctl(msq[s], IPC_STAT, &ds);
			ds.msg_qbytes = ONE_OF(0, 100, 16384, 16385, 20000);
			put_call(n, "msgctl SET", 2, s, ds.msg_qbytes, 0);
			put_dec(sys_msgctl(msq[s], IPC_SET, &ds));
		} else {
			struct msqid64_ds ds;
			memset(&ds, 0, sizeof ds);
			put_call(n, "msgctl STAT", 1, s, 0, 0);
			put_dec(sys_msgctl(msq[s], IPC_STAT, &ds));
			put(" qnum=");
			put_dec(ds.msg_qnum);
			put(" cbytes=");
			put_dec(ds.msg_cbytes);
			put(" qbytes=");
			put_dec(ds.msg_qbytes);
		}
		break;
	}
	case 17:
	case 18: { /* msgsnd */
		long s = pick(2), type = ONE_OF(1, 2, 3, 3, 0), size = ONE_OF(0, 1, 8, 100, 5000, 8192, 8193);
		msg.type = type;
		fill(msg.text, size);
		put_call(n, "msgsnd", 3, s, type, size);
		r = sys_msgsnd(msq[s], &msg, size, IPC_NOWAIT);
		put_dec(r);
		if (r < 0)
			wcount -= size;
		break;
	}
	case 19:
	case 20: { /* msgrcv */
		long s = pick(2), size = ONE_OF(0, 8, 100, 8192), type = ONE_OF(0, 1, 2, 3, -2, -3, 0);
		long flags = IPC_NOWAIT | ONE_OF(0, 0, MSG_NOERROR, MSG_EXCEPT, MSG_COPY);
		put_call(n, flags & MSG_NOERROR ? "msgrcv NOERROR" : flags & MSG_EXCEPT ? "msgrcv EXCEPT" : flags & MSG_COPY ? "msgrcv COPY" : "msgrcv", 3, s, type, size);
		msg.type = -1;
		r = sys_msgrcv(msq[s], &msg, size, type, flags);
		put_dec(r);
		if (r >= 0) {
			put(" type=");
			put_dec(msg.type);
			put_data(msg.text, r);
		}
		break;
	}
	case 21: { /* POSIX queues: open, unlink, getattr */
		static const char *names[] = { "/sysdiff-0", "/sysdiff-1" };
		long which = pick(2), what = pick(5);
		if (what <= 2) {
			long flags = O_NONBLOCK | ONE_OF(O_RDWR, O_RDWR, O_RDONLY, O_WRONLY) | ONE_OF(O_CREAT, O_CREAT, O_CREAT | O_EXCL, 0);
			struct mq_attr a = { 0, ONE_OF(1, 2, 10, 11), ONE_OF(1, 16, 64, 8192, 8193), 0, { 0 } };
			/* The third argument printed is maxmsg*100000 + msgsize, or 0 for no attributes. */
			int attr = pick(2);
			put_call(n, "mq_open", 3, which, flags, attr ? a.mq_maxmsg * 100000 + a.mq_msgsize : 0);
			r = sys_mq_open(mq_name(names[which]), flags, 0600, attr ? &a : 0);
			put_dec(r);
		} else if (what == 3) {
			/* Another user's queue: the kernel says EPERM (the queue
			 * root is sticky); qemu-user calls glibc's mq_unlink(3),
			 * which turns it into EACCES (testdata/linux/README.md),
			 * and no other cause of EACCES can arise here. */
			put_call(n, "mq_unlink", 1, which, 0, 0);
			r = sys_mq_unlink(mq_name(names[which]));
			put_dec(r == -EACCES ? -EPERM : r);
		} else {
			struct mq_attr a;
			memset(&a, 0xff, sizeof a);
			put_call(n, "mq_getattr", 1, fd, 0, 0);
			r = sys_mq_getsetattr(fd, 0, &a);
			put_dec(r);
			if (r == 0) {
				put(" flags=");
				put_hex(a.mq_flags);
				put(" maxmsg=");
				put_dec(a.mq_maxmsg);
				put(" msgsize=");
				put_dec(a.mq_msgsize);
				put(" curmsgs=");
				put_dec(a.mq_curmsgs);
			}
		}
		break;
	}
	case 22: { /* mq_timedsend, mq_timedreceive */
		struct timespec zero = { 0, 0 };
		if (pick(2)) {
			long size = ONE_OF(0, 5, 16, 65), prio = ONE_OF(0, 1, 5, 5, 32768);
			fill(buf, size);
			put_call(n, "mq_send", 3, fd, size, prio);
			r = sys_mq_timedsend(fd, buf, size, prio, &zero);
			put_dec(r);
			if (r < 0)
				wcount -= size;
		} else {
			long size = ONE_OF(16, 64, 8192);
			unsigned prio = 99;
			put_call(n, "mq_receive", 2, fd, size, 0);
			r = sys_mq_timedreceive(fd, buf, size, &prio, &zero);
			put_dec(r);
			if (r >= 0) {
				put(" prio=");
				put_dec(prio);
				put_data(buf, r);
			}
		}
		break;
	}
	case 23: { /* signals */
		long sig = any_sig();
		switch (pick(5)) {
		case 0: {
			long how = ONE_OF(SIG_BLOCK, SIG_UNBLOCK, SIG_SETMASK, 3);
			unsigned long set = any_set(), old = 0;
			put_call(n, "sigprocmask", 2, how, set, 0);
			put_dec(sys_rt_sigprocmask(how, &set, &old));
			put(" old=");
			put_hex(old);
			break;
		}
		case 1: {
			long action = ONE_OF(0, 1, 1, 2); /* default, handler, ignore */
			put_call(n, "sigaction", 2, sig, action, 0);
			put_dec(set_handler(sig, action == 0 ? SIG_DFL : action == 1 ? (void *)handler : SIG_IGN));
			break;
		}
		case 2:
		case 3:
			put_call(n, "kill self", 1, sig, 0, 0);
			put_dec(sys_kill(sys_getpid(), sig));
			break;
		default: {
			unsigned long set = any_set(), pending = 0;
			struct timespec zero = { 0, 0 };
			struct k_siginfo info;
			memset(&info, 0, sizeof info);
			put_call(n, "sigtimedwait", 1, set, 0, 0);
			r = sys_rt_sigtimedwait(&set, &info, &zero);
			put_dec(r);
			if (r > 0) {
				put(" code=");
				put_dec(info.si_code);
				put(info.si_pid == sys_getpid() ? " from self" : " from another");
				if (info.si_code == -1) {
					put(" value=");
					put_dec(info.si_status);
				}
			}
			sys_rt_sigpending(&pending);
			put(" pending=");
			put_hex(pending);
			break;
		}
		}
		break;
	}
	case 24: { /* socket, bind, listen */
		long what = pick(3);
		if (what == 0) {
			long type = ONE_OF(SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET) | SOCK_NONBLOCK;
			put_call(n, "socket", 1, type, 0, 0);
			put_dec(sys_socket(AF_UNIX, type, 0));
		} else if (what == 1) {
			struct sockaddr_un a;
			long which, alen;
			any_addr(&a, &alen, &which);
			put_call(n, "bind", 2, fd, which, 0);
			put_dec(sys_bind(fd, &a, alen));
		} else {
			long backlog = ONE_OF(0, 1, 5);
			put_call(n, "listen", 2, fd, backlog, 0);
			put_dec(sys_listen(fd, backlog));
		}
		break;
	}
	case 25: { /* connect, accept4 */
		if (pick(2)) {
			struct sockaddr_un a;
			long which, alen;
			any_addr(&a, &alen, &which);
			put_call(n, "connect", 2, fd, which, 0);
			put_dec(sys_connect(fd, &a, alen));
		} else {
			long flags = SOCK_NONBLOCK | ONE_OF(0, SOCK_CLOEXEC);
			put_call(n, "accept4", 2, fd, flags, 0);
			put_dec(sys_accept4(fd, 0, 0, flags));
		}
		break;
	}
	case 26: { /* getsockopt, setsockopt */
		long opt = ONE_OF(SO_TYPE, SO_ERROR, SO_SNDBUF, SO_RCVBUF);
		int v = -1, vlen = sizeof v;
		if (pick(3) == 0 && (opt == SO_SNDBUF || opt == SO_RCVBUF)) {
			v = ONE_OF(0, 1000, 100000);
			put_call(n, "setsockopt", 3, fd, opt, v);
			put_dec(sys_setsockopt(fd, SOL_SOCKET, opt, &v, sizeof v));
		} else {
			put_call(n, "getsockopt", 2, fd, opt, 0);
			put_dec(sys_getsockopt(fd, SOL_SOCKET, opt, &v, &vlen));
			put(" ");
			put_dec(v);
		}
		break;
	}
	case 27: { /* sendmsg with descriptors, recvmsg */
		union { struct cmsghdr h; char b[CMSG_SPACE(3 * sizeof(int))]; } ctl;
		struct iovec iov = { buf, 1 };
		struct msghdr m;
		memset(&m, 0, sizeof m);
		memset(&ctl, 0, sizeof ctl);
		m.msg_iov = &iov;
		m.msg_iovlen = 1;
		if (pick(2)) {
			long nfds = 1 + pick(2), flags = ONE_OF(0, MSG_DONTWAIT, MSG_NOSIGNAL);
			int *fds = (int *)CMSG_DATA(&ctl.h);
			fds[0] = rights_fd();
			fds[1] = rights_fd();
			ctl.h.cmsg_len = CMSG_LEN(nfds * sizeof(int));
			ctl.h.cmsg_level = SOL_SOCKET;
			ctl.h.cmsg_type = SCM_RIGHTS;
			m.msg_control = &ctl;
			m.msg_controllen = CMSG_SPACE(nfds * sizeof(int));
			fill(buf, 1);
			put_dec(n);
			put(" sendmsg(");
			put_dec(fd);
			put(", [");
			put_dec(fds[0]);
			if (nfds == 2) {
				put(" ");
				put_dec(fds[1]);
			}
			put("], ");
			put_dec(flags);
			put(") = ");
			r = sys_sendmsg(fd, &m, flags);
			put_dec(r);
			if (r <= 0)
				wcount--;
		} else {
			/* Room for creds (SO_PASSCRED) and three fds, or less. */
			static union { struct cmsghdr h; char b[CMSG_SPACE(sizeof(struct ucred)) + CMSG_SPACE(3 * sizeof(int))]; } in;
			long flags = ONE_OF(0, MSG_DONTWAIT, MSG_PEEK, MSG_CMSG_CLOEXEC);
			memset(&in, 0, sizeof in);
			iov.iov_len = ONE_OF(1, 100);
			m.msg_control = &in;
			m.msg_controllen = ONE_OF(sizeof in, CMSG_SPACE(sizeof(int)), CMSG_SPACE(sizeof(struct ucred)), 0);
			put_call(n, "recvmsg", 3, fd, iov.iov_len, flags);
			r = sys_recvmsg(fd, &m, flags);
			put_dec(r);
			put_data(buf, r);
			if (r >= 0) {
				put(" flags=");
				put_hex(m.msg_flags);
				put_cmsgs(&m);
			}
		}
		break;
	}
	case 28: { /* epoll */
		long what = pick(3);
		if (what == 0) {
			long flags = ONE_OF(0, EPOLL_CLOEXEC);
			put_call(n, "epoll_create1", 1, flags, 0, 0);
			put_dec(sys_epoll_create1(flags));
		} else if (what == 1) {
			long op = ONE_OF(EPOLL_CTL_ADD, EPOLL_CTL_ADD, EPOLL_CTL_MOD, EPOLL_CTL_DEL), target = any_fd();
			struct epoll_event ev = { (unsigned)ONE_OF(EPOLLIN, EPOLLOUT, EPOLLIN | EPOLLOUT, EPOLLIN | EPOLLET, EPOLLIN | EPOLLONESHOT), (unsigned long)target };
			put_call(n, "epoll_ctl", 3, fd, op, target);
			put_dec(sys_epoll_ctl(fd, op, target, &ev));
			put(" events=");
			put_hex(ev.events);
		} else {
			struct epoll_event evs[4];
			long max = ONE_OF(1, 4);
			put_call(n, "epoll_pwait", 2, fd, max, 0);
			r = sys_epoll_pwait(fd, evs, max, 0, 0);
			put_dec(r);
			for (long i = 0; i < r; i++) {
				put(" ");
				put_dec(evs[i].data);
				put(":");
				put_hex(evs[i].events);
			}
		}
		break;
	}
	case 29: { /* pselect6, zero timeout */
		fd_set rd, wr, ex;
		struct timespec zero = { 0, 0 };
		long fds[3] = { fd, any_fd(), any_fd() }, top = 0;
		fdset_zero(&rd);
		fdset_zero(&wr);
		fdset_zero(&ex);
		put_dec(n);
		put(" pselect6(");
		for (int i = 0; i < 3; i++) {
			/* A bad fd is 99 here: select looks only at the fds below the
			 * size of the caller's fd table (core_sys_select), and
			 * qemu-user's table, the host process's, is larger than a
			 * process of the machine would have. */
			long f = fds[i] < 0 || fds[i] >= 100 ? 99 : fds[i], which = pick(3);
			fdset_set(f, which == 0 ? &rd : which == 1 ? &wr : &ex);
			top = f + 1 > top ? f + 1 : top;
			put(i ? ", " : "");
			put(which == 0 ? "r" : which == 1 ? "w" : "x");
			put_dec(f);
		}
		put(") = ");
		put_dec(sys_pselect6(top, &rd, &wr, &ex, &zero, 0));
		for (long f = 0; f < top; f++) {
			if (fdset_isset(f, &rd)) { put(" r"); put_dec(f); }
			if (fdset_isset(f, &wr)) { put(" w"); put_dec(f); }
			if (fdset_isset(f, &ex)) { put(" x"); put_dec(f); }
		}
		break;
	}
	case 30:
	case 31: { /* semaphores */
		long sl = pick(2), what = pick(6);
		if (what == 0 || semid[sl] < 0) {
			long nsems = ONE_OF(1, 2);
			put_call(n, "semget", 2, sl, nsems, 0);
			put_made(SEM, sys_semget(IPC_PRIVATE, nsems, IPC_CREAT | 0600), &semid[sl]);
		} else if (what <= 2) {
			struct sembuf b = { (unsigned short)pick(3), (short)ONE_OF(-2, -1, 0, 1, 2), (short)(IPC_NOWAIT | ONE_OF(0, SEM_UNDO)) };
			put_call(n, b.sem_flg & SEM_UNDO ? "semop UNDO" : "semop", 3, sl, b.sem_num, b.sem_op);
			put_dec(sys_semop(semid[sl], &b, 1));
		} else if (what == 3) {
			long v = ONE_OF(0, 1, 3, 32767, 32768, -1);
			put_call(n, "semctl SETVAL", 2, sl, v, 0);
			put_dec(sys_semctl(semid[sl], 0, SETVAL, v));
		} else if (what == 4) {
			long cmd = ONE_OF(GETVAL, GETNCNT, GETZCNT), num = pick(3);
			put_call(n, "semctl GET", 3, sl, cmd, num);
			put_dec(sys_semctl(semid[sl], num, cmd, 0));
		} else {
			put_call(n, "semctl RMID", 1, sl, 0, 0);
			put_dec(sys_semctl(semid[sl], 0, IPC_RMID, 0));
			semid[sl] = -1;
		}
		break;
	}
	case 32: { /* shared memory */
		long sl = pick(2), what = pick(5);
		if (what == 0 || shmid[sl] < 0) {
			long size = ONE_OF(1, 4096, 10000);
			put_call(n, "shmget", 2, sl, size, 0);
			put_made(SHM, sys_shmget(IPC_PRIVATE, size, IPC_CREAT | 0600), &shmid[sl]);
		} else if (what == 1) {
			long flags = ONE_OF(0, SHM_RDONLY);
			put_call(n, "shmat", 2, sl, flags, 0);
			r = sys_shmat(shmid[sl], 0, flags);
			put(r >= 0 ? "addr" : "");
			if (r < 0) {
				put_dec(r);
			} else {
				if (shmaddr[sl])
					sys_shmdt(shmaddr[sl]); /* one attachment a slot (printed below) */
				shmaddr[sl] = (char *)r;
				shmrdonly[sl] = flags != 0;
				put(" read ");
				put_dec(shmaddr[sl][0]);
				if (!shmrdonly[sl])
					shmaddr[sl][0]++;
			}
		} else if (what == 2) {
			put_call(n, "shmdt", 1, sl, 0, 0);
			put_dec(shmaddr[sl] ? sys_shmdt(shmaddr[sl]) : sys_shmdt((void *)4096));
			shmaddr[sl] = 0;
		} else if (what == 3) {
			struct shmid64_ds ds;
			memset(&ds, 0, sizeof ds);
			put_call(n, "shmctl STAT", 1, sl, 0, 0);
			put_dec(sys_shmctl(shmid[sl], IPC_STAT, &ds));
			put(" segsz=");
			put_dec(ds.shm_segsz);
			put(" nattch=");
			put_dec(ds.shm_nattch);
			put(" mode=");
			put_hex(ds.shm_perm.mode);
		} else {
			put_call(n, "shmctl RMID", 1, sl, 0, 0);
			put_dec(sys_shmctl(shmid[sl], IPC_RMID, 0));
			shmid[sl] = -1;
		}
		break;
	}
	case 33: { /* a FIFO */
		long what = pick(4);
		if (what == 0) {
			put_call(n, "mknod fifo", 0, 0, 0, 0);
			put_dec(sys_mknodat(AT_FDCWD, FIFO, S_IFIFO | 0600, 0));
		} else if (what == 3) {
			put_call(n, "unlink fifo", 0, 0, 0, 0);
			put_dec(sys_unlinkat(AT_FDCWD, FIFO, 0));
		} else {
			long flags = O_NONBLOCK | ONE_OF(O_RDONLY, O_WRONLY, O_RDWR);
			put_call(n, "open fifo", 1, flags, 0, 0);
			put_dec(sys_openat(AT_FDCWD, FIFO, flags, 0));
		}
		break;
	}
	case 34: { /* more of signals: flags, signal 0, tgkill */
		long sig = any_sig(), what = pick(3);
		if (what == 0) {
			long flags = ONE_OF(SA_RESETHAND, SA_NODEFER, SA_RESETHAND | SA_NODEFER, SA_RESTART);
			struct k_sigaction sa, old;
			memset(&sa, 0, sizeof sa);
			memset(&old, 0, sizeof old);
			sa.handler = (void *)handler;
			sa.flags = flags;
			put_call(n, "sigaction flags", 2, sig, flags, 0);
			put_dec(sys_rt_sigaction(sig, &sa, &old));
			put(" old=");
			put(old.handler == SIG_DFL ? "default" : old.handler == SIG_IGN ? "ignore" : "handler");
		} else if (what == 1) {
			long target = ONE_OF(0, 1, 99999);
			put_call(n, "kill sig 0", 1, target, 0, 0);
			put_dec(sys_kill(target == 0 ? sys_getpid() : target, 0));
		} else {
			put_call(n, "tgkill self", 1, sig, 0, 0);
			put_dec(sys_tgkill(sys_getpid(), sys_gettid(), sig));
		}
		break;
	}
	case 35: { /* lseek, F_GETFL of anything */
		if (pick(2)) {
			put_call(n, "lseek", 1, fd, 0, 0);
			put_dec(sys_lseek(fd, 0, SEEK_CUR));
		} else {
			put_call(n, "F_GETFL", 1, fd, 0, 0);
			put_flags(sys_fcntl(fd, F_GETFL, 0));
		}
		break;
	}
	case 36: { /* the file system: open, mkdir, unlink, rmdir, rename */
		const char *path = any_path();
		long what = pick(6);
		put_dec(n);
		if (what <= 1) {
			long flags = O_NONBLOCK | ONE_OF(O_RDONLY, O_WRONLY | O_CREAT, O_RDWR | O_CREAT, O_RDWR | O_TRUNC,
							 O_WRONLY | O_APPEND | O_CREAT, O_RDWR | O_CREAT | O_EXCL, O_RDONLY | O_DIRECTORY);
			put(" open(");
			put(path);
			put(", ");
			put_dec(flags);
			put(") = ");
			put_dec(sys_openat(AT_FDCWD, path, flags, 0600));
		} else if (what == 2) {
			put(" mkdir(");
			put(path);
			put(") = ");
			put_dec(sys_mkdirat(AT_FDCWD, path, 0700));
		} else if (what == 3) {
			put(" unlink(");
			put(path);
			put(") = ");
			put_dec(sys_unlinkat(AT_FDCWD, path, 0));
		} else if (what == 4) {
			put(" rmdir(");
			put(path);
			put(") = ");
			put_dec(sys_unlinkat(AT_FDCWD, path, AT_REMOVEDIR));
		} else {
			const char *to = any_path();
			put(" rename(");
			put(path);
			put(", ");
			put(to);
			put(") = ");
			put_dec(sys_renameat2(AT_FDCWD, path, AT_FDCWD, to, 0));
		}
		break;
	}
	case 37: { /* a file's offset and size: pread, pwrite, ftruncate, lseek */
		long what = pick(4), off = ONE_OF(0, 100, 4096, 5000);
		if (what == 0) {
			long count = ONE_OF(1, 100, 5000);
			put_call(n, "pread", 3, fd, count, off);
			r = sys_pread64(fd, buf, count, off);
			put_dec(r);
			put_data(buf, r);
		} else if (what == 1) {
			long count = ONE_OF(1, 100, 5000);
			fill(buf, count);
			put_call(n, "pwrite", 3, fd, count, off);
			r = sys_pwrite64(fd, buf, count, off);
			put_dec(r);
			if (r < count)
				wcount -= count - (r > 0 ? r : 0);
		} else if (what == 2) {
			put_call(n, "ftruncate", 2, fd, off, 0);
			put_dec(sys_ftruncate(fd, off));
		} else {
			long whence = ONE_OF(SEEK_SET, SEEK_CUR, 2 /* SEEK_END */, 9);
			put_call(n, "lseek", 3, fd, off, whence);
			put_dec(sys_lseek(fd, off, whence));
		}
		break;
	}
	case 38: { /* fstat and getdents64: what the kernel says of a file */
		if (pick(2)) {
			struct stat st;
			memset(&st, 0, sizeof st);
			put_call(n, "fstat", 1, fd, 0, 0);
			r = sys_fstat(fd, &st);
			put_dec(r);
			if (r == 0) {
				/* A directory's size and link count depend on the file
				 * system, so they print for regular files only. */
				put(" mode=");
				put_hex(st.st_mode);
				if ((st.st_mode & S_IFMT) == 0100000) {
					put(" size=");
					put_dec(st.st_size);
					put(" nlink=");
					put_dec(st.st_nlink);
				}
			}
		} else {
			/* The names, sorted: the order is the file system's. */
			static char dents[4096];
			const char *names[16];
			int nn = 0;
			put_call(n, "getdents64", 1, fd, 0, 0);
			r = sys_getdents64(fd, dents, sizeof dents);
			put_dec(r > 0 ? 1 : r);
			for (long off = 0; r > 0 && off < r && nn < 16;) {
				struct linux_dirent64 *d = (struct linux_dirent64 *)(dents + off);
				names[nn++] = d->d_name;
				off += d->d_reclen;
			}
			for (int i = 1; i < nn; i++)
				for (int j = i; j > 0 && strcmp_(names[j], names[j - 1]) < 0; j--) {
					const char *t = names[j];
					names[j] = names[j - 1];
					names[j - 1] = t;
				}
			for (int i = 0; i < nn; i++) {
				put(" ");
				put(names[i]);
			}
		}
		break;
	}
	case 39: { /* rt_sigqueueinfo to itself, with a value */
		/* Not SIGCHLD: qemu-user 7.2 hands a queued SIGCHLD's siginfo back
		 * in SIGCHLD's layout, which loses the value (native Linux keeps
		 * it, as ipcsim does). */
		long sig = sigs[pick(NSIGS - 1)], value = pick(1000);
		struct k_siginfo info;
		memset(&info, 0, sizeof info);
		info.si_signo = sig;
		info.si_code = -1; /* SI_QUEUE */
		info.si_pid = sys_getpid();
		info.si_uid = 1000;
		info.si_status = value; /* si_value shares the place */
		put_call(n, "sigqueue self", 2, sig, value, 0);
		put_dec(syscall3(138, sys_getpid(), sig, &info));
		break;
	}
	case 40: { /* fork: the grandchild makes a few calls of its own and exits */
		long calls = 1 + pick(6), code = pick(4);
		put_call(n, "fork", 2, calls, code, 0);
		long pid = sys_fork();
		if (pid == 0) {
			put("child");
			flush();
			kids[0].state = kids[1].state = GONE; /* its siblings now */
			for (long i = 0; i < calls; i++) {
				put("  ");
				step(n * 100 + i);
			}
			end_kids();
			sys_exit_group(code);
		}
		int st = 0;
		r = sys_wait4(pid, &st, 0, 0);
		put(r == pid ? "reaped" : "not reaped");
		put(" status=");
		put_hex(st);
		break;
	}
	case 41: { /* umask, fchmod */
		if (pick(2)) {
			long mask = ONE_OF(0, 022, 077, 0777);
			put_call(n, "umask", 1, mask, 0, 0);
			put_dec(sys_umask(mask));
		} else {
			long mode = ONE_OF(0, 0400, 0200, 0600, 04755);
			put_call(n, "fchmod", 2, fd, mode, 0);
			put_dec(sys_fchmod(fd, mode));
		}
		break;
	}
	case 42: { /* the limit on descriptors */
		struct rlimit64 lim = { (unsigned long)ONE_OF(4, 8, 12, 16, 1024), 1024 }, old;
		put_call(n, "setrlimit NOFILE", 1, lim.cur, 0, 0);
		put_dec(sys_prlimit64(0, RLIMIT_NOFILE, &lim, &old));
		break;
	}
	case 43: { /* names: getsockname, getpeername; sendto and recvfrom with one */
		struct sockaddr_un a;
		int alen = sizeof a;
		long what = pick(4);
		memset(&a, 0, sizeof a);
		if (what <= 1) {
			put_call(n, what ? "getpeername" : "getsockname", 1, fd, 0, 0);
			r = what ? sys_getpeername(fd, &a, &alen) : sys_getsockname(fd, &a, &alen);
			put_dec(r);
			if (r == 0) {
				put(" len=");
				put_name(&a, alen);
			}
		} else if (what == 2) {
			long which, count = ONE_OF(1, 100, 5000);
			any_addr(&a, &r, &which);
			fill(buf, count);
			put_call(n, "sendto", 3, fd, count, which);
			long ret = sys_sendto(fd, buf, count, MSG_DONTWAIT, &a, r);
			put_dec(ret);
			if (ret < count)
				wcount -= count - (ret > 0 ? ret : 0);
		} else {
			long count = ONE_OF(1, 100, 5000);
			put_call(n, "recvfrom", 2, fd, count, 0);
			r = sys_recvfrom(fd, buf, count, MSG_DONTWAIT, &a, &alen);
			put_dec(r);
			put_data(buf, r);
			if (r >= 0) {
				put(" from len=");
				put_name(&a, alen);
			}
		}
		break;
	}
	case 53: /* files by name */
		names(n);
		break;
	case 52: /* owners, modes, credentials */
		perms(n, fd);
		break;
	case 51: /* vectored I/O and sendfile */
		vectored(n, fd);
		break;
	case 49:
	case 50: /* kept children: wait, kill, process groups */
		children(n);
		break;
	case 47:
	case 48: /* credentials, and what they decide */
		creds(n, fd);
		break;
	case 44: /* a blocking call that SIGALRM interrupts */
		interrupted(n);
		break;
	case 45:
	case 46: { /* TCP and UDP over the loopback: socket, bind, connect, sendto */
		struct sockaddr_in a;
		long what = pick(4), port = pick(3);
		inet_addr(&a, port);
		if (what == 0) {
			long type = ONE_OF(SOCK_STREAM, SOCK_DGRAM);
			int one = 1;
			put_call(n, "inet socket", 1, type, 0, 0);
			r = sys_socket(AF_INET, type | SOCK_NONBLOCK, 0);
			put_dec(r);
			/* Over a TIME_WAIT another run may have left. */
			sys_setsockopt(r, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
		} else if (what == 1) {
			put_call(n, "inet bind", 2, fd, port, 0);
			put_dec(sys_bind(fd, &a, sizeof a));
		} else if (what == 2) {
			put_call(n, "inet connect", 2, fd, port, 0);
			put_dec(sys_connect(fd, &a, sizeof a));
		} else {
			long count = ONE_OF(1, 100, 5000);
			fill(buf, count);
			put_call(n, "inet sendto", 3, fd, count, port);
			r = sys_sendto(fd, buf, count, MSG_DONTWAIT, &a, sizeof a);
			put_dec(r);
			if (r < count)
				wcount -= count - (r > 0 ? r : 0);
		}
		break;
	}
	}
	put_handled();
	flush();
}

static void run(unsigned long seed)
{
	seed_now = seed;
	state = seed * 0x9E3779B97F4A7C15UL + 1;
	main_pid = sys_getppid();
	main_session = sys_getsid(sys_getppid());
	for (long i = 0; i < OPS; i++)
		step(i);
	end_kids();
}

/* What a seed left behind must not reach the next one: its SysV objects,
 * its POSIX queues, its files. */
static void clean_up(void)
{
	sys_setresuid(-1, 0, -1);
	for (long i = 0; i < made->n; i++) {
		int id = made->obj[i].id;
		switch (made->obj[i].kind) {
		case MSG: sys_msgctl(id, IPC_RMID, 0); break;
		case SEM: sys_semctl(id, 0, IPC_RMID, 0); break;
		case SHM: sys_shmctl(id, IPC_RMID, 0); break;
		case KID: sys_kill(id, SIGKILL); break; /* a kept child the child left (kids) */
		}
	}
	made->n = 0;
	sys_mq_unlink(mq_name("/sysdiff-0"));
	sys_mq_unlink(mq_name("/sysdiff-1"));
	clean_files();
	sys_setresuid(-1, 1000, -1);
}

static long parse(const char *s)
{
	long v = 0;
	while (*s >= '0' && *s <= '9')
		v = v * 10 + (*s++ - '0');
	return v;
}

int main(int argc, char **argv)
{
	long first = argc > 1 ? parse(argv[1]) : 1, count = argc > 2 ? parse(argv[2]) : 1;
	no_core_dumps();
	/* An ordinary user, uid 1000: root's limits depend on the capabilities
	 * the host (a container, say) leaves it, and would differ. The saved
	 * uid stays 0, so that the main process may remove what its children
	 * made as other users, and each child may choose its ids
	 * (become_user). */
	sys_setresuid(1000, 1000, 0);
	/* Its own process group, as under ipcsim exec (a shell without job
	 * control would have left it in the shell's): the children's process
	 * groups are named by it. */
	sys_setpgid(0, 0);
	sys_chdir("/"); /* where getcwd starts, wherever the program is run */
	made = (struct made *)sys_mmap(0, sizeof *made, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	made->n = 0;
	clean_up();
	for (long seed = first; seed < first + count; seed++) {
		print("seed ");
		print_dec(seed);
		print("\n");
		long pid = sys_fork();
		if (pid == 0) {
			become_user();
			sys_fcntl(1, F_DUPFD, OUT);
			set_handler(SIGPIPE, SIG_IGN);
			for (int i = 0; i < NSIGS; i++)
				set_handler(sigs[i], handler);
			run(seed);
			sys_exit_group(0);
		}
		int st = 0;
		sys_wait4(pid, &st, 0, 0);
		say_status("end", st);
		clean_up();
	}
	return 0;
}

/*
 * epoll_basic: epoll_create1, epoll_ctl and epoll_pwait/epoll_pwait2 on pipes.
 *
 * epoll_create1(2): "EPOLL_CLOEXEC Set the close-on-exec (FD_CLOEXEC) flag";
 *   "EINVAL Invalid value specified in flags."
 * epoll_ctl(2): "EEXIST op was EPOLL_CTL_ADD, and the supplied file descriptor
 *   fd is already registered"; "ENOENT op was EPOLL_CTL_MOD or EPOLL_CTL_DEL,
 *   and fd is not registered"; "EINVAL epfd is not an epoll file descriptor,
 *   or fd is the same as epfd, or the requested operation op is not
 *   supported"; "EINVAL ... EPOLLEXCLUSIVE ... with EPOLL_CTL_MOD ... together
 *   with EPOLLONESHOT ... fd refers to an epoll instance"; "ELOOP ... a
 *   circular loop of epoll instances monitoring one another"; "EPERM The
 *   target file fd does not support epoll ... a regular file or a directory";
 *   "EBADF epfd or fd is not a valid file descriptor"; "EFAULT" for event.
 * epoll_wait(2): "EINVAL ... maxevents is less than or equal to zero";
 *   timeout -1 blocks, 0 returns at once; "EINTR The call was interrupted by a
 *   signal handler" (never restarted, signal(7)); epoll_pwait swaps the
 *   signal mask for the call; "EFAULT The memory area pointed to by events is
 *   not accessible".
 * epoll(7): level-triggered reports while the pipe is readable; EPOLLET
 *   "only when changes occur" (each new write to a pipe is a change);
 *   EPOLLONESHOT disarms after one event until EPOLL_CTL_MOD; EPOLLERR and
 *   EPOLLHUP always reported; "closing a file descriptor causes it to be
 *   removed from all epoll interest lists" only once every descriptor of the
 *   open file description is closed (a dup keeps the registration, reported
 *   under the old fd's data); the ready list is kept in order and successive
 *   calls with a small maxevents cycle through it; an epoll fd is pollable
 *   (readable when an event is ready), by ppoll or by another epoll.
 */
#include "rt/rt.h"

static struct epoll_event evs[8];
static char buf[64];
static volatile int hits;
static void on_usr1(int sig) { (void)sig; hits++; }

/* wait with timeout ms and print the count and each event's events and data */
static long show(const char *label, int ep, int max, int ms)
{
	long r = sys_epoll_pwait(ep, evs, max, ms, 0);
	print(label);
	print(": ");
	print_dec(r);
	for (long i = 0; i < r; i++) {
		print(" [");
		print_hex(evs[i].events);
		print(" ");
		print_dec(evs[i].data);
		print("]");
	}
	print("\n");
	return r;
}

/* a child that sleeps ms, then writes one byte to fd (if fd >= 0) and exits */
static long later(int ms, int fd, int sig)
{
	long pid = sys_fork();
	if (pid == 0) {
		sleep_ms(ms);
		if (sig)
			sys_kill(sys_getppid(), sig);
		if (fd >= 0) {
			if (sig)
				sleep_ms(ms);
			sys_write(fd, "!", 1);
		}
		sys_exit_group(0);
	}
	return pid;
}

int main(void)
{
	int p[2], q[2], r3[2], st;

	/* epoll_create1 */
	int ep = sys_epoll_create1(0);
	say_yes("epoll_create1(0) returns an fd", ep >= 3);
	say_dec("F_GETFD", sys_fcntl(ep, F_GETFD, 0));
	int epc = sys_epoll_create1(EPOLL_CLOEXEC);
	say_dec("EPOLL_CLOEXEC: F_GETFD", sys_fcntl(epc, F_GETFD, 0));
	say_dec("epoll_create1(1)", sys_epoll_create1(1));
	say_dec("epoll_create1(O_NONBLOCK)", sys_epoll_create1(O_NONBLOCK));
	say_dec("read of an epoll fd", sys_read(ep, buf, 1));

	/* epoll_ctl errors */
	sys_pipe2(p, 0);
	say_dec("ADD read end", ep_ctl(ep, EPOLL_CTL_ADD, p[0], EPOLLIN, 100));
	say_dec("ADD again", ep_ctl(ep, EPOLL_CTL_ADD, p[0], EPOLLIN, 100));
	say_dec("MOD write end (not registered)", ep_ctl(ep, EPOLL_CTL_MOD, p[1], EPOLLOUT, 0));
	say_dec("DEL write end (not registered)", ep_ctl(ep, EPOLL_CTL_DEL, p[1], 0, 0));
	say_dec("ADD epfd to itself", ep_ctl(ep, EPOLL_CTL_ADD, ep, EPOLLIN, 0));
	int epdup = sys_dup(ep);
	say_dec("ADD a dup of epfd to it", ep_ctl(ep, EPOLL_CTL_ADD, epdup, EPOLLIN, 0));
	sys_close(epdup);
	say_dec("epfd a pipe", ep_ctl(p[0], EPOLL_CTL_ADD, p[1], EPOLLOUT, 0));
	say_dec("fd 40 (closed)", ep_ctl(ep, EPOLL_CTL_ADD, 40, EPOLLIN, 0));
	say_dec("epfd 40 (closed)", ep_ctl(40, EPOLL_CTL_ADD, p[0], EPOLLIN, 0));
	say_dec("op 99", ep_ctl(ep, 99, p[1], EPOLLOUT, 0));
	say_dec("ADD, event NULL", sys_epoll_ctl(ep, EPOLL_CTL_ADD, p[1], 0));
	say_dec("MOD EPOLLEXCLUSIVE", ep_ctl(ep, EPOLL_CTL_MOD, p[0], EPOLLIN | EPOLLEXCLUSIVE, 0));
	say_dec("ADD EPOLLEXCLUSIVE|EPOLLONESHOT", ep_ctl(ep, EPOLL_CTL_ADD, p[1], EPOLLOUT | EPOLLEXCLUSIVE | EPOLLONESHOT, 0));
	say_dec("ADD EPOLLEXCLUSIVE of an epoll fd", ep_ctl(epc, EPOLL_CTL_ADD, ep, EPOLLIN | EPOLLEXCLUSIVE, 0));
	int dir = sys_openat(AT_FDCWD, "/", O_RDONLY, 0);
	say_dec("ADD a directory", ep_ctl(ep, EPOLL_CTL_ADD, dir, EPOLLIN, 0));
	sys_close(dir);
	say_dec("ADD epc to ep", ep_ctl(ep, EPOLL_CTL_ADD, epc, EPOLLIN, 7));
	say_dec("ADD ep to epc (a loop)", ep_ctl(epc, EPOLL_CTL_ADD, ep, EPOLLIN, 0));
	say_dec("DEL epc, event NULL", sys_epoll_ctl(ep, EPOLL_CTL_DEL, epc, 0));

	/* epoll_pwait errors */
	say_dec("maxevents 0", sys_epoll_pwait(ep, evs, 0, 0, 0));
	say_dec("maxevents -1", sys_epoll_pwait(ep, evs, -1, 0, 0));
	say_dec("epfd a pipe", sys_epoll_pwait(p[0], evs, 1, 0, 0));
	say_dec("epfd 40 (closed)", sys_epoll_pwait(40, evs, 1, 0, 0));
	unsigned long none = 0;
	say_dec("sigsetsize 4", syscall6(SYS_epoll_pwait, ep, (long)evs, 1, 0, (long)&none, 4));
	struct timespec bad = { 0, 1000000000 };
	say_dec("epoll_pwait2 tv_nsec 1e9", sys_epoll_pwait2(ep, evs, 1, &bad, 0));

	/* level-triggered: reported until drained */
	show("LT, empty", ep, 8, 0);
	sys_write(p[1], "ab", 2);
	show("LT, 2 bytes", ep, 8, 0);
	show("LT, again", ep, 8, 0);
	sys_read(p[0], buf, 1);
	show("LT, 1 byte read", ep, 8, 0);
	sys_read(p[0], buf, 1);
	show("LT, drained", ep, 8, 0);
	struct timespec zero = { 0, 0 };
	say_dec("epoll_pwait2, zero timespec", sys_epoll_pwait2(ep, evs, 8, &zero, 0));
	say_dec("ADD write end EPOLLOUT", ep_ctl(ep, EPOLL_CTL_ADD, p[1], EPOLLOUT, 101));
	show("write end writable", ep, 8, 0);
	say_dec("DEL write end", ep_ctl(ep, EPOLL_CTL_DEL, p[1], 0, 0));

	/* a ready event with a bad buffer: EFAULT, and the event stays */
	sys_write(p[1], "x", 1);
	say_dec("events NULL, one ready", sys_epoll_pwait(ep, 0, 8, 0, 0));
	show("after EFAULT", ep, 8, 0);
	sys_read(p[0], buf, 1);

	/* edge-triggered: once per write */
	say_dec("MOD to EPOLLIN|EPOLLET", ep_ctl(ep, EPOLL_CTL_MOD, p[0], EPOLLIN | EPOLLET, 200));
	show("ET, empty", ep, 8, 0);
	sys_write(p[1], "a", 1);
	show("ET, a write", ep, 8, 0);
	show("ET, no new write", ep, 8, 0);
	sys_write(p[1], "b", 1);
	show("ET, another write", ep, 8, 0);
	sys_read(p[0], buf, 1);
	show("ET, a read (no event)", ep, 8, 0);
	say_dec("MOD to EPOLLIN|EPOLLET again", ep_ctl(ep, EPOLL_CTL_MOD, p[0], EPOLLIN | EPOLLET, 201));
	show("ET, after MOD with data there", ep, 8, 0);
	sys_read(p[0], buf, 1);

	/* one-shot: disarmed until MOD */
	say_dec("MOD to EPOLLIN|EPOLLONESHOT", ep_ctl(ep, EPOLL_CTL_MOD, p[0], EPOLLIN | EPOLLONESHOT, 300));
	sys_write(p[1], "a", 1);
	show("ONESHOT, data", ep, 8, 0);
	show("ONESHOT, data still there", ep, 8, 0);
	sys_write(p[1], "b", 1);
	show("ONESHOT, another write", ep, 8, 0);
	say_dec("MOD re-arms", ep_ctl(ep, EPOLL_CTL_MOD, p[0], EPOLLIN | EPOLLONESHOT, 301));
	show("ONESHOT, re-armed", ep, 8, 0);
	say_dec("ADD while disarmed", ep_ctl(ep, EPOLL_CTL_ADD, p[0], EPOLLIN, 0));
	say_dec("DEL", ep_ctl(ep, EPOLL_CTL_DEL, p[0], 0, 0));
	show("after DEL", ep, 8, 0);
	sys_read(p[0], buf, 2);

	/* the ready list: order of events, cycling with maxevents 1 */
	sys_pipe2(q, 0);
	sys_pipe2(r3, 0);
	ep_ctl(ep, EPOLL_CTL_ADD, p[0], EPOLLIN, 1);
	ep_ctl(ep, EPOLL_CTL_ADD, q[0], EPOLLIN, 2);
	ep_ctl(ep, EPOLL_CTL_ADD, r3[0], EPOLLIN, 3);
	sys_write(q[1], "q", 1);
	sys_write(p[1], "p", 1);
	sys_write(r3[1], "r", 1);
	for (int i = 0; i < 4; i++)
		show("maxevents 1", ep, 1, 0);
	show("maxevents 2", ep, 2, 0);
	show("maxevents 8", ep, 8, 0);
	sys_read(q[0], buf, 1);
	show("q drained, maxevents 8", ep, 8, 0);
	sys_write(q[1], "q", 1);
	show("q again: last", ep, 8, 0);
	sys_read(p[0], buf, 1);
	sys_read(q[0], buf, 1);
	sys_read(r3[0], buf, 1);

	/* hang-up: always reported */
	sys_write(r3[1], "r", 1);
	sys_close(r3[1]);
	show("writer closed, data left", ep, 8, 0);
	sys_read(r3[0], buf, 1);
	show("writer closed, drained", ep, 8, 0);
	sys_close(r3[0]);
	show("reader closed too", ep, 8, 0);

	/* closing a watched fd: the registration lives while a dup does */
	int d = sys_dup(q[0]);
	sys_close(q[0]);
	sys_write(q[1], "q", 1);
	show("fd closed, its dup open", ep, 8, 0);
	say_dec("DEL the closed fd", ep_ctl(ep, EPOLL_CTL_DEL, q[0], 0, 0));
	say_dec("DEL the dup (never added)", ep_ctl(ep, EPOLL_CTL_DEL, d, 0, 0));
	sys_close(d);
	show("dup closed too", ep, 8, 0);
	int n[2];
	sys_pipe2(n, 0);
	say_yes("a new pipe reuses the fd", n[0] == q[0]);
	say_dec("ADD it (not EEXIST)", ep_ctl(ep, EPOLL_CTL_ADD, n[0], EPOLLIN, 4));
	sys_close(n[0]);
	sys_close(n[1]);
	sys_close(q[1]);

	/* nested: epc watches ep; ppoll watches epc */
	say_dec("ADD ep to epc", ep_ctl(epc, EPOLL_CTL_ADD, ep, EPOLLIN | EPOLLOUT, 9));
	struct pollfd f = { epc, POLLIN | POLLOUT, -1 };
	say_dec("ppoll epc, nothing ready", sys_ppoll(&f, 1, &zero, 0));
	sys_write(p[1], "p", 1);
	f.revents = -1;
	long pr = sys_ppoll(&f, 1, &zero, 0);
	say_dec("ppoll epc, inner pipe readable", pr);
	say_hex("revents", (unsigned short)f.revents);
	show("epc", epc, 8, 0);
	show("ep", ep, 8, 0);
	sys_read(p[0], buf, 1);
	show("epc, inner drained", epc, 8, 0);

	/* blocking */
	struct timespec t50 = { 0, 50000000 };
	say_dec("timeout 50 ms, nothing", sys_epoll_pwait(ep, evs, 8, 50, 0));
	say_dec("epoll_pwait2 50 ms, nothing", sys_epoll_pwait2(ep, evs, 8, &t50, 0));
	long pid = later(50, p[1], 0);
	show("timeout -1, a child writes", ep, 8, -1);
	sys_wait4(pid, &st, 0, 0);
	sys_read(p[0], buf, 1);
	pid = later(50, p[1], 0);
	f.revents = -1;
	say_dec("ppoll epc forever, a child writes", sys_ppoll(&f, 1, 0, 0));
	show("epc", epc, 8, 0);
	sys_wait4(pid, &st, 0, 0);
	sys_read(p[0], buf, 1);

	/* signals: EINTR even with SA_RESTART; a mask for the call */
	set_action(SIGUSR1, (void *)on_usr1, SA_RESTART, 0);
	hits = 0;
	pid = later(50, -1, SIGUSR1);
	long r = sys_epoll_pwait(ep, evs, 8, -1, 0);
	say_dec("SA_RESTART handler: epoll_pwait", r);
	say_dec("handler ran", hits);
	sys_wait4(pid, &st, 0, 0);
	hits = 0;
	unsigned long usr1 = 1UL << (SIGUSR1 - 1);
	pid = later(50, p[1], SIGUSR1);
	r = sys_epoll_pwait(ep, evs, 8, -1, &usr1);
	say_dec("SIGUSR1 masked for the call: epoll_pwait", r);
	say_dec("handler ran after the call", hits);
	sys_wait4(pid, &st, 0, 0);
	sys_read(p[0], buf, 1);
	say_dec("mask after the call", get_mask());

	say_dec("close ep", sys_close(ep));
	show("epc after ep closed", epc, 8, 0);
	return 0;
}

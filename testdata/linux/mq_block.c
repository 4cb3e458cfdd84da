/*
 * mq_block: full and empty POSIX queues, O_NONBLOCK, absolute timeouts, and
 * blocked senders and receivers woken by another process.
 *
 * mq_send(3): "If the message queue is already full (i.e., the number of
 *   messages on the queue equals the queue's mq_maxmsg attribute), then, by
 *   default, mq_send() blocks until sufficient space becomes available ...
 *   If the O_NONBLOCK flag is enabled for the message queue description, then
 *   the call instead fails immediately with the error EAGAIN."
 *   mq_timedsend: "abs_timeout points to a structure which specifies how long
 *   the call will block. This value is an absolute timeout in seconds and
 *   nanoseconds since the Epoch ... If the message queue is full, and the
 *   timeout has already expired by the time of the call, mq_timedsend()
 *   returns immediately." ETIMEDOUT "The call timed out before a message could
 *   be transferred." EINVAL "The call would have blocked, and abs_timeout was
 *   invalid, either because tv_sec was less than zero, or because tv_nsec was
 *   less than zero or greater than 1000 million."
 * mq_receive(3): "If the queue is empty, then, by default, mq_receive()
 *   blocks until a message becomes available ... If O_NONBLOCK is enabled
 *   ... the call instead fails immediately with the error EAGAIN." Same
 *   ETIMEDOUT and EINVAL rules for mq_timedreceive.
 * signal(7): mq_receive/mq_send are restarted after a handler with
 *   SA_RESTART, and fail with EINTR after one without.
 * The clock is CLOCK_REALTIME.
 *
 * Linux departs from the man page (and semantics.md 7) on the bad timespec:
 * ipc/mqueue.c checks abs_timeout (prepare_timeout, timespec64_valid) on entry,
 * before looking at the queue, so tv_nsec 2e9 gives EINVAL even when the call
 * would not block (room to send, a message to receive) and even with
 * O_NONBLOCK. Recorded as the kernel does it (same answers natively on x86-64).
 */
#include "rt/rt.h"

static const char NAME[] = "/ipcsim-mq-block";
static char buf[64];
static volatile int got_sig;

static void on_usr1(int sig) { got_sig = sig; }

static long curmsgs(int fd)
{
	struct mq_attr a;
	memset(&a, 0, sizeof a);
	sys_mq_getsetattr(fd, 0, &a);
	return a.mq_curmsgs;
}

static long ms_since(const struct timespec *t0)
{
	struct timespec t;
	sys_clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

static void reap(long c)
{
	int st = 0;
	sys_wait4(c, &st, 0, 0);
	say_status("child", st);
}

int main(void)
{
	sys_mq_unlink(mq_name(NAME));
	struct mq_attr a;
	memset(&a, 0, sizeof a);
	a.mq_maxmsg = 2;
	a.mq_msgsize = 8;
	long nb = sys_mq_open(mq_name(NAME), O_RDWR | O_CREAT | O_EXCL | O_NONBLOCK, 0600, &a);
	say_yes("mq_open O_NONBLOCK maxmsg 2 msgsize 8", nb >= 0);
	long fd = sys_mq_open(mq_name(NAME), O_RDWR, 0, 0);
	say_yes("mq_open again, blocking", fd >= 0);

	struct timespec past = { 0, 0 }, bad = { 0, 2000000000 }, neg = { -1, 0 };
	struct timespec now;

	/* empty */
	say_dec("O_NONBLOCK receive, empty", sys_mq_timedreceive(nb, buf, 8, 0, 0));
	say_dec("blocking receive, empty, timeout in the past", sys_mq_timedreceive(fd, buf, 8, 0, &past));
	say_dec("blocking receive, empty, tv_nsec 2e9", sys_mq_timedreceive(fd, buf, 8, 0, &bad));
	say_dec("blocking receive, empty, tv_sec -1", sys_mq_timedreceive(fd, buf, 8, 0, &neg));
	say_dec("O_NONBLOCK receive, empty, tv_nsec 2e9", sys_mq_timedreceive(nb, buf, 8, 0, &bad));
	struct timespec t0;
	sys_clock_gettime(CLOCK_MONOTONIC, &t0);
	sys_clock_gettime(CLOCK_REALTIME, &now);
	struct timespec soon = now;
	soon.tv_nsec += 100000000;
	if (soon.tv_nsec >= 1000000000) {
		soon.tv_sec++;
		soon.tv_nsec -= 1000000000;
	}
	say_dec("blocking receive, empty, timeout now + 100 ms", sys_mq_timedreceive(fd, buf, 8, 0, &soon));
	say_yes("waited >= 100 ms", ms_since(&t0) >= 100);

	/* non-empty: a bad timespec is not looked at */
	say_dec("send, tv_nsec 2e9, room", sys_mq_timedsend(fd, "x", 1, 0, &bad));
	say_dec("receive, tv_nsec 2e9, a message", sys_mq_timedreceive(fd, buf, 8, 0, &bad));
	say_dec("send, timeout in the past, room", sys_mq_timedsend(fd, "x", 1, 0, &past));
	say_dec("receive, timeout in the past, a message", sys_mq_timedreceive(fd, buf, 8, 0, &past));

	/* full */
	sys_mq_timedsend(fd, "1", 1, 0, 0);
	sys_mq_timedsend(fd, "2", 1, 0, 0);
	say_dec("curmsgs (full)", curmsgs(fd));
	say_dec("O_NONBLOCK send, full", sys_mq_timedsend(nb, "3", 1, 0, 0));
	say_dec("blocking send, full, timeout in the past", sys_mq_timedsend(fd, "3", 1, 0, &past));
	say_dec("blocking send, full, tv_nsec 2e9", sys_mq_timedsend(fd, "3", 1, 0, &bad));
	say_dec("O_NONBLOCK send, full, tv_nsec 2e9", sys_mq_timedsend(nb, "3", 1, 0, &bad));
	say_dec("curmsgs", curmsgs(fd));

	/* a blocked sender, woken by a receiving child */
	long c = sys_fork();
	if (c == 0) {
		sleep_ms(200);
		long r = sys_mq_timedreceive(fd, buf, 8, 0, 0);
		say_dec("child: receive", r);
		sys_exit_group(0);
	}
	long r = sys_mq_timedsend(fd, "3", 1, 0, 0);
	reap(c);
	say_dec("parent: blocking send, full, until the child received", r);
	print("left:");
	while (curmsgs(fd) > 0) {
		r = sys_mq_timedreceive(fd, buf, 8, 0, 0);
		print(" ");
		sys_write(1, buf, r);
	}
	print("\n");

	/* a blocked receiver, woken by a sending child */
	c = sys_fork();
	if (c == 0) {
		sleep_ms(200);
		say_dec("child: send \"hi\"", sys_mq_timedsend(fd, "hi", 2, 7, 0));
		sys_exit_group(0);
	}
	unsigned prio = 0;
	r = sys_mq_timedreceive(fd, buf, 8, &prio, 0);
	reap(c);
	say_dec("parent: blocking receive, empty, until the child sent", r);
	say_dec("prio", prio);

	/* signals: SA_RESTART restarts a blocked receive, no SA_RESTART: EINTR */
	c = sys_fork();
	if (c == 0) {
		ipc_sigaction(SIGUSR1, (void *)on_usr1, SA_RESTART);
		long cr = sys_mq_timedreceive(fd, buf, 8, 0, 0);
		say_dec("child: handler ran for signal", got_sig);
		say_dec("child: receive with a SA_RESTART handler", cr);
		sys_exit_group(0);
	}
	sleep_ms(200);
	sys_kill(c, SIGUSR1);
	sleep_ms(200);
	sys_mq_timedsend(fd, "r", 1, 0, 0);
	reap(c);
	c = sys_fork();
	if (c == 0) {
		ipc_sigaction(SIGUSR1, (void *)on_usr1, 0);
		long cr = sys_mq_timedreceive(fd, buf, 8, 0, 0);
		say_dec("child: handler ran for signal", got_sig);
		say_dec("child: receive with a handler without SA_RESTART", cr);
		sys_exit_group(0);
	}
	sleep_ms(200);
	sys_kill(c, SIGUSR1);
	reap(c);
	say_dec("curmsgs", curmsgs(fd));

	sys_close(nb);
	sys_close(fd);
	say_dec("mq_unlink", sys_mq_unlink(mq_name(NAME)));
	return 0;
}

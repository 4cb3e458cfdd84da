/*
 * sig_eintr: blocking calls interrupted by a signal handler.
 *
 * signal(7) "Interruption of system calls and library functions by signal
 *   handlers": "If a blocked call to one of the following interfaces is
 *   interrupted by a signal handler, then the call is automatically restarted
 *   after the signal handler returns if the SA_RESTART flag was used;
 *   otherwise the call fails with the error EINTR: read(2), readv(2),
 *   write(2), writev(2), and ioctl(2) calls on "slow" devices ... (a pipe);
 *   wait(2), wait3(2), wait4(2), waitid(2), and waitpid(2)."
 *   "If an I/O call on a slow device has already transferred some data by the
 *   time it is interrupted by a signal handler, then the call will return a
 *   success status (normally, the number of bytes transferred)."
 *   "The following interfaces are never restarted after being interrupted by a
 *   signal handler, regardless of the use of SA_RESTART; they always fail with
 *   the error EINTR when interrupted by a signal handler: ... poll(2),
 *   ppoll(2), select(2), and pselect(2); ... nanosleep(2); ...
 *   sigsuspend(2)".
 * nanosleep(2): "If the call is interrupted by a signal handler, nanosleep()
 *   returns -1, sets errno to EINTR, and writes the remaining time into the
 *   structure pointed to by rem".
 * sigsuspend(2): "temporarily replaces the signal mask ... and then suspends
 *   the thread until delivery of a signal whose action is to invoke a signal
 *   handler ... returns after the signal handler returns, and the signal mask
 *   is restored to the state before the call to sigsuspend()"; always -1 EINTR.
 * signal(7): a signal whose action is to ignore it (default SIGCHLD) does not
 *   interrupt anything: the read goes on.
 *
 * Timing: a child sends SIGUSR1 after 100 ms of sleep (the parent is long
 * blocked by then) and acts 100 ms later again when it matters.
 */
#include "rt/rt.h"

static volatile int hits;
static void on_usr1(int sig) { (void)sig; hits++; }

/* a child that signals the parent after 100 ms, then after 100 ms more writes
 * msg (if any) to fd and exits with code */
static long signaller(int fd, const char *msg, int code)
{
	long pid = sys_fork();
	if (pid == 0) {
		sleep_ms(100);
		sys_kill(sys_getppid(), SIGUSR1);
		sleep_ms(100);
		if (msg)
			sys_write(fd, msg, strlen(msg));
		sys_exit_group(code);
	}
	return pid;
}

static void read_case(const char *label, unsigned long flags)
{
	int p[2], st;
	char buf[16];
	set_action(SIGUSR1, (void *)on_usr1, flags, 0);
	hits = 0;
	sys_pipe2(p, 0);
	long pid = signaller(p[1], "late", 0);
	long r = sys_read(p[0], buf, sizeof buf);
	print(label);
	print(": read returned ");
	print_dec(r);
	print(", handler runs ");
	print_dec(hits);
	print("\n");
	if (r < 0) {
		r = sys_read(p[0], buf, sizeof buf);
		print(label);
		print(": read again returned ");
		print_dec(r);
		print("\n");
	}
	sys_wait4(pid, &st, 0, 0);
	sys_close(p[0]);
	sys_close(p[1]);
}

static void wait_case(const char *label, unsigned long flags)
{
	int st = 0;
	set_action(SIGUSR1, (void *)on_usr1, flags, 0);
	hits = 0;
	long pid = signaller(-1, 0, 7);
	long r = sys_wait4(pid, &st, 0, 0);
	print(label);
	print(": wait4 returned ");
	if (r == pid)
		print("the child");
	else
		print_dec(r);
	print(", handler runs ");
	print_dec(hits);
	print("\n");
	if (r < 0) {
		r = sys_wait4(pid, &st, 0, 0);
		say_yes("wait4 again returned the child", r == pid);
	}
	say_status("the child", st);
}

int main(void)
{
	int p[2], st;

	/* pipe read */
	read_case("read, no SA_RESTART", 0);
	read_case("read, SA_RESTART", SA_RESTART);

	/* a write that moved some bytes before the signal returns the count */
	set_action(SIGUSR1, (void *)on_usr1, 0, 0);
	hits = 0;
	sys_pipe2(p, 0);
	long pid = sys_fork();
	if (pid == 0) {
		static char sink[4096];
		long total = 0, r;
		sys_close(p[1]);
		sleep_ms(100);
		sys_kill(sys_getppid(), SIGUSR1);
		sleep_ms(100); /* the writer returns before anything is read */
		while ((r = sys_read(p[0], sink, sizeof sink)) > 0)
			total += r;
		sys_exit_group(total == 65536 ? 0 : 1);
	}
	sys_close(p[0]);
	{
		static char big[100000];
		long r = sys_write(p[1], big, sizeof big);
		say_dec("write of 100000 bytes into a 65536-byte pipe, interrupted, no SA_RESTART", r);
		say_dec("handler runs", hits);
	}
	sys_close(p[1]);
	sys_wait4(pid, &st, 0, 0);
	say_status("the reader, which got exactly 65536 bytes", st);

	/* wait4 */
	wait_case("wait4, no SA_RESTART", 0);
	wait_case("wait4, SA_RESTART", SA_RESTART);

	/* nanosleep: EINTR with the time left, even with SA_RESTART */
	set_action(SIGUSR1, (void *)on_usr1, SA_RESTART, 0);
	hits = 0;
	pid = signaller(-1, 0, 0);
	{
		struct timespec req = { 5, 0 }, rem = { -1, -1 };
		long r = sys_nanosleep(&req, &rem);
		say_dec("nanosleep 5 s, SA_RESTART", r);
		say_dec("handler runs", hits);
		say_yes("rem is between 4 s and 5 s", rem.tv_sec == 4 && rem.tv_nsec >= 0 && rem.tv_nsec < 1000000000);
	}
	sys_wait4(pid, &st, 0, 0);

	/* ppoll: EINTR even with SA_RESTART */
	hits = 0;
	sys_pipe2(p, 0);
	pid = signaller(p[1], "late", 0);
	{
		struct pollfd pf = { p[0], POLLIN, 0 };
		long r = sys_ppoll(&pf, 1, 0, 0);
		say_dec("ppoll on an empty pipe, SA_RESTART", r);
		say_dec("handler runs", hits);
	}
	sys_wait4(pid, &st, 0, 0);
	sys_close(p[0]);
	sys_close(p[1]);

	/* rt_sigsuspend: EINTR after the handler; the mask is restored */
	hits = 0;
	block_sigs(SIGBIT(SIGUSR1));
	pid = signaller(-1, 0, 0);
	{
		unsigned long none = 0;
		say_dec("rt_sigsuspend with an empty mask, SIGUSR1 blocked outside", sys_rt_sigsuspend(&none));
		say_dec("handler runs", hits);
		say_hex("mask after rt_sigsuspend", get_mask());
	}
	sys_wait4(pid, &st, 0, 0);
	set_mask(0);

	/* a signal with no handler (SIGCHLD, default Ign) interrupts nothing */
	sys_pipe2(p, 0);
	long quick = sys_fork();
	if (quick == 0) {
		sleep_ms(50);
		sys_exit_group(0);
	}
	pid = sys_fork();
	if (pid == 0) {
		sleep_ms(200);
		sys_write(p[1], "data", 4);
		sys_exit_group(0);
	}
	{
		char buf[8];
		long r = sys_read(p[0], buf, sizeof buf);
		say_dec("read while a child exits (SIGCHLD default): returned", r);
	}
	sys_wait4(quick, &st, 0, 0);
	sys_wait4(pid, &st, 0, 0);
	return 0;
}

/*
 * pipe_eof_epipe: end of file and broken pipes.
 *
 * pipe(7): "If all file descriptors referring to the write end of a pipe have
 *   been closed, then an attempt to read(2) from the pipe will see end-of-file
 *   (read(2) will return 0)."
 * pipe(7): "If all file descriptors referring to the read end of a pipe have
 *   been closed, then a write(2) will cause a SIGPIPE signal to be generated
 *   for the calling process. If the calling process is ignoring this signal,
 *   then write(2) fails with the error EPIPE."
 * pipe(7): "An application that uses pipe(2) and fork(2) should use suitable
 *   close(2) calls to close unnecessary duplicate file descriptors; this
 *   ensures that end-of-file and SIGPIPE/EPIPE are delivered when
 *   appropriate." (the ends count open file descriptions: fork and dup share
 *   them)
 * write(2) EPIPE: "the writing process will also receive a SIGPIPE signal.
 *   (Thus, the write return value is seen only if the program catches,
 *   blocks or ignores this signal.)"
 * signal(7): SIGPIPE's default action is Term: the wait status is 0xd.
 */
#include "rt/rt.h"

static volatile int got_sigpipe;
static void on_sigpipe(int sig) { got_sigpipe = sig; }

int main(void)
{
	int p[2], s[2], st;
	char c;

	/* no writer, empty: EOF */
	sys_pipe2(p, 0);
	sys_close(p[1]);
	say_dec("read with no writer", sys_read(p[0], &c, 1));
	sys_close(p[0]);

	/* a dup of the write end keeps the pipe open */
	sys_pipe2(p, O_NONBLOCK);
	int d = sys_dup(p[1]);
	sys_close(p[1]);
	say_dec("read, a dup of the write end still open", sys_read(p[0], &c, 1));
	sys_close(d);
	say_dec("read, every write end closed", sys_read(p[0], &c, 1));
	sys_close(p[0]);

	/* a forked child's copy keeps the pipe open until the child exits */
	sys_pipe2(p, 0);
	sys_pipe2(s, 0);
	long pid = sys_fork();
	if (pid == 0) {
		sys_close(p[0]);
		sys_close(s[1]);
		sys_read(s[0], &c, 1); /* until the parent closes s[1] */
		sys_exit_group(0);
	}
	sys_close(p[1]);
	sys_close(s[0]);
	sys_fcntl(p[0], F_SETFL, O_NONBLOCK);
	say_dec("read, the child holds the write end", sys_read(p[0], &c, 1));
	sys_close(s[1]);
	sys_wait4(pid, &st, 0, 0);
	say_dec("read, after the child exited", sys_read(p[0], &c, 1));
	sys_close(p[0]);

	/* no reader, default SIGPIPE: the writer dies */
	pid = sys_fork();
	if (pid == 0) {
		sys_pipe2(p, 0);
		sys_close(p[0]);
		sys_write(p[1], "x", 1);
		sys_exit_group(99); /* not reached */
	}
	sys_wait4(pid, &st, 0, 0);
	say_status("writer with no reader", st);

	/* SIGPIPE ignored: EPIPE */
	say_dec("rt_sigaction SIGPIPE SIG_IGN", set_handler(SIGPIPE, SIG_IGN));
	sys_pipe2(p, 0);
	sys_close(p[0]);
	say_dec("write with no reader, SIGPIPE ignored", sys_write(p[1], "x", 1));
	say_dec("again", sys_write(p[1], "xyz", 3));
	say_dec("zero-length write with no reader", sys_write(p[1], "x", 0));

	/* SIGPIPE blocked: EPIPE and SIGPIPE left pending */
	set_handler(SIGPIPE, SIG_DFL);
	unsigned long set = 1UL << (SIGPIPE - 1), pend = 0;
	sys_rt_sigprocmask(SIG_BLOCK, &set, 0);
	say_dec("write with no reader, SIGPIPE blocked", sys_write(p[1], "x", 1));
	sys_rt_sigpending(&pend);
	say_yes("SIGPIPE pending", (pend & set) != 0);

	/* SIGPIPE caught: the handler runs, then write returns EPIPE */
	set_handler(SIGPIPE, (void *)on_sigpipe);
	sys_rt_sigprocmask(SIG_UNBLOCK, &set, 0); /* the pending one is delivered */
	say_dec("handler ran for the pending SIGPIPE", got_sigpipe);
	got_sigpipe = 0;
	say_dec("write with no reader, SIGPIPE caught", sys_write(p[1], "x", 1));
	say_dec("handler got signal", got_sigpipe);
	sys_close(p[1]);
	return 0;
}

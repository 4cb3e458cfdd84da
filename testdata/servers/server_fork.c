/*
 * server_fork: a process per connection. The parent only accepts: for each
 * connection it forks a child that serves that client and exits, and goes
 * straight back to accept. A slow client now holds up only its own child.
 *
 * An exited child stays a zombie until its parent waits for it. The parent
 * reaps them as they come: SIGCHLD's handler calls wait4(-1, WNOHANG) until
 * no zombie is left (one SIGCHLD may stand for several children). The
 * handler is installed with SA_RESTART, so an accept it interrupts starts
 * again. After the third connection the parent waits for the last children
 * with rt_sigsuspend, SIGCHLD blocked outside it so that none is missed.
 */
#include "srv.h"

static volatile int reaped;

static void on_sigchld(int sig)
{
	(void)sig;
	int st;
	long pid;
	while ((pid = sys_wait4(-1, &st, WNOHANG, 0)) > 0) {
		struct line l = { .n = 0 };
		reaped++;
		l_str(&l, "server: reaped child pid ");
		l_dec(&l, pid);
		l_str(&l, ", exit status ");
		l_dec(&l, W_EXITSTATUS(st));
		l_end(&l);
	}
}

int main(void)
{
	struct line l = { .n = 0 };
	set_action(SIGCHLD, on_sigchld, SA_RESTART, 0);
	int lfd = listen_on(0);
	for (int i = 0; i < CLIENTS; i++) {
		long c = sys_accept(lfd, 0, 0);
		if (c < 0)
			die("accept", c);
		long pid = sys_fork();
		if (pid == 0) {
			sys_close(lfd);
			serve(c, "server child");
			sys_close(c);
			l_str(&l, "server child: done");
			say_cpu(&l);
			sys_exit_group(0);
		}
		sys_close(c);
		l_str(&l, "server: forked pid ");
		l_dec(&l, pid);
		l_str(&l, " for connection ");
		l_dec(&l, i + 1);
		l_end(&l);
	}
	sys_close(lfd);
	sys_unlinkat(AT_FDCWD, SRV_PATH, 0);
	block_sigs(SIGBIT(SIGCHLD));
	while (reaped < CLIENTS)
		suspend_with(0);
	l_str(&l, "server: 3 clients served by 3 children, all reaped");
	say_cpu(&l);
	return 0;
}

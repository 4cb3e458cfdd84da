/*
 * sig_chld: SIGCHLD, its handler, SIG_IGN and SA_NOCLDWAIT.
 *
 * signal(7): SIGCHLD "Child stopped or terminated", default action Ign.
 * sigaction(2) SA_SIGINFO, SIGCHLD: si_code CLD_EXITED (1) "child has
 *   exited", CLD_KILLED (2) "child was killed"; si_pid the child; si_status
 *   "either the exit status of the child or the signal that caused the child to
 *   terminate".
 * wait(2) NOTES: "POSIX.1-2001 specifies that if the disposition of SIGCHLD is
 *   set to SIG_IGN or the SA_NOCLDWAIT flag is set for SIGCHLD, then children
 *   that terminate do not become zombies and a call to wait() or waitpid() will
 *   block until all children have terminated, and then fail with errno set to
 *   ECHILD."
 * sigaction(2) SA_NOCLDWAIT: "If signum is SIGCHLD, do not transform children
 *   into zombies when they terminate. ... If the SA_NOCLDWAIT flag is set when
 *   establishing a handler for SIGCHLD, POSIX.1 leaves it unspecified whether a
 *   SIGCHLD signal is generated when a child process terminates. On Linux, a
 *   SIGCHLD signal is generated in this case".
 * The default disposition (SIG_DFL) does not reap: the child stays a zombie
 *   until waited for (kill(pid, 0) still finds it).
 *
 * qemu-user 7.2 ignores SA_NOCLDWAIT (its children become zombies): the two
 * lines where wait4 finds them are the kernel's ECHILD (kernel-fixups.txt).
 */
#include "rt/rt.h"

static volatile int n, code, status, reaped, reaped_status;
static volatile long from, reaped_pid;
static void on_chld(int sig, struct k_siginfo *si, void *uc)
{
	int st = 0;
	(void)sig; (void)uc;
	n++;
	code = si->si_code;
	status = si->si_status;
	from = si->si_pid;
	reaped_pid = sys_wait4(-1, &st, WNOHANG, 0);
	reaped_status = st;
}

static void say_chld(const char *label, long pid)
{
	print(label);
	print(": SIGCHLD x");
	print_dec(n);
	print(", si_code ");
	print_dec(code);
	print(", si_status ");
	print_dec(status);
	print(from == pid ? ", si_pid the child" : ", si_pid other");
	print(reaped_pid == pid ? ", the handler's wait4 reaped it, status " : ", the handler's wait4: ");
	if (reaped_pid == pid)
		print_hex(reaped_status);
	else
		print_dec(reaped_pid);
	print("\n");
	n = 0;
}

static void say_wait(const char *label, long r, long pid, int st)
{
	print(label);
	if (r == pid) {
		print(": wait4 returned the child, status ");
		print_hex(st);
		print("\n");
	} else {
		print(": wait4 returned ");
		print_dec(r);
		print("\n");
	}
}

int main(void)
{
	int p[2], st;
	long pid, pid2;
	unsigned long none = 0;

	/* a handler that reaps */
	set_action(SIGCHLD, (void *)on_chld, SA_SIGINFO | SA_RESTART, 0);
	block_sigs(SIGBIT(SIGCHLD));
	pid = sys_fork();
	if (pid == 0)
		sys_exit_group(3);
	sys_rt_sigsuspend(&none);
	say_chld("child exits 3", pid);

	sys_pipe2(p, 0);
	pid = sys_fork();
	if (pid == 0) {
		char c;
		sys_close(p[1]);
		sys_read(p[0], &c, 1);
		sys_exit_group(0);
	}
	sys_close(p[0]);
	sys_kill(pid, SIGTERM);
	sys_rt_sigsuspend(&none);
	say_chld("child killed by SIGTERM", pid);
	sys_close(p[1]);
	say_dec("wait4 after the handler reaped everything", sys_wait4(-1, &st, 0, 0));
	set_mask(0);

	/* SIG_DFL: a zombie until waited for, and no handler */
	set_handler(SIGCHLD, SIG_DFL);
	pid = sys_fork();
	if (pid == 0)
		sys_exit_group(4);
	sleep_ms(100);
	say_dec("SIG_DFL: kill(child, 0) 100 ms after it exited", sys_kill(pid, 0));
	st = 0;
	say_wait("SIG_DFL", sys_wait4(pid, &st, 0, 0), pid, st);

	/* SIG_IGN: no zombies; wait4 blocks until both children are gone, then ECHILD */
	set_handler(SIGCHLD, SIG_IGN);
	pid = sys_fork();
	if (pid == 0) {
		sleep_ms(100);
		sys_exit_group(1);
	}
	pid2 = sys_fork();
	if (pid2 == 0) {
		sleep_ms(200);
		sys_exit_group(2);
	}
	say_dec("SIG_IGN: wait4(-1) with two children running", sys_wait4(-1, &st, 0, 0));
	say_dec("SIG_IGN: kill(first child, 0) afterwards", sys_kill(pid, 0));
	say_dec("SIG_IGN: kill(second child, 0) afterwards", sys_kill(pid2, 0));
	pid = sys_fork();
	if (pid == 0)
		sys_exit_group(1);
	sleep_ms(100);
	say_dec("SIG_IGN: kill(child, 0) 100 ms after it exited", sys_kill(pid, 0));
	say_dec("SIG_IGN: wait4(child, WNOHANG)", sys_wait4(pid, &st, WNOHANG, 0));

	/* SA_NOCLDWAIT with a handler: no zombie, yet SIGCHLD is sent */
	n = 0;
	set_action(SIGCHLD, (void *)on_chld, SA_SIGINFO | SA_NOCLDWAIT, 0);
	block_sigs(SIGBIT(SIGCHLD));
	pid = sys_fork();
	if (pid == 0) {
		sleep_ms(100);
		sys_exit_group(6);
	}
	st = 0;
	say_wait("SA_NOCLDWAIT: wait4(-1) with the child running", sys_wait4(-1, &st, 0, 0), pid, st);
	unblock_sigs(SIGBIT(SIGCHLD));
	print("SA_NOCLDWAIT: ");
	print_dec(n);
	print(" SIGCHLD, si_code ");
	print_dec(code);
	print(", si_status ");
	print_dec(status);
	print(from == pid ? ", si_pid the child\n" : ", si_pid other\n");
	n = 0;
	/* SA_NOCLDWAIT with SIG_DFL: no zombie, and (default Ign) nothing delivered */
	set_action(SIGCHLD, SIG_DFL, SA_NOCLDWAIT, 0);
	pid = sys_fork();
	if (pid == 0)
		sys_exit_group(6);
	sleep_ms(100);
	st = 0;
	say_wait("SA_NOCLDWAIT with SIG_DFL, 100 ms after the exit", sys_wait4(pid, &st, WNOHANG, 0), pid, st);
	return 0;
}

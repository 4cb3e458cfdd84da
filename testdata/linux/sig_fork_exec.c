/*
 * sig_fork_exec: signal state across fork(2) and execve(2).
 *
 * fork(2): "The child inherits copies of the parent's set of open file
 *   descriptors ..."; "The child's set of pending signals is initially empty
 *   (sigpending(2))"; signal(7): "A child created via fork(2) inherits a copy
 *   of its parent's signal dispositions." and "A child created via fork(2)
 *   inherits a copy of its parent's signal mask".
 * signal(7): "During an execve(2), the dispositions of handled signals are
 *   reset to the default; the dispositions of ignored signals are left
 *   unchanged." "the signal mask is preserved across execve(2)." "A child
 *   created via fork(2) initially has an empty pending signal set; the
 *   pending signal set is preserved across an execve(2)."
 *
 * The parent catches SIGUSR1, ignores SIGUSR2, blocks SIGINT and SIGTERM and
 * has SIGINT pending. A child checks what it inherited; another child makes
 * SIGTERM pending and execs bin/sig_exec_helper, which prints what it got and
 * then unblocks everything: the pending SIGTERM kills it (status 0xf).
 */
#include "rt/rt.h"

static volatile int hits;
static void on_usr1(int sig) { (void)sig; hits++; }

static int is(int sig, void *h)
{
	struct k_sigaction old;
	memset(&old, 0, sizeof old);
	sys_rt_sigaction(sig, 0, &old);
	return old.handler == h;
}

int main(void)
{
	int st;
	long me = sys_getpid();

	set_handler(SIGUSR1, (void *)on_usr1);
	set_handler(SIGUSR2, SIG_IGN);
	block_sigs(SIGBIT(SIGINT) | SIGBIT(SIGTERM));
	sys_kill(me, SIGINT);
	say_hex("parent: mask", get_mask());
	say_hex("parent: pending", get_pending());

	long pid = sys_fork();
	if (pid == 0) {
		say_yes("fork child: SIGUSR1 has the parent's handler", is(SIGUSR1, (void *)on_usr1));
		say_yes("fork child: SIGUSR2 ignored", is(SIGUSR2, SIG_IGN));
		say_hex("fork child: mask", get_mask());
		say_hex("fork child: pending", get_pending());
		sys_kill(sys_getpid(), SIGUSR1);
		say_dec("fork child: the inherited handler runs", hits);
		set_mask(0);
		print("fork child: unblocked everything, still alive\n");
		sys_exit_group(0);
	}
	sys_wait4(pid, &st, 0, 0);
	say_status("fork child", st);

	pid = sys_fork();
	if (pid == 0) {
		static char *argv[] = { "bin/sig_exec_helper", 0 };
		static char *envp[] = { 0 };
		sys_kill(sys_getpid(), SIGTERM);
		sys_execve(argv[0], argv, envp);
		print("execve failed\n");
		sys_exit_group(1);
	}
	sys_wait4(pid, &st, 0, 0);
	say_status("exec'd child", st);

	say_hex("parent: pending still", get_pending());
	set_handler(SIGINT, SIG_IGN);
	say_hex("parent: pending after SIG_IGN for SIGINT", get_pending());
	return 0;
}

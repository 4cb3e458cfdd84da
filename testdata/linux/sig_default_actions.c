/*
 * sig_default_actions: what a signal does when nobody set a disposition.
 *
 * signal(7): "Term   Default action is to terminate the process.
 *   Ign    Default action is to ignore the signal.
 *   Core   Default action is to terminate the process and dump core.
 *   Stop   Default action is to stop the process.
 *   Cont   Default action is to continue the process if it is currently
 *   stopped."
 * signal(7) table: SIGHUP, SIGINT, SIGUSR1, SIGUSR2, SIGALRM, SIGTERM, SIGPIPE:
 *   Term; SIGQUIT, SIGABRT: Core; SIGCHLD, SIGURG, SIGWINCH: Ign; SIGCONT: Cont.
 * wait(2): WIFSIGNALED / WTERMSIG: a process killed by signal N has status N
 *   (| 0x80 if a core was dumped: WCOREDUMP). Each child that dies of a Core
 *   signal first makes itself not dumpable (prctl PR_SET_DUMPABLE 0) and sets
 *   RLIMIT_CORE to 0, so no core is written and the status is the bare number.
 * kill(2): "If sig is 0, then no signal is sent, but existence and permission
 *   checks are still performed".
 * A process that sends itself a terminating signal with kill(2) dies before
 * kill returns to it (the signal is delivered on the way back to user mode).
 */
#include "rt/rt.h"

static void die_by(const char *label, int sig)
{
	int st = 0;
	long pid = sys_fork();
	if (pid == 0) {
		struct rlimit64 rl = { 0, 0 };
		no_core_dumps();
		sys_prlimit64(0, RLIMIT_CORE, &rl, 0);
		sys_kill(sys_getpid(), sig);
		sys_exit_group(99); /* not reached */
	}
	sys_wait4(pid, &st, 0, 0);
	say_status(label, st);
}

static void survive(const char *label, int sig)
{
	int st = 0;
	long pid = sys_fork();
	if (pid == 0) {
		long r = sys_kill(sys_getpid(), sig);
		sys_exit_group(r == 0 ? 7 : 8);
	}
	sys_wait4(pid, &st, 0, 0);
	say_status(label, st);
}

int main(void)
{
	print("-- Term: killed, status = the signal number\n");
	die_by("SIGHUP", SIGHUP);
	die_by("SIGINT", SIGINT);
	die_by("SIGUSR1", SIGUSR1);
	die_by("SIGUSR2", SIGUSR2);
	die_by("SIGPIPE", SIGPIPE);
	die_by("SIGALRM", SIGALRM);
	die_by("SIGTERM", SIGTERM);
	die_by("SIGKILL", SIGKILL);
	die_by("real-time signal 34", SIGRTMIN_K);
	print("-- Core (no core written): killed, no core bit\n");
	die_by("SIGQUIT", SIGQUIT);
	die_by("SIGABRT", SIGABRT);
	print("-- Ign: the child survives kill and exits 7\n");
	survive("SIGCHLD", SIGCHLD);
	survive("SIGURG", SIGURG);
	survive("SIGWINCH", SIGWINCH);
	print("-- Cont on a running process: nothing happens\n");
	survive("SIGCONT", SIGCONT);
	print("-- signal 0: only checks\n");
	survive("signal 0", 0);
	return 0;
}

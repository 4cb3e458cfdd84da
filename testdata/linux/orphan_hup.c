/*
 * orphan_hup: a process group that an exit orphans, with a stopped member,
 * gets SIGHUP then SIGCONT (_exit(2)); one orphaned before does not, when
 * another of its members exits (found by sysdiff).
 *
 * Linux's kill_orphaned_pgrp decides it at each exit: the group of each
 * child the dying process leaves, if in another group of its session, and
 * its own group, if its parent is in another group of the same session;
 * either is hung up if no member has a parent in another group of the
 * session (init, or a reaper outside the session, does not count) and one
 * member is stopped.
 *
 * X, a child of main, calls setsid: its group is orphaned from the start
 * (its parent is in another session).
 *  1. X forks S1, which stops itself, and B, which exits: B's parent X is
 *     in B's group, so B's exit changes nothing; S1 stays stopped.
 *  2. X forks L, which makes a group of its own and forks S2 there; S2
 *     stops itself (with a SIGHUP handler), and L exits: L was S2's
 *     group's only link, so S2 gets SIGHUP, then SIGCONT, runs its handler
 *     and writes to X.
 */
#include "rt/rt.h"

#define SIGHUP 1
#define SIGSTOP 19
#define WSTOPPED 2
#define WCONTINUED 8

static int hup[2];
static void on_hup(int sig) { sys_write(hup[1], "H", 1); }

int main(void)
{
	int st = 0;
	long x = sys_fork();
	if (x == 0) {
		struct k_siginfo info;
		say_dec("X: setsid is its pid", sys_setsid() == sys_getpid());

		/* 1. An orphaned group: a member's exit hangs up nobody. */
		long s1 = sys_fork();
		if (s1 == 0) {
			sys_kill(sys_getpid(), SIGSTOP);
			sys_exit_group(7);
		}
		memset(&info, 0, sizeof info);
		say_dec("X: S1 stopped", sys_waitid(P_PID, s1, &info, WSTOPPED, 0));
		long b = sys_fork();
		if (b == 0)
			sys_exit_group(3);
		sys_wait4(b, &st, 0, 0);
		say_status("X: B", st);
		memset(&info, 0, sizeof info);
		say_dec("X: waitid S1 WCONTINUED|WNOHANG", sys_waitid(P_PID, s1, &info, WCONTINUED | WNOHANG, 0));
		say_dec("X: S1 was not continued (si_pid 0)", info.si_pid);
		say_dec("X: kill S1 SIGKILL", sys_kill(s1, SIGKILL));
		sys_wait4(s1, &st, 0, 0);
		say_status("X: S1", st);

		/* 2. A group its last link's exit orphans. */
		sys_pipe2(hup, 0);
		long l = sys_fork();
		if (l == 0) {
			sys_setpgid(0, 0);
			long s2 = sys_fork();
			if (s2 == 0) {
				ipc_sigaction(SIGHUP, on_hup, 0);
				sys_kill(sys_getpid(), SIGSTOP);
				sys_write(hup[1], "C", 1);
				sys_exit_group(0);
			}
			struct k_siginfo i2;
			sys_waitid(P_PID, s2, &i2, WSTOPPED | WNOWAIT, 0);
			sys_exit_group(0); /* S2's group loses its link */
		}
		sys_close(hup[1]);
		sys_wait4(l, &st, 0, 0);
		say_status("X: L", st);
		char c[4];
		long n = 0, r;
		while (n < 4 && (r = sys_read(hup[0], c + n, 4 - n)) > 0)
			n += r;
		print("X: S2 wrote (its SIGHUP handler, then after SIGCONT): ");
		print(n == 2 && c[0] == 'H' && c[1] == 'C' ? "HC" : "something else");
		print("\n");
		sys_exit_group(0);
	}
	sys_wait4(x, &st, 0, 0);
	say_status("main: X", st);
	return 0;
}

/*
 * kill_rules: who kill(2) and tgkill(2) reach, and their errors.
 *
 * kill(2): "If pid is positive, then signal sig is sent to the process with
 *   the ID specified by pid. If pid equals 0, then sig is sent to every process
 *   in the process group of the calling process. ... If pid is less than -1,
 *   then sig is sent to every process in the process group whose ID is -pid.
 *   If sig is 0, then no signal is sent, but existence and permission checks
 *   are still performed".
 * kill(2) ERRORS: "EINVAL An invalid signal was specified." "ESRCH The target
 *   process or process group does not exist. Note that an existing process
 *   might be a zombie, a process that has terminated execution, but has not
 *   yet been wait(2)ed for."
 * kill(2): pid INT_MIN is ESRCH (-INT_MIN is not a group id).
 * tgkill(2): "EINVAL An invalid thread ID, thread group ID, or signal was
 *   specified." "ESRCH No such process." (a tid outside the thread group
 *   tgid is not found).
 * waitid(2) WNOWAIT: "Leave the child in a waitable state" (used to know the
 *   child is a zombie before probing it).
 *
 * kill(-1, sig) ("every process for which the calling process has permission
 * to send signals, except for process 1 (init)") is left out: recorded on a
 * real host it would reach the host's processes.
 * The program first makes its own process group (setpgid(0, 0)) so that
 * kill(0, ...) reaches only it and its children.
 */
#include "rt/rt.h"

static volatile int hits;
static void on_usr1(int sig) { (void)sig; hits++; }

/* a child that resets SIGUSR1 and SIGTERM to SIG_DFL, optionally moves to
 * its own group, says it is ready, then waits on a pipe */
static long target(int ready, int hold, int own_group)
{
	long pid = sys_fork();
	if (pid == 0) {
		char c;
		set_handler(SIGUSR1, SIG_DFL);
		if (own_group)
			sys_setpgid(0, 0);
		sys_write(ready, "r", 1);
		sys_read(hold, &c, 1);
		sys_exit_group(0);
	}
	if (own_group)
		sys_setpgid(pid, pid); /* either one may run first */
	return pid;
}

int main(void)
{
	int r[2], h[2], st;
	long me = sys_getpid();
	char c;

	say_dec("setpgid(0, 0)", sys_setpgid(0, 0));
	set_handler(SIGUSR1, (void *)on_usr1);

	/* existence checks */
	say_dec("kill(self, 0)", sys_kill(me, 0));
	say_dec("kill(self pgid, 0) as kill(-pgid, 0)", sys_kill(-me, 0));
	say_dec("kill(0, 0)", sys_kill(0, 0));
	long pid = sys_fork();
	if (pid == 0) {
		sleep_ms(100);
		sys_exit_group(0);
	}
	say_dec("kill(running child, 0)", sys_kill(pid, 0));
	struct k_siginfo si;
	say_dec("waitid(P_PID, child, WEXITED|WNOWAIT)", sys_waitid(P_PID, pid, &si, WEXITED | WNOWAIT, 0));
	say_dec("kill(zombie child, 0)", sys_kill(pid, 0));
	say_dec("kill(zombie child, SIGKILL)", sys_kill(pid, SIGKILL));
	st = -1;
	sys_wait4(pid, &st, 0, 0);
	say_status("the zombie, reaped", st);
	say_dec("kill(reaped child, 0)", sys_kill(pid, 0));
	say_dec("kill(2147483647, 0)", sys_kill(2147483647, 0));
	say_dec("kill(INT_MIN, 0)", sys_kill(-2147483648L, 0));
	say_dec("kill(-2147483647, 0) (no such group)", sys_kill(-2147483647L, 0));
	say_dec("kill(self, 65)", sys_kill(me, 65));
	say_dec("kill(self, -1)", sys_kill(me, -1));
	say_dec("kill(2147483647, 65)", sys_kill(2147483647, 65));

	/* kill(0, sig): the caller's group, caller included; kill(-pgid, sig) */
	sys_pipe2(r, 0);
	sys_pipe2(h, 0);
	long same = target(r[1], h[0], 0);
	long other = target(r[1], h[0], 1);
	sys_read(r[0], &c, 1);
	sys_read(r[0], &c, 1);
	say_yes("child in its own group: getpgid == its pid", sys_getpgid(other) == other);
	say_yes("child in our group: getpgid == ours", sys_getpgid(same) == me);
	say_dec("kill(0, SIGUSR1)", sys_kill(0, SIGUSR1));
	say_dec("kill(0, SIGUSR1): our handler runs", hits);
	st = -1;
	sys_wait4(same, &st, 0, 0);
	say_status("kill(0, SIGUSR1): the child in our group", st);
	say_dec("kill(0, SIGUSR1): the other child, WNOHANG", sys_wait4(other, &st, WNOHANG, 0));
	say_dec("kill(-its pgid, SIGTERM)", sys_kill(-other, SIGTERM));
	st = -1;
	sys_wait4(other, &st, 0, 0);
	say_status("kill(-its pgid, SIGTERM): the child in its own group", st);
	say_dec("our handler runs, total", hits);
	sys_close(r[0]); sys_close(r[1]); sys_close(h[0]); sys_close(h[1]);

	/* tkill / tgkill */
	long tid = sys_gettid();
	hits = 0;
	say_dec("tgkill(self, self, 0)", sys_tgkill(me, tid, 0));
	say_dec("tgkill(self, self, SIGUSR1)", sys_tgkill(me, tid, SIGUSR1));
	say_dec("handler runs", hits);
	pid = sys_fork();
	if (pid == 0) {
		sleep_ms(100);
		sys_exit_group(0);
	}
	say_dec("tgkill(child's pid as tgid, our tid, 0)", sys_tgkill(pid, tid, 0));
	say_dec("tgkill(our pid, child's tid, 0)", sys_tgkill(me, pid, 0));
	say_dec("tgkill(child, child, 0)", sys_tgkill(pid, pid, 0));
	sys_wait4(pid, &st, 0, 0);
	say_dec("tgkill(0, self, 0)", sys_tgkill(0, tid, 0));
	say_dec("tgkill(self, 0, 0)", sys_tgkill(me, 0, 0));
	say_dec("tgkill(self, self, 65)", sys_tgkill(me, tid, 65));
	say_dec("tkill(self, 0)", sys_tkill(tid, 0));
	say_dec("tkill(0, 0)", sys_tkill(0, 0));
	say_dec("tkill(-1, 0)", sys_tkill(-1, 0));
	say_dec("tkill(2147483647, 0)", sys_tkill(2147483647, 0));
	return 0;
}

/*
 * wait_status: wait4(2) status words, pid selectors and option errors.
 *
 * wait(2): "WIFEXITED(wstatus) returns true if the child terminated normally";
 *   "WEXITSTATUS(wstatus) returns the exit status of the child. This consists
 *   of the least significant 8 bits of the status argument"; WIFSIGNALED /
 *   WTERMSIG; WIFSTOPPED / WSTOPSIG; WIFCONTINUED. Linux's encoding: exited
 *   (code & 0xff) << 8, killed signo, stopped signo << 8 | 0x7f, continued
 *   0xffff.
 * wait(2): "< -1 meaning wait for any child process whose process group ID is
 *   equal to the absolute value of pid. -1 meaning wait for any child process.
 *   0 meaning wait for any child process whose process group ID is equal to
 *   that of the calling process at the time of the call to waitpid(). > 0
 *   meaning wait for the child whose process ID is equal to the value of pid."
 * wait(2): "WNOHANG return immediately if no child has exited." (0 while
 *   children exist); "ECHILD ... The process specified by pid (waitpid()) or
 *   idtype and id (waitid()) does not exist or is not a child of the calling
 *   process."; "EINVAL The options argument was invalid." (wait4 accepts only
 *   WNOHANG, WUNTRACED, WCONTINUED and the __W flags: WEXITED and WNOWAIT
 *   belong to waitid); wait4(INT_MIN) is ESRCH (-INT_MIN is not a group).
 * wait(2) waitid: "WEXITED Wait for children that have terminated"; "WNOWAIT
 *   Leave the child in a waitable state"; si_pid, si_signo SIGCHLD, si_status,
 *   si_code CLD_EXITED / CLD_KILLED; "EINVAL The options argument was invalid"
 *   (none of WEXITED, WSTOPPED, WCONTINUED); with WNOHANG and no child ready,
 *   0 and si_pid 0.
 */
#include "rt/rt.h"

static long child_exit(int code)
{
	long pid = sys_fork();
	if (pid == 0)
		sys_exit_group(code);
	return pid;
}

static long child_block(int hold[2])
{
	long pid = sys_fork();
	if (pid == 0) {
		char c;
		sys_close(hold[1]);
		sys_read(hold[0], &c, 1);
		sys_exit_group(0);
	}
	return pid;
}

static void reap(const char *label, long pid)
{
	int st = -1;
	long r = sys_wait4(pid, &st, 0, 0);
	if (r < 0) {
		say_dec(label, r);
		return;
	}
	say_status(label, st);
}

int main(void)
{
	int st, hold[2];
	long me = sys_getpid(), pid, r;
	struct k_siginfo si;

	sys_setpgid(0, 0);
	print("-- status words\n");
	reap("exit 0", child_exit(0));
	reap("exit 1", child_exit(1));
	reap("exit 127", child_exit(127));
	reap("exit 255", child_exit(255));
	reap("exit 256", child_exit(256));
	sys_pipe2(hold, 0);
	pid = child_block(hold);
	sys_kill(pid, SIGINT);
	reap("SIGINT", pid);
	pid = child_block(hold);
	sys_kill(pid, SIGKILL);
	reap("SIGKILL", pid);
	pid = child_block(hold);
	sys_kill(pid, SIGSTOP);
	st = -1;
	sys_wait4(pid, &st, WUNTRACED, 0);
	say_hex("SIGSTOP, WUNTRACED", st);
	sys_kill(pid, SIGCONT);
	st = -1;
	sys_wait4(pid, &st, WCONTINUED, 0);
	say_hex("SIGCONT, WCONTINUED", st);
	sys_kill(pid, SIGKILL);
	reap("then SIGKILL", pid);

	print("-- WNOHANG and errors\n");
	pid = child_block(hold);
	st = 12345;
	say_dec("WNOHANG, child running", sys_wait4(pid, &st, WNOHANG, 0));
	say_dec("status word untouched", st);
	say_dec("wait4 options WEXITED (4)", sys_wait4(pid, &st, WEXITED, 0));
	say_dec("wait4 options 0x10", sys_wait4(pid, &st, 0x10, 0));
	say_dec("wait4 options WNOWAIT", sys_wait4(pid, &st, WNOWAIT, 0));
	say_dec("wait4(INT_MIN)", sys_wait4(-2147483648L, &st, WNOHANG, 0));
	say_dec("wait4(2147483647)", sys_wait4(2147483647, &st, WNOHANG, 0));
	say_dec("wait4(self)", sys_wait4(me, &st, WNOHANG, 0));
	say_dec("wait4 with a NULL status", sys_wait4(child_exit(9), 0, 0, 0) > 0);
	sys_kill(pid, SIGKILL);
	reap("the running child, killed", pid);
	say_dec("no children: wait4(-1)", sys_wait4(-1, &st, 0, 0));
	say_dec("no children: wait4(-1, WNOHANG)", sys_wait4(-1, &st, WNOHANG, 0));

	print("-- selecting by pid and group\n");
	long a = child_block(hold);
	sys_setpgid(a, a);
	long b = child_block(hold);
	say_dec("wait4(0, WNOHANG): b is in our group, running", sys_wait4(0, &st, WNOHANG, 0));
	say_dec("wait4(-a, WNOHANG): a's group, running", sys_wait4(-a, &st, WNOHANG, 0));
	say_dec("wait4(-2147483647): no such group", sys_wait4(-2147483647L, &st, WNOHANG, 0));
	sys_kill(a, SIGTERM);
	sys_kill(b, SIGUSR1);
	sleep_ms(100);
	r = sys_wait4(0, &st, 0, 0);
	say_yes("wait4(0) reaps b (our group), not a", r == b);
	say_hex("its status", st);
	say_dec("wait4(0) again: no child in our group", sys_wait4(0, &st, 0, 0));
	r = sys_wait4(-a, &st, 0, 0);
	say_yes("wait4(-a) reaps a", r == a);
	say_hex("its status", st);

	print("-- waitid\n");
	pid = child_exit(3);
	memset(&si, 0, sizeof si);
	say_dec("waitid(P_PID, WEXITED|WNOWAIT)", sys_waitid(P_PID, pid, &si, WEXITED | WNOWAIT, 0));
	say_dec("si_signo", si.si_signo);
	say_dec("si_code", si.si_code);
	say_dec("si_status", si.si_status);
	say_yes("si_pid is the child", si.si_pid == pid);
	memset(&si, 0, sizeof si);
	say_dec("waitid(P_ALL, WEXITED) after WNOWAIT", sys_waitid(P_ALL, 0, &si, WEXITED, 0));
	say_yes("si_pid is the child again", si.si_pid == pid);
	say_dec("wait4(child): already reaped", sys_wait4(pid, &st, WNOHANG, 0));
	pid = child_block(hold);
	sys_kill(pid, SIGTERM);
	memset(&si, 0, sizeof si);
	say_dec("waitid(P_PGID, our group, WEXITED), killed child", sys_waitid(P_PGID, me, &si, WEXITED, 0));
	say_dec("si_code", si.si_code);
	say_dec("si_status", si.si_status);
	pid = child_block(hold);
	si.si_pid = 77;
	say_dec("waitid(P_PID, running child, WEXITED|WNOHANG)", sys_waitid(P_PID, pid, &si, WEXITED | WNOHANG, 0));
	say_dec("si_pid", si.si_pid);
	say_dec("waitid options 0", sys_waitid(P_PID, pid, &si, 0, 0));
	say_dec("waitid idtype 7", sys_waitid(7, pid, &si, WEXITED, 0));
	sys_close(hold[1]);
	reap("the child, after the pipe closed", pid);
	sys_close(hold[0]);

	/* A zombie is no child to a wait for stops or continues only
	 * (wait_task_zombie leaves notask_error): ECHILD, even blocking. */
	pid = child_exit(4);
	memset(&si, 0, sizeof si);
	sys_waitid(P_PID, pid, &si, WEXITED | WNOWAIT, 0);
	say_dec("waitid(P_PID, zombie, WSTOPPED|WCONTINUED) (ECHILD)", sys_waitid(P_PID, pid, &si, 2 | WCONTINUED, 0));
	say_dec("waitid(P_ALL, WSTOPPED|WNOHANG), only a zombie (ECHILD)", sys_waitid(P_ALL, 0, &si, 2 | WNOHANG, 0));
	say_dec("wait4(zombie, WNOHANG|WUNTRACED) reaps it", sys_wait4(pid, &st, WNOHANG | WUNTRACED, 0) == pid);
	return 0;
}

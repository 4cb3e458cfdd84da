/*
 * fork_wait: fork and wait4.
 *
 * fork(2): the child's fork() returns 0, the parent's returns the child's pid.
 * wait4(2)/waitpid(2): wait4(pid, &status, 0, 0) returns the pid of the child
 *   reaped; status encodes the exit code in bits 8..15 (WEXITSTATUS), low 7 bits 0
 *   (WIFEXITED). pid -1 waits for any child. With no child left: ECHILD.
 *   WNOHANG: return 0 at once if children exist but none has changed state.
 */
#include "rt/rt.h"

int main(void)
{
	int st = -1;

	/* One child exits 7; the parent waits for it by pid. */
	long pid = sys_fork();
	if (pid == 0)
		sys_exit_group(7);
	long r = sys_wait4(pid, &st, 0, 0);
	say_yes("wait4(pid) returned the child pid", r == pid);
	say_hex("status word", st);
	say_yes("WIFEXITED", W_EXITED(st));
	say_dec("WEXITSTATUS", W_EXITSTATUS(st));

	/* Three children with codes 1, 2, 3, reaped with wait4(-1) in whatever
	 * order; report by child index, not by reaping order. */
	long pids[3];
	int code_of[3] = { -1, -1, -1 };
	for (int i = 0; i < 3; i++) {
		pids[i] = sys_fork();
		if (pids[i] == 0)
			sys_exit_group(i + 1);
	}
	int all_found = 1;
	for (int n = 0; n < 3; n++) {
		r = sys_wait4(-1, &st, 0, 0);
		int found = 0;
		for (int i = 0; i < 3; i++)
			if (pids[i] == r) {
				code_of[i] = W_EXITSTATUS(st);
				found = 1;
			}
		all_found &= found;
	}
	say_yes("wait4(-1) returned each child pid once", all_found);
	for (int i = 0; i < 3; i++) {
		print("child ");
		print_dec(i);
		print(" exit code: ");
		print_dec(code_of[i]);
		print("\n");
	}

	/* No children left: ECHILD. */
	say_dec("wait4(-1) with no children", sys_wait4(-1, &st, 0, 0));
	say_dec("wait4(-1, WNOHANG) with no children", sys_wait4(-1, &st, WNOHANG, 0));

	/* WNOHANG while the only child is still sleeping (200 ms): returns 0. */
	pid = sys_fork();
	if (pid == 0) {
		sleep_ms(200);
		sys_exit_group(42);
	}
	st = 12345;
	r = sys_wait4(pid, &st, WNOHANG, 0);
	say_dec("wait4(pid, WNOHANG) on a sleeping child", r);
	say_yes("status left untouched by WNOHANG returning 0", st == 12345);
	r = sys_wait4(pid, &st, 0, 0);
	say_yes("then wait4(pid, 0) returned the child pid", r == pid);
	say_status("sleeping child", st);

	/* Waiting for a pid that is not our child: ECHILD. */
	say_dec("wait4(getpid()) (not a child)", sys_wait4(sys_getpid(), &st, 0, 0));
	return 0;
}

/*
 * exit_status: exit codes.
 *
 * _exit(2): "status & 0xFF is returned to the parent": exit(256 + 5) is seen as 5,
 * exit(-1) as 255. exit(2) (syscall 93) ends the calling thread, which in a
 * single-threaded process ends the process with the same status.
 * Returning 3 from main: our start.S passes it to exit_group(2); the shell sees 3.
 */
#include "rt/rt.h"

static void child_case(const char *label, int how, int code)
{
	int st = -1;
	long pid = sys_fork();
	if (pid == 0) {
		if (how)
			syscall1(SYS_exit, code);
		sys_exit_group(code);
	}
	long r = sys_wait4(pid, &st, 0, 0);
	if (r != pid)
		say_dec("wait4 failed", r);
	say_status(label, st);
}

int main(void)
{
	child_case("exit_group(5)", 0, 5);
	child_case("exit_group(256+5)", 0, 256 + 5);
	child_case("exit_group(-1)", 0, -1);
	child_case("exit_group(0)", 0, 0);
	child_case("exit(9) (syscall 93)", 1, 9);
	child_case("exit(0x1ff) (syscall 93)", 1, 0x1ff);
	print("main returns 3\n");
	return 3;
}

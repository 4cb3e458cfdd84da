/*
 * sig_trap: a child that executes ebreak is killed by SIGTRAP (5).
 *
 * signal(7): SIGTRAP "Trace/breakpoint trap"; Linux riscv delivers it for ebreak in user mode (TRAP_BRKPT).
 * wait(2): the parent sees WIFSIGNALED with WTERMSIG = the signal number in the
 * low 7 bits of the status word; bit 0x80 (WCOREDUMP) is set only if a core was
 * dumped, so the child first makes itself not dumpable (prctl(2) PR_SET_DUMPABLE):
 * the status is then the bare signal number on every kernel and host.
 */
#include "rt/rt.h"

int main(void)
{
	int st = -1;
	long pid = sys_fork();
	if (pid == 0) {
		no_core_dumps();
		__asm__ volatile("ebreak");
		print("child survived\n");
		sys_exit_group(0);
	}
	long r = sys_wait4(pid, &st, 0, 0);
	say_yes("wait4 returned the child pid", r == pid);
	say_status("child", st);
	say_yes("WIFSIGNALED", W_SIGNALED(st));
	say_dec("WTERMSIG", W_TERMSIG(st));
	say_yes("WCOREDUMP", W_COREDUMP(st));
	return 0;
}

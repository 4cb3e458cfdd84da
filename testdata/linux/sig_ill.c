/*
 * sig_ill: a child that executes an illegal instruction is killed by SIGILL (4).
 *
 * signal(7): SIGILL "Illegal Instruction". The RISC-V ISA manual: the all-zero 32-bit word is defined to be illegal (here fetched as a 32-bit word: there is no C extension).
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
		__asm__ volatile(".4byte 0x00000000");
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

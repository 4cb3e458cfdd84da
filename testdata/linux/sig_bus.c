/*
 * sig_bus: a child that does an atomic add on a misaligned address is killed by SIGBUS (7).
 *
 * signal(7): SIGBUS "Bus error (bad memory access)". The RISC-V A extension requires AMOs to be naturally aligned; Linux riscv delivers SIGBUS (BUS_ADRALN) for the store/AMO address-misaligned exception and does not emulate misaligned AMOs.
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
		static long words[2];
		long dummy;
		__asm__ volatile("amoadd.w %0, %2, (%1)" : "=r"(dummy) : "r"((char *)words + 1), "r"(1L) : "memory");
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

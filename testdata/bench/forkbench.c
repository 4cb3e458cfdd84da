/*
 * forkbench: N times fork(2) a child that exits at once, and wait4(2) for it.
 * Usage: forkbench N. Prints "forks: N". The benchmark of fork+exit+wait
 * (BENCHMARKS.md), run both on ipcsim and under qemu-riscv64.
 */
#include "../linux/rt/rt.h"
#include "bench.h"

int main(int argc, char **argv, char **envp)
{
	long n = argc > 1 ? atol_(argv[1]) : 1000;
	(void)envp;
	for (long i = 0; i < n; i++) {
		long pid = sys_fork();
		if (pid == 0)
			sys_exit_group(0);
		int st;
		if (pid < 0 || sys_wait4(pid, &st, 0, 0) != pid || st != 0) {
			print("fork or wait failed\n");
			return 1;
		}
	}
	say_dec("forks", n);
	return 0;
}

/*
 * forkidle: fork N children that each block reading an empty pipe, then
 * block too. Usage: forkidle N. The host memory of N idle forked processes
 * (BENCHMARKS.md): the benchmark pauses the machine once they all sleep.
 */
#include "../linux/rt/rt.h"
#include "bench.h"

int main(int argc, char **argv, char **envp)
{
	long n = argc > 1 ? atol_(argv[1]) : 100;
	int p[2];
	char b;
	(void)envp;
	if (sys_pipe2(p, 0) < 0)
		return 1;
	for (long i = 0; i < n; i++) {
		long pid = sys_fork();
		if (pid == 0) {
			sys_read(p[0], &b, 1); /* sleeps: nobody writes */
			sys_exit_group(0);
		}
		if (pid < 0)
			return 1;
	}
	sys_read(p[0], &b, 1);
	return 0;
}

/*
 * teardown: fork N children that each block reading an empty pipe, then
 * close the pipe so that they all see end-of-file and exit, and reap them
 * with wait4(-1) until none is left. Usage: teardown N. The benchmark of
 * tearing down N processes (BENCHMARKS.md): wait4 and exit must stay
 * linear in the number of children.
 */
#include "../linux/rt/rt.h"
#include "bench.h"

int main(int argc, char **argv, char **envp)
{
	long n = argc > 1 ? atol_(argv[1]) : 100;
	long reaped = 0;
	int p[2];
	char b;
	(void)envp;
	if (sys_pipe2(p, 0) < 0)
		return 1;
	for (long i = 0; i < n; i++) {
		long pid = sys_fork();
		if (pid == 0) {
			sys_close(p[1]);
			sys_read(p[0], &b, 1); /* sleeps until the parent closes p[1] */
			sys_exit_group(0);
		}
		if (pid < 0)
			return 1;
	}
	sys_close(p[1]);
	while (sys_wait4(-1, 0, 0, 0) > 0)
		reaped++;
	return reaped == n ? 0 : 2;
}

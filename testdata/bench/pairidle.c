/*
 * pairidle N S: two processes pass a token S times through two pipes
 * (each pass: a write, a read that was blocked, a context switch) while
 * N-2 more processes sleep in a read of a pipe that nobody writes until
 * the end. Usage: pairidle N S. Prints "passes: S". The companion of ring
 * (BENCHMARKS.md): there each switch goes to a process that last ran a
 * whole lap ago, so among 10,000 processes it finds that process's state
 * out of the host's caches; here the same two processes take turns, so
 * what the other N-2 cost a switch is only what the kernel's own
 * structures charge for their number (its scheduler, its wait queues, its
 * tables), not the host's caches. The cost per switch is the time of
 * pairidle N S minus that of pairidle N 0, divided by S.
 */
#include "../linux/rt/rt.h"
#include "bench.h"

int main(int argc, char **argv, char **envp)
{
	long n = argc > 1 ? atol_(argv[1]) : 2;
	long s = argc > 2 ? atol_(argv[2]) : 1000;
	int idle[2], ping[2], pong[2], st;
	long v = 0, pid, r;
	char b;
	(void)envp;
	if (n < 2 || sys_pipe2(idle, 0) < 0)
		return 1;
	for (long i = 0; i < n - 2; i++) { /* the sleepers: end of file ends them */
		pid = sys_fork();
		if (pid < 0)
			return 1;
		if (pid == 0) {
			sys_close(idle[1]);
			sys_exit_group(sys_read(idle[0], &b, 1) == 0 ? 0 : 2);
		}
	}
	sys_close(idle[0]);
	if (sys_pipe2(ping, 0) < 0 || sys_pipe2(pong, 0) < 0)
		return 1;
	pid = sys_fork();
	if (pid < 0)
		return 1;
	if (pid == 0) { /* the partner: answers each ping until end of file */
		sys_close(idle[1]);
		sys_close(ping[1]);
		sys_close(pong[0]);
		while ((r = sys_read(ping[0], &v, sizeof v)) == sizeof v) {
			v++;
			if (sys_write(pong[1], &v, sizeof v) != sizeof v)
				sys_exit_group(4);
		}
		sys_exit_group(r == 0 ? 0 : 3);
	}
	sys_close(ping[0]);
	sys_close(pong[1]);
	while (v < s) {
		if (sys_write(ping[1], &v, sizeof v) != sizeof v)
			return 4;
		if (sys_read(pong[0], &v, sizeof v) != sizeof v)
			return 3;
		v++;
	}
	sys_close(ping[1]); /* the partner reads end of file */
	sys_close(idle[1]); /* and so do the sleepers */
	while ((pid = sys_wait4(-1, &st, 0, 0)) > 0)
		if (st != 0)
			return 5;
	say_dec("passes", v);
	return 0;
}

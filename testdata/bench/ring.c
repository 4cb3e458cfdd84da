/*
 * ring N S: N processes in a ring, each reading a token from a pipe and
 * writing it to the next one's pipe; the token is passed S times in all
 * (each pass: a write, a read that was blocked, a context switch), then
 * N-1 more times to stop every process. Process i forks process i+1, so
 * each holds only its own four descriptors and waits for one child.
 * Usage: ring N S. Prints "passes: S". The context-switch benchmark
 * (BENCHMARKS.md): the cost per switch is the time of ring N S minus that
 * of ring N 0, divided by S, for N = 2, 100, 1,000 and 10,000.
 */
#include "../linux/rt/rt.h"
#include "bench.h"

int main(int argc, char **argv, char **envp)
{
	long n = argc > 1 ? atol_(argv[1]) : 2;
	long s = argc > 2 ? atol_(argv[2]) : 1000;
	long me = 0, child = 0, v;
	int first[2], q[2], in, out;
	(void)envp;
	if (n < 2 || sys_pipe2(first, 0) < 0)
		return 1;
	in = first[0];
	while (me < n - 1) { /* fork the next process of the ring */
		if (sys_pipe2(q, 0) < 0)
			return 1;
		long pid = sys_fork();
		if (pid < 0)
			return 1;
		if (pid > 0) {
			child = pid;
			sys_close(q[0]);
			break;
		}
		if (me > 0)
			sys_close(in);
		sys_close(q[1]);
		in = q[0];
		me++;
	}
	if (me == n - 1) {
		out = first[1];
	} else {
		out = q[1];
		if (me > 0)
			sys_close(first[1]);
	}
	if (me == 0) {
		v = 0;
		if (sys_write(out, &v, sizeof v) != sizeof v)
			return 1;
	}
	for (;;) {
		if (sys_read(in, &v, sizeof v) != sizeof v)
			sys_exit_group(3);
		if (v < s) {
			v++;
		} else {
			/* v - s processes have stopped; the last one to stop
			 * has nobody left to tell. */
			v++;
			if (v - s < n && sys_write(out, &v, sizeof v) != sizeof v)
				sys_exit_group(4);
			break;
		}
		if (sys_write(out, &v, sizeof v) != sizeof v)
			sys_exit_group(4);
	}
	if (child) {
		int st;
		if (sys_wait4(child, &st, 0, 0) != child || st != 0)
			sys_exit_group(5);
	}
	if (me == 0)
		say_dec("passes", s);
	return 0;
}

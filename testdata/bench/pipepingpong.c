/*
 * pipepingpong: parent and child bounce one byte N times over two pipes
 * (one each way): N round trips, each two writes, two reads and two context
 * switches. Usage: pipepingpong N. Prints "round trips: N". The IPC
 * ping-pong benchmark (BENCHMARKS.md), run both on ipcsim and under
 * qemu-riscv64.
 */
#include "../linux/rt/rt.h"
#include "bench.h"

int main(int argc, char **argv, char **envp)
{
	long n = argc > 1 ? atol_(argv[1]) : 1000;
	int ping[2], pong[2];
	char b = 'x';
	(void)envp;
	if (sys_pipe2(ping, 0) < 0 || sys_pipe2(pong, 0) < 0)
		return 1;
	long pid = sys_fork();
	if (pid == 0) {
		for (long i = 0; i < n; i++) {
			if (sys_read(ping[0], &b, 1) != 1 || sys_write(pong[1], &b, 1) != 1)
				sys_exit_group(1);
		}
		sys_exit_group(0);
	}
	for (long i = 0; i < n; i++) {
		if (sys_write(ping[1], &b, 1) != 1 || sys_read(pong[0], &b, 1) != 1)
			return 1;
	}
	int st;
	if (sys_wait4(pid, &st, 0, 0) != pid || st != 0)
		return 1;
	say_dec("round trips", n);
	return 0;
}

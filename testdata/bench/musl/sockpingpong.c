/*
 * sockpingpong N: parent and child bounce one byte N times over a Unix
 * stream socket pair (socketpair(AF_UNIX, SOCK_STREAM)). Prints
 * "round trips: N". IPC ping-pong benchmark (BENCHMARKS.md).
 */
#include "bench.h"
#include <sys/socket.h>

int main(int argc, char **argv)
{
	long n = count(argc, argv, 1000);
	int sv[2];
	char b = 'x';
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		fail("socketpair");
	pid_t pid = fork();
	if (pid < 0)
		fail("fork");
	if (pid == 0) {
		close(sv[0]);
		for (long i = 0; i < n; i++)
			if (read(sv[1], &b, 1) != 1 || write(sv[1], &b, 1) != 1)
				fail("child read/write");
		_exit(0);
	}
	close(sv[1]);
	for (long i = 0; i < n; i++)
		if (write(sv[0], &b, 1) != 1 || read(sv[0], &b, 1) != 1)
			fail("read/write");
	reap(pid);
	printf("round trips: %ld\n", n);
	return 0;
}

/*
 * tcppingpong N: parent and child bounce one byte N times over a TCP
 * connection on the loopback (127.0.0.1, a port the kernel picks,
 * TCP_NODELAY). Prints "round trips: N". IPC ping-pong benchmark
 * (BENCHMARKS.md).
 */
#include "bench.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

int main(int argc, char **argv)
{
	long n = count(argc, argv, 1000);
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof a;
	int one = 1;
	char b = 'x';
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	int l = socket(AF_INET, SOCK_STREAM, 0);
	if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof a) < 0 || listen(l, 1) < 0 ||
	    getsockname(l, (struct sockaddr *)&a, &len) < 0)
		fail("listen");
	pid_t pid = fork();
	if (pid < 0)
		fail("fork");
	if (pid == 0) {
		close(l);
		int c = socket(AF_INET, SOCK_STREAM, 0);
		if (c < 0 || connect(c, (struct sockaddr *)&a, sizeof a) < 0)
			fail("connect");
		setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
		for (long i = 0; i < n; i++)
			if (read(c, &b, 1) != 1 || write(c, &b, 1) != 1)
				fail("child read/write");
		_exit(0);
	}
	int s = accept(l, 0, 0);
	if (s < 0)
		fail("accept");
	setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	for (long i = 0; i < n; i++)
		if (write(s, &b, 1) != 1 || read(s, &b, 1) != 1)
			fail("read/write");
	reap(pid);
	printf("round trips: %ld\n", n);
	return 0;
}

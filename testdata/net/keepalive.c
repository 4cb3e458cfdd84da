/*
 * keepalive server | keepalive client SERVER: a connection on which
 * nobody speaks. Both ends set SO_KEEPALIVE with TCP_KEEPIDLE 10 s,
 * TCP_KEEPINTVL 2 s and TCP_KEEPCNT 3, and wait in read. While the link
 * is up the probes are answered and the reads go on waiting; once it is
 * cut, three probes go unanswered and the kernel gives up: the read
 * fails with ETIMEDOUT, about 10 + 3 x 2 s after the last answer.
 */
#include "net.h"

static void keepalive(int fd)
{
	int one = 1, idle = 10, intvl = 2, cnt = 3;
	if (setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one) < 0 ||
	    setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle) < 0 ||
	    setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl, sizeof intvl) < 0 ||
	    setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof cnt) < 0)
		die("setsockopt");
}

static void wait_in_read(const char *who, int fd)
{
	char c;
	long t0 = now_ns();
	int r = read(fd, &c, 1);
	printf("%s: read returned %d (%s) after %ld s\n", who, r, r < 0 ? strerror(errno) : "data", (now_ns() - t0) / 1000000000L);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 1 && !strcmp(argv[1], "server")) {
		int l = socket(AF_INET, SOCK_STREAM, 0);
		struct sockaddr_in a = addr("0.0.0.0", 7000);
		if (bind(l, (struct sockaddr *)&a, sizeof a) < 0 || listen(l, 1) < 0)
			die("bind/listen");
		int fd = accept(l, NULL, NULL);
		if (fd < 0)
			die("accept");
		keepalive(fd);
		wait_in_read("server", fd);
		return 0;
	}
	if (argc < 3) {
		printf("usage: keepalive server | keepalive client SERVER\n");
		return 2;
	}
	struct sockaddr_in a = addr(argv[2], 7000);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	keepalive(fd);
	if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0)
		die("connect");
	printf("client: connected; waiting for data that never comes\n");
	wait_in_read("client", fd);
	return 0;
}

/*
 * bulk server | bulk client SERVER BYTES: the client sends BYTES bytes
 * over one TCP connection and half-closes it; the server counts them and
 * answers the count. The client prints how long the transfer took: on a
 * lossy link, the retransmissions' cost.
 */
#include "net.h"

static char buf[16384];

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 1 && !strcmp(argv[1], "server")) {
		int l = socket(AF_INET, SOCK_STREAM, 0);
		struct sockaddr_in a = addr("0.0.0.0", 9000);
		if (bind(l, (struct sockaddr *)&a, sizeof a) < 0 || listen(l, 1) < 0)
			die("bind/listen");
		int fd = accept(l, NULL, NULL);
		if (fd < 0)
			die("accept");
		long total = 0;
		int r;
		while ((r = read(fd, buf, sizeof buf)) > 0)
			total += r;
		if (r < 0)
			die("read");
		char out[32];
		int n = snprintf(out, sizeof out, "%ld", total);
		write(fd, out, n);
		close(fd);
		printf("server: received %ld bytes\n", total);
		return 0;
	}
	if (argc < 4) {
		printf("usage: bulk server | bulk client SERVER BYTES\n");
		return 2;
	}
	long bytes = atol(argv[3]);
	struct sockaddr_in a = addr(argv[2], 9000);
	long t0 = now_ns();
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0)
		die("connect");
	for (long sent = 0; sent < bytes;) {
		long n = bytes - sent < (long)sizeof buf ? bytes - sent : (long)sizeof buf;
		memset(buf, 'a' + sent / sizeof buf % 26, n);
		long w = write(fd, buf, n);
		if (w < 0)
			die("write");
		sent += w;
	}
	shutdown(fd, SHUT_WR);
	char ans[32];
	int got = read(fd, ans, sizeof ans - 1);
	if (got < 0)
		die("read");
	ans[got] = 0;
	long us = (now_ns() - t0) / 1000;
	printf("client: sent %ld bytes, the server counted %s, in %ld us (%ld kB/s)\n", bytes, ans, us, us ? bytes * 1000 / us : 0);
	return 0;
}

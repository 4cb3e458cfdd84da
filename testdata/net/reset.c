/*
 * reset server | reset client SERVER: how a connection ends badly.
 * The client first connects to port 6001, where nobody listens: the
 * server's host answers the SYN with RST, connect fails ECONNREFUSED.
 * Then it connects to port 6000 and sends a request; the server accepts
 * and closes the connection without reading it: with unread data, close
 * sends RST instead of FIN (RFC 2525 2.17, Linux tcp_close). The
 * client's read fails with ECONNRESET once, then returns 0, and a write
 * gives EPIPE (and SIGPIPE, ignored here).
 */
#include "net.h"
#include <signal.h>

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 1 && !strcmp(argv[1], "server")) {
		int l = socket(AF_INET, SOCK_STREAM, 0);
		struct sockaddr_in a = addr("0.0.0.0", 6000);
		if (bind(l, (struct sockaddr *)&a, sizeof a) < 0 || listen(l, 1) < 0)
			die("bind/listen");
		int fd = accept(l, NULL, NULL);
		if (fd < 0)
			die("accept");
		struct timespec ts = { 0, 5000000 }; /* 5 ms: the request is here */
		nanosleep(&ts, NULL);
		close(fd);
		printf("server: closed the connection without reading it\n");
		return 0;
	}
	if (argc < 3) {
		printf("usage: reset server | reset client SERVER\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	struct sockaddr_in closed = addr(argv[2], 6001), open = addr(argv[2], 6000);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	int r = connect(fd, (struct sockaddr *)&closed, sizeof closed);
	printf("client: connect to port 6001: %d (%s)\n", r, r < 0 ? strerror(errno) : "ok");
	close(fd);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (connect(fd, (struct sockaddr *)&open, sizeof open) < 0)
		die("connect");
	write(fd, "request", 7);
	char c;
	r = read(fd, &c, 1);
	printf("client: read: %d (%s)\n", r, r < 0 ? strerror(errno) : "");
	r = read(fd, &c, 1);
	printf("client: read again: %d\n", r);
	r = write(fd, "x", 1);
	printf("client: write: %d (%s)\n", r, r < 0 ? strerror(errno) : "");
	return 0;
}

/*
 * client SERVER ID [THINK_NS [START_NS]]: waits START_NS nanoseconds,
 * connects to SERVER:8080, thinks THINK_NS nanoseconds (a slow client),
 * sends "request from client ID", reads the
 * answer until the server closes, and prints how long it waited in all
 * (its thinking left out) and how long connect took: one round trip of
 * the link, or more if the server's accept queue was full.
 */
#include "net.h"

int main(int argc, char **argv)
{
	if (argc < 3) {
		printf("usage: client SERVER ID [THINK_NS [START_NS]]\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	const char *id = argv[2];
	long think = argc > 3 ? atol(argv[3]) : 0;
	long start = argc > 4 ? atol(argv[4]) : 0;
	struct sockaddr_in a = addr(argv[1], 8080);
	if (start > 0) {
		struct timespec ts = { start / 1000000000L, start % 1000000000L };
		nanosleep(&ts, NULL);
	}
	long t0 = now_ns();
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		die("socket");
	if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0)
		die("connect");
	long connected = now_ns();
	if (think > 0) {
		struct timespec ts = { think / 1000000000L, think % 1000000000L };
		nanosleep(&ts, NULL);
	}
	char req[64], ans[128];
	int n = snprintf(req, sizeof req, "request from client %s", id);
	if (write(fd, req, n) != n)
		die("write");
	int got = 0, r;
	while ((r = read(fd, ans + got, sizeof ans - 1 - got)) > 0)
		got += r;
	if (r < 0)
		die("read");
	ans[got] = 0;
	printf("client %s: \"%s\" after %ld us (connect %ld us)\n", id, ans,
	       (now_ns() - t0 - think) / 1000, (connected - t0) / 1000);
	return 0;
}

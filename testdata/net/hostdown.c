/*
 * hostdown server | hostdown client SERVER: a client whose server's host
 * loses power. The server echoes what it reads. The client sends
 * "ping 1" and reads the echo; sleeps 1 s (the server's host goes down
 * meanwhile); sends "ping 2", which write accepts at once (the kernel
 * only queued the bytes), and waits in read for the echo. Nothing
 * answers, so TCP retransmits "ping 2" with the timeout doubled each
 * time, 15 times (tcp_retries2), then gives up: the read fails with
 * ETIMEDOUT, about 15 minutes later.
 */
#include "net.h"

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
		char buf[64];
		int n;
		while ((n = read(fd, buf, sizeof buf)) > 0)
			if (write(fd, buf, n) != n)
				die("write");
		return 0;
	}
	if (argc < 3) {
		printf("usage: hostdown server | hostdown client SERVER\n");
		return 2;
	}
	struct sockaddr_in a = addr(argv[2], 7000);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0)
		die("connect");
	char buf[64];
	long t0 = now_ns();
	if (write(fd, "ping 1", 6) != 6)
		die("write");
	int r = read(fd, buf, sizeof buf);
	if (r <= 0)
		die("read");
	printf("client: \"%.*s\" echoed after %ld us\n", r, buf, (now_ns() - t0) / 1000);

	struct timespec second = { 1, 0 };
	nanosleep(&second, NULL);

	t0 = now_ns();
	int w = write(fd, "ping 2", 6);
	printf("client: write returned %d: the bytes are queued, not delivered\n", w);
	r = read(fd, buf, sizeof buf);
	printf("client: read returned %d (%s) after %ld s\n", r, r < 0 ? strerror(errno) : "data",
	       (now_ns() - t0) / 1000000000L);
	return 0;
}

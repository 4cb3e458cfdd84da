/*
 * reboot server | reboot client SERVER: a client whose server's host
 * loses power and boots again (net_host_reboot.txtar). The server echoes
 * what it reads, one connection. The client sends "ping 1" and reads the
 * echo; sleeps 1 s (the server's host goes down and comes back
 * meanwhile); sends "ping 2", which write accepts at once (the kernel
 * only queued the bytes), and waits in read for the echo. The rebooted
 * host has no such connection and answers with a reset: the read fails
 * with ECONNRESET, and a second write with EPIPE (SIGPIPE ignored). The
 * client then connects again, to the server started on the new boot.
 */
#include <signal.h>
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
		printf("usage: reboot server | reboot client SERVER\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
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
	printf("client: read returned %d (%s) after %ld us\n", r, r < 0 ? strerror(errno) : "data",
	       (now_ns() - t0) / 1000);
	w = write(fd, "ping 3", 6);
	printf("client: write again returned %d (%s)\n", w, w < 0 ? strerror(errno) : "queued");
	close(fd);

	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0)
		die("connect again");
	t0 = now_ns();
	if (write(fd, "ping 4", 6) != 6)
		die("write");
	r = read(fd, buf, sizeof buf);
	if (r <= 0)
		die("read");
	printf("client: new connection: \"%.*s\" echoed after %ld us\n", r, buf, (now_ns() - t0) / 1000);
	return 0;
}

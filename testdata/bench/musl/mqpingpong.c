/*
 * mqpingpong N: parent and child bounce a message N times through two
 * POSIX message queues (mq_send/mq_receive, one queue each way). Prints
 * "round trips: N". IPC ping-pong benchmark (BENCHMARKS.md).
 */
#include "bench.h"
#include <fcntl.h>
#include <mqueue.h>

int main(int argc, char **argv)
{
	long n = count(argc, argv, 1000);
	struct mq_attr a = { .mq_maxmsg = 4, .mq_msgsize = 8 };
	char ping[32], pong[32], buf[8] = "ping";
	snprintf(ping, sizeof ping, "/bench-ping-%d", (int)getpid());
	snprintf(pong, sizeof pong, "/bench-pong-%d", (int)getpid());
	mqd_t p = mq_open(ping, O_RDWR | O_CREAT | O_EXCL, 0600, &a);
	mqd_t q = mq_open(pong, O_RDWR | O_CREAT | O_EXCL, 0600, &a);
	if (p == (mqd_t)-1 || q == (mqd_t)-1)
		fail("mq_open");
	mq_unlink(ping);
	mq_unlink(pong);
	pid_t pid = fork();
	if (pid < 0)
		fail("fork");
	if (pid == 0) {
		for (long i = 0; i < n; i++) {
			if (mq_receive(p, buf, sizeof buf, 0) < 0)
				fail("mq_receive");
			if (mq_send(q, buf, 4, 0) < 0)
				fail("mq_send");
		}
		_exit(0);
	}
	for (long i = 0; i < n; i++) {
		if (mq_send(p, buf, 4, 0) < 0)
			fail("mq_send");
		if (mq_receive(q, buf, sizeof buf, 0) < 0)
			fail("mq_receive");
	}
	reap(pid);
	printf("round trips: %ld\n", n);
	return 0;
}

/* mqueue: POSIX message queues between a parent and its children, in
 * ordinary C: mq_open (O_CREAT with attributes, O_EXCL, O_NONBLOCK),
 * mq_send/mq_receive with priorities, mq_getattr/mq_setattr,
 * mq_timedreceive, mq_close, mq_unlink.
 *
 * The queue's name is removed first (a crashed run's leftover) and at the
 * end. */
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define NAME "/ipcsim-libc-mqueue"

static void die(const char *what)
{
	perror(what);
	exit(100);
}

int main(void)
{
	mq_unlink(NAME);
	struct mq_attr attr = {.mq_maxmsg = 4, .mq_msgsize = 64};
	mqd_t q = mq_open(NAME, O_CREAT | O_EXCL | O_RDWR, 0600, &attr);
	if (q == (mqd_t)-1)
		die("mq_open");
	errno = 0;
	printf("O_CREAT|O_EXCL again: %s\n",
	       mq_open(NAME, O_CREAT | O_EXCL | O_RDWR, 0600, &attr) == (mqd_t)-1 && errno == EEXIST
		       ? "EEXIST"
		       : "?");
	struct mq_attr got;
	mq_getattr(q, &got);
	printf("maxmsg %ld, msgsize %ld, curmsgs %ld, flags 0x%lx\n", got.mq_maxmsg,
	       got.mq_msgsize, got.mq_curmsgs, got.mq_flags);

	/* A child opens the queue by name and sends six messages into a queue
	 * of four: the fifth blocks until the parent has received one, the
	 * sixth until it has received another. */
	int ready[2];
	pipe(ready);
	fflush(stdout);
	pid_t c = fork();
	if (c == 0) {
		mqd_t w = mq_open(NAME, O_WRONLY);
		if (w == (mqd_t)-1)
			die("child mq_open");
		unsigned prios[] = {1, 5, 1, 9, 0, 5};
		for (int i = 0; i < 6; i++) {
			char text[64];
			snprintf(text, sizeof text, "message %d (%.1f%%)", i, i * 100.0 / 6);
			if (i == 4)
				write(ready[1], "f", 1); /* the queue is full */
			if (mq_send(w, text, strlen(text) + 1, prios[i]) < 0)
				die("mq_send");
		}
		mq_close(w);
		exit(0);
	}
	close(ready[1]);
	char b;
	read(ready[0], &b, 1);
	/* Full: the child now blocks in mq_send (or soon will). */
	char buf[64];
	unsigned prio;
	ssize_t n = mq_receive(q, buf, sizeof buf, &prio);
	printf("first: %zd bytes, prio %u, \"%s\"\n", n, prio, buf);
	/* Still the highest priority, whether the fifth (priority 0) is in. */
	n = mq_receive(q, buf, sizeof buf, &prio);
	printf("second: %zd bytes, prio %u, \"%s\"\n", n, prio, buf);
	int status;
	waitpid(c, &status, 0);
	printf("child exited with %d\n", WEXITSTATUS(status));
	mq_getattr(q, &got);
	printf("curmsgs %ld\n", got.mq_curmsgs);
	while (got.mq_curmsgs-- > 0) {
		n = mq_receive(q, buf, sizeof buf, &prio);
		printf("next: prio %u, \"%s\"\n", prio, buf);
	}

	/* Errors: a small buffer, an oversized message, O_NONBLOCK, a timeout. */
	errno = 0;
	n = mq_receive(q, buf, 10, &prio);
	printf("receive with a 10-byte buffer: %zd, EMSGSIZE: %s\n", n, errno == EMSGSIZE ? "yes" : "no");
	char large[65] = {0};
	errno = 0;
	int rc = mq_send(q, large, sizeof large, 0);
	printf("send 65 bytes: %d, EMSGSIZE: %s\n", rc,
	       errno == EMSGSIZE ? "yes" : "no");
	struct mq_attr nb = {.mq_flags = O_NONBLOCK}, old;
	mq_setattr(q, &nb, &old);
	mq_getattr(q, &got);
	printf("O_NONBLOCK set: %s, before: %s\n", got.mq_flags & O_NONBLOCK ? "yes" : "no",
	       old.mq_flags & O_NONBLOCK ? "yes" : "no");
	errno = 0;
	n = mq_receive(q, buf, sizeof buf, &prio);
	printf("empty, non-blocking: %zd, EAGAIN: %s\n", n, errno == EAGAIN ? "yes" : "no");
	nb.mq_flags = 0;
	mq_setattr(q, &nb, NULL);
	struct timespec past;
	clock_gettime(CLOCK_REALTIME, &past);
	past.tv_sec -= 1;
	errno = 0;
	n = mq_timedreceive(q, buf, sizeof buf, &prio, &past);
	printf("timed receive, deadline passed: %zd, ETIMEDOUT: %s\n", n,
	       errno == ETIMEDOUT ? "yes" : "no");
	struct timespec soon;
	clock_gettime(CLOCK_REALTIME, &soon);
	soon.tv_nsec += 50 * 1000 * 1000;
	if (soon.tv_nsec >= 1000000000) {
		soon.tv_sec++;
		soon.tv_nsec -= 1000000000;
	}
	errno = 0;
	n = mq_timedreceive(q, buf, sizeof buf, &prio, &soon);
	printf("timed receive, 50 ms: %zd, ETIMEDOUT: %s\n", n, errno == ETIMEDOUT ? "yes" : "no");

	/* A blocked receiver is woken by a sender. */
	fflush(stdout);
	c = fork();
	if (c == 0) {
		n = mq_receive(q, buf, sizeof buf, &prio);
		printf("child: woken with \"%s\", prio %u\n", buf, prio);
		exit(0);
	}
	mq_send(q, "from the parent", 16, 3);
	waitpid(c, NULL, 0);

	/* Unlink: the name goes, the open queue stays usable. */
	printf("mq_unlink: %d\n", mq_unlink(NAME));
	errno = 0;
	printf("mq_open after unlink: %s\n",
	       mq_open(NAME, O_RDONLY) == (mqd_t)-1 && errno == ENOENT ? "ENOENT" : "?");
	mq_send(q, "still here", 11, 0);
	n = mq_receive(q, buf, sizeof buf, &prio);
	printf("unlinked queue still works: \"%s\"\n", buf);
	printf("mq_close: %d\n", mq_close(q));
	return 0;
}

/*
 * pipethreads N: the main thread and a second thread pass a byte back and
 * forth N times through two pipes, then N times more once the second
 * thread has named itself "echo" (prctl PR_SET_NAME). Prints "round
 * trips: 2N". The trace's tests run it (kernel's
 * TestRecordsMakeTheSameEvents): a thread's reads, writes, blocks, wakeups
 * and switches are Records, but for a thread with a name of its own,
 * which its lines show.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <unistd.h>

static int ping[2], pong[2];
static long n;

static void fail(const char *what)
{
	perror(what);
	_exit(1);
}

static void *echo(void *arg)
{
	char b;
	(void)arg;
	for (long i = 0; i < 2 * n; i++) {
		if (i == n && prctl(PR_SET_NAME, "echo", 0, 0, 0) < 0)
			fail("prctl");
		if (read(ping[0], &b, 1) != 1 || write(pong[1], &b, 1) != 1)
			fail("thread read/write");
	}
	return 0;
}

int main(int argc, char **argv)
{
	pthread_t t;
	char b = 'x';
	n = argc > 1 ? atol(argv[1]) : 3;
	if (pipe(ping) < 0 || pipe(pong) < 0)
		fail("pipe");
	if (pthread_create(&t, 0, echo, 0) != 0)
		fail("pthread_create");
	for (long i = 0; i < 2 * n; i++)
		if (write(ping[1], &b, 1) != 1 || read(pong[0], &b, 1) != 1)
			fail("read/write");
	if (pthread_join(t, 0) != 0)
		fail("pthread_join");
	printf("round trips: %ld\n", 2 * n);
	return 0;
}

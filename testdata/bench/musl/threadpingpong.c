/*
 * threadpingpong N: two threads of one process bounce a token N times
 * through two POSIX semaphores (musl's are futexes: sem_wait sleeps in
 * futex wait, sem_post wakes with futex wake). Prints "round trips: N".
 */
#include "bench.h"
#include <pthread.h>
#include <semaphore.h>

static sem_t ping, pong;
static long n;

static void *other(void *arg)
{
	(void)arg;
	for (long i = 0; i < n; i++) {
		if (sem_wait(&ping) < 0 || sem_post(&pong) < 0)
			fail("thread sem");
	}
	return 0;
}

int main(int argc, char **argv)
{
	n = count(argc, argv, 1000);
	pthread_t t;
	if (sem_init(&ping, 0, 0) < 0 || sem_init(&pong, 0, 0) < 0)
		fail("sem_init");
	if (pthread_create(&t, 0, other, 0) != 0)
		fail("pthread_create");
	for (long i = 0; i < n; i++) {
		if (sem_post(&ping) < 0 || sem_wait(&pong) < 0)
			fail("main sem");
	}
	if (pthread_join(t, 0) != 0)
		fail("pthread_join");
	printf("round trips: %ld\n", n);
	return 0;
}

/*
 * deadlock: two threads take two mutexes in opposite orders. Thread 1
 * locks a, then (after a short sleep, so that thread 2 has locked b) b;
 * thread 2 locks b, then a. Each holds what the other waits for: neither
 * ever returns, and the process blocks for good.
 *
 * The mutexes are robust (pthread_mutexattr_setrobust): glibc and musl
 * keep a robust mutex's owner thread id in the futex word itself, so the
 * kernel can tell who holds what each waiter waits on.
 */
#include <pthread.h>
#include <stdio.h>
#include <time.h>

static pthread_mutex_t a, b;

static void nap(void)
{
	struct timespec ts = { 0, 1000000 }; /* 1 ms */
	nanosleep(&ts, 0);
}

static void *one(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&a);
	printf("thread 1: holds a, wants b\n");
	nap();
	pthread_mutex_lock(&b);
	printf("thread 1: got b (never)\n");
	return 0;
}

static void *two(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&b);
	printf("thread 2: holds b, wants a\n");
	nap();
	pthread_mutex_lock(&a);
	printf("thread 2: got a (never)\n");
	return 0;
}

int main(void)
{
	pthread_mutexattr_t at;
	pthread_mutexattr_init(&at);
	pthread_mutexattr_setrobust(&at, PTHREAD_MUTEX_ROBUST);
	pthread_mutex_init(&a, &at);
	pthread_mutex_init(&b, &at);
	setvbuf(stdout, NULL, _IOLBF, 0);
	pthread_t t1, t2;
	pthread_create(&t1, 0, one, 0);
	pthread_create(&t2, 0, two, 0);
	pthread_join(t1, 0);
	pthread_join(t2, 0);
	return 0;
}

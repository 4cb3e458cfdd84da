/*
 * prodcons: a producer thread and a consumer thread pass the numbers 1 to
 * 20 through a one-slot buffer guarded by a mutex, with two condition
 * variables: "not full" (the producer waits on it) and "not empty" (the
 * consumer waits on it). Every wait is in a loop that tests the
 * condition again: a wakeup says only that it may be true. The consumer
 * prints what it takes; the sum is 210.
 */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t notfull = PTHREAD_COND_INITIALIZER, notempty = PTHREAD_COND_INITIALIZER;
static int slot, full;

static void *producer(void *arg)
{
	(void)arg;
	for (int i = 1; i <= 20; i++) {
		pthread_mutex_lock(&m);
		while (full)
			pthread_cond_wait(&notfull, &m);
		slot = i;
		full = 1;
		pthread_cond_signal(&notempty);
		pthread_mutex_unlock(&m);
	}
	return 0;
}

static void *consumer(void *arg)
{
	(void)arg;
	int sum = 0;
	for (int i = 1; i <= 20; i++) {
		pthread_mutex_lock(&m);
		while (!full)
			pthread_cond_wait(&notempty, &m);
		printf("consumer: took %d\n", slot);
		sum += slot;
		full = 0;
		pthread_cond_signal(&notfull);
		pthread_mutex_unlock(&m);
	}
	printf("consumer: sum %d\n", sum);
	return 0;
}

int main(void)
{
	pthread_t p, c;
	pthread_create(&c, 0, consumer, 0);
	pthread_create(&p, 0, producer, 0);
	pthread_join(p, 0);
	pthread_join(c, 0);
	return 0;
}

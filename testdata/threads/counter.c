/*
 * counter MODE [N]: two threads each add 1 to one shared counter N times
 * (default 100000), then main joins them and prints the counter. MODE
 * says how:
 *
 *   race    counter++ on a plain int: a load, an add and a store, which
 *           the timer may interrupt between any two (the lost update)
 *   mutex   each increment under a pthread_mutex
 *   atomic  __atomic_fetch_add: one amoadd.w instruction, indivisible
 *
 * Exit status 0 if the counter is 2N, 1 if updates were lost.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static volatile int counter; /* volatile: a load and a store per turn, as written */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static const char *mode;
static int N = 100000;

static void *add(void *arg)
{
	(void)arg;
	for (int i = 0; i < N; i++) {
		if (!strcmp(mode, "mutex")) {
			pthread_mutex_lock(&lock);
			counter++;
			pthread_mutex_unlock(&lock);
		} else if (!strcmp(mode, "atomic")) {
			__atomic_fetch_add(&counter, 1, __ATOMIC_RELAXED);
		} else {
			counter++;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	mode = argc > 1 ? argv[1] : "race";
	if (argc > 2)
		N = atoi(argv[2]);
	pthread_t a, b;
	pthread_create(&a, 0, add, 0);
	pthread_create(&b, 0, add, 0);
	pthread_join(a, 0);
	pthread_join(b, 0);
	printf("%s: counter = %d (want %d)%s\n", mode, counter, 2 * N, counter == 2 * N ? "" : ": updates were lost");
	return counter != 2 * N;
}

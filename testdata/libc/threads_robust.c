/* threads_robust: robust mutexes whose owner thread ends holding them.
 * A thread locks a robust mutex and returns without unlocking it: the
 * next pthread_mutex_lock returns EOWNERDEAD, pthread_mutex_consistent
 * repairs the mutex, and it works again. A second thread holds another
 * robust mutex while main sleeps in pthread_mutex_lock on it, and ends:
 * main is woken with EOWNERDEAD; unlocked without being made consistent,
 * the mutex is ENOTRECOVERABLE from then on.
 *
 * Who marks the dead owner differs: on Linux with set_robust_list (and on
 * ipcsim) the kernel walks the thread's robust list at its exit, sets
 * FUTEX_OWNER_DIED in the futex word and wakes a waiter; qemu-user does
 * not emulate set_robust_list (ENOSYS), and glibc then walks the list
 * itself as the thread ends, as musl always does. The program sees the
 * same either way. (A process-shared robust mutex whose owner process
 * exits is not here: only the kernel can release that one, and
 * qemu-user's would stay locked.) */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static pthread_mutex_t m1, m2;
static sem_t locked;

static const char *result(int r)
{
	switch (r) {
	case 0:
		return "0";
	case EOWNERDEAD:
		return "EOWNERDEAD";
	case ENOTRECOVERABLE:
		return "ENOTRECOVERABLE";
	}
	return strerror(r);
}

static void robust_init(pthread_mutex_t *m)
{
	pthread_mutexattr_t a;
	pthread_mutexattr_init(&a);
	pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
	int r = pthread_mutex_init(m, &a);
	pthread_mutexattr_destroy(&a);
	printf("pthread_mutex_init (robust): %s\n", result(r));
}

static void *hold_and_return(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&m1);
	return 0; /* still holding m1 */
}

static void *hold_and_sleep(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&m2);
	sem_post(&locked);
	struct timespec ts = { 0, 20000000 };
	nanosleep(&ts, 0); /* main is asleep on m2 by now */
	return 0;          /* still holding m2 */
}

int main(void)
{
	pthread_t t;

	/* 1. The owner is gone before anyone asks. */
	robust_init(&m1);
	pthread_create(&t, 0, hold_and_return, 0);
	pthread_join(t, 0);
	printf("trylock, its owner gone: %s\n", result(pthread_mutex_trylock(&m1)));
	printf("pthread_mutex_consistent: %s\n", result(pthread_mutex_consistent(&m1)));
	printf("unlock: %s\n", result(pthread_mutex_unlock(&m1)));
	printf("lock again: %s\n", result(pthread_mutex_lock(&m1)));
	printf("unlock: %s\n", result(pthread_mutex_unlock(&m1)));

	/* 2. A waiter sleeps on the mutex when its owner ends. */
	robust_init(&m2);
	sem_init(&locked, 0, 0);
	pthread_create(&t, 0, hold_and_sleep, 0);
	sem_wait(&locked);
	printf("lock while its owner holds it, woken: %s\n", result(pthread_mutex_lock(&m2)));
	pthread_join(t, 0);
	printf("unlock without pthread_mutex_consistent: %s\n", result(pthread_mutex_unlock(&m2)));
	printf("lock: %s\n", result(pthread_mutex_lock(&m2)));
	printf("trylock: %s\n", result(pthread_mutex_trylock(&m2)));
	return 0;
}

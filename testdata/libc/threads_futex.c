/* threads_futex: FUTEX_WAKE, FUTEX_REQUEUE and FUTEX_CMP_REQUEUE between
 * threads, with raw futex(2) calls. Three threads wait on word a; main
 * waits until the kernel has all three asleep (FUTEX_WAKE with count 0
 * cannot tell, so each thread announces itself and main then sleeps a
 * little), then moves them: CMP_REQUEUE with a wrong val3 fails with
 * EAGAIN, with the right one wakes 1 and moves 2 to word b (returning 3);
 * a wake on a finds nobody; a wake on b wakes the 2. The output depends
 * only on the counts. */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* include/uapi/linux/futex.h (musl ships no kernel headers) */
#define FUTEX_WAIT_PRIVATE 128
#define FUTEX_WAKE_PRIVATE 129
#define FUTEX_REQUEUE_PRIVATE 131
#define FUTEX_CMP_REQUEUE_PRIVATE 132

static int a, b, ready, woken;

static long futex(int *uaddr, int op, int val, long val2, int *uaddr2, int val3)
{
	return syscall(SYS_futex, uaddr, op, val, val2, uaddr2, val3);
}

static void *waiter(void *arg)
{
	(void)arg;
	__atomic_fetch_add(&ready, 1, __ATOMIC_SEQ_CST);
	while (futex(&a, FUTEX_WAIT_PRIVATE, 0, 0, 0, 0) != 0 && errno == EINTR)
		;
	__atomic_fetch_add(&woken, 1, __ATOMIC_SEQ_CST);
	return 0;
}

int main(void)
{
	pthread_t t[3];
	for (int i = 0; i < 3; i++)
		pthread_create(&t[i], 0, waiter, 0);
	while (__atomic_load_n(&ready, __ATOMIC_SEQ_CST) < 3)
		sched_yield();
	struct timespec ts = { 0, 50000000 };
	nanosleep(&ts, 0); /* they are asleep in FUTEX_WAIT by now */
	long r = futex(&a, FUTEX_CMP_REQUEUE_PRIVATE, 1, 2, &b, 7);
	printf("CMP_REQUEUE with val3 7 (a is 0): %ld %s\n", r, r < 0 ? strerror(errno) : "");
	r = futex(&a, FUTEX_CMP_REQUEUE_PRIVATE, 1, 2, &b, 0);
	printf("CMP_REQUEUE wake 1, move 2: %ld\n", r);
	nanosleep(&ts, 0);
	printf("woken so far: %d\n", __atomic_load_n(&woken, __ATOMIC_SEQ_CST));
	printf("FUTEX_WAKE a: %ld\n", futex(&a, FUTEX_WAKE_PRIVATE, 10, 0, 0, 0));
	printf("FUTEX_WAKE b: %ld\n", futex(&b, FUTEX_WAKE_PRIVATE, 10, 0, 0, 0));
	for (int i = 0; i < 3; i++)
		pthread_join(t[i], 0);
	printf("woken: %d\n", woken);
	printf("FUTEX_REQUEUE with nobody waiting: %ld\n", futex(&a, FUTEX_REQUEUE_PRIVATE, 1, 1, &b, 0));
	return 0;
}

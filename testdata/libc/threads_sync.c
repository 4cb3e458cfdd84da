/* threads_sync: memory shared between threads and the pthread objects that
 * order it: mutexes, atomics, condition variables, barriers, pthread_once,
 * in ordinary C.
 *
 * Four threads add 100000 each to a counter under a mutex, and to another
 * with __atomic_fetch_add: both totals are exact whatever the interleaving.
 * A producer passes 1000 numbers to a consumer through a one-slot buffer
 * (a mutex and two condition variables); a barrier built from a mutex and
 * pthread_cond_broadcast, and pthread_barrier_wait, release their waiters
 * together. Mutex types (error checking, recursive) and trylock are shown
 * where the answer is fixed by the order main imposes.
 *
 * Only main prints, after joining the threads whose results it prints:
 * results (sums, counts), never interleavings.
 *
 * Checked against the kernel itself as well: the same source built for
 * x86-64 (gcc -static, glibc 2.36) and run natively on the host's Linux
 * 6.18 prints the same bytes as the qemu-riscv64 recordings. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NT 4
#define ADDS 100000

static void die(const char *what, int err)
{
	fprintf(stderr, "%s: %s\n", what, strerror(err));
	exit(100);
}

static void start(pthread_t *t, void *(*fn)(void *), void *arg)
{
	int e = pthread_create(t, NULL, fn, arg);
	if (e)
		die("pthread_create", e);
}

static void join(pthread_t t)
{
	int e = pthread_join(t, NULL);
	if (e)
		die("pthread_join", e);
}

/* 2. a counter under a mutex, an atomic counter */

static pthread_mutex_t count_lock = PTHREAD_MUTEX_INITIALIZER;
static long locked_count;
static long atomic_count;

static void *adder(void *arg)
{
	(void)arg;
	for (int i = 0; i < ADDS; i++) {
		pthread_mutex_lock(&count_lock);
		locked_count++;
		pthread_mutex_unlock(&count_lock);
		__atomic_fetch_add(&atomic_count, 1, __ATOMIC_SEQ_CST);
	}
	return NULL;
}

static pthread_mutex_t held = PTHREAD_MUTEX_INITIALIZER;
static int trylock_result;

static void *try_held(void *arg)
{
	(void)arg;
	trylock_result = pthread_mutex_trylock(&held);
	return NULL;
}

static pthread_mutex_t errcheck;
static int unlock_by_other;

static void *unlock_other(void *arg)
{
	(void)arg;
	unlock_by_other = pthread_mutex_unlock(&errcheck);
	return NULL;
}

static const char *errname(int e)
{
	switch (e) {
	case 0: return "0";
	case EBUSY: return "EBUSY";
	case EDEADLK: return "EDEADLK";
	case EPERM: return "EPERM";
	default: return "other";
	}
}

static void shared_memory(void)
{
	printf("== 2. shared memory: a mutex, an atomic ==\n");
	pthread_t t[NT];
	for (int i = 0; i < NT; i++)
		start(&t[i], adder, NULL);
	for (int i = 0; i < NT; i++)
		join(t[i]);
	printf("%d threads x %d increments under a mutex: %ld\n", NT, ADDS, locked_count);
	printf("%d threads x %d __atomic_fetch_add: %ld\n", NT, ADDS, atomic_count);

	/* trylock of a mutex main holds: EBUSY in another thread */
	pthread_mutex_lock(&held);
	pthread_t t1;
	start(&t1, try_held, NULL);
	join(t1);
	pthread_mutex_unlock(&held);
	printf("pthread_mutex_trylock of a mutex main holds, in another thread: %s\n",
	       errname(trylock_result));
	start(&t1, try_held, NULL);
	join(t1);
	printf("after main unlocked it: %s\n", errname(trylock_result));

	/* error-checking mutex: relock EDEADLK, unlock by a non-owner EPERM */
	pthread_mutexattr_t a;
	pthread_mutexattr_init(&a);
	pthread_mutexattr_settype(&a, PTHREAD_MUTEX_ERRORCHECK);
	pthread_mutex_init(&errcheck, &a);
	pthread_mutex_lock(&errcheck);
	int relock = pthread_mutex_lock(&errcheck);
	start(&t1, unlock_other, NULL);
	join(t1);
	int unlock = pthread_mutex_unlock(&errcheck);
	int unlock2 = pthread_mutex_unlock(&errcheck);
	printf("PTHREAD_MUTEX_ERRORCHECK: relock %s, unlock by another thread %s, unlock %s, unlock again %s\n",
	       errname(relock), errname(unlock_by_other), errname(unlock), errname(unlock2));
	pthread_mutex_destroy(&errcheck);

	/* recursive mutex: three locks need three unlocks */
	pthread_mutex_t rec;
	pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&rec, &a);
	int r = 0;
	for (int i = 0; i < 3; i++)
		r |= pthread_mutex_lock(&rec);
	for (int i = 0; i < 3; i++)
		r |= pthread_mutex_unlock(&rec);
	int extra = pthread_mutex_unlock(&rec);
	printf("PTHREAD_MUTEX_RECURSIVE: 3 locks and 3 unlocks %s, a 4th unlock %s\n", errname(r),
	       errname(extra));
	pthread_mutex_destroy(&rec);
	pthread_mutexattr_destroy(&a);
}

/* 3. producer and consumer on a one-slot buffer */

#define ITEMS 1000

static pthread_mutex_t slot_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t slot_empty = PTHREAD_COND_INITIALIZER;
static pthread_cond_t slot_full = PTHREAD_COND_INITIALIZER;
static int slot, slot_used;

static void *producer(void *arg)
{
	(void)arg;
	for (int i = 1; i <= ITEMS; i++) {
		pthread_mutex_lock(&slot_lock);
		while (slot_used)
			pthread_cond_wait(&slot_empty, &slot_lock);
		slot = i;
		slot_used = 1;
		pthread_cond_signal(&slot_full);
		pthread_mutex_unlock(&slot_lock);
	}
	return NULL;
}

struct consumed {
	long sum;
	int count, in_order;
};

static void *consumer(void *arg)
{
	struct consumed *c = arg;
	c->in_order = 1;
	for (int i = 1; i <= ITEMS; i++) {
		pthread_mutex_lock(&slot_lock);
		while (!slot_used)
			pthread_cond_wait(&slot_full, &slot_lock);
		c->in_order &= slot == i;
		c->sum += slot;
		c->count++;
		slot_used = 0;
		pthread_cond_signal(&slot_empty);
		pthread_mutex_unlock(&slot_lock);
	}
	return NULL;
}

/* a barrier from a mutex and a condition variable: the last to arrive
 * broadcasts; a generation number guards against spurious wake-ups */

static pthread_mutex_t bar_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t bar_cond = PTHREAD_COND_INITIALIZER;
static int bar_arrived, bar_generation, bar_released, bar_broadcasts;

static void my_barrier(int n)
{
	pthread_mutex_lock(&bar_lock);
	int gen = bar_generation;
	if (++bar_arrived == n) {
		bar_arrived = 0;
		bar_generation++;
		bar_broadcasts++;
		pthread_cond_broadcast(&bar_cond);
	} else {
		while (gen == bar_generation)
			pthread_cond_wait(&bar_cond, &bar_lock);
	}
	bar_released++;
	pthread_mutex_unlock(&bar_lock);
}

/* each round, each thread writes its slot of `phase`, waits at a barrier,
 * and sums every slot: a barrier makes all the round's writes visible */

#define ROUNDS 3
static pthread_barrier_t pbar;
static int phase[NT];

struct barinfo {
	int index;
	int sums_mine[ROUNDS];  /* after my_barrier */
	int sums_posix[ROUNDS]; /* after pthread_barrier_wait */
	int serial;             /* PTHREAD_BARRIER_SERIAL_THREAD returns */
};

static void *bar_thread(void *arg)
{
	struct barinfo *b = arg;
	for (int r = 0; r < ROUNDS; r++) {
		phase[b->index] = (r + 1) * (b->index + 1);
		my_barrier(NT);
		int s = 0;
		for (int i = 0; i < NT; i++)
			s += phase[i];
		b->sums_mine[r] = s;
		/* nobody writes phase[] until all have read it */
		int ret = pthread_barrier_wait(&pbar);
		if (ret == PTHREAD_BARRIER_SERIAL_THREAD)
			b->serial++;
		else if (ret != 0)
			die("pthread_barrier_wait", ret);
		phase[b->index] = -(r + 1) * (b->index + 1);
		ret = pthread_barrier_wait(&pbar);
		if (ret == PTHREAD_BARRIER_SERIAL_THREAD)
			b->serial++;
		else if (ret != 0)
			die("pthread_barrier_wait", ret);
		s = 0;
		for (int i = 0; i < NT; i++)
			s += phase[i];
		b->sums_posix[r] = s;
		my_barrier(NT); /* nobody writes until all have read */
	}
	return NULL;
}

/* pthread_once: four threads race to run an initialiser once */

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int once_runs;
static pthread_barrier_t once_start;

static void init_once(void)
{
	once_runs++;
}

static void *once_thread(void *arg)
{
	(void)arg;
	pthread_barrier_wait(&once_start);
	pthread_once(&once, init_once);
	return NULL;
}

static void condition_variables(void)
{
	printf("== 3. condition variables and barriers ==\n");
	pthread_t p, c;
	struct consumed got = { 0, 0, 0 };
	start(&c, consumer, &got);
	start(&p, producer, NULL);
	join(p);
	join(c);
	printf("producer -> one-slot buffer -> consumer: %d numbers, sum %ld, in order: %s\n", got.count,
	       got.sum, got.in_order ? "yes" : "no");

	pthread_barrier_init(&pbar, NULL, NT);
	pthread_t t[NT];
	struct barinfo b[NT];
	memset(b, 0, sizeof b);
	for (int i = 0; i < NT; i++) {
		b[i].index = i;
		start(&t[i], bar_thread, &b[i]);
	}
	for (int i = 0; i < NT; i++)
		join(t[i]);
	int serials = 0;
	for (int i = 0; i < NT; i++) {
		printf("thread %d: sums after the mutex+cond barrier", i);
		for (int r = 0; r < ROUNDS; r++)
			printf(" %d", b[i].sums_mine[r]);
		printf("; after pthread_barrier_wait");
		for (int r = 0; r < ROUNDS; r++)
			printf(" %d", b[i].sums_posix[r]);
		printf("\n");
		serials += b[i].serial;
	}
	printf("mutex+cond barrier: %d broadcasts, %d threads released\n", bar_broadcasts, bar_released);
	printf("pthread_barrier_wait: PTHREAD_BARRIER_SERIAL_THREAD returned %d times in %d waits of %d threads\n",
	       serials, 2 * ROUNDS, NT);
	pthread_barrier_destroy(&pbar);

	pthread_barrier_init(&once_start, NULL, NT);
	for (int i = 0; i < NT; i++)
		start(&t[i], once_thread, NULL);
	for (int i = 0; i < NT; i++)
		join(t[i]);
	printf("pthread_once from %d threads: the initialiser ran %d time(s)\n", NT, once_runs);
	pthread_barrier_destroy(&once_start);
}

int main(void)
{
	shared_memory();
	condition_variables();
	return 0;
}

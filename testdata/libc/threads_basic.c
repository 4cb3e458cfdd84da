/* threads_basic: pthread_create and pthread_join, thread ids, thread names
 * and thread-local storage, in ordinary C.
 *
 * Four threads each compute a sum and return it through pthread_join; they
 * record gettid, getpid and pthread_self, which main compares after joining
 * them all. Each thread names itself (pthread_setname_np on itself, prctl
 * PR_SET_NAME) and reads its name back (pthread_getname_np on itself, prctl
 * PR_GET_NAME); each adds to a __thread variable of its own.
 *
 * Only main prints, and only after pthread_join: nothing printed depends on
 * the order in which the threads ran. No ids are printed, only relations.
 *
 * Not shown, because qemu-user 7.2 departs from the kernel: the name a
 * thread has before it sets one (under qemu every task is called
 * "qemu-riscv64", the host program; Linux gives the program's name, which a
 * new thread inherits). Names are read only by the thread itself: naming or
 * reading another thread goes through /proc/self/task/TID/comm in both C
 * libraries.
 *
 * Checked against the kernel itself as well: the same source built for
 * x86-64 (gcc -static, glibc 2.36) and run natively on the host's Linux
 * 6.18 prints the same bytes as the qemu-riscv64 recordings. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#define NT 4

static void die(const char *what, int err)
{
	fprintf(stderr, "%s: %s\n", what, strerror(err));
	exit(100);
}

/* 1. ids and return values */

struct idinfo {
	int index;
	pid_t tid, pid;
	pthread_t self;
};

static pthread_barrier_t all_alive;

static void *sum_thread(void *arg)
{
	struct idinfo *in = arg;
	in->tid = gettid();
	in->pid = getpid();
	in->self = pthread_self();
	long s = 0;
	for (int i = 1; i <= 1000 * (in->index + 1); i++)
		s += i;
	/* all threads alive at once, so that their ids must differ */
	pthread_barrier_wait(&all_alive);
	return (void *)(intptr_t)s;
}

static pthread_mutex_t det_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t det_cond = PTHREAD_COND_INITIALIZER;
static int det_done;

static void *detached_thread(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&det_lock);
	det_done = 77;
	pthread_cond_signal(&det_cond);
	pthread_mutex_unlock(&det_lock);
	return NULL;
}

static void ids(void)
{
	printf("== 1. pthread_create, pthread_join, ids ==\n");
	pthread_t t[NT];
	struct idinfo in[NT];
	pthread_barrier_init(&all_alive, NULL, NT + 1);
	for (int i = 0; i < NT; i++) {
		in[i].index = i;
		int e = pthread_create(&t[i], NULL, sum_thread, &in[i]);
		if (e)
			die("pthread_create", e);
	}
	pthread_barrier_wait(&all_alive);
	for (int i = 0; i < NT; i++) {
		void *ret;
		int e = pthread_join(t[i], &ret);
		if (e)
			die("pthread_join", e);
		printf("thread %d: returned %ld; pthread_self equals pthread_create's id: %s\n", i,
		       (long)(intptr_t)ret, pthread_equal(in[i].self, t[i]) ? "yes" : "no");
	}
	int tid_ne_pid = 1, same_pid = 1, distinct = 1;
	for (int i = 0; i < NT; i++) {
		tid_ne_pid &= in[i].tid != in[i].pid;
		same_pid &= in[i].pid == getpid();
		distinct &= in[i].tid != gettid() && !pthread_equal(in[i].self, pthread_self());
		for (int j = 0; j < i; j++)
			distinct &= in[i].tid != in[j].tid && !pthread_equal(in[i].self, in[j].self);
	}
	printf("in main: gettid() == getpid(): %s\n", gettid() == getpid() ? "yes" : "no");
	printf("in every thread: gettid() != getpid(): %s\n", tid_ne_pid ? "yes" : "no");
	printf("getpid() the same in all threads: %s\n", same_pid ? "yes" : "no");
	printf("tids and pthread_self distinct (main included): %s\n", distinct ? "yes" : "no");

	/* a detached thread: not joinable; main learns that it ran through a
	 * mutex and a condition variable */
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	int state = -1;
	pthread_attr_getdetachstate(&attr, &state);
	pthread_t d;
	int e = pthread_create(&d, &attr, detached_thread, NULL);
	if (e)
		die("pthread_create", e);
	pthread_attr_destroy(&attr);
	pthread_mutex_lock(&det_lock);
	while (!det_done)
		pthread_cond_wait(&det_cond, &det_lock);
	pthread_mutex_unlock(&det_lock);
	printf("detached thread (PTHREAD_CREATE_DETACHED: %s): reported %d through a condition variable\n",
	       state == PTHREAD_CREATE_DETACHED ? "yes" : "no", det_done);
}

/* 7. names */

struct nameinfo {
	const char *set;
	int use_prctl;
	int set_err;
	char got[32];
	int long_err;
	char got_after_long[32];
};

static void *name_thread(void *arg)
{
	struct nameinfo *n = arg;
	if (n->use_prctl) {
		n->set_err = prctl(PR_SET_NAME, (unsigned long)n->set, 0, 0, 0) == 0 ? 0 : errno;
		char buf[16] = "";
		prctl(PR_GET_NAME, (unsigned long)buf, 0, 0, 0);
		snprintf(n->got, sizeof n->got, "%s", buf);
		/* prctl truncates a long name to 15 bytes */
		prctl(PR_SET_NAME, (unsigned long)"a-name-longer-than-fifteen", 0, 0, 0);
		n->long_err = 0;
		prctl(PR_GET_NAME, (unsigned long)buf, 0, 0, 0);
		snprintf(n->got_after_long, sizeof n->got_after_long, "%s", buf);
	} else {
		n->set_err = pthread_setname_np(pthread_self(), n->set);
		pthread_getname_np(pthread_self(), n->got, sizeof n->got);
		/* pthread_setname_np refuses more than 15 bytes (ERANGE) */
		n->long_err = pthread_setname_np(pthread_self(), "a-name-longer-than-fifteen");
		pthread_getname_np(pthread_self(), n->got_after_long, sizeof n->got_after_long);
	}
	return NULL;
}

static void names(void)
{
	printf("== 7. thread names ==\n");
	struct nameinfo n[2] = {
		{ .set = "worker-setname", .use_prctl = 0 },
		{ .set = "worker-prctl", .use_prctl = 1 },
	};
	pthread_t t[2];
	for (int i = 0; i < 2; i++) {
		int e = pthread_create(&t[i], NULL, name_thread, &n[i]);
		if (e)
			die("pthread_create", e);
	}
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	printf("thread A: pthread_setname_np(\"%s\") = %d, pthread_getname_np: \"%s\"\n", n[0].set,
	       n[0].set_err, n[0].got);
	printf("thread A: a 26-byte name: %s, the name stays \"%s\"\n",
	       n[0].long_err == ERANGE ? "ERANGE" : "not ERANGE", n[0].got_after_long);
	printf("thread B: prctl(PR_SET_NAME, \"%s\") = %d, PR_GET_NAME: \"%s\"\n", n[1].set,
	       n[1].set_err, n[1].got);
	printf("thread B: a 26-byte name with prctl is cut to 15 bytes: \"%s\"\n", n[1].got_after_long);

	/* main's own name: set, then read; the threads' names did not change it */
	int e = pthread_setname_np(pthread_self(), "main-thread");
	char buf[16] = "";
	prctl(PR_GET_NAME, (unsigned long)buf, 0, 0, 0);
	printf("main: pthread_setname_np(\"main-thread\") = %d, PR_GET_NAME: \"%s\"\n", e, buf);
	char buf2[32] = "";
	pthread_getname_np(pthread_self(), buf2, sizeof buf2);
	printf("main: pthread_getname_np: \"%s\"\n", buf2);
	/* a buffer too small for the name: ERANGE */
	char small[4];
	e = pthread_getname_np(pthread_self(), small, sizeof small);
	printf("main: pthread_getname_np into 4 bytes: %s\n", e == ERANGE ? "ERANGE" : "not ERANGE");
}

/* 8. thread-local storage */

static __thread int tls_counter = 5;
static __thread char tls_word[8] = "init";
static int global_counter;

struct tlsinfo {
	int index;
	int before, after;
	char word[8];
	int *addr;
};

static void *tls_thread(void *arg)
{
	struct tlsinfo *in = arg;
	in->before = tls_counter; /* every thread starts from the initial value */
	for (int i = 0; i < 1000; i++)
		tls_counter += in->index + 1;
	in->after = tls_counter;
	snprintf(tls_word, sizeof tls_word, "t%d", in->index);
	snprintf(in->word, sizeof in->word, "%s", tls_word);
	in->addr = &tls_counter;
	return NULL;
}

static void tls(void)
{
	printf("== 8. thread-local storage ==\n");
	tls_counter = 42; /* main's copy: the threads do not start from it */
	global_counter = 42;
	pthread_t t[NT];
	struct tlsinfo in[NT];
	for (int i = 0; i < NT; i++) {
		in[i].index = i;
		int e = pthread_create(&t[i], NULL, tls_thread, &in[i]);
		if (e)
			die("pthread_create", e);
	}
	for (int i = 0; i < NT; i++)
		pthread_join(t[i], NULL);
	int distinct = 1;
	for (int i = 0; i < NT; i++) {
		printf("thread %d: __thread int starts at %d, after 1000 adds of %d: %d; __thread char[]: \"%s\"\n",
		       i, in[i].before, i + 1, in[i].after, in[i].word);
		distinct &= in[i].addr != &tls_counter; /* main's copy is alive */
		for (int j = 0; j < i; j++)
			distinct &= in[i].addr != in[j].addr;
	}
	printf("main: __thread int still %d, __thread char[] still \"%s\"\n", tls_counter, tls_word);
	printf("each thread's &tls_counter distinct: %s\n", distinct ? "yes" : "no");
}

int main(void)
{
	ids();
	names();
	tls();
	return 0;
}

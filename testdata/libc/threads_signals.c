/* threads_signals: signals in a process with several threads, in ordinary
 * C: thread-directed (pthread_kill) and process-directed (kill) signals,
 * per-thread masks (pthread_sigmask), shared dispositions, sigwait.
 *
 * Handlers only record gettid() and count, or write gettid() into a pipe
 * (write is async-signal-safe). Every wait is a handshake: a thread blocks
 * a signal before it tells main it is ready (a barrier), then unblocks it
 * atomically in sigsuspend, or is sent only signals it does not block; a
 * process-directed signal is sent only once every thread has set its mask.
 * So which thread handles each signal is fixed by the masks, not by the
 * scheduler. Only main prints, after it has joined the threads or read
 * their result from a pipe.
 *
 * qemu-user 7.2 runs each guest thread as a host thread and gives the host
 * thread the guest's signal mask again before guest code resumes after a
 * call (linux-user's block_signals), so for a process-directed signal the
 * host kernel picks the thread Linux would. The same source built for
 * x86-64 (gcc -static, glibc 2.36) and run natively on the host's Linux 6.18
 * prints the same bytes. Not shown: sa_mask (qemu 7.2 reads it at the wrong
 * offset, see shared/reference/riscv64-abi-notes.md), and which thread gets
 * a process-directed signal when several leave it unblocked (the kernel's
 * choice, not a rule). */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

static void block(int sig, int how)
{
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, sig);
	int e = pthread_sigmask(how, &s, NULL);
	if (e)
		die("pthread_sigmask", e);
}

static int blocked_here(int sig)
{
	sigset_t s;
	pthread_sigmask(SIG_BLOCK, NULL, &s);
	return sigismember(&s, sig);
}

static const char *yes(int b)
{
	return b ? "yes" : "no";
}

/* 4a. pthread_kill: the handler runs in the target thread */

static volatile pid_t usr1_tid;
static volatile sig_atomic_t usr1_count;
static pthread_barrier_t ready2;

static void on_usr1(int sig)
{
	(void)sig;
	usr1_tid = gettid();
	usr1_count++;
}

struct target {
	pid_t tid;
	int suspend_ret, suspend_errno;
	int installed;
};

static void *target_thread(void *arg)
{
	struct target *t = arg;
	t->tid = gettid();
	/* the handler is installed here, in a thread: dispositions are the
	 * process's, main sees it too */
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_usr1;
	sigemptyset(&sa.sa_mask);
	t->installed = sigaction(SIGUSR1, &sa, NULL) == 0;
	block(SIGUSR1, SIG_BLOCK);
	pthread_barrier_wait(&ready2);
	sigset_t none;
	sigemptyset(&none);
	t->suspend_ret = sigsuspend(&none);
	t->suspend_errno = errno;
	return NULL;
}

static void thread_directed(void)
{
	printf("== 4a. pthread_kill: a thread-directed signal ==\n");
	pthread_barrier_init(&ready2, NULL, 2);
	struct target tg = { 0, 0, 0, 0 };
	pthread_t t;
	start(&t, target_thread, &tg);
	pthread_barrier_wait(&ready2);
	struct sigaction now;
	sigaction(SIGUSR1, NULL, &now);
	printf("handler installed by the thread, seen by main: %s\n",
	       yes(tg.installed && now.sa_handler == on_usr1));
	printf("main does not block SIGUSR1: %s\n", yes(!blocked_here(SIGUSR1)));
	printf("pthread_kill(thread, 0): %d\n", pthread_kill(t, 0));
	int e = pthread_kill(t, SIGUSR1);
	join(t);
	printf("pthread_kill(thread, SIGUSR1): %d\n", e);
	printf("handled in the target thread: %s\n", yes(usr1_tid == tg.tid));
	printf("handler ran %d time(s); the thread's sigsuspend returned %d, errno EINTR: %s\n",
	       (int)usr1_count, tg.suspend_ret, yes(tg.suspend_errno == EINTR));
	pthread_barrier_destroy(&ready2);
}

/* 4b. kill(getpid()) goes to the one thread that does not block it */

#define NT 3
static int tidpipe[2], quitpipe[2];
static volatile sig_atomic_t usr2_count;
static pthread_barrier_t ready4;

static void on_usr2(int sig)
{
	(void)sig;
	int saved = errno;
	pid_t me = gettid();
	usr2_count++;
	if (write(tidpipe[1], &me, sizeof me) != sizeof me)
		_exit(101);
	errno = saved;
}

struct waiter {
	int index;
	pid_t tid;
	int blocks;
};

static void *waiter_thread(void *arg)
{
	struct waiter *w = arg;
	w->tid = gettid();
	if (w->index == 1)
		block(SIGUSR2, SIG_UNBLOCK); /* the only one */
	w->blocks = blocked_here(SIGUSR2);
	pthread_barrier_wait(&ready4);
	char c;
	/* SA_RESTART: the handler does not end this read */
	while (read(quitpipe[0], &c, 1) < 0 && errno == EINTR)
		;
	return NULL;
}

static void process_directed(void)
{
	printf("== 4b. kill(getpid(), SIGUSR2): a process-directed signal ==\n");
	if (pipe(tidpipe) < 0 || pipe(quitpipe) < 0)
		die("pipe", errno);
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_usr2;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR2, &sa, NULL);
	block(SIGUSR2, SIG_BLOCK); /* inherited by the threads */
	pthread_barrier_init(&ready4, NULL, NT + 1);
	pthread_t t[NT];
	struct waiter w[NT];
	for (int i = 0; i < NT; i++) {
		w[i].index = i;
		start(&t[i], waiter_thread, &w[i]);
	}
	pthread_barrier_wait(&ready4);
	for (int i = 0; i < NT; i++)
		printf("thread %d blocks SIGUSR2: %s\n", i, yes(w[i].blocks));
	printf("main blocks SIGUSR2: %s (a thread's pthread_sigmask is its own)\n",
	       yes(blocked_here(SIGUSR2)));
	int k = kill(getpid(), SIGUSR2);
	pid_t got;
	ssize_t n = read(tidpipe[0], &got, sizeof got);
	if (write(quitpipe[1], "qqq", NT) != NT)
		die("write", errno);
	for (int i = 0; i < NT; i++)
		join(t[i]);
	printf("kill(getpid(), SIGUSR2): %d; the handler reported %zd bytes\n", k, n);
	printf("handled by thread 1, the one that does not block it: %s\n", yes(got == w[1].tid));
	printf("handled by main: %s; handler ran %d time(s)\n", yes(got == gettid()), (int)usr2_count);
	block(SIGUSR2, SIG_UNBLOCK);
	printf("main unblocks SIGUSR2 afterwards: nothing was left pending, the handler ran %d time(s)\n",
	       (int)usr2_count);
	close(tidpipe[0]);
	close(tidpipe[1]);
	close(quitpipe[0]);
	close(quitpipe[1]);
	pthread_barrier_destroy(&ready4);
}

/* 4c. sigwait in a dedicated signal thread */

static pthread_mutex_t sw_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t sw_cond = PTHREAD_COND_INITIALIZER;
static int sw_go, sw_got[3], sw_n;

static void *sigwait_thread(void *arg)
{
	(void)arg;
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_mutex_lock(&sw_lock);
	while (!sw_go)
		pthread_cond_wait(&sw_cond, &sw_lock);
	pthread_mutex_unlock(&sw_lock);
	for (;;) {
		int sig;
		int e = sigwait(&set, &sig);
		if (e)
			die("sigwait", e);
		pthread_mutex_lock(&sw_lock);
		sw_got[sw_n++] = sig;
		pthread_cond_signal(&sw_cond);
		pthread_mutex_unlock(&sw_lock);
		if (sig == SIGTERM)
			return NULL;
	}
}

static const char *signame(int sig)
{
	switch (sig) {
	case SIGHUP: return "SIGHUP";
	case SIGINT: return "SIGINT";
	case SIGTERM: return "SIGTERM";
	default: return "other";
	}
}

static void with_sigwait(void)
{
	printf("== 4c. sigwait in a dedicated thread ==\n");
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL); /* in every thread from here */
	pthread_t t;
	start(&t, sigwait_thread, NULL);

	/* blocked everywhere: both stay pending for the process */
	kill(getpid(), SIGINT);
	kill(getpid(), SIGHUP);
	sigset_t pend;
	sigpending(&pend);
	printf("after kill SIGINT, SIGHUP: pending in main: SIGINT %s, SIGHUP %s\n",
	       yes(sigismember(&pend, SIGINT)), yes(sigismember(&pend, SIGHUP)));
	pthread_mutex_lock(&sw_lock);
	sw_go = 1;
	pthread_cond_signal(&sw_cond);
	while (sw_n < 2)
		pthread_cond_wait(&sw_cond, &sw_lock);
	pthread_mutex_unlock(&sw_lock);
	sigpending(&pend);
	printf("the signal thread's sigwait took them (lowest first): %s, %s; pending in main now: %s\n",
	       signame(sw_got[0]), signame(sw_got[1]),
	       yes(sigismember(&pend, SIGINT) || sigismember(&pend, SIGHUP)));
	pthread_kill(t, SIGTERM);
	join(t);
	printf("pthread_kill(signal thread, SIGTERM): sigwait returned %s, the thread ended\n",
	       signame(sw_got[2]));
}

int main(void)
{
	thread_directed();
	process_directed();
	with_sigwait();
	return 0;
}

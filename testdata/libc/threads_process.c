/* threads_process: threads and the process around them, in ordinary C:
 * exit from a thread (exit_group) and pthread_exit, by a thread and by
 * main; fork from a thread (the child has only the calling thread);
 * execve from a thread (the other threads vanish).
 *
 * Whatever ends a whole process runs in a forked child, and the parent
 * prints the child's status after waitpid. A forked child that prints does
 * so while its parent waits for it, and stdout is flushed before every
 * fork, so each line is written once and in a fixed place. In the parent
 * only main prints, after joining the threads it reports on. No ids are printed, only
 * relations, and tids are compared with the raw tgkill(pid, tid, 0), which
 * is ESRCH when tid is not a thread of pid.
 *
 * The exec'd program is this one, through /proc/self/exe, with argv[1]
 * "exec'd". Under qemu-user the host kernel performs the execve, so the
 * recording needs binfmt_misc to hand a RISC-V ELF to qemu-riscv64 (see
 * scripts/libc-programs.sh); qemu 7.2 replaces /proc/self/exe by the guest
 * program's path. qemu-user runs each guest thread as a host thread with
 * the same tid, so tids and tgkill answer as on Linux.
 *
 * Checked against the kernel itself as well: the same source built for
 * x86-64 (gcc -static, glibc 2.36) and run natively on the host's Linux
 * 6.18 prints the same bytes as the qemu-riscv64 recordings. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
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

static const char *yes(int b)
{
	return b ? "yes" : "no";
}

/* tgkill(pid, tid, 0): 0 if tid is a thread of pid, else the errno */
static const char *thread_of(pid_t pid, pid_t tid)
{
	if (syscall(SYS_tgkill, pid, tid, 0) == 0)
		return "0";
	return errno == ESRCH ? "ESRCH" : "other error";
}

static void report(const char *who, int status)
{
	if (WIFEXITED(status))
		printf("%s: exited with %d\n", who, WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		printf("%s: killed by signal %d\n", who, WTERMSIG(status));
	else
		printf("%s: status 0x%x\n", who, status);
}

static pid_t fork_flushed(void)
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0)
		die("fork", errno);
	return pid;
}

static void wait_report(pid_t pid, const char *who)
{
	int status;
	pid_t w = waitpid(pid, &status, 0);
	if (w != pid)
		die("waitpid", errno);
	report(who, status);
}

/* a thread that blocks in read until the pipe's write end is closed or the
 * process ends; it publishes its tid first */
static int never[2];

struct blocked {
	pid_t tid;
	sem_t ready;
};

static void *blocked_thread(void *arg);

static void start_blocked(pthread_t *t, struct blocked *b)
{
	if (pipe(never) < 0)
		die("pipe", errno);
	sem_init(&b->ready, 0, 0);
	start(t, blocked_thread, b);
	while (sem_wait(&b->ready) < 0)
		;
}

static void *blocked_thread(void *arg)
{
	struct blocked *b = arg;
	b->tid = gettid();
	sem_post(&b->ready);
	char c;
	while (read(never[0], &c, 1) < 0 && errno == EINTR)
		; /* until end of file (or the end of the process) */
	return NULL;
}

/* 5. exit and pthread_exit */

static void *exit3_thread(void *arg)
{
	(void)arg;
	exit(3);
}

static int cleanup_ran, after_pthread_exit;

static void cleanup(void *arg)
{
	cleanup_ran = *(int *)arg;
}

static void finish_early(void)
{
	pthread_exit((void *)42);
}

static void *pthread_exit_thread(void *arg)
{
	(void)arg;
	static int code = 17;
	pthread_cleanup_push(cleanup, &code);
	finish_early();
	after_pthread_exit = 1;
	pthread_cleanup_pop(0);
	return (void *)1;
}

static pthread_mutex_t go_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t go_cond = PTHREAD_COND_INITIALIZER;
static int main_leaving;

static void *outliving_worker(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&go_lock);
	while (!main_leaving)
		pthread_cond_wait(&go_cond, &go_lock);
	pthread_mutex_unlock(&go_lock);
	long s = 0;
	for (int i = 1; i <= 1000; i++)
		s += i;
	printf("  child's worker: main has called pthread_exit; sum 1..1000 = %ld\n", s);
	return NULL; /* the last thread: the process exits 0, stdout is flushed */
}

static void exits(void)
{
	printf("== 5. exit and pthread_exit ==\n");
	pthread_t t;
	pid_t pid = fork_flushed();
	if (pid == 0) {
		start(&t, exit3_thread, NULL);
		pthread_join(t, NULL); /* never returns: exit(3) ends every thread */
		_exit(99);
	}
	wait_report(pid, "a thread calls exit(3) while main is in pthread_join");

	pid = fork_flushed();
	if (pid == 0) {
		struct blocked b;
		start_blocked(&t, &b);
		exit(5); /* as main's return 5 would */
	}
	wait_report(pid, "main calls exit(5) while a thread is blocked in read");

	start(&t, pthread_exit_thread, NULL);
	void *ret;
	pthread_join(t, &ret);
	printf("a thread calls pthread_exit((void *)42): pthread_join gives %ld, cleanup handler ran with %d, code after it ran: %s\n",
	       (long)ret, cleanup_ran, yes(after_pthread_exit));

	pid = fork_flushed();
	if (pid == 0) {
		start(&t, outliving_worker, NULL);
		pthread_mutex_lock(&go_lock);
		main_leaving = 1;
		pthread_cond_signal(&go_cond);
		pthread_mutex_unlock(&go_lock);
		pthread_exit(NULL);
	}
	wait_report(pid, "main calls pthread_exit, a worker finishes and returns");
}

/* 6. fork and execve from a thread */

struct forker {
	pid_t other_tid; /* a thread that is blocked in read during the fork */
	int status;
	pid_t child, waited;
};

static int written_before_fork;

static void *child_thread(void *arg)
{
	(void)arg;
	return (void *)7;
}

static void *forking_thread(void *arg)
{
	struct forker *f = arg;
	pid_t parent = getpid(), me = gettid();
	written_before_fork = 1234;
	pid_t pid = fork(); /* stdout was flushed by main */
	if (pid < 0)
		die("fork", errno);
	if (pid == 0) {
		printf("  child of a thread: getpid() == gettid(): %s\n", yes(getpid() == gettid()));
		printf("  child: getppid() is the forking process: %s\n", yes(getppid() == parent));
		printf("  child: tgkill(child, the forking thread's old tid, 0): %s\n",
		       thread_of(getpid(), me));
		printf("  child: tgkill(child, another thread's tid, 0): %s (that thread is not in the child)\n",
		       thread_of(getpid(), f->other_tid));
		printf("  child: memory written before the fork: %d\n", written_before_fork);
		pthread_t t;
		void *ret;
		start(&t, child_thread, NULL);
		pthread_join(t, &ret);
		printf("  child: a new thread created and joined, it returned %ld\n", (long)ret);
		exit(0);
	}
	f->child = pid;
	f->waited = waitpid(pid, &f->status, 0);
	return NULL;
}

struct execer {
	pid_t other_tid;
};

static void *exec_thread(void *arg)
{
	struct execer *x = arg;
	char pid[32], me[32], other[32];
	snprintf(pid, sizeof pid, "%d", (int)getpid());
	snprintf(me, sizeof me, "%d", (int)gettid());
	snprintf(other, sizeof other, "%d", (int)x->other_tid);
	char *argv[] = { "threads_process", "exec'd", pid, me, other, NULL };
	char *envp[] = { NULL };
	execve("/proc/self/exe", argv, envp);
	die("execve", errno);
	return NULL;
}

static void fork_exec(void)
{
	printf("== 6. fork and execve from a thread ==\n");
	pthread_t b, f;
	struct blocked bl;
	start_blocked(&b, &bl);
	struct forker fk = { bl.tid, 0, 0, 0 };
	fflush(stdout);
	start(&f, forking_thread, &fk);
	pthread_join(f, NULL);
	printf("fork from a thread: waitpid returned the child's pid: %s\n", yes(fk.waited == fk.child));
	report("fork from a thread: the child", fk.status);
	/* release the blocked thread */
	close(never[1]);
	pthread_join(b, NULL);
	close(never[0]);

	pid_t pid = fork_flushed();
	if (pid == 0) {
		pthread_t t1, t2;
		struct blocked bl;
		start_blocked(&t1, &bl);
		struct execer x = { bl.tid };
		start(&t2, exec_thread, &x);
		pthread_join(t2, NULL); /* never returns: the exec ends this thread */
		_exit(99);
	}
	wait_report(pid, "execve from a thread of a forked child");
}

static int execd(int argc, char **argv)
{
	printf("  exec'd: argc %d\n", argc);
	if (argc != 5)
		return 1;
	pid_t before = atoi(argv[2]), exec_tid = atoi(argv[3]), other = atoi(argv[4]);
	printf("  exec'd: getpid() is the pid before the exec: %s\n", yes(getpid() == before));
	printf("  exec'd: getpid() == gettid(): %s (the exec'ing thread took the pid)\n",
	       yes(getpid() == gettid()));
	printf("  exec'd: tgkill(pid, the exec'ing thread's old tid, 0): %s\n",
	       thread_of(getpid(), exec_tid));
	printf("  exec'd: tgkill(pid, the other thread's tid, 0): %s (it vanished)\n",
	       thread_of(getpid(), other));
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "exec'd") == 0)
		return execd(argc, argv);
	exits();
	fork_exec();
	return 0;
}

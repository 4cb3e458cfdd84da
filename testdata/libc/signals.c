/* signals: signal(), sigaction (SA_SIGINFO, SA_RESETHAND, SA_RESTART),
 * sigprocmask and sigpending, sigsuspend, kill between parent and child,
 * SIGCHLD, alarm and pause, an ignored SIGPIPE, in ordinary C.
 *
 * Handlers only set flags or record values (printf is not async-signal-
 * safe); main prints. A parent and a child take turns through pipes and
 * signals, so the order of every line is fixed. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t usr1_count, chld_count, alarm_seen;
static volatile sig_atomic_t usr2_code, usr2_from_child, usr2_value;
static pid_t child_pid;

static void on_usr1(int sig)
{
	(void)sig;
	usr1_count++;
}

static void on_usr2(int sig, siginfo_t *si, void *ctx)
{
	(void)ctx;
	usr2_code = si->si_code;
	usr2_from_child = si->si_pid == child_pid && sig == SIGUSR2;
	usr2_value = si->si_signo;
}

static void on_chld(int sig)
{
	(void)sig;
	chld_count++;
}

static void on_alarm(int sig)
{
	(void)sig;
	alarm_seen = 1;
}

static void status_line(const char *who, int status)
{
	if (WIFEXITED(status))
		printf("%s: exited with %d\n", who, WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		printf("%s: killed by signal %d\n", who, WTERMSIG(status));
}

int main(void)
{
	/* signal() and raise(). */
	signal(SIGUSR1, on_usr1);
	raise(SIGUSR1);
	raise(SIGUSR1);
	printf("SIGUSR1 handled %d times\n", (int)usr1_count);

	/* Blocked: pending, not delivered, until unblocked. */
	sigset_t set, old, pend;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, &old);
	raise(SIGUSR1);
	raise(SIGUSR1); /* standard signals do not queue */
	sigpending(&pend);
	printf("blocked: pending %d, handled %d\n", sigismember(&pend, SIGUSR1),
	       (int)usr1_count);
	sigprocmask(SIG_SETMASK, &old, NULL);
	printf("unblocked: handled %d\n", (int)usr1_count);

	/* The old action comes back from sigaction. */
	struct sigaction sa, prev;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGUSR1, &sa, &prev);
	printf("previous SIGUSR1 action is on_usr1: %s\n",
	       prev.sa_handler == on_usr1 ? "yes" : "no");
	raise(SIGUSR1);
	printf("ignored: handled %d\n", (int)usr1_count);

	/* SA_SIGINFO: the child signals its parent, si_pid and si_code. */
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_usr2;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR2, &sa, NULL);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_chld;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGCHLD, &sa, NULL);

	sigset_t usr2, waitmask;
	sigemptyset(&usr2);
	sigaddset(&usr2, SIGUSR2);
	sigaddset(&usr2, SIGCHLD);
	sigprocmask(SIG_BLOCK, &usr2, &waitmask); /* no race with sigsuspend */
	sigdelset(&waitmask, SIGUSR2);
	sigdelset(&waitmask, SIGCHLD);
	fflush(stdout);
	child_pid = fork();
	if (child_pid == 0) {
		kill(getppid(), SIGUSR2);
		exit(7);
	}
	while (!usr2_from_child)
		sigsuspend(&waitmask);
	printf("SIGUSR2 from the child: si_code SI_USER: %s, si_signo %d\n",
	       usr2_code == SI_USER ? "yes" : "no", (int)usr2_value);
	while (chld_count == 0)
		sigsuspend(&waitmask);
	int status;
	pid_t w = waitpid(child_pid, &status, 0);
	printf("SIGCHLD handled %d time(s), waitpid returned the child: %s\n",
	       (int)chld_count, w == child_pid ? "yes" : "no");
	status_line("child", status);
	sigprocmask(SIG_UNBLOCK, &usr2, NULL);
	signal(SIGCHLD, SIG_DFL);

	/* A child that handles SIGUSR1 once (SA_RESETHAND): the second kills. */
	int ready[2], go[2];
	pipe(ready);
	pipe(go);
	fflush(stdout);
	pid_t c = fork();
	if (c == 0) {
		/* SIGUSR1 stays blocked except inside sigsuspend, so the
		 * parent's signal is handled there whenever it arrives. */
		sigset_t block, during;
		sigemptyset(&block);
		sigaddset(&block, SIGUSR1);
		sigprocmask(SIG_BLOCK, &block, &during);
		sigdelset(&during, SIGUSR1);
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_usr1;
		sa.sa_flags = SA_RESETHAND;
		sigaction(SIGUSR1, &sa, NULL);
		usr1_count = 0;
		write(ready[1], "r", 1);
		errno = 0;
		int r = sigsuspend(&during);
		struct sigaction now;
		sigaction(SIGUSR1, NULL, &now);
		printf("child: sigsuspend %d (EINTR: %s), handler ran %d time(s), action reset to SIG_DFL: %s\n",
		       r, errno == EINTR ? "yes" : "no", (int)usr1_count,
		       now.sa_handler == SIG_DFL ? "yes" : "no");
		fflush(stdout);
		write(ready[1], "r", 1);
		sigsuspend(&during); /* the second SIGUSR1 kills */
		_exit(0);
	}
	char b;
	read(ready[0], &b, 1);
	kill(c, SIGUSR1);
	read(ready[0], &b, 1);
	kill(c, SIGUSR1);
	waitpid(c, &status, 0);
	status_line("SA_RESETHAND child", status);

	/* A child ignoring SIGINT and SIGTERM lives on; SIGKILL cannot be ignored. */
	fflush(stdout);
	c = fork();
	if (c == 0) {
		signal(SIGINT, SIG_IGN);
		signal(SIGTERM, SIG_IGN);
		write(ready[1], "r", 1);
		for (;;)
			pause();
	}
	read(ready[0], &b, 1);
	kill(c, SIGINT);
	kill(c, SIGTERM);
	printf("after SIGINT and SIGTERM, WNOHANG: %d\n", (int)waitpid(c, &status, WNOHANG));
	printf("sigaction(SIGKILL) refused with EINVAL: %s\n",
	       sigaction(SIGKILL, &sa, NULL) < 0 && errno == EINVAL ? "yes" : "no");
	kill(c, SIGKILL);
	waitpid(c, &status, 0);
	status_line("ignoring child", status);

	/* alarm and pause. */
	signal(SIGALRM, on_alarm);
	alarm(1);
	pause();
	printf("pause returned after SIGALRM: %s\n", alarm_seen ? "yes" : "no");
	printf("alarm(0) with none set: %u\n", alarm(0));

	/* SIGPIPE ignored: write gives EPIPE. */
	signal(SIGPIPE, SIG_IGN);
	int p[2];
	pipe(p);
	close(p[0]);
	errno = 0;
	ssize_t n = write(p[1], "x", 1);
	printf("write to a pipe with no reader: %zd, %s\n", n, strerror(errno));

	/* Default SIGPIPE in a child kills it. */
	fflush(stdout);
	c = fork();
	if (c == 0) {
		signal(SIGPIPE, SIG_DFL);
		write(p[1], "x", 1);
		_exit(0);
	}
	waitpid(c, &status, 0);
	status_line("child writing to a broken pipe", status);
	printf("strsignal(SIGTERM): %s\n", strsignal(SIGTERM));
	return 0;
}

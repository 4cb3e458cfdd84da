/*
 * sigsuspendpingpong N: parent and child bounce SIGUSR1 N times; each has
 * a handler, keeps the signal blocked, and waits for it in sigsuspend
 * (rt_sigsuspend), so every round trip runs two handlers and two
 * rt_sigreturns. Prints "round trips: N". Signal ping-pong benchmark
 * (BENCHMARKS.md).
 */
#include "bench.h"
#include <signal.h>

static volatile sig_atomic_t got;

static void on_usr1(int sig)
{
	(void)sig;
	got = 1;
}

static void await(const sigset_t *open)
{
	while (!got)
		sigsuspend(open);
	got = 0;
}

int main(int argc, char **argv)
{
	long n = count(argc, argv, 1000);
	sigset_t s, open;
	struct sigaction sa = { .sa_handler = on_usr1 };
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	if (sigaction(SIGUSR1, &sa, 0) < 0 || sigprocmask(SIG_BLOCK, &s, &open) < 0)
		fail("sigaction");
	pid_t parent = getpid(), pid = fork();
	if (pid < 0)
		fail("fork");
	if (pid == 0) {
		for (long i = 0; i < n; i++) {
			await(&open);
			if (kill(parent, SIGUSR1) < 0)
				fail("child kill");
		}
		_exit(0);
	}
	for (long i = 0; i < n; i++) {
		if (kill(pid, SIGUSR1) < 0)
			fail("kill");
		await(&open);
	}
	reap(pid);
	printf("round trips: %ld\n", n);
	return 0;
}

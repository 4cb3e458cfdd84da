/*
 * sigwaitpingpong N: parent and child bounce SIGUSR1 N times, each
 * blocking it and taking it with sigwaitinfo (rt_sigtimedwait). Prints
 * "round trips: N". Signal ping-pong benchmark (BENCHMARKS.md).
 */
#include "bench.h"
#include <signal.h>

int main(int argc, char **argv)
{
	long n = count(argc, argv, 1000);
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	if (sigprocmask(SIG_BLOCK, &s, 0) < 0)
		fail("sigprocmask");
	pid_t parent = getpid(), pid = fork();
	if (pid < 0)
		fail("fork");
	if (pid == 0) {
		for (long i = 0; i < n; i++)
			if (sigwaitinfo(&s, 0) != SIGUSR1 || kill(parent, SIGUSR1) < 0)
				fail("child sigwaitinfo/kill");
		_exit(0);
	}
	for (long i = 0; i < n; i++)
		if (kill(pid, SIGUSR1) < 0 || sigwaitinfo(&s, 0) != SIGUSR1)
			fail("kill/sigwaitinfo");
	reap(pid);
	printf("round trips: %ld\n", n);
	return 0;
}

/*
 * bench.h: what the musl benchmark programs share: the count from argv[1],
 * a failure exit, and the one line each prints ("round trips: N"), the
 * only output that scripts/bench-vs-qemu.sh reads.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/wait.h>

static long count(int argc, char **argv, long def)
{
	return argc > 1 ? atol(argv[1]) : def;
}

static void fail(const char *what)
{
	perror(what);
	_exit(1);
}

/* reap waits for the child and fails unless it exited 0 (inline: a
 * program of threads has no child). */
static inline void reap(pid_t pid)
{
	int st;
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		fail("child");
}

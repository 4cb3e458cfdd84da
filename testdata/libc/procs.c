/* procs: fork, pipe, waitpid, malloc/realloc/free, exit statuses and
 * printf's floating-point conversions, in ordinary C.
 *
 * Three children each sum a slice of a malloc'd array of doubles and send
 * the sum to the parent through their own pipe; the parent reaps them in
 * order (waitpid) and prints their exit codes. Further children show a
 * death by SIGTERM and by abort(). The output depends on nothing but the
 * program: the parent prints only before a fork (flushed) or after the
 * children it talks about have exited. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define N 1000
#define KIDS 3

static void die(const char *what)
{
	perror(what);
	exit(100);
}

static void report(const char *who, int status)
{
	if (WIFEXITED(status))
		printf("%s: exited with %d\n", who, WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		printf("%s: killed by signal %d (%s)\n", who, WTERMSIG(status),
		       WTERMSIG(status) == SIGTERM   ? "SIGTERM"
		       : WTERMSIG(status) == SIGABRT ? "SIGABRT"
						     : "other");
	else
		printf("%s: status 0x%x\n", who, status);
}

int main(void)
{
	double *v = malloc(N * sizeof *v);
	if (v == NULL)
		die("malloc");
	double total = 0;
	for (int i = 0; i < N; i++) {
		v[i] = (i + 1) / 8.0 - (i % 7) * 0.25;
		total += v[i];
	}
	printf("array of %d doubles, sum %f\n", N, total);
	fflush(stdout);

	int fds[KIDS][2];
	pid_t pids[KIDS];
	for (int k = 0; k < KIDS; k++) {
		if (pipe(fds[k]) < 0)
			die("pipe");
		pids[k] = fork();
		if (pids[k] < 0)
			die("fork");
		if (pids[k] == 0) {
			close(fds[k][0]);
			double s = 0;
			int lo = k * N / KIDS, hi = (k + 1) * N / KIDS;
			for (int i = lo; i < hi; i++)
				s += v[i];
			if (write(fds[k][1], &s, sizeof s) != sizeof s)
				_exit(99);
			free(v);
			exit(10 + k);
		}
		close(fds[k][1]);
	}
	double sum = 0;
	for (int k = 0; k < KIDS; k++) {
		double s;
		ssize_t n = read(fds[k][0], &s, sizeof s);
		int status;
		pid_t w = waitpid(pids[k], &status, 0);
		printf("child %d: read %zd bytes, partial sum %.3f; waitpid returned its pid: %s; ",
		       k, n, s, w == pids[k] ? "yes" : "no");
		report("status", status);
		n = read(fds[k][0], &s, sizeof s);
		printf("child %d: read after its exit: %zd\n", k, n);
		close(fds[k][0]);
		sum += s;
	}
	printf("sum of partial sums %f, equal to the total: %s\n", sum,
	       sum == total ? "yes" : "no");
	int status;
	errno = 0;
	int rc = waitpid(-1, &status, 0);
	printf("waitpid with no children left: %d, errno ECHILD: %s\n",
	       rc, errno == ECHILD ? "yes" : "no");

	/* A child blocked reading a pipe, killed by SIGTERM. */
	int p[2];
	if (pipe(p) < 0)
		die("pipe");
	fflush(stdout);
	pid_t c = fork();
	if (c == 0) {
		char b;
		close(p[1]);
		read(p[0], &b, 1);
		_exit(1);
	}
	close(p[0]);
	kill(c, SIGTERM);
	waitpid(c, &status, 0);
	report("blocked reader", status);
	close(p[1]);

	/* abort(): SIGABRT, even with a handler that returns. */
	fflush(stdout);
	c = fork();
	if (c == 0) {
		signal(SIGABRT, SIG_IGN);
		abort();
	}
	waitpid(c, &status, 0);
	report("abort", status);

	/* WNOHANG on a live child, then a status of 255 from exit(-1). */
	if (pipe(p) < 0)
		die("pipe");
	fflush(stdout);
	c = fork();
	if (c == 0) {
		char b;
		close(p[1]);
		read(p[0], &b, 1); /* until the parent closes its end */
		exit(-1);
	}
	close(p[0]);
	printf("WNOHANG on a live child: %d\n", (int)waitpid(c, &status, WNOHANG));
	close(p[1]);
	waitpid(c, &status, 0);
	report("exit(-1)", status);

	/* malloc and realloc: a growing string, a large block. */
	size_t cap = 1;
	char *s = malloc(cap);
	s[0] = 0;
	for (int i = 0; i < 200; i++) {
		char word[16];
		int n = snprintf(word, sizeof word, "%d,", i * i);
		if (strlen(s) + n + 1 > cap) {
			cap *= 2;
			s = realloc(s, cap);
			if (s == NULL)
				die("realloc");
		}
		strcat(s, word);
	}
	printf("string of %zu bytes in %zu, ends with \"%s\"\n", strlen(s), cap,
	       s + strlen(s) - 12);
	free(s);
	char *big = malloc(3 << 20); /* above the mmap threshold */
	memset(big, 'x', 3 << 20);
	long count = 0;
	for (int i = 0; i < 3 << 20; i += 4096)
		count += big[i] == 'x';
	printf("3 MiB block: %ld pages written\n", count);
	free(big);
	free(v);

	/* printf's conversions of doubles. */
	double xs[] = {0.0, -0.0, 1.0 / 3, 2.5, -1234.5678, 1e10 / 7, 6.02214076e23,
		       1e-7, 123456789.125};
	for (unsigned i = 0; i < sizeof xs / sizeof xs[0]; i++)
		printf("%%f %f | %%.2f %.2f | %%e %e | %%g %g | %%10.3f [%10.3f] | %%-12.1e [%-12.1e]\n",
		       xs[i], xs[i], xs[i], xs[i], xs[i], xs[i]);
	printf("float %f, long double %Lf\n", (float)0.1, (long double)1 / 3);
	printf("strtod(\"3.25e2\") %f, atof(\"-0.125\") %f\n", strtod("3.25e2", NULL),
	       atof("-0.125"));
	return 0;
}

/*
 * srv.h: what the five servers and their client share (the scenarios
 * server_iterative, server_fork, server_nonblock, server_select and
 * server_epoll in ../scenarios/).
 *
 * One protocol for all: a Unix stream socket bound to /tmp/srv; a client
 * connects, sends one request ("request from client N"), and reads the
 * answer ("ok: request from client N") until the server closes the
 * connection. To answer, the server works for a fixed number of loop
 * iterations (WORK), so that serving costs cycles that show in the trace.
 * Every line of output is one write(2) (a line buffer, ../mqdemo/demo.h).
 */
#ifndef SRV_H
#define SRV_H
#include "../mqdemo/demo.h"

#define SRV_PATH "/tmp/srv"
#define CLIENTS  3
/* listen(2)'s backlog. Linux queues a connection while the queue holds no
 * more than backlog (unix_recvq_full: length > backlog is full), so with 0
 * one connection waits to be accepted and a second blocks in connect. */
#define BACKLOG  0
/* Iterations of the work loop: about 10000 cycles (instructions). */
#define WORK     1600

#ifndef CLOCK_PROCESS_CPUTIME_ID
#define CLOCK_PROCESS_CPUTIME_ID 2
#endif

/* CLOCK_MONOTONIC in ns: on ipcsim the virtual clock, one cycle a ns. */
static long now_ns(void)
{
	struct timespec ts;
	sys_clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

/* The CPU time this process has used, in ns: on ipcsim the cycles it ran
 * in user mode (a forked child starts from 0, as on Linux). */
static long cpu_ns(void)
{
	struct timespec ts;
	sys_clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

static void die(const char *what, long err)
{
	struct line l = { .n = 0 };
	l_str(&l, what);
	l_str(&l, " failed: ");
	l_dec(&l, err);
	l_end(&l);
	sys_exit_group(1);
}

/* socket(AF_UNIX, SOCK_STREAM | flags), bound to SRV_PATH (a stale socket
 * file is unlinked first), listening. */
static int listen_on(int flags)
{
	struct sockaddr_un a;
	long len = sun_path_addr(&a, SRV_PATH);
	sys_unlinkat(AT_FDCWD, SRV_PATH, 0);
	long fd = sys_socket(AF_UNIX, SOCK_STREAM | flags, 0);
	if (fd < 0)
		die("socket", fd);
	long r = sys_bind(fd, &a, len);
	if (r < 0)
		die("bind", r);
	r = sys_listen(fd, BACKLOG);
	if (r < 0)
		die("listen", r);
	return fd;
}

/* The work a request costs: WORK turns of a loop the compiler must keep. */
static void work(void)
{
	for (volatile int i = 0; i < WORK; i++)
		;
}

/* Answer the request req (n bytes) on fd: work, then "ok: " + req. The
 * server prints what it answered ("server: answered ..." or, for a child
 * of the forking server, who). */
static void answer(int fd, const char *who, const char *req, long n)
{
	struct line l = { .n = 0 };
	work();
	char out[128];
	long m = 0;
	for (const char *p = "ok: "; *p; p++)
		out[m++] = *p;
	for (long i = 0; i < n && m < (long)sizeof out; i++)
		out[m++] = req[i];
	sys_write(fd, out, m);
	l_str(&l, who);
	l_str(&l, ": answered \"");
	l_mem(&l, req, n);
	l_str(&l, "\" at ");
	l_dec(&l, now_ns());
	l_str(&l, " ns");
	l_end(&l);
}

/* Read one request from fd (blocking or not, as fd is) and answer it;
 * returns what read returned (> 0 once answered, -EAGAIN if nothing was
 * there, 0 at end of file). */
static long serve(int fd, const char *who)
{
	char req[100];
	long n = sys_read(fd, req, sizeof req);
	if (n > 0)
		answer(fd, who, req, n);
	return n;
}

/* "server: ... CPU time N ns" as the last line of each server. */
static void say_cpu(struct line *l)
{
	l_str(l, "; CPU time ");
	l_dec(l, cpu_ns());
	l_str(l, " ns, done at ");
	l_dec(l, now_ns());
	l_str(l, " ns");
	l_end(l);
}

#endif

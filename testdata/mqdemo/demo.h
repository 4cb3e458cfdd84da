/*
 * demo.h: what the message-queue demos add to the conformance runtime
 * (../linux/rt/rt.h): a line buffer, so that every line of output is one
 * write(2) and reads as one line in the trace, and a few wrappers.
 */
#ifndef DEMO_H
#define DEMO_H
#include "rt/rt.h"

/* A line is built in a buffer and written with one write(2). */
struct line { char b[200]; int n; };

static void l_str(struct line *l, const char *s)
{
	while (*s && l->n < (int)sizeof l->b)
		l->b[l->n++] = *s++;
}

static void l_mem(struct line *l, const char *s, long n)
{
	for (long i = 0; i < n && l->n < (int)sizeof l->b; i++)
		l->b[l->n++] = s[i];
}

static void l_dec(struct line *l, long v)
{
	char buf[24];
	int i = sizeof buf;
	unsigned long u = v < 0 ? -(unsigned long)v : (unsigned long)v;
	do {
		buf[--i] = '0' + u % 10;
		u /= 10;
	} while (u);
	if (v < 0)
		buf[--i] = '-';
	l_mem(l, buf + i, sizeof buf - i);
}

/* l_end adds a newline and writes the line. */
static void l_end(struct line *l)
{
	l_str(l, "\n");
	sys_write(1, l->b, l->n);
	l->n = 0;
}

/* Sleep for ns nanoseconds of virtual time (one cycle is one ns). */
static long sleep_ns(long ns)
{
	struct timespec ts = { ns / 1000000000, ns % 1000000000 };
	return sys_nanosleep(&ts, 0);
}

/* Start /bin/NAME with argv {NAME, arg} in a child; returns its pid. */
static long spawn(const char *path, char *name, char *arg)
{
	long pid = sys_fork();
	if (pid == 0) {
		char *argv[] = { name, arg, 0 };
		char *envp[] = { 0 };
		sys_execve(path, argv, envp);
		sys_exit_group(127);
	}
	return pid;
}

#endif

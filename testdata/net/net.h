/*
 * net.h: what the network scenarios' programs share (testdata/scenarios/
 * net_*.txtar). Ordinary C against musl: printf to the console (line
 * buffered, a line is one write), the virtual clock through
 * clock_gettime (one cycle is one ns), and die() for what must not fail.
 */
#ifndef NET_H
#define NET_H
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* CLOCK_MONOTONIC in ns: on ipcsim the virtual clock. */
static inline long now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

static inline void die(const char *what)
{
	printf("%s failed: %s\n", what, strerror(errno));
	exit(1);
}

/* addr fills a sockaddr_in from a dotted quad and a port. */
static inline struct sockaddr_in addr(const char *ip, int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	if (inet_pton(AF_INET, ip, &a.sin_addr) != 1) {
		printf("bad address %s\n", ip);
		exit(2);
	}
	return a;
}
#endif

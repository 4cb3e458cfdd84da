/*
 * server_iterative: the simplest server. One process, blocking calls, one
 * client at a time: accept a connection, read its request, work, answer,
 * close, and only then accept the next. While it waits for one client's
 * request (a blocking read), every other client waits too: in connect when
 * the listen queue is full, or in read for an answer that will come only
 * when its turn does.
 */
#include "srv.h"

int main(void)
{
	struct line l = { .n = 0 };
	int lfd = listen_on(0);
	for (int i = 0; i < CLIENTS; i++) {
		long c = sys_accept(lfd, 0, 0);
		if (c < 0)
			die("accept", c);
		serve(c, "server");
		sys_close(c);
	}
	sys_close(lfd);
	sys_unlinkat(AT_FDCWD, SRV_PATH, 0);
	l_str(&l, "server: 3 clients served one after another");
	say_cpu(&l);
	return 0;
}

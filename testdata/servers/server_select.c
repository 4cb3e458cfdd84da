/*
 * server_select: one process that sleeps until something is ready. Each
 * turn it builds the set of descriptors it cares about (the listening
 * socket while clients are still to come, and every open connection) and
 * calls pselect6, which blocks until one of them is readable: the listener
 * when a connection waits to be accepted, a connection when its request has
 * arrived. Then accept and read cannot block, and the server handles
 * exactly what select reported. A slow client holds up nobody, and the
 * server costs nothing while it waits.
 */
#include "srv.h"

int main(void)
{
	struct line l = { .n = 0 };
	int lfd = listen_on(0);
	int conn[CLIENTS], accepted = 0, served = 0;
	long calls = 0;
	fd_set rd;
	while (served < CLIENTS) {
		fdset_zero(&rd);
		int maxfd = 0;
		if (accepted < CLIENTS) {
			fdset_set(lfd, &rd);
			maxfd = lfd;
		}
		for (int i = 0; i < accepted; i++)
			if (conn[i] >= 0) {
				fdset_set(conn[i], &rd);
				if (conn[i] > maxfd)
					maxfd = conn[i];
			}
		long n = sys_pselect6(maxfd + 1, &rd, 0, 0, 0, 0);
		calls++;
		if (n < 0)
			die("pselect6", n);
		if (accepted < CLIENTS && fdset_isset(lfd, &rd)) {
			long c = sys_accept(lfd, 0, 0);
			if (c < 0)
				die("accept", c);
			conn[accepted++] = c;
		}
		for (int i = 0; i < accepted; i++) {
			if (conn[i] < 0 || !fdset_isset(conn[i], &rd))
				continue;
			serve(conn[i], "server");
			sys_close(conn[i]);
			conn[i] = -1;
			served++;
		}
	}
	sys_close(lfd);
	sys_unlinkat(AT_FDCWD, SRV_PATH, 0);
	l_str(&l, "server: 3 clients served after ");
	l_dec(&l, calls);
	l_str(&l, " calls of pselect6");
	say_cpu(&l);
	return 0;
}

/*
 * server_nonblock: one process, no blocking call at all. The listening
 * socket and every connection are non-blocking (SOCK_NONBLOCK), and the
 * server polls them in a loop: try accept, try a read on each connection,
 * and round again. Whatever is not ready answers EAGAIN at once. No client
 * holds up another, but the server never sleeps: while nobody needs it, it
 * spins through the loop, and every turn costs cycles that the clients
 * could have used.
 */
#include "srv.h"

int main(void)
{
	struct line l = { .n = 0 };
	int lfd = listen_on(SOCK_NONBLOCK);
	int conn[CLIENTS], accepted = 0, served = 0;
	long turns = 0, again_accept = 0, again_read = 0;
	while (served < CLIENTS) {
		turns++;
		if (accepted < CLIENTS) {
			long c = sys_accept4(lfd, 0, 0, SOCK_NONBLOCK);
			if (c == -EAGAIN)
				again_accept++;
			else if (c < 0)
				die("accept4", c);
			else
				conn[accepted++] = c;
		}
		for (int i = 0; i < accepted; i++) {
			if (conn[i] < 0)
				continue;
			long r = serve(conn[i], "server");
			if (r == -EAGAIN) {
				again_read++;
				continue;
			}
			sys_close(conn[i]);
			conn[i] = -1;
			served++;
		}
	}
	sys_close(lfd);
	sys_unlinkat(AT_FDCWD, SRV_PATH, 0);
	l_str(&l, "server: 3 clients served in ");
	l_dec(&l, turns);
	l_str(&l, " turns of the loop; EAGAIN from accept4 ");
	l_dec(&l, again_accept);
	l_str(&l, " times, from read ");
	l_dec(&l, again_read);
	l_str(&l, " times");
	l_end(&l);
	l_str(&l, "server: done");
	say_cpu(&l);
	return 0;
}

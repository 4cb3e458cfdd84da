/*
 * server_epoll: select's design with an epoll instance. The interest list
 * lives in the kernel: the server adds the listening socket once, and each
 * connection once when it accepts it, instead of passing every descriptor
 * on every call. epoll_pwait sleeps until an item is on the ready list and
 * returns only the ready ones (data = the descriptor), so the work per call
 * grows with what is ready, not with what is watched. Closing a connection
 * takes it off the interest list.
 */
#include "srv.h"

int main(void)
{
	struct line l = { .n = 0 };
	int lfd = listen_on(0);
	long ep = sys_epoll_create1(EPOLL_CLOEXEC);
	if (ep < 0)
		die("epoll_create1", ep);
	ep_ctl(ep, EPOLL_CTL_ADD, lfd, EPOLLIN, lfd);
	int accepted = 0, served = 0;
	long calls = 0;
	struct epoll_event evs[CLIENTS + 1];
	while (served < CLIENTS) {
		long n = sys_epoll_pwait(ep, evs, CLIENTS + 1, -1, 0);
		calls++;
		if (n < 0)
			die("epoll_pwait", n);
		for (long k = 0; k < n; k++) {
			int fd = evs[k].data;
			if (fd == lfd) {
				long c = sys_accept(lfd, 0, 0);
				if (c < 0)
					die("accept", c);
				ep_ctl(ep, EPOLL_CTL_ADD, c, EPOLLIN, c);
				if (++accepted == CLIENTS)
					ep_ctl(ep, EPOLL_CTL_DEL, lfd, 0, 0);
				continue;
			}
			serve(fd, "server");
			sys_close(fd);
			served++;
		}
	}
	sys_close(ep);
	sys_close(lfd);
	sys_unlinkat(AT_FDCWD, SRV_PATH, 0);
	l_str(&l, "server: 3 clients served after ");
	l_dec(&l, calls);
	l_str(&l, " calls of epoll_pwait");
	say_cpu(&l);
	return 0;
}

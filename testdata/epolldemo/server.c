/*
 * server: one process serves three clients through three pipes, waiting on
 * all of them at once with epoll (the scenario epoll_pipes).
 *
 * The server makes a pipe per client and forks the clients; each client
 * keeps only its write end, the server only the read ends, which it
 * watches with one epoll instance (level-triggered, EPOLLIN, data = the
 * client's number). It then loops: epoll_pwait(ep, evs, 2, -1) sleeps until
 * at least one pipe is readable and returns at most two events; the
 * server reads one line from each pipe reported and "works" on it for a
 * while (a busy loop). A pipe at end of file reports EPOLLIN|EPOLLHUP with
 * nothing to read: the server closes its read end, which takes it off the
 * interest list. It stops when all three are closed.
 */
#include "../mqdemo/demo.h"

static const char *names[] = { "alice", "bob", "carol" };
/* what each client writes, one line per entry, and the nanoseconds it
 * sleeps before each */
static const char *lines[3][3] = {
	{ "alice: hello", "alice: bye", 0 },
	{ "bob: hello", 0, 0 },
	{ "carol: hello", "carol: still here", "carol: bye" },
};
static const long naps[3][3] = {
	{ 2000, 9000, 0 },
	{ 5000, 0, 0 },
	{ 5000, 1000, 1000 },
};

static void client(int i, int fd)
{
	for (int j = 0; j < 3 && lines[i][j]; j++) {
		sleep_ns(naps[i][j]);
		sys_write(fd, lines[i][j], strlen(lines[i][j]));
	}
	sys_exit_group(0);
}

static void work(void)
{
	for (volatile int i = 0; i < 400; i++)
		;
}

int main(void)
{
	int fds[3][2], st;
	struct line l = { .n = 0 };
	for (int i = 0; i < 3; i++)
		sys_pipe2(fds[i], 0);
	for (int i = 0; i < 3; i++) {
		if (sys_fork() == 0) {
			for (int j = 0; j < 3; j++) {
				sys_close(fds[j][0]);
				if (j != i)
					sys_close(fds[j][1]);
			}
			client(i, fds[i][1]);
		}
	}
	int ep = sys_epoll_create1(EPOLL_CLOEXEC);
	for (int i = 0; i < 3; i++) {
		sys_close(fds[i][1]);
		ep_ctl(ep, EPOLL_CTL_ADD, fds[i][0], EPOLLIN, i);
	}
	int open = 3;
	struct epoll_event evs[2];
	char buf[64];
	while (open > 0) {
		long n = sys_epoll_pwait(ep, evs, 2, -1, 0);
		l_str(&l, "server: epoll_pwait: ");
		l_dec(&l, n);
		l_str(&l, " ready");
		l_end(&l);
		for (long k = 0; k < n; k++) {
			int i = evs[k].data;
			long r = sys_read(fds[i][0], buf, sizeof buf);
			l_str(&l, "  ");
			l_str(&l, names[i]);
			l_str(&l, evs[k].events & EPOLLHUP ? " (EPOLLIN|EPOLLHUP): " : " (EPOLLIN): ");
			if (r > 0) {
				l_str(&l, "\"");
				l_mem(&l, buf, r);
				l_str(&l, "\"");
			} else {
				l_str(&l, "end of file, closed");
				sys_close(fds[i][0]);
				open--;
			}
			l_end(&l);
			work();
		}
	}
	for (int i = 0; i < 3; i++)
		sys_wait4(-1, &st, 0, 0);
	l_str(&l, "server: every client done");
	l_end(&l);
	return 0;
}

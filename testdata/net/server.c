/*
 * server DESIGN [CLIENTS]: a TCP server on port 8080 of every address of
 * its host, in one of five designs (the same five as the Unix-socket
 * servers of ../servers/, now across a network):
 *
 *   iterative  accept, serve, close; the next client waits
 *   fork       a child process per connection; the parent reaps them
 *   nonblock   non-blocking sockets polled in a loop (busy: it never sleeps)
 *   select     one process, select(2) on the listener and every client
 *   epoll      one process, epoll_wait(2) on the same
 *
 * The protocol: a client sends one line, the request; the server answers
 * "ok: " and the request, then closes the connection. Serving costs WORK
 * turns of a loop, so that it shows in the trace. It stops after CLIENTS
 * connections (default 3) and prints its CPU time.
 */
#include "net.h"
#include <fcntl.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/wait.h>

#define WORK 2000
#define MAXC 16

static void work(void)
{
	for (volatile int i = 0; i < WORK; i++)
		;
}

static long cpu_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

/* answer sends "ok: REQUEST" for a request of n bytes and closes. */
static void answer(int fd, const char *req, int n)
{
	char out[128];
	work();
	int m = snprintf(out, sizeof out, "ok: %.*s", n, req);
	if (write(fd, out, m) != m)
		die("write");
	close(fd);
}

/* serve reads one request from a blocking socket and answers it. */
static void serve(int fd)
{
	char req[100];
	int n = read(fd, req, sizeof req);
	if (n < 0)
		die("read");
	answer(fd, req, n);
}

static int listener(int flags)
{
	int l = socket(AF_INET, SOCK_STREAM | flags, 0);
	if (l < 0)
		die("socket");
	int one = 1;
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	struct sockaddr_in a = addr("0.0.0.0", 8080);
	if (bind(l, (struct sockaddr *)&a, sizeof a) < 0)
		die("bind");
	if (listen(l, 8) < 0)
		die("listen");
	return l;
}

static int accept_from(int l, int flags)
{
	struct sockaddr_in peer;
	socklen_t len = sizeof peer;
	int fd = accept4(l, (struct sockaddr *)&peer, &len, flags);
	if (fd >= 0)
		printf("server: connection from %s\n", inet_ntoa(peer.sin_addr));
	return fd;
}

static volatile int reaped;

static void on_child(int sig)
{
	(void)sig;
	while (waitpid(-1, NULL, WNOHANG) > 0)
		reaped++;
}

int main(int argc, char **argv)
{
	const char *design = argc > 1 ? argv[1] : "iterative";
	int clients = argc > 2 ? atoi(argv[2]) : 3;
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(design, "iterative")) {
		int l = listener(0);
		for (int i = 0; i < clients; i++) {
			int fd = accept_from(l, 0);
			if (fd < 0)
				die("accept");
			serve(fd);
		}
	} else if (!strcmp(design, "fork")) {
		struct sigaction sa = { .sa_handler = on_child, .sa_flags = SA_RESTART };
		sigaction(SIGCHLD, &sa, NULL);
		int l = listener(0);
		for (int i = 0; i < clients; i++) {
			int fd = accept_from(l, 0);
			if (fd < 0)
				die("accept");
			pid_t p = fork();
			if (p == 0) {
				close(l);
				serve(fd);
				_exit(0);
			}
			printf("server: child pid %d serves connection %d\n", p, i + 1);
			close(fd);
		}
		while (reaped < clients)
			pause();
	} else if (!strcmp(design, "nonblock")) {
		int l = listener(SOCK_NONBLOCK), fds[MAXC], n = 0, done = 0;
		long spins = 0;
		while (done < clients) {
			spins++;
			int fd = accept_from(l, SOCK_NONBLOCK);
			if (fd >= 0)
				fds[n++] = fd;
			for (int i = 0; i < n; i++) {
				char req[100];
				if (fds[i] < 0)
					continue;
				int r = read(fds[i], req, sizeof req);
				if (r < 0 && errno == EAGAIN)
					continue;
				answer(fds[i], req, r);
				fds[i] = -1;
				done++;
			}
		}
		printf("server: %ld turns of the polling loop\n", spins);
	} else if (!strcmp(design, "select")) {
		int l = listener(0), fds[MAXC], n = 0, done = 0;
		while (done < clients) {
			fd_set rd;
			FD_ZERO(&rd);
			FD_SET(l, &rd);
			int max = l;
			for (int i = 0; i < n; i++)
				if (fds[i] >= 0) {
					FD_SET(fds[i], &rd);
					if (fds[i] > max)
						max = fds[i];
				}
			if (select(max + 1, &rd, NULL, NULL, NULL) < 0)
				die("select");
			if (FD_ISSET(l, &rd))
				fds[n++] = accept_from(l, 0);
			for (int i = 0; i < n; i++)
				if (fds[i] >= 0 && FD_ISSET(fds[i], &rd)) {
					serve(fds[i]);
					fds[i] = -1;
					done++;
				}
		}
	} else if (!strcmp(design, "epoll")) {
		int l = listener(0), done = 0, ep = epoll_create1(0);
		struct epoll_event ev = { .events = EPOLLIN, .data.fd = l }, got[MAXC];
		epoll_ctl(ep, EPOLL_CTL_ADD, l, &ev);
		while (done < clients) {
			int k = epoll_wait(ep, got, MAXC, -1);
			if (k < 0)
				die("epoll_wait");
			for (int i = 0; i < k; i++) {
				int fd = got[i].data.fd;
				if (fd == l) {
					int c = accept_from(l, 0);
					struct epoll_event cev = { .events = EPOLLIN, .data.fd = c };
					epoll_ctl(ep, EPOLL_CTL_ADD, c, &cev);
					continue;
				}
				epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL);
				serve(fd);
				done++;
			}
		}
	} else {
		printf("unknown design %s\n", design);
		return 2;
	}
	printf("server (%s): done at %ld ns, CPU time %ld ns\n", design, now_ns(), cpu_ns());
	return 0;
}

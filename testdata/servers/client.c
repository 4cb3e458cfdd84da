/*
 * client N THINK: one client of the five servers (srv.h).
 *
 * It means to arrive N microseconds after it starts (a nap of N * 1000 ns),
 * makes a Unix stream socket, connects to /tmp/srv, "thinks" for THINK ns
 * (a slow client: the request is not ready yet), sends "request from client
 * N", reads the answer until the server closes, and prints it with how long
 * it waited: from the moment it meant to arrive to the end of the answer,
 * less its own think time. So the waiting counts the time in connect and
 * in read, and also any time it could not run because the CPU was busy
 * (a wakeup that comes late). The time in connect is printed apart.
 */
#include "srv.h"

static long num(const char *s)
{
	long v = 0;
	while (*s >= '0' && *s <= '9')
		v = v * 10 + (*s++ - '0');
	return v;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		print("usage: client N THINK_NS\n");
		return 2;
	}
	long n = num(argv[1]), think = num(argv[2]);
	struct line l = { .n = 0 };
	long plan = now_ns() + n * 1000;
	sleep_ns(n * 1000);

	struct sockaddr_un a;
	long alen = sun_path_addr(&a, SRV_PATH);
	long fd = sys_socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0)
		die("client: socket", fd);
	long t0 = now_ns();
	long r = sys_connect(fd, &a, alen);
	if (r < 0)
		die("client: connect", r);
	long t1 = now_ns();
	if (think > 0)
		sleep_ns(think);

	char req[40] = "request from client ";
	long m = strlen(req);
	req[m++] = '0' + n % 10;
	sys_write(fd, req, m);
	char got[128];
	long k = 0;
	while (k < (long)sizeof got) {
		r = sys_read(fd, got + k, sizeof got - k);
		if (r <= 0)
			break;
		k += r;
	}
	long t3 = now_ns();
	sys_close(fd);

	l_str(&l, "client ");
	l_dec(&l, n);
	l_str(&l, ": got \"");
	l_mem(&l, got, k);
	l_str(&l, "\" after waiting ");
	l_dec(&l, t3 - plan - think);
	l_str(&l, " ns (");
	l_dec(&l, t1 - t0);
	l_str(&l, " in connect)");
	l_end(&l);
	return k > 0 ? 0 : 1;
}

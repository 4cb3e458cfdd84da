/*
 * inet_shutdown: shutdown(2) of a TCP socket that listens, or whose
 * connect was refused (found by sysdiff; Linux 6.18's net/ipv4).
 *
 * - SHUT_WR leaves a listener listening. SHUT_RD or SHUT_RDWR makes
 *   inet_shutdown disconnect it (tcp_disconnect): it stops listening
 *   (accept EINVAL), its shutdown bits are cleared (a read is ENOTCONN,
 *   not the end, though an earlier shutdown in TCP_CLOSE had set them),
 *   and a port the kernel chose is given back (tcp_set_state: bind works
 *   again), while a port bind chose stays its own (bind EINVAL, another
 *   socket's bind EADDRINUSE). listen works again; connect says EINVAL,
 *   which was checked natively on x86-64 too (we did not find the line of
 *   the kernel that says it).
 * - shutdown of a socket whose connect is in progress or was refused,
 *   before a call saw the refusal, makes it SS_DISCONNECTING
 *   (inet_shutdown): connect and listen then say EINVAL for good.
 * - The other way round, a socket whose connection or attempt at one was
 *   let go (a refusal reported by connect, connect(AF_UNSPEC)) says EINVAL
 *   to listen, though connect works again (checked natively on x86-64;
 *   again we did not find the line of the kernel). A socket never
 *   connected may listen after connect(AF_UNSPEC).
 */
#include "rt/rt.h"

#define PORT 20990 /* nothing listens on 20990 to 20993 */

static long addr_of(struct sockaddr_in *a, int port) { return sin_addr_port(a, INADDR_LOOPBACK, port); }

static int tcp(void) { return sys_socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0); }

int main(void)
{
	struct sockaddr_in a;
	char buf[4];

	/* A listener with a port the kernel chose, shut for writing, then
	 * for reading. */
	int l = tcp();
	say_dec("shutdown SHUT_RDWR, never connected (ENOTCONN, sets the bits)", sys_shutdown(l, 2));
	say_dec("a read (the end)", sys_read(l, buf, 1));
	say_dec("listen", sys_listen(l, 5));
	say_dec("shutdown SHUT_WR of the listener", sys_shutdown(l, 1));
	say_dec("accept (EAGAIN: still listening)", sys_accept4(l, 0, 0, 0));
	say_dec("shutdown SHUT_RD of the listener", sys_shutdown(l, 0));
	say_dec("accept (EINVAL: no longer listening)", sys_accept4(l, 0, 0, 0));
	say_dec("a read (ENOTCONN: the bits were cleared)", sys_read(l, buf, 1));
	say_poll("poll", sock_poll1(l, POLLIN | POLLOUT | POLLRDHUP));
	say_dec("shutdown SHUT_RD again (ENOTCONN)", sys_shutdown(l, 0));
	say_dec("connect (EINVAL)", sys_connect(l, &a, addr_of(&a, PORT)));
	say_dec("bind (its port was given back)", sys_bind(l, &a, addr_of(&a, PORT + 1)));
	say_dec("connect again (EINVAL)", sys_connect(l, &a, addr_of(&a, PORT)));
	say_dec("listen again", sys_listen(l, 5));
	int c = tcp();
	say_dec("another socket connects to it (EINPROGRESS)", sys_connect(c, &a, addr_of(&a, PORT + 1)));
	sleep_ms(50);
	say_dec("accept", sys_accept4(l, 0, 0, 0) >= 0);
	sys_close(c);
	sys_close(l);

	/* A listener on a port bind chose. */
	l = tcp();
	say_dec("bind", sys_bind(l, &a, addr_of(&a, PORT + 2)));
	say_dec("listen", sys_listen(l, 5));
	say_dec("shutdown SHUT_RDWR of the listener", sys_shutdown(l, 2));
	say_dec("bind (EINVAL: the port stays)", sys_bind(l, &a, addr_of(&a, PORT + 3)));
	c = tcp();
	say_dec("another socket binds the port (EADDRINUSE)", sys_bind(c, &a, addr_of(&a, PORT + 2)));
	sys_close(c);
	say_dec("connect (EINVAL)", sys_connect(l, &a, addr_of(&a, PORT)));
	sys_close(l);

	/* A refused connect, shut before a call saw the refusal. */
	int t = tcp();
	say_dec("connect (EINPROGRESS)", sys_connect(t, &a, addr_of(&a, PORT)));
	sleep_ms(50);
	say_dec("shutdown SHUT_RD (ENOTCONN)", sys_shutdown(t, 0));
	say_dec("connect (EINVAL)", sys_connect(t, &a, addr_of(&a, PORT)));
	say_dec("connect again (EINVAL)", sys_connect(t, &a, addr_of(&a, PORT)));
	say_dec("listen (EINVAL)", sys_listen(t, 5));
	say_dec("a read (the pending ECONNREFUSED)", sys_read(t, buf, 1));
	say_dec("connect once more (EINVAL)", sys_connect(t, &a, addr_of(&a, PORT)));
	sys_close(t);

	/* A socket whose connection, or attempt at one, was let go. */
	t = tcp();
	say_dec("connect (EINPROGRESS)", sys_connect(t, &a, addr_of(&a, PORT)));
	sleep_ms(50);
	say_dec("connect again (the refusal)", sys_connect(t, &a, addr_of(&a, PORT)));
	say_dec("listen (EINVAL)", sys_listen(t, 5));
	sys_close(t);
	l = tcp();
	int one = 1;
	sys_setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	sys_bind(l, &a, addr_of(&a, PORT + 4));
	sys_listen(l, 5);
	t = tcp();
	say_dec("connect to a listener (EINPROGRESS)", sys_connect(t, &a, addr_of(&a, PORT + 4)));
	sleep_ms(50);
	say_dec("connect again (0: connected)", sys_connect(t, &a, addr_of(&a, PORT + 4)));
	struct sockaddr_in un;
	memset(&un, 0, sizeof un);
	un.sin_family = AF_UNSPEC;
	say_dec("connect AF_UNSPEC (the connection reset)", sys_connect(t, &un, sizeof un));
	say_dec("listen (EINVAL)", sys_listen(t, 5));
	sys_close(t);
	sys_close(l);
	t = tcp();
	say_dec("a new socket: connect AF_UNSPEC", sys_connect(t, &un, sizeof un));
	say_dec("listen (0: it was never connected)", sys_listen(t, 5));
	sys_close(t);
	return 0;
}

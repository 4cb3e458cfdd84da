/*
 * inet_tcp_connect: connect(2) of AF_INET stream sockets over 127.0.0.1,
 * blocking and non-blocking, refused and accepted (semantics.md 15).
 *
 * connect(2): "ECONNREFUSED A connect() on a stream socket found no one
 *   listening on the remote address." "EINPROGRESS The socket is nonblocking
 *   and the connection cannot be completed immediately. It is possible to
 *   select(2) or poll(2) for completion by selecting the socket for writing.
 *   After select(2) indicates writability, use getsockopt(2) to read the
 *   SO_ERROR option at level SOL_SOCKET to determine whether connect()
 *   completed successfully (SO_ERROR is zero) or unsuccessfully (SO_ERROR is
 *   one of the usual error codes listed here, explaining the reason for the
 *   failure)." "EALREADY The socket is nonblocking and a previous connection
 *   attempt has not yet been completed." "EISCONN The socket is already
 *   connected." "Some protocol sockets (e.g., TCP sockets as well as datagram
 *   sockets in the UNIX and Internet domains) may dissolve the association by
 *   connecting to an address with the sa_family member of sockaddr set to
 *   AF_UNSPEC".
 * net/ipv4/af_inet.c __inet_stream_connect: AF_UNSPEC calls
 *   sk_prot->disconnect (tcp_disconnect sends a RST to an established peer
 *   and sets our sk_err to ECONNRESET: the next send reports it);
 *   SS_CONNECTING gives -EALREADY, and once the handshake is over "sock->state
 *   = SS_CONNECTED; err = 0" (the next call: EISCONN); SS_UNCONNECTED with
 *   sk_state != TCP_CLOSE (a listener) gives -EISCONN; a connection that
 *   ended in TCP_CLOSE (RST) goes to sock_error: "err = sock_error(sk) ? :
 *   -ECONNABORTED; sock->state = SS_UNCONNECTED;" (the pending error once, or
 *   ECONNABORTED if SO_ERROR took it; the next call starts a new attempt).
 * tcp_v4_connect: "if (addr_len < sizeof(struct sockaddr_in)) return
 *   -EINVAL; if (usin->sin_family != AF_INET) return -EAFNOSUPPORT;".
 * socket(7): "SO_ERROR Get and clear the pending socket error."
 * tcp_poll: a refused socket is closed with both directions shut and an
 *   error: POLLOUT|POLLERR|POLLHUP (and POLLIN|POLLRDHUP if asked); while
 *   SYN_SENT nothing. tcp_sendmsg while SYN_SENT: sk_stream_wait_connect
 *   "if (!*timeo_p) return -EAGAIN;".
 * listen(2): a SYN that finds the accept queue full (backlog + 1 connections
 *   not yet accepted) is dropped (tcp_conn_request: sk_acceptq_is_full), so
 *   the connect stays in progress until the SYN is retransmitted (initial RTO
 *   1 s) after an accept made room. That is how this program gets a connect
 *   that is in progress for certain: on the loopback the handshake of a
 *   connect to a listener with room is usually over when the call returns,
 *   but not always, so a second connect right after EINPROGRESS may give
 *   EALREADY or 0: that case is left out.
 *
 * Ports 24621 (listener), 24622 (none), 24623 (listener with backlog 0);
 * waits use ppoll with a timeout; the clients close first (their TIME_WAIT
 * is on their ephemeral port).
 */
#include "rt/rt.h"

#define PORT     24621
#define NOPORT   24622
#define FULLPORT 24623
#define ALL      (POLLIN | POLLOUT | POLLRDHUP)

static long to(struct sockaddr_in *a, unsigned short port) { return sin_addr_port(a, INADDR_LOOPBACK, port); }

static long listener(unsigned short port, int backlog)
{
	struct sockaddr_in a;
	long l = sys_socket(AF_INET, SOCK_STREAM, 0);
	sockopt_set_int(l, SOL_SOCKET, SO_REUSEADDR, 1);
	if (sys_bind(l, &a, to(&a, port)) != 0 || sys_listen(l, backlog) != 0)
		print("listener failed\n");
	return l;
}

int main(void)
{
	struct sockaddr_in a;
	int alen;
	char buf[16];
	long r;

	set_handler(SIGPIPE, SIG_IGN);
	long l = listener(PORT, 5);

	print("-- blocking connect, no listener\n");
	long c = sys_socket(AF_INET, SOCK_STREAM, 0);
	say_dec("connect to 127.0.0.1:24622 (ECONNREFUSED)", sys_connect(c, &a, to(&a, NOPORT)));
	say_dec("SO_ERROR (the call reported it)", sockopt_int(c, SOL_SOCKET, SO_ERROR));
	say_poll("poll", sock_poll1(c, ALL));
	say_dec("connect the same socket to a listener", sys_connect(c, &a, to(&a, PORT)));
	long x = sys_accept(l, 0, 0);
	say_yes("accepted", x >= 0);
	sys_close(c);
	sys_close(x);

	print("-- non-blocking connect, no listener\n");
	c = sys_socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	say_dec("connect (EINPROGRESS)", sys_connect(c, &a, to(&a, NOPORT)));
	say_poll("poll POLLOUT, waiting up to 1 s", sock_poll_ms(c, POLLOUT, 1000));
	say_poll("poll POLLIN|POLLOUT|POLLRDHUP", sock_poll1(c, ALL));
	say_dec("SO_ERROR (ECONNREFUSED)", sockopt_int(c, SOL_SOCKET, SO_ERROR));
	say_dec("SO_ERROR again (cleared)", sockopt_int(c, SOL_SOCKET, SO_ERROR));
	say_dec("connect again: the error was taken (ECONNABORTED)", sys_connect(c, &a, to(&a, NOPORT)));
	say_dec("connect again: a new attempt (EINPROGRESS)", sys_connect(c, &a, to(&a, NOPORT)));
	sock_poll_ms(c, POLLOUT, 1000);
	say_dec("connect again, SO_ERROR not read (ECONNREFUSED)", sys_connect(c, &a, to(&a, NOPORT)));
	say_dec("SO_ERROR now", sockopt_int(c, SOL_SOCKET, SO_ERROR));
	say_dec("connect to the listener (EINPROGRESS)", sys_connect(c, &a, to(&a, PORT)));
	sock_poll_ms(c, POLLOUT, 1000);
	say_dec("then connect (0)", sys_connect(c, &a, to(&a, PORT)));
	x = sys_accept(l, 0, 0);
	sys_close(c);
	sys_close(x);

	print("-- non-blocking connect to a listener\n");
	c = sys_socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	say_dec("connect (EINPROGRESS)", sys_connect(c, &a, to(&a, PORT)));
	say_poll("poll POLLOUT, waiting up to 1 s", sock_poll_ms(c, POLLOUT, 1000));
	say_poll("poll POLLIN|POLLOUT|POLLRDHUP", sock_poll1(c, ALL));
	say_dec("SO_ERROR", sockopt_int(c, SOL_SOCKET, SO_ERROR));
	say_dec("connect again (0: completed)", sys_connect(c, &a, to(&a, PORT)));
	say_dec("connect again (EISCONN)", sys_connect(c, &a, to(&a, PORT)));
	alen = sizeof a;
	memset(&a, 0, sizeof a);
	r = sys_getpeername(c, &a, &alen);
	say_dec("getpeername", r);
	say_yes("the listener's address and port", a.sin_addr == htonl(INADDR_LOOPBACK) && ntohs(a.sin_port) == PORT);
	x = sys_accept(l, 0, 0);
	say_dec("send", sys_send(c, "hi", 2, 0));
	memset(buf, 0, sizeof buf);
	say_dec("accepted reads", sys_read(x, buf, sizeof buf));
	say_str("got", buf);
	sys_close(c);
	sys_close(x);

	print("-- a connect in progress (the listener's queue is full)\n");
	long f = listener(FULLPORT, 0);
	long c1 = sys_socket(AF_INET, SOCK_STREAM, 0);
	say_dec("listen backlog 0, a first client connects", sys_connect(c1, &a, to(&a, FULLPORT)));
	say_poll("listener (one connection queued: full)", sock_poll_ms(f, POLLIN, 1000));
	c = sys_socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	say_dec("non-blocking connect (EINPROGRESS)", sys_connect(c, &a, to(&a, FULLPORT)));
	say_poll("poll POLLIN|POLLOUT|POLLRDHUP, waiting 300 ms (SYN dropped)", sock_poll_ms(c, ALL, 300));
	say_dec("connect again (EALREADY)", sys_connect(c, &a, to(&a, FULLPORT)));
	say_dec("connect elsewhere (EALREADY)", sys_connect(c, &a, to(&a, PORT)));
	alen = sizeof a;
	say_dec("getpeername (ENOTCONN)", sys_getpeername(c, &a, &alen));
	say_dec("SO_ERROR", sockopt_int(c, SOL_SOCKET, SO_ERROR));
	say_dec("send while connecting (EAGAIN)", sys_send(c, "x", 1, 0));
	say_dec("recv while connecting (EAGAIN)", sys_recv(c, buf, 1, 0));
	long x1 = sys_accept(f, 0, 0);
	say_yes("accept the first client", x1 >= 0);
	say_poll("poll POLLOUT, waiting up to 3 s (the SYN is sent again after 1 s)", sock_poll_ms(c, POLLOUT, 3000));
	say_dec("connect again (0: completed)", sys_connect(c, &a, to(&a, FULLPORT)));
	say_dec("connect again (EISCONN)", sys_connect(c, &a, to(&a, FULLPORT)));
	x = sys_accept(f, 0, 0);
	say_yes("accept the second", x >= 0);
	sys_close(c1);
	sys_close(c);
	sys_close(x1);
	sys_close(x);
	sys_close(f);

	print("-- connect on a listener, bad addresses\n");
	say_dec("connect a listening socket (EISCONN)", sys_connect(l, &a, to(&a, PORT)));
	c = sys_socket(AF_INET, SOCK_STREAM, 0);
	say_dec("addrlen 15 (EINVAL)", sys_connect(c, &a, 15));
	to(&a, PORT);
	a.sin_family = AF_UNIX;
	say_dec("sin_family AF_UNIX (EAFNOSUPPORT)", sys_connect(c, &a, sizeof a));
	say_poll("poll after the failed calls", sock_poll1(c, ALL));

	print("-- connect AF_UNSPEC\n");
	struct sockaddr_in u;
	memset(&u, 0, sizeof u);
	u.sin_family = AF_UNSPEC;
	say_dec("on an unconnected socket (0)", sys_connect(c, &u, sizeof u));
	say_dec("connect to the listener", sys_connect(c, &a, to(&a, PORT)));
	x = sys_accept(l, 0, 0);
	say_dec("AF_UNSPEC on the connected socket (0: disconnects)", sys_connect(c, &u, sizeof u));
	alen = sizeof a;
	say_dec("getpeername (ENOTCONN)", sys_getpeername(c, &a, &alen));
	say_poll("poll", sock_poll1(c, ALL));
	say_dec("send (ECONNRESET: tcp_disconnect set sk_err)", sys_send(c, "x", 1, 0));
	sock_poll_ms(x, POLLERR, 1000);
	say_poll("the peer: poll (it was reset)", sock_poll1(x, ALL));
	say_dec("the peer: read (ECONNRESET)", sys_read(x, buf, sizeof buf));
	sys_close(x);
	say_dec("connect again", sys_connect(c, &a, to(&a, PORT)));
	x = sys_accept(l, 0, 0);
	say_dec("send", sys_send(c, "again", 5, 0));
	memset(buf, 0, sizeof buf);
	say_dec("the new peer reads", sys_read(x, buf, sizeof buf));
	say_str("got", buf);
	sys_close(c);
	sock_poll_ms(x, POLLRDHUP, 1000);
	sys_close(x);
	sys_close(l);
	return 0;
}

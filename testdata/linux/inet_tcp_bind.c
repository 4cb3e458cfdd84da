/*
 * inet_tcp_bind: bind(2) rules and socket options of AF_INET sockets on
 * 127.0.0.1 (semantics.md 15).
 *
 * ip(7): "only one IP socket may be bound to any given local (address,
 *   port) pair. When INADDR_ANY is specified in the bind call, the socket
 *   will be bound to all local interfaces." "EADDRINUSE Tried to bind to an
 *   address already in use." "EADDRNOTAVAIL A nonexistent interface was
 *   requested or the requested source address was not local." "If listen(2)
 *   is called on an unbound socket, the socket is automatically bound to a
 *   random free port with the local address set to INADDR_ANY."
 *   "ip_local_port_range ... (default 32768 60999)".
 * socket(7): "SO_REUSEADDR Indicates that the rules used in validating
 *   addresses supplied in a bind(2) call should allow reuse of local
 *   addresses. For AF_INET sockets this means that a socket may bind, except
 *   when there is an active listening socket bound to the address."
 *   inet_bind_conflict: "if (sk->sk_reuse && sk2->sk_reuse && sk2->sk_state
 *   != TCP_LISTEN)" no conflict: both sockets must have it, and a TIME_WAIT
 *   socket keeps the flag of the socket it was (an accepted socket inherits
 *   the listener's). inet_csk_listen_start checks again (get_port): a second
 *   listener on the same address and port gets EADDRINUSE.
 * bind(2): "EINVAL The socket is already bound to an address." "EINVAL
 *   addrlen is wrong". __inet_bind/inet_bind_sk: "if (addr_len < sizeof(struct
 *   sockaddr_in)) return -EINVAL;" "if (addr->sin_family != AF_INET) {
 *   (Compatibility games: accept AF_UNSPEC (mapped to AF_INET) only if
 *   s_addr is INADDR_ANY) err = -EAFNOSUPPORT;".
 * listen(2): "EOPNOTSUPP The socket is not of a type that supports the
 *   listen() operation." (UDP)
 * TCP and UDP have separate port spaces: a UDP socket may bind a port a TCP
 *   socket holds.
 * socket(7): "SO_TYPE", "SO_DOMAIN (since Linux 2.6.32)", "SO_PROTOCOL",
 *   "SO_ACCEPTCONN Returns a value indicating whether or not this socket has
 *   been marked to accept connections with listen(2)", "SO_KEEPALIVE", "SO_RCVBUF
 *   ... The kernel doubles this value (to allow space for bookkeeping
 *   overhead) when it is set using setsockopt(2), and this doubled value is
 *   returned by getsockopt(2)." tcp(7): "TCP_NODELAY", "TCP_KEEPIDLE ... The
 *   time (in seconds) the connection needs to remain idle before TCP starts
 *   sending keepalive probes" (tcp_keepalive_time, 7200), "TCP_KEEPINTVL"
 *   (75), "TCP_KEEPCNT" (9), "tcp_rmem ... default ... 131072", "tcp_wmem ...
 *   default ... 16384", "TCP_MAXSEG ... If this option is set before
 *   connection establishment, it also changes the MSS value announced" (536
 *   before a connection, TCP_MSS_DEFAULT). The buffer defaults are this
 *   host's sysctls (Linux's defaults).
 * Left out: TCP_MAXSEG of a connected socket. On the loopback it is not the
 *   65483 of the MTU (65536 less 40 bytes of headers and 12 of timestamps)
 *   but 32741 right after the handshake: tcp_sync_mss bounds it by half the
 *   largest window the peer offered (tcp_bound_to_half_wnd), so it follows
 *   the window arithmetic, not the rule being checked here.
 *
 * Ports 24631 to 24636 (fixed) and ephemeral ones (printed as relations
 * only). The TIME_WAIT connections are made on ephemeral ports, so they do
 * not hinder the next run; waiting for TIME_WAIT is a 200 ms sleep after the
 * last FIN (the loopback delivers it within microseconds).
 */
#include "rt/rt.h"

#define ALL (POLLIN | POLLOUT | POLLRDHUP)

static long tcp(void) { return sys_socket(AF_INET, SOCK_STREAM, 0); }
static long bind_to(long fd, unsigned int addr, unsigned short port)
{
	struct sockaddr_in a;
	return sys_bind(fd, &a, sin_addr_port(&a, addr, port));
}
static long reuse(long fd) { return sockopt_set_int(fd, SOL_SOCKET, SO_REUSEADDR, 1); }
static void say_opt(const char *label, long fd, int level, int opt) { say_dec(label, sockopt_int(fd, level, opt)); }

/* Make a TIME_WAIT on an ephemeral port of 127.0.0.1 held by an accepted
 * socket (it closes first); the listener has SO_REUSEADDR if with_reuse.
 * Returns the port; the listener is closed. */
static long time_wait(int with_reuse)
{
	struct sockaddr_in a;
	long l = tcp();
	if (with_reuse)
		reuse(l);
	bind_to(l, INADDR_LOOPBACK, 0);
	sys_listen(l, 5);
	long port = sin_local_port(l);
	long c = tcp();
	sys_connect(c, &a, sin_addr_port(&a, INADDR_LOOPBACK, port));
	long x = sys_accept(l, 0, 0);
	sys_close(l);
	sys_close(x);                          /* FIN from the accepted side */
	sock_poll_ms(c, POLLRDHUP, 1000);
	sys_close(c);                          /* its FIN: x goes to TIME_WAIT */
	sleep_ms(200);
	return port;
}

int main(void)
{
	struct sockaddr_in a;
	int alen;
	long s, t, r;

	print("-- one socket per address and port\n");
	s = tcp();
	say_dec("bind 127.0.0.1:24631", bind_to(s, INADDR_LOOPBACK, 24631));
	say_dec("bind it again (EINVAL)", bind_to(s, INADDR_LOOPBACK, 24632));
	say_yes("still 24631", sin_local_port(s) == 24631);
	t = tcp();
	say_dec("another socket, 127.0.0.1:24631 (EADDRINUSE)", bind_to(t, INADDR_LOOPBACK, 24631));
	say_dec("0.0.0.0:24631 (EADDRINUSE: the wildcard covers 127.0.0.1)", bind_to(t, INADDR_ANY, 24631));
	say_dec("with SO_REUSEADDR on the new socket only (EADDRINUSE)", (reuse(t), bind_to(t, INADDR_LOOPBACK, 24631)));
	sys_close(t);
	long u = sys_socket(AF_INET, SOCK_DGRAM, 0);
	say_dec("a UDP socket, 127.0.0.1:24631 (0: another port space)", bind_to(u, INADDR_LOOPBACK, 24631));
	sys_close(u);
	sys_close(s);
	t = tcp();
	say_dec("after close, 127.0.0.1:24631 is free", bind_to(t, INADDR_LOOPBACK, 24631));
	sys_close(t);
	s = tcp();
	say_dec("bind 0.0.0.0:24632", bind_to(s, INADDR_ANY, 24632));
	t = tcp();
	say_dec("then 127.0.0.1:24632 (EADDRINUSE)", bind_to(t, INADDR_LOOPBACK, 24632));
	sys_close(t);
	sys_close(s);

	print("-- SO_REUSEADDR\n");
	s = tcp();
	t = tcp();
	say_dec("SO_REUSEADDR default", sockopt_int(s, SOL_SOCKET, SO_REUSEADDR));
	reuse(s);
	reuse(t);
	say_dec("SO_REUSEADDR after setting 1", sockopt_int(s, SOL_SOCKET, SO_REUSEADDR));
	say_dec("two SO_REUSEADDR sockets: bind the first to 127.0.0.1:24633", bind_to(s, INADDR_LOOPBACK, 24633));
	say_dec("bind the second to the same", bind_to(t, INADDR_LOOPBACK, 24633));
	say_dec("listen on the first", sys_listen(s, 5));
	say_dec("listen on the second (EADDRINUSE)", sys_listen(t, 5));
	say_dec("its SO_ACCEPTCONN", sockopt_int(t, SOL_SOCKET, SO_ACCEPTCONN));
	long v = tcp();
	reuse(v);
	say_dec("a third SO_REUSEADDR socket binds over the listener (EADDRINUSE)", bind_to(v, INADDR_LOOPBACK, 24633));
	say_dec("and over it with 0.0.0.0 (EADDRINUSE)", bind_to(v, INADDR_ANY, 24633));
	sys_close(v);
	sys_close(s);
	say_dec("the first closed: the second may listen now", sys_listen(t, 5));
	sys_close(t);

	print("-- TIME_WAIT\n");
	long p = time_wait(0);
	say_yes("a TIME_WAIT on an ephemeral port (listener without SO_REUSEADDR)", ephemeral_port(p));
	s = tcp();
	say_dec("bind that port (EADDRINUSE)", bind_to(s, INADDR_LOOPBACK, p));
	reuse(s);
	say_dec("with SO_REUSEADDR (EADDRINUSE: the TIME_WAIT socket has not got it)", bind_to(s, INADDR_LOOPBACK, p));
	sys_close(s);
	p = time_wait(1);
	say_yes("a TIME_WAIT on an ephemeral port (listener with SO_REUSEADDR)", ephemeral_port(p));
	s = tcp();
	say_dec("bind that port (EADDRINUSE)", bind_to(s, INADDR_LOOPBACK, p));
	reuse(s);
	say_dec("with SO_REUSEADDR (0)", bind_to(s, INADDR_LOOPBACK, p));
	say_dec("and listen", sys_listen(s, 5));
	sys_close(s);

	print("-- addresses\n");
	s = tcp();
	say_dec("10.255.255.1 (not on this host: EADDRNOTAVAIL)", bind_to(s, IPV4(10, 255, 255, 1), 24634));
	say_dec("addrlen 15 (EINVAL)", sys_bind(s, &a, (sin_addr_port(&a, INADDR_LOOPBACK, 24634), 15)));
	a.sin_family = AF_UNIX;
	say_dec("sin_family AF_UNIX (EAFNOSUPPORT)", sys_bind(s, &a, sizeof a));
	a.sin_family = AF_UNSPEC;
	say_dec("sin_family AF_UNSPEC, 127.0.0.1 (EAFNOSUPPORT)", sys_bind(s, &a, sizeof a));
	sin_addr_port(&a, INADDR_ANY, 24634);
	a.sin_family = AF_UNSPEC;
	say_dec("sin_family AF_UNSPEC, 0.0.0.0 (0: taken as AF_INET)", sys_bind(s, &a, sizeof a));
	alen = sizeof a;
	sys_getsockname(s, &a, &alen);
	say_sin_addr("getsockname", &a);
	say_yes("port 24634", ntohs(a.sin_port) == 24634);
	sys_close(s);
	s = tcp();
	say_dec("bind 127.0.0.1:0", bind_to(s, INADDR_LOOPBACK, 0));
	say_yes("an ephemeral port (32768..60999)", ephemeral_port(sin_local_port(s)));
	sys_close(s);
	s = tcp();
	say_dec("listen on an unbound socket", sys_listen(s, 5));
	alen = sizeof a;
	sys_getsockname(s, &a, &alen);
	say_sin_addr("getsockname", &a);
	say_yes("an ephemeral port", ephemeral_port(ntohs(a.sin_port)));
	t = tcp();
	say_dec("connect to it through 127.0.0.1", sys_connect(t, &a, sin_addr_port(&a, INADDR_LOOPBACK, ntohs(a.sin_port))));
	say_yes("the client got an ephemeral port too", ephemeral_port(sin_local_port(t)));
	long x = sys_accept(s, 0, 0);
	sys_close(t);
	sock_poll_ms(x, POLLRDHUP, 1000);
	sys_close(x);
	sys_close(s);
	u = sys_socket(AF_INET, SOCK_DGRAM, 0);
	bind_to(u, INADDR_LOOPBACK, 24635);
	say_dec("listen on a UDP socket (EOPNOTSUPP)", sys_listen(u, 5));
	sys_close(u);

	print("-- socket(2)\n");
	s = sys_socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
	say_yes("SOCK_STREAM, IPPROTO_TCP", s >= 0);
	sys_close(s);
	say_dec("SOCK_STREAM, IPPROTO_UDP (EPROTONOSUPPORT)", sys_socket(AF_INET, SOCK_STREAM, IPPROTO_UDP));
	say_dec("SOCK_DGRAM, IPPROTO_TCP (EPROTONOSUPPORT)", sys_socket(AF_INET, SOCK_DGRAM, IPPROTO_TCP));
	s = sys_socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	say_hex("SOCK_NONBLOCK|SOCK_CLOEXEC: F_GETFL", sys_fcntl(s, F_GETFL, 0));
	say_dec("F_GETFD", sys_fcntl(s, F_GETFD, 0));
	sys_close(s);

	print("-- TCP options\n");
	s = tcp();
	say_opt("SO_TYPE", s, SOL_SOCKET, SO_TYPE);
	say_opt("SO_DOMAIN", s, SOL_SOCKET, SO_DOMAIN);
	say_opt("SO_PROTOCOL", s, SOL_SOCKET, SO_PROTOCOL);
	say_opt("SO_ACCEPTCONN", s, SOL_SOCKET, SO_ACCEPTCONN);
	say_opt("SO_ERROR", s, SOL_SOCKET, SO_ERROR);
	say_opt("SO_KEEPALIVE", s, SOL_SOCKET, SO_KEEPALIVE);
	say_opt("TCP_NODELAY", s, SOL_TCP, TCP_NODELAY);
	say_opt("TCP_KEEPIDLE", s, SOL_TCP, TCP_KEEPIDLE);
	say_opt("TCP_KEEPINTVL", s, SOL_TCP, TCP_KEEPINTVL);
	say_opt("TCP_KEEPCNT", s, SOL_TCP, TCP_KEEPCNT);
	say_opt("TCP_MAXSEG before a connection", s, SOL_TCP, TCP_MAXSEG);
	say_opt("SO_RCVBUF default (tcp_rmem[1])", s, SOL_SOCKET, SO_RCVBUF);
	say_opt("SO_SNDBUF default (tcp_wmem[1])", s, SOL_SOCKET, SO_SNDBUF);
	say_dec("set TCP_NODELAY 1", sockopt_set_int(s, SOL_TCP, TCP_NODELAY, 1));
	say_opt("TCP_NODELAY", s, SOL_TCP, TCP_NODELAY);
	say_dec("set TCP_NODELAY 5", sockopt_set_int(s, SOL_TCP, TCP_NODELAY, 5));
	say_opt("TCP_NODELAY (a boolean)", s, SOL_TCP, TCP_NODELAY);
	say_dec("set TCP_NODELAY 0", sockopt_set_int(s, SOL_TCP, TCP_NODELAY, 0));
	say_opt("TCP_NODELAY", s, SOL_TCP, TCP_NODELAY);
	say_dec("set SO_KEEPALIVE 1", sockopt_set_int(s, SOL_SOCKET, SO_KEEPALIVE, 1));
	say_opt("SO_KEEPALIVE", s, SOL_SOCKET, SO_KEEPALIVE);
	say_dec("set TCP_KEEPIDLE 30", sockopt_set_int(s, SOL_TCP, TCP_KEEPIDLE, 30));
	say_opt("TCP_KEEPIDLE", s, SOL_TCP, TCP_KEEPIDLE);
	say_dec("set TCP_KEEPIDLE 0 (EINVAL)", sockopt_set_int(s, SOL_TCP, TCP_KEEPIDLE, 0));
	say_dec("set SO_RCVBUF 10000", sockopt_set_int(s, SOL_SOCKET, SO_RCVBUF, 10000));
	say_opt("SO_RCVBUF (doubled)", s, SOL_SOCKET, SO_RCVBUF);
	say_dec("set SO_SNDBUF 10000", sockopt_set_int(s, SOL_SOCKET, SO_SNDBUF, 10000));
	say_opt("SO_SNDBUF (doubled)", s, SOL_SOCKET, SO_SNDBUF);
	say_dec("getsockopt level 99 (EOPNOTSUPP)", sockopt_int(s, 99, 1));
	say_dec("getsockopt SOL_TCP 9999 (ENOPROTOOPT)", sockopt_int(s, SOL_TCP, 9999));
	int val = 0, vlen = 2;
	r = sys_getsockopt(s, SOL_TCP, TCP_NODELAY, &val, &vlen);
	say_dec("getsockopt TCP_NODELAY with optlen 2", r);
	say_dec("optlen returned", vlen);
	sys_close(s);
	s = tcp();
	reuse(s);
	bind_to(s, INADDR_LOOPBACK, 24636);
	sys_listen(s, 5);
	say_opt("listener SO_ACCEPTCONN", s, SOL_SOCKET, SO_ACCEPTCONN);
	t = tcp();
	sys_connect(t, &a, sin_addr_port(&a, INADDR_LOOPBACK, 24636));
	x = sys_accept(s, 0, 0);
	say_opt("accepted SO_REUSEADDR (inherited)", x, SOL_SOCKET, SO_REUSEADDR);
	say_opt("accepted SO_ACCEPTCONN", x, SOL_SOCKET, SO_ACCEPTCONN);
	sys_close(t);
	sock_poll_ms(x, POLLRDHUP, 1000);
	sys_close(x);
	sys_close(s);

	print("-- UDP options\n");
	u = sys_socket(AF_INET, SOCK_DGRAM, 0);
	say_opt("SO_TYPE", u, SOL_SOCKET, SO_TYPE);
	say_opt("SO_DOMAIN", u, SOL_SOCKET, SO_DOMAIN);
	say_opt("SO_PROTOCOL", u, SOL_SOCKET, SO_PROTOCOL);
	say_opt("SO_RCVBUF default (rmem_default)", u, SOL_SOCKET, SO_RCVBUF);
	say_opt("SO_SNDBUF default (wmem_default)", u, SOL_SOCKET, SO_SNDBUF);
	say_opt("TCP_NODELAY on UDP (EOPNOTSUPP)", u, SOL_TCP, TCP_NODELAY);
	say_poll("poll of a new UDP socket", sock_poll1(u, ALL));
	sys_close(u);
	return 0;
}

/*
 * inet_tcp_basic: an AF_INET SOCK_STREAM (TCP) connection over loopback,
 * 127.0.0.1 (semantics.md 15): names, data both ways, half-close, poll.
 *
 * ip(7): "When a process wants to receive new incoming packets or
 *   connections, it should bind a socket to a local interface address using
 *   bind(2). In this case, only one IP socket may be bound to any given local
 *   (address, port) pair. When INADDR_ANY is specified in the bind call, the
 *   socket will be bound to all local interfaces." "struct sockaddr_in {
 *   sa_family_t sin_family; in_port_t sin_port; struct in_addr sin_addr; }"
 *   (16 bytes with sin_zero; port and address in network byte order).
 * getsockname(2): "The addrlen argument should be initialized to indicate
 *   the amount of space (in bytes) pointed to by addr. On return it contains
 *   the actual size of the socket address. The returned address is truncated
 *   if the buffer provided is too small; in this case, addrlen will return a
 *   value greater than was supplied to the call." An unbound socket is
 *   0.0.0.0 port 0 (inet_getname copies inet_rcv_saddr/inet_sport, both 0).
 * getpeername(2): "ENOTCONN The socket is not connected."
 * tcp(7)/ip(7): an accepted socket's local address is the address the
 *   client reached (inet_csk_clone_lock copies the request's ir_loc_addr),
 *   also for a listener bound to INADDR_ANY; connect(2) of an unbound socket
 *   binds it to an ephemeral port (ip_local_port_range, 32768 60999 by
 *   default) and the source address of the route (127.0.0.1).
 * recv(2): "MSG_PEEK This flag causes the receive operation to return data
 *   from the beginning of the receive queue without removing that data from
 *   the queue." "MSG_DONTWAIT Enables nonblocking operation; if the operation
 *   would block, the call fails with the error EAGAIN or EWOULDBLOCK."
 *   "MSG_WAITALL (since Linux 2.2) This flag requests that the operation
 *   block until the full request is satisfied. However, the call may still
 *   return less data than requested if a signal is caught, an error or
 *   disconnect occurs". "When a stream socket peer has performed an orderly
 *   shutdown, the return value will be 0".
 * shutdown(2): "If how is SHUT_WR, further transmissions will be
 *   disallowed." (tcp_shutdown sends a FIN: the peer reads what was sent,
 *   then 0, and can still send back.)
 * send(2): "EPIPE The local end has been shut down on a connection oriented
 *   socket. In this case, the process will also receive a SIGPIPE unless
 *   MSG_NOSIGNAL is set."
 * poll(2): "POLLRDHUP (since Linux 2.6.17) Stream socket peer closed
 *   connection, or shut down writing half of connection." tcp_poll: POLLHUP
 *   when both directions are shut (or the socket is closed), POLLIN|POLLRDHUP
 *   once the peer's FIN is in, POLLOUT also after our own SHUT_WR.
 * ioctl FIONREAD (tcp(7) SIOCINQ): "the amount of queued unread data in the
 *   receive buffer".
 *
 * Loopback delivery is asynchronous (softirq): before printing a readiness
 * or a count that depends on a segment arriving, the program waits for it
 * with ppoll (or FIONREAD) and a timeout of a second, so every run prints the
 * same. Ports: 24601 and 24602 (fixed, below the ephemeral range; the
 * ephemeral ones are printed only as relations). The client always closes
 * first, so the TIME_WAIT is on its ephemeral port; the listeners also set
 * SO_REUSEADDR so that a run killed half-way does not block the next one.
 * Left out: shutdown(2) of an unconnected TCP socket returns ENOTCONN but
 * inet_shutdown still records the direction in sk_shutdown ("Hack to wake up
 * other listeners"), so a later connect gives a socket whose send is EPIPE
 * at once; a fresh socket is used after it.
 */
#include "rt/rt.h"

#define PORT  24601
#define PORT2 24602
#define ALL   (POLLIN | POLLOUT | POLLRDHUP)

static volatile int sigpipes;
static void on_sigpipe(int sig) { (void)sig; sigpipes++; }

/* Wait (up to 1 s) until fd reports one of events, then take a snapshot of ALL. */
static long settled(int fd, int events)
{
	sock_poll_ms(fd, events, 1000);
	return sock_poll1(fd, ALL);
}
/* Wait (up to 1 s) until FIONREAD on fd reaches n; returns FIONREAD. */
static long wait_inq(int fd, long n)
{
	int v = 0;
	for (int i = 0; i < 100; i++) {
		v = 0;
		sys_ioctl(fd, FIONREAD, &v);
		if (v >= n)
			break;
		sleep_ms(10);
	}
	return v;
}

static void say_name(const char *label, long r, struct sockaddr_in *a, int alen)
{
	print(label);
	print(": ");
	print_dec(r);
	print(" addrlen ");
	print_dec(alen);
	if (r == 0) {
		print(" family ");
		print_dec(a->sin_family);
		print(" addr ");
		print_ipv4(ntohl(a->sin_addr));
	}
	print("\n");
}

int main(void)
{
	struct sockaddr_in a, b;
	int alen, st;
	char buf[64];

	print("-- unbound socket\n");
	long c = sys_socket(AF_INET, SOCK_STREAM, 0);
	say_yes("socket(AF_INET, SOCK_STREAM, 0)", c >= 0);
	alen = sizeof a;
	memset(&a, 0x55, sizeof a);
	long r = sys_getsockname(c, &a, &alen);
	say_name("getsockname unbound", r, &a, alen);
	say_dec("its port", ntohs(a.sin_port));
	say_yes("sin_zero zeroed", bytes_eq(a.sin_zero, "\0\0\0\0\0\0\0\0", 8));
	alen = sizeof a;
	say_dec("getpeername before connect (ENOTCONN)", sys_getpeername(c, &a, &alen));
	say_poll("poll of a new socket", sock_poll1(c, ALL));

	print("-- bind, listen\n");
	long l = sys_socket(AF_INET, SOCK_STREAM, 0);
	say_dec("SO_REUSEADDR 1 (a rerun binds over an old TIME_WAIT)", sockopt_set_int(l, SOL_SOCKET, SO_REUSEADDR, 1));
	say_dec("bind 127.0.0.1:24601", sys_bind(l, &a, sin_addr_port(&a, INADDR_LOOPBACK, PORT)));
	alen = sizeof a;
	memset(&a, 0, sizeof a);
	r = sys_getsockname(l, &a, &alen);
	say_name("getsockname", r, &a, alen);
	say_dec("its port", ntohs(a.sin_port));
	alen = 4;
	memset(&a, 0x55, sizeof a);
	r = sys_getsockname(l, &a, &alen);
	say_dec("getsockname with addrlen 4", r);
	say_dec("addrlen returned (the full size)", alen);
	say_yes("family and port copied", a.sin_family == AF_INET && ntohs(a.sin_port) == PORT);
	say_yes("the address bytes untouched", a.sin_addr == 0x55555555);
	alen = 0;
	say_dec("getsockname with addrlen 0", sys_getsockname(l, &a, &alen));
	say_dec("addrlen returned", alen);
	alen = -1;
	say_dec("getsockname with addrlen -1 (EINVAL)", sys_getsockname(l, &a, &alen));
	say_dec("listen 5", sys_listen(l, 5));
	say_poll("listener, nothing pending", sock_poll1(l, ALL));
	alen = sizeof a;
	say_dec("listener getpeername (ENOTCONN)", sys_getpeername(l, &a, &alen));

	print("-- connect, accept\n");
	say_dec("connect to 127.0.0.1:24601", sys_connect(c, &a, sin_addr_port(&a, INADDR_LOOPBACK, PORT)));
	say_poll("listener with a connection pending", settled(l, POLLIN));
	alen = sizeof a;
	memset(&a, 0, sizeof a);
	r = sys_getsockname(c, &a, &alen);
	say_name("client getsockname", r, &a, alen);
	long cport = ntohs(a.sin_port);
	say_yes("client port ephemeral (32768..60999)", ephemeral_port(cport));
	alen = sizeof a;
	memset(&a, 0, sizeof a);
	r = sys_getpeername(c, &a, &alen);
	say_name("client getpeername", r, &a, alen);
	say_dec("its port", ntohs(a.sin_port));
	alen = sizeof b;
	memset(&b, 0x55, sizeof b);
	long x = sys_accept(l, &b, &alen);
	say_yes("accept", x >= 0);
	say_name("accept's address", 0, &b, alen);
	say_yes("its port is the client's", ntohs(b.sin_port) == cport);
	alen = sizeof a;
	r = sys_getsockname(x, &a, &alen);
	say_name("accepted getsockname", r, &a, alen);
	say_dec("its port", ntohs(a.sin_port));
	alen = sizeof a;
	r = sys_getpeername(x, &a, &alen);
	say_name("accepted getpeername", r, &a, alen);
	say_yes("its port is the client's", ntohs(a.sin_port) == cport);
	say_poll("listener after accept", sock_poll1(l, ALL));
	say_poll("client", sock_poll1(c, ALL));
	say_poll("accepted", sock_poll1(x, ALL));
	say_dec("accepted SO_ACCEPTCONN", sockopt_int(x, SOL_SOCKET, SO_ACCEPTCONN));
	say_dec("connect again (EISCONN)", sys_connect(c, &a, sin_addr_port(&a, INADDR_LOOPBACK, PORT)));
	say_dec("listen on a connected socket (EINVAL)", sys_listen(c, 5));

	print("-- a wildcard listener\n");
	long w = sys_socket(AF_INET, SOCK_STREAM, 0);
	sockopt_set_int(w, SOL_SOCKET, SO_REUSEADDR, 1);
	say_dec("bind 0.0.0.0:24602", sys_bind(w, &a, sin_addr_port(&a, INADDR_ANY, PORT2)));
	sys_listen(w, 5);
	alen = sizeof a;
	r = sys_getsockname(w, &a, &alen);
	say_name("listener getsockname", r, &a, alen);
	long c2 = sys_socket(AF_INET, SOCK_STREAM, 0);
	say_dec("connect to 127.0.0.1:24602", sys_connect(c2, &a, sin_addr_port(&a, INADDR_LOOPBACK, PORT2)));
	long x2 = sys_accept(w, 0, 0);
	say_yes("accept(NULL, NULL)", x2 >= 0);
	alen = sizeof a;
	r = sys_getsockname(x2, &a, &alen);
	say_name("accepted getsockname (the address reached, not 0.0.0.0)", r, &a, alen);
	say_dec("its port", ntohs(a.sin_port));
	sys_close(c2);
	sys_close(x2);
	sys_close(w);

	print("-- data\n");
	say_dec("recv MSG_DONTWAIT, nothing there (EAGAIN)", sys_recv(x, buf, 8, MSG_DONTWAIT));
	say_dec("client write 10", sys_write(c, "0123456789", 10));
	say_dec("client send 5", sys_send(c, "abcde", 5, 0));
	say_dec("accepted FIONREAD (both arrived)", wait_inq(x, 15));
	say_poll("accepted with data", sock_poll1(x, ALL));
	memset(buf, 0, sizeof buf);
	say_dec("recv 3 MSG_PEEK", sys_recv(x, buf, 3, MSG_PEEK));
	say_str("peeked", buf);
	say_dec("FIONREAD after the peek", wait_inq(x, 15));
	memset(buf, 0, sizeof buf);
	say_dec("read 4", sys_read(x, buf, 4));
	say_str("got", buf);
	memset(buf, 0, sizeof buf);
	say_dec("read 64 (the rest of both sends)", sys_read(x, buf, 64));
	say_str("got", buf);
	say_dec("read 0 bytes", sys_read(x, buf, 0));
	say_poll("accepted, drained", sock_poll1(x, ALL));
	say_dec("the other way: accepted send 6", sys_send(x, "answer", 6, 0));
	memset(buf, 0, sizeof buf);
	say_dec("client recv", sys_recv(c, buf, sizeof buf, 0));
	say_str("got", buf);
	say_dec("client send 5, then recv 5 MSG_WAITALL", sys_send(c, "01234", 5, 0));
	memset(buf, 0, sizeof buf);
	say_dec("recv 5 MSG_WAITALL (all there)", sys_recv(x, buf, 5, MSG_WAITALL));
	say_str("got", buf);
	long child = sys_fork();
	if (child == 0) {
		sys_write(c, "abc", 3);
		sleep_ms(100);
		sys_write(c, "defghij", 7);
		sys_exit_group(0);
	}
	memset(buf, 0, sizeof buf);
	say_dec("recv 10 MSG_WAITALL (a child sends 3, then 7 after 100 ms)", sys_recv(x, buf, 10, MSG_WAITALL));
	say_str("got", buf);
	sys_wait4(child, &st, 0, 0);
	say_status("child", st);

	print("-- shutdown(SHUT_WR)\n");
	say_dec("client send 4", sys_send(c, "last", 4, 0));
	say_dec("client shutdown SHUT_WR", sys_shutdown(c, SHUT_WR));
	say_poll("accepted after the client's data and FIN", settled(x, POLLRDHUP));
	say_poll("client after its own SHUT_WR", sock_poll1(c, ALL));
	memset(buf, 0, sizeof buf);
	say_dec("recv 10 MSG_WAITALL (4 there, then the FIN)", sys_recv(x, buf, 10, MSG_WAITALL));
	say_str("got", buf);
	say_dec("read: EOF", sys_read(x, buf, 8));
	say_dec("read again: EOF", sys_read(x, buf, 8));
	say_poll("accepted, drained after the FIN", sock_poll1(x, ALL));
	say_dec("accepted can still send back: send 4", sys_send(x, "back", 4, 0));
	say_poll("client with that data", settled(c, POLLIN));
	memset(buf, 0, sizeof buf);
	say_dec("client reads it", sys_read(c, buf, sizeof buf));
	say_str("got", buf);
	set_handler(SIGPIPE, on_sigpipe);
	say_dec("client write after its SHUT_WR (EPIPE)", sys_write(c, "x", 1));
	say_dec("SIGPIPE handler ran", sigpipes);
	say_dec("send MSG_NOSIGNAL (EPIPE)", sys_send(c, "x", 1, MSG_NOSIGNAL));
	say_dec("SIGPIPE handler ran (still)", sigpipes);
	say_dec("shutdown SHUT_WR again", sys_shutdown(c, SHUT_WR));
	say_dec("shutdown how 3 (EINVAL)", sys_shutdown(c, 3));

	print("-- the accepted side closes\n");
	say_dec("close accepted", sys_close(x));
	say_poll("client after the peer's FIN (both directions shut)", settled(c, POLLRDHUP));
	say_dec("client read: EOF", sys_read(c, buf, 8));
	say_dec("SO_ERROR", sockopt_int(c, SOL_SOCKET, SO_ERROR));
	alen = sizeof a;
	say_dec("getpeername after both FINs (ENOTCONN)", sys_getpeername(c, &a, &alen));
	say_dec("close client", sys_close(c));

	print("-- shutdown(SHUT_RD) and errors\n");
	c = sys_socket(AF_INET, SOCK_STREAM, 0);
	say_dec("write on an unconnected socket (EPIPE)", sys_send(c, "x", 1, MSG_NOSIGNAL));
	say_dec("read on an unconnected socket (ENOTCONN)", sys_read(c, buf, 1));
	say_dec("shutdown of an unconnected socket (ENOTCONN)", sys_shutdown(c, SHUT_WR));
	sys_close(c);
	c = sys_socket(AF_INET, SOCK_STREAM, 0);
	sys_connect(c, &a, sin_addr_port(&a, INADDR_LOOPBACK, PORT));
	x = sys_accept(l, 0, 0);
	say_dec("shutdown SHUT_RD", sys_shutdown(c, SHUT_RD));
	say_poll("client after SHUT_RD", sock_poll1(c, ALL));
	say_dec("read after SHUT_RD: 0", sys_read(c, buf, 8));
	say_poll("accepted (SHUT_RD sends nothing)", sock_poll1(x, ALL));
	say_dec("client still sends: send 2", sys_send(c, "ok", 2, 0));
	memset(buf, 0, sizeof buf);
	say_dec("accepted reads", sys_read(x, buf, sizeof buf));
	say_str("got", buf);
	say_dec("shutdown SHUT_WR too", sys_shutdown(c, SHUT_WR));
	say_poll("client, both directions shut", sock_poll1(c, ALL));
	say_dec("accepted read: EOF", sys_read(x, buf, 8));
	sys_close(c);
	sleep_ms(50);
	sys_close(x);
	sys_close(l);
	return 0;
}

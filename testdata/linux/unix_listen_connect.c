/*
 * unix_listen_connect: listen(2), connect(2), accept(2)/accept4(2) and
 * getpeername(2) for AF_UNIX stream and seqpacket sockets (semantics.md 12).
 *
 * listen(2): "EOPNOTSUPP The socket is not of a type that supports the
 *   listen() operation." net/unix/af_unix.c unix_listen: "if (sock->type !=
 *   SOCK_STREAM && sock->type != SOCK_SEQPACKET) goto out; (Only stream/
 *   seqpacket sockets accept)" (EOPNOTSUPP), "if (!u->addr) goto out; (No
 *   listens on an unbound socket)" (EINVAL), "if (sk->sk_state !=
 *   TCP_CLOSE && sk->sk_state != TCP_LISTEN) goto out_unlock;" (EINVAL).
 * Backlog: unix_stream_connect refuses while unix_recvq_full_lockless(other)
 *   "skb_queue_len(&sk->sk_receive_queue) > READ_ONCE(sk->sk_max_ack_backlog)",
 *   so backlog + 1 connections can be pending; then a non-blocking connect
 *   gets EAGAIN ("if (!timeo) goto out;" err = -EAGAIN) and a blocking one
 *   sleeps in unix_wait_for_peer until accept makes room.
 * unix(7): "ECONNREFUSED The remote address specified by connect(2) was not
 *   a listening socket. This error can also occur if the target pathname is
 *   not a socket." "ENOENT The pathname in the remote address specified to
 *   connect(2) did not exist." "EPROTOTYPE The remote socket does not match
 *   the local socket type (SOCK_DGRAM versus SOCK_STREAM)." (abstract names
 *   are looked up per type, so there it is ECONNREFUSED.)
 * connect(2): "EISCONN The socket is already connected." unix_stream_connect
 *   on a listener: "if (sk->sk_state != TCP_CLOSE) ... TCP_LISTEN: EINVAL".
 * accept(2): "EAGAIN or EWOULDBLOCK The socket is marked nonblocking and no
 *   connections are present to be accepted." "EINVAL Socket is not listening
 *   for connections" "EOPNOTSUPP The referenced socket is not of type
 *   SOCK_STREAM." "SOCK_NONBLOCK Set the O_NONBLOCK file status flag on the
 *   open file description" "SOCK_CLOEXEC Set the close-on-exec (FD_CLOEXEC)
 *   flag on the new file descriptor." "In order to be notified of incoming
 *   connections on a socket, you can use select(2), poll(2), or epoll(7). A
 *   readable event will be delivered when a new connection is attempted".
 *   The new socket does not inherit the listener's O_NONBLOCK on Linux.
 * getpeername(2): "returns the address of the peer connected to the socket
 *   sockfd"; "ENOTCONN The socket is not connected."
 * Closing a listener with connections not yet accepted: unix_release_sock
 *   resets each embryo's peer: "skpair->sk_err = ECONNRESET" (a client's read
 *   gives ECONNRESET once, then 0; poll shows POLLERR and POLLHUP).
 */
#include "rt/rt.h"

#define DIR  "/tmp/ipcsim-unix-conn"
#define PL   DIR "/listener"
#define PB   DIR "/backlog"
#define PD   DIR "/dgram"
#define PS   DIR "/stream-unlistening"
#define PQ   DIR "/seqpacket"
#define PC   DIR "/client"
#define PF   DIR "/file"

static void cleanup(void)
{
	sys_unlinkat(AT_FDCWD, PL, 0);
	sys_unlinkat(AT_FDCWD, PB, 0);
	sys_unlinkat(AT_FDCWD, PD, 0);
	sys_unlinkat(AT_FDCWD, PS, 0);
	sys_unlinkat(AT_FDCWD, PQ, 0);
	sys_unlinkat(AT_FDCWD, PC, 0);
	sys_unlinkat(AT_FDCWD, PF, 0);
	sys_unlinkat(AT_FDCWD, DIR, AT_REMOVEDIR);
}

static long bound(int type, const char *path)
{
	struct sockaddr_un a;
	long s = sys_socket(AF_UNIX, type, 0);
	if (sys_bind(s, &a, sun_path_addr(&a, path)) != 0)
		print("bind failed\n");
	return s;
}

static long connect_to(int fd, const char *path)
{
	struct sockaddr_un a;
	return sys_connect(fd, &a, sun_path_addr(&a, path));
}

static void say_addr(const char *label, long r, struct sockaddr_un *a, int alen)
{
	print(label);
	print(": ");
	print_dec(r);
	print(" addrlen ");
	print_dec(alen);
	if (r == 0 && alen > SUN_OFF) {
		print(" ");
		print(a->sun_path);
	}
	print("\n");
}

int main(void)
{
	struct sockaddr_un a;
	int alen;
	long r;
	char ch;
	int pp[2];

	cleanup();
	sys_mkdirat(AT_FDCWD, DIR, 0755);
	set_handler(SIGPIPE, SIG_IGN);

	print("-- listen\n");
	long s = sys_socket(AF_UNIX, SOCK_STREAM, 0);
	say_dec("listen on an unbound stream socket (EINVAL)", sys_listen(s, 5));
	long q = sys_socket(AF_UNIX, SOCK_SEQPACKET, 0);
	say_dec("listen on an unbound seqpacket socket (EINVAL)", sys_listen(q, 5));
	sys_close(q);
	long d = bound(SOCK_DGRAM, PD);
	say_dec("listen on a bound datagram socket (EOPNOTSUPP)", sys_listen(d, 5));
	long l = bound(SOCK_STREAM, PL);
	say_dec("SO_ACCEPTCONN before listen", sockopt_int(l, SOL_SOCKET, SO_ACCEPTCONN));
	say_dec("listen 5", sys_listen(l, 5));
	say_dec("SO_ACCEPTCONN", sockopt_int(l, SOL_SOCKET, SO_ACCEPTCONN));
	say_dec("listen again (new backlog)", sys_listen(l, 5));
	say_hex("ppoll listener, nothing pending", sock_poll1(l, POLLIN | POLLOUT));
	sys_pipe2(pp, 0);
	say_dec("listen on a pipe (ENOTSOCK)", sys_listen(pp[0], 1));

	print("-- connect errors\n");
	long us = bound(SOCK_STREAM, PS);
	long fd = sys_openat(AT_FDCWD, PF, O_CREAT | O_WRONLY, 0644);
	sys_close(fd);
	long c = sys_socket(AF_UNIX, SOCK_STREAM, 0);
	say_dec("missing path (ENOENT)", connect_to(c, DIR "/missing"));
	say_dec("a bound stream socket that is not listening (ECONNREFUSED)", connect_to(c, PS));
	say_dec("a regular file (ECONNREFUSED)", connect_to(c, PF));
	say_dec("a datagram socket's path (EPROTOTYPE)", connect_to(c, PD));
	q = sys_socket(AF_UNIX, SOCK_SEQPACKET, 0);
	say_dec("seqpacket to a stream listener (EPROTOTYPE)", connect_to(q, PL));
	long al = sys_socket(AF_UNIX, SOCK_STREAM, 0);
	alen = sun_abstract_addr(&a, "ipcsim-unix-conn");
	sys_bind(al, &a, alen);
	sys_listen(al, 5);
	say_dec("seqpacket to an abstract stream listener (ECONNREFUSED)", sys_connect(q, &a, alen));
	long dd = sys_socket(AF_UNIX, SOCK_DGRAM, 0);
	say_dec("datagram socket to a stream listener (EPROTOTYPE)", connect_to(dd, PL));
	sys_close(dd);
	a.sun_family = AF_INET;
	say_dec("sun_family AF_INET (EINVAL)", sys_connect(c, &a, alen));
	say_dec("addrlen 1 (EINVAL)", sys_connect(c, &a, 1));
	say_dec("connect the listener itself (EINVAL)", connect_to(l, PL));
	say_dec("connect the listener to a missing path (ENOENT: the lookup comes first)", connect_to(l, PQ));

	print("-- connect, accept, getpeername\n");
	say_dec("connect", connect_to(c, PL));
	say_hex("ppoll listener, one pending", sock_poll1(l, POLLIN | POLLOUT));
	say_dec("connect again (EISCONN)", connect_to(c, PL));
	say_dec("connect again to a non-listening socket (ECONNREFUSED: the target is checked first)", connect_to(c, PS));
	alen = sun_abstract_addr(&a, "ipcsim-unix-conn");
	say_dec("connect again to another listener (EISCONN)", sys_connect(c, &a, alen));
	say_dec("listen on a connected socket (EINVAL)", sys_listen(c, 5));
	alen = sizeof a;
	memset(&a, 0, sizeof a);
	r = sys_getpeername(c, &a, &alen);
	say_addr("client getpeername", r, &a, alen);
	alen = sizeof a;
	r = sys_getsockname(c, &a, &alen);
	say_addr("client getsockname", r, &a, alen);
	alen = sizeof a;
	r = sys_getpeername(l, &a, &alen);
	say_addr("listener getpeername (ENOTCONN)", r, &a, alen);
	say_dec("client write before accept", sys_write(c, "early", 5));
	alen = sizeof a;
	memset(&a, 0x55, sizeof a);
	long x = sys_accept(l, &a, &alen);
	say_dec("accept", x);
	say_dec("accept addrlen (unbound client)", alen);
	say_hex("ppoll listener after accept", sock_poll1(l, POLLIN | POLLOUT));
	alen = sizeof a;
	memset(&a, 0, sizeof a);
	r = sys_getsockname(x, &a, &alen);
	say_addr("accepted getsockname", r, &a, alen);
	alen = sizeof a;
	r = sys_getpeername(x, &a, &alen);
	say_addr("accepted getpeername", r, &a, alen);
	char buf[16];
	memset(buf, 0, sizeof buf);
	say_dec("accepted reads the early write", sys_read(x, buf, sizeof buf));
	say_str("got", buf);
	say_dec("accepted SO_ACCEPTCONN", sockopt_int(x, SOL_SOCKET, SO_ACCEPTCONN));
	sys_close(x);
	sys_close(c);
	/* a bound client: accept reports its address */
	c = bound(SOCK_STREAM, PC);
	say_dec("bound client connects", connect_to(c, PL));
	alen = sizeof a;
	memset(&a, 0, sizeof a);
	x = sys_accept(l, &a, &alen);
	say_addr("accept from a bound client", x >= 0 ? 0 : x, &a, alen);
	sys_close(x);
	sys_close(c);
	/* accept with NULL address */
	c = sys_socket(AF_UNIX, SOCK_STREAM, 0);
	connect_to(c, PL);
	x = sys_accept(l, 0, 0);
	say_dec("accept(l, NULL, NULL)", x);
	sys_close(x);
	sys_close(c);

	print("-- accept errors and accept4 flags\n");
	say_dec("accept on a bound stream socket not listening (EINVAL)", sys_accept(us, 0, 0));
	say_dec("accept on a datagram socket (EOPNOTSUPP)", sys_accept(d, 0, 0));
	say_dec("accept on a pipe (ENOTSOCK)", sys_accept(pp[0], 0, 0));
	sys_close(pp[0]);
	sys_close(pp[1]);
	sys_fcntl(l, F_SETFL, O_NONBLOCK);
	say_dec("non-blocking accept, nothing pending (EAGAIN)", sys_accept(l, 0, 0));
	c = sys_socket(AF_UNIX, SOCK_STREAM, 0);
	connect_to(c, PL);
	x = sys_accept(l, 0, 0);
	say_dec("accept from a non-blocking listener", x);
	say_hex("its F_GETFL (O_NONBLOCK not inherited)", sys_fcntl(x, F_GETFL, 0));
	say_dec("its F_GETFD", sys_fcntl(x, F_GETFD, 0));
	sys_close(x);
	sys_close(c);
	c = sys_socket(AF_UNIX, SOCK_STREAM, 0);
	connect_to(c, PL);
	say_dec("accept4 unknown flag 0x1 (EINVAL)", sys_accept4(l, 0, 0, 1));
	x = sys_accept4(l, 0, 0, SOCK_NONBLOCK | SOCK_CLOEXEC);
	say_dec("accept4 SOCK_NONBLOCK|SOCK_CLOEXEC", x);
	say_hex("its F_GETFL", sys_fcntl(x, F_GETFL, 0));
	say_dec("its F_GETFD", sys_fcntl(x, F_GETFD, 0));
	say_dec("its read (EAGAIN)", sys_read(x, &ch, 1));
	sys_close(x);
	sys_close(c);
	sys_fcntl(l, F_SETFL, 0);

	print("-- backlog\n");
	long b = bound(SOCK_STREAM, PB);
	say_dec("listen backlog 1", sys_listen(b, 1));
	long k[4];
	for (int i = 0; i < 3; i++) {
		k[i] = sys_socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
		print("non-blocking connect ");
		print_dec(i + 1);
		say_dec("", connect_to(k[i], PB));
	}
	/* a blocking connect sleeps until accept makes room */
	int p[2];
	sys_pipe2(p, 0);
	long child = sys_fork();
	if (child == 0) {
		long cs = sys_socket(AF_UNIX, SOCK_STREAM, 0);
		sys_write(p[1], "r", 1);
		char rr = '0' - connect_to(cs, PB);
		sys_write(p[1], &rr, 1);
		sys_exit_group(0);
	}
	sys_read(p[0], &ch, 1);
	sleep_ms(200);
	sys_fcntl(p[0], F_SETFL, O_NONBLOCK);
	say_dec("200 ms later the blocking connect has not returned (EAGAIN)", sys_read(p[0], &ch, 1));
	sys_fcntl(p[0], F_SETFL, 0);
	x = sys_accept(b, 0, 0);
	say_yes("accept one", x >= 0);
	ch = 0;
	sys_read(p[0], &ch, 1);
	say_dec("then the blocking connect returns", '0' - ch);
	int st;
	sys_wait4(child, &st, 0, 0);
	say_status("child", st);
	long n = 1;
	sys_fcntl(b, F_SETFL, O_NONBLOCK);
	while (sys_accept(b, 0, 0) >= 0)
		n++;
	sys_fcntl(b, F_SETFL, 0);
	say_dec("connections accepted in all (2 + the blocked one)", n);
	for (int i = 0; i < 3; i++)
		sys_close(k[i]);
	sys_listen(b, 0);
	k[0] = sys_socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
	k[1] = sys_socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
	say_dec("backlog 0: first non-blocking connect", connect_to(k[0], PB));
	say_dec("backlog 0: second (EAGAIN)", connect_to(k[1], PB));

	print("-- closing a listener with pending connections\n");
	say_dec("client writes before the close", sys_write(k[0], "lost", 4));
	sys_close(b);
	say_hex("client ppoll POLLIN|POLLOUT|POLLRDHUP", sock_poll1(k[0], POLLIN | POLLOUT | POLLRDHUP));
	say_dec("client SO_ERROR", sockopt_int(k[0], SOL_SOCKET, SO_ERROR));
	say_dec("client SO_ERROR again", sockopt_int(k[0], SOL_SOCKET, SO_ERROR));
	say_dec("client read", sys_read(k[0], &ch, 1));
	say_dec("client write (EPIPE)", sys_write(k[0], "x", 1));
	sys_close(k[0]);
	k[0] = sys_socket(AF_UNIX, SOCK_STREAM, 0);
	say_dec("connect to the closed listener's path (ECONNREFUSED)", connect_to(k[0], PB));
	/* the same, read first */
	b = sys_socket(AF_UNIX, SOCK_STREAM, 0);
	sys_unlinkat(AT_FDCWD, PB, 0);
	sys_bind(b, &a, sun_path_addr(&a, PB));
	sys_listen(b, 5);
	k[2] = sys_socket(AF_UNIX, SOCK_STREAM, 0);
	connect_to(k[2], PB);
	sys_close(b);
	say_dec("another client: read (ECONNRESET)", sys_read(k[2], &ch, 1));
	say_dec("read again (EOF)", sys_read(k[2], &ch, 1));

	cleanup();
	return 0;
}

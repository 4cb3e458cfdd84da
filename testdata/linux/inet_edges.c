/*
 * inet_edges: the order of a TCP or UDP socket's answers where two
 * conditions meet (found by sysdiff; Linux 6.18's net/ipv4 named in each).
 *
 * - shutdown(2) of a TCP socket in TCP_CLOSE (never connected, or its
 *   connect refused) says ENOTCONN, but sets the bits all the same
 *   (inet_shutdown): reads then end (0), and poll says POLLIN|POLLRDHUP.
 * - A read of no bytes from a TCP socket never connected: ENOTCONN
 *   (tcp_recvmsg's target is never below one byte).
 * - A refused connect gives its port back (tcp_set_state(TCP_CLOSE)): the
 *   socket can bind again; a second connect on it reports the refusal
 *   whatever address it names (__inet_stream_connect switches on the
 *   state before tcp_v4_connect reads the address).
 * - A UDP send binds the socket (inet_sendmsg) before it fails: too long
 *   (EMSGSIZE, which comes before a bad address), or no destination; bind
 *   then says EINVAL. An unconnected UDP socket shut for writing says
 *   EDESTADDRREQ before EPIPE. A UDP socket shut for reading: a
 *   non-blocking read says EAGAIN, a blocking one returns 0. A UDP connect
 *   binds the socket (inet_dgram_connect) before it reads the address.
 * - SO_PEERCRED of an IPv4 socket is pid 0, uid and gid -1 (cred_to_ucred
 *   of none); SO_PASSCRED is EOPNOTSUPP (sk_may_scm_recv).
 */
#include "rt/rt.h"

#define PORT 20999 /* nothing listens there */

static char big[70000];

static long addr_of(struct sockaddr_in *a, int port) { return sin_addr_port(a, INADDR_LOOPBACK, port); }

int main(void)
{
	struct sockaddr_in a;
	struct sockaddr_un un;
	char buf[16];

	/* TCP, never connected */
	int t = sys_socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	say_dec("tcp: read of 0 bytes, never connected (ENOTCONN)", sys_recvfrom(t, buf, 0, 0, 0, 0));
	say_dec("tcp: shutdown SHUT_RD, never connected (ENOTCONN)", sys_shutdown(t, 0));
	say_dec("tcp: then a read (the end)", sys_read(t, buf, 1));
	say_poll("tcp: then poll POLLIN|POLLRDHUP", sock_poll1(t, POLLIN | POLLRDHUP));
	sys_close(t);

	/* Credentials are Unix sockets' only */
	t = sys_socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	struct ucred cr = { 7, 7, 7 };
	int crlen = sizeof cr, one = 1;
	say_dec("tcp: getsockopt SO_PEERCRED", sys_getsockopt(t, SOL_SOCKET, SO_PEERCRED, &cr, &crlen));
	say_dec("tcp: its pid", cr.pid);
	say_dec("tcp: its uid", (int)cr.uid);
	say_dec("tcp: its gid", (int)cr.gid);
	say_dec("tcp: setsockopt SO_PASSCRED (EOPNOTSUPP)", sys_setsockopt(t, SOL_SOCKET, SO_PASSCRED, &one, sizeof one));
	say_dec("tcp: getsockopt SO_PASSCRED (EOPNOTSUPP)", sys_getsockopt(t, SOL_SOCKET, SO_PASSCRED, &one, &crlen));
	sys_close(t);

	/* TCP, connect refused */
	t = sys_socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	say_dec("refused: connect (EINPROGRESS)", sys_connect(t, &a, addr_of(&a, PORT)));
	sleep_ms(50);
	say_dec("refused: connect again, an AF_UNIX address (the refusal)",
		sys_connect(t, &un, sun_abstract_addr(&un, "ipcsim-inet-edges")));
	say_dec("refused: connect once more, the address checked now (EAFNOSUPPORT)",
		sys_connect(t, &un, sun_abstract_addr(&un, "ipcsim-inet-edges")));
	sys_close(t);
	t = sys_socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	say_dec("refused, second socket: connect (EINPROGRESS)", sys_connect(t, &a, addr_of(&a, PORT)));
	sleep_ms(50);
	say_dec("refused: bind (its port was given back)", sys_bind(t, &a, addr_of(&a, PORT + 1)));
	say_dec("refused: shutdown SHUT_RD (ENOTCONN)", sys_shutdown(t, 0));
	say_dec("refused: a read (the pending ECONNREFUSED first)", sys_read(t, buf, 1));
	say_dec("refused: a read again (the end)", sys_read(t, buf, 1));
	sys_close(t);

	/* UDP */
	int u = sys_socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	say_dec("udp: write with no destination (EDESTADDRREQ)", sys_write(u, "x", 1));
	say_dec("udp: bind after it (EINVAL: the send bound it)", sys_bind(u, &a, addr_of(&a, PORT + 2)));
	sys_close(u);
	u = sys_socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	say_dec("udp: sendto of 70000 bytes, a bad address (EMSGSIZE first)",
		sys_sendto(u, big, sizeof big, 0, &un, sun_abstract_addr(&un, "x")));
	say_dec("udp: bind after it (EINVAL)", sys_bind(u, &a, addr_of(&a, PORT + 3)));
	say_dec("udp: shutdown SHUT_RDWR, unconnected (ENOTCONN)", sys_shutdown(u, 2));
	say_dec("udp: write with no destination, shut (EDESTADDRREQ before EPIPE)", sys_write(u, "x", 1));
	say_dec("udp: sendto with one, shut (EPIPE)", sys_sendto(u, "x", 1, 0, &a, addr_of(&a, PORT + 3)));
	say_dec("udp: non-blocking read, shut for reading (EAGAIN)", sys_read(u, buf, 1));
	sys_fcntl(u, F_SETFL, 0);
	say_dec("udp: blocking read, shut for reading (0)", sys_read(u, buf, 1));
	sys_close(u);
	u = sys_socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	say_dec("udp: connect to an AF_UNIX address (EAFNOSUPPORT)",
		sys_connect(u, &un, sun_abstract_addr(&un, "ipcsim-inet-edges")));
	say_dec("udp: bind after it (EINVAL: the connect bound it)", sys_bind(u, &a, addr_of(&a, PORT + 4)));
	sys_close(u);
	return 0;
}

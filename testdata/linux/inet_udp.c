/*
 * inet_udp: AF_INET SOCK_DGRAM (UDP) over 127.0.0.1 (semantics.md 15).
 *
 * udp(7): "When a UDP socket is created, its local and remote addresses are
 *   unspecified. Datagrams can be sent immediately using sendto(2) or
 *   sendmsg(2) with a valid destination address as an argument. When
 *   connect(2) is called on the socket, the default destination address is
 *   set and datagrams can now be sent using send(2) or write(2) without
 *   specifying a destination address. It is still possible to send to other
 *   destinations by passing an address to sendto(2) or sendmsg(2). In order
 *   to receive packets, the socket can be bound to a local address first by
 *   using bind(2). Otherwise, the socket layer will automatically assign a
 *   free local port out of the range defined by
 *   /proc/sys/net/ipv4/ip_local_port_range and bind the socket to
 *   INADDR_ANY." "All receive operations return only one packet. When the
 *   packet is smaller than the passed buffer, only that much data is
 *   returned; when it is bigger, the packet is truncated and the MSG_TRUNC
 *   flag is set." "FIONREAD (SIOCINQ) ... Returns the size of the next
 *   pending datagram in the integer in bytes, or 0 when no datagram is
 *   pending." "ECONNREFUSED No receiver was associated with the destination
 *   address. This might be caused by a previous packet sent over the
 *   socket." "All errors documented for socket(7) or ip(7) may be returned".
 * ip(7): "EMSGSIZE Datagram is bigger than an MTU on the path and it cannot
 *   be fragmented." (an IPv4 payload is at most 65535 - 20 - 8 = 65507
 *   bytes). "When the error queue is not enabled (IP_RECVERR) ... only
 *   connected sockets report errors" (__udp4_lib_err: "if (!inet->recverr) {
 *   if (!harderr || sk->sk_state != TCP_ESTABLISHED) goto out;").
 * recv(2): "MSG_TRUNC (since Linux 2.2) For raw (AF_PACKET), Internet
 *   datagram (since Linux 2.4.27/2.6.8), netlink (since Linux 2.6.22), and
 *   UNIX datagram as well as sequenced-packet (since Linux 3.4) sockets:
 *   return the real length of the packet or datagram, even when it was
 *   longer than the passed buffer." "MSG_TRUNC indicates that the trailing
 *   portion of a datagram was discarded because the datagram was larger than
 *   the buffer supplied." Datagrams of length 0 exist.
 * send(2): "EDESTADDRREQ The socket is not connection-mode, and no peer
 *   address is set."
 * connect(2): "If the socket sockfd is of type SOCK_DGRAM, then addr is the
 *   address to which datagrams are sent by default, and the only address
 *   from which datagrams are received." "connectionless sockets may dissolve
 *   the association by connecting to an address with the sa_family member of
 *   sockaddr set to AF_UNSPEC". (Datagrams queued before connect stay.)
 * shutdown(2): "ENOTCONN The specified socket is not connected."
 *   inet_shutdown still records the direction ("Hack to wake up other
 *   listeners, who can poll for EPOLLHUP, even on eg. unconnected UDP
 *   sockets"): recv then returns 0 and poll shows the shutdown.
 *
 * Loopback delivery is asynchronous: a datagram is waited for with ppoll (1
 * s), an ICMP error with ppoll for POLLERR (1 s); that nothing arrives is
 * checked after a 200 ms ppoll. Ports 24651 to 24655 (fixed; 24652 never has
 * a socket); ephemeral ports are printed as relations.
 */
#include "rt/rt.h"

#define ALL (POLLIN | POLLOUT | POLLRDHUP)

static char big[65536];
static char big2[65536];

static long udp(void) { return sys_socket(AF_INET, SOCK_DGRAM, 0); }
static long bound(unsigned short port)
{
	struct sockaddr_in a;
	long s = udp();
	if (sys_bind(s, &a, sin_addr_port(&a, INADDR_LOOPBACK, port)) != 0)
		print("bind failed\n");
	return s;
}
static long sendto_port(long s, const void *buf, size_t n, unsigned short port)
{
	struct sockaddr_in a;
	return sys_sendto(s, buf, n, 0, &a, sin_addr_port(&a, INADDR_LOOPBACK, port));
}
static long connect_port(long s, unsigned short port)
{
	struct sockaddr_in a;
	return sys_connect(s, &a, sin_addr_port(&a, INADDR_LOOPBACK, port));
}
/* recv one datagram after waiting up to 1 s for it; prints count and text */
static void get(const char *label, long s)
{
	char buf[64];
	memset(buf, 0, sizeof buf);
	sock_poll_ms(s, POLLIN, 1000);
	long r = sys_recv(s, buf, sizeof buf - 1, MSG_DONTWAIT);
	print(label);
	print(": ");
	print_dec(r);
	if (r >= 0) {
		print(" \"");
		print(buf);
		print("\"");
	}
	print("\n");
}

int main(void)
{
	struct sockaddr_in a;
	int alen, v;
	char buf[64];
	long r;

	print("-- sendto, recvfrom, boundaries\n");
	long rcv = bound(24651);
	long s = udp();
	alen = sizeof a;
	sys_getsockname(s, &a, &alen);
	say_dec("unbound sender: getsockname port", ntohs(a.sin_port));
	say_dec("sendto 127.0.0.1:24651 \"one\"", sendto_port(s, "one", 3, 24651));
	alen = sizeof a;
	sys_getsockname(s, &a, &alen);
	say_sin_addr("sender bound by its first sendto", &a);
	long sport = ntohs(a.sin_port);
	say_yes("an ephemeral port (32768..60999)", ephemeral_port(sport));
	sock_poll_ms(rcv, POLLIN, 1000);
	say_poll("receiver poll", sock_poll1(rcv, ALL));
	alen = sizeof a;
	memset(&a, 0x55, sizeof a);
	memset(buf, 0, sizeof buf);
	r = sys_recvfrom(rcv, buf, sizeof buf, 0, &a, &alen);
	say_dec("recvfrom", r);
	say_str("got", buf);
	say_dec("addrlen", alen);
	say_sin_addr("from", &a);
	say_yes("from the sender's port", ntohs(a.sin_port) == sport);
	say_dec("sendto \"a\"", sendto_port(s, "a", 1, 24651));
	say_dec("sendto \"bb\"", sendto_port(s, "bb", 2, 24651));
	say_dec("sendto \"\" (zero-length)", sendto_port(s, "", 0, 24651));
	say_dec("sendto \"ccc\"", sendto_port(s, "ccc", 3, 24651));
	get("recv", rcv);
	get("recv", rcv);
	sock_poll_ms(rcv, POLLIN, 1000);
	say_poll("poll with the zero-length datagram queued", sock_poll1(rcv, ALL));
	v = -1;
	sys_ioctl(rcv, FIONREAD, &v);
	say_dec("FIONREAD", v);
	get("recv (the zero-length datagram)", rcv);
	get("recv", rcv);
	say_dec("recv MSG_DONTWAIT, queue empty (EAGAIN)", sys_recv(rcv, buf, sizeof buf, MSG_DONTWAIT));
	say_poll("receiver poll, empty", sock_poll1(rcv, ALL));

	print("-- FIONREAD, MSG_PEEK, truncation\n");
	sendto_port(s, "12345", 5, 24651);
	sendto_port(s, "1234567", 7, 24651);
	sock_poll_ms(rcv, POLLIN, 1000);
	v = -1;
	sys_ioctl(rcv, FIONREAD, &v);
	say_dec("FIONREAD (the first datagram's size)", v);
	memset(buf, 0, sizeof buf);
	say_dec("recv 64 MSG_PEEK", sys_recv(rcv, buf, sizeof buf, MSG_PEEK));
	get("recv", rcv);
	get("recv", rcv);
	sendto_port(s, "0123456789", 10, 24651);
	sendto_port(s, "0123456789", 10, 24651);
	sendto_port(s, "0123456789", 10, 24651);
	sendto_port(s, "next", 4, 24651);
	sock_poll_ms(rcv, POLLIN, 1000);
	memset(buf, 0, sizeof buf);
	say_dec("recv 4 of a 10-byte datagram", sys_recv(rcv, buf, 4, 0));
	say_str("got", buf);
	memset(buf, 0, sizeof buf);
	sock_poll_ms(rcv, POLLIN, 1000);
	say_dec("recv 4 with MSG_TRUNC (the real length)", sys_recv(rcv, buf, 4, MSG_TRUNC));
	say_str("got", buf);
	struct iovec iov = { buf, 4 };
	struct msghdr m;
	memset(&m, 0, sizeof m);
	m.msg_name = &a;
	m.msg_namelen = sizeof a;
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	m.msg_flags = 0;
	memset(buf, 0, sizeof buf);
	sock_poll_ms(rcv, POLLIN, 1000);
	say_dec("recvmsg 4", sys_recvmsg(rcv, &m, 0));
	say_hex("msg_flags (MSG_TRUNC)", m.msg_flags);
	say_dec("msg_namelen", m.msg_namelen);
	get("the rest was discarded: next recv", rcv);

	print("-- sizes\n");
	for (long i = 0; i < (long)sizeof big; i++)
		big[i] = 'a' + i % 23;
	say_dec("sendto 65507 bytes", sendto_port(s, big, 65507, 24651));
	say_dec("sendto 65508 bytes (EMSGSIZE)", sendto_port(s, big, 65508, 24651));
	sock_poll_ms(rcv, POLLIN, 1000);
	v = -1;
	sys_ioctl(rcv, FIONREAD, &v);
	say_dec("FIONREAD", v);
	r = sys_recv(rcv, big2, sizeof big2, 0);
	say_dec("recv", r);
	say_yes("the same bytes", r == 65507 && bytes_eq(big, big2, r));
	say_dec("recv MSG_DONTWAIT (EAGAIN: the 65508 were not sent)", sys_recv(rcv, big2, sizeof big2, MSG_DONTWAIT));

	print("-- no destination\n");
	long u = udp();
	say_dec("send on an unconnected socket (EDESTADDRREQ)", sys_send(u, "x", 1, 0));
	say_dec("write (EDESTADDRREQ)", sys_write(u, "x", 1));
	alen = sizeof a;
	say_dec("getpeername (ENOTCONN)", sys_getpeername(u, &a, &alen));
	say_dec("shutdown SHUT_RDWR of an unconnected socket (ENOTCONN)", sys_shutdown(u, SHUT_RDWR));
	say_poll("poll after it (the shutdown was recorded)", sock_poll1(u, ALL));
	say_dec("recv after it: 0", sys_recv(u, buf, sizeof buf, 0));
	sys_close(u);

	print("-- connected to a port with no socket: ICMP port unreachable\n");
	long c = udp();
	say_dec("connect 127.0.0.1:24652", connect_port(c, 24652));
	alen = sizeof a;
	sys_getsockname(c, &a, &alen);
	say_sin_addr("getsockname after connect", &a);
	say_yes("an ephemeral port", ephemeral_port(ntohs(a.sin_port)));
	say_dec("send (succeeds)", sys_send(c, "x", 1, 0));
	say_poll("poll POLLERR, up to 1 s", sock_poll_ms(c, POLLERR, 1000));
	say_poll("poll", sock_poll1(c, ALL));
	say_dec("recv (ECONNREFUSED)", sys_recv(c, buf, sizeof buf, 0));
	say_dec("recv again (EAGAIN: reported once)", sys_recv(c, buf, sizeof buf, MSG_DONTWAIT));
	say_poll("poll after it", sock_poll1(c, ALL));
	say_dec("write (succeeds)", sys_write(c, "y", 1));
	sock_poll_ms(c, POLLERR, 1000);
	say_dec("SO_ERROR (ECONNREFUSED)", sockopt_int(c, SOL_SOCKET, SO_ERROR));
	say_dec("SO_ERROR again", sockopt_int(c, SOL_SOCKET, SO_ERROR));
	say_dec("send", sys_send(c, "z", 1, 0));
	sock_poll_ms(c, POLLERR, 1000);
	say_dec("send with the error pending (ECONNREFUSED)", sys_send(c, "z", 1, 0));
	sock_poll_ms(c, POLLERR, 1000);
	say_dec("recv (EAGAIN: the failed send sent nothing, so no new error)", sys_recv(c, buf, sizeof buf, MSG_DONTWAIT));
	say_dec("recv again (EAGAIN)", sys_recv(c, buf, sizeof buf, MSG_DONTWAIT));
	sys_close(c);
	u = udp();
	say_dec("unconnected: sendto 127.0.0.1:24652 (succeeds)", sendto_port(u, "x", 1, 24652));
	say_poll("poll POLLERR, 200 ms (no error for an unconnected socket)", sock_poll_ms(u, POLLERR, 200));
	say_dec("sendto again", sendto_port(u, "x", 1, 24652));
	say_dec("SO_ERROR", sockopt_int(u, SOL_SOCKET, SO_ERROR));
	say_dec("recv (EAGAIN)", sys_recv(u, buf, sizeof buf, MSG_DONTWAIT));
	sys_close(u);

	print("-- a connected socket receives only from its peer\n");
	long A = bound(24653);
	long B = bound(24654);
	long r2 = bound(24655);
	say_dec("B sends to r2 before r2 connects", sendto_port(B, "B early", 7, 24655));
	sock_poll_ms(r2, POLLIN, 1000);
	say_dec("r2 connects to A", connect_port(r2, 24653));
	alen = sizeof a;
	r = sys_getpeername(r2, &a, &alen);
	say_dec("getpeername", r);
	say_yes("A's port", ntohs(a.sin_port) == 24653);
	say_dec("B sends to r2", sendto_port(B, "from B", 6, 24655));
	say_dec("A sends to r2", sendto_port(A, "from A", 6, 24655));
	alen = sizeof a;
	memset(buf, 0, sizeof buf);
	sock_poll_ms(r2, POLLIN, 1000);
	r = sys_recvfrom(r2, buf, sizeof buf, MSG_DONTWAIT, &a, &alen);
	say_dec("r2 recvfrom: the datagram queued before connect stays", r);
	say_str("got", buf);
	alen = sizeof a;
	memset(buf, 0, sizeof buf);
	sock_poll_ms(r2, POLLIN, 1000);
	r = sys_recvfrom(r2, buf, sizeof buf, MSG_DONTWAIT, &a, &alen);
	say_dec("r2 recvfrom", r);
	say_str("got", buf);
	say_yes("from A's port", ntohs(a.sin_port) == 24653);
	say_poll("r2 poll, 200 ms (B's datagram was not for it)", sock_poll_ms(r2, POLLIN, 200));
	say_dec("r2 recv (EAGAIN)", sys_recv(r2, buf, sizeof buf, MSG_DONTWAIT));
	say_dec("B SO_ERROR (unconnected: no error)", sockopt_int(B, SOL_SOCKET, SO_ERROR));
	say_dec("r2 send (to A)", sys_send(r2, "to A", 4, 0));
	get("A gets", A);
	say_dec("r2 sendto B (an explicit address still works)", sendto_port(r2, "to B", 4, 24654));
	alen = sizeof a;
	memset(buf, 0, sizeof buf);
	sock_poll_ms(B, POLLIN, 1000);
	r = sys_recvfrom(B, buf, sizeof buf, MSG_DONTWAIT, &a, &alen);
	say_dec("B recvfrom", r);
	say_str("got", buf);
	say_yes("from r2's port", ntohs(a.sin_port) == 24655);
	say_dec("r2 connect to 127.0.0.1:24654 (B): reconnect", connect_port(r2, 24654));
	say_dec("B sends to r2", sendto_port(B, "B now", 5, 24655));
	get("r2 gets", r2);

	print("-- connect AF_UNSPEC dissolves the association\n");
	struct sockaddr_in un;
	memset(&un, 0, sizeof un);
	un.sin_family = AF_UNSPEC;
	say_dec("connect AF_UNSPEC", sys_connect(r2, &un, sizeof un));
	alen = sizeof a;
	say_dec("getpeername (ENOTCONN)", sys_getpeername(r2, &a, &alen));
	say_dec("send (EDESTADDRREQ)", sys_send(r2, "x", 1, 0));
	alen = sizeof a;
	sys_getsockname(r2, &a, &alen);
	say_sin_addr("getsockname (the bind stays)", &a);
	say_yes("port 24655", ntohs(a.sin_port) == 24655);
	say_dec("A sends to r2", sendto_port(A, "A again", 7, 24655));
	get("r2 gets", r2);
	say_dec("B sends to r2", sendto_port(B, "B again", 7, 24655));
	get("r2 gets", r2);
	say_dec("connect AF_UNSPEC again (0)", sys_connect(r2, &un, sizeof un));

	print("-- shutdown of a connected socket\n");
	connect_port(r2, 24653);
	say_dec("shutdown SHUT_WR", sys_shutdown(r2, SHUT_WR));
	say_dec("send (EPIPE)", sys_send(r2, "x", 1, MSG_NOSIGNAL));
	say_poll("poll", sock_poll1(r2, ALL));
	say_dec("A sends to r2", sendto_port(A, "still", 5, 24655));
	get("r2 still receives", r2);
	sys_close(A);
	sys_close(B);
	sys_close(r2);
	sys_close(s);
	sys_close(rcv);
	return 0;
}

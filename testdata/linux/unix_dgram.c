/*
 * unix_dgram: AF_UNIX SOCK_DGRAM (semantics.md 12).
 *
 * unix(7): SOCK_DGRAM "preserves message boundaries (as on most UNIX
 *   implementations, UNIX domain datagram sockets are always reliable and
 *   don't reorder datagrams)".
 * recv(2): "If a message is too long to fit in the supplied buffer, excess
 *   bytes may be discarded" "MSG_TRUNC (since Linux 2.2) For raw (AF_PACKET),
 *   Internet datagram (since Linux 2.4.27/2.6.8), netlink (since Linux
 *   2.6.22), and UNIX datagram as well as sequenced-packet (since Linux
 *   3.4) sockets: return the real length of the packet or datagram, even
 *   when it was longer than the passed buffer." recvmsg msg_flags:
 *   "MSG_TRUNC indicates that the trailing portion of a datagram was
 *   discarded because the datagram was larger than the buffer supplied."
 *   recvfrom of an unbound sender: unix_copy_addr leaves msg_namelen 0.
 * send(2): "ENOTCONN The socket is not connected, and no target has been
 *   given." "EMSGSIZE The socket type requires that message be sent
 *   atomically, and the size of the message to be sent made this
 *   impossible." (unix_dgram_sendmsg: "if (len > READ_ONCE(sk->sk_sndbuf) -
 *   32) goto out;" EMSGSIZE)
 * unix(7) /proc/sys/net/unix/max_dgram_qlen (10): unix_dgram_sendmsg
 *   refuses while "unix_peer(other) != sk && unix_recvq_full_lockless(other)"
 *   (queue length > 10, so 11 datagrams fit), with EAGAIN when non-blocking.
 * connect(2): "If the socket sockfd is of type SOCK_DGRAM, then addr is the
 *   address to which datagrams are sent by default, and the only address
 *   from which datagrams are received." "connectionless sockets may dissolve
 *   the association by connecting to an address with the sa_family member
 *   of sockaddr set to AF_UNSPEC". unix_may_send: a socket connected
 *   elsewhere refuses others' datagrams (EPERM).
 * unix_dgram_sendmsg: a connected peer that is dead: "unix_peer(sk) = NULL;
 *   unix_dgram_disconnected(sk, other); ... err = -ECONNREFUSED" (once; the
 *   socket is then unconnected: ENOTCONN); unix_dgram_disconnected purges
 *   our receive queue.
 * shutdown(2) on a datagram socket: unix_shutdown passes it to the peer only
 *   for SOCK_STREAM and SOCK_SEQPACKET, so SHUT_WR stops our sends (EPIPE)
 *   and the peer still sends to us.
 */
#include "rt/rt.h"

#define DIR "/tmp/ipcsim-unix-dgram"
#define PA  DIR "/a"
#define PB  DIR "/b"
#define PC  DIR "/c"
#define PS  DIR "/stream"

static void cleanup(void)
{
	sys_unlinkat(AT_FDCWD, PA, 0);
	sys_unlinkat(AT_FDCWD, PB, 0);
	sys_unlinkat(AT_FDCWD, PC, 0);
	sys_unlinkat(AT_FDCWD, PS, 0);
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

static long send_to(int fd, const char *msg, size_t n, const char *path)
{
	struct sockaddr_un a;
	return sys_sendto(fd, msg, n, 0, &a, sun_path_addr(&a, path));
}

static struct sockaddr_un any;
static long connect_to(int fd, const char *path)
{
	return sys_connect(fd, &any, sun_path_addr(&any, path));
}

int main(void)
{
	char buf[64];
	struct sockaddr_un a;
	int alen;
	long r;

	cleanup();
	sys_mkdirat(AT_FDCWD, DIR, 0755);
	set_handler(SIGPIPE, SIG_IGN);

	print("-- boundaries, truncation\n");
	long A = bound(SOCK_DGRAM, PA);
	long B = bound(SOCK_DGRAM, PB);
	say_dec("sendto b \"a\"", send_to(A, "a", 1, PB));
	say_dec("sendto b \"bb\"", send_to(A, "bb", 2, PB));
	say_dec("sendto b \"ccc\"", send_to(A, "ccc", 3, PB));
	say_dec("sendto b \"\" (zero length)", send_to(A, "", 0, PB));
	say_dec("sendto b \"hello world\"", send_to(A, "hello world", 11, PB));
	say_dec("sendto b \"0123456789\"", send_to(A, "0123456789", 10, PB));
	say_hex("ppoll b", sock_poll1(B, POLLIN | POLLOUT));
	for (int i = 0; i < 3; i++) {
		memset(buf, 0, sizeof buf);
		say_dec("recv 64", sys_recv(B, buf, 64, 0));
		say_str("got", buf);
	}
	alen = sizeof a;
	memset(&a, 0, sizeof a);
	r = sys_recvfrom(B, buf, 64, 0, &a, &alen);
	say_dec("recvfrom: the zero-length datagram", r);
	say_str("from", a.sun_path);
	say_dec("addrlen", alen);
	memset(buf, 0, sizeof buf);
	struct iovec v = { buf, 5 };
	struct msghdr m;
	memset(&m, 0, sizeof m);
	m.msg_iov = &v;
	m.msg_iovlen = 1;
	say_dec("recvmsg 5 of 11", sys_recvmsg(B, &m, 0));
	say_str("got", buf);
	say_hex("msg_flags (MSG_TRUNC)", m.msg_flags);
	memset(buf, 0, sizeof buf);
	say_dec("recv 4 with MSG_TRUNC: the real length", sys_recv(B, buf, 4, MSG_TRUNC));
	say_str("got", buf);
	say_dec("the rest was discarded: recv MSG_DONTWAIT (EAGAIN)", sys_recv(B, buf, 64, MSG_DONTWAIT));
	send_to(A, "peek", 4, PB);
	memset(buf, 0, sizeof buf);
	say_dec("recv 2 MSG_PEEK", sys_recv(B, buf, 2, MSG_PEEK));
	memset(buf, 0, sizeof buf);
	say_dec("recv 64 after the peek: the whole datagram", sys_recv(B, buf, 64, 0));
	say_str("got", buf);
	long U = sys_socket(AF_UNIX, SOCK_DGRAM, 0);
	send_to(U, "anon", 4, PB);
	alen = sizeof a;
	memset(&a, 0x55, sizeof a);
	say_dec("recvfrom an unbound sender", sys_recvfrom(B, buf, 64, 0, &a, &alen));
	say_dec("addrlen", alen);

	print("-- errors\n");
	say_dec("send with no peer, no address (ENOTCONN)", sys_send(U, "x", 1, 0));
	say_dec("write with no peer (ENOTCONN)", sys_write(U, "x", 1));
	say_dec("sendto a missing path (ENOENT)", send_to(U, "x", 1, DIR "/missing"));
	long S = bound(SOCK_STREAM, PS);
	say_dec("sendto a stream socket's path (EPROTOTYPE)", send_to(U, "x", 1, PS));
	say_dec("recv on an empty socket, MSG_DONTWAIT (EAGAIN)", sys_recv(U, buf, 1, MSG_DONTWAIT));
	say_dec("getpeername unconnected (ENOTCONN)", sys_getpeername(U, &a, &alen));
	static char huge[300000];
	say_dec("SO_SNDBUF", sockopt_int(U, SOL_SOCKET, SO_SNDBUF));
	say_dec("a 300000-byte datagram, bigger than SO_SNDBUF (EMSGSIZE)", send_to(U, huge, sizeof huge, PB));
	sockopt_set_int(U, SOL_SOCKET, SO_SNDBUF, 10000);
	say_dec("SO_SNDBUF 10000 -> 20000; send 19968 (sndbuf - 32)", send_to(U, huge, 19968, PB));
	say_dec("send 19969 (EMSGSIZE)", send_to(U, huge, 19969, PB));
	say_dec("recv it", sys_recv(B, huge, sizeof huge, 0));

	print("-- max_dgram_qlen\n");
	sys_fcntl(U, F_SETFL, O_NONBLOCK);
	long n = 0;
	while ((r = send_to(U, "q", 1, PB)) == 1)
		n++;
	say_dec("datagrams queued to b before EAGAIN", n);
	say_dec("the next", r);
	say_dec("sendto MSG_DONTWAIT from a blocking socket (EAGAIN)", sys_sendto(A, "q", 1, MSG_DONTWAIT, &any, sun_path_addr(&any, PB)));
	say_hex("ppoll b", sock_poll1(B, POLLIN | POLLOUT));
	sys_recv(B, buf, 64, 0);
	say_dec("after one recv, a send works", send_to(U, "q", 1, PB));
	say_dec("and the next is EAGAIN", send_to(U, "q", 1, PB));
	/* a blocking sender waits for room */
	int p[2], st;
	char ch;
	sys_pipe2(p, 0);
	long child = sys_fork();
	if (child == 0) {
		sys_write(p[1], "r", 1);
		char rr = '0' + send_to(A, "late", 4, PB);
		sys_write(p[1], &rr, 1);
		sys_exit_group(0);
	}
	sys_read(p[0], &ch, 1);
	sleep_ms(200);
	sys_fcntl(p[0], F_SETFL, O_NONBLOCK);
	say_dec("200 ms later a blocking sendto has not returned (EAGAIN)", sys_read(p[0], &ch, 1));
	sys_fcntl(p[0], F_SETFL, 0);
	sys_recv(B, buf, 64, 0);
	sys_read(p[0], &ch, 1);
	say_dec("after a recv it returns", ch - '0');
	sys_wait4(child, &st, 0, 0);
	n = 0;
	while (sys_recv(B, buf, 64, MSG_DONTWAIT) >= 0)
		n++;
	say_dec("datagrams b then holds", n);

	print("-- connected datagram sockets\n");
	say_dec("a connects to b", connect_to(A, PB));
	alen = sizeof a;
	memset(&a, 0, sizeof a);
	say_dec("getpeername", sys_getpeername(A, &a, &alen));
	say_str("peer", a.sun_path);
	say_dec("send without an address", sys_send(A, "one", 3, 0));
	say_dec("write", sys_write(A, "two", 3));
	long C = bound(SOCK_DGRAM, PC);
	say_dec("sendto another address while connected", send_to(A, "to c", 4, PC));
	say_dec("c receives it", sys_recv(C, buf, 64, 0));
	say_dec("c sends to a, which is connected to b (EPERM)", send_to(C, "x", 1, PA));
	say_dec("b sends to a", send_to(B, "from b", 6, PA));
	say_dec("a receives", sys_recv(A, buf, 64, 0));
	n = 0;
	while (sys_recv(B, buf, 64, MSG_DONTWAIT) >= 0)
		n++;
	say_dec("b holds", n);
	/* connected back and forth: no max_dgram_qlen limit for the peer */
	say_dec("b connects to a", connect_to(B, PA));
	n = 0;
	sys_fcntl(A, F_SETFL, O_NONBLOCK);
	for (int i = 0; i < 30; i++)
		n += sys_send(A, "q", 1, 0) == 1;
	say_dec("a sends 30 to b, which is connected back: sent", n);
	while (sys_recv(B, buf, 64, MSG_DONTWAIT) >= 0)
		;
	memset(&any, 0, sizeof any);
	any.sun_family = AF_UNSPEC;
	say_dec("connect AF_UNSPEC dissolves", sys_connect(A, &any, 2));
	say_dec("getpeername (ENOTCONN)", sys_getpeername(A, &a, &alen));
	say_dec("send (ENOTCONN)", sys_send(A, "x", 1, 0));

	print("-- peer closed\n");
	connect_to(A, PB);
	say_dec("b sends to a", send_to(B, "queued", 6, PA));
	sys_close(B);
	say_hex("ppoll a after b closed", sock_poll1(A, POLLIN | POLLOUT));
	say_dec("send to the closed peer (ECONNREFUSED)", sys_send(A, "x", 1, 0));
	say_dec("the datagram from b is gone (EAGAIN)", sys_recv(A, buf, 64, MSG_DONTWAIT));
	say_dec("send again: disconnected (ENOTCONN)", sys_send(A, "x", 1, 0));
	say_dec("getpeername (ENOTCONN)", sys_getpeername(A, &a, &alen));
	say_dec("sendto the stale path (ECONNREFUSED)", send_to(A, "x", 1, PB));

	print("-- shutdown(SHUT_WR)\n");
	int sv[2];
	sys_socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
	say_dec("shutdown SHUT_WR", sys_shutdown(sv[0], SHUT_WR));
	say_dec("send (EPIPE)", sys_send(sv[0], "x", 1, 0));
	say_dec("sendto an address (EPIPE)", send_to(sv[0], "x", 1, PC));
	say_dec("the peer still sends", sys_send(sv[1], "y", 1, 0));
	say_dec("and we receive", sys_recv(sv[0], buf, 64, 0));
	say_hex("ppoll the peer", sock_poll1(sv[1], POLLIN | POLLOUT | POLLRDHUP));
	say_hex("ppoll ours", sock_poll1(sv[0], POLLIN | POLLOUT | POLLRDHUP));
	sys_close(sv[1]);
	say_dec("a socketpair peer closed: send (EPIPE: our SHUT_WR comes first)", sys_send(sv[0], "x", 1, MSG_NOSIGNAL));
	say_dec("recv after the peer closed (EAGAIN, no EOF)", sys_recv(sv[0], buf, 64, MSG_DONTWAIT));

	sys_close(S);
	cleanup();
	return 0;
}

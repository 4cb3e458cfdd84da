/*
 * unix_seqpacket: AF_UNIX SOCK_SEQPACKET (semantics.md 12).
 *
 * unix(7): "SOCK_SEQPACKET, for a sequenced-packet socket that is
 *   connection-oriented, preserves message boundaries, and delivers
 *   messages in the order that they were sent."
 * recv(2): "If a message is too long to fit in the supplied buffer, excess
 *   bytes may be discarded"; msg_flags "MSG_TRUNC indicates that the
 *   trailing portion of a datagram was discarded"; the MSG_TRUNC flag
 *   returns the real length for "UNIX datagram as well as sequenced-packet
 *   (since Linux 3.4) sockets". A zero-length message is received as a
 *   0-byte read (unix_seqpacket_recvmsg -> unix_dgram_recvmsg), like EOF.
 * unix(7): "EPIPE The remote socket was closed on a stream socket" (also
 *   seqpacket: unix_dgram_sendmsg's "unix_peer(sk) != other ||
 *   unix_recvq_full" path, and sk_shutdown). After the peer closed or shut
 *   down writing, reads return 0 (unix_dgram_recvmsg: "if (sk->sk_shutdown &
 *   RCV_SHUTDOWN) ... return 0").
 * send(2) EMSGSIZE for a message larger than sk_sndbuf - 32 (as for
 *   datagrams). listen/connect/accept as for SOCK_STREAM; send without a
 *   connection ENOTCONN.
 */
#include "rt/rt.h"

#define DIR "/tmp/ipcsim-unix-seqpacket"
#define PL  DIR "/l"

static void cleanup(void)
{
	sys_unlinkat(AT_FDCWD, PL, 0);
	sys_unlinkat(AT_FDCWD, DIR, AT_REMOVEDIR);
}

int main(void)
{
	int sv[2];
	char buf[64];
	struct sockaddr_un a;
	long alen;

	cleanup();
	sys_mkdirat(AT_FDCWD, DIR, 0755);
	set_handler(SIGPIPE, SIG_IGN);

	print("-- listen, connect, accept\n");
	long l = sys_socket(AF_UNIX, SOCK_SEQPACKET, 0);
	alen = sun_path_addr(&a, PL);
	say_dec("bind", sys_bind(l, &a, alen));
	say_dec("listen", sys_listen(l, 5));
	long c = sys_socket(AF_UNIX, SOCK_SEQPACKET, 0);
	say_dec("send unconnected (ENOTCONN)", sys_send(c, "x", 1, 0));
	say_dec("connect", sys_connect(c, &a, alen));
	long x = sys_accept(l, 0, 0);
	say_yes("accept", x >= 0);
	say_dec("accepted SO_TYPE", sockopt_int(x, SOL_SOCKET, SO_TYPE));
	long st = sys_socket(AF_UNIX, SOCK_STREAM, 0);
	say_dec("a stream socket connects to the seqpacket listener (EPROTOTYPE)", sys_connect(st, &a, alen));

	print("-- boundaries\n");
	say_dec("send \"abc\"", sys_send(c, "abc", 3, 0));
	say_dec("send \"de\"", sys_send(c, "de", 2, 0));
	say_dec("send \"\"", sys_send(c, "", 0, 0));
	say_dec("send \"fghij\"", sys_send(c, "fghij", 5, 0));
	say_dec("write \"klmnop\"", sys_write(c, "klmnop", 6));
	say_dec("send \"qrstuvwxyz\"", sys_send(c, "qrstuvwxyz", 10, 0));
	memset(buf, 0, sizeof buf);
	say_dec("recv 64", sys_recv(x, buf, 64, 0));
	say_str("got", buf);
	memset(buf, 0, sizeof buf);
	say_dec("recv 2 MSG_PEEK", sys_recv(x, buf, 2, MSG_PEEK));
	memset(buf, 0, sizeof buf);
	say_dec("read 64", sys_read(x, buf, 64));
	say_str("got", buf);
	say_dec("recv: the zero-length message", sys_recv(x, buf, 64, 0));
	memset(buf, 0, sizeof buf);
	struct iovec v = { buf, 3 };
	struct msghdr m;
	memset(&m, 0, sizeof m);
	m.msg_iov = &v;
	m.msg_iovlen = 1;
	say_dec("recvmsg 3 of 5", sys_recvmsg(x, &m, 0));
	say_str("got", buf);
	say_hex("msg_flags (MSG_TRUNC)", m.msg_flags);
	memset(buf, 0, sizeof buf);
	say_dec("read 2 of 6", sys_read(x, buf, 2));
	say_str("got", buf);
	memset(buf, 0, sizeof buf);
	say_dec("recv 4 of 10 with MSG_TRUNC: the real length", sys_recv(x, buf, 4, MSG_TRUNC));
	say_str("got", buf);
	say_dec("the rest was discarded (EAGAIN)", sys_recv(x, buf, 64, MSG_DONTWAIT));
	static char huge[300000];
	say_dec("a 300000-byte message (EMSGSIZE)", sys_send(c, huge, sizeof huge, 0));

	print("-- EOF, EPIPE\n");
	sys_socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv);
	sys_send(sv[1], "last", 4, 0);
	say_dec("shutdown SHUT_WR", sys_shutdown(sv[1], SHUT_WR));
	say_hex("ppoll the peer", sock_poll1(sv[0], POLLIN | POLLOUT | POLLRDHUP));
	say_dec("recv: the message", sys_recv(sv[0], buf, 64, 0));
	say_dec("recv: EOF", sys_recv(sv[0], buf, 64, 0));
	say_dec("send after our SHUT_WR (EPIPE)", sys_send(sv[1], "x", 1, 0));
	say_dec("the other way works", sys_send(sv[0], "y", 1, 0));
	say_dec("recv", sys_recv(sv[1], buf, 64, 0));
	sys_send(sv[0], "z", 1, 0);
	sys_close(sv[0]);
	say_hex("ppoll after the peer closed", sock_poll1(sv[1], POLLIN | POLLOUT | POLLRDHUP));
	say_dec("recv: the message", sys_recv(sv[1], buf, 64, 0));
	say_dec("recv: EOF", sys_recv(sv[1], buf, 64, 0));
	sys_close(sv[1]);
	sys_close(x);
	say_dec("send to a closed peer (EPIPE)", sys_send(c, "x", 1, 0));
	say_dec("recv: EOF", sys_recv(c, buf, 64, 0));
	cleanup();
	return 0;
}

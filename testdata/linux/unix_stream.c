/*
 * unix_stream: data transfer on AF_UNIX SOCK_STREAM (semantics.md 12).
 *
 * recv(2): "If no messages are available at the socket, the receive calls
 *   wait for a message to arrive, unless the socket is nonblocking ... The
 *   receive calls normally return any data available, up to the requested
 *   amount, rather than waiting for receipt of the full amount requested."
 *   "MSG_PEEK This flag causes the receive operation to return data from the
 *   beginning of the receive queue without removing that data from the
 *   queue." "MSG_DONTWAIT Enables nonblocking operation" "MSG_WAITALL This
 *   flag requests that the operation block until the full request is
 *   satisfied." "When a stream socket peer has performed an orderly
 *   shutdown, the return value will be 0".
 * unix(7): "EPIPE The remote socket was closed on a stream socket. If
 *   enabled, a SIGPIPE is sent as well. This can be avoided by passing the
 *   MSG_NOSIGNAL flag to send(2) or sendmsg(2)."
 * net/unix/af_unix.c unix_release_sock: "if (!skb_queue_empty(&sk->
 *   sk_receive_queue) || embrion) skpair->sk_err = ECONNRESET;" (a peer that
 *   closed with unread data: once the data it sent us is read, the next
 *   read gives ECONNRESET, once, then 0; SO_ERROR reads and clears it). shutdown(2): "SHUT_WR, further transmissions will be
 *   disallowed"; unix_shutdown passes it to the peer as RCV_SHUTDOWN.
 * poll(2): "POLLRDHUP (since Linux 2.6.17) Stream socket peer closed
 *   connection, or shut down writing half of connection." unix_poll: POLLHUP
 *   when both directions are shut, POLLIN|POLLRDHUP when the peer stopped
 *   sending, POLLERR with sk_err.
 * socket(7): "SO_SNDBUF ... The kernel doubles this value (to allow space
 *   for bookkeeping overhead) when it is set using setsockopt(2), and this
 *   doubled value is returned by getsockopt(2). The default value is set by
 *   the /proc/sys/net/core/wmem_default file" (212992). "SO_ERROR Get and
 *   clear the pending socket error." "SO_TYPE Gets the socket type".
 * send(2): "When the message does not fit into the send buffer of the
 *   socket, send() normally blocks ... In nonblocking mode it would fail
 *   with the error EAGAIN" (a stream send returns the bytes it queued before
 *   the buffer filled, if any: unix_stream_sendmsg "return sent ? : err").
 *   The amount that fits depends on the kernel's per-skb overhead, so only
 *   relations are printed.
 */
#include "rt/rt.h"

static char big[1 << 20];
static char big2[1 << 20];

int main(void)
{
	int sv[2], st;
	char buf[64];
	long r;

	print("-- partial reads, MSG_PEEK, MSG_DONTWAIT\n");
	sys_socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	say_dec("SO_TYPE", sockopt_int(sv[0], SOL_SOCKET, SO_TYPE));
	say_dec("SO_ERROR", sockopt_int(sv[0], SOL_SOCKET, SO_ERROR));
	say_dec("SO_SNDBUF default", sockopt_int(sv[0], SOL_SOCKET, SO_SNDBUF));
	say_dec("SO_RCVBUF default", sockopt_int(sv[0], SOL_SOCKET, SO_RCVBUF));
	say_dec("set SO_SNDBUF 10000", sockopt_set_int(sv[0], SOL_SOCKET, SO_SNDBUF, 10000));
	say_dec("SO_SNDBUF (doubled)", sockopt_int(sv[0], SOL_SOCKET, SO_SNDBUF));
	say_dec("set SO_RCVBUF 30000", sockopt_set_int(sv[0], SOL_SOCKET, SO_RCVBUF, 30000));
	say_dec("SO_RCVBUF (doubled)", sockopt_int(sv[0], SOL_SOCKET, SO_RCVBUF));
	say_hex("ppoll empty POLLIN|POLLOUT", sock_poll1(sv[0], POLLIN | POLLOUT));
	say_dec("recv MSG_DONTWAIT on a blocking socket, empty (EAGAIN)", sys_recv(sv[0], buf, 8, MSG_DONTWAIT));
	say_dec("write 10", sys_write(sv[1], "0123456789", 10));
	say_dec("write 5", sys_write(sv[1], "abcde", 5));
	say_hex("ppoll with data", sock_poll1(sv[0], POLLIN | POLLOUT));
	memset(buf, 0, sizeof buf);
	say_dec("recv 3 MSG_PEEK", sys_recv(sv[0], buf, 3, MSG_PEEK));
	say_str("peeked", buf);
	memset(buf, 0, sizeof buf);
	say_dec("read 4", sys_read(sv[0], buf, 4));
	say_str("got", buf);
	memset(buf, 0, sizeof buf);
	say_dec("read 64 (the rest of both writes)", sys_read(sv[0], buf, 64));
	say_str("got", buf);
	say_dec("read 0 bytes", sys_read(sv[0], buf, 0));

	print("-- MSG_WAITALL\n");
	long child = sys_fork();
	if (child == 0) {
		sys_write(sv[1], "abc", 3);
		sleep_ms(100);
		sys_write(sv[1], "defghij", 7);
		sys_exit_group(0);
	}
	memset(buf, 0, sizeof buf);
	say_dec("recv 10 MSG_WAITALL (two writes 100 ms apart)", sys_recv(sv[0], buf, 10, MSG_WAITALL));
	say_str("got", buf);
	sys_wait4(child, &st, 0, 0);
	say_dec("write 4", sys_write(sv[1], "wxyz", 4));
	sys_shutdown(sv[1], SHUT_WR);
	say_dec("recv 10 MSG_WAITALL, 4 there, then the peer's SHUT_WR", sys_recv(sv[0], buf, 10, MSG_WAITALL));

	print("-- shutdown(SHUT_WR)\n");
	say_hex("ppoll after the peer's SHUT_WR (drained)", sock_poll1(sv[0], POLLIN | POLLOUT | POLLRDHUP));
	say_dec("read: EOF", sys_read(sv[0], buf, 8));
	say_dec("read again: EOF", sys_read(sv[0], buf, 8));
	say_dec("the other way still works: write", sys_write(sv[0], "back", 4));
	say_dec("read", sys_read(sv[1], buf, 8));
	set_handler(SIGPIPE, SIG_IGN);
	say_dec("write after our own SHUT_WR (EPIPE)", sys_write(sv[1], "x", 1));
	say_hex("ppoll on the side that shut down", sock_poll1(sv[1], POLLIN | POLLOUT | POLLRDHUP));
	say_dec("shutdown how 3 (EINVAL)", sys_shutdown(sv[1], 3));
	sys_shutdown(sv[1], SHUT_RD);
	say_hex("ppoll after SHUT_RD too", sock_poll1(sv[1], POLLIN | POLLOUT | POLLRDHUP));
	say_hex("and at the peer", sock_poll1(sv[0], POLLIN | POLLOUT | POLLRDHUP));
	sys_close(sv[0]);
	sys_close(sv[1]);
	long u = sys_socket(AF_UNIX, SOCK_STREAM, 0);
	say_dec("shutdown of an unconnected socket (0: unix_shutdown does not check)", sys_shutdown(u, SHUT_WR));
	sys_close(u);

	print("-- peer closed\n");
	sys_socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	sys_write(sv[1], "bye", 3);
	sys_close(sv[1]);
	say_hex("ppoll after the peer closed, data left", sock_poll1(sv[0], POLLIN | POLLOUT | POLLRDHUP));
	say_dec("read the data", sys_read(sv[0], buf, 64));
	say_dec("then EOF", sys_read(sv[0], buf, 64));
	say_dec("write, SIGPIPE ignored (EPIPE)", sys_write(sv[0], "x", 1));
	say_dec("send MSG_NOSIGNAL (EPIPE)", sys_send(sv[0], "x", 1, MSG_NOSIGNAL));
	set_handler(SIGPIPE, SIG_DFL);
	child = sys_fork();
	if (child == 0) {
		sys_write(sv[0], "x", 1);
		sys_exit_group(0);
	}
	sys_wait4(child, &st, 0, 0);
	say_status("child writing with SIGPIPE default", st);
	child = sys_fork();
	if (child == 0)
		sys_exit_group(-sys_send(sv[0], "x", 1, MSG_NOSIGNAL));
	sys_wait4(child, &st, 0, 0);
	say_status("child with MSG_NOSIGNAL (exits with the errno)", st);
	sys_close(sv[0]);
	set_handler(SIGPIPE, SIG_IGN);

	print("-- peer closed with unread data (ECONNRESET)\n");
	sys_socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	sys_write(sv[0], "unread", 6);
	sys_write(sv[1], "for you", 7);
	sys_close(sv[1]);
	say_hex("ppoll", sock_poll1(sv[0], POLLIN | POLLOUT | POLLRDHUP));
	say_dec("read: the data the peer sent first", sys_read(sv[0], buf, 64));
	say_dec("read again (ECONNRESET)", sys_read(sv[0], buf, 64));
	say_dec("then EOF", sys_read(sv[0], buf, 64));
	sys_close(sv[0]);
	sys_socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	sys_write(sv[0], "unread", 6);
	sys_close(sv[1]);
	say_dec("SO_ERROR", sockopt_int(sv[0], SOL_SOCKET, SO_ERROR));
	say_dec("SO_ERROR again (cleared)", sockopt_int(sv[0], SOL_SOCKET, SO_ERROR));
	say_dec("read after SO_ERROR: EOF", sys_read(sv[0], buf, 64));
	sys_close(sv[0]);

	print("-- readv, writev, sendmsg, recvmsg\n");
	sys_socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	struct iovec wv[3] = { { "ab", 2 }, { "", 0 }, { "cdefg", 5 } };
	say_dec("writev 2+0+5", sys_writev(sv[0], wv, 3));
	struct msghdr m;
	memset(&m, 0, sizeof m);
	m.msg_iov = wv;
	m.msg_iovlen = 3;
	say_dec("sendmsg 2+0+5", sys_sendmsg(sv[0], &m, 0));
	char r1[3], r2[20];
	memset(r1, 0, 3);
	memset(r2, 0, 20);
	struct iovec rv[2] = { { r1, 2 }, { r2, 3 } };
	say_dec("readv 2+3", sys_readv(sv[1], rv, 2));
	print(r1); print("|"); print(r2); print("\n");
	memset(r1, 0, 3);
	memset(r2, 0, 20);
	rv[1].iov_len = 19;
	memset(&m, 0, sizeof m);
	m.msg_iov = rv;
	m.msg_iovlen = 2;
	m.msg_flags = 0x7777;
	say_dec("recvmsg 2+19", sys_recvmsg(sv[1], &m, 0));
	print(r1); print("|"); print(r2); print("\n");
	say_hex("msg_flags", m.msg_flags);
	say_dec("msg_controllen", m.msg_controllen);
	sys_close(sv[0]);
	sys_close(sv[1]);

	print("-- full send buffer\n");
	sys_socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv);
	for (long i = 0; i < (long)sizeof big; i++)
		big[i] = 'a' + i % 23;
	r = sys_write(sv[0], big, sizeof big);
	say_yes("non-blocking write of 1 MiB: a partial count > 0", r > 0 && r < (long)sizeof big);
	say_dec("then write 1 (EAGAIN)", sys_write(sv[0], "x", 1));
	say_dec("send MSG_DONTWAIT (EAGAIN)", sys_send(sv[0], "x", 1, MSG_DONTWAIT));
	say_hex("ppoll the full side POLLOUT", sock_poll1(sv[0], POLLOUT));
	say_hex("ppoll the reader", sock_poll1(sv[1], POLLIN | POLLOUT));
	long got = read_full(sv[1], big2, r);
	say_yes("the reader gets exactly the bytes written, in order", got == r && bytes_eq(big, big2, r));
	say_dec("then the reader is empty (EAGAIN)", sys_read(sv[1], big2, 1));
	say_hex("ppoll the writer again", sock_poll1(sv[0], POLLOUT));
	/* a blocking write larger than the buffer completes once the peer reads */
	sys_fcntl(sv[0], F_SETFL, 0);
	child = sys_fork();
	if (child == 0) {
		sys_fcntl(sv[1], F_SETFL, 0);
		long n = read_full(sv[1], big2, sizeof big2);
		sys_exit_group(n == (long)sizeof big2 && bytes_eq(big, big2, sizeof big) ? 0 : 1);
	}
	say_dec("blocking write of 1 MiB to a reading child", sys_write(sv[0], big, sizeof big));
	sys_wait4(child, &st, 0, 0);
	say_status("child read it all, in order", st);
	return 0;
}

/*
 * inet_tcp_reset: how a TCP connection over 127.0.0.1 is reset (RST), and
 * what the other side sees (semantics.md 15).
 *
 * RFC 2525 2.17 and net/ipv4/tcp.c __tcp_close: "We need to flush the recv.
 *   buffs. We do this only on the descriptor close, not protocol-sourced
 *   closes, because the reader process may not have drained the data yet!"
 *   ... "As outlined in RFC 2525, section 2.17, we send a RST here because
 *   data was lost." (close with unread data sends RST, not FIN.)
 * socket(7): "SO_LINGER ... When enabled, a close(2) or shutdown(2) will not
 *   return until all queued messages for the socket have been successfully
 *   sent or the linger timeout has been reached." With l_linger 0 __tcp_close
 *   "Check zero linger _after_ checking for unread data": it sends RST too.
 * tcp_reset (tcp_input.c): sk_err = ECONNRESET (ECONNREFUSED in SYN_SENT,
 *   EPIPE in CLOSE_WAIT), then tcp_done: state CLOSE, both directions shut.
 *   tcp_poll then gives POLLHUP (closed), POLLIN|POLLRDHUP (RCV_SHUTDOWN),
 *   POLLOUT (SEND_SHUTDOWN is "writable": the write fails at once) and
 *   POLLERR (sk_err).
 * recv(2)/tcp_recvmsg: data already queued is read first; then the pending
 *   error, once (sock_error clears sk_err); then 0 (RCV_SHUTDOWN).
 * send(2): "EPIPE The local end has been shut down on a connection oriented
 *   socket. In this case, the process will also receive a SIGPIPE unless
 *   MSG_NOSIGNAL is set." sk_stream_error: "if (err == -EPIPE) err =
 *   sock_error(sk) ? : -EPIPE; if (err == -EPIPE && !(flags & MSG_NOSIGNAL))
 *   send_sig(SIGPIPE, current, 0);" (a pending error is returned instead of
 *   EPIPE, once, without SIGPIPE).
 * socket(7): "SO_ERROR Get and clear the pending socket error."
 * A write to a peer that closed completely: the peer's socket is orphaned
 *   with both directions shut; tcp_rcv_state_process (FIN_WAIT1/2): "if
 *   (sk->sk_shutdown & RCV_SHUTDOWN) { if (TCP_SKB_CB(skb)->end_seq !=
 *   TCP_SKB_CB(skb)->seq && after(...)) { ... tcp_reset(sk, skb); return 1;
 *   }" and the caller answers with a RST: the first write is accepted, the
 *   RST makes the next one fail.
 * Closing a listener with connections not yet accepted
 *   (inet_csk_listen_stop) resets them: the client reads ECONNRESET.
 *
 * The RST travels asynchronously over the loopback: each case waits (ppoll,
 * 1 s timeout) for POLLERR before it prints. Port 24611 (fixed); every
 * connection ends in a RST, so no TIME_WAIT is left on it.
 */
#include "rt/rt.h"

#define PORT 24611
#define ALL  (POLLIN | POLLOUT | POLLRDHUP)

static volatile int sigpipes;
static void on_sigpipe(int sig) { (void)sig; sigpipes++; }

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

/* A connected pair: *c the client, returns the accepted socket. */
static long pair(long l, long *c)
{
	struct sockaddr_in a;
	*c = sys_socket(AF_INET, SOCK_STREAM, 0);
	if (sys_connect(*c, &a, sin_addr_port(&a, INADDR_LOOPBACK, PORT)) != 0)
		print("connect failed\n");
	return sys_accept(l, 0, 0);
}

int main(void)
{
	struct sockaddr_in a;
	char buf[64];
	long c, x;

	set_handler(SIGPIPE, on_sigpipe);
	long l = sys_socket(AF_INET, SOCK_STREAM, 0);
	sockopt_set_int(l, SOL_SOCKET, SO_REUSEADDR, 1);
	say_dec("bind 127.0.0.1:24611", sys_bind(l, &a, sin_addr_port(&a, INADDR_LOOPBACK, PORT)));
	say_dec("listen", sys_listen(l, 5));

	print("-- close with unread data sends RST\n");
	x = pair(l, &c);
	say_dec("accepted sends 7", sys_send(x, "for you", 7, 0));
	say_dec("client FIONREAD (arrived)", wait_inq(c, 7));
	say_dec("client sends 6", sys_send(c, "unread", 6, 0));
	say_dec("accepted FIONREAD (arrived, never read)", wait_inq(x, 6));
	say_dec("accepted closes", sys_close(x));
	sock_poll_ms(c, POLLERR, 1000);
	say_poll("client poll after the RST", sock_poll1(c, ALL));
	say_poll("client poll, events 0", sock_poll1(c, 0));
	memset(buf, 0, sizeof buf);
	say_dec("client read: the data queued before the RST", sys_read(c, buf, sizeof buf));
	say_str("got", buf);
	say_dec("client read (ECONNRESET)", sys_read(c, buf, sizeof buf));
	say_dec("client read again: 0", sys_read(c, buf, sizeof buf));
	say_poll("client poll after the error was read", sock_poll1(c, ALL));
	say_dec("client write (EPIPE)", sys_write(c, "x", 1));
	say_dec("SIGPIPE handler ran", sigpipes);
	say_dec("client send MSG_NOSIGNAL (EPIPE)", sys_send(c, "x", 1, MSG_NOSIGNAL));
	say_dec("SIGPIPE handler ran (still)", sigpipes);
	{
		int alen = sizeof a;
		say_dec("client getpeername (ENOTCONN)", sys_getpeername(c, &a, &alen));
	}
	sys_close(c);

	print("-- SO_ERROR after a RST\n");
	x = pair(l, &c);
	sys_send(c, "unread", 6, 0);
	wait_inq(x, 6);
	sys_close(x);
	sock_poll_ms(c, POLLERR, 1000);
	say_dec("SO_ERROR (ECONNRESET)", sockopt_int(c, SOL_SOCKET, SO_ERROR));
	say_dec("SO_ERROR again (cleared)", sockopt_int(c, SOL_SOCKET, SO_ERROR));
	say_poll("poll after SO_ERROR", sock_poll1(c, ALL));
	say_dec("read: 0", sys_read(c, buf, sizeof buf));
	sys_close(c);

	print("-- the first write after a RST returns the error, without SIGPIPE\n");
	sigpipes = 0;
	x = pair(l, &c);
	sys_send(c, "unread", 6, 0);
	wait_inq(x, 6);
	sys_close(x);
	sock_poll_ms(c, POLLERR, 1000);
	say_dec("client write (ECONNRESET)", sys_write(c, "x", 1));
	say_dec("SIGPIPE handler ran", sigpipes);
	say_dec("client write again (EPIPE)", sys_write(c, "x", 1));
	say_dec("SIGPIPE handler ran", sigpipes);
	say_dec("client read: 0", sys_read(c, buf, sizeof buf));
	sys_close(c);

	print("-- SO_LINGER {1, 0}: close sends RST\n");
	sigpipes = 0;
	x = pair(l, &c);
	struct linger lg = { 1, 0 };
	say_dec("accepted SO_LINGER {1, 0}", sys_setsockopt(x, SOL_SOCKET, SO_LINGER, &lg, sizeof lg));
	memset(&lg, 0x55, sizeof lg);
	int llen = sizeof lg;
	say_dec("getsockopt SO_LINGER", sys_getsockopt(x, SOL_SOCKET, SO_LINGER, &lg, &llen));
	print("l_onoff ");
	print_dec(lg.l_onoff);
	print(" l_linger ");
	print_dec(lg.l_linger);
	print(" optlen ");
	print_dec(llen);
	print("\n");
	say_dec("accepted closes (no unread data)", sys_close(x));
	sock_poll_ms(c, POLLERR, 1000);
	say_poll("client poll after the RST", sock_poll1(c, ALL));
	say_dec("client read (ECONNRESET)", sys_read(c, buf, sizeof buf));
	say_dec("client read again: 0", sys_read(c, buf, sizeof buf));
	say_dec("client write (EPIPE)", sys_write(c, "x", 1));
	say_dec("SIGPIPE handler ran", sigpipes);
	sys_close(c);

	print("-- a write to a peer that closed completely\n");
	sigpipes = 0;
	x = pair(l, &c);
	say_dec("accepted closes (nothing unread: FIN)", sys_close(x));
	sock_poll_ms(c, POLLRDHUP, 1000);
	say_poll("client poll after the FIN", sock_poll1(c, ALL));
	say_dec("client read: 0", sys_read(c, buf, sizeof buf));
	say_dec("client write 5 (accepted: the peer only said it sends no more)", sys_write(c, "hello", 5));
	say_dec("SIGPIPE handler ran", sigpipes);
	sock_poll_ms(c, POLLERR, 1000);
	say_poll("client poll after the peer's RST", sock_poll1(c, ALL));
	say_dec("client write (EPIPE: the RST came while CLOSE_WAIT)", sys_write(c, "x", 1));
	say_dec("SIGPIPE handler ran", sigpipes);
	say_dec("client write again (EPIPE)", sys_write(c, "x", 1));
	say_dec("SIGPIPE handler ran", sigpipes);
	say_dec("client read: 0", sys_read(c, buf, sizeof buf));
	say_dec("SO_ERROR", sockopt_int(c, SOL_SOCKET, SO_ERROR));
	sys_close(c);

	print("-- a listener closed with a connection not accepted\n");
	c = sys_socket(AF_INET, SOCK_STREAM, 0);
	say_dec("client connects", sys_connect(c, &a, sin_addr_port(&a, INADDR_LOOPBACK, PORT)));
	sock_poll_ms(l, POLLIN, 1000);
	say_poll("listener", sock_poll1(l, POLLIN));
	say_dec("close the listener", sys_close(l));
	sock_poll_ms(c, POLLERR, 1000);
	say_poll("client poll", sock_poll1(c, ALL));
	say_dec("client read (ECONNRESET)", sys_read(c, buf, sizeof buf));
	say_dec("client read again: 0", sys_read(c, buf, sizeof buf));
	sys_close(c);
	c = sys_socket(AF_INET, SOCK_STREAM, 0);
	say_dec("connect to the closed listener's port (ECONNREFUSED)", sys_connect(c, &a, sin_addr_port(&a, INADDR_LOOPBACK, PORT)));
	sys_close(c);
	return 0;
}

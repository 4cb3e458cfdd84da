/*
 * inet_tcp_backlog: the accept queue of a TCP listener on 127.0.0.1 and the
 * flags of accepted sockets (semantics.md 15).
 *
 * listen(2): "The backlog argument defines the maximum length to which the
 *   queue of pending connections for sockfd may grow. If a connection request
 *   arrives when the queue is full, the client may receive an error with an
 *   indication of ECONNREFUSED or, if the underlying protocol supports
 *   retransmission, the request may be ignored so that a later reattempt at
 *   connection succeeds." "The behavior of the backlog argument on TCP
 *   sockets changed with Linux 2.2. Now it specifies the queue length for
 *   completely established sockets waiting to be accepted".
 *   include/net/sock.h sk_acceptq_is_full: "return READ_ONCE(sk->
 *   sk_ack_backlog) > READ_ONCE(sk->sk_max_ack_backlog);" so listen(fd, 1)
 *   holds 2; tcp_conn_request: "if (sk_acceptq_is_full(sk)) {
 *   NET_INC_STATS(sock_net(sk), LINUX_MIB_LISTENOVERFLOWS); goto drop; }"
 *   (the SYN is dropped: the client stays in SYN_SENT, no POLLOUT, a second
 *   connect gives EALREADY). The client retransmits its SYN after the
 *   initial RTO, 1 s (TCP_TIMEOUT_INIT, RFC 6298 2.1); an accept made room
 *   by then, so the connection completes about 1 s after the connect.
 * accept(2): "On Linux, the new socket returned by accept() does not inherit
 *   file status flags such as O_NONBLOCK and O_ASYNC from the listening
 *   socket." "SOCK_NONBLOCK Set the O_NONBLOCK file status flag on the open
 *   file description" "SOCK_CLOEXEC Set the close-on-exec (FD_CLOEXEC) flag
 *   on the new file descriptor." "EAGAIN or EWOULDBLOCK The socket is marked
 *   nonblocking and no connections are present to be accepted."
 *   "A readable event will be delivered when a new connection is attempted".
 *
 * Each client's handshake is waited for (ppoll, 1 s) and given 100 ms for its
 * last ACK to reach the listener before the next client connects, so that
 * the queue holds exactly what the program says when the third SYN comes.
 * Port 24641 (fixed); the clients close first.
 */
#include "rt/rt.h"

#define PORT 24641
#define ALL  (POLLIN | POLLOUT | POLLRDHUP)

static long now_ms(void)
{
	struct timespec t;
	sys_clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

int main(void)
{
	struct sockaddr_in a;
	long k[3], x[3];
	char buf[16];

	long l = sys_socket(AF_INET, SOCK_STREAM, 0);
	sockopt_set_int(l, SOL_SOCKET, SO_REUSEADDR, 1);
	say_dec("bind 127.0.0.1:24641", sys_bind(l, &a, sin_addr_port(&a, INADDR_LOOPBACK, PORT)));
	say_dec("listen backlog 1", sys_listen(l, 1));

	print("-- three non-blocking connects\n");
	for (int i = 0; i < 2; i++) {
		k[i] = sys_socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		print("client ");
		print_dec(i + 1);
		say_dec(": connect (EINPROGRESS)", sys_connect(k[i], &a, sin_addr_port(&a, INADDR_LOOPBACK, PORT)));
		print("client ");
		print_dec(i + 1);
		say_poll(": poll POLLOUT, up to 1 s", sock_poll_ms(k[i], POLLOUT, 1000));
		sleep_ms(100);
	}
	say_poll("listener", sock_poll1(l, ALL));
	say_dec("client 2 sends before it is accepted", sys_send(k[1], "early", 5, 0));
	k[2] = sys_socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	long t0 = now_ms();
	say_dec("client 3: connect (EINPROGRESS)", sys_connect(k[2], &a, sin_addr_port(&a, INADDR_LOOPBACK, PORT)));
	say_poll("client 3: poll POLLIN|POLLOUT|POLLRDHUP, 300 ms (queue full, SYN dropped)", sock_poll_ms(k[2], ALL, 300));
	say_dec("client 3: connect again (EALREADY)", sys_connect(k[2], &a, sin_addr_port(&a, INADDR_LOOPBACK, PORT)));
	say_dec("client 3: SO_ERROR", sockopt_int(k[2], SOL_SOCKET, SO_ERROR));

	print("-- accept makes room\n");
	sys_fcntl(l, F_SETFL, O_NONBLOCK);
	say_hex("listener F_GETFL", sys_fcntl(l, F_GETFL, 0));
	x[0] = sys_accept(l, 0, 0);
	say_yes("accept from the non-blocking listener", x[0] >= 0);
	say_hex("its F_GETFL (O_NONBLOCK not inherited)", sys_fcntl(x[0], F_GETFL, 0));
	say_dec("its F_GETFD", sys_fcntl(x[0], F_GETFD, 0));
	say_poll("client 3: poll POLLOUT, up to 2.5 s", sock_poll_ms(k[2], POLLOUT, 2500));
	long dt = now_ms() - t0;
	say_yes("client 3 connected 0.9 to 2.5 s after its connect (the SYN sent again after 1 s)", dt >= 900 && dt <= 2500);
	say_dec("client 3: connect (0: completed)", sys_connect(k[2], &a, sin_addr_port(&a, INADDR_LOOPBACK, PORT)));
	sock_poll_ms(l, POLLIN, 1000);
	sleep_ms(100);
	x[1] = sys_accept4(l, 0, 0, SOCK_NONBLOCK | SOCK_CLOEXEC);
	say_yes("accept4 SOCK_NONBLOCK|SOCK_CLOEXEC", x[1] >= 0);
	say_hex("its F_GETFL", sys_fcntl(x[1], F_GETFL, 0));
	say_dec("its F_GETFD", sys_fcntl(x[1], F_GETFD, 0));
	memset(buf, 0, sizeof buf);
	say_dec("it reads client 2's early data", sys_read(x[1], buf, sizeof buf));
	say_str("got", buf);
	say_dec("read again (EAGAIN: non-blocking)", sys_read(x[1], buf, sizeof buf));
	say_dec("accept4 flag 0x1 (EINVAL)", sys_accept4(l, 0, 0, 1));
	x[2] = sys_accept(l, 0, 0);
	say_yes("accept client 3", x[2] >= 0);
	say_dec("accept again (EAGAIN)", sys_accept(l, 0, 0));
	say_poll("listener, queue empty", sock_poll1(l, ALL));
	say_dec("client 3 sends", sys_send(k[2], "third", 5, 0));
	memset(buf, 0, sizeof buf);
	sock_poll_ms(x[2], POLLIN, 1000);
	say_dec("its accepted socket reads", sys_read(x[2], buf, sizeof buf));
	say_str("got", buf);
	for (int i = 0; i < 3; i++)
		sys_close(k[i]);
	for (int i = 0; i < 3; i++) {
		sock_poll_ms(x[i], POLLRDHUP, 1000);
		sys_close(x[i]);
	}
	sys_close(l);
	return 0;
}

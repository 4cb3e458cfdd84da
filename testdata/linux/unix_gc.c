/*
 * unix_gc: sockets that only messages in flight keep alive are freed.
 *
 * unix(7), SCM_RIGHTS: descriptors in flight belong to the message. A socket
 * sent over itself, or two sockets sent over each other, and then closed by
 * every process, can never be received again: only a message in a queue
 * nobody can read holds it. Linux's garbage collector (net/unix/garbage.c,
 * run when a socket is released while descriptors are in flight) frees
 * them, and with them the names they are bound to. A socket held by a
 * message in the queue of a socket that a process still holds is alive,
 * and can still be received.
 *
 * Each case binds an abstract name, makes the cycle, closes everything, and
 * binds the name again: 0 once the cycle is freed (EADDRINUSE, -98, if not).
 */
#include "rt/rt.h"

/* One byte of data and room for one descriptor: what send_fd and recv_fd
 * pass. */
struct one_fd {
	struct msghdr m;
	struct iovec iov;
	char byte;
	union { struct cmsghdr h; char b[CMSG_SPACE(sizeof(int))]; } ctl;
};

static void one_fd_init(struct one_fd *o)
{
	memset(o, 0, sizeof *o);
	o->byte = 'x';
	o->iov.iov_base = &o->byte;
	o->iov.iov_len = 1;
	o->m.msg_iov = &o->iov;
	o->m.msg_iovlen = 1;
	o->m.msg_control = &o->ctl;
	o->m.msg_controllen = sizeof o->ctl;
}

/* Send fd over sock with one byte of data. */
static long send_fd(int sock, int fd)
{
	struct one_fd o;
	one_fd_init(&o);
	o.ctl.h.cmsg_len = CMSG_LEN(sizeof(int));
	o.ctl.h.cmsg_level = SOL_SOCKET;
	o.ctl.h.cmsg_type = SCM_RIGHTS;
	*(int *)CMSG_DATA(&o.ctl.h) = fd;
	return sys_sendmsg(sock, &o.m, 0);
}

/* Receive one byte and a descriptor from sock; returns the descriptor, or
 * the error. */
static long recv_fd(int sock)
{
	struct one_fd o;
	one_fd_init(&o);
	long r = sys_recvmsg(sock, &o.m, MSG_DONTWAIT);
	if (r < 0)
		return r;
	return *(int *)CMSG_DATA(&o.ctl.h);
}

static long bind_name(int fd, const char *name)
{
	struct sockaddr_un a;
	return sys_bind(fd, &a, sun_abstract_addr(&a, name));
}

/* A fresh socket of type binds name: 0 if nobody holds it. Linux (since
 * 6.10) runs its collector from a work queue, some time after the release
 * that asks for it, so the bind waits 100 ms first; ipcsim collects at the
 * release, which is one of the moments Linux may. */
static long rebind(int type, const char *name)
{
	sleep_ms(100);
	int s = sys_socket(AF_UNIX, type, 0);
	long r = bind_name(s, name);
	sys_close(s);
	return r;
}

int main(void)
{
	int sv[2], tv[2];

	/* 1. A datagram socket sent over itself: the message waits in its own
	 * queue. */
	sys_socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
	say_dec("dgram: bind a", bind_name(sv[0], "ipcsim-gc-1"));
	say_dec("dgram: send a to a", send_fd(sv[1], sv[0]));
	sys_close(sv[0]);
	sys_close(sv[1]);
	say_dec("dgram: bind the name again", rebind(SOCK_DGRAM, "ipcsim-gc-1"));

	/* 2. Two stream pairs, each end sent over the other pair: a cycle of
	 * two queues. */
	sys_socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	sys_socketpair(AF_UNIX, SOCK_STREAM, 0, tv);
	say_dec("stream: bind a", bind_name(sv[0], "ipcsim-gc-2"));
	say_dec("stream: send a into the second pair", send_fd(tv[1], sv[0]));
	say_dec("stream: send c into the first pair", send_fd(sv[1], tv[0]));
	sys_close(sv[0]);
	sys_close(sv[1]);
	sys_close(tv[0]);
	sys_close(tv[1]);
	say_dec("stream: bind the name again", rebind(SOCK_STREAM, "ipcsim-gc-2"));

	/* 3. Alive: a is in flight in the queue of b, which the process still
	 * holds; a can be received, and keeps its name. */
	sys_socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
	sys_socketpair(AF_UNIX, SOCK_DGRAM, 0, tv);
	say_dec("alive: bind a", bind_name(sv[0], "ipcsim-gc-3"));
	say_dec("alive: send a to c", send_fd(tv[1], sv[0]));
	say_dec("alive: send a to a", send_fd(sv[1], sv[0]));
	sys_close(sv[0]);
	sys_close(sv[1]);
	sys_close(tv[1]);
	say_dec("alive: bind the name while c holds a", rebind(SOCK_DGRAM, "ipcsim-gc-3"));
	long a = recv_fd(tv[0]);
	say_yes("alive: a received from c", a >= 0);
	long again = recv_fd(a);
	say_yes("alive: and a's own message too", again >= 0);
	sys_close(again);
	sys_close(a);
	sys_close(tv[0]);
	say_dec("alive: bind the name once all are closed", rebind(SOCK_DGRAM, "ipcsim-gc-3"));

	/* 4. A listener sent to a connection it has not accepted: the message
	 * waits in the embryo's queue, which only the listener reaches. */
	int l = sys_socket(AF_UNIX, SOCK_STREAM, 0);
	say_dec("listener: bind", bind_name(l, "ipcsim-gc-4"));
	say_dec("listener: listen", sys_listen(l, 5));
	int c = sys_socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un addr;
	say_dec("listener: connect", sys_connect(c, &addr, sun_abstract_addr(&addr, "ipcsim-gc-4")));
	say_dec("listener: send the listener over the connection", send_fd(c, l));
	sys_close(l);
	sys_close(c);
	say_dec("listener: bind the name again", rebind(SOCK_STREAM, "ipcsim-gc-4"));
	return 0;
}

/*
 * unix_scm_rights: ancillary data on AF_UNIX sockets: SCM_RIGHTS,
 * SO_PEERCRED, SO_PASSCRED and SCM_CREDENTIALS (semantics.md 12).
 *
 * unix(7): "SCM_RIGHTS Send or receive a set of open file descriptors from
 *   another process. The data portion contains an integer array of the file
 *   descriptors. Commonly, this operation is referred to as "passing a file
 *   descriptor" to another process. However, more accurately, what is being
 *   passed is a reference to an open file description" ... "If the buffer
 *   used to receive the ancillary data containing file descriptors is too
 *   small (or is absent), then the ancillary data is truncated (or
 *   discarded) and the excess file descriptors are automatically closed in
 *   the receiving process." "MSG_CTRUNC" is then set (recvmsg(2): "indicates
 *   that some control data was discarded due to lack of space in the buffer
 *   for ancillary data"). recvmsg(2): "MSG_CMSG_CLOEXEC Set the close-on-exec
 *   flag for the file descriptor received via a UNIX domain file descriptor
 *   using the SCM_RIGHTS operation".
 * Descriptors in flight belong to the message: closing the sender's copies
 *   keeps the files open; a message destroyed unread (both sockets closed)
 *   closes them (unix_destruct_scm / the garbage collector): the pipe's
 *   reader then sees EOF.
 * unix(7): "SO_PEERCRED This read-only socket option returns the
 *   credentials of the peer process connected to this socket. The returned
 *   credentials are those that were in effect at the time of the call to
 *   connect(2) or socketpair(2)." "SO_PASSCRED Enabling this socket option
 *   causes receipt of the credentials of the sending process in an
 *   SCM_CREDENTIALS ancillary message in each subsequently received
 *   message." "SCM_CREDENTIALS ... The kernel checks the credentials: the
 *   caller may specify its own ... Privileged processes (CAP_SYS_ADMIN) may
 *   specify any existing process ID" (else EPERM: net/core/scm.c
 *   scm_check_creds). unix_dgram_recvmsg/unix_stream_read_generic call
 *   scm_recv, which puts SCM_CREDENTIALS (only with SO_PASSCRED) before
 *   SCM_RIGHTS.
 * qemu-user 7.2 departs on MSG_CTRUNC (kernel-fixups.txt): with room for
 *   one of two fds it sets no MSG_CTRUNC and leaves the second fd open.
 * Not recorded (qemu-user 7.2 departs, see README.md): a control buffer
 *   shorter than a cmsghdr with fds in flight: Linux sets MSG_CTRUNC and
 *   installs nothing (scm_detach_fds: no room for a header), qemu reports
 *   msg_flags 0 and leaves a received fd open.
 * send(2): "EBADF An invalid descriptor was specified" (an fd in
 *   SCM_RIGHTS that is not open); cmsg(3) CMSG_LEN/CMSG_SPACE.
 */
#include "rt/rt.h"

static union { struct cmsghdr h; char b[256]; } ctl;

/* sendmsg of n data bytes with an SCM_RIGHTS message of nfds fds */
static long send_fds(int s, const char *data, size_t n, const int *fds, int nfds)
{
	struct iovec v = { (void *)data, n };
	struct msghdr m;
	memset(&m, 0, sizeof m);
	memset(&ctl, 0, sizeof ctl);
	m.msg_iov = &v;
	m.msg_iovlen = 1;
	if (nfds) {
		ctl.h.cmsg_len = CMSG_LEN(nfds * sizeof(int));
		ctl.h.cmsg_level = SOL_SOCKET;
		ctl.h.cmsg_type = SCM_RIGHTS;
		memcpy(CMSG_DATA(&ctl.h), fds, nfds * sizeof(int));
		m.msg_control = &ctl;
		m.msg_controllen = CMSG_SPACE(nfds * sizeof(int));
	}
	return sys_sendmsg(s, &m, 0);
}

/* recvmsg with a control buffer of clen bytes; prints what came and puts
 * the first received fds in out[] */
static long recv_show(const char *label, int s, size_t clen, int flags, int *out)
{
	char buf[64];
	struct iovec v = { buf, sizeof buf };
	struct msghdr m;
	memset(&m, 0, sizeof m);
	memset(&ctl, 0, sizeof ctl);
	memset(buf, 0, sizeof buf);
	m.msg_iov = &v;
	m.msg_iovlen = 1;
	m.msg_control = clen ? &ctl : 0;
	m.msg_controllen = clen;
	long r = sys_recvmsg(s, &m, flags);
	print(label);
	print(": recvmsg ");
	print_dec(r);
	print(" msg_flags ");
	print_hex(m.msg_flags);
	print(" controllen ");
	print_dec(m.msg_controllen);
	print("\n");
	int k = 0;
	for (size_t off = 0; off + sizeof(struct cmsghdr) <= m.msg_controllen;) {
		struct cmsghdr *h = (struct cmsghdr *)(ctl.b + off);
		print("  cmsg len ");
		print_dec(h->cmsg_len);
		print(" level ");
		print_dec(h->cmsg_level);
		print(" type ");
		print_dec(h->cmsg_type);
		if (h->cmsg_type == SCM_RIGHTS) {
			int n = (h->cmsg_len - sizeof(struct cmsghdr)) / sizeof(int);
			print(" fds");
			for (int i = 0; i < n; i++) {
				int fd;
				memcpy(&fd, CMSG_DATA(h) + i * sizeof(int), sizeof fd);
				print(" ");
				print_dec(fd);
				if (out)
					out[k++] = fd;
			}
		} else if (h->cmsg_type == SCM_CREDENTIALS) {
			struct ucred u;
			memcpy(&u, CMSG_DATA(h), sizeof u);
			print(" pid == sender: ");
			print(u.pid == out[0] ? "yes" : "no");
			print(" uid ");
			print_dec(u.uid);
			print(" gid ");
			print_dec(u.gid);
		}
		print("\n");
		if (h->cmsg_len < sizeof(struct cmsghdr))
			break;
		off += CMSG_ALIGN(h->cmsg_len);
	}
	return r;
}

int main(void)
{
	int sv[2], p[2], q[2], got[8], st;
	char buf[64];

	set_handler(SIGPIPE, SIG_IGN);
	print("-- SCM_RIGHTS: a pipe end and a socket\n");
	sys_socketpair(AF_UNIX, SOCK_STREAM, 0, sv); /* 3 4 */
	sys_pipe2(p, 0);                            /* 5 6 */
	sys_socketpair(AF_UNIX, SOCK_STREAM, 0, q); /* 7 8 */
	int fds[2] = { p[1], q[0] };
	say_dec("sendmsg with the pipe's write end and a socket", send_fds(sv[0], "F", 1, fds, 2));
	sys_close(p[1]);
	sys_close(q[0]);
	say_dec("the sender closed its copies; next free fd", sys_dup(0));
	sys_close(6);
	recv_show("receive", sv[1], 256, 0, got);
	say_dec("write through the received pipe end", sys_write(got[0], "via pipe", 8));
	memset(buf, 0, sizeof buf);
	say_dec("read the pipe", sys_read(p[0], buf, sizeof buf));
	say_str("got", buf);
	say_dec("write through the received socket", sys_write(got[1], "via socket", 10));
	memset(buf, 0, sizeof buf);
	say_dec("read its peer", sys_read(q[1], buf, sizeof buf));
	say_str("got", buf);
	say_dec("received fd F_GETFD", sys_fcntl(got[0], F_GETFD, 0));
	say_hex("received pipe end F_GETFL", sys_fcntl(got[0], F_GETFL, 0));
	sys_close(got[0]);
	sys_close(got[1]);

	print("-- MSG_CMSG_CLOEXEC, one fd twice\n");
	fds[0] = fds[1] = p[0];
	send_fds(sv[0], "G", 1, fds, 2);
	recv_show("receive MSG_CMSG_CLOEXEC", sv[1], 256, MSG_CMSG_CLOEXEC, got);
	say_dec("F_GETFD", sys_fcntl(got[0], F_GETFD, 0));
	say_dec("F_GETFD", sys_fcntl(got[1], F_GETFD, 0));
	sys_close(got[0]);
	sys_close(got[1]);

	print("-- MSG_CTRUNC\n");
	fds[0] = fds[1] = p[0];
	send_fds(sv[0], "H", 1, fds, 2);
	recv_show("control buffer CMSG_LEN(4) for two fds", sv[1], CMSG_LEN(4), 0, got);
	long nf = sys_dup(0);
	say_dec("next free fd (the second fd was closed)", nf);
	sys_close(nf);
	sys_close(got[0]);
	sys_close(7); /* qemu-user leaks the second fd as 7 (see README.md): the numbers below then agree */
	send_fds(sv[0], "I", 1, fds, 1);
	recv_show("no control buffer", sv[1], 0, 0, 0);
	say_dec("next free fd (nothing installed)", sys_dup(0));
	sys_close(6);

	print("-- errors\n");
	fds[0] = 99;
	say_dec("SCM_RIGHTS with a closed fd (EBADF)", send_fds(sv[0], "K", 1, fds, 1));
	say_dec("nothing was sent (EAGAIN)", sys_recv(sv[1], buf, 64, MSG_DONTWAIT));

	print("-- descriptors closed in flight\n");
	int r[2], s2[2];
	sys_pipe2(r, 0);
	sys_socketpair(AF_UNIX, SOCK_DGRAM, 0, s2);
	say_dec("send the pipe's write end over a datagram pair", send_fds(s2[0], "L", 1, &r[1], 1));
	sys_close(r[1]);
	sys_fcntl(r[0], F_SETFL, O_NONBLOCK);
	say_dec("the write end lives in the message: read (EAGAIN)", sys_read(r[0], buf, 1));
	sys_close(s2[0]);
	sys_close(s2[1]);
	say_dec("both sockets closed, message unread: read (EOF)", sys_read(r[0], buf, 1));
	sys_close(r[0]);

	print("-- SO_PEERCRED\n");
	struct ucred u;
	int ulen = sizeof u;
	memset(&u, 0, sizeof u);
	say_dec("getsockopt SO_PEERCRED on a socketpair end", sys_getsockopt(sv[0], SOL_SOCKET, SO_PEERCRED, &u, &ulen));
	say_dec("optlen", ulen);
	say_yes("pid == getpid", u.pid == sys_getpid());
	say_dec("uid", u.uid);
	say_dec("gid", u.gid);
	long un = sys_socket(AF_UNIX, SOCK_STREAM, 0);
	ulen = sizeof u;
	memset(&u, 0x55, sizeof u);
	sys_getsockopt(un, SOL_SOCKET, SO_PEERCRED, &u, &ulen);
	say_dec("unconnected socket: pid", u.pid);
	say_dec("uid", (int)u.uid);
	say_dec("gid", (int)u.gid);
	/* a child connects: the peer credentials are the child's, from connect time */
	struct sockaddr_un a;
	long l = sys_socket(AF_UNIX, SOCK_STREAM, 0);
	long alen = sun_abstract_addr(&a, "ipcsim-unix-scm");
	sys_bind(l, &a, alen);
	sys_listen(l, 5);
	long child = sys_fork();
	if (child == 0) {
		long c = sys_socket(AF_UNIX, SOCK_STREAM, 0);
		sys_connect(c, &a, alen);
		sys_read(c, buf, 1); /* wait for the parent's byte */
		sys_exit_group(0);
	}
	long x = sys_accept(l, 0, 0);
	ulen = sizeof u;
	sys_getsockopt(x, SOL_SOCKET, SO_PEERCRED, &u, &ulen);
	say_yes("accepted socket: pid == the connecting child", u.pid == child);
	ulen = sizeof u;
	sys_getsockopt(l, SOL_SOCKET, SO_PEERCRED, &u, &ulen);
	say_yes("listener: pid == its own (set by listen)", u.pid == sys_getpid());
	sys_write(x, "g", 1);
	sys_wait4(child, &st, 0, 0);
	ulen = sizeof u;
	sys_getsockopt(x, SOL_SOCKET, SO_PEERCRED, &u, &ulen);
	say_yes("after the child exited: still its pid", u.pid == child);
	sys_close(x);
	sys_close(l);

	print("-- SO_PASSCRED, SCM_CREDENTIALS\n");
	int me[1] = { (int)sys_getpid() };
	say_dec("SO_PASSCRED default", sockopt_int(sv[1], SOL_SOCKET, SO_PASSCRED));
	say_dec("set SO_PASSCRED", sockopt_set_int(sv[1], SOL_SOCKET, SO_PASSCRED, 1));
	say_dec("SO_PASSCRED", sockopt_int(sv[1], SOL_SOCKET, SO_PASSCRED));
	sys_write(sv[0], "plain", 5);
	recv_show("plain data to a SO_PASSCRED socket", sv[1], 256, 0, me);
	child = sys_fork();
	if (child == 0) {
		sys_write(sv[0], "child", 5);
		sys_exit_group(0);
	}
	sys_wait4(child, &st, 0, 0);
	int ch[1] = { (int)child };
	recv_show("data written by a child", sv[1], 256, 0, ch);
	fds[0] = p[0];
	send_fds(sv[0], "M", 1, fds, 1);
	int out[4] = { me[0] };
	recv_show("SCM_RIGHTS to a SO_PASSCRED socket (credentials first)", sv[1], 256, 0, out);
	sys_close(out[0]);
	/* explicit SCM_CREDENTIALS */
	struct ucred mine = { (int)sys_getpid(), 0, 0 };
	struct iovec v = { "E", 1 };
	struct msghdr m;
	memset(&m, 0, sizeof m);
	memset(&ctl, 0, sizeof ctl);
	m.msg_iov = &v;
	m.msg_iovlen = 1;
	ctl.h.cmsg_len = CMSG_LEN(sizeof mine);
	ctl.h.cmsg_level = SOL_SOCKET;
	ctl.h.cmsg_type = SCM_CREDENTIALS;
	memcpy(CMSG_DATA(&ctl.h), &mine, sizeof mine);
	m.msg_control = &ctl;
	m.msg_controllen = CMSG_SPACE(sizeof mine);
	say_dec("sendmsg with its own SCM_CREDENTIALS", sys_sendmsg(sv[0], &m, 0));
	recv_show("received", sv[1], 256, 0, me);
	child = sys_fork();
	if (child == 0) {
		syscall3(SYS_setresgid, 65534, 65534, 65534);
		sys_setresuid(65534, 65534, 65534);
		/* the parent's pid, as uid 65534: EPERM */
		sys_exit_group(-sys_sendmsg(sv[0], &m, 0));
	}
	sys_wait4(child, &st, 0, 0);
	say_status("uid 65534 sending the parent's pid (exits with EPERM 1)", st);
	sockopt_set_int(sv[1], SOL_SOCKET, SO_PASSCRED, 0);
	say_dec("SO_PASSCRED off: sendmsg with SCM_CREDENTIALS", sys_sendmsg(sv[0], &m, 0));
	recv_show("received (no credentials)", sv[1], 256, 0, me);
	return 0;
}

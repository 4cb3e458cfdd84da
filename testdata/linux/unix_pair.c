/*
 * unix_pair: socketpair(2) and socket(2) for AF_UNIX (semantics.md 12).
 *
 * unix(7): "Valid socket types in the UNIX domain are: SOCK_STREAM, for a
 *   stream-oriented socket; SOCK_DGRAM, for a datagram-oriented socket that
 *   preserves message boundaries (as on most UNIX implementations, UNIX
 *   domain datagram sockets are always reliable and don't reorder
 *   datagrams); and (since Linux 2.6.4) SOCK_SEQPACKET, for a
 *   sequenced-packet socket that is connection-oriented, preserves message
 *   boundaries, and delivers messages in the order that they were sent."
 * socketpair(2): "The socketpair() call creates an unnamed pair of connected
 *   sockets in the specified domain" ... "EAFNOSUPPORT The specified address
 *   family is not supported on this machine." "EOPNOTSUPP The specified
 *   protocol does not support creation of socket pairs." (AF_INET:
 *   inet_stream_ops .socketpair = sock_no_socketpair)
 * socket(2): "EINVAL Unknown protocol, or protocol family not available.
 *   EINVAL Invalid flags in type." "EPROTONOSUPPORT The protocol type or
 *   the specified protocol is not supported within this domain."
 *   SOCK_NONBLOCK / SOCK_CLOEXEC set O_NONBLOCK / FD_CLOEXEC.
 * net/unix/af_unix.c unix_create: protocol must be 0 or PF_UNIX (1), else
 *   EPROTONOSUPPORT; SOCK_RAW "is a synonym for SOCK_DGRAM for
 *   compatibility" (SO_TYPE then reads SOCK_DGRAM); another type
 *   ESOCKTNOSUPPORT. net/socket.c __sock_create: family >= NPROTO
 *   EAFNOSUPPORT.
 * Not recorded (qemu-user 7.2 departs, see README.md): a type >= SOCK_MAX
 *   or an unknown flag bit in type, EINVAL on Linux; qemu masks the type
 *   with 0xf and drops unknown flags, so the call succeeds. What a failed
 *   socketpair leaves in sv: Linux stores the two reserved fd numbers
 *   before it creates the sockets (__sys_socketpair), qemu nothing.
 */
#include "rt/rt.h"

static void roundtrip(const char *name, int type)
{
	int sv[2] = { -1, -1 };
	char buf[16];

	print("-- ");
	print(name);
	print("\n");
	say_dec("socketpair", sys_socketpair(AF_UNIX, type, 0, sv));
	say_dec("fds", sv[0] * 10 + sv[1]);
	say_dec("SO_TYPE 0", sockopt_int(sv[0], SOL_SOCKET, SO_TYPE));
	say_dec("SO_TYPE 1", sockopt_int(sv[1], SOL_SOCKET, SO_TYPE));
	say_dec("SO_DOMAIN", sockopt_int(sv[0], SOL_SOCKET, SO_DOMAIN));
	say_hex("F_GETFL", sys_fcntl(sv[0], F_GETFL, 0));
	say_dec("F_GETFD", sys_fcntl(sv[0], F_GETFD, 0));
	/* both directions, write(2)/read(2) work on a connected socket */
	say_dec("write 0->1 \"hello\"", sys_write(sv[0], "hello", 5));
	say_dec("write 1->0 \"hi\"", sys_write(sv[1], "hi", 2));
	memset(buf, 0, sizeof buf);
	say_dec("read at 1", sys_read(sv[1], buf, sizeof buf));
	say_str("got", buf);
	memset(buf, 0, sizeof buf);
	say_dec("read at 0", sys_read(sv[0], buf, sizeof buf));
	say_str("got", buf);
	/* socketpair's sockets are unnamed: the address is sun_family only */
	struct sockaddr_un a;
	int alen = sizeof a;
	say_dec("getsockname", sys_getsockname(sv[0], &a, &alen));
	say_dec("addrlen", alen);
	alen = sizeof a;
	say_dec("getpeername", sys_getpeername(sv[0], &a, &alen));
	say_dec("addrlen", alen);
	say_dec("family", a.sun_family);
	say_dec("lseek (ESPIPE)", sys_lseek(sv[0], 0, SEEK_SET));
	sys_close(sv[0]);
	sys_close(sv[1]);
}

int main(void)
{
	int sv[2];
	long fd;

	roundtrip("SOCK_STREAM", SOCK_STREAM);
	roundtrip("SOCK_DGRAM", SOCK_DGRAM);
	roundtrip("SOCK_SEQPACKET", SOCK_SEQPACKET);

	print("-- flags\n");
	say_dec("socketpair SOCK_STREAM|SOCK_NONBLOCK|SOCK_CLOEXEC",
		sys_socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv));
	say_hex("F_GETFL 0", sys_fcntl(sv[0], F_GETFL, 0));
	say_hex("F_GETFL 1", sys_fcntl(sv[1], F_GETFL, 0));
	say_dec("F_GETFD 0", sys_fcntl(sv[0], F_GETFD, 0));
	say_dec("F_GETFD 1", sys_fcntl(sv[1], F_GETFD, 0));
	char c;
	say_dec("read empty non-blocking (EAGAIN)", sys_read(sv[0], &c, 1));
	sys_close(sv[0]);
	sys_close(sv[1]);
	say_dec("protocol PF_UNIX (1)", sys_socketpair(AF_UNIX, SOCK_STREAM, 1, sv));
	sys_close(sv[0]);
	sys_close(sv[1]);
	say_dec("SOCK_RAW (a synonym for SOCK_DGRAM)", sys_socketpair(AF_UNIX, SOCK_RAW, 0, sv));
	say_dec("SO_TYPE of the SOCK_RAW pair", sockopt_int(sv[0], SOL_SOCKET, SO_TYPE));
	sys_close(sv[0]);
	sys_close(sv[1]);

	print("-- errors\n");
	say_dec("socketpair AF_INET SOCK_STREAM (EOPNOTSUPP)", sys_socketpair(AF_INET, SOCK_STREAM, 0, sv));
	say_dec("socketpair AF_INET SOCK_DGRAM (EOPNOTSUPP)", sys_socketpair(AF_INET, SOCK_DGRAM, 0, sv));
	say_dec("socketpair family 12345 (EAFNOSUPPORT)", sys_socketpair(12345, SOCK_STREAM, 0, sv));
	say_dec("socketpair family -1 (EAFNOSUPPORT)", sys_socketpair(-1, SOCK_STREAM, 0, sv));
	say_dec("socketpair type SOCK_RDM 4 (ESOCKTNOSUPPORT)", sys_socketpair(AF_UNIX, 4, 0, sv));
	say_dec("socketpair type 0 (ESOCKTNOSUPPORT)", sys_socketpair(AF_UNIX, 0, 0, sv));
	say_dec("socketpair protocol 2 (EPROTONOSUPPORT)", sys_socketpair(AF_UNIX, SOCK_STREAM, 2, sv));
	say_dec("socket family 12345 (EAFNOSUPPORT)", sys_socket(12345, SOCK_STREAM, 0));
	say_dec("socket AF_UNIX type 4 (ESOCKTNOSUPPORT)", sys_socket(AF_UNIX, 4, 0));
	say_dec("socket AF_UNIX protocol 2 (EPROTONOSUPPORT)", sys_socket(AF_UNIX, SOCK_STREAM, 2));
	say_dec("no fd leaked: next fd", sys_dup(0));
	sys_close(3);

	print("-- socket(2)\n");
	fd = sys_socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	say_dec("socket SOCK_SEQPACKET|SOCK_NONBLOCK|SOCK_CLOEXEC", fd);
	say_hex("F_GETFL", sys_fcntl(fd, F_GETFL, 0));
	say_dec("F_GETFD", sys_fcntl(fd, F_GETFD, 0));
	say_dec("SO_TYPE", sockopt_int(fd, SOL_SOCKET, SO_TYPE));
	sys_close(fd);
	fd = sys_socket(AF_UNIX, SOCK_STREAM, 0);
	say_dec("socket SOCK_STREAM", fd);
	say_hex("F_GETFL", sys_fcntl(fd, F_GETFL, 0));
	/* unix_stream_sendmsg: no peer -> ENOTCONN; unix_stream_read_generic:
	 * not TCP_ESTABLISHED -> EINVAL */
	set_handler(SIGPIPE, SIG_IGN);
	say_dec("write on an unconnected stream socket (ENOTCONN)", sys_write(fd, "x", 1));
	say_dec("read on an unconnected stream socket (EINVAL)", sys_read(fd, &c, 1));
	struct sockaddr_un a;
	int alen = sizeof a;
	say_dec("getpeername unconnected (ENOTCONN)", sys_getpeername(fd, &a, &alen));
	say_dec("getsockopt on a pipe (ENOTSOCK)", sys_pipe2(sv, 0) == 0 ? sockopt_int(sv[0], SOL_SOCKET, SO_TYPE) : -999);
	say_dec("getsockopt unknown option 9999 (ENOPROTOOPT)", sockopt_int(fd, SOL_SOCKET, 9999));
	say_dec("getsockopt closed fd (EBADF)", sockopt_int(99, SOL_SOCKET, SO_TYPE));
	return 0;
}

/*
 * unix_bind: bind(2) and getsockname(2) for AF_UNIX (semantics.md 12).
 *
 * unix(7): "pathname: a UNIX domain socket can be bound to a null-terminated
 *   filesystem pathname using bind(2)." "unnamed: A stream socket that has
 *   not been bound to a pathname using bind(2) has no name. Likewise, the
 *   two sockets created by socketpair(2) are unnamed." "abstract: an
 *   abstract socket address is distinguished (from a pathname socket) by
 *   the fact that sun_path[0] is a null byte ('\0'). The socket's address
 *   in this namespace is given by the additional bytes in sun_path that are
 *   covered by the specified length of the address structure." "The
 *   abstract socket namespace ... Abstract sockets automatically disappear
 *   when all open references to the socket are closed."
 * unix(7) ERRORS: "EADDRINUSE The specified local address is already in
 *   use or the filesystem socket object already exists." "EINVAL Invalid
 *   argument passed. A common cause is that the value AF_UNIX was not
 *   specified in the sun_type field of passed addresses, or the socket was
 *   in an invalid state for the applied operation." "ENOENT The pathname in
 *   the remote address specified to connect(2) did not exist."
 * unix(7) Autobind: "If a bind(2) call specifies addrlen as
 *   sizeof(sa_family_t) ... then the socket is autobound to an abstract
 *   address. The address consists of a null byte followed by 5 bytes in the
 *   character set [0-9a-f]."
 * unix(7): "Binding to a socket with a filename creates a socket in the
 *   filesystem" ... "the socket can be unlinked at any time and will be
 *   finally removed from the filesystem when the last reference to it is
 *   closed" (the bound socket keeps its name; connect by the name then
 *   ENOENT). open(2): "ENXIO The file is a UNIX domain socket."
 * net/unix/af_unix.c unix_validate_addr: addr_len < offsetof(sun_path) or
 *   > sizeof(struct sockaddr_un) (110), or sun_family != AF_UNIX: EINVAL.
 *   unix_mkname_bsd: a sun_path of all 108 bytes (no NUL) is a 108-byte
 *   path; the length stored (and returned by getsockname) is then
 *   strlen + offsetof + 1 = 111. unix_bind_bsd: "if (u->addr) EINVAL"
 *   (socketpair ends have no address, so they can be bound); the file is
 *   made first, so an existing name gives EADDRINUSE even then.
 * getsockname(2): "The returned address is truncated if the buffer
 *   provided is too small; in this case, addrlen will return a value
 *   greater than was supplied to the call."
 */
#include "rt/rt.h"

#define DIR   "/tmp/ipcsim-unix-bind"
#define P1    DIR "/s1"
#define P2    DIR "/s2"
#define PREG  DIR "/regular"
#define P3    DIR "/s3"
#define P4    DIR "/s4"
#define P5    DIR "/s5"
/* 22 + 86 = 108 characters */
#define PLONG DIR "/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

static void cleanup(void)
{
	sys_unlinkat(AT_FDCWD, P1, 0);
	sys_unlinkat(AT_FDCWD, P2, 0);
	sys_unlinkat(AT_FDCWD, PREG, 0);
	sys_unlinkat(AT_FDCWD, P3, 0);
	sys_unlinkat(AT_FDCWD, P4, 0);
	sys_unlinkat(AT_FDCWD, P5, 0);
	sys_unlinkat(AT_FDCWD, PLONG, 0);
	sys_unlinkat(AT_FDCWD, DIR, AT_REMOVEDIR);
}

static void say_name(const char *label, int fd)
{
	struct sockaddr_un a;
	int alen = sizeof a;
	memset(&a, 0x55, sizeof a);
	long r = sys_getsockname(fd, &a, &alen);
	print(label);
	print(": getsockname ");
	print_dec(r);
	print(" addrlen ");
	print_dec(alen);
	if (r == 0 && alen > SUN_OFF) {
		print(" path ");
		if (a.sun_path[0] == 0) {
			print("@");
			sys_write(1, a.sun_path + 1, alen - SUN_OFF - 1);
		} else {
			print(a.sun_path);
		}
	}
	print("\n");
}

int main(void)
{
	struct sockaddr_un a;
	long alen;

	cleanup();
	say_dec("mkdirat " DIR, sys_mkdirat(AT_FDCWD, DIR, 0755));

	print("-- path names\n");
	long s = sys_socket(AF_UNIX, SOCK_STREAM, 0);
	say_name("unbound", s);
	alen = sun_path_addr(&a, P1);
	say_dec("bind s1", sys_bind(s, &a, alen));
	say_name("bound", s);
	alen = sun_path_addr(&a, P2);
	say_dec("bind again, another path (EINVAL)", sys_bind(s, &a, alen));
	say_name("still", s);
	/* unix_bind_bsd makes the file (vfs_mknod) before it looks at u->addr */
	alen = sun_path_addr(&a, DIR);
	say_dec("bound socket, an existing name (EADDRINUSE before EINVAL)", sys_bind(s, &a, alen));
	long fd = sys_openat(AT_FDCWD, P1, O_RDONLY, 0);
	say_dec("openat the socket file (ENXIO)", fd);
	long t = sys_socket(AF_UNIX, SOCK_STREAM, 0);
	alen = sun_path_addr(&a, P1);
	say_dec("second socket, same path (EADDRINUSE)", sys_bind(t, &a, alen));
	long d = sys_socket(AF_UNIX, SOCK_DGRAM, 0);
	say_dec("a datagram socket, same path (EADDRINUSE)", sys_bind(d, &a, alen));
	say_dec("path without its NUL counted (EADDRINUSE: same file)", sys_bind(t, &a, alen - 1));
	sys_close(s);
	say_dec("after close: stale socket file (EADDRINUSE)", sys_bind(t, &a, alen));
	say_dec("unlinkat the stale file", sys_unlinkat(AT_FDCWD, P1, 0));
	say_dec("bind again", sys_bind(t, &a, alen));
	say_name("bound", t);
	fd = sys_openat(AT_FDCWD, PREG, O_CREAT | O_WRONLY, 0644);
	sys_close(fd);
	alen = sun_path_addr(&a, PREG);
	say_dec("a regular file at the path (EADDRINUSE)", sys_bind(d, &a, alen));
	alen = sun_path_addr(&a, DIR "/missing/s");
	say_dec("missing directory (ENOENT)", sys_bind(d, &a, alen));
	alen = sun_path_addr(&a, PREG "/s");
	say_dec("a file as directory (ENOTDIR)", sys_bind(d, &a, alen));
	alen = sun_path_addr(&a, P2);
	a.sun_family = AF_INET;
	say_dec("sun_family AF_INET (EINVAL)", sys_bind(d, &a, alen));
	a.sun_family = AF_UNIX;
	say_dec("addrlen 1 (EINVAL)", sys_bind(d, &a, 1));
	say_dec("addrlen 111 (EINVAL)", sys_bind(d, &a, 111));
	say_dec("addrlen 110, path NUL-terminated", sys_bind(d, &a, 110));
	say_name("dgram", d);
	sys_close(d);

	print("-- 108-byte sun_path (no NUL)\n");
	d = sys_socket(AF_UNIX, SOCK_DGRAM, 0);
	memset(&a, 0, sizeof a);
	a.sun_family = AF_UNIX;
	memcpy(a.sun_path, PLONG, 108);
	say_dec("strlen of the path", strlen(PLONG));
	say_dec("bind, addrlen 110", sys_bind(d, &a, 110));
	long o = sys_openat(AT_FDCWD, PLONG, O_RDONLY, 0);
	say_dec("the file exists: openat (ENXIO)", o);
	int l = sizeof a;
	struct sockaddr_un b;
	memset(&b, 0, sizeof b);
	say_dec("getsockname", sys_getsockname(d, &b, &l));
	say_dec("addrlen (strlen + 2 + 1)", l);
	say_yes("the 108 bytes come back", bytes_eq(b.sun_path, PLONG, 108));
	sys_close(d);

	print("-- abstract names\n");
	s = sys_socket(AF_UNIX, SOCK_STREAM, 0);
	alen = sun_abstract_addr(&a, "ipcsim-unix-bind");
	say_dec("addrlen", alen);
	say_dec("bind @ipcsim-unix-bind", sys_bind(s, &a, alen));
	say_name("abstract", s);
	t = sys_socket(AF_UNIX, SOCK_STREAM, 0);
	say_dec("same name, another stream socket (EADDRINUSE)", sys_bind(t, &a, alen));
	say_dec("a shorter name @ipcsim-unix-bin", sys_bind(t, &a, alen - 1));
	say_name("shorter", t);
	sys_close(t);
	/* unix_abstract_hash mixes the socket type into the bucket and
	 * __unix_find_socket_byname looks only there: each type has its own
	 * abstract names */
	d = sys_socket(AF_UNIX, SOCK_DGRAM, 0);
	say_dec("same name, a datagram socket (another type: allowed)", sys_bind(d, &a, alen));
	sys_close(d);
	t = sys_socket(AF_UNIX, SOCK_STREAM, 0);
	/* the name is every byte the length covers: trailing NULs count */
	say_dec("the name plus a NUL byte (another name)", sys_bind(t, &a, alen + 1));
	l = sizeof b;
	sys_getsockname(t, &b, &l);
	say_dec("its addrlen", l);
	sys_close(t);
	sys_close(s);
	t = sys_socket(AF_UNIX, SOCK_STREAM, 0);
	say_dec("after close the name is free", sys_bind(t, &a, alen));
	sys_close(t);

	print("-- autobind\n");
	s = sys_socket(AF_UNIX, SOCK_DGRAM, 0);
	say_dec("bind addrlen 2", sys_bind(s, &a, 2));
	memset(&b, 0x55, sizeof b);
	l = sizeof b;
	say_dec("getsockname", sys_getsockname(s, &b, &l));
	say_dec("addrlen (2 + 1 + 5)", l);
	int hex = 1;
	for (int i = 1; i <= 5; i++) {
		char c = b.sun_path[i];
		hex &= (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
	}
	say_yes("a NUL and 5 hex digits", b.sun_path[0] == 0 && hex);
	alen = sun_path_addr(&a, P3);
	say_dec("bind after autobind (EINVAL)", sys_bind(s, &a, alen));
	sys_close(s);

	print("-- getsockname details\n");
	s = sys_socket(AF_UNIX, SOCK_STREAM, 0);
	alen = sun_path_addr(&a, P4);
	say_dec("bind s4", sys_bind(s, &a, alen));
	memset(&b, 0, sizeof b);
	l = 6;
	say_dec("getsockname, 6-byte buffer", sys_getsockname(s, &b, &l));
	say_dec("addrlen (the full length)", l);
	say_yes("4 path bytes copied, no more", b.sun_path[0] == '/' && b.sun_path[3] == 'p' && b.sun_path[4] == 0);
	l = -1;
	say_dec("addrlen -1 (EINVAL)", sys_getsockname(s, &b, &l));
	int sv[2];
	sys_socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	alen = sun_path_addr(&a, P5);
	say_dec("bind a socketpair end", sys_bind(sv[0], &a, alen));
	say_name("pair end", sv[0]);
	alen = sun_path_addr(&a, P4);
	l = sizeof b;
	say_dec("getsockname of a pipe (ENOTSOCK)", sys_pipe2(sv, 0) == 0 ? sys_getsockname(sv[0], &b, &l) : -999);

	print("-- unlink of a bound path\n");
	say_dec("unlinkat s4 while bound", sys_unlinkat(AT_FDCWD, P4, 0));
	say_name("s4 socket after unlink", s);
	long c = sys_socket(AF_UNIX, SOCK_STREAM, 0);
	say_dec("connect to the unlinked path (ENOENT)", sys_connect(c, &a, alen));
	t = sys_socket(AF_UNIX, SOCK_STREAM, 0);
	say_dec("a new socket binds the path", sys_bind(t, &a, alen));
	sys_close(t);
	sys_close(s);
	sys_close(c);

	cleanup();
	return 0;
}

/*
 * unix_perm: permissions on AF_UNIX socket names (semantics.md 12).
 *
 * unix(7): "On Linux, connecting to a stream socket object requires write
 *   permission on that socket; sending a datagram to a datagram socket
 *   likewise requires write permission on that socket." "Abstract sockets
 *   ... permissions are ignored" (unix(7): "the abstract namespace ... has
 *   nothing to do with filesystem pathnames"; unix_find_abstract does no
 *   permission check). "Creation of a new socket fails if the process does
 *   not have write and search (execute) permission on the directory in
 *   which the socket is created." path_resolution(7): search permission on
 *   every directory of the path (EACCES). The socket file's mode is 0777
 *   minus the umask (unix_bind_bsd: S_IFSOCK | (SOCK_INODE(sock)->i_mode &
 *   ~current_umask())).
 *
 * Root binds the sockets and sets their modes with fchmodat; a child at uid
 * and gid 65534 connects. Modes have equal group and other bits.
 */
#include "rt/rt.h"

#define DIR  "/tmp/ipcsim-unix-perm"
#define D700 DIR "/d700"
#define S755 DIR "/s755"
#define S777 DIR "/s777"
#define G755 DIR "/g755"
#define G777 DIR "/g777"
#define SIN  D700 "/s"

static void cleanup(void)
{
	sys_unlinkat(AT_FDCWD, S755, 0);
	sys_unlinkat(AT_FDCWD, S777, 0);
	sys_unlinkat(AT_FDCWD, G755, 0);
	sys_unlinkat(AT_FDCWD, G777, 0);
	sys_unlinkat(AT_FDCWD, SIN, 0);
	sys_unlinkat(AT_FDCWD, DIR "/child", 0);
	sys_unlinkat(AT_FDCWD, D700, AT_REMOVEDIR);
	sys_unlinkat(AT_FDCWD, DIR, AT_REMOVEDIR);
}

static long listener(int type, const char *path, int mode)
{
	struct sockaddr_un a;
	long s = sys_socket(AF_UNIX, type, 0);
	sys_bind(s, &a, sun_path_addr(&a, path));
	if (type == SOCK_STREAM)
		sys_listen(s, 5);
	if (mode >= 0)
		syscall4(SYS_fchmodat, AT_FDCWD, path, mode, 0);
	return s;
}

static long try_connect(const char *path)
{
	struct sockaddr_un a;
	long c = sys_socket(AF_UNIX, SOCK_STREAM, 0);
	long r = sys_connect(c, &a, sun_path_addr(&a, path));
	sys_close(c);
	return r;
}

static long try_send(const char *path)
{
	struct sockaddr_un a;
	long c = sys_socket(AF_UNIX, SOCK_DGRAM, 0);
	long r = sys_sendto(c, "x", 1, 0, &a, sun_path_addr(&a, path));
	sys_close(c);
	return r;
}

int main(void)
{
	struct sockaddr_un a;
	int st;

	cleanup();
	syscall1(SYS_umask, 022);
	sys_mkdirat(AT_FDCWD, DIR, 0755);
	sys_mkdirat(AT_FDCWD, D700, 0700);
	long l1 = listener(SOCK_STREAM, S755, -1); /* 0777 & ~022 */
	long l2 = listener(SOCK_STREAM, S777, 0777);
	long l3 = listener(SOCK_STREAM, SIN, 0777);
	long g1 = listener(SOCK_DGRAM, G755, -1);
	long g2 = listener(SOCK_DGRAM, G777, 0777);
	long ab = sys_socket(AF_UNIX, SOCK_STREAM, 0);
	long alen = sun_abstract_addr(&a, "ipcsim-unix-perm");
	sys_bind(ab, &a, alen);
	sys_listen(ab, 5);
	long r = sys_openat(AT_FDCWD, S755, O_RDONLY, 0);
	say_dec("root: the socket file exists (open ENXIO)", r);
	say_dec("root: connect to the 0755 socket", try_connect(S755));

	long child = sys_fork();
	if (child == 0) {
		say_dec("child: setresgid 65534", syscall3(SYS_setresgid, 65534, 65534, 65534));
		say_dec("child: setresuid 65534", sys_setresuid(65534, 65534, 65534));
		say_dec("child: connect to root's 0755 socket (EACCES)", try_connect(S755));
		say_dec("child: connect to root's 0777 socket", try_connect(S777));
		say_dec("child: connect through a 0700 directory (EACCES)", try_connect(SIN));
		say_dec("child: sendto root's 0755 datagram socket (EACCES)", try_send(G755));
		say_dec("child: sendto root's 0777 datagram socket", try_send(G777));
		long c = sys_socket(AF_UNIX, SOCK_STREAM, 0);
		say_dec("child: connect to root's abstract listener", sys_connect(c, &a, alen));
		sys_close(c);
		struct sockaddr_un b;
		c = sys_socket(AF_UNIX, SOCK_STREAM, 0);
		say_dec("child: bind in root's 0755 directory (EACCES)", sys_bind(c, &b, sun_path_addr(&b, DIR "/child")));
		say_dec("child: bind in /tmp", sys_bind(c, &b, sun_path_addr(&b, "/tmp/ipcsim-unix-perm-child")));
		say_dec("child: unlink its socket", sys_unlinkat(AT_FDCWD, "/tmp/ipcsim-unix-perm-child", 0));
		sys_exit_group(0);
	}
	sys_wait4(child, &st, 0, 0);
	say_status("child", st);
	say_dec("root: connect through the 0700 directory", try_connect(SIN));
	sys_close(l1);
	sys_close(l2);
	sys_close(l3);
	sys_close(g1);
	sys_close(g2);
	sys_close(ab);
	cleanup();
	return 0;
}

/*
 * pipe_packet: pipes in packet mode (pipe2(2) O_DIRECT), and the limit on
 * F_SETPIPE_SZ and a read of an enlarged pipe.
 *
 * - O_DIRECT is the write end's flag (F_GETFL shows it there only).
 *   "Each write(2) to the pipe is dealt with as a separate packet, and
 *   read(2)s from the pipe will read one packet at a time"; a write above
 *   PIPE_BUF is cut into packets of 4096 bytes; "If a read(2) specifies a
 *   buffer size that is smaller than the next packet, then the requested
 *   number of bytes are read, and the excess bytes in the packet are
 *   discarded". F_SETFL sets or clears the mode of a write end.
 * - "EPERM: An attempt was made to increase the pipe capacity above the
 *   limit defined by /proc/sys/fs/pipe-max-size" (1048576) without
 *   CAP_SYS_RESOURCE; shrinking is allowed. A read of an enlarged pipe
 *   takes all it holds, up to its count, beyond 64 KiB.
 * - A FIFO or a device cannot be opened O_DIRECT (EINVAL, do_dentry_open:
 *   no direct I/O), but F_SETFL sets packet mode on a FIFO; F_SETFL
 *   O_DIRECT on a socket is EINVAL, on a regular file it stays.
 */
#include "rt/rt.h"

#ifndef O_DIRECT
#define O_DIRECT 040000
#endif

static char big[70000];

int main(void)
{
	int p[2], q[2], v;
	char b[10000];
	say_dec("pipe2 O_DIRECT", sys_pipe2(p, O_DIRECT | O_NONBLOCK));
	say_hex("F_GETFL of the read end", sys_fcntl(p[0], F_GETFL, 0));
	say_hex("F_GETFL of the write end", sys_fcntl(p[1], F_GETFL, 0));
	say_dec("write 5", sys_write(p[1], "hello", 5));
	say_dec("write 3", sys_write(p[1], "abc", 3));
	sys_ioctl(p[0], FIONREAD, &v);
	say_dec("FIONREAD", v);
	say_dec("read 100 (one packet)", sys_read(p[0], b, 100));
	say_dec("read 2 of the next", sys_read(p[0], b, 2));
	say_yes("it read ab", b[0] == 'a' && b[1] == 'b');
	say_dec("read again (EAGAIN: the c was discarded)", sys_read(p[0], b, 100));
	say_dec("write 5000", sys_write(p[1], big, 5000));
	say_dec("read 10000 (the first packet of 4096)", sys_read(p[0], b, 10000));
	say_dec("read 10000 (the rest, 904)", sys_read(p[0], b, 10000));
	say_dec("write 70000 (16 packets)", sys_write(p[1], big, 70000));
	say_dec("write 0", sys_write(p[1], big, 0));
	say_dec("read 10000", sys_read(p[0], b, 10000));

	sys_pipe2(q, O_NONBLOCK);
	say_dec("F_SETFL O_DIRECT on a plain pipe's write end", sys_fcntl(q[1], F_SETFL, O_DIRECT | O_NONBLOCK));
	say_hex("its F_GETFL", sys_fcntl(q[1], F_GETFL, 0));
	sys_write(q[1], "hello", 5);
	sys_write(q[1], "abc", 3);
	say_dec("two writes, read 100 (one packet)", sys_read(q[0], b, 100));
	say_dec("F_SETFL without O_DIRECT on the packet pipe", sys_fcntl(p[1], F_SETFL, O_NONBLOCK));
	while (sys_read(p[0], b, sizeof b) > 0)
		;
	sys_write(p[1], "hello", 5);
	sys_write(p[1], "abc", 3);
	say_dec("two writes, read 100 (both)", sys_read(p[0], b, 100));

	/* A FIFO or a device opened O_DIRECT: EINVAL (no direct I/O), after
	 * the FIFO's own open; F_SETFL may set O_DIRECT on a FIFO. */
	sys_unlinkat(AT_FDCWD, "/tmp/ipcsim-pipe-packet", 0);
	sys_mknodat(AT_FDCWD, "/tmp/ipcsim-pipe-packet", 0010600, 0);
	say_dec("open a FIFO O_RDWR|O_DIRECT (EINVAL)", sys_openat(AT_FDCWD, "/tmp/ipcsim-pipe-packet", O_RDWR | O_DIRECT | O_NONBLOCK, 0));
	say_dec("open a FIFO O_WRONLY|O_NONBLOCK|O_DIRECT, no reader (ENXIO first)",
		sys_openat(AT_FDCWD, "/tmp/ipcsim-pipe-packet", O_WRONLY | O_DIRECT | O_NONBLOCK, 0));
	int ff = sys_openat(AT_FDCWD, "/tmp/ipcsim-pipe-packet", O_RDWR | O_NONBLOCK, 0);
	say_dec("F_SETFL O_DIRECT on the FIFO", sys_fcntl(ff, F_SETFL, O_DIRECT | O_NONBLOCK));
	sys_write(ff, "hello", 5);
	sys_write(ff, "abc", 3);
	say_dec("two writes to it, read 100 (one packet)", sys_read(ff, b, 100));
	sys_close(ff);
	sys_unlinkat(AT_FDCWD, "/tmp/ipcsim-pipe-packet", 0);
	say_dec("open /dev/null O_DIRECT (EINVAL)", sys_openat(AT_FDCWD, "/dev/null", O_RDWR | O_DIRECT, 0));
	int sv[2];
	sys_socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	say_dec("F_SETFL O_DIRECT on a socket (EINVAL)", sys_fcntl(sv[0], F_SETFL, O_DIRECT));
	int rf = sys_openat(AT_FDCWD, "/tmp/ipcsim-pipe-packet", O_RDWR | O_CREAT, 0600);
	say_dec("F_SETFL O_DIRECT on a regular file", sys_fcntl(rf, F_SETFL, O_DIRECT));
	say_hex("its F_GETFL, O_DIRECT bit", sys_fcntl(rf, F_GETFL, 0) & O_DIRECT);
	sys_close(rf);
	rf = sys_openat(AT_FDCWD, "/tmp/ipcsim-pipe-packet", O_RDWR | O_DIRECT, 0);
	say_hex("a regular file opened O_DIRECT: F_GETFL, O_DIRECT bit", sys_fcntl(rf, F_GETFL, 0) & O_DIRECT);
	sys_close(rf);
	sys_unlinkat(AT_FDCWD, "/tmp/ipcsim-pipe-packet", 0);

	/* A read takes all the pipe holds, up to its count, beyond 64 KiB in
	 * an enlarged pipe. */
	static char huge[200000];
	int e[2];
	sys_pipe2(e, O_NONBLOCK);
	say_dec("F_SETPIPE_SZ 1048576", sys_fcntl(e[1], F_SETPIPE_SZ, 1048576));
	say_dec("write 200000", sys_write(e[1], huge, sizeof huge));
	say_dec("read 150000 (all of it)", sys_read(e[0], huge, 150000));
	say_dec("read 150000 (the rest)", sys_read(e[0], huge, 150000));

	long pid = sys_fork();
	if (pid == 0) {
		sys_setresuid(1000, 1000, 1000);
		int r[2];
		sys_pipe2(r, 0);
		say_dec("user 1000: F_SETPIPE_SZ 1048576", sys_fcntl(r[1], F_SETPIPE_SZ, 1048576));
		say_dec("user 1000: F_SETPIPE_SZ 2097152 (EPERM)", sys_fcntl(r[1], F_SETPIPE_SZ, 2097152));
		say_dec("user 1000: F_SETPIPE_SZ 4096 (shrinking)", sys_fcntl(r[1], F_SETPIPE_SZ, 4096));
		sys_exit_group(0);
	}
	int st;
	sys_wait4(pid, &st, 0, 0);
	return 0;
}

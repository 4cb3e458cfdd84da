/*
 * pipe_basic: the two ends of a pipe, a byte stream, FIONREAD, capacity.
 *
 * pipe(7): "pipefd[0] refers to the read end of the pipe. pipefd[1] refers to
 *   the write end of the pipe." (pipe(2)) A write to the read end fails: EBADF
 *   ("fd is not a valid file descriptor or is not open for writing", write(2)).
 * pipe(7)/lseek(2): "ESPIPE fd is associated with a pipe, socket, or FIFO."
 * pipe(7): "The communication channel provided by a pipe is a byte stream:
 *   there is no concept of message boundaries."
 * read(2): reads up to count bytes; "If count is zero, read() may detect the
 *   errors described below. In the absence of any errors ... returns zero".
 * pipe(7): "ioctl(fd, FIONREAD, &nbytes); ... obtain a count of the number of
 *   unread bytes in the pipe"; other ioctls (here TCGETS, isatty's): ENOTTY.
 * pipe(7): "the pipe capacity is 16 pages (i.e., 65,536 bytes ...)".
 * fcntl(2) F_SETPIPE_SZ: "the kernel may use a capacity larger than arg ...
 *   The actual size ... is returned"; the kernel rounds up to a power-of-two
 *   number of pages (round_pipe_size), minimum one page. "EBUSY: ... arg is
 *   smaller than the amount of buffer space currently used to store data".
 *   "EPERM: an unprivileged process attempted to set the pipe capacity above
 *   the limit in /proc/sys/fs/pipe-max-size" (1048576); a privileged one
 *   (CAP_SYS_RESOURCE) may: both answers are accepted. Above 2^31 the size
 *   cannot be rounded: EINVAL.
 */
#include "rt/rt.h"

static char buf[70000];

int main(void)
{
	int p[2];
	int n;
	long r = sys_pipe2(p, 0);
	say_dec("pipe2", r);
	say_yes("fds are the lowest free: 3 and 4", p[0] == 3 && p[1] == 4);
	say_hex("F_GETFL read end", sys_fcntl(p[0], F_GETFL, 0));
	say_hex("F_GETFL write end", sys_fcntl(p[1], F_GETFL, 0));

	/* wrong directions */
	say_dec("write to the read end", sys_write(p[0], "x", 1));
	say_dec("read from the write end", sys_read(p[1], buf, 1));
	say_dec("lseek read end", sys_lseek(p[0], 0, SEEK_CUR));
	say_dec("lseek write end", sys_lseek(p[1], 0, SEEK_SET));

	/* byte stream: two writes, one read */
	say_dec("write abc", sys_write(p[1], "abc", 3));
	say_dec("write defg", sys_write(p[1], "defg", 4));
	n = -1;
	say_dec("FIONREAD", sys_ioctl(p[0], FIONREAD, &n));
	say_dec("FIONREAD count", n);
	memset(buf, 0, 16);
	r = sys_read(p[0], buf, 100);
	say_dec("read(100) gets both writes", r);
	buf[7] = 0;
	say_str("bytes", buf);

	/* read returns min(n, available) */
	sys_write(p[1], "0123456789", 10);
	say_dec("read(4) of 10 available", sys_read(p[0], buf, 4));
	sys_ioctl(p[0], FIONREAD, &n);
	say_dec("FIONREAD after", n);
	memset(buf, 0, 16);
	say_dec("read(100) of 6 available", sys_read(p[0], buf, 100));
	buf[6] = 0;
	say_str("bytes", buf);

	/* zero-length read of an empty pipe with a writer: 0 at once */
	say_dec("read(0) on an empty pipe", sys_read(p[0], buf, 0));
	sys_ioctl(p[0], FIONREAD, &n);
	say_dec("FIONREAD empty", n);
	n = -1;
	say_dec("FIONREAD on the write end", sys_ioctl(p[1], FIONREAD, &n));
	say_dec("FIONREAD count on the write end", n);
	say_dec("ioctl TCGETS", sys_ioctl(p[0], TCGETS, buf));

	/* capacity */
	say_dec("F_GETPIPE_SZ default", sys_fcntl(p[0], F_GETPIPE_SZ, 0));
	say_dec("F_SETPIPE_SZ 5000", sys_fcntl(p[1], F_SETPIPE_SZ, 5000));
	say_dec("F_GETPIPE_SZ", sys_fcntl(p[0], F_GETPIPE_SZ, 0));
	say_dec("F_SETPIPE_SZ 1", sys_fcntl(p[0], F_SETPIPE_SZ, 1));
	say_dec("F_SETPIPE_SZ 0", sys_fcntl(p[0], F_SETPIPE_SZ, 0));
	say_dec("F_SETPIPE_SZ 4096", sys_fcntl(p[0], F_SETPIPE_SZ, 4096));
	say_dec("F_SETPIPE_SZ 65537", sys_fcntl(p[0], F_SETPIPE_SZ, 65537));
	say_dec("F_SETPIPE_SZ 1048576", sys_fcntl(p[0], F_SETPIPE_SZ, 1048576));
	say_dec("F_GETPIPE_SZ", sys_fcntl(p[0], F_GETPIPE_SZ, 0));
	r = sys_fcntl(p[0], F_SETPIPE_SZ, 1048577);
	say_yes("F_SETPIPE_SZ 1048577: EPERM, or 2097152 if privileged", r == -EPERM || r == 2097152);
	say_dec("F_SETPIPE_SZ 0x80000001", sys_fcntl(p[0], F_SETPIPE_SZ, 0x80000001L));
	say_dec("F_SETPIPE_SZ 65536", sys_fcntl(p[0], F_SETPIPE_SZ, 65536));

	/* shrinking below what the pipe holds: EBUSY, data kept */
	for (int i = 0; i < 5000; i++)
		buf[i] = 'a' + i % 26;
	say_dec("write 5000", sys_write(p[1], buf, 5000));
	say_dec("F_SETPIPE_SZ 4096 holding 5000", sys_fcntl(p[0], F_SETPIPE_SZ, 4096));
	say_dec("F_GETPIPE_SZ", sys_fcntl(p[0], F_GETPIPE_SZ, 0));
	say_dec("F_SETPIPE_SZ 8192 holding 5000", sys_fcntl(p[0], F_SETPIPE_SZ, 8192));
	sys_ioctl(p[0], FIONREAD, &n);
	say_dec("FIONREAD", n);
	memset(buf, 0, 5000);
	r = sys_read(p[0], buf, 10000);
	int ok = r == 5000;
	for (int i = 0; i < 5000; i++)
		ok &= buf[i] == 'a' + i % 26;
	say_yes("read back the 5000 bytes intact", ok);

	say_dec("close read end", sys_close(p[0]));
	say_dec("close write end", sys_close(p[1]));
	return 0;
}

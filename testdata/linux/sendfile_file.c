/*
 * sendfile_file: sendfile(2) from and to the kinds of file, as Linux 6.18's
 * do_sendfile checks them (it splices).
 *
 * - From a regular file: the file offset moves by what was sent; with an
 *   offset pointer, *offset moves and the file offset does not. A bad
 *   offset pointer is EFAULT before anything else; a negative offset
 *   EINVAL; an offset on a file pread cannot read (a socket) ESPIPE.
 * - Into a pipe, the input must have splice_read: a regular file or a
 *   socket may be read, a message queue, an epoll instance or a directory
 *   not (EINVAL). Into anything else the input must be a regular file
 *   (EINVAL for a socket), the output not O_APPEND (EINVAL), and able to
 *   take spliced data (a message queue: EINVAL, but 0 from a file at its
 *   end).
 * - A file's bytes spliced into a pipe fill whole slots from the file's
 *   pages and never merge with what a write leaves.
 */
#include "rt/rt.h"

#define F "/tmp/ipcsim-sendfile"
#define G "/tmp/ipcsim-sendfile-copy"
#define SEEK_CUR 1

static unsigned char data[70000];

static unsigned long sum(const unsigned char *p, long n)
{
	unsigned long h = 14695981039346656037UL;
	for (long i = 0; i < n; i++)
		h = (h ^ p[i]) * 1099511628211UL;
	return h & 0xffffffff;
}

int main(void)
{
	static unsigned char got[70000];
	for (long i = 0; i < (long)sizeof data; i++)
		data[i] = (unsigned char)(i * 7 + 3);
	sys_unlinkat(AT_FDCWD, F, 0);
	sys_unlinkat(AT_FDCWD, G, 0);
	int f = sys_openat(AT_FDCWD, F, O_RDWR | O_CREAT, 0600);
	sys_write(f, data, sizeof data);
	sys_lseek(f, 0, 0);
	int p[2];
	sys_pipe2(p, O_NONBLOCK);
	long off;

	say_dec("file to pipe, no offset", sys_sendfile(p[1], f, 0, 100));
	say_dec("the file offset moved", sys_lseek(f, 0, SEEK_CUR));
	off = 5000;
	say_dec("file to pipe at offset 5000", sys_sendfile(p[1], f, &off, 100));
	say_dec("*offset", off);
	say_dec("the file offset did not move", sys_lseek(f, 0, SEEK_CUR));
	long n = sys_read(p[0], got, sizeof got);
	say_dec("the pipe holds", n);
	say_yes("bytes 0-99, then 5000-5099", n == 200 && sum(got, 100) == sum(data, 100) && sum(got + 100, 100) == sum(data + 5000, 100));
	off = -1;
	say_dec("a negative offset (EINVAL)", sys_sendfile(p[1], f, &off, 100));
	say_dec("a bad offset pointer, a closed in_fd (EFAULT first)", sys_sendfile(p[1], 99, (long *)8, 100));
	say_dec("a closed in_fd (EBADF)", sys_sendfile(p[1], 99, 0, 100));

	int s[2];
	sys_socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, s);
	sys_write(s[1], "abcdefgh", 8);
	off = 0;
	say_dec("socket to pipe with an offset (ESPIPE)", sys_sendfile(p[1], s[0], &off, 5));
	say_dec("socket to socket (EINVAL)", sys_sendfile(s[1], s[0], 0, 5));
	say_dec("socket to pipe", sys_sendfile(p[1], s[0], 0, 5));
	n = sys_read(p[0], got, sizeof got);
	say_yes("the pipe holds abcde", n == 5 && got[0] == 'a' && got[4] == 'e');
	sys_read(s[0], got, sizeof got);
	say_dec("file to socket", sys_sendfile(s[1], f, 0, 100));
	n = sys_read(s[0], got, sizeof got);
	say_yes("the socket holds bytes 100-199", n == 100 && sum(got, 100) == sum(data + 100, 100));

	int a = sys_openat(AT_FDCWD, G, O_WRONLY | O_CREAT | O_APPEND, 0600);
	say_dec("file to a file opened O_APPEND (EINVAL)", sys_sendfile(a, f, 0, 100));
	sys_close(a);
	int g = sys_openat(AT_FDCWD, G, O_WRONLY, 0);
	off = 0;
	say_dec("file to file, 70000 bytes", sys_sendfile(g, f, &off, sizeof data));
	say_dec("the copy's size", sys_lseek(g, 0, 2));
	sys_close(g);

	long q = sys_mq_open(mq_name("/ipcsim-sendfile"), O_RDWR | O_CREAT, 0600, 0);
	say_dec("queue to pipe (EINVAL)", sys_sendfile(p[1], q, 0, 5));
	say_dec("file to queue (EINVAL)", sys_sendfile(q, f, 0, 5));
	sys_lseek(f, 0, 2);
	say_dec("file at its end to queue (0)", sys_sendfile(q, f, 0, 5));
	sys_close(q);
	sys_mq_unlink(mq_name("/ipcsim-sendfile"));
	int e = sys_epoll_create1(0);
	say_dec("epoll to pipe (EINVAL)", sys_sendfile(p[1], e, 0, 5));
	int d = sys_openat(AT_FDCWD, "/tmp", O_RDONLY | O_DIRECTORY, 0);
	say_dec("directory to pipe (EINVAL)", sys_sendfile(p[1], d, 0, 5));

	/* wait_for_space comes first: a full pipe says EAGAIN, one with no
	 * reader EPIPE, before a pipe as the input is refused (EINVAL) */
	int full[2];
	sys_pipe2(full, O_NONBLOCK);
	while (sys_write(full[1], data, 4096) > 0)
		;
	say_dec("its own read end into a full pipe (EAGAIN, not EINVAL)", sys_sendfile(full[1], full[0], 0, 5));
	sys_read(full[0], got, 4096);
	say_dec("then, with a free slot (EINVAL)", sys_sendfile(full[1], full[0], 0, 5));
	sys_close(full[0]);
	set_handler(SIGPIPE, SIG_IGN);
	say_dec("a pipe into one with no reader (EPIPE)", sys_sendfile(full[1], p[0], 0, 5));
	sys_close(full[1]);

	/* slots: a write of 7 bytes, then 70000 bytes spliced from the file */
	sys_write(p[1], data, 7);
	off = 0;
	say_dec("file to a pipe holding 7 bytes, 70000 asked", sys_sendfile(p[1], f, &off, sizeof data));
	say_dec("a write of 1 byte after", sys_write(p[1], data, 1));
	say_dec("FIONREAD", ({ int v = -1; sys_ioctl(p[0], FIONREAD, &v); v; }));
	n = sys_read(p[0], got, 7);
	say_dec("read the 7", n);
	off = 100;
	say_dec("file at offset 100 to the pipe, 5000 asked", sys_sendfile(p[1], f, &off, 5000));
	n = 0;
	for (long r; (r = sys_read(p[0], got, sizeof got)) > 0;)
		n += r;
	say_dec("drained", n);
	off = 100;
	say_dec("file at offset 100 to the empty pipe, 70000 asked", sys_sendfile(p[1], f, &off, sizeof data));

	sys_unlinkat(AT_FDCWD, F, 0);
	sys_unlinkat(AT_FDCWD, G, 0);
	return 0;
}

/*
 * pipe_nonblock: O_NONBLOCK reads and writes.
 *
 * pipe(7): "If a process attempts to read from an empty pipe, then read(2)
 *   will block until data is available. ... If O_NONBLOCK is enabled ...
 *   read(2) fails with the error EAGAIN."
 * pipe(7) PIPE_BUF, "O_NONBLOCK enabled, n <= PIPE_BUF: If there is room to
 *   write n bytes to the pipe, then write(2) succeeds immediately, writing all
 *   n bytes; otherwise write(2) fails, with errno set to EAGAIN."
 * pipe(7) "O_NONBLOCK enabled, n > PIPE_BUF: If the pipe is full, then
 *   write(2) fails, with errno set to EAGAIN. Otherwise, from 1 to n bytes may
 *   be written (i.e., a "partial write" may occur ...)".
 * pipe(7): PIPE_BUF is 4096 bytes on Linux; capacity 65536.
 *
 * Every fill level here is a multiple of 4096 bytes or has room only at the
 * end of the last page, so the kernel's page-slot accounting and a byte count
 * give the same answer (see README.md).
 */
#include "rt/rt.h"

static char buf[70000];

static int level(int fd)
{
	int n = -1;
	sys_ioctl(fd, FIONREAD, &n);
	return n;
}

int main(void)
{
	int p[2];
	say_dec("pipe2(O_NONBLOCK)", sys_pipe2(p, O_NONBLOCK));
	say_hex("F_GETFL read end", sys_fcntl(p[0], F_GETFL, 0));
	say_hex("F_GETFL write end", sys_fcntl(p[1], F_GETFL, 0));
	say_dec("read on empty", sys_read(p[0], buf, 10));
	say_dec("read(0) on empty", sys_read(p[0], buf, 0));

	memset(buf, 'w', sizeof buf);
	/* 15 pages and a half: 2048 bytes of room */
	long total = 0;
	for (int i = 0; i < 15; i++)
		total += sys_write(p[1], buf, 4096);
	total += sys_write(p[1], buf, 2048);
	say_dec("written", total);
	say_dec("FIONREAD", level(p[0]));
	say_dec("write 3000 with 2048 room", sys_write(p[1], buf, 3000));
	say_dec("FIONREAD (nothing written)", level(p[0]));
	say_dec("write 4096 with 2048 room", sys_write(p[1], buf, 4096));
	say_dec("write 2048 with 2048 room", sys_write(p[1], buf, 2048));
	say_dec("FIONREAD (full)", level(p[0]));
	say_dec("write 1 when full", sys_write(p[1], buf, 1));
	say_dec("write 10000 when full", sys_write(p[1], buf, 10000));

	/* drain two pages: a large write is partial */
	say_dec("read 8192", sys_read(p[0], buf + 1000, 8192));
	say_dec("write 10000 with 8192 room", sys_write(p[1], buf, 10000));
	say_dec("FIONREAD", level(p[0]));
	say_dec("write 5000 when full", sys_write(p[1], buf, 5000));

	/* drain everything: reads are min(n, available), then EAGAIN */
	total = 0;
	long r;
	while ((r = sys_read(p[0], buf, 50000)) > 0)
		total += r;
	say_dec("drained", total);
	say_dec("then read", r);

	/* empty pipe: a large non-blocking write fills it, partially */
	say_dec("write 70000 into an empty pipe", sys_write(p[1], buf, 70000));

	/* O_NONBLOCK set by fcntl on a blocking pipe */
	int q[2];
	sys_pipe2(q, 0);
	say_dec("F_SETFL O_NONBLOCK", sys_fcntl(q[0], F_SETFL, O_NONBLOCK));
	say_dec("read on empty after F_SETFL", sys_read(q[0], buf, 1));
	say_hex("F_GETFL write end unchanged", sys_fcntl(q[1], F_GETFL, 0));

	/* EOF beats EAGAIN: empty with no writer gives 0 */
	sys_close(q[1]);
	say_dec("read on empty, no writer", sys_read(q[0], buf, 1));
	return 0;
}

/*
 * pipe_block: a blocking writer waits for a reader to make room.
 *
 * pipe(7): "If a process attempts to write to a full pipe (see below), then
 *   write(2) blocks until sufficient data has been read from the pipe to
 *   allow the write to complete." "O_NONBLOCK disabled, n > PIPE_BUF: the
 *   write is nonatomic ... the write(2) blocks until n bytes have been
 *   written." Capacity: 65536 bytes.
 * pipe(7): read with no writers and nothing left: end of file (0).
 *
 * The child (reader) waits 200 ms before reading, so the parent's write of
 * 100000 bytes has filled the pipe and is asleep; the child reports what it
 * saw through a second pipe, and only the parent prints.
 */
#include "rt/rt.h"

static unsigned char buf[100000];

int main(void)
{
	int p[2], r[2], st;
	sys_pipe2(p, 0);
	sys_pipe2(r, 0);
	long pid = sys_fork();
	if (pid == 0) {
		long res[4] = { -1, 0, 1, -1 };
		sys_close(p[1]);
		sys_close(r[0]);
		sleep_ms(200);
		int n = -1;
		sys_ioctl(p[0], FIONREAD, &n);
		res[0] = n;
		long got, total = 0;
		unsigned char chunk[3000];
		while ((got = sys_read(p[0], chunk, sizeof chunk)) > 0) {
			for (long i = 0; i < got; i++)
				if (chunk[i] != (unsigned char)((total + i) % 251))
					res[2] = 0;
			total += got;
		}
		res[1] = total;
		res[3] = got;
		sys_write(r[1], res, sizeof res);
		sys_exit_group(0);
	}
	sys_close(p[0]);
	sys_close(r[1]);
	for (int i = 0; i < 100000; i++)
		buf[i] = i % 251;
	long w = sys_write(p[1], buf, 100000);
	sys_close(p[1]);
	long res[4];
	long n = read_full(r[0], res, sizeof res);
	sys_wait4(pid, &st, 0, 0);
	say_dec("blocking write of 100000 returned", w);
	say_dec("reader's report bytes", n);
	say_dec("bytes in the pipe while the writer was blocked", res[0]);
	say_dec("bytes the reader counted before EOF", res[1]);
	say_yes("bytes in order", res[2] == 1);
	say_dec("last read", res[3]);
	say_status("reader", st);
	return 0;
}

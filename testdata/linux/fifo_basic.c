/*
 * fifo_basic: named pipes.
 *
 * fifo(7): "A FIFO special file (a named pipe) is similar to a pipe, except
 *   that it is accessed as part of the filesystem. ... When processes are
 *   exchanging data via the FIFO, the kernel passes all data internally
 *   without writing it to the filesystem."
 * fifo(7): "The FIFO must be opened on both ends (reading and writing) before
 *   data can be passed. Normally, opening the FIFO blocks until the other end
 *   is opened also."
 * fifo(7): "A process can open a FIFO in nonblocking mode. In this case,
 *   opening for read-only succeeds even if no one has opened on the write side
 *   yet and opening for write-only fails with ENXIO (no such device or
 *   address) unless the other end has already been opened."
 * fifo(7): "Under Linux, opening a FIFO for read and write will succeed both
 *   in blocking and nonblocking mode."
 * pipe(7)/lseek(2): ESPIPE on a FIFO. mknod(2): "EEXIST pathname already
 *   exists." unlink(2): "If the name was the last link to a file but any
 *   processes still have the file open, the file will remain in existence
 *   until the last file descriptor referring to it is closed."
 * A reader that has never had a writer reads 0 and poll(2) reports no
 *   POLLHUP for it (the kernel's pipe_poll compares the writer counter).
 *
 * Works in /tmp/ipcsim-fifo-basic (removed first if a crashed run left it).
 */
#include "rt/rt.h"

#define DIR  "/tmp/ipcsim-fifo-basic"
#define FIFO DIR "/f"

static short revents(int fd, short events)
{
	struct pollfd pfd = { fd, events, 0 };
	struct timespec zero = { 0, 0 };
	long r = sys_ppoll(&pfd, 1, &zero, 0);
	return r < 0 ? r : pfd.revents;
}

int main(void)
{
	char buf[64];
	int st;

	/* leftovers of a crashed run */
	sys_unlinkat(AT_FDCWD, FIFO, 0);
	sys_unlinkat(AT_FDCWD, DIR, AT_REMOVEDIR);

	say_dec("mkdirat", sys_mkdirat(AT_FDCWD, DIR, 0700));
	say_dec("mknodat S_IFIFO", sys_mknodat(AT_FDCWD, FIFO, S_IFIFO | 0600, 0));
	say_dec("mknodat again", sys_mknodat(AT_FDCWD, FIFO, S_IFIFO | 0600, 0));

	/* non-blocking opens with nobody on the other side */
	say_dec("open O_WRONLY|O_NONBLOCK, no reader", sys_openat(AT_FDCWD, FIFO, O_WRONLY | O_NONBLOCK, 0));
	long r = sys_openat(AT_FDCWD, FIFO, O_RDONLY | O_NONBLOCK, 0);
	say_dec("open O_RDONLY|O_NONBLOCK, no writer", r);
	int rd = r;
	say_dec("read, never had a writer", sys_read(rd, buf, sizeof buf));
	say_hex("poll POLLIN, never had a writer", revents(rd, POLLIN));
	say_dec("lseek", sys_lseek(rd, 0, SEEK_CUR));

	/* now there is a reader: the non-blocking writer opens */
	r = sys_openat(AT_FDCWD, FIFO, O_WRONLY | O_NONBLOCK, 0);
	say_dec("open O_WRONLY|O_NONBLOCK, with a reader", r);
	int wr = r;
	say_hex("F_GETFL writer", sys_fcntl(wr, F_GETFL, 0));
	say_hex("poll POLLOUT writer", revents(wr, POLLOUT));
	say_dec("read, writer open and empty", sys_read(rd, buf, sizeof buf));
	say_dec("write hi", sys_write(wr, "hi", 2));
	say_hex("poll POLLIN reader", revents(rd, POLLIN));
	memset(buf, 0, sizeof buf);
	say_dec("read", sys_read(rd, buf, sizeof buf));
	say_str("bytes", buf);
	sys_close(wr);
	say_hex("poll POLLIN reader, writer gone", revents(rd, POLLIN));
	say_dec("read, writer gone", sys_read(rd, buf, sizeof buf));
	sys_close(rd);

	/* O_RDWR: opens at once, both directions on one descriptor */
	r = sys_openat(AT_FDCWD, FIFO, O_RDWR, 0);
	say_dec("open O_RDWR (blocking mode)", r);
	int rw = r;
	say_dec("write abc", sys_write(rw, "abc", 3));
	memset(buf, 0, sizeof buf);
	say_dec("read back", sys_read(rw, buf, sizeof buf));
	say_str("bytes", buf);
	sys_close(rw);

	/* blocking opens meet: a reader in the child, the writer here */
	long pid = sys_fork();
	if (pid == 0) {
		long fd = sys_openat(AT_FDCWD, FIFO, O_RDONLY, 0);
		if (fd < 0)
			sys_exit_group(100);
		char b[64];
		long n = read_full(fd, b, sizeof b);
		if (n != 5 || b[0] != 'h' || b[4] != 'o')
			sys_exit_group(101);
		sys_exit_group(n);
	}
	sleep_ms(100);
	r = sys_openat(AT_FDCWD, FIFO, O_WRONLY, 0);
	say_yes("blocking open O_WRONLY met the reader", r >= 0);
	say_dec("write hello", sys_write(r, "hello", 5));
	sys_close(r);
	sys_wait4(pid, &st, 0, 0);
	say_status("reader child (exit code = bytes read)", st);

	/* the writer blocks in open, the reader comes later */
	pid = sys_fork();
	if (pid == 0) {
		long fd = sys_openat(AT_FDCWD, FIFO, O_WRONLY, 0);
		if (fd < 0)
			sys_exit_group(100);
		sys_exit_group(sys_write(fd, "xyz", 3));
	}
	sleep_ms(100);
	r = sys_openat(AT_FDCWD, FIFO, O_RDONLY, 0);
	say_yes("blocking open O_RDONLY met the writer", r >= 0);
	rd = r;
	memset(buf, 0, sizeof buf);
	say_dec("read_full", read_full(rd, buf, sizeof buf));
	say_str("bytes", buf);
	sys_wait4(pid, &st, 0, 0);
	say_status("writer child (exit code = bytes written)", st);
	sys_close(rd);

	/* unlink while open: the pipe keeps working */
	rw = sys_openat(AT_FDCWD, FIFO, O_RDWR, 0);
	say_dec("unlinkat the open FIFO", sys_unlinkat(AT_FDCWD, FIFO, 0));
	say_dec("open after unlink", sys_openat(AT_FDCWD, FIFO, O_RDWR, 0));
	say_dec("write after unlink", sys_write(rw, "still", 5));
	memset(buf, 0, sizeof buf);
	say_dec("read after unlink", sys_read(rw, buf, sizeof buf));
	say_str("bytes", buf);
	sys_close(rw);
	say_dec("rmdir", sys_unlinkat(AT_FDCWD, DIR, AT_REMOVEDIR));
	return 0;
}

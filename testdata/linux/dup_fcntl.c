/*
 * dup_fcntl: the descriptor layer.
 *
 * dup(2): "The dup() system call allocates a new file descriptor that refers
 *   to the same open file description as the descriptor oldfd. ... The new
 *   file descriptor number is guaranteed to be the lowest-numbered file
 *   descriptor that was unused in the calling process." "The two file
 *   descriptors do not share file descriptor flags (the close-on-exec flag).
 *   The close-on-exec flag (FD_CLOEXEC ...) for the duplicate descriptor is
 *   off." They "share file offset and file status flags".
 * dup(2) dup3: "If oldfd equals newfd, then dup3() fails with the error
 *   EINVAL." "The caller can force the close-on-exec flag to be set for the
 *   new file descriptor by specifying O_CLOEXEC in flags." "EINVAL (dup3())
 *   flags contain an invalid value." "If the file descriptor newfd was
 *   previously open, it is closed before being reused; the close is performed
 *   silently". "EBADF newfd is out of the allowed range for file descriptors".
 * fcntl(2): "F_DUPFD (int) Duplicate the file descriptor fd using the
 *   lowest-numbered available file descriptor greater than or equal to arg."
 *   "F_DUPFD_CLOEXEC ... additionally set the close-on-exec flag". "EINVAL
 *   cmd is F_DUPFD and arg is negative or is greater than the maximum
 *   allowable value". "F_SETFL: ... File access mode (O_RDONLY, O_WRONLY,
 *   O_RDWR) and file creation flags ... in arg are ignored." "EBADF fd is not
 *   an open file descriptor". "EINVAL The value specified in cmd is not
 *   recognized by this kernel."
 * close(2): "EBADF fd isn't a valid open file descriptor."
 * open(2)/dup(2): "EMFILE The per-process limit on the number of open file
 *   descriptors has been reached" (RLIMIT_NOFILE, 1024 here; 0, 1, 2 are
 *   open, so 1021 more fit).
 */
#include "rt/rt.h"

int main(void)
{
	int p[2];
	sys_pipe2(p, 0);
	say_yes("pipe is 3, 4", p[0] == 3 && p[1] == 4);

	/* lowest free */
	say_dec("dup(3)", sys_dup(3));
	say_dec("close(3)", sys_close(3));
	say_dec("dup(4) takes the lowest free", sys_dup(4));
	say_hex("F_GETFL 3 (now the write end)", sys_fcntl(3, F_GETFL, 0));
	say_hex("F_GETFL 5 (the read end)", sys_fcntl(5, F_GETFL, 0));

	/* dup3 */
	say_dec("dup3(4, 4, 0)", sys_dup3(4, 4, 0));
	say_dec("dup3(4, 10, O_CLOEXEC)", sys_dup3(4, 10, O_CLOEXEC));
	say_dec("F_GETFD 10", sys_fcntl(10, F_GETFD, 0));
	say_dec("F_GETFD 4", sys_fcntl(4, F_GETFD, 0));
	say_dec("dup3(4, 11, O_NONBLOCK)", sys_dup3(4, 11, O_NONBLOCK));
	say_dec("F_GETFD 11 (not opened)", sys_fcntl(11, F_GETFD, 0));
	say_dec("dup3(50, 11, 0) (50 closed)", sys_dup3(50, 11, 0));
	say_dec("dup3(4, 1024, 0)", sys_dup3(4, 1024, 0));
	say_dec("dup3(4, -1, 0)", sys_dup3(4, -1, 0));
	say_dec("dup3(4, 1023, 0)", sys_dup3(4, 1023, 0));
	sys_close(1023);
	/* onto an open fd: closed silently, then reused (12 keeps a read end) */
	say_dec("dup3(5, 12, 0)", sys_dup3(5, 12, 0));
	say_dec("dup3(4, 5, 0) over the read end", sys_dup3(4, 5, 0));
	say_hex("F_GETFL 5", sys_fcntl(5, F_GETFL, 0));
	say_dec("dup3(5, 10, 0) over a close-on-exec fd", sys_dup3(5, 10, 0));
	say_dec("F_GETFD 10", sys_fcntl(10, F_GETFD, 0));

	/* F_DUPFD and F_DUPFD_CLOEXEC */
	say_dec("F_DUPFD(4, 20)", sys_fcntl(4, F_DUPFD, 20));
	say_dec("F_DUPFD(4, 20) again", sys_fcntl(4, F_DUPFD, 20));
	say_dec("F_DUPFD(4, 0)", sys_fcntl(4, F_DUPFD, 0));
	long r = sys_fcntl(4, F_DUPFD_CLOEXEC, 0);
	say_dec("F_DUPFD_CLOEXEC(4, 0)", r);
	say_dec("its F_GETFD", sys_fcntl(r, F_GETFD, 0));
	say_dec("F_DUPFD(4, 1024)", sys_fcntl(4, F_DUPFD, 1024));
	say_dec("F_DUPFD(4, -1)", sys_fcntl(4, F_DUPFD, -1));
	say_dec("F_DUPFD(4, 1023)", sys_fcntl(4, F_DUPFD, 1023));
	say_dec("F_DUPFD(4, 1023) when 1023 is taken", sys_fcntl(4, F_DUPFD, 1023));
	sys_close(1023);
	/* dup of a close-on-exec fd is not close-on-exec */
	long d = sys_dup(r);
	say_dec("F_GETFD of a dup of a close-on-exec fd", sys_fcntl(d, F_GETFD, 0));
	sys_close(d);
	sys_close(r);

	/* status flags are shared, descriptor flags are not */
	say_dec("F_SETFL(4, O_NONBLOCK)", sys_fcntl(4, F_SETFL, O_NONBLOCK));
	say_hex("F_GETFL 20 (a dup of 4)", sys_fcntl(20, F_GETFL, 0));
	say_dec("F_SETFD(4, FD_CLOEXEC)", sys_fcntl(4, F_SETFD, FD_CLOEXEC));
	say_dec("F_GETFD 4", sys_fcntl(4, F_GETFD, 0));
	say_dec("F_GETFD 20", sys_fcntl(20, F_GETFD, 0));
	say_dec("F_SETFD(4, 0)", sys_fcntl(4, F_SETFD, 0));
	say_dec("F_GETFD 4", sys_fcntl(4, F_GETFD, 0));
	say_dec("F_SETFD(4, 3) (only bit 0 kept)", sys_fcntl(4, F_SETFD, 3));
	say_dec("F_GETFD 4", sys_fcntl(4, F_GETFD, 0));
	say_dec("F_SETFL(20, O_RDWR) (access mode ignored)", sys_fcntl(20, F_SETFL, O_RDWR));
	say_hex("F_GETFL 4", sys_fcntl(4, F_GETFL, 0));
	say_dec("write through 20 still allowed", sys_write(20, "x", 1));
	say_dec("read(3) (a write end)", sys_read(3, &r, 1));
	say_dec("read(12) gets the byte", sys_read(12, &r, 1));

	/* bad descriptors */
	say_dec("close(99)", sys_close(99));
	say_dec("close(-1)", sys_close(-1));
	say_dec("close(20)", sys_close(20));
	say_dec("close(20) again", sys_close(20));
	say_dec("fcntl(99, F_GETFD)", sys_fcntl(99, F_GETFD, 0));
	say_dec("fcntl(99, F_GETFL)", sys_fcntl(99, F_GETFL, 0));
	say_dec("fcntl(99, F_DUPFD, 0)", sys_fcntl(99, F_DUPFD, 0));
	say_dec("dup(99)", sys_dup(99));
	say_dec("dup(-1)", sys_dup(-1));
	say_dec("read(99)", sys_read(99, &r, 1));
	say_dec("write(99)", sys_write(99, "x", 1));
	say_dec("fcntl(4, 9999) unknown command", sys_fcntl(4, 9999, 0));

	/* back to 0, 1, 2 only, then fill the table */
	for (int fd = 3; fd < 64; fd++)
		sys_close(fd);
	long n = 0, last = -1;
	for (;;) {
		r = sys_dup(0);
		if (r < 0)
			break;
		n++;
		last = r;
	}
	say_dec("dup until failure: descriptors made", n);
	say_dec("highest fd", last);
	say_dec("the failure", r);
	int q[2] = { -1, -1 };
	say_dec("pipe2 with no fd free", sys_pipe2(q, 0));
	say_dec("F_DUPFD(0, 0) with no fd free", sys_fcntl(0, F_DUPFD, 0));
	sys_close(500);
	say_dec("pipe2 with one fd free", sys_pipe2(q, 0));
	say_dec("dup(0) takes it", sys_dup(0));
	say_dec("dup3(0, 500, 0) over an open fd when full", sys_dup3(0, 500, 0));
	for (int fd = 3; fd < 1024; fd++)
		sys_close(fd);
	say_dec("pipe2 after closing all", sys_pipe2(q, 0));
	say_yes("pipe is 3, 4 again", q[0] == 3 && q[1] == 4);
	return 0;
}

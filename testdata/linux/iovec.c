/*
 * iovec: readv(2) and writev(2).
 *
 * readv(2): "writev() writes iovcnt buffers of data described by iov ... The data
 * transfers ... are atomic"; buffers are processed in array order, a zero-length
 * buffer is skipped; readv "fills each buffer before proceeding to the next".
 * Errors: "EINVAL ... iovcnt is less than zero or greater than the permitted
 * maximum" (IOV_MAX = 1024). iovcnt 0 transfers nothing and returns 0.
 */
#include "rt/rt.h"

int main(void)
{
	struct iovec v[4];
	v[0].iov_base = "hello";
	v[0].iov_len = 5;
	v[1].iov_base = "IGNORED";
	v[1].iov_len = 0;
	v[2].iov_base = ", ";
	v[2].iov_len = 2;
	v[3].iov_base = "world\n";
	v[3].iov_len = 6;
	long r = sys_writev(1, v, 4);
	say_dec("writev of 5+0+2+6 bytes", r);
	say_dec("writev iovcnt 0", sys_writev(1, v, 0));
	say_dec("writev iovcnt -1", sys_writev(1, v, -1));
	say_dec("writev iovcnt 1025", sys_writev(1, v, 1025));

	/* readv from a pipe holding 10 bytes into buffers of 3, 0, 4 and 10 bytes */
	int fds[2];
	say_dec("pipe2", sys_pipe2(fds, 0));
	sys_write(fds[1], "0123456789", 10);
	char a[3], b[1], c[4], d[10];
	memset(d, '.', sizeof d);
	struct iovec rv[4] = { { a, 3 }, { b, 0 }, { c, 4 }, { d, 10 } };
	r = sys_readv(fds[0], rv, 4);
	say_dec("readv returned", r);
	print("buffers: [");
	sys_write(1, a, 3);
	print("] [] [");
	sys_write(1, c, 4);
	print("] [");
	sys_write(1, d, 10);
	print("]\n");
	say_dec("readv iovcnt -1", sys_readv(fds[0], rv, -1));
	sys_close(fds[1]);
	say_dec("readv at end of file", sys_readv(fds[0], rv, 4));
	return 0;
}

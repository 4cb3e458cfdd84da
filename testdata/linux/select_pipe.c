/*
 * select_pipe: pselect6 on pipes.
 *
 * select(2): "select() allows a program to monitor multiple file descriptors,
 *   waiting until one or more of the file descriptors become "ready"". "On
 *   exit, each of the file descriptor sets is modified in place to indicate
 *   which file descriptors are currently "ready"." "On success, select() and
 *   pselect() return the number of file descriptors contained in the three
 *   returned descriptor sets". "nfds should be set to the highest-numbered
 *   file descriptor in any of the three sets, plus 1."
 * select(2): "A file descriptor is ready for reading if a read operation will
 *   not block; in particular, a file descriptor is also ready on end-of-file."
 *   A pipe write end with no reader: the write would not block (EPIPE), so it
 *   is ready for writing (the kernel maps POLLERR to writable).
 * select(2): "EBADF An invalid file descriptor was given in one of the sets."
 *   "EINVAL nfds is negative ... or the value contained within timeout is
 *   invalid." "If both fields of the timeval structure are zero, then select()
 *   returns immediately." Linux: "the timeout is modified to reflect the
 *   amount of time not slept" (0 after a zero timeout or an expiry).
 */
#include "rt/rt.h"

static char buf[70000];

static void show(const char *label, long r, fd_set *rs, fd_set *ws, fd_set *es)
{
	print(label);
	print(": returned ");
	print_dec(r);
	const char *names[3] = { " read", " write", " except" };
	fd_set *sets[3] = { rs, ws, es };
	for (int s = 0; s < 3; s++) {
		if (!sets[s])
			continue;
		print(names[s]);
		print(" {");
		int first = 1;
		for (int fd = 0; fd < 1024; fd++)
			if (fdset_isset(fd, sets[s])) {
				print(first ? "" : " ");
				print_dec(fd);
				first = 0;
			}
		print("}");
	}
	print("\n");
}

int main(void)
{
	int a[2], b[2], c[2];
	fd_set rs, ws, es;
	struct timespec ts;

	sys_pipe2(a, 0); /* 3, 4 */
	sys_pipe2(b, 0); /* 5, 6 */
	say_yes("pipes are 3,4 and 5,6", a[0] == 3 && a[1] == 4 && b[0] == 5 && b[1] == 6);

	/* nothing ready, zero timeout */
	fdset_zero(&rs);
	fdset_set(a[0], &rs);
	fdset_set(b[0], &rs);
	ts = (struct timespec){ 0, 0 };
	show("both empty, zero timeout", sys_pselect6(7, &rs, 0, 0, &ts, 0), &rs, 0, 0);
	say_yes("timeout still 0", ts.tv_sec == 0 && ts.tv_nsec == 0);

	/* b has data: only b's read end stays in the set */
	sys_write(b[1], "x", 1);
	fdset_zero(&rs);
	fdset_set(a[0], &rs);
	fdset_set(b[0], &rs);
	ts = (struct timespec){ 0, 0 };
	show("b has data", sys_pselect6(7, &rs, 0, 0, &ts, 0), &rs, 0, 0);

	/* the count is over all three sets */
	fdset_zero(&rs);
	fdset_zero(&ws);
	fdset_zero(&es);
	fdset_set(a[0], &rs);
	fdset_set(b[0], &rs);
	fdset_set(a[1], &ws);
	fdset_set(b[1], &ws);
	fdset_set(a[0], &es);
	fdset_set(b[0], &es);
	fdset_set(b[1], &es);
	show("read {3,5} write {4,6} except {3,5,6}", sys_pselect6(7, &rs, &ws, &es, &ts, 0), &rs, &ws, &es);

	/* an fd at or above nfds is not looked at */
	fdset_zero(&rs);
	fdset_set(b[0], &rs);
	show("nfds 5 with only fd 5 set", sys_pselect6(5, &rs, 0, 0, &ts, 0), &rs, 0, 0);

	/* null timeout: waits, here not at all since b is readable */
	fdset_zero(&rs);
	fdset_set(b[0], &rs);
	show("null timeout, b readable", sys_pselect6(6, &rs, 0, 0, 0, 0), &rs, 0, 0);

	/* EOF counts as readable */
	sys_close(a[1]);
	fdset_zero(&rs);
	fdset_set(a[0], &rs);
	show("a's writer closed", sys_pselect6(4, &rs, 0, 0, &ts, 0), &rs, 0, 0);
	say_dec("read", sys_read(a[0], buf, 1));

	/* a write end with no reader counts as writable */
	sys_pipe2(c, 0); /* 4, 7 */
	sys_close(c[0]);
	fdset_zero(&ws);
	fdset_set(c[1], &ws);
	show("write end with no reader", sys_pselect6(c[1] + 1, 0, &ws, 0, &ts, 0), 0, &ws, 0);

	/* a full pipe's write end is not writable */
	sys_fcntl(b[1], F_SETFL, O_NONBLOCK);
	while (sys_write(b[1], buf, 4096) > 0)
		;
	fdset_zero(&ws);
	fdset_set(b[1], &ws);
	show("full pipe's write end", sys_pselect6(7, 0, &ws, 0, &ts, 0), 0, &ws, 0);

	/* a closed fd in a set: EBADF */
	fdset_zero(&rs);
	fdset_set(b[0], &rs);
	fdset_set(20, &rs);
	say_dec("closed fd 20 in the read set", sys_pselect6(21, &rs, 0, 0, &ts, 0));
	fdset_zero(&es);
	fdset_set(20, &es);
	say_dec("closed fd 20 in the except set", sys_pselect6(21, 0, 0, &es, &ts, 0));

	/* bad arguments */
	say_dec("nfds -1", sys_pselect6(-1, 0, 0, 0, &ts, 0));
	ts = (struct timespec){ 0, 1000000000 };
	say_dec("tv_nsec 1e9", sys_pselect6(1, 0, 0, 0, &ts, 0));
	ts = (struct timespec){ -1, 0 };
	say_dec("tv_sec -1", sys_pselect6(1, 0, 0, 0, &ts, 0));

	/* expiry: 0, and the time left is 0 */
	int d[2];
	sys_pipe2(d, 0);
	fdset_zero(&rs);
	fdset_set(d[0], &rs);
	ts = (struct timespec){ 0, 50000000 };
	show("empty, 50 ms timeout", sys_pselect6(d[0] + 1, &rs, 0, 0, &ts, 0), &rs, 0, 0);
	say_yes("time left written back as 0", ts.tv_sec == 0 && ts.tv_nsec == 0);

	/* no sets at all: a sleep */
	ts = (struct timespec){ 0, 20000000 };
	say_dec("nfds 0, 20 ms", sys_pselect6(0, 0, 0, 0, &ts, 0));
	return 0;
}

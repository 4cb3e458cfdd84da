/*
 * poll_pipe: ppoll on pipe ends.
 *
 * poll(2): "POLLIN There is data to read." "POLLOUT Writing is now possible"
 *   "POLLERR Error condition (only returned in revents; ignored in events).
 *   This bit is also set for a file descriptor referring to the write end of
 *   a pipe when the read end has been closed." "POLLHUP Hang up (only returned
 *   in revents; ignored in events). Note that when reading from a channel such
 *   as a pipe ... POLLHUP merely indicates that the peer closed its end of the
 *   channel. Subsequent reads from the channel will return 0 (end of file)
 *   only after all outstanding data in the channel has been consumed."
 *   "POLLNVAL Invalid request: fd not open (only returned in revents)".
 * poll(2): "If this field [fd] is negative, then the corresponding events
 *   field is ignored and the revents field returns zero." "On success, poll()
 *   returns a nonnegative value which is the number of elements in the pollfds
 *   whose revents fields have been set to a nonzero value" (POLLNVAL counts).
 *   "A return value of zero indicates that the system call timed out before
 *   any file descriptors became ready." "EINVAL The nfds value exceeds the
 *   RLIMIT_NOFILE value." (the limit is 1024 here)
 * ppoll: Linux writes the time left back to the timeout (0 after expiry).
 * The kernel's pipe_poll: POLLOUT while the pipe is not full.
 */
#include "rt/rt.h"

static char buf[70000];
static struct pollfd many[1025];

static void show(const char *label, long r, struct pollfd *f, int n)
{
	print(label);
	print(": returned ");
	print_dec(r);
	print(", revents");
	for (int i = 0; i < n; i++) {
		print(" ");
		print_hex((unsigned short)f[i].revents);
	}
	print("\n");
}

static long poll1(int fd, short events, long ms)
{
	struct pollfd f = { fd, events, -1 };
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };
	long r = sys_ppoll(&f, 1, &ts, 0);
	return r < 0 ? r : f.revents;
}

int main(void)
{
	int p[2], q[2];
	struct timespec zero = { 0, 0 };
	struct pollfd f[3];

	sys_pipe2(p, O_NONBLOCK);
	f[0] = (struct pollfd){ p[0], POLLIN, -1 };
	f[1] = (struct pollfd){ p[1], POLLOUT, -1 };
	show("empty: read end POLLIN, write end POLLOUT", sys_ppoll(f, 2, &zero, 0), f, 2);
	f[0] = (struct pollfd){ p[0], POLLIN | POLLOUT, -1 };
	f[1] = (struct pollfd){ p[1], POLLIN | POLLOUT, -1 };
	show("empty: both ends POLLIN|POLLOUT", sys_ppoll(f, 2, &zero, 0), f, 2);

	sys_write(p[1], "x", 1);
	f[0] = (struct pollfd){ p[0], POLLIN, -1 };
	show("1 byte: read end POLLIN", sys_ppoll(f, 1, &zero, 0), f, 1);
	f[0] = (struct pollfd){ p[0], 0, -1 };
	show("1 byte: read end events 0", sys_ppoll(f, 1, &zero, 0), f, 1);
	sys_read(p[0], buf, 1);

	/* full pipe: no POLLOUT; room again once a page is read */
	memset(buf, 'f', sizeof buf);
	long total = 0, r;
	while ((r = sys_write(p[1], buf, 4096)) > 0)
		total += r;
	say_dec("filled", total);
	say_hex("full: write end POLLOUT revents", poll1(p[1], POLLOUT, 0));
	say_dec("read 4096", sys_read(p[0], buf, 4096));
	say_hex("4096 free: write end POLLOUT revents", poll1(p[1], POLLOUT, 0));

	/* the writer closes: POLLHUP, with POLLIN while data remains */
	sys_close(p[1]);
	say_hex("writer closed, data left: POLLIN revents", poll1(p[0], POLLIN, 0));
	say_hex("writer closed, data left: events 0", poll1(p[0], 0, 0));
	while (sys_read(p[0], buf, sizeof buf) > 0)
		;
	say_hex("writer closed, drained: POLLIN revents", poll1(p[0], POLLIN, 0));
	say_dec("read", sys_read(p[0], buf, 1));
	sys_close(p[0]);

	/* the reader closes: POLLERR on the write end */
	sys_pipe2(q, 0);
	sys_close(q[0]);
	say_hex("no reader: write end POLLOUT revents", poll1(q[1], POLLOUT, 0));
	say_hex("no reader: write end events 0", poll1(q[1], 0, 0));
	say_hex("no reader: write end POLLIN", poll1(q[1], POLLIN, 0));

	/* negative fd ignored, closed fd POLLNVAL (and counted) */
	f[0] = (struct pollfd){ -1, POLLIN, -1 };
	f[1] = (struct pollfd){ q[1], POLLOUT, -1 };
	f[2] = (struct pollfd){ 20, POLLIN, -1 };
	show("fd -1, write end with no reader, closed fd 20", sys_ppoll(f, 3, &zero, 0), f, 3);
	f[0] = (struct pollfd){ -5, POLLIN, -1 };
	show("only fd -5", sys_ppoll(f, 1, &zero, 0), f, 1);
	sys_close(q[1]);

	/* timeouts */
	sys_pipe2(p, 0);
	struct timespec ts = { 0, 50000000 };
	f[0] = (struct pollfd){ p[0], POLLIN, -1 };
	show("empty, 50 ms timeout", sys_ppoll(f, 1, &ts, 0), f, 1);
	say_yes("time left written back as 0", ts.tv_sec == 0 && ts.tv_nsec == 0);
	ts = (struct timespec){ 0, 0 };
	show("nfds 0, zero timeout", sys_ppoll(f, 0, &ts, 0), f, 0);
	ts = (struct timespec){ 0, 1000000000 };
	say_dec("tv_nsec 1e9", sys_ppoll(f, 1, &ts, 0));
	ts = (struct timespec){ -1, 0 };
	say_dec("tv_sec -1", sys_ppoll(f, 1, &ts, 0));

	/* a data arrival ends a wait without timeout (written by a child) */
	long pid = sys_fork();
	if (pid == 0) {
		sleep_ms(50);
		sys_write(p[1], "z", 1);
		sys_exit_group(0);
	}
	f[0] = (struct pollfd){ p[0], POLLIN, -1 };
	show("wait forever, a child writes", sys_ppoll(f, 1, 0, 0), f, 1);
	int st;
	sys_wait4(pid, &st, 0, 0);

	/* nfds against RLIMIT_NOFILE (1024) */
	for (int i = 0; i < 1025; i++)
		many[i] = (struct pollfd){ -1, POLLIN, 0 };
	ts = (struct timespec){ 0, 0 };
	say_dec("nfds 1024", sys_ppoll(many, 1024, &ts, 0));
	say_dec("nfds 1025", sys_ppoll(many, 1025, &ts, 0));
	return 0;
}

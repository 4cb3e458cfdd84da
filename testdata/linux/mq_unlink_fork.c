/*
 * mq_unlink_fork: mq_unlink(3) while descriptors are open, and descriptors
 * shared across fork(2).
 *
 * mq_unlink(3): "mq_unlink() removes the specified message queue name. The
 *   message queue name is removed immediately. The queue itself is destroyed
 *   once any other processes that have the queue open close their descriptors
 *   referring to the queue."
 * mq_overview(7): "A child process created via fork(2) inherits copies of its
 *   parent's message queue descriptors, and these descriptors refer to the
 *   same open message queue descriptions as the corresponding message queue
 *   descriptors in the parent." "Each message queue descriptor has an
 *   associated open message queue description. ... The open message queue
 *   description includes the O_NONBLOCK flag" (fork(2) the same for open file
 *   descriptions). A second mq_open of the same name is a new description with
 *   its own flags.
 */
#include "rt/rt.h"

static const char NAME[] = "/ipcsim-mq-unlink";
static char buf[16];

static long curmsgs(int fd)
{
	struct mq_attr a;
	memset(&a, 0, sizeof a);
	sys_mq_getsetattr(fd, 0, &a);
	return a.mq_curmsgs;
}

static long flags(int fd)
{
	struct mq_attr a;
	memset(&a, 0, sizeof a);
	sys_mq_getsetattr(fd, 0, &a);
	return a.mq_flags;
}

static long create(void)
{
	struct mq_attr a;
	memset(&a, 0, sizeof a);
	a.mq_maxmsg = 4;
	a.mq_msgsize = 16;
	return sys_mq_open(mq_name(NAME), O_RDWR | O_CREAT | O_EXCL, 0600, &a);
}

int main(void)
{
	sys_mq_unlink(mq_name(NAME));
	long fd = create();
	say_yes("mq_open", fd >= 0);
	say_dec("send \"kept\"", sys_mq_timedsend(fd, "kept", 4, 0, 0));

	/* unlink: the name goes at once, the open queue lives on */
	say_dec("mq_unlink", sys_mq_unlink(mq_name(NAME)));
	say_dec("mq_open without O_CREAT after mq_unlink", sys_mq_open(mq_name(NAME), O_RDWR, 0, 0));
	say_dec("mq_unlink again", sys_mq_unlink(mq_name(NAME)));
	say_dec("the open descriptor: curmsgs", curmsgs(fd));
	long r = sys_mq_timedreceive(fd, buf, 16, 0, 0);
	say_dec("the open descriptor: receive", r);
	say_dec("the open descriptor: send", sys_mq_timedsend(fd, "more", 4, 0, 0));

	/* the name can be used for a new, different queue */
	long fd2 = create();
	say_yes("O_CREAT|O_EXCL of the same name creates a new queue", fd2 >= 0);
	say_dec("new queue: curmsgs", curmsgs(fd2));
	say_dec("old queue: curmsgs", curmsgs(fd));
	sys_mq_timedreceive(fd, buf, 16, 0, 0);

	/* fork: the child's descriptor is the same description */
	long c = sys_fork();
	if (c == 0) {
		sys_mq_timedsend(fd, "from child", 10, 3, 0);
		struct mq_attr a;
		memset(&a, 0, sizeof a);
		a.mq_flags = O_NONBLOCK;
		sys_mq_getsetattr(fd, &a, 0);
		sys_exit_group(0);
	}
	int st;
	sys_wait4(c, &st, 0, 0);
	say_status("child", st);
	unsigned prio = 0;
	r = sys_mq_timedreceive(fd, buf, 16, &prio, 0);
	say_dec("parent receives the child's message", r);
	say_dec("prio", prio);
	say_hex("flags after the child set O_NONBLOCK", flags(fd));
	say_dec("receive on the empty queue (does not block)", sys_mq_timedreceive(fd, buf, 16, 0, 0));

	/* a second mq_open is a separate description: O_NONBLOCK not shared */
	long fd3 = sys_mq_open(mq_name(NAME), O_RDWR, 0, 0);
	say_hex("another mq_open of the new queue: flags", flags(fd3));
	c = sys_fork();
	if (c == 0) {
		struct mq_attr a;
		memset(&a, 0, sizeof a);
		a.mq_flags = O_NONBLOCK;
		sys_mq_getsetattr(fd3, &a, 0);
		sys_exit_group(0);
	}
	sys_wait4(c, &st, 0, 0);
	say_hex("after a child set O_NONBLOCK on it: flags", flags(fd3));
	say_hex("the first descriptor of the new queue: flags", flags(fd2));
	say_dec("receive on it, empty (O_NONBLOCK)", sys_mq_timedreceive(fd3, buf, 16, 0, 0));

	/* a child's close does not close the parent's descriptor */
	c = sys_fork();
	if (c == 0) {
		sys_close(fd2);
		sys_exit_group(0);
	}
	sys_wait4(c, &st, 0, 0);
	say_dec("send after the child closed its copy", sys_mq_timedsend(fd2, "still", 5, 0, 0));

	sys_close(fd);
	sys_close(fd2);
	sys_close(fd3);
	say_dec("mq_unlink", sys_mq_unlink(mq_name(NAME)));
	return 0;
}

/*
 * mq_order: POSIX message queue order, sizes, priorities and access modes.
 *
 * mq_send(3): "Messages are placed on the queue in decreasing order of
 *   priority, with newer messages of the same priority being placed after
 *   older messages with the same priority." "The msg_prio argument is a
 *   nonnegative integer that specifies the priority of this message."
 *   EMSGSIZE "msg_len was greater than the mq_msgsize attribute of the message
 *   queue." EINVAL "The value of msg_prio was invalid" (>= MQ_PRIO_MAX, 32768
 *   on Linux). EBADF "The descriptor specified in mqdes was invalid or not
 *   opened for writing."
 * mq_receive(3): "mq_receive() removes the oldest message with the highest
 *   priority from the message queue ... If msg_prio is not NULL, then the
 *   buffer to which it points is used to return the priority associated with
 *   the received message." "On success, mq_receive() and mq_timedreceive()
 *   return the number of bytes in the received message". EMSGSIZE "msg_len
 *   was less than the mq_msgsize attribute of the message queue." EBADF "The
 *   descriptor specified in mqdes was invalid or not opened for reading."
 * A zero-length message is allowed (msg_len 0 <= mq_msgsize).
 */
#include "rt/rt.h"

static const char NAME[] = "/ipcsim-mq-order";
static char buf[256];

static long curmsgs(int fd)
{
	struct mq_attr a;
	memset(&a, 0, sizeof a);
	sys_mq_getsetattr(fd, 0, &a);
	return a.mq_curmsgs;
}

static long send(int fd, const char *s, unsigned prio)
{
	return sys_mq_timedsend(fd, s, strlen(s), prio, 0);
}

int main(void)
{
	sys_mq_unlink(mq_name(NAME));
	struct mq_attr a;
	memset(&a, 0, sizeof a);
	a.mq_maxmsg = 8;
	a.mq_msgsize = 16;
	long fd = sys_mq_open(mq_name(NAME), O_RDWR | O_CREAT | O_EXCL, 0600, &a);
	say_yes("mq_open maxmsg 8 msgsize 16", fd >= 0);

	send(fd, "a", 1);
	send(fd, "b", 5);
	send(fd, "c", 1);
	send(fd, "d", 0);
	send(fd, "e", 5);
	send(fd, "f", 3);
	send(fd, "g", 32767);
	print("sent (prio): a1 b5 c1 d0 e5 f3 g32767\n");
	say_dec("curmsgs", curmsgs(fd));

	/* a buffer smaller than mq_msgsize: EMSGSIZE, even for a 1-byte message */
	say_dec("mq_receive msg_len 15 (< msgsize 16)", sys_mq_timedreceive(fd, buf, 15, 0, 0));
	say_dec("mq_receive msg_len 0", sys_mq_timedreceive(fd, buf, 0, 0, 0));
	say_dec("curmsgs", curmsgs(fd));

	print("received:");
	for (;;) {
		unsigned prio = 12345;
		long r = sys_mq_timedreceive(fd, buf, 100, &prio, 0);
		if (r < 0)
			break;
		print(" ");
		sys_write(1, buf, r);
		print_dec(prio);
		if (curmsgs(fd) == 0)
			break;
	}
	print("\n");

	/* message sizes */
	memset(buf, 'z', sizeof buf);
	say_dec("mq_send msg_len 17 (> msgsize 16)", sys_mq_timedsend(fd, buf, 17, 0, 0));
	say_dec("mq_send msg_len 16", sys_mq_timedsend(fd, buf, 16, 0, 0));
	say_dec("mq_send msg_len 0", sys_mq_timedsend(fd, buf, 0, 0, 0));
	say_dec("mq_receive msg_len 16: the 16-byte message", sys_mq_timedreceive(fd, buf, 16, 0, 0));
	say_dec("mq_receive msg_len 16: the empty message", sys_mq_timedreceive(fd, buf, 16, 0, 0));

	/* priorities */
	say_dec("mq_send prio 32768 (MQ_PRIO_MAX)", send(fd, "p", 32768));
	say_dec("mq_send prio 0xffffffff", send(fd, "p", 0xffffffffu));
	say_dec("curmsgs", curmsgs(fd));

	/* FIFO within one priority over many messages */
	send(fd, "1", 2); send(fd, "2", 2); send(fd, "3", 2);
	send(fd, "4", 2); send(fd, "5", 2);
	print("five prio 2 received:");
	for (int i = 0; i < 5; i++) {
		long r = sys_mq_timedreceive(fd, buf, 16, 0, 0);
		print(" ");
		sys_write(1, buf, r > 0 ? r : 0);
	}
	print("\n");

	/* access modes */
	long wr = sys_mq_open(mq_name(NAME), O_WRONLY, 0, 0);
	long rd = sys_mq_open(mq_name(NAME), O_RDONLY, 0, 0);
	say_yes("O_WRONLY and O_RDONLY opens", wr >= 0 && rd >= 0);
	say_dec("mq_send on O_WRONLY", send(wr, "w", 4));
	say_dec("mq_receive on O_WRONLY", sys_mq_timedreceive(wr, buf, 16, 0, 0));
	say_dec("mq_send on O_RDONLY", send(rd, "r", 4));
	unsigned prio = 0;
	long r = sys_mq_timedreceive(rd, buf, 16, &prio, 0);
	say_dec("mq_receive on O_RDONLY", r);
	say_dec("its prio", prio);
	say_dec("mq_send on stdout (not a queue)", send(1, "x", 0));
	say_dec("mq_receive on stdout", sys_mq_timedreceive(1, buf, 16, 0, 0));
	sys_close(wr);
	say_dec("mq_send on a closed descriptor", send(wr, "x", 0));

	sys_close(rd);
	sys_close(fd);
	say_dec("mq_unlink", sys_mq_unlink(mq_name(NAME)));
	return 0;
}

/*
 * dispatcher: a priority dispatcher on a POSIX message queue (scenario
 * mq_dispatch).
 *
 * It creates /jobs (at most 10 messages of at most 32 bytes), starts
 * /bin/producer and waits for it to exit, so that every job is queued
 * before the first is taken. Then it takes the jobs one by one with
 * mq_timedreceive: the oldest message of the highest priority comes
 * first. The producer's last message, "quit", has priority 0, below every
 * job, so it comes last whatever the timing.
 */
#include "demo.h"

static const char NAME[] = "/jobs";

int main(void)
{
	struct line l = { .n = 0 };
	struct mq_attr a;
	memset(&a, 0, sizeof a);
	a.mq_maxmsg = 10;
	a.mq_msgsize = 32;
	long q = sys_mq_open(mq_name(NAME), O_RDONLY | O_CREAT | O_EXCL, 0600, &a);
	l_str(&l, "dispatcher: mq_open(/jobs) = ");
	l_dec(&l, q);
	l_end(&l);
	if (q < 0)
		return 1;

	long pid = spawn("/bin/producer", "producer", 0);
	int st = 0;
	sys_wait4(pid, &st, 0, 0);
	memset(&a, 0, sizeof a);
	sys_mq_getsetattr(q, 0, &a);
	l_str(&l, "dispatcher: producer done, ");
	l_dec(&l, a.mq_curmsgs);
	l_str(&l, " messages queued");
	l_end(&l);

	for (int n = 1;; n++) {
		char buf[32];
		unsigned prio = 0;
		long r = sys_mq_timedreceive(q, buf, sizeof buf, &prio, 0);
		if (r < 0) {
			l_str(&l, "dispatcher: mq_timedreceive = ");
			l_dec(&l, r);
			l_end(&l);
			return 1;
		}
		if (r == 4 && buf[0] == 'q' && buf[1] == 'u' && buf[2] == 'i' && buf[3] == 't') {
			l_str(&l, "dispatcher: quit (priority ");
			l_dec(&l, prio);
			l_str(&l, ")");
			l_end(&l);
			break;
		}
		l_str(&l, "dispatcher: job ");
		l_dec(&l, n);
		l_str(&l, ": priority ");
		l_dec(&l, prio);
		l_str(&l, " ");
		l_mem(&l, buf, r);
		l_end(&l);
	}
	sys_close(q);
	l_str(&l, "dispatcher: mq_unlink(/jobs) = ");
	l_dec(&l, sys_mq_unlink(mq_name(NAME)));
	l_end(&l);
	return W_EXITSTATUS(st);
}

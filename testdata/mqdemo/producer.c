/*
 * producer: the jobs of scenario mq_dispatch, sent to /jobs in this order
 * with these priorities (higher is more urgent), then "quit" at 0.
 */
#include "demo.h"

static const char NAME[] = "/jobs";

static const struct { const char *text; unsigned prio; } jobs[] = {
	{ "backup /home", 1 },
	{ "send invoices", 5 },
	{ "rotate logs", 3 },
	{ "page the admin", 10 },
	{ "resize photos", 5 },
	{ "defragment", 1 },
	{ "disk almost full", 10 },
	{ "rebuild index", 3 },
	{ "quit", 0 },
};

int main(void)
{
	struct line l = { .n = 0 };
	long q = sys_mq_open(mq_name(NAME), O_WRONLY, 0, 0);
	if (q < 0)
		return 1;
	for (unsigned i = 0; i < sizeof jobs / sizeof jobs[0]; i++) {
		long r = sys_mq_timedsend(q, jobs[i].text, strlen(jobs[i].text), jobs[i].prio, 0);
		l_str(&l, "producer: priority ");
		l_dec(&l, jobs[i].prio);
		l_str(&l, " ");
		l_str(&l, jobs[i].text);
		if (r != 0) {
			l_str(&l, ": mq_timedsend = ");
			l_dec(&l, r);
		}
		l_end(&l);
		if (r != 0)
			return 1;
	}
	return 0;
}

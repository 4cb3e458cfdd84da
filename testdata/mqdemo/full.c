/*
 * full: two senders blocked on a full System V queue until a receiver
 * drains it (scenario msg_full).
 *
 * The parent (the receiver) makes a private queue and lowers its
 * msg_qbytes from 16384 to 100 with IPC_SET: two 40-byte messages fit, a
 * third would make 120. It forks sender A and sender B; each sends three
 * 40-byte messages (A1 A2 A3, B1 B2 B3) and says so after each msgsnd
 * returns. The parent sleeps 5000 ns so that both senders block on the
 * full queue, then receives the six messages, sleeping 1000 ns after each
 * as if it worked on it: every message it takes makes room for one more.
 */
#include "demo.h"

#define SIZE 40

struct msg { long mtype; char text[SIZE]; };

static long id;

static long qbytes_used(void)
{
	struct msqid64_ds ds;
	memset(&ds, 0, sizeof ds);
	sys_msgctl(id, IPC_STAT, &ds);
	return ds.msg_cbytes;
}

static void sender(char who, long mtype)
{
	struct line l = { .n = 0 };
	struct msg m;
	m.mtype = mtype;
	memset(m.text, '.', SIZE);
	m.text[0] = who;
	for (int i = 1; i <= 3; i++) {
		m.text[1] = '0' + i;
		long r = sys_msgsnd(id, &m, SIZE, 0);
		l_str(&l, "sender ");
		l_mem(&l, &who, 1);
		l_str(&l, ": msgsnd ");
		l_mem(&l, m.text, 2);
		l_str(&l, " = ");
		l_dec(&l, r);
		l_end(&l);
	}
	sys_exit_group(0);
}

int main(void)
{
	struct line l = { .n = 0 };
	id = sys_msgget(IPC_PRIVATE, 0600);
	struct msqid64_ds ds;
	memset(&ds, 0, sizeof ds);
	sys_msgctl(id, IPC_STAT, &ds);
	l_str(&l, "receiver: new queue, msg_qbytes ");
	l_dec(&l, ds.msg_qbytes);
	ds.msg_qbytes = 100;
	l_str(&l, "; IPC_SET msg_qbytes 100 = ");
	l_dec(&l, sys_msgctl(id, IPC_SET, &ds));
	l_end(&l);

	if (sys_fork() == 0)
		sender('A', 1);
	if (sys_fork() == 0)
		sender('B', 2);

	sleep_ns(5000);
	l_str(&l, "receiver: woke up, the queue holds ");
	l_dec(&l, qbytes_used());
	l_str(&l, " bytes");
	l_end(&l);
	for (int i = 0; i < 6; i++) {
		struct msg m;
		long r = sys_msgrcv(id, &m, SIZE, 0, 0);
		l_str(&l, "receiver: got ");
		l_mem(&l, m.text, 2);
		l_str(&l, " (");
		l_dec(&l, r);
		l_str(&l, " bytes), ");
		l_dec(&l, qbytes_used());
		l_str(&l, " bytes left");
		l_end(&l);
		sleep_ns(1000);
	}
	int failed = 0;
	for (int i = 0; i < 2; i++) {
		int st = 0;
		sys_wait4(-1, &st, 0, 0);
		failed += st != 0;
	}
	sys_msgctl(id, IPC_RMID, 0);
	return failed;
}

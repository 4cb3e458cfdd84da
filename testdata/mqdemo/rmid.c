/*
 * rmid: a queue removed under a blocked receiver (scenario msg_rmid).
 *
 * The parent makes a private queue and puts one message of type 2 in it.
 * Its child waits for a message of type 1, which never comes: msgrcv
 * blocks although the queue is not empty. The parent sleeps 2000 ns, then
 * removes the queue with msgctl(IPC_RMID): the removal wakes every waiter,
 * and the child's msgrcv fails with EIDRM (43). The queued message goes
 * with the queue. Afterwards the old id names nothing: EINVAL (22).
 */
#include "demo.h"

struct msg { long mtype; char text[32]; };

int main(void)
{
	struct line l = { .n = 0 };
	long id = sys_msgget(IPC_PRIVATE, 0600);
	struct msg m = { 2, "for nobody" };
	l_str(&l, "parent: msgsnd type 2 = ");
	l_dec(&l, sys_msgsnd(id, &m, 11, 0));
	l_end(&l);

	long child = sys_fork();
	if (child == 0) {
		long r = sys_msgrcv(id, &m, sizeof m.text, 1, 0);
		l_str(&l, "child: msgrcv type 1 = ");
		l_dec(&l, r);
		l_str(&l, r == -EIDRM ? " (EIDRM: the queue was removed)" : " (expected -43, EIDRM)");
		l_end(&l);
		r = sys_msgrcv(id, &m, sizeof m.text, 0, IPC_NOWAIT);
		l_str(&l, "child: msgrcv on the old id = ");
		l_dec(&l, r);
		l_str(&l, r == -EINVAL ? " (EINVAL)" : " (expected -22, EINVAL)");
		l_end(&l);
		sys_exit_group(r == -EINVAL ? 0 : 1);
	}

	sleep_ns(2000);
	l_str(&l, "parent: msgctl IPC_RMID = ");
	l_dec(&l, sys_msgctl(id, IPC_RMID, 0));
	l_end(&l);
	int st = 0;
	sys_wait4(child, &st, 0, 0);
	struct msqid64_ds ds;
	l_str(&l, "parent: child exited with ");
	l_dec(&l, W_EXITSTATUS(st));
	l_str(&l, "; IPC_STAT on the old id = ");
	l_dec(&l, sys_msgctl(id, IPC_STAT, &ds));
	l_end(&l);
	return W_EXITSTATUS(st);
}

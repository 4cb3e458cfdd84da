/*
 * msg_block: blocking msgrcv(2)/msgsnd(2), IPC_RMID and signals.
 *
 * msgop(2) msgrcv: "If no message of the requested type is available and
 *   IPC_NOWAIT isn't specified in msgflg, the calling process is blocked
 *   until one of the following conditions occurs: * A message of the desired
 *   type is placed in the queue. * The message queue is removed from the
 *   system. In this case, the system call fails with errno set to EIDRM.
 *   * The calling process catches a signal. In this case, the system call
 *   fails with errno set to EINTR."
 * msgop(2) msgsnd: "If insufficient space is available in the queue, then the
 *   default behavior of msgsnd() is to block until space becomes available."
 *   ... "The message queue is removed ... EIDRM" ... "The calling process
 *   catches a signal ... EINTR. (msgsnd() is never automatically restarted
 *   after being interrupted by a signal handler, regardless of the setting of
 *   the SA_RESTART flag when establishing a signal handler.)" (and the same
 *   for msgrcv).
 * msgctl(2) IPC_RMID: "Immediately remove the message queue, awakening all
 *   waiting reader and writer processes (with an error return and errno set
 *   to EIDRM)." The old id is then invalid (EINVAL).
 * signal(7): an ignored signal does not interrupt a blocked call.
 *
 * Children print while the parent sleeps in wait4; the parent prints only
 * after the child it waits for has exited. Every 200 ms sleep gives the child
 * time to block first.
 */
#include "rt/rt.h"

#define KEY 0x1c5e0061

static struct { long mtype; char mtext[8192]; } m;
static int id;
static volatile int got_sig;

static void on_usr1(int sig) { got_sig = sig; }

static long qnum(void)
{
	struct msqid64_ds ds;
	memset(&ds, 0, sizeof ds);
	sys_msgctl(id, IPC_STAT, &ds);
	return ds.msg_qnum;
}

static long cbytes(void)
{
	struct msqid64_ds ds;
	memset(&ds, 0, sizeof ds);
	sys_msgctl(id, IPC_STAT, &ds);
	return ds.msg_cbytes;
}

static void reap(long child)
{
	int st = 0;
	sys_wait4(child, &st, 0, 0);
	say_status("child", st);
}

static void newq(void)
{
	long old = sys_msgget(KEY, 0);
	if (old >= 0)
		sys_msgctl(old, IPC_RMID, 0);
	id = sys_msgget(KEY, IPC_CREAT | IPC_EXCL | 0600);
}

int main(void)
{
	newq();
	say_yes("msgget", id >= 0);

	/* 1. a receiver blocks on an empty queue until a message comes */
	long c = sys_fork();
	if (c == 0) {
		long r = sys_msgrcv(id, &m, 100, 0, 0);
		say_dec("child: blocking msgrcv", r);
		say_dec("child: mtype", m.mtype);
		sys_exit_group(0);
	}
	sleep_ms(200);
	long q0 = qnum();
	m.mtype = 4;
	memcpy(m.mtext, "ping", 4);
	sys_msgsnd(id, &m, 4, 0);
	reap(c);
	say_dec("parent: qnum while the child waited", q0);
	say_dec("qnum after", qnum());

	/* 2. a sender blocks on a full queue until a receiver makes room */
	m.mtype = 1;
	sys_msgsnd(id, &m, 8192, IPC_NOWAIT);
	sys_msgsnd(id, &m, 8192, IPC_NOWAIT);
	c = sys_fork();
	if (c == 0) {
		m.mtype = 2;
		long r = sys_msgsnd(id, &m, 100, 0);
		say_dec("child: blocking msgsnd of 100 bytes", r);
		sys_exit_group(0);
	}
	sleep_ms(200);
	long q = qnum();
	long r = sys_msgrcv(id, &m, 8192, 0, IPC_NOWAIT);
	reap(c);
	say_dec("parent: qnum while the child waited", q);
	say_dec("parent: msgrcv one 8192", r);
	say_dec("qnum after", qnum());
	say_dec("cbytes after", cbytes());
	while (sys_msgrcv(id, &m, 8192, 0, IPC_NOWAIT) >= 0)
		;

	/* 3. a caught signal interrupts msgrcv: EINTR even with SA_RESTART */
	c = sys_fork();
	if (c == 0) {
		ipc_sigaction(SIGUSR1, (void *)on_usr1, SA_RESTART);
		long r = sys_msgrcv(id, &m, 100, 0, 0);
		say_dec("child: msgrcv interrupted by a SA_RESTART handler", r);
		say_dec("child: handler ran for signal", got_sig);
		sys_exit_group(0);
	}
	sleep_ms(200);
	sys_kill(c, SIGUSR1);
	reap(c);

	/* and msgsnd on a full queue */
	m.mtype = 1;
	sys_msgsnd(id, &m, 8192, IPC_NOWAIT);
	sys_msgsnd(id, &m, 8192, IPC_NOWAIT);
	c = sys_fork();
	if (c == 0) {
		ipc_sigaction(SIGUSR1, (void *)on_usr1, SA_RESTART);
		long r = sys_msgsnd(id, &m, 100, 0);
		say_dec("child: msgsnd interrupted by a SA_RESTART handler", r);
		say_dec("child: handler ran for signal", got_sig);
		sys_exit_group(0);
	}
	sleep_ms(200);
	sys_kill(c, SIGUSR1);
	reap(c);
	say_dec("qnum (nothing sent)", qnum());
	while (sys_msgrcv(id, &m, 8192, 0, IPC_NOWAIT) >= 0)
		;

	/* an ignored signal does not interrupt */
	c = sys_fork();
	if (c == 0) {
		set_handler(SIGUSR1, SIG_IGN);
		long r = sys_msgrcv(id, &m, 100, 0, 0);
		say_dec("child: msgrcv after an ignored signal", r);
		say_dec("child: mtype", m.mtype);
		sys_exit_group(0);
	}
	sleep_ms(200);
	sys_kill(c, SIGUSR1);
	sleep_ms(100);
	m.mtype = 6;
	sys_msgsnd(id, &m, 3, 0);
	reap(c);

	/* 4. IPC_RMID wakes a blocked receiver and a blocked sender: EIDRM */
	c = sys_fork();
	if (c == 0) {
		long r = sys_msgrcv(id, &m, 100, 0, 0);
		say_dec("child: blocked msgrcv, queue removed", r);
		say_dec("child: msgrcv on the old id", sys_msgrcv(id, &m, 100, 0, IPC_NOWAIT));
		sys_exit_group(0);
	}
	sleep_ms(200);
	r = sys_msgctl(id, IPC_RMID, 0);
	reap(c);
	say_dec("parent: IPC_RMID", r);

	newq();
	m.mtype = 1;
	sys_msgsnd(id, &m, 8192, IPC_NOWAIT);
	sys_msgsnd(id, &m, 8192, IPC_NOWAIT);
	c = sys_fork();
	if (c == 0) {
		long r = sys_msgsnd(id, &m, 100, 0);
		say_dec("child: blocked msgsnd, queue removed", r);
		say_dec("child: msgsnd on the old id", sys_msgsnd(id, &m, 1, IPC_NOWAIT));
		sys_exit_group(0);
	}
	sleep_ms(200);
	r = sys_msgctl(id, IPC_RMID, 0);
	reap(c);
	say_dec("parent: IPC_RMID", r);
	say_dec("IPC_STAT on the old id", sys_msgctl(id, IPC_STAT, &m));
	return 0;
}

/*
 * msg_send_recv: msgsnd(2)/msgrcv(2) basics, the IPC_STAT counters and a full
 * queue.
 *
 * msgop(2): "The msgp argument is a pointer to a caller-defined structure of
 *   the following general form: struct msgbuf { long mtype; char mtext[1]; }"
 *   "The mtext field is an array (or other structure) whose size is specified
 *   by msgsz, a nonnegative integer value. Messages of zero length (i.e., no
 *   mtext field) are permitted."
 * msgop(2) EINVAL: "msqid was invalid, or msgsz was less than 0" / "mtype was
 *   less than 1" / "msgsz is greater than the value MSGMAX" (8192).
 * msgop(2) EFAULT: "The address pointed to by msgp isn't accessible."
 * msgop(2) msgsnd: "If sufficient space is available in the queue, msgsnd()
 *   succeeds immediately. The queue capacity is governed by the msg_qbytes
 *   field ... If insufficient space is available in the queue, then the
 *   default behavior of msgsnd() is to block until space becomes available.
 *   If IPC_NOWAIT is specified in msgflg, then the call instead fails with
 *   the error EAGAIN."
 * msgop(2) msgsnd: "msg_lspid is set to the process ID of the calling
 *   process. msg_qnum is incremented by 1. msg_stime is set to the current
 *   time." msgrcv: "msg_lrpid is set to the process ID of the calling
 *   process. msg_qnum is decremented by 1. msg_rtime is set to the current
 *   time."
 * msgctl(2): "msg_cbytes: Current number of bytes in queue"; msgget(2)/
 *   msgop(2): MSGMNB, the default msg_qbytes, is 16384.
 * Linux ipc/msg.c msg_fits(): a message fits when msgsz + q_cbytes <=
 *   q_qbytes and 1 + q_qnum <= q_qbytes: msg_qbytes also caps the number of
 *   messages, and a 0-byte message fits a queue whose bytes are all used.
 *
 * msg_lrpid is at offset 100 of struct msqid64_ds (4 bytes); qemu-user 7.2
 * writes it 8 bytes wide at 104, so its line is a kernel fixup (README.md).
 */
#include "rt/rt.h"

#define KEY 0x1c5e0011

static struct { long mtype; char mtext[8200]; } m;

static struct msqid64_ds ds;

static void stat(int id)
{
	memset(&ds, 0, sizeof ds);
	long r = sys_msgctl(id, IPC_STAT, &ds);
	if (r != 0)
		say_dec("IPC_STAT failed", r);
}

static long send(int id, long type, long n, int flags)
{
	m.mtype = type;
	memset(m.mtext, 'a' + (int)(type % 26), n > 0 ? n : 0);
	return sys_msgsnd(id, &m, n, flags);
}

int main(void)
{
	long old = sys_msgget(KEY, 0);
	if (old >= 0)
		sys_msgctl(old, IPC_RMID, 0);
	int id = sys_msgget(KEY, IPC_CREAT | IPC_EXCL | 0600);
	say_yes("msgget", id >= 0);
	long me = sys_getpid();

	stat(id);
	say_dec("new: qnum", ds.msg_qnum);
	say_dec("new: cbytes", ds.msg_cbytes);
	say_dec("new: qbytes", ds.msg_qbytes);
	say_dec("new: lspid", ds.msg_lspid);
	say_dec("new: lrpid", ds.msg_lrpid);
	say_yes("new: stime 0, rtime 0, ctime set", ds.msg_stime == 0 && ds.msg_rtime == 0 && ds.msg_ctime != 0);

	/* round trip */
	m.mtype = 7;
	memcpy(m.mtext, "hello", 5);
	say_dec("msgsnd type 7 \"hello\"", sys_msgsnd(id, &m, 5, 0));
	stat(id);
	say_dec("qnum", ds.msg_qnum);
	say_dec("cbytes", ds.msg_cbytes);
	say_yes("lspid == sender", ds.msg_lspid == me);
	say_yes("stime set", ds.msg_stime != 0);
	memset(&m, 0, sizeof m);
	long r = sys_msgrcv(id, &m, 100, 0, 0);
	say_dec("msgrcv returns the text length", r);
	say_dec("mtype", m.mtype);
	print("mtext: ");
	sys_write(1, m.mtext, r > 0 ? r : 0);
	print("\n");
	stat(id);
	say_dec("qnum after msgrcv", ds.msg_qnum);
	say_dec("cbytes after msgrcv", ds.msg_cbytes);
	say_yes("lrpid == receiver", ds.msg_lrpid == me);
	say_yes("rtime set", ds.msg_rtime != 0);

	/* argument errors */
	say_dec("mtype 0", send(id, 0, 1, IPC_NOWAIT));
	say_dec("mtype -1", send(id, -1, 1, IPC_NOWAIT));
	say_dec("msgsz 8193 (> MSGMAX)", send(id, 1, 8193, IPC_NOWAIT));
	say_dec("msgsz -1", send(id, 1, -1, IPC_NOWAIT));
	say_dec("msgsnd id -1", send(-1, 1, 1, IPC_NOWAIT));
	say_dec("msgsnd bad msgp", sys_msgsnd(id, (void *)8, 1, IPC_NOWAIT));
	say_dec("msgrcv msgsz -1", sys_msgrcv(id, &m, -1, 0, IPC_NOWAIT));
	say_dec("msgrcv id -1", sys_msgrcv(-1, &m, 10, 0, IPC_NOWAIT));
	stat(id);
	say_dec("qnum after the errors", ds.msg_qnum);

	/* zero-length and maximal messages */
	say_dec("msgsnd msgsz 0", send(id, 3, 0, IPC_NOWAIT));
	stat(id);
	say_dec("qnum", ds.msg_qnum);
	say_dec("cbytes", ds.msg_cbytes);
	m.mtype = 0;
	say_dec("msgrcv of the 0-byte message", sys_msgrcv(id, &m, 10, 0, IPC_NOWAIT));
	say_dec("its mtype", m.mtype);
	say_dec("msgsnd msgsz 8192 (MSGMAX)", send(id, 4, 8192, IPC_NOWAIT));
	say_dec("msgsnd msgsz 8192 again", send(id, 4, 8192, IPC_NOWAIT));
	stat(id);
	say_dec("qnum", ds.msg_qnum);
	say_dec("cbytes (== qbytes: full)", ds.msg_cbytes);
	say_dec("msgsnd 1 byte, full, IPC_NOWAIT", send(id, 5, 1, IPC_NOWAIT));
	say_dec("msgsnd 0 bytes, bytes full, IPC_NOWAIT", send(id, 6, 0, IPC_NOWAIT));
	stat(id);
	say_dec("qnum", ds.msg_qnum);
	say_dec("cbytes", ds.msg_cbytes);
	say_dec("msgrcv 8192", sys_msgrcv(id, &m, 8192, 0, IPC_NOWAIT));
	say_dec("8192 bytes of room: msgsnd 1 byte", send(id, 5, 1, IPC_NOWAIT));
	say_dec("8191 bytes of room: msgsnd 8191 bytes", send(id, 5, 8191, IPC_NOWAIT));
	say_dec("msgsnd 1 byte when full", send(id, 5, 1, IPC_NOWAIT));
	/* drain */
	while (sys_msgrcv(id, &m, 8192, 0, IPC_NOWAIT) >= 0)
		;
	stat(id);
	say_dec("drained: qnum", ds.msg_qnum);
	say_dec("drained: cbytes", ds.msg_cbytes);

	/* msg_qbytes caps the number of messages: qbytes 4, 0-byte messages */
	stat(id);
	ds.msg_qbytes = 4;
	say_dec("IPC_SET msg_qbytes 4", sys_msgctl(id, IPC_SET, &ds));
	int sent = 0;
	for (int i = 0; i < 10; i++) {
		if (send(id, 1, 0, IPC_NOWAIT) != 0)
			break;
		sent++;
	}
	say_dec("0-byte messages accepted with qbytes 4", sent);
	say_dec("the next one", send(id, 1, 0, IPC_NOWAIT));
	stat(id);
	say_dec("qnum", ds.msg_qnum);
	say_dec("cbytes", ds.msg_cbytes);
	sys_msgrcv(id, &m, 10, 0, IPC_NOWAIT);
	say_dec("one msgrcv later: msgsnd 1 byte", send(id, 1, 1, IPC_NOWAIT));
	stat(id);
	say_dec("qnum", ds.msg_qnum);
	say_dec("cbytes", ds.msg_cbytes);
	while (sys_msgrcv(id, &m, 10, 0, IPC_NOWAIT) >= 0)
		;
	say_dec("4 bytes, qbytes 4, empty queue", send(id, 1, 4, IPC_NOWAIT));
	say_dec("5 bytes, qbytes 4, 4 used", send(id, 1, 5, IPC_NOWAIT));
	while (sys_msgrcv(id, &m, 10, 0, IPC_NOWAIT) >= 0)
		;
	say_dec("5 bytes, qbytes 4, empty queue", send(id, 1, 5, IPC_NOWAIT));

	/* lspid / lrpid from a child */
	stat(id);
	ds.msg_qbytes = 16384;
	sys_msgctl(id, IPC_SET, &ds);
	long child = sys_fork();
	if (child == 0) {
		send(id, 9, 3, 0);
		sys_msgrcv(id, &m, 10, 8, 0);
		sys_exit_group(0);
	}
	/* the parent sends after the child's message is in the queue */
	for (;;) {
		stat(id);
		if (ds.msg_qnum >= 1)
			break;
		sleep_ms(10);
	}
	sleep_ms(50);
	send(id, 8, 2, 0);
	int st;
	sys_wait4(child, &st, 0, 0);
	stat(id);
	say_dec("after the child: qnum", ds.msg_qnum);
	say_yes("lspid == parent (last sender)", ds.msg_lspid == me);
	say_yes("lrpid == child (last receiver)", ds.msg_lrpid == child);
	long got = sys_msgrcv(id, &m, 10, 0, IPC_NOWAIT);
	say_dec("parent receives the child's message", got);
	say_dec("its mtype", m.mtype);
	stat(id);
	say_yes("lrpid == parent now", ds.msg_lrpid == me);

	say_dec("IPC_RMID", sys_msgctl(id, IPC_RMID, 0));
	say_dec("msgsnd to the removed id", send(id, 1, 1, IPC_NOWAIT));
	say_dec("msgrcv from the removed id", sys_msgrcv(id, &m, 10, 0, IPC_NOWAIT));
	return 0;
}

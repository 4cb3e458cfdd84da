/*
 * msg_trunc: msgrcv(2) with a buffer too small, and with nothing to read.
 *
 * msgop(2): "The argument msgsz specifies the maximum size in bytes for the
 *   member mtext of the structure pointed to by the msgp argument. If the
 *   message text has length greater than msgsz, then the behavior depends on
 *   whether MSG_NOERROR is specified in msgflg. If MSG_NOERROR is specified,
 *   then the message text will be truncated (and the truncated part will be
 *   lost); if MSG_NOERROR is not specified, then the message isn't removed
 *   from the queue and the system call fails returning -1 with errno set to
 *   E2BIG."
 * msgop(2): "On success, ... msgrcv() returns the number of bytes actually
 *   copied into the mtext array."
 * msgop(2) ENOMSG: "IPC_NOWAIT was specified in msgflg and no message of the
 *   requested type existed on the message queue."
 * Linux ipc/msg.c do_msgrcv(): the message is chosen by type first, then its
 *   size is checked: a long first message gives E2BIG even when a shorter one
 *   follows.
 */
#include "rt/rt.h"

#define KEY 0x1c5e0031

static struct { long mtype; char mtext[64]; } m;
static int id;

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

static long put(long type, const char *text)
{
	m.mtype = type;
	size_t n = strlen(text);
	memcpy(m.mtext, text, n);
	return sys_msgsnd(id, &m, n, IPC_NOWAIT);
}

static void say_text(const char *label, long r)
{
	print(label);
	print(": \"");
	if (r > 0)
		sys_write(1, m.mtext, r);
	print("\"\n");
}

int main(void)
{
	long old = sys_msgget(KEY, 0);
	if (old >= 0)
		sys_msgctl(old, IPC_RMID, 0);
	id = sys_msgget(KEY, IPC_CREAT | IPC_EXCL | 0600);
	say_yes("msgget", id >= 0);

	say_dec("msgsnd type 1 \"0123456789\"", put(1, "0123456789"));
	memset(m.mtext, '.', sizeof m.mtext);
	say_dec("msgrcv msgsz 4", sys_msgrcv(id, &m, 4, 0, IPC_NOWAIT));
	say_dec("qnum (still queued)", qnum());
	say_dec("cbytes", cbytes());
	say_dec("msgrcv msgsz 9", sys_msgrcv(id, &m, 9, 1, IPC_NOWAIT));
	say_dec("msgrcv msgsz 0", sys_msgrcv(id, &m, 0, 0, IPC_NOWAIT));
	say_dec("qnum", qnum());
	memset(m.mtext, '.', sizeof m.mtext);
	m.mtype = 0;
	long r = sys_msgrcv(id, &m, 4, 0, IPC_NOWAIT | MSG_NOERROR);
	say_dec("msgrcv msgsz 4 MSG_NOERROR", r);
	say_dec("mtype", m.mtype);
	say_text("text", r);
	say_yes("bytes after msgsz untouched", m.mtext[4] == '.');
	say_dec("qnum (removed)", qnum());
	say_dec("cbytes (the rest is lost)", cbytes());
	say_dec("then msgrcv (nothing left)", sys_msgrcv(id, &m, 64, 0, IPC_NOWAIT));

	/* exact size, and MSG_NOERROR with room to spare */
	put(2, "abcdef");
	r = sys_msgrcv(id, &m, 6, 0, IPC_NOWAIT);
	say_dec("msgrcv msgsz == length", r);
	say_text("text", r);
	put(2, "abcdef");
	r = sys_msgrcv(id, &m, 64, 0, IPC_NOWAIT | MSG_NOERROR);
	say_dec("msgrcv msgsz 64 MSG_NOERROR of 6 bytes", r);
	say_text("text", r);

	/* the first matching message decides */
	put(3, "long message");
	put(4, "ab");
	say_dec("queue [3 long message, 4 ab]: msgrcv msgtyp 0 msgsz 4", sys_msgrcv(id, &m, 4, 0, IPC_NOWAIT));
	r = sys_msgrcv(id, &m, 4, 4, IPC_NOWAIT);
	say_dec("msgrcv msgtyp 4 msgsz 4", r);
	say_text("text", r);
	r = sys_msgrcv(id, &m, 4, -10, IPC_NOWAIT | MSG_NOERROR);
	say_dec("msgrcv msgtyp -10 msgsz 4 MSG_NOERROR", r);
	say_text("text", r);
	say_dec("qnum", qnum());

	/* a 0-byte message fits msgsz 0 */
	put(5, "");
	say_dec("0-byte message, msgsz 0", sys_msgrcv(id, &m, 0, 0, IPC_NOWAIT));

	/* nothing to take: ENOMSG, not EAGAIN */
	say_dec("empty queue, IPC_NOWAIT", sys_msgrcv(id, &m, 64, 0, IPC_NOWAIT));
	put(6, "x");
	say_dec("no message of type 7, IPC_NOWAIT", sys_msgrcv(id, &m, 64, 7, IPC_NOWAIT));
	say_dec("no type <= 5, IPC_NOWAIT", sys_msgrcv(id, &m, 64, -5, IPC_NOWAIT));
	say_dec("no type other than 6, IPC_NOWAIT", sys_msgrcv(id, &m, 64, 6, IPC_NOWAIT | MSG_EXCEPT));
	say_dec("qnum", qnum());

	say_dec("IPC_RMID", sys_msgctl(id, IPC_RMID, 0));
	return 0;
}

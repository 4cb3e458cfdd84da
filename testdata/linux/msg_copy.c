/*
 * msg_copy: msgrcv(2) with MSG_COPY.
 *
 * msgop(2) MSG_COPY (since Linux 3.8): "Nondestructively fetch a copy of the
 *   message at the ordinal position in the queue specified by msgtyp
 *   (messages are considered to be numbered starting at 0). This flag must be
 *   specified in conjunction with IPC_NOWAIT, with the result that, if there
 *   is no message available at the given position, the call fails immediately
 *   with the error ENOMSG. Because they alter the meaning of msgtyp in
 *   orthogonal ways, MSG_COPY and MSG_EXCEPT may not both be specified in
 *   msgflg."
 * msgop(2) EINVAL: "MSG_COPY was specified in msgflg, and IPC_NOWAIT was not
 *   specified in msgflg" / "MSG_COPY and MSG_EXCEPT were specified in msgflg".
 * Linux ipc/msg.c do_msgrcv(): the E2BIG / MSG_NOERROR size rule applies to
 *   the copy too (the message stays either way); a negative position matches
 *   nothing (ENOMSG). MSG_COPY needs CONFIG_CHECKPOINT_RESTORE (on in the
 *   recording host's kernel, as in the usual distribution kernels).
 */
#include "rt/rt.h"

#define KEY 0x1c5e0041

static struct { long mtype; char mtext[16]; } m;
static int id;

static long qnum(void)
{
	struct msqid64_ds ds;
	memset(&ds, 0, sizeof ds);
	sys_msgctl(id, IPC_STAT, &ds);
	return ds.msg_qnum;
}

static void put(long type, const char *text)
{
	m.mtype = type;
	memcpy(m.mtext, text, strlen(text));
	sys_msgsnd(id, &m, strlen(text), IPC_NOWAIT);
}

static void copy(const char *label, long pos, long sz, int flags)
{
	memset(&m, 0, sizeof m);
	long r = sys_msgrcv(id, &m, sz, pos, flags);
	print(label);
	print(": ");
	print_dec(r);
	if (r >= 0) {
		print(" type ");
		print_dec(m.mtype);
		print(" text ");
		sys_write(1, m.mtext, r);
	}
	print("\n");
}

int main(void)
{
	long old = sys_msgget(KEY, 0);
	if (old >= 0)
		sys_msgctl(old, IPC_RMID, 0);
	id = sys_msgget(KEY, IPC_CREAT | IPC_EXCL | 0600);
	say_yes("msgget", id >= 0);
	put(5, "first");
	put(2, "second");
	put(9, "third");
	say_dec("queue [5 first, 2 second, 9 third]: qnum", qnum());

	copy("MSG_COPY|IPC_NOWAIT position 0", 0, 16, MSG_COPY | IPC_NOWAIT);
	copy("MSG_COPY|IPC_NOWAIT position 1", 1, 16, MSG_COPY | IPC_NOWAIT);
	copy("MSG_COPY|IPC_NOWAIT position 2", 2, 16, MSG_COPY | IPC_NOWAIT);
	copy("MSG_COPY|IPC_NOWAIT position 1 again", 1, 16, MSG_COPY | IPC_NOWAIT);
	copy("MSG_COPY|IPC_NOWAIT position 3 (past the end)", 3, 16, MSG_COPY | IPC_NOWAIT);
	copy("MSG_COPY|IPC_NOWAIT position -1", -1, 16, MSG_COPY | IPC_NOWAIT);
	say_dec("qnum (nothing removed)", qnum());
	copy("MSG_COPY without IPC_NOWAIT", 0, 16, MSG_COPY);
	copy("MSG_COPY|IPC_NOWAIT|MSG_EXCEPT", 0, 16, MSG_COPY | IPC_NOWAIT | MSG_EXCEPT);
	copy("MSG_COPY|IPC_NOWAIT position 1, msgsz 3", 1, 3, MSG_COPY | IPC_NOWAIT);
	copy("MSG_COPY|IPC_NOWAIT|MSG_NOERROR position 1, msgsz 3", 1, 3, MSG_COPY | IPC_NOWAIT | MSG_NOERROR);
	say_dec("qnum", qnum());

	/* positions follow the queue as it changes */
	copy("plain msgrcv msgtyp 2", 2, 16, IPC_NOWAIT);
	copy("MSG_COPY|IPC_NOWAIT position 1 now", 1, 16, MSG_COPY | IPC_NOWAIT);
	copy("MSG_COPY|IPC_NOWAIT position 2 now", 2, 16, MSG_COPY | IPC_NOWAIT);
	say_dec("qnum", qnum());
	copy("plain msgrcv msgtyp 0", 0, 16, IPC_NOWAIT);
	copy("plain msgrcv msgtyp 0", 0, 16, IPC_NOWAIT);
	copy("MSG_COPY|IPC_NOWAIT position 0, empty queue", 0, 16, MSG_COPY | IPC_NOWAIT);

	say_dec("IPC_RMID", sys_msgctl(id, IPC_RMID, 0));
	return 0;
}

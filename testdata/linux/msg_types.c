/*
 * msg_types: which message msgrcv(2) takes, by msgtyp.
 *
 * msgop(2): "The argument msgtyp specifies the type of message requested, as
 *   follows:
 *   * If msgtyp is 0, then the first message in the queue is read.
 *   * If msgtyp is greater than 0, then the first message in the queue of type
 *     msgtyp is read, unless MSG_EXCEPT was specified in msgflg, in which case
 *     the first message in the queue of type not equal to msgtyp will be read.
 *   * If msgtyp is less than 0, then the first message in the queue with the
 *     lowest type less than or equal to the absolute value of msgtyp will be
 *     read."
 * msgop(2) ENOMSG: "IPC_NOWAIT was specified in msgflg and no message of the
 *   requested type existed on the message queue."
 * Linux ipc/msg.c convert_mode(): msgtyp 0 is checked first, so MSG_EXCEPT
 *   with msgtyp 0 still reads the first message; a negative msgtyp ignores
 *   MSG_EXCEPT; LONG_MIN stands for LONG_MAX. find_msg(): a message whose type
 *   equals |msgtyp| is eligible (gVisor misses this, semantics.md section 14).
 *
 * Every case starts from the same queue, in this order:
 *   3a 1b 2c 1d 5e 2f 4g    (type, then a one-letter text)
 * and prints the message taken and what is left.
 */
#include "rt/rt.h"

#define KEY 0x1c5e0021

static struct { long mtype; char mtext[16]; } m;
static int id;

static void put(long type, char c)
{
	m.mtype = type;
	m.mtext[0] = c;
	sys_msgsnd(id, &m, 1, IPC_NOWAIT);
}

static void drain(void)
{
	while (sys_msgrcv(id, &m, sizeof m.mtext, 0, IPC_NOWAIT) >= 0)
		;
}

static void fill(void)
{
	drain();
	put(3, 'a'); put(1, 'b'); put(2, 'c'); put(1, 'd');
	put(5, 'e'); put(2, 'f'); put(4, 'g');
}

/* print "type N text X" or the error */
static void show(long r)
{
	if (r < 0) {
		print_dec(r);
		return;
	}
	print("type ");
	print_dec(m.mtype);
	print(" text ");
	sys_write(1, m.mtext, r);
}

static void rest(void)
{
	print(" | left:");
	long r;
	while ((r = sys_msgrcv(id, &m, sizeof m.mtext, 0, IPC_NOWAIT)) >= 0) {
		print(" ");
		print_dec(m.mtype);
		sys_write(1, m.mtext, r);
	}
	print("\n");
}

static void take(const char *label, long msgtyp, int flags)
{
	fill();
	print(label);
	print(": ");
	memset(&m, 0, sizeof m);
	show(sys_msgrcv(id, &m, sizeof m.mtext, msgtyp, flags | IPC_NOWAIT));
	rest();
}

int main(void)
{
	long old = sys_msgget(KEY, 0);
	if (old >= 0)
		sys_msgctl(old, IPC_RMID, 0);
	id = sys_msgget(KEY, IPC_CREAT | IPC_EXCL | 0600);
	say_yes("msgget", id >= 0);

	take("msgtyp 0", 0, 0);
	take("msgtyp 2", 2, 0);
	take("msgtyp 4", 4, 0);
	take("msgtyp 6 (none)", 6, 0);
	take("msgtyp 1 MSG_EXCEPT", 1, MSG_EXCEPT);
	take("msgtyp 3 MSG_EXCEPT", 3, MSG_EXCEPT);
	take("msgtyp 0 MSG_EXCEPT", 0, MSG_EXCEPT);
	take("msgtyp -1", -1, 0);
	take("msgtyp -2", -2, 0);
	take("msgtyp -100", -100, 0);
	take("msgtyp -2 MSG_EXCEPT", -2, MSG_EXCEPT);
	take("msgtyp LONG_MIN", (long)(-9223372036854775807L - 1), 0);

	/* type == |msgtyp| is eligible; the earliest among equal types wins */
	drain();
	put(5, 'x'); put(4, 'y'); put(6, 'w'); put(4, 'z');
	print("queue 5x 4y 6w 4z, msgtyp -4: ");
	show(sys_msgrcv(id, &m, sizeof m.mtext, -4, IPC_NOWAIT));
	rest();
	put(5, 'x'); put(4, 'y'); put(6, 'w'); put(4, 'z');
	print("queue 5x 4y 6w 4z, msgtyp -5: ");
	show(sys_msgrcv(id, &m, sizeof m.mtext, -5, IPC_NOWAIT));
	rest();
	put(5, 'x'); put(6, 'w');
	print("queue 5x 6w, msgtyp -5: ");
	show(sys_msgrcv(id, &m, sizeof m.mtext, -5, IPC_NOWAIT));
	rest();
	put(5, 'x'); put(6, 'w');
	print("queue 5x 6w, msgtyp -4: ");
	show(sys_msgrcv(id, &m, sizeof m.mtext, -4, IPC_NOWAIT));
	rest();
	put(7, 'v'); put(7, 'u');
	print("queue 7v 7u, msgtyp 7 MSG_EXCEPT: ");
	show(sys_msgrcv(id, &m, sizeof m.mtext, 7, MSG_EXCEPT | IPC_NOWAIT));
	rest();
	print("empty queue, msgtyp 0: ");
	show(sys_msgrcv(id, &m, sizeof m.mtext, 0, IPC_NOWAIT));
	print("\n");
	/* large types are plain longs */
	put(0x7fffffffffffffffL, 'M');
	put(1, 'o');
	print("queue LONG_MAX:M 1o, msgtyp LONG_MAX: ");
	show(sys_msgrcv(id, &m, sizeof m.mtext, 0x7fffffffffffffffL, IPC_NOWAIT));
	rest();

	say_dec("IPC_RMID", sys_msgctl(id, IPC_RMID, 0));
	return 0;
}

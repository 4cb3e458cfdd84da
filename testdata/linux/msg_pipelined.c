/*
 * msg_pipelined: which waiting receiver gets a new message.
 *
 * Linux ipc/msg.c pipelined_send(): a message sent while receivers wait is
 *   handed at once to the first waiting receiver (in the order they started
 *   waiting) whose msgtyp/mode matches it; it is not queued. A matching
 *   receiver whose msgsz is too small, without MSG_NOERROR, is woken with
 *   E2BIG and the message goes on to the next receiver (or the queue).
 * msgop(2): "If no message of the requested type is available ... the
 *   calling process is blocked until ... A message of the desired type is
 *   placed in the queue." / E2BIG: "The message text length is greater than
 *   msgsz and MSG_NOERROR isn't specified in msgflg."
 *
 * The receivers start 150 ms apart, so the order they wait in is known.
 * Each child reports through its exit status (it prints nothing): the parent
 * prints after waiting for them in a fixed order.
 */
#include "rt/rt.h"

#define KEY 0x1c5e0071

static struct { long mtype; char mtext[64]; } m;
static int id;

/* exit code: mtype * 10 + text letter (a = 0), or 100 + errno */
static long receiver(long msgtyp, long msgsz, int flags)
{
	long c = sys_fork();
	if (c == 0) {
		long r = sys_msgrcv(id, &m, msgsz, msgtyp, flags);
		if (r < 0)
			sys_exit_group(100 - r);
		sys_exit_group(m.mtype * 10 + (m.mtext[0] - 'a'));
	}
	sleep_ms(150);
	return c;
}

static void send(long type, char c, long n)
{
	m.mtype = type;
	memset(m.mtext, c, n);
	sys_msgsnd(id, &m, n, 0);
}

static void report(const char *label, long child)
{
	int st = 0;
	sys_wait4(child, &st, 0, 0);
	int code = W_EXITSTATUS(st);
	print(label);
	if (code >= 100) {
		print(": msgrcv ");
		print_dec(-(code - 100));
	} else {
		print(": got type ");
		print_dec(code / 10);
		print(" text ");
		char ch = 'a' + code % 10;
		sys_write(1, &ch, 1);
	}
	print("\n");
}

static long qnum(void)
{
	struct msqid64_ds ds;
	memset(&ds, 0, sizeof ds);
	sys_msgctl(id, IPC_STAT, &ds);
	return ds.msg_qnum;
}

int main(void)
{
	long old = sys_msgget(KEY, 0);
	if (old >= 0)
		sys_msgctl(old, IPC_RMID, 0);
	id = sys_msgget(KEY, IPC_CREAT | IPC_EXCL | 0600);
	say_yes("msgget", id >= 0);

	/* A waits for type 1, then B for type 2; the parent sends 2b then 1a */
	long a = receiver(1, 64, 0);
	long b = receiver(2, 64, 0);
	send(2, 'b', 1);
	send(1, 'a', 1);
	report("A (msgtyp 1)", a);
	report("B (msgtyp 2)", b);
	say_dec("qnum", qnum());

	/* both wait for any message: the first to wait gets the first message */
	a = receiver(0, 64, 0);
	b = receiver(0, 64, 0);
	send(3, 'c', 1);
	send(4, 'd', 1);
	report("A (msgtyp 0, waiting first)", a);
	report("B (msgtyp 0, waiting second)", b);

	/* MSG_EXCEPT and negative types choose among the waiters too */
	a = receiver(5, 64, MSG_EXCEPT);
	b = receiver(-3, 64, 0);
	send(5, 'e', 1);   /* not for A; B wants <= 3: queued */
	send(2, 'f', 1);   /* A (not 5) waits first */
	send(3, 'g', 1);   /* B */
	report("A (msgtyp 5 MSG_EXCEPT)", a);
	report("B (msgtyp -3)", b);
	say_dec("qnum (the type 5 message)", qnum());
	sys_msgrcv(id, &m, 64, 0, IPC_NOWAIT);

	/* a waiter with a too small buffer gets E2BIG; the next one the message */
	a = receiver(0, 2, 0);
	b = receiver(0, 64, 0);
	send(7, 'h', 10);
	report("A (msgsz 2)", a);
	report("B (msgsz 64)", b);
	say_dec("qnum", qnum());

	/* ... with MSG_NOERROR it takes the message, truncated */
	a = receiver(0, 2, MSG_NOERROR);
	b = receiver(0, 64, IPC_NOWAIT);
	send(8, 'i', 10);
	report("A (msgsz 2 MSG_NOERROR)", a);
	report("B (IPC_NOWAIT, started after)", b);

	/* E2BIG for the only waiter: the message is queued */
	a = receiver(0, 2, 0);
	send(9, 'j', 10);
	report("A (msgsz 2, alone)", a);
	say_dec("qnum (queued)", qnum());

	say_dec("IPC_RMID", sys_msgctl(id, IPC_RMID, 0));
	return 0;
}

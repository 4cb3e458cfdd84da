/*
 * sem_atomic: a semop(2) array is applied all or nothing, in array order.
 *
 * semop(2): "The set of operations contained in sops is performed in array
 *   order, and atomically, that is, the operations are performed either as a
 *   complete unit, or not at all." "If sem_op is less than zero ... If
 *   IPC_NOWAIT is specified in sem_flg, semop() fails with errno set to EAGAIN
 *   (and none of the operations in sops is performed)."
 * semop(2) ERANGE / EFBIG: an operation that fails this way applies none of
 *   the others either (Linux perform_atomic_semop undoes the ones before).
 * semop(2): while blocked, none of the operations is applied; the process is
 *   woken when all of them can proceed. semctl(2) GETNCNT: "the number of
 *   processes waiting for the semval ... to increase" (Linux 4.x and later:
 *   only the operation that blocked is counted).
 */
#include "rt/rt.h"

#define KEY 0x1c5e5111

static int id;
static void vals(const char *label)
{
	unsigned short v[3];
	sys_semctl(id, 0, GETALL, (long)v);
	print(label);
	print(": ");
	print_dec(v[0]);
	print(" ");
	print_dec(v[1]);
	print(" ");
	print_dec(v[2]);
	print("\n");
}

int main(void)
{
	long old = sys_semget(KEY, 0, 0);
	if (old >= 0)
		sys_semctl(old, 0, IPC_RMID, 0);
	id = sys_semget(KEY, 3, IPC_CREAT | IPC_EXCL | 0600);
	unsigned short init[3] = { 1, 0, 5 };
	sys_semctl(id, 0, SETALL, (long)init);
	vals("values");

	struct sembuf two[2] = { { 0, -1, IPC_NOWAIT }, { 1, -1, IPC_NOWAIT } };
	say_dec("{sem0 -1, sem1 -1} IPC_NOWAIT (sem1 is 0)", sys_semop(id, two, 2));
	vals("values (neither applied)");
	struct sembuf two2[2] = { { 0, -1, 0 }, { 1, -1, IPC_NOWAIT } };
	say_dec("IPC_NOWAIT only on the second", sys_semop(id, two2, 2));
	vals("values");

	struct sembuf inc_then_dec[2] = { { 2, 1, 0 }, { 2, -6, IPC_NOWAIT } };
	say_dec("{sem2 +1, sem2 -6} on 5 (in order: 6, then 0)", sys_semop(id, inc_then_dec, 2));
	vals("values");
	sys_semctl(id, 2, SETVAL, 5);
	struct sembuf dec_then_inc[2] = { { 2, -6, IPC_NOWAIT }, { 2, 1, 0 } };
	say_dec("{sem2 -6, sem2 +1} on 5 (-6 first would go below 0)", sys_semop(id, dec_then_inc, 2));
	vals("values");

	sys_semctl(id, 1, SETVAL, SEMVMX);
	struct sembuf range[2] = { { 0, 1, 0 }, { 1, 1, 0 } };
	say_dec("{sem0 +1, sem1 +1} with sem1 at 32767", sys_semop(id, range, 2));
	vals("values (sem0 not incremented)");
	sys_semctl(id, 1, SETVAL, 0);
	struct sembuf fbig[2] = { { 0, 1, 0 }, { 3, 1, 0 } };
	say_dec("{sem0 +1, sem3 +1} (no sem3)", sys_semop(id, fbig, 2));
	vals("values");
	struct sembuf zero2[2] = { { 2, 1, 0 }, { 0, 0, IPC_NOWAIT } };
	say_dec("{sem2 +1, wait-for-zero sem0 (is 1)} IPC_NOWAIT", sys_semop(id, zero2, 2));
	vals("values");

	/* a blocked pair: nothing applied until both can proceed */
	long child = sys_fork();
	if (child == 0) {
		struct sembuf b[2] = { { 0, -1, 0 }, { 1, -1, 0 } };
		sys_exit_group(-sys_semop(id, b, 2));
	}
	say_dec("GETNCNT sem1 (the child blocked on it)", sem_wait_for(id, 1, GETNCNT, 1));
	say_dec("GETNCNT sem0 (could proceed: not counted)", sys_semctl(id, 0, GETNCNT, 0));
	vals("values while the child waits (sem0 not taken)");
	say_dec("P sem0 by the parent works meanwhile", sem_op1(id, 0, -1, IPC_NOWAIT));
	say_dec("V sem1 (child still needs sem0)", sem_op1(id, 1, 1, 0));
	sleep_ms(50);
	vals("values");
	say_dec("V sem0", sem_op1(id, 0, 1, 0));
	int st;
	sys_wait4(child, &st, 0, 0);
	say_status("child", st);
	vals("values (both taken by the child)");

	say_dec("IPC_RMID", sys_semctl(id, 0, IPC_RMID, 0));
	return 0;
}

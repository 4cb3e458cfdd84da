/*
 * sem_undo: SEM_UNDO adjustments are undone when the process exits.
 *
 * semop(2): "If an operation specifies SEM_UNDO, it will be automatically
 *   undone when the process terminates." "... adds the absolute value of
 *   sem_op to the semaphore adjustment (semadj) value for this semaphore"
 *   (for sem_op < 0) / "subtracts the value sem_op from semadj" (> 0).
 * semop(2) / fork(2): "A child process created by fork(2) does not inherit
 *   its parent's semaphore adjustments."
 * semctl(2) SETVAL / SETALL: "Undo entries for altered semaphores are
 *   cleared in all processes."
 * Linux ipc/sem.c exit_sem: an adjustment that would take the value below 0
 *   leaves 0 (semop(2) NOTES: "Linux ... the semaphore value is ... set to
 *   zero"); the exiting process becomes sempid; waiters whose operation can
 *   now proceed are woken (a P holder killed by SIGKILL releases the lock).
 */
#include "rt/rt.h"

#define KEY 0x1c5e5131

int main(void)
{
	long old = sys_semget(KEY, 0, 0);
	if (old >= 0)
		sys_semctl(old, 0, IPC_RMID, 0);
	int id = sys_semget(KEY, 1, IPC_CREAT | IPC_EXCL | 0600);
	int st;

	sys_semctl(id, 0, SETVAL, 1);
	long child = sys_fork();
	if (child == 0) {
		long r = sem_op1(id, 0, -1, SEM_UNDO);
		sys_exit_group(r == 0 ? sys_semctl(id, 0, GETVAL, 0) : 99);
	}
	sys_wait4(child, &st, 0, 0);
	say_dec("child: P with SEM_UNDO, value seen by the child", W_EXITSTATUS(st));
	say_dec("after its exit (restored)", sys_semctl(id, 0, GETVAL, 0));
	say_yes("GETPID == the exited child", sys_semctl(id, 0, GETPID, 0) == child);

	child = sys_fork();
	if (child == 0) {
		sem_op1(id, 0, 2, SEM_UNDO);
		sem_op1(id, 0, 3, SEM_UNDO);
		sem_op1(id, 0, -1, 0); /* without SEM_UNDO: stays */
		sys_exit_group(sys_semctl(id, 0, GETVAL, 0));
	}
	sys_wait4(child, &st, 0, 0);
	say_dec("child: V 2 and V 3 with SEM_UNDO, P 1 without: value seen", W_EXITSTATUS(st));
	say_dec("after its exit (-5 undone, the P stays)", sys_semctl(id, 0, GETVAL, 0));
	sys_semctl(id, 0, SETVAL, 1);

	/* fork does not inherit semadj */
	child = sys_fork();
	if (child == 0) {
		sem_op1(id, 0, -1, SEM_UNDO);
		long gc = sys_fork();
		if (gc == 0)
			sys_exit_group(0);
		int gst;
		sys_wait4(gc, &gst, 0, 0);
		sys_exit_group(sys_semctl(id, 0, GETVAL, 0));
	}
	sys_wait4(child, &st, 0, 0);
	say_dec("child P SEM_UNDO, its own child exited: value then", W_EXITSTATUS(st));
	say_dec("after the child's exit", sys_semctl(id, 0, GETVAL, 0));

	/* SETVAL clears pending adjustments */
	child = sys_fork();
	if (child == 0) {
		sem_op1(id, 0, -1, SEM_UNDO);
		sys_semctl(id, 0, SETVAL, 5);
		sys_exit_group(0);
	}
	sys_wait4(child, &st, 0, 0);
	say_dec("child P SEM_UNDO then SETVAL 5: after its exit", sys_semctl(id, 0, GETVAL, 0));
	sys_semctl(id, 0, SETVAL, 1);
	child = sys_fork();
	if (child == 0) {
		sem_op1(id, 0, -1, SEM_UNDO);
		unsigned short v = 7;
		sys_semctl(id, 0, SETALL, (long)&v);
		sys_exit_group(0);
	}
	sys_wait4(child, &st, 0, 0);
	say_dec("child P SEM_UNDO then SETALL 7: after its exit", sys_semctl(id, 0, GETVAL, 0));

	/* an adjustment that would go below 0 leaves 0 */
	sys_semctl(id, 0, SETVAL, 0);
	int up[2], down[2];
	sys_pipe2(up, 0);
	sys_pipe2(down, 0);
	char ch;
	child = sys_fork();
	if (child == 0) {
		sem_op1(id, 0, 2, SEM_UNDO); /* semadj -2 */
		sys_write(up[1], "x", 1);
		sys_read(down[0], &ch, 1);
		sys_exit_group(0);
	}
	sys_read(up[0], &ch, 1);
	say_dec("parent P by 1 of the child's 2 (no SEM_UNDO)", sem_op1(id, 0, -1, IPC_NOWAIT));
	sys_write(down[1], "x", 1);
	sys_wait4(child, &st, 0, 0);
	say_dec("after the child's exit (1 - 2 clamped)", sys_semctl(id, 0, GETVAL, 0));

	/* the holder of a SEM_UNDO lock is killed: the waiter gets the lock */
	sys_semctl(id, 0, SETVAL, 1);
	long holder = sys_fork();
	if (holder == 0) {
		sem_op1(id, 0, -1, SEM_UNDO);
		sys_write(up[1], "x", 1);
		for (;;)
			sleep_ms(1000);
	}
	sys_read(up[0], &ch, 1);
	long waiter = sys_fork();
	if (waiter == 0)
		sys_exit_group(-sem_op1(id, 0, -1, 0));
	say_dec("GETNCNT (the waiter)", sem_wait_for(id, 0, GETNCNT, 1));
	sys_kill(holder, SIGKILL);
	sys_wait4(holder, &st, 0, 0);
	say_status("holder", st);
	sys_wait4(waiter, &st, 0, 0);
	say_status("waiter (got the lock)", st);
	say_dec("GETVAL", sys_semctl(id, 0, GETVAL, 0));
	say_yes("GETPID == the waiter", sys_semctl(id, 0, GETPID, 0) == waiter);

	say_dec("IPC_RMID", sys_semctl(id, 0, IPC_RMID, 0));
	return 0;
}

/*
 * sem_counter: two processes each add 1 to a counter in a System V shared
 * memory segment N times, each increment (a plain load, add, store) inside a
 * critical section guarded by a semaphore (P and V with semop(2)): the final
 * value is exactly 2N.
 *
 * semop(2): "the operations are performed either as a complete unit, or not
 *   at all"; P (sem_op -1 on a semaphore at 1) lets one process in and
 *   "sleeps until ... semval becomes greater than or equal to the absolute
 *   value of sem_op" for the other; V (sem_op +1) lets it in.
 * shmop(2) / semantics.md 6: both processes see the same counter at once.
 * Without the semaphore the result may be less than 2N (lost updates) and
 * depends on scheduling: not recorded, the simulator's own scenarios show it.
 */
#include "rt/rt.h"

#define KEY_SHM 0x1c5e5141
#define KEY_SEM 0x1c5e5142
#define N 20000

static int semid;
static volatile long *counter;

static void work(void)
{
	struct sembuf p = { 0, -1, 0 }, v = { 0, 1, 0 };
	for (int i = 0; i < N; i++) {
		while (sys_semop(semid, &p, 1) != 0)
			;
		long c = *counter; /* load */
		c = c + 1;         /* add */
		*counter = c;      /* store */
		sys_semop(semid, &v, 1);
	}
}

int main(void)
{
	long old = sys_shmget(KEY_SHM, 0, 0);
	if (old >= 0)
		sys_shmctl(old, IPC_RMID, 0);
	old = sys_semget(KEY_SEM, 0, 0);
	if (old >= 0)
		sys_semctl(old, 0, IPC_RMID, 0);

	int shmid = sys_shmget(KEY_SHM, PAGE_SIZE, IPC_CREAT | IPC_EXCL | 0600);
	semid = sys_semget(KEY_SEM, 1, IPC_CREAT | IPC_EXCL | 0600);
	counter = (volatile long *)sys_shmat(shmid, 0, 0);
	say_dec("SETVAL 1 (the lock is free)", sys_semctl(semid, 0, SETVAL, 1));
	say_dec("counter at start", *counter);

	long child = sys_fork();
	if (child == 0) {
		work();
		sys_exit_group(0);
	}
	work();
	int st;
	sys_wait4(child, &st, 0, 0);
	say_status("child", st);
	say_dec("N", N);
	say_dec("counter (2N)", *counter);
	say_dec("semaphore at the end", sys_semctl(semid, 0, GETVAL, 0));

	sys_shmdt((void *)counter);
	say_dec("IPC_RMID shm", sys_shmctl(shmid, IPC_RMID, 0));
	say_dec("IPC_RMID sem", sys_semctl(semid, 0, IPC_RMID, 0));
	return 0;
}

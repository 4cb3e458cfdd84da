/*
 * sem_block: blocking semop(2): P on 0 waits for a V, wait-for-zero waits for
 * 0, IPC_RMID wakes waiters with EIDRM, a signal handler gives EINTR, a
 * semtimedop timeout gives EAGAIN.
 *
 * semop(2): "If sem_op is less than zero ... If semval is less than the
 *   absolute value of sem_op ... semncnt (the counter of threads waiting for
 *   this semaphore's value to increase) is incremented by one and the thread
 *   sleeps until one of the following occurs: semval becomes greater than or
 *   equal to the absolute value of sem_op ...; The semaphore set is removed
 *   from the system: semop() fails, with errno set to EIDRM; The calling
 *   thread catches a signal: the value of semncnt is decremented and semop()
 *   fails, with errno set to EINTR".
 * semop(2): "If sem_op is zero ... semzcnt ... is incremented by one and the
 *   thread sleeps until ... semval becomes 0".
 * signal(7): semop(2) is among the interfaces "never restarted after being
 *   interrupted by a signal handler, regardless of the use of SA_RESTART;
 *   they always fail with the error EINTR".
 * semop(2) semtimedop: "If the specified time limit has been reached,
 *   semtimedop() fails with errno set to EAGAIN (and none of the operations
 *   in sops is performed)."
 * semctl(2) GETPID / sempid: the process that last operated on the semaphore.
 * Children report their semop result in the exit status (the errno); only the
 * parent prints.
 */
#include "rt/rt.h"

#define KEY 0x1c5e5121

static void on_usr1(int sig) { (void)sig; }

int main(void)
{
	long old = sys_semget(KEY, 0, 0);
	if (old >= 0)
		sys_semctl(old, 0, IPC_RMID, 0);
	int id = sys_semget(KEY, 2, IPC_CREAT | IPC_EXCL | 0600);
	int st;

	/* P on 0 blocks until a V */
	long child = sys_fork();
	if (child == 0)
		sys_exit_group(-sem_op1(id, 0, -1, 0));
	say_dec("GETNCNT with the child blocked in P", sem_wait_for(id, 0, GETNCNT, 1));
	say_dec("GETZCNT", sys_semctl(id, 0, GETZCNT, 0));
	say_dec("child not finished (WNOHANG)", sys_wait4(child, &st, WNOHANG, 0));
	say_dec("V", sem_op1(id, 0, 1, 0));
	say_yes("wait4", sys_wait4(child, &st, 0, 0) == child);
	say_status("child (P completed)", st);
	say_dec("GETVAL", sys_semctl(id, 0, GETVAL, 0));
	say_dec("GETNCNT", sys_semctl(id, 0, GETNCNT, 0));
	say_yes("GETPID == the child", sys_semctl(id, 0, GETPID, 0) == child);

	/* P by 2 with 1: still waits; a second V completes it */
	sys_semctl(id, 0, SETVAL, 1);
	child = sys_fork();
	if (child == 0)
		sys_exit_group(-sem_op1(id, 0, -2, 0));
	say_dec("GETNCNT with the child in P by 2 (value 1)", sem_wait_for(id, 0, GETNCNT, 1));
	say_dec("GETVAL (nothing taken)", sys_semctl(id, 0, GETVAL, 0));
	sem_op1(id, 0, 1, 0);
	sys_wait4(child, &st, 0, 0);
	say_status("child (P by 2 after a V to 2)", st);
	say_dec("GETVAL", sys_semctl(id, 0, GETVAL, 0));

	/* wait-for-zero */
	sys_semctl(id, 1, SETVAL, 2);
	child = sys_fork();
	if (child == 0)
		sys_exit_group(-sem_op1(id, 1, 0, 0));
	say_dec("GETZCNT with the child waiting for zero", sem_wait_for(id, 1, GETZCNT, 1));
	say_dec("GETNCNT", sys_semctl(id, 1, GETNCNT, 0));
	sem_op1(id, 1, -1, 0);
	sleep_ms(50);
	say_dec("value 1: child still waiting (WNOHANG)", sys_wait4(child, &st, WNOHANG, 0));
	sem_op1(id, 1, -1, 0);
	sys_wait4(child, &st, 0, 0);
	say_status("child (woken at 0)", st);
	say_dec("GETZCNT", sys_semctl(id, 1, GETZCNT, 0));

	/* a handler interrupts a blocked semop: EINTR even with SA_RESTART */
	child = sys_fork();
	if (child == 0) {
		ipc_sigaction(SIGUSR1, on_usr1, SA_RESTART);
		sys_exit_group(-sem_op1(id, 0, -1, 0));
	}
	sem_wait_for(id, 0, GETNCNT, 1);
	sys_kill(child, SIGUSR1);
	sys_wait4(child, &st, 0, 0);
	say_status("child interrupted by a SA_RESTART handler (exit = errno)", st);
	say_dec("GETNCNT after", sys_semctl(id, 0, GETNCNT, 0));
	say_dec("GETVAL", sys_semctl(id, 0, GETVAL, 0));

	/* an ignored signal does not interrupt it */
	child = sys_fork();
	if (child == 0) {
		set_handler(SIGUSR1, SIG_IGN);
		sys_exit_group(-sem_op1(id, 0, -1, 0));
	}
	sem_wait_for(id, 0, GETNCNT, 1);
	sys_kill(child, SIGUSR1);
	sleep_ms(50);
	say_dec("ignored SIGUSR1: child still blocked (GETNCNT)", sys_semctl(id, 0, GETNCNT, 0));
	sem_op1(id, 0, 1, 0);
	sys_wait4(child, &st, 0, 0);
	say_status("child (then a V)", st);

	/* semtimedop: a timeout is EAGAIN */
	struct sembuf p = { 0, -1, 0 };
	struct timespec ts = { 0, 50000000 };
	say_dec("semtimedop P on 0, 50 ms", sys_semtimedop(id, &p, 1, &ts));
	struct timespec bad = { 0, 1000000000 };
	say_dec("semtimedop tv_nsec 1e9 (would block)", sys_semtimedop(id, &p, 1, &bad));
	struct sembuf v = { 0, 1, 0 };
	say_dec("semtimedop V, 50 ms (does not block)", sys_semtimedop(id, &v, 1, &ts));
	say_dec("GETVAL", sys_semctl(id, 0, GETVAL, 0));
	sys_semctl(id, 0, SETVAL, 0);

	/* IPC_RMID under two waiters (P and wait-for-zero) */
	sys_semctl(id, 1, SETVAL, 1);
	long c1 = sys_fork();
	if (c1 == 0)
		sys_exit_group(-sem_op1(id, 0, -1, 0));
	long c2 = sys_fork();
	if (c2 == 0)
		sys_exit_group(-sem_op1(id, 1, 0, 0));
	sem_wait_for(id, 0, GETNCNT, 1);
	sem_wait_for(id, 1, GETZCNT, 1);
	say_dec("IPC_RMID with two waiters", sys_semctl(id, 0, IPC_RMID, 0));
	sys_wait4(c1, &st, 0, 0);
	say_status("P waiter (exit = errno)", st);
	sys_wait4(c2, &st, 0, 0);
	say_status("wait-for-zero waiter (exit = errno)", st);
	say_dec("semop on the removed id", sem_op1(id, 0, 1, 0));
	say_dec("GETVAL on the removed id", sys_semctl(id, 0, GETVAL, 0));
	return 0;
}

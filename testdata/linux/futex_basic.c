/*
 * futex_basic: FUTEX_WAIT and FUTEX_WAKE on private and shared memory.
 *
 * futex(2) FUTEX_WAIT: "This operation tests that the value at the futex word
 *   pointed to by the address uaddr still contains the expected value val, and
 *   if so, then sleeps waiting for a FUTEX_WAKE operation on the futex word."
 *   EAGAIN: "The value pointed to by uaddr was not equal to the expected value
 *   val at the time of the call." ETIMEDOUT: "The operation in futex_op
 *   employed the timeout specified in timeout, and the timeout expired before
 *   the operation completed." (FUTEX_WAIT: a relative timeout.)
 * futex(2) FUTEX_WAKE: "This operation wakes at most val of the waiters that
 *   are waiting ... on the futex word at the address uaddr." "returns the
 *   number of waiters that were woken up" (0 with none).
 * futex(2): "futexes can be shared between processes: a futex word in shared
 *   memory (MAP_SHARED or shmat) ... without FUTEX_PRIVATE_FLAG".
 * futex(2) EINVAL: "uaddr ... does not point to a valid ... aligned integer"
 *   (not 4-byte aligned) / "The supplied timeout argument was invalid
 *   (tv_sec was less than zero, or tv_nsec was not less than 1,000,000,000)".
 *   EFAULT: "A required pointer argument ... did not point to a valid
 *   user-space address." ENOSYS: "Invalid operation specified in futex_op."
 * Children report in the exit status or in shared memory; only the parent
 * prints. A child is "waiting" once it has set a flag and the parent has slept
 * 200 ms after that.
 */
#include "rt/rt.h"

static int priv = 5;

int main(void)
{
	struct timespec t50 = { 0, 50000000 };
	say_dec("FUTEX_WAIT, value differs", sys_futex(&priv, FUTEX_WAIT, 4, 0));
	say_dec("FUTEX_WAIT|PRIVATE, value differs", sys_futex(&priv, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 4, 0));
	say_dec("FUTEX_WAKE, no waiters", sys_futex(&priv, FUTEX_WAKE, 1, 0));
	say_dec("FUTEX_WAKE|PRIVATE, no waiters", sys_futex(&priv, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1, 0));
	say_dec("FUTEX_WAIT, value equal, 50 ms timeout", sys_futex(&priv, FUTEX_WAIT, 5, &t50));
	say_dec("FUTEX_WAIT|PRIVATE, 50 ms timeout", sys_futex(&priv, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 5, &t50));
	struct timespec bad = { 0, 1000000000 };
	say_dec("FUTEX_WAIT, tv_nsec 1e9", sys_futex(&priv, FUTEX_WAIT, 5, &bad));
	struct timespec neg = { -1, 0 };
	say_dec("FUTEX_WAIT, tv_sec -1", sys_futex(&priv, FUTEX_WAIT, 5, &neg));
	say_dec("FUTEX_WAIT, unaligned address", sys_futex((int *)((char *)&priv + 1), FUTEX_WAIT, 5, &t50));
	say_dec("FUTEX_WAIT, bad address", sys_futex((int *)8, FUTEX_WAIT, 5, &t50));
	say_dec("unknown op 99", sys_futex(&priv, 99, 0, 0));

	/* shared memory: [0] the futex word, [1] ready flags, [2..] results */
	volatile int *sh = (volatile int *)sys_mmap(0, PAGE_SIZE, PROT_READ | PROT_WRITE,
						    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int st;
	long child = sys_fork();
	if (child == 0) {
		sh[1] = 1;
		long r = sys_futex((int *)&sh[0], FUTEX_WAIT, 0, 0);
		sh[2] = (int)r;
		sh[3] = sh[0]; /* the value the parent stored */
		sys_exit_group(0);
	}
	while (sh[1] == 0)
		sleep_ms(10);
	sleep_ms(200);
	say_dec("child still waiting (WNOHANG)", sys_wait4(child, &st, WNOHANG, 0));
	sh[0] = 1;
	say_dec("parent stores 1, FUTEX_WAKE 1: woken", sys_futex((int *)&sh[0], FUTEX_WAKE, 1, 0));
	sys_wait4(child, &st, 0, 0);
	say_status("child", st);
	say_dec("child's FUTEX_WAIT returned", sh[2]);
	say_dec("child then read the word", sh[3]);

	/* three waiters: FUTEX_WAKE 2 wakes two, FUTEX_WAKE 10 the last */
	sh[0] = 0;
	sh[1] = 0;
	long kids[3];
	for (int i = 0; i < 3; i++) {
		kids[i] = sys_fork();
		if (kids[i] == 0) {
			__atomic_fetch_add((int *)&sh[1], 1, __ATOMIC_SEQ_CST);
			long r = sys_futex((int *)&sh[0], FUTEX_WAIT, 0, 0);
			sys_exit_group(r == 0 ? 0 : 1);
		}
	}
	while (sh[1] < 3)
		sleep_ms(10);
	sleep_ms(200);
	say_dec("FUTEX_WAKE 2 of 3 waiters", sys_futex((int *)&sh[0], FUTEX_WAKE, 2, 0));
	sleep_ms(100);
	int running = 0;
	for (int i = 0; i < 3; i++)
		if (sys_wait4(kids[i], &st, WNOHANG, 0) == 0)
			running++;
	say_dec("children still waiting", running);
	say_dec("FUTEX_WAKE 10 (one left)", sys_futex((int *)&sh[0], FUTEX_WAKE, 10, 0));
	int ok = 0;
	for (int i = 0; i < 3; i++) {
		long r = sys_wait4(kids[i], &st, 0, 0);
		if (r == kids[i] && st == 0)
			ok++;
	}
	/* the two woken first were already reaped by WNOHANG above */
	say_dec("FUTEX_WAKE again, no waiters", sys_futex((int *)&sh[0], FUTEX_WAKE, 10, 0));

	/* a futex word in a System V segment, waited on with a timeout */
	long old = sys_shmget(0x1c5e5151, 0, 0);
	if (old >= 0)
		sys_shmctl(old, IPC_RMID, 0);
	int shmid = sys_shmget(0x1c5e5151, PAGE_SIZE, IPC_CREAT | IPC_EXCL | 0600);
	volatile int *w = (volatile int *)sys_shmat(shmid, 0, 0);
	child = sys_fork();
	if (child == 0) {
		struct timespec t5 = { 5, 0 };
		w[1] = 1;
		long r = sys_futex((int *)&w[0], FUTEX_WAIT, 0, &t5);
		sys_exit_group(r == 0 ? 0 : -r);
	}
	while (w[1] == 0)
		sleep_ms(10);
	sleep_ms(200);
	w[0] = 1;
	say_dec("shm word: FUTEX_WAKE", sys_futex((int *)&w[0], FUTEX_WAKE, 1, 0));
	sys_wait4(child, &st, 0, 0);
	say_status("child (woken before its 5 s timeout)", st);
	sys_shmdt((void *)w);
	sys_shmctl(shmid, IPC_RMID, 0);
	(void)ok;
	return 0;
}

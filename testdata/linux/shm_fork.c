/*
 * shm_fork: attachments across fork(2), exit and execve-free detach.
 *
 * shmop(2) NOTES: "After a fork(2), the child inherits the attached shared
 *   memory segments. After an execve(2), all attached shared memory segments
 *   are detached from the process. Upon _exit(2), all attached shared memory
 *   segments are detached from the process."
 * fork(2): "The child inherits copies of the parent's set of ... attached
 *   System V shared memory segments"; the memory itself is shared: a write by
 *   one shows at once in the other (semantics.md 6: "never copy-on-write"),
 *   while the child's private memory is a copy (fork_memory).
 * Linux ipc/shm.c: the inherited attachment is opened in the parent's
 *   context (shm_open during fork sets shm_lpid to the forking process); the
 *   child's exit (shm_close) sets shm_lpid to the child.
 */
#include "rt/rt.h"

#define KEY 0x1c5e5021

static struct shmid64_ds ds;
static long stat(int id)
{
	memset(&ds, 0, sizeof ds);
	return sys_shmctl(id, IPC_STAT, &ds);
}

static int private_word = 5;

int main(void)
{
	long old = sys_shmget(KEY, 0, 0);
	if (old >= 0)
		sys_shmctl(old, IPC_RMID, 0);
	int id = sys_shmget(KEY, PAGE_SIZE, IPC_CREAT | IPC_EXCL | 0600);
	volatile int *w = (volatile int *)sys_shmat(id, 0, 0);
	stat(id);
	say_dec("nattch", ds.shm_nattch);

	int up[2], down[2];
	sys_pipe2(up, 0);
	sys_pipe2(down, 0);
	char ch;
	long child = sys_fork();
	if (child == 0) {
		/* the same address is attached in the child */
		w[1] = w[0] + 1;   /* parent wrote 0: 1 */
		private_word = 99; /* private: a copy */
		sys_write(up[1], "1", 1);
		sys_read(down[0], &ch, 1);
		/* the parent's write after the fork */
		w[3] = w[2] == 42;
		sys_write(up[1], "2", 1);
		sys_read(down[0], &ch, 1);
		sys_exit_group(0);
	}
	sys_read(up[0], &ch, 1);
	stat(id);
	say_dec("nattch while the child lives", ds.shm_nattch);
	say_yes("lpid == the parent (the fork attached in its name)", ds.shm_lpid == sys_getpid());
	say_dec("the child's write seen by the parent at once", w[1]);
	say_dec("the child's write to a private global not seen", private_word);
	w[2] = 42;
	sys_write(down[1], "x", 1);
	sys_read(up[0], &ch, 1);
	say_dec("the child saw the parent's later write", w[3]);
	sys_write(down[1], "x", 1);
	int st;
	say_yes("wait4", sys_wait4(child, &st, 0, 0) == child);
	stat(id);
	say_dec("nattch after the child exited", ds.shm_nattch);
	say_yes("lpid == the child (its exit detached)", ds.shm_lpid == child);

	/* a child that detaches itself, and a grandchild */
	child = sys_fork();
	if (child == 0) {
		long gc = sys_fork();
		if (gc == 0) {
			w[4] = 7;
			sys_exit_group(0);
		}
		sys_wait4(gc, &st, 0, 0);
		w[5] = w[4] + 1;
		stat(id);
		int n = ds.shm_nattch;
		long r = sys_shmdt((void *)w);
		stat(id);
		sys_exit_group(n * 10 + ds.shm_nattch + (r ? 100 : 0));
	}
	sys_wait4(child, &st, 0, 0);
	say_dec("child: nattch before / after its own shmdt (10 * before + after)", W_EXITSTATUS(st));
	say_dec("a grandchild's write seen by the parent", w[4]);
	say_dec("the child's, after it", w[5]);
	stat(id);
	say_dec("nattch", ds.shm_nattch);

	say_dec("shmdt", sys_shmdt((void *)w));
	stat(id);
	say_dec("nattch", ds.shm_nattch);
	say_dec("IPC_RMID", sys_shmctl(id, IPC_RMID, 0));
	return 0;
}

/*
 * mmap_shared: MAP_SHARED|MAP_ANONYMOUS memory is shared across fork(2);
 * MAP_PRIVATE memory is copied.
 *
 * mmap(2) MAP_SHARED: "Share this mapping. Updates to the mapping are visible
 *   to other processes mapping the same region"; MAP_PRIVATE: "Create a
 *   private copy-on-write mapping. Updates to the mapping are not visible to
 *   other processes mapping the same file". MAP_ANONYMOUS: "The mapping is not
 *   backed by any file; its contents are initialized to zero."
 * fork(2): "The child inherits copies of the parent's ... memory mappings";
 *   "Memory mappings that have been marked with the madvise(2) MADV_DONTFORK
 *   flag are not inherited" (none here). semantics.md 11: "Shared mappings
 *   (MAP_SHARED, SysV shm) stay shared."
 * munmap(2) in the child removes only the child's mapping.
 */
#include "rt/rt.h"

int main(void)
{
	volatile int *sh = (volatile int *)sys_mmap(0, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE,
						    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	volatile int *pv = (volatile int *)sys_mmap(0, PAGE_SIZE, PROT_READ | PROT_WRITE,
						    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	say_yes("mmap MAP_SHARED|MAP_ANONYMOUS", (unsigned long)sh < (unsigned long)-4096);
	say_yes("page-aligned", ((unsigned long)sh & (PAGE_SIZE - 1)) == 0);
	int zero = 1;
	for (int i = 0; i < 2 * PAGE_SIZE / 4; i++)
		if (sh[i])
			zero = 0;
	say_yes("zero-filled", zero);
	sh[0] = 1;
	pv[0] = 1;

	int up[2], down[2];
	sys_pipe2(up, 0);
	sys_pipe2(down, 0);
	char ch;
	long child = sys_fork();
	if (child == 0) {
		int saw = sh[0] * 10 + pv[0]; /* the values at fork: 11 */
		sh[1] = 111;
		sh[1024] = 222; /* second page */
		pv[1] = 333;
		sys_write(up[1], "x", 1);
		sys_read(down[0], &ch, 1);
		/* the parent's writes after the fork */
		int later = sh[2] * 10 + pv[2]; /* shared 5, private 0 */
		sys_munmap((void *)sh, 2 * PAGE_SIZE);
		sys_exit_group((saw == 11) | (later == 50) << 1);
	}
	sys_read(up[0], &ch, 1);
	say_dec("MAP_SHARED: the child's write, seen by the parent at once", sh[1]);
	say_dec("MAP_SHARED: second page", sh[1024]);
	say_dec("MAP_PRIVATE: the child's write not seen", pv[1]);
	sh[2] = 5;
	pv[2] = 5;
	sys_write(down[1], "x", 1);
	int st;
	sys_wait4(child, &st, 0, 0);
	say_yes("child saw both values at fork", W_EXITSTATUS(st) & 1);
	say_yes("child saw the parent's later shared write, not its private one", W_EXITSTATUS(st) & 2);
	say_dec("the child's munmap left the parent's mapping", sh[1] + sh[2]);

	/* a grandchild still shares it */
	child = sys_fork();
	if (child == 0) {
		long gc = sys_fork();
		if (gc == 0) {
			sh[3] = 77;
			sys_exit_group(0);
		}
		sys_wait4(gc, &st, 0, 0);
		sys_exit_group(0);
	}
	sys_wait4(child, &st, 0, 0);
	say_dec("a grandchild's write seen", sh[3]);

	/* a shared mapping made after the fork is not shared */
	child = sys_fork();
	if (child == 0) {
		volatile int *late = (volatile int *)sys_mmap(0, PAGE_SIZE, PROT_READ | PROT_WRITE,
							      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		late[0] = 9;
		sys_exit_group(late[0]);
	}
	sys_wait4(child, &st, 0, 0);
	say_dec("child's own shared mapping worked", W_EXITSTATUS(st));
	say_dec("munmap", sys_munmap((void *)sh, 2 * PAGE_SIZE));
	return 0;
}

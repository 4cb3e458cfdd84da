/*
 * fork_memory: the child's memory is a copy.
 *
 * fork(2): "The child process and the parent process run in separate memory
 * spaces. At the time of fork() both memory spaces have the same content. Memory
 * writes ... performed by one of the processes do not affect the other."
 * Checked for a global, a stack variable, a brk(2) page and an mmap(2) page.
 */
#include "rt/rt.h"

long global_var = 1;

static void show(const char *who, long g, long s, long b, long m)
{
	print(who);
	print(": global=");
	print_dec(g);
	print(" stack=");
	print_dec(s);
	print(" brk=");
	print_dec(b);
	print(" mmap=");
	print_dec(m);
	print("\n");
}

int main(void)
{
	volatile long stack_var = 1;
	long old = sys_brk(0);
	long *brk_page = (long *)old;
	sys_brk((void *)(old + PAGE_SIZE));
	long *mm = (long *)sys_mmap(0, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	*brk_page = 1;
	*mm = 1;
	int st;

	/* Child writes 2 everywhere; the parent waits, then still reads 1. */
	long pid = sys_fork();
	if (pid == 0) {
		global_var = 2;
		stack_var = 2;
		*brk_page = 2;
		*mm = 2;
		show("child after writing", global_var, stack_var, *brk_page, *mm);
		sys_exit_group(0);
	}
	sys_wait4(pid, &st, 0, 0);
	show("parent after child exit", global_var, stack_var, *brk_page, *mm);

	/* Parent writes 3, forks, then writes 4 and only then tells the child (via a
	 * pipe) to look: the child sees 3, the values at fork time. */
	global_var = 3;
	stack_var = 3;
	*brk_page = 3;
	*mm = 3;
	int fds[2];
	sys_pipe2(fds, 0);
	pid = sys_fork();
	if (pid == 0) {
		char c;
		sys_close(fds[1]);
		sys_read(fds[0], &c, 1);	/* wait until the parent has written 4 */
		show("second child", global_var, stack_var, *brk_page, *mm);
		sys_exit_group(0);
	}
	sys_close(fds[0]);
	global_var = 4;
	stack_var = 4;
	*brk_page = 4;
	*mm = 4;
	sys_write(fds[1], "x", 1);
	sys_wait4(pid, &st, 0, 0);
	show("parent at the end", global_var, stack_var, *brk_page, *mm);
	return 0;
}

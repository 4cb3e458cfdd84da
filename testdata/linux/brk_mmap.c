/*
 * brk_mmap: the program break and anonymous mappings.
 *
 * brk(2): the raw system call returns the new break on success and the current
 *   break on failure; brk(0) returns the current break. Pages added by growing
 *   the break are zero-filled, also after a shrink and a re-grow.
 * mmap(2): MAP_PRIVATE|MAP_ANONYMOUS memory is zero-initialised and page aligned;
 *   "EINVAL: length was 0"; munmap(2): "EINVAL: addr is not a multiple of the
 *   page size"; after munmap, "references to addresses in the range generate
 *   invalid memory references" (SIGSEGV).
 */
#include "rt/rt.h"

int main(void)
{
	int st;
	long b0 = sys_brk(0);
	say_yes("brk(0) == brk(0)", sys_brk(0) == b0);
	say_yes("initial break page aligned", (b0 & (PAGE_SIZE - 1)) == 0);

	long b1 = sys_brk((void *)(b0 + 10 * PAGE_SIZE));
	say_dec("grow by 10 pages: new brk - old brk", b1 - b0);
	say_yes("brk(0) reports the new break", sys_brk(0) == b1);
	unsigned char *p = (unsigned char *)b0;
	int zero = 1;
	for (long i = 0; i < 10 * PAGE_SIZE; i++)
		zero &= p[i] == 0;
	say_yes("new pages read zero", zero);
	for (long i = 0; i < 10 * PAGE_SIZE; i++)
		p[i] = 0xAB;
	say_dec("touched byte", p[10 * PAGE_SIZE - 1]);

	long b2 = sys_brk((void *)(b0 + 2 * PAGE_SIZE));
	say_dec("shrink to 2 pages: brk - old brk", b2 - b0);
	say_dec("kept page still holds", p[PAGE_SIZE]);
	long b3 = sys_brk((void *)(b0 + 10 * PAGE_SIZE));
	say_dec("grow again: brk - old brk", b3 - b0);
	zero = 1;
	for (long i = 2 * PAGE_SIZE; i < 10 * PAGE_SIZE; i++)
		zero &= p[i] == 0;
	say_yes("re-grown pages read zero", zero);
	say_dec("kept page after re-grow still holds", p[PAGE_SIZE - 1]);

	/* anonymous private mapping of 3 pages */
	long m = sys_mmap(0, 3 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	say_yes("mmap succeeded", m > 0 || m < -4095);
	say_yes("mmap result page aligned", (m & (PAGE_SIZE - 1)) == 0);
	unsigned char *q = (unsigned char *)m;
	zero = 1;
	for (long i = 0; i < 3 * PAGE_SIZE; i++)
		zero &= q[i] == 0;
	say_yes("mmap pages read zero", zero);
	for (long i = 0; i < 3 * PAGE_SIZE; i++)
		q[i] = (unsigned char)i;
	say_dec("munmap middle page", sys_munmap(q + PAGE_SIZE, PAGE_SIZE));
	say_dec("first page still holds", q[100]);
	say_dec("last page still holds", q[2 * PAGE_SIZE + 200]);

	/* A child touching the unmapped middle page dies by SIGSEGV. */
	long pid = sys_fork();
	if (pid == 0) {
		no_core_dumps();
		*(volatile unsigned char *)(q + PAGE_SIZE + 8) = 1;
		print("child survived the write to an unmapped page\n");
		sys_exit_group(0);
	}
	sys_wait4(pid, &st, 0, 0);
	say_status("child touching the unmapped page", st);

	/* errors */
	say_dec("mmap length 0", sys_mmap(0, 0, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
	say_dec("munmap unaligned address", sys_munmap(q + 1, PAGE_SIZE));
	say_dec("munmap length 0", sys_munmap(q, 0));
	say_dec("munmap of the already unmapped page", sys_munmap(q + PAGE_SIZE, PAGE_SIZE));
	say_dec("munmap the rest", sys_munmap(q, 3 * PAGE_SIZE));
	return 0;
}

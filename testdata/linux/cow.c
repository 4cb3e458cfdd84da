/*
 * cow: copy-on-write over many pages, and a nested fork.
 *
 * fork(2): "the child's ... pages are copy-on-write"; whatever the mechanism, a
 * write by one process is never seen by the other. The parent fills 64 pages, the
 * child rewrites every 4th page and checksums, a grandchild (fork from the child)
 * starts from the child's contents and writes again; each side's checksum is
 * unaffected by the others.
 */
#include "rt/rt.h"

#define NPAGES 64
static unsigned char big[NPAGES * PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));

static unsigned long checksum(void)
{
	unsigned long h = 1469598103934665603UL;	/* FNV-1a, 64 bit */
	for (unsigned long i = 0; i < sizeof big; i++) {
		h ^= big[i];
		h *= 1099511628211UL;
	}
	return h;
}

static void fill(int step, unsigned char add)
{
	for (int p = 0; p < NPAGES; p += step)
		for (int i = 0; i < PAGE_SIZE; i++)
			big[p * PAGE_SIZE + i] = (unsigned char)(p * 7 + i * 13 + add);
}

int main(void)
{
	int st;
	fill(1, 0);
	unsigned long before = checksum();
	say_hex("parent checksum", before);

	long pid = sys_fork();
	if (pid == 0) {
		unsigned long c0 = checksum();
		say_yes("child sees the parent's data", c0 == before);
		fill(4, 1);
		unsigned long c1 = checksum();
		say_hex("child checksum after writing every 4th page", c1);
		long g = sys_fork();
		if (g == 0) {
			say_yes("grandchild sees the child's data", checksum() == c1);
			fill(2, 2);
			say_hex("grandchild checksum after writing every 2nd page", checksum());
			sys_exit_group(0);
		}
		sys_wait4(g, &st, 0, 0);
		say_yes("child data unchanged by the grandchild", checksum() == c1);
		sys_exit_group(0);
	}
	sys_wait4(pid, &st, 0, 0);
	say_status("child", st);
	say_yes("parent data unchanged by child and grandchild", checksum() == before);
	return 0;
}

/*
 * nop: exit 0 at once. The smallest static program: what execbench
 * starts, and what measures the start of a whole machine (ipcsim exec nop)
 * against qemu-riscv64 nop.
 */
#include "../linux/rt/rt.h"

int main(int argc, char **argv, char **envp)
{
	(void)argc, (void)argv, (void)envp;
	return 0;
}

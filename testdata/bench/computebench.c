/*
 * computebench: a compute loop with loads, stores, arithmetic and branches
 * (an xorshift generator filling and summing an array). Usage:
 * computebench N. Prints the checksum, the same on every machine. The
 * instructions-per-second benchmark, on ipcsim and under qemu-riscv64.
 */
#include "../linux/rt/rt.h"
#include "bench.h"

static unsigned long table[1024];

int main(int argc, char **argv, char **envp)
{
	long n = argc > 1 ? atol_(argv[1]) : 1000;
	unsigned long x = 88172645463325252UL, sum = 0;
	(void)envp;
	for (long r = 0; r < n; r++) {
		for (int i = 0; i < 1024; i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			table[i] += x;
		}
		for (int i = 0; i < 1024; i++)
			sum += table[i] * (unsigned long)(i | 1);
	}
	say_hex("checksum", sum);
	return 0;
}

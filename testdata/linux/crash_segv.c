/*
 * crash_segv: the program itself dies by SIGSEGV.
 *
 * signal(7): the default action of SIGSEGV is to terminate the process (and dump
 * core). The shell reports a death by signal N as exit status 128 + N: 139.
 * Output written before the crash stays written (our prints are unbuffered).
 */
#include "rt/rt.h"

int main(void)
{
	no_core_dumps();
	print("about to store to address 0\n");
	*(volatile long *)0 = 1;
	print("not reached\n");
	return 0;
}

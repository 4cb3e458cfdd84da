/*
 * efault: bad user pointers give EFAULT (14), errno(3): "EFAULT Bad address".
 *
 * write(2): "EFAULT buf is outside your accessible address space."
 * clock_gettime(2), uname(2): EFAULT for a bad struct pointer.
 * wait4(2): the child is reaped first, then storing the status fails: the call
 *   returns EFAULT and the child is gone (a second wait gives ECHILD).
 * Not checked here (qemu-user departs from the kernel; see README.md):
 * nanosleep(bad, 0) (kernel: EFAULT; qemu 7.2 sleeps on an uninitialised
 * timespec), a write whose buffer runs into an unmapped page, read(2) into a bad
 * buffer from /dev/null.
 */
#include "rt/rt.h"

#define BAD ((void *)8)

int main(void)
{
	int st;
	say_dec("write(1, 8, 5)", sys_write(1, BAD, 5));
	say_dec("write(1, 8, 0)", sys_write(1, BAD, 0));
	say_dec("clock_gettime(CLOCK_MONOTONIC, 8)", sys_clock_gettime(CLOCK_MONOTONIC, BAD));
	say_dec("uname(8)", sys_uname(BAD));

	long pid = sys_fork();
	if (pid == 0)
		sys_exit_group(3);
	say_dec("wait4(pid, 8, 0, 0)", sys_wait4(pid, BAD, 0, 0));
	say_dec("then wait4(-1) (child already reaped)", sys_wait4(-1, &st, 0, 0));
	return 0;
}

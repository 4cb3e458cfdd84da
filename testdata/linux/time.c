/*
 * time: clocks, sleeping and identity calls.
 *
 * clock_gettime(2)/nanosleep(2): CLOCK_MONOTONIC does not go back, and nanosleep
 *   "suspends the execution ... until at least the time specified"; "EINVAL: the
 *   value in the tv_nsec field was not in the range [0, 999999999] or tv_sec was
 *   negative".
 * sched_yield(2): "On success, sched_yield() returns 0."
 * uname(2): sysname "Linux"; machine is "riscv64" for this ABI.
 * gettid(2): in a single-threaded process the tid equals the pid.
 * set_tid_address(2): "always returns the caller's thread ID".
 */
#include "rt/rt.h"

int main(void)
{
	struct timespec a, b, req;
	say_dec("clock_gettime(CLOCK_MONOTONIC)", sys_clock_gettime(CLOCK_MONOTONIC, &a));
	say_dec("nanosleep(10 ms)", sleep_ms(10));
	sys_clock_gettime(CLOCK_MONOTONIC, &b);
	long ns = (b.tv_sec - a.tv_sec) * 1000000000L + (b.tv_nsec - a.tv_nsec);
	say_yes("elapsed >= 10 ms", ns >= 10000000L);
	say_yes("tv_nsec in range", b.tv_nsec >= 0 && b.tv_nsec < 1000000000L);
	req.tv_sec = 0;
	req.tv_nsec = 1000000000L;
	say_dec("nanosleep tv_nsec = 1e9", sys_nanosleep(&req, 0));
	req.tv_sec = -1;
	req.tv_nsec = 0;
	say_dec("nanosleep tv_sec = -1", sys_nanosleep(&req, 0));
	req.tv_sec = 0;
	req.tv_nsec = -1;
	say_dec("nanosleep tv_nsec = -1", sys_nanosleep(&req, 0));
	req.tv_sec = 0;
	req.tv_nsec = 0;
	say_dec("nanosleep 0", sys_nanosleep(&req, 0));
	say_dec("clock_gettime(clock 12345)", sys_clock_gettime(12345, &a));
	say_dec("sched_yield", sys_sched_yield());

	struct utsname u;
	say_dec("uname", sys_uname(&u));
	say_str("sysname", u.sysname);
	say_str("machine", u.machine);

	long pid = sys_getpid();
	say_yes("getpid > 0", pid > 0);
	say_yes("getpid == gettid", pid == sys_gettid());
	say_yes("getppid > 0", sys_getppid() > 0);
	say_yes("getppid != getpid", sys_getppid() != pid);
	static int tid_slot;
	say_yes("set_tid_address returns the tid", sys_set_tid_address(&tid_slot) == pid);
	return 0;
}

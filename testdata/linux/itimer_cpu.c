/*
 * itimer_cpu: ITIMER_VIRTUAL and ITIMER_PROF, the timers of CPU time.
 *
 * setitimer(2): "ITIMER_VIRTUAL This timer counts down against the
 *   user-mode CPU time consumed by the process. ... At each expiration, a
 *   SIGVTALRM signal is generated." "ITIMER_PROF This timer counts down
 *   against the total (i.e., both user and system) CPU time consumed by the
 *   process. ... At each expiration, a SIGPROF signal is generated."
 *   "If both fields in new_value.it_value are zero, then the timer is
 *   disarmed." "If old_value is non-NULL, the buffer it points to is used to
 *   return the previous value of the timer".
 * fork(2): "The child does not inherit timers from its parent".
 * signal(7): SIGVTALRM's and SIGPROF's default action is Term.
 *
 * Only relations are printed: the CPU time a loop takes is the host's.
 * Linux adds a clock tick to a CPU timer's first expiry (set_cpu_itimer:
 * 4 ms at HZ=250), so a value read back may exceed the one set by up to
 * a tick: the bounds below allow 10 ms (HZ=100).
 */
#include "rt/rt.h"

#define ITIMER_VIRTUAL 1
#define ITIMER_PROF    2
#define SIGVTALRM      26
#define SIGPROF        27

static volatile int vtalrms, profs;
static void on_vtalrm(int sig) { (void)sig; vtalrms++; }
static void on_prof(int sig) { (void)sig; profs++; }

static long tv_us(const struct timeval *tv) { return tv->tv_sec * 1000000 + tv->tv_usec; }

/* spin burns CPU time in user mode until *flag reaches n. */
static void spin(volatile int *flag, int n)
{
	volatile unsigned long x = 0;
	while (*flag < n)
		x++;
}

/* looping_child forks a child that restores sig's default action, arms
 * timer which for 20 ms and loops; it returns the child's wait status. */
static int looping_child(int which, int sig, volatile int *flag)
{
	int st;
	long pid = sys_fork();
	if (pid == 0) {
		struct itimerval it;
		set_handler(sig, SIG_DFL);
		memset(&it, 0, sizeof it);
		it.it_value.tv_usec = 20000;
		sys_setitimer(which, &it, 0);
		spin(flag, 1000000);
		sys_exit_group(0);
	}
	sys_wait4(pid, &st, 0, 0);
	return st;
}

int main(void)
{
	struct itimerval it, old, cur;
	int st;

	set_handler(SIGVTALRM, (void *)on_vtalrm);
	set_handler(SIGPROF, (void *)on_prof);
	memset(&cur, 0xff, sizeof cur);
	say_dec("getitimer VIRTUAL, never armed", sys_getitimer(ITIMER_VIRTUAL, &cur));
	say_dec("its value (us)", tv_us(&cur.it_value));
	memset(&cur, 0xff, sizeof cur);
	say_dec("getitimer PROF, never armed", sys_getitimer(ITIMER_PROF, &cur));
	say_dec("its value (us)", tv_us(&cur.it_value));

	/* VIRTUAL, single shot, 20 ms of CPU time: a loop gets one SIGVTALRM */
	memset(&it, 0, sizeof it);
	it.it_value.tv_usec = 20000;
	say_dec("setitimer VIRTUAL 20 ms", sys_setitimer(ITIMER_VIRTUAL, &it, 0));
	sys_getitimer(ITIMER_VIRTUAL, &cur);
	say_yes("getitimer: 0 < value <= 20 ms + a tick", tv_us(&cur.it_value) > 0 && tv_us(&cur.it_value) <= 30000);
	spin(&vtalrms, 1);
	say_dec("a loop until SIGVTALRM: count", vtalrms);
	sys_getitimer(ITIMER_VIRTUAL, &cur);
	say_dec("getitimer after it fired (us)", tv_us(&cur.it_value));

	/* sleeping uses no CPU time: a 200 ms sleep does not fire a 50 ms timer */
	it.it_value.tv_usec = 50000;
	sys_setitimer(ITIMER_VIRTUAL, &it, 0);
	sleep_ms(200);
	sys_getitimer(ITIMER_VIRTUAL, &cur);
	say_yes("after a 200 ms sleep: still armed", tv_us(&cur.it_value) > 0);
	say_dec("and no SIGVTALRM: count", vtalrms);
	memset(&it, 0, sizeof it);
	say_dec("setitimer VIRTUAL 0 (disarm)", sys_setitimer(ITIMER_VIRTUAL, &it, &old));
	say_yes("old value: 0 < value <= 50 ms + a tick", tv_us(&old.it_value) > 0 && tv_us(&old.it_value) <= 60000);

	/* PROF, interval 10 ms: fires again and again while the loop runs */
	it.it_value.tv_usec = 10000;
	it.it_interval.tv_usec = 10000;
	say_dec("setitimer PROF 10 ms interval", sys_setitimer(ITIMER_PROF, &it, 0));
	spin(&profs, 3);
	memset(&it, 0, sizeof it);
	sys_setitimer(ITIMER_PROF, &it, &old);
	say_dec("a loop until the third SIGPROF: count", profs);
	say_dec("old interval when disarmed (us)", tv_us(&old.it_interval));
	spin(&profs, 0);
	sys_getitimer(ITIMER_PROF, &cur);
	say_dec("getitimer PROF after disarming (us)", tv_us(&cur.it_value));
	say_dec("no SIGVTALRM meanwhile: count", vtalrms);

	/* fork: the child has neither timer */
	it.it_value.tv_sec = 5;
	sys_setitimer(ITIMER_VIRTUAL, &it, 0);
	sys_setitimer(ITIMER_PROF, &it, 0);
	long pid = sys_fork();
	if (pid == 0) {
		struct itimerval v, p;
		sys_getitimer(ITIMER_VIRTUAL, &v);
		sys_getitimer(ITIMER_PROF, &p);
		sys_exit_group(tv_us(&v.it_value) == 0 && tv_us(&p.it_value) == 0 ? 0 : 1);
	}
	sys_wait4(pid, &st, 0, 0);
	say_status("fork child: its timers are disarmed", st);
	sys_getitimer(ITIMER_VIRTUAL, &cur);
	say_yes("the parent's VIRTUAL timer is still armed", tv_us(&cur.it_value) > 0);
	memset(&it, 0, sizeof it);
	sys_setitimer(ITIMER_VIRTUAL, &it, 0);
	sys_setitimer(ITIMER_PROF, &it, 0);

	/* a child that exits with both timers armed */
	pid = sys_fork();
	if (pid == 0) {
		it.it_value.tv_sec = 5;
		sys_setitimer(ITIMER_VIRTUAL, &it, 0);
		sys_setitimer(ITIMER_PROF, &it, 0);
		sys_exit_group(7);
	}
	sys_wait4(pid, &st, 0, 0);
	say_status("a child that exits with both timers armed", st);

	/* the default actions: a looping child dies by the signal */
	say_status("a looping child with a 20 ms VIRTUAL timer and SIG_DFL", looping_child(ITIMER_VIRTUAL, SIGVTALRM, &vtalrms));
	say_status("a looping child with a 20 ms PROF timer and SIG_DFL", looping_child(ITIMER_PROF, SIGPROF, &profs));
	return 0;
}

/*
 * itimer: ITIMER_REAL interval timers.
 *
 * setitimer(2): "ITIMER_REAL This timer counts down in real (i.e., wall clock)
 *   time. At each expiration, a SIGALRM signal is generated." "If either field
 *   in new_value.it_value is nonzero, then the timer is armed to initially
 *   expire at the specified time. If both fields in new_value.it_value are
 *   zero, then the timer is disarmed." "The new_value.it_interval field
 *   specifies the new interval for the timer; if both of its subfields are
 *   zero, the timer is single-shot." "If old_value is non-NULL, the buffer it
 *   points to is used to return the previous value of the timer".
 * getitimer(2): "places the current value of the timer ... it_value is set to
 *   the amount of time remaining on the timer, or zero if the timer is
 *   disabled."
 * setitimer(2) ERRORS: "EINVAL which is not one of ITIMER_REAL,
 *   ITIMER_VIRTUAL, or ITIMER_PROF; or ... one of the tv_usec fields in the
 *   structure pointed to by new_value contains a value outside the range 0 to
 *   999999."
 * fork(2): "The child does not inherit timers from its parent (setitimer(2),
 *   alarm(2), timer_create(2))."
 * signal(7): SIGALRM's default action is Term.
 *
 * Only relations between times are printed (the recording runs in real time).
 */
#include "rt/rt.h"

static volatile int alarms;
static void on_alrm(int sig) { (void)sig; alarms++; }

static long tv_us(const struct timeval *tv) { return tv->tv_sec * 1000000 + tv->tv_usec; }

int main(void)
{
	struct itimerval it, old, cur;
	int st;
	unsigned long none = 0;

	set_handler(SIGALRM, (void *)on_alrm);
	memset(&cur, 0, sizeof cur);
	say_dec("getitimer, never armed", sys_getitimer(ITIMER_REAL, &cur));
	say_dec("its value (us)", tv_us(&cur.it_value));

	/* single shot, 1 s: counts down */
	memset(&it, 0, sizeof it);
	it.it_value.tv_sec = 1;
	memset(&old, 0xff, sizeof old);
	say_dec("setitimer 1 s", sys_setitimer(ITIMER_REAL, &it, &old));
	say_dec("old value (us)", tv_us(&old.it_value));
	sys_getitimer(ITIMER_REAL, &cur);
	long first = tv_us(&cur.it_value);
	say_yes("getitimer: 0 < value <= 1 s", first > 0 && first <= 1000000);
	say_dec("getitimer: interval (us)", tv_us(&cur.it_interval));
	sleep_ms(100);
	sys_getitimer(ITIMER_REAL, &cur);
	say_yes("100 ms later: value <= 900 ms and less than before", tv_us(&cur.it_value) <= 900000 && tv_us(&cur.it_value) < first);
	/* replacing it returns the old one and disarms */
	memset(&it, 0, sizeof it);
	say_dec("setitimer 0 (disarm)", sys_setitimer(ITIMER_REAL, &it, &old));
	say_yes("old value: 0 < value <= 900 ms", tv_us(&old.it_value) > 0 && tv_us(&old.it_value) <= 900000);
	sys_getitimer(ITIMER_REAL, &cur);
	say_dec("getitimer after disarm (us)", tv_us(&cur.it_value));

	/* single shot, 50 ms: one SIGALRM, then disarmed */
	it.it_value.tv_usec = 50000;
	sys_setitimer(ITIMER_REAL, &it, 0);
	block_sigs(SIGBIT(SIGALRM));
	while (alarms == 0)
		sys_rt_sigsuspend(&none);
	set_mask(0);
	say_dec("50 ms single shot: SIGALRM count", alarms);
	sleep_ms(200);
	say_dec("200 ms later: still", alarms);
	sys_getitimer(ITIMER_REAL, &cur);
	say_dec("getitimer after it fired (us)", tv_us(&cur.it_value));

	/* interval: 30 ms, fires again and again */
	alarms = 0;
	it.it_value.tv_usec = 30000;
	it.it_interval.tv_usec = 30000;
	sys_setitimer(ITIMER_REAL, &it, 0);
	block_sigs(SIGBIT(SIGALRM));
	while (alarms < 3)
		sys_rt_sigsuspend(&none);
	memset(&it, 0, sizeof it);
	sys_setitimer(ITIMER_REAL, &it, &old);
	set_mask(0);
	say_dec("30 ms interval timer: waited for SIGALRM count", alarms);
	say_dec("old interval when disarmed (us)", tv_us(&old.it_interval));
	say_yes("old value when disarmed: 0 < value <= 30 ms", tv_us(&old.it_value) > 0 && tv_us(&old.it_value) <= 30000);
	sleep_ms(100);
	say_dec("100 ms after disarming: count", alarms);

	/* errors */
	it.it_value.tv_usec = 1000000;
	say_dec("setitimer tv_usec 1000000", sys_setitimer(ITIMER_REAL, &it, 0));
	it.it_value.tv_usec = -1;
	say_dec("setitimer tv_usec -1", sys_setitimer(ITIMER_REAL, &it, 0));
	it.it_value.tv_usec = 0;
	it.it_value.tv_sec = -1;
	say_dec("setitimer tv_sec -1", sys_setitimer(ITIMER_REAL, &it, 0));
	memset(&it, 0, sizeof it);
	say_dec("setitimer which 3", sys_setitimer(3, &it, 0));
	say_dec("getitimer which 3", sys_getitimer(3, &cur));
	sys_getitimer(ITIMER_REAL, &cur);
	say_dec("ITIMER_REAL after the failed calls (us)", tv_us(&cur.it_value));

	/* fork: the child has no timer */
	it.it_value.tv_sec = 5;
	sys_setitimer(ITIMER_REAL, &it, 0);
	long pid = sys_fork();
	if (pid == 0) {
		sys_getitimer(ITIMER_REAL, &cur);
		sys_exit_group(tv_us(&cur.it_value) == 0 ? 0 : 1);
	}
	sys_wait4(pid, &st, 0, 0);
	say_status("fork child: its timer is disarmed", st);
	memset(&it, 0, sizeof it);
	sys_setitimer(ITIMER_REAL, &it, 0);

	/* SIGALRM's default action: a child with a 50 ms timer dies */
	pid = sys_fork();
	if (pid == 0) {
		set_handler(SIGALRM, SIG_DFL);
		it.it_value.tv_usec = 50000;
		sys_setitimer(ITIMER_REAL, &it, 0);
		sleep_ms(2000);
		sys_exit_group(0);
	}
	sys_wait4(pid, &st, 0, 0);
	say_status("a child with a 50 ms timer and SIG_DFL", st);
	return 0;
}

/*
 * sig_mask_pending: blocking, pending, queueing and delivery order.
 *
 * signal(7): "A signal may be blocked, which means that it will not be
 *   delivered until it is later unblocked. Between the time when it is
 *   generated and when it is delivered a signal is said to be pending."
 * sigpending(2): "returns the set of signals that are pending for delivery".
 * sigprocmask(2): SIG_BLOCK, SIG_UNBLOCK, SIG_SETMASK; "EINVAL The value
 *   specified in how was invalid"; "It is not possible to block SIGKILL or
 *   SIGSTOP. Attempts to do so are silently ignored."; rt_sigprocmask with a
 *   sigsetsize other than 8 fails with EINVAL.
 * POSIX (sigprocmask): "If there are any pending unblocked signals after the
 *   call to sigprocmask(), at least one of those signals shall be delivered
 *   before the call to sigprocmask() returns."
 * signal(7): "Standard signals do not queue. If multiple instances of a
 *   standard signal are generated while that signal is blocked, then only one
 *   instance of the signal is marked as pending"; "Multiple instances of
 *   real-time signals can be queued."
 * signal(7): "the lowest-numbered pending signal is delivered first"
 *   (rt_sigtimedwait takes them in that order; standard before real-time).
 * sigaction(2): "EINVAL An invalid signal was specified. This will also be
 *   generated if an attempt is made to change the action for SIGKILL or
 *   SIGSTOP".
 * POSIX (sigaction): "Setting a signal action to SIG_IGN for a signal that is
 *   pending shall cause the pending signal to be discarded, whether or not it
 *   is blocked" (and SIG_DFL for a signal whose default is to ignore).
 * signal(7) / kernel: a blocked signal is made pending even if its action is
 *   to ignore it (the action may change before it is unblocked); an unblocked
 *   ignored signal is dropped when generated.
 * sigtimedwait(2): returns the signal number and fills siginfo; "EAGAIN No
 *   signal in set was became pending within the timeout".
 *
 * Delivery of several unblocked signals at once: Linux sets up one frame per
 * signal, lowest first, before returning to user mode, so the LAST frame
 * (highest number) runs first, unless the handlers block each other (sa_mask):
 * then each next signal waits for the previous handler's sigreturn.
 * qemu-user 7.2 ignores sa_mask: that line is the kernel's (kernel-fixups.txt).
 */
#include "rt/rt.h"

static char order[64];
static volatile int olen;
static volatile int count_usr1, count_rt;
static void record(int sig)
{
	if (sig >= 10)
		order[olen++] = '0' + sig / 10;
	order[olen++] = '0' + sig % 10;
	order[olen++] = ' ';
	if (sig == SIGUSR1) {
		count_usr1++;
		print("handler: SIGUSR1\n");
	}
	if (sig == SIGRTMIN_K)
		count_rt++;
}
static void say_order(const char *label)
{
	order[olen > 0 ? olen - 1 : 0] = 0;
	say_str(label, order);
	olen = 0;
}

int main(void)
{
	long me = sys_getpid();
	unsigned long m, bad;
	struct k_siginfo si;
	struct timespec zero = { 0, 0 }, short_ts = { 0, 50000000 };

	set_handler(SIGUSR1, (void *)record);
	set_handler(SIGUSR2, (void *)record);
	set_handler(SIGTERM, (void *)record);
	set_handler(SIGRTMIN_K, (void *)record);

	/* blocked: pending, not delivered; unblocking delivers it before
	 * rt_sigprocmask returns */
	say_dec("block SIGUSR1", block_sigs(SIGBIT(SIGUSR1)));
	say_hex("mask", get_mask());
	sys_kill(me, SIGUSR1);
	say_hex("pending after kill", get_pending());
	say_dec("handler runs so far", count_usr1);
	unblock_sigs(SIGBIT(SIGUSR1));
	print("rt_sigprocmask SIG_UNBLOCK returned\n");
	say_hex("pending after unblock", get_pending());

	/* standard signals do not queue; real-time ones do */
	count_usr1 = 0;
	block_sigs(SIGBIT(SIGUSR1) | SIGBIT(SIGRTMIN_K));
	for (int i = 0; i < 3; i++) {
		sys_kill(me, SIGUSR1);
		sys_kill(me, SIGRTMIN_K);
	}
	set_mask(0);
	say_dec("SIGUSR1 sent 3 times while blocked, handler runs", count_usr1);
	say_dec("signal 34 sent 3 times while blocked, handler runs", count_rt);
	olen = 0;

	/* several pending at once, no sa_mask: frames stacked, highest runs first */
	set_mask(SIGBIT(SIGUSR1) | SIGBIT(SIGUSR2) | SIGBIT(SIGTERM));
	sys_kill(me, SIGTERM);
	sys_kill(me, SIGUSR2);
	sys_kill(me, SIGUSR1);
	set_mask(0);
	say_order("handler order, no sa_mask");
	/* with sa_mask blocking the others: lowest first, one after the other */
	unsigned long all3 = SIGBIT(SIGUSR1) | SIGBIT(SIGUSR2) | SIGBIT(SIGTERM);
	set_action(SIGUSR1, (void *)record, 0, all3);
	set_action(SIGUSR2, (void *)record, 0, all3);
	set_action(SIGTERM, (void *)record, 0, all3);
	set_mask(all3);
	sys_kill(me, SIGTERM);
	sys_kill(me, SIGUSR2);
	sys_kill(me, SIGUSR1);
	print("(the SIGUSR1 handler prints)\n");
	set_mask(0);
	say_order("handler order, sa_mask blocks the other two");

	/* rt_sigtimedwait takes the lowest pending first, standard before RT */
	m = all3 | SIGBIT(SIGRTMIN_K) | SIGBIT(SIGRTMIN_K + 1);
	set_mask(m);
	sys_kill(me, SIGRTMIN_K + 1);
	sys_kill(me, SIGRTMIN_K);
	sys_kill(me, SIGTERM);
	sys_kill(me, SIGUSR2);
	sys_kill(me, SIGUSR1);
	for (int i = 0; i < 5; i++) {
		memset(&si, 0, sizeof si);
		long r = sys_rt_sigtimedwait(&m, &si, &zero);
		print("rt_sigtimedwait: ");
		print_dec(r);
		print(" si_signo ");
		print_dec(si.si_signo);
		print(" si_code ");
		print_dec(si.si_code);
		print(si.si_pid == me ? " si_pid self\n" : " si_pid other\n");
	}
	say_dec("rt_sigtimedwait, nothing pending, zero timeout", sys_rt_sigtimedwait(&m, &si, &zero));
	say_dec("rt_sigtimedwait, nothing pending, 50 ms", sys_rt_sigtimedwait(&m, &si, &short_ts));
	say_dec("handler runs during all that", olen);
	set_mask(0);

	/* SIGKILL and SIGSTOP cannot be blocked, caught or ignored */
	m = SIGBIT(SIGKILL) | SIGBIT(SIGSTOP) | SIGBIT(SIGUSR2);
	say_dec("block SIGKILL, SIGSTOP, SIGUSR2", sys_rt_sigprocmask(SIG_BLOCK, &m, 0));
	say_hex("mask read back", get_mask());
	set_mask(0);
	say_dec("rt_sigaction SIGKILL handler", set_handler(SIGKILL, (void *)record));
	say_dec("rt_sigaction SIGSTOP SIG_IGN", set_handler(SIGSTOP, SIG_IGN));
	say_dec("rt_sigaction SIGKILL SIG_DFL", set_handler(SIGKILL, SIG_DFL));
	struct k_sigaction old;
	say_dec("rt_sigaction SIGKILL read only", sys_rt_sigaction(SIGKILL, 0, &old));
	say_dec("rt_sigaction signal 0", set_handler(0, SIG_IGN));
	say_dec("rt_sigaction signal 65", set_handler(65, SIG_IGN));
	say_dec("rt_sigaction signal 64", set_handler(64, SIG_IGN));
	set_handler(64, SIG_DFL);
	bad = 0;
	say_dec("rt_sigprocmask how 3", sys_rt_sigprocmask(3, &bad, 0));
	say_dec("rt_sigprocmask how 3, no set", sys_rt_sigprocmask(3, 0, 0));
	say_dec("rt_sigprocmask sigsetsize 4", syscall4(SYS_rt_sigprocmask, SIG_BLOCK, &bad, 0, 4));
	say_dec("rt_sigpending sigsetsize 16", syscall2(SYS_rt_sigpending, &bad, 16));
	say_dec("rt_sigaction sigsetsize 16", syscall4(SYS_rt_sigaction, SIGUSR1, 0, &old, 16));

	/* ignored signals: dropped when generated unless blocked; SIG_IGN
	 * discards a pending one */
	set_handler(SIGUSR2, SIG_IGN);
	sys_kill(me, SIGUSR2);
	say_hex("SIG_IGN, unblocked: pending", get_pending());
	block_sigs(SIGBIT(SIGUSR2) | SIGBIT(SIGURG));
	sys_kill(me, SIGUSR2);
	sys_kill(me, SIGURG);
	say_hex("SIG_IGN SIGUSR2 and default-ignored SIGURG, blocked: pending", get_pending());
	set_handler(SIGUSR1, (void *)record);
	block_sigs(SIGBIT(SIGUSR1));
	sys_kill(me, SIGUSR1);
	say_hex("blocked SIGUSR1 pending too", get_pending());
	set_handler(SIGUSR1, SIG_IGN);
	say_hex("after SIG_IGN for SIGUSR1", get_pending());
	set_handler(SIGURG, SIG_DFL);
	say_hex("after SIG_DFL for SIGURG (default Ign)", get_pending());
	set_handler(SIGUSR2, SIG_IGN);
	say_hex("after SIG_IGN again for SIGUSR2", get_pending());
	set_mask(0);
	return 0;
}

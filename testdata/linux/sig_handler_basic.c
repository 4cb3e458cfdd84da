/*
 * sig_handler_basic: running a handler.
 *
 * sigaction(2): "sa_handler specifies the action to be associated with signum
 *   ... a pointer to a signal handling function. This function receives the
 *   signal number as its only argument."
 * sigaction(2) SA_SIGINFO: "The signal handler takes three arguments, not
 *   one. ... siginfo_t ... si_signo, si_code ..."; "Signals sent with kill(2)
 *   and sigqueue(3) fill in si_pid and si_uid"; si_code SI_USER (0): "kill(2)";
 *   SI_TKILL (-6): "tkill(2) or tgkill(2)".
 * sigaction(2) sa_mask: "specifies a mask of signals which should be blocked
 *   (i.e., added to the signal mask of the thread in which the signal handler
 *   is invoked) during execution of the signal handler. In addition, the
 *   signal which triggered the handler will be blocked, unless the SA_NODEFER
 *   flag is used."
 * sigaction(2) SA_NODEFER: "Do not add the signal to the thread's signal mask
 *   while the handler is executing" (so the same signal nests).
 * sigaction(2) SA_RESETHAND: "Restore the signal action to the default upon
 *   entry to the signal handler."
 * sigreturn(2): when the handler returns, the mask before the handler is
 *   restored and the interrupted code goes on.
 * sigaction(2): "If oldact is non-NULL, the previous action is saved in
 *   oldact." (handler, flags and mask read back; SIGKILL and SIGSTOP are
 *   silently dropped from sa_mask).
 *
 * qemu-user 7.2 reads sa_mask from the wrong offset (see rt.h): the two lines
 * that show sa_mask are recorded as the kernel prints them (kernel-fixups.txt).
 */
#include "rt/rt.h"

static volatile long h_sig, h_signo, h_code, h_pid, h_uid, h_count;
static volatile unsigned long h_mask;

static void on_info(int sig, struct k_siginfo *si, void *uc)
{
	(void)uc;
	h_sig = sig;
	h_signo = si->si_signo;
	h_code = si->si_code;
	h_pid = si->si_pid;
	h_uid = si->si_uid;
	h_mask = get_mask();
	h_count++;
}

static void on_plain(int sig)
{
	h_sig = sig;
	h_mask = get_mask();
	h_count++;
}

/* nesting: the handler sends itself the same signal once */
static char trace[64];
static volatile int tlen, depth;
static void on_nest(int sig)
{
	trace[tlen++] = '(';
	if (depth++ == 0)
		sys_kill(sys_getpid(), sig);
	trace[tlen++] = ')';
	(void)sig;
}

int main(void)
{
	long me = sys_getpid();
	struct k_sigaction old;

	/* plain handler: a0 is the signal number; the mask during the handler
	 * holds the signal; it is restored afterwards */
	say_dec("rt_sigaction SIGUSR1 plain handler", set_handler(SIGUSR1, (void *)on_plain));
	say_dec("kill self SIGUSR1", sys_kill(me, SIGUSR1));
	say_dec("handler ran, a0", h_sig);
	say_hex("mask inside the handler", h_mask);
	say_hex("mask after the handler", get_mask());

	/* SA_SIGINFO: siginfo for kill, tkill, tgkill */
	h_count = 0;
	say_dec("rt_sigaction SIGUSR2 SA_SIGINFO", set_action(SIGUSR2, (void *)on_info, SA_SIGINFO, 0));
	sys_kill(me, SIGUSR2);
	say_dec("kill: a0", h_sig);
	say_dec("kill: si_signo", h_signo);
	say_dec("kill: si_code", h_code);
	say_yes("kill: si_pid is the sender", h_pid == me);
	say_yes("kill: si_uid is the sender's uid", h_uid == sys_getuid());
	sys_tkill(sys_gettid(), SIGUSR2);
	say_dec("tkill: si_code", h_code);
	say_yes("tkill: si_pid is the sender", h_pid == me);
	sys_tgkill(me, sys_gettid(), SIGUSR2);
	say_dec("tgkill: si_code", h_code);
	say_yes("tgkill: si_pid is the sender", h_pid == me);
	say_dec("handler runs", h_count);

	/* sent by a child: si_pid is the child (delivered when the parent unblocks) */
	block_sigs(SIGBIT(SIGUSR2));
	long pid = sys_fork();
	if (pid == 0) {
		sys_kill(sys_getppid(), SIGUSR2);
		sys_exit_group(0);
	}
	int st;
	sys_wait4(pid, &st, 0, 0);
	h_pid = 0;
	unblock_sigs(SIGBIT(SIGUSR2));
	say_yes("from a child: si_pid is the child", h_pid == pid);
	say_dec("from a child: si_code", h_code);

	/* sa_mask: SIGUSR2 and SIGTERM (and SIGKILL, SIGSTOP, dropped) are
	 * blocked during the handler, with SIGUSR1 itself */
	set_action(SIGUSR1, (void *)on_plain, 0, SIGBIT(SIGUSR2) | SIGBIT(SIGTERM) | SIGBIT(SIGKILL) | SIGBIT(SIGSTOP));
	memset(&old, 0, sizeof old);
	sys_rt_sigaction(SIGUSR1, 0, &old);
	say_hex("sa_mask read back (SIGKILL, SIGSTOP dropped)", old.mask);
	sys_kill(me, SIGUSR1);
	say_hex("mask inside a handler with sa_mask", h_mask);
	say_hex("mask after it", get_mask());

	/* flags and handler read back */
	set_action(SIGUSR1, (void *)on_plain, SA_RESTART | SA_NODEFER, 0);
	memset(&old, 0, sizeof old);
	say_dec("rt_sigaction read back", sys_rt_sigaction(SIGUSR1, 0, &old));
	say_yes("handler read back", old.handler == (void *)on_plain);
	say_hex("flags read back", old.flags);

	/* SA_NODEFER: the signal the handler sends itself nests */
	set_action(SIGUSR1, (void *)on_nest, SA_NODEFER, 0);
	sys_kill(me, SIGUSR1);
	trace[tlen] = 0;
	say_str("SA_NODEFER, handler sends itself the signal", trace);
	/* without it: the second one waits until the first handler returns */
	tlen = 0;
	depth = 0;
	set_action(SIGUSR1, (void *)on_nest, 0, 0);
	sys_kill(me, SIGUSR1);
	trace[tlen] = 0;
	say_str("without SA_NODEFER", trace);
	set_action(SIGUSR1, (void *)on_plain, SA_NODEFER, 0);
	sys_kill(me, SIGUSR1);
	say_hex("mask inside a SA_NODEFER handler", h_mask);

	/* SA_RESETHAND: one delivery, then SIG_DFL (a child dies of the second) */
	pid = sys_fork();
	if (pid == 0) {
		h_count = 0;
		set_action(SIGUSR1, (void *)on_plain, SA_RESETHAND, 0);
		sys_kill(sys_getpid(), SIGUSR1);
		memset(&old, 0, sizeof old);
		sys_rt_sigaction(SIGUSR1, 0, &old);
		say_dec("SA_RESETHAND: handler runs", h_count);
		say_yes("SA_RESETHAND: disposition now SIG_DFL", old.handler == SIG_DFL);
		sys_kill(sys_getpid(), SIGUSR1);
		sys_exit_group(99); /* not reached */
	}
	sys_wait4(pid, &st, 0, 0);
	say_status("SA_RESETHAND: second SIGUSR1", st);
	return 0;
}

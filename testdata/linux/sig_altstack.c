/*
 * sig_altstack: sigaltstack(2) and handlers installed with SA_ONSTACK.
 *
 * - At first there is no alternate stack: ss_flags SS_DISABLE, sp 0, size
 *   0. A size below MINSIGSTKSZ (2048 on riscv64) is ENOMEM, a mode but 0,
 *   SS_ONSTACK or SS_DISABLE EINVAL, a bad pointer EFAULT.
 * - A handler with SA_ONSTACK runs on the alternate stack (a local of its
 *   lies in it), where sigaltstack says SS_ONSTACK and refuses a change
 *   (EPERM); its ucontext's uc_stack holds the stack. A second such
 *   signal, raised in the handler, runs on the same stack, below the
 *   first frame. A handler without SA_ONSTACK runs on the thread's stack.
 * - SS_AUTODISARM: while the handler runs the stack is forgotten (SS_DISABLE,
 *   and it may be changed); rt_sigreturn sets it again from uc_stack.
 * - fork copies the alternate stack; SS_DISABLE removes it.
 */
#include "rt/rt.h"

#define SYS_sigaltstack 132
#define SS_ONSTACK 1
#define SS_DISABLE 2
#define SS_AUTODISARM (1U << 31)
#define SA_ONSTACK 0x08000000
#define SIGUSR2 12

struct stack_t_ { unsigned long sp; int flags; unsigned long size; };

static long altstack(const struct stack_t_ *ss, struct stack_t_ *old) { return syscall2(SYS_sigaltstack, (long)ss, (long)old); }

static unsigned char alt[16384] __attribute__((aligned(16)));
#define ALT ((unsigned long)alt)

static void say_stack(const char *label, long r, const struct stack_t_ *s)
{
	print(label);
	print(": ");
	print_dec(r);
	if (r == 0) {
		print(" sp=");
		print(s->sp == 0 ? "0" : s->sp == ALT ? "alt" : "other");
		print(" flags=");
		print_hex((unsigned)s->flags);
		print(" size=");
		print_dec(s->size);
	}
	print("\n");
}

static int on_alt(const void *p) { return (unsigned long)p >= ALT && (unsigned long)p < ALT + sizeof alt; }

static volatile unsigned long first_local;
static volatile int depth;

static void on_usr1(int sig, void *info, void *uc)
{
	int local;
	struct stack_t_ s, again = { ALT, 0, 4096 };
	(void)sig;
	(void)info;
	say_yes("handler: a local lies on the alternate stack", on_alt(&local));
	say_stack("handler: sigaltstack says", altstack(0, &s), &s);
	say_dec("handler: a change (EPERM)", altstack(&again, 0));
	struct stack_t_ *us = (struct stack_t_ *)((char *)uc + 16); /* uc_flags, uc_link, then uc_stack */
	say_stack(depth ? "nested handler: uc_stack (its flags as set, 0)" : "handler: uc_stack", 0, us);
	if (depth++ == 0) {
		first_local = (unsigned long)&local;
		sys_tkill(sys_gettid(), SIGUSR1); /* SA_NODEFER: it runs now, nested */
	} else {
		say_yes("nested handler: on the same stack, below the first", on_alt(&local) && (unsigned long)&local < first_local);
	}
}

static void on_usr2(int sig)
{
	int local;
	(void)sig;
	say_yes("handler without SA_ONSTACK: a local off the alternate stack", !on_alt(&local));
}

static void on_disarmed(int sig, void *info, void *uc)
{
	int local;
	struct stack_t_ s, other = { ALT, 0, 8192 };
	(void)sig;
	(void)info;
	(void)uc;
	say_yes("autodisarm handler: on the alternate stack", on_alt(&local));
	say_stack("autodisarm handler: sigaltstack says", altstack(0, &s), &s);
	say_dec("autodisarm handler: a change is allowed", altstack(&other, 0));
}

int main(void)
{
	struct stack_t_ s, ss;
	say_stack("at first", altstack(0, &s), &s);
	ss = (struct stack_t_){ ALT, 0, 1000 };
	say_dec("size 1000 (ENOMEM)", altstack(&ss, 0));
	ss = (struct stack_t_){ ALT, 5, sizeof alt };
	say_dec("flags 5 (EINVAL)", altstack(&ss, 0));
	say_dec("a bad pointer (EFAULT)", altstack((struct stack_t_ *)8, 0));
	say_stack("unchanged", altstack(0, &s), &s);
	ss = (struct stack_t_){ ALT, 0, sizeof alt };
	say_stack("set; the old one", altstack(&ss, &s), &s);
	say_stack("now", altstack(0, &s), &s);

	ipc_sigaction(SIGUSR1, (void *)on_usr1, SA_ONSTACK | SA_SIGINFO | SA_NODEFER);
	ipc_sigaction(SIGUSR2, (void *)on_usr2, 0);
	sys_tkill(sys_gettid(), SIGUSR1);
	say_dec("handlers ran", depth);
	sys_tkill(sys_gettid(), SIGUSR2);

	long pid = sys_fork();
	if (pid == 0) {
		say_stack("child: inherited", altstack(0, &s), &s);
		sys_exit_group(0);
	}
	int st;
	sys_wait4(pid, &st, 0, 0);

	ss = (struct stack_t_){ ALT, SS_AUTODISARM, sizeof alt };
	say_dec("set with SS_AUTODISARM", altstack(&ss, 0));
	say_stack("with SS_AUTODISARM", altstack(0, &s), &s);
	ipc_sigaction(SIGUSR1, (void *)on_disarmed, SA_ONSTACK | SA_SIGINFO);
	sys_tkill(sys_gettid(), SIGUSR1);
	say_stack("after the handler: set again from uc_stack", altstack(0, &s), &s);

	ss = (struct stack_t_){ 0, SS_DISABLE, 0 };
	say_dec("SS_DISABLE", altstack(&ss, 0));
	say_stack("after SS_DISABLE", altstack(0, &s), &s);
	return 0;
}

/*
 * fp_state: the floating-point registers f0..f31 and fcsr are the process's
 * own (built -march=rv64imafd -mabi=lp64d, unlike the other programs).
 *
 * A signal handler that clobbers every f register and fcsr returns to code
 * that finds them as they were: the kernel saved them in the rt_sigframe
 * (uc_mcontext's __fpregs, the D state: f[32] at offset 256 of the
 * mcontext, then fcsr at 512) and rt_sigreturn restored them
 * (arch/riscv/kernel/signal.c save_fp_state/restore_fp_state). The handler
 * reads the saved values at those offsets. fork(2) copies the registers to
 * the child; a child that clobbers its own registers while its parent sleeps
 * in wait4 leaves the parent's as they were (the context switch saves them).
 */
#include "rt/rt.h"

static unsigned long in[32], out[32], out_fcsr;
static unsigned long frame_f[32], frame_fcsr;
static int handled;

/* Load f0..f31 from in[] and fcsr from csr, make system call n(a, b), then
 * store f0..f31 to out[] and fcsr to out_fcsr; return the call's result.
 * The compiler keeps nothing of its own in f registers across the block
 * (all are clobbered). */
static long fp_around_syscall(long n, long a, long b, unsigned long csr)
{
	register long a0 __asm__("a0") = a;
	register long a1 __asm__("a1") = b;
	register long a2 __asm__("a2") = 0;
	register long a3 __asm__("a3") = 0;
	register long a7 __asm__("a7") = n;
	unsigned long fcsr;
#define L(i) "fld f" #i ", " #i "*8(t0)\n"
#define S(i) "fsd f" #i ", " #i "*8(t0)\n"
#define ALL(M) M(0) M(1) M(2) M(3) M(4) M(5) M(6) M(7) M(8) M(9) M(10) M(11) M(12) M(13) M(14) M(15) \
	M(16) M(17) M(18) M(19) M(20) M(21) M(22) M(23) M(24) M(25) M(26) M(27) M(28) M(29) M(30) M(31)
	__asm__ volatile(
		"la t0, in\n" ALL(L)
		"csrw fcsr, %[csr]\n"
		"ecall\n"
		"la t0, out\n" ALL(S)
		"csrr %[fcsr], fcsr\n"
		: "+r"(a0), [fcsr] "=&r"(fcsr)
		: "r"(a1), "r"(a2), "r"(a3), "r"(a7), [csr] "r"(csr)
		: "t0", "memory", "f0", "f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8", "f9", "f10",
		  "f11", "f12", "f13", "f14", "f15", "f16", "f17", "f18", "f19", "f20", "f21", "f22",
		  "f23", "f24", "f25", "f26", "f27", "f28", "f29", "f30", "f31");
	out_fcsr = fcsr;
	return a0;
}

/* Overwrite every f register and fcsr. */
static void clobber(void)
{
#define Z(i) "fmv.d.x f" #i ", t0\n"
	__asm__ volatile("li t0, -1\n" ALL(Z) "csrwi fcsr, 0x1f\n"
		: : : "t0", "f0", "f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8", "f9", "f10",
		  "f11", "f12", "f13", "f14", "f15", "f16", "f17", "f18", "f19", "f20", "f21", "f22",
		  "f23", "f24", "f25", "f26", "f27", "f28", "f29", "f30", "f31");
}

static void handler(int sig, void *info, void *uc)
{
	(void)sig;
	(void)info;
	/* struct ucontext: uc_mcontext at 176; sc_regs (32 x 8), then __fpregs. */
	const unsigned long *fp = (const unsigned long *)((char *)uc + 176 + 256);
	for (int i = 0; i < 32; i++)
		frame_f[i] = fp[i];
	frame_fcsr = *(const unsigned int *)((char *)uc + 176 + 256 + 256);
	clobber();
	handled = 1;
}

static int same(const unsigned long *a, const unsigned long *b)
{
	for (int i = 0; i < 32; i++)
		if (a[i] != b[i])
			return 0;
	return 1;
}

int main(void)
{
	for (int i = 0; i < 32; i++)
		in[i] = 0x4000000000000000UL + (unsigned long)i * 0x0101010101UL;
	in[3] = 0xffffffff3fc00000UL; /* a NaN-boxed single, 1.5f */

	/* frm = RDN (2), flags NX and OF */
	ipc_sigaction(SIGUSR1, handler, SA_SIGINFO);
	fp_around_syscall(SYS_kill, sys_getpid(), SIGUSR1, 2 << 5 | 5);
	say_yes("handler ran", handled);
	say_yes("frame holds f0..f31", same(frame_f, in));
	say_hex("frame fcsr", frame_fcsr);
	say_yes("f0..f31 restored after the handler", same(out, in));
	say_hex("fcsr after the handler", out_fcsr);

	/* fork: the child starts with the parent's registers, then changes
	 * its own while the parent waits; frm = RUP (3), flag NV. */
	long pid = fp_around_syscall(SYS_clone, SIGCHLD, 0, 3 << 5 | 0x10);
	if (pid == 0) {
		say_yes("child: f0..f31 copied by fork", same(out, in));
		say_hex("child: fcsr", out_fcsr);
		for (int i = 0; i < 32; i++)
			in[i] = ~in[i];
		fp_around_syscall(SYS_sched_yield, 0, 0, 0x1f);
		say_yes("child: its own f0..f31 kept", same(out, in));
		sys_exit_group(0);
	}
	int st = -1;
	long r = fp_around_syscall(SYS_wait4, pid, (long)&st, 3 << 5 | 0x10);
	say_yes("wait4 returned the child pid", r == pid);
	say_status("child", st);
	say_yes("parent: f0..f31 kept while the child ran", same(out, in));
	say_hex("parent: fcsr", out_fcsr);
	return 0;
}

/*
 * misaligned: ordinary loads and stores at misaligned addresses work.
 *
 * RISC-V unprivileged ISA: misaligned ordinary loads and stores may be done by
 * hardware or emulated by the execution environment; Linux's user ABI makes them
 * work (the kernel emulates them when the hart traps). Atomics are different:
 * see sig_bus.
 */
#include "rt/rt.h"

static unsigned char buf[32] __attribute__((aligned(16)));

int main(void)
{
	unsigned long v;
	long s;
	for (int i = 0; i < 32; i++)
		buf[i] = (unsigned char)(0x10 + i);

	__asm__ volatile("ld %0, 0(%1)" : "=r"(v) : "r"(buf + 1) : "memory");
	say_hex("ld at offset 1", v);
	__asm__ volatile("lw %0, 0(%1)" : "=r"(s) : "r"(buf + 3) : "memory");
	say_hex("lw at offset 3", (unsigned long)s);
	__asm__ volatile("lwu %0, 0(%1)" : "=r"(v) : "r"(buf + 5) : "memory");
	say_hex("lwu at offset 5", v);
	__asm__ volatile("lh %0, 0(%1)" : "=r"(s) : "r"(buf + 7) : "memory");
	say_hex("lh at offset 7", (unsigned long)s);
	__asm__ volatile("lhu %0, 0(%1)" : "=r"(v) : "r"(buf + 9) : "memory");
	say_hex("lhu at offset 9", v);

	__asm__ volatile("sd %0, 0(%1)" : : "r"(0x8877665544332211UL), "r"(buf + 17) : "memory");
	__asm__ volatile("sw %0, 0(%1)" : : "r"(0xddccbbaaUL), "r"(buf + 11) : "memory");
	__asm__ volatile("sh %0, 0(%1)" : : "r"(0xfeefUL), "r"(buf + 27) : "memory");
	print("bytes after sd at 17, sw at 11, sh at 27:");
	for (int i = 0; i < 32; i++) {
		print(" ");
		print_hex(buf[i]);
	}
	print("\n");
	/* a load of a negative misaligned word sign-extends */
	__asm__ volatile("lw %0, 0(%1)" : "=r"(s) : "r"(buf + 11) : "memory");
	say_dec("lw at offset 11 (sign-extended)", s);
	return 0;
}

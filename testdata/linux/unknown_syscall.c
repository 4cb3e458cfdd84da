/*
 * unknown_syscall: numbers with no system call give ENOSYS (38).
 *
 * syscall(2)/errno(3): "ENOSYS Function not implemented". On riscv64 there is no
 * syscall 999 or 500, and the asm-generic numbers of fork (1079) and of the old
 * open (1024) do not exist either: those calls are reached only through clone and
 * openat.
 *
 * Not checked: number -1, which depends on the kernel version (see README.md).
 */
#include "rt/rt.h"

int main(void)
{
	say_dec("syscall 999", syscall0(999));
	say_dec("syscall 500", syscall0(500));
	say_dec("syscall 1024 (no open on riscv64)", syscall0(1024));
	say_dec("syscall 1079 (no fork on riscv64)", syscall0(1079));
	say_yes("still alive after the bad calls", 1);
	return 0;
}

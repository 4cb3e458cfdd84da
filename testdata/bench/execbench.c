/*
 * execbench N PROG: N times fork a child that execve(2)s PROG (no
 * arguments), and wait4(2) for it. Usage: execbench N PROG. Prints
 * "execs: N". The process-start benchmark (BENCHMARKS.md). Under
 * qemu-riscv64 without binfmt_misc the host cannot run an RV64 PROG
 * (ENOEXEC): the child then does what binfmt_misc would, execve of
 * /usr/bin/qemu-riscv64 PROG, so both machines start the same program.
 */
#include "../linux/rt/rt.h"
#include "bench.h"

#define ENOEXEC 8

int main(int argc, char **argv, char **envp)
{
	long n = argc > 1 ? atol_(argv[1]) : 100;
	char *prog = argc > 2 ? argv[2] : "testdata/bench/bin/nop";
	for (long i = 0; i < n; i++) {
		long pid = sys_fork();
		if (pid == 0) {
			char *args[] = { prog, 0 };
			if (sys_execve(prog, args, envp) == -ENOEXEC) {
				char *qargs[] = { "qemu-riscv64", prog, 0 };
				sys_execve("/usr/bin/qemu-riscv64", qargs, envp);
			}
			sys_exit_group(127);
		}
		int st;
		if (pid < 0 || sys_wait4(pid, &st, 0, 0) != pid || st != 0) {
			print("fork, exec or wait failed\n");
			return 1;
		}
	}
	say_dec("execs", n);
	return 0;
}

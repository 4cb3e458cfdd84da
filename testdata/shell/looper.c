/*
 * looper: the job that minishell runs. It prints "looper: tick N" and
 * sleeps 3000 ns (3000 cycles of the simulator), forever: only a signal
 * ends it. It installs no handler, so ^Z (SIGTSTP) stops it and ^C (SIGINT)
 * kills it, by their default actions.
 */
#include "jobs.h"

int main(void)
{
	struct timespec nap = { 0, 3000 };
	for (long n = 1;; n++) {
		print("looper: tick ");
		print_dec(n);
		print("\n");
		sys_nanosleep(&nap, 0);
	}
}

/*
 * sig_exec_helper: helper exec'd by sig_fork_exec and pgrp_session.
 *
 * No argument: prints the disposition (SIG_DFL, SIG_IGN or a handler) of
 * SIGHUP, SIGINT, SIGUSR1, SIGUSR2, SIGTERM and SIGCHLD, read with
 * rt_sigaction(sig, NULL, &old), then its signal mask and pending set, then
 * unblocks everything (a pending signal with a default Term action then kills
 * it) and exits 0. Run alone: everything SIG_DFL, nothing blocked or pending.
 *
 * Argument "block": writes one byte to fd 1 (so the parent knows the exec
 * happened), then reads fd 0 until end of file, then exits 0.
 */
#include "rt/rt.h"

static void disp(const char *name, int sig)
{
	struct k_sigaction old;
	memset(&old, 0, sizeof old);
	sys_rt_sigaction(sig, 0, &old);
	print(name);
	if (old.handler == SIG_DFL)
		print(": SIG_DFL\n");
	else if (old.handler == SIG_IGN)
		print(": SIG_IGN\n");
	else
		print(": a handler\n");
}

int main(int argc, char **argv)
{
	if (argc > 1 && streq(argv[1], "block")) {
		char c;
		sys_write(1, "x", 1);
		while (sys_read(0, &c, 1) > 0)
			;
		return 0;
	}
	disp("helper: SIGHUP", SIGHUP);
	disp("helper: SIGINT", SIGINT);
	disp("helper: SIGUSR1", SIGUSR1);
	disp("helper: SIGUSR2", SIGUSR2);
	disp("helper: SIGTERM", SIGTERM);
	disp("helper: SIGCHLD", SIGCHLD);
	say_hex("helper: mask", get_mask());
	say_hex("helper: pending", get_pending());
	print("helper: unblocking everything\n");
	set_mask(0);
	print("helper: still alive\n");
	return 0;
}

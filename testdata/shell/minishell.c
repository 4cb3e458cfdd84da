/*
 * minishell: the smallest job-control shell, what bash does for one
 * foreground job (see the GNU C library manual, "Implementing a Job Control
 * Shell").
 *
 * 1. It ignores the job-control signals itself: SIGINT, SIGQUIT and SIGTSTP
 *    (the keys are for the job, not the shell), and SIGTTIN and SIGTTOU (it
 *    takes the terminal back with tcsetpgrp while it is in the background,
 *    which would otherwise stop it with SIGTTOU).
 * 2. It puts itself in its own process group and makes it the terminal's
 *    foreground group.
 * 3. It forks the job. Parent and child both call setpgid(child, child) (whoever
 *    runs first wins the race; the other call is harmless), and the parent
 *    makes the job's group the foreground group: the keyboard's signals now
 *    go to the job. The child sets the five signals back to SIG_DFL (execve
 *    keeps ignored signals ignored) and execs /bin/looper.
 * 4. It waits with wait4(pid, &status, WUNTRACED): it learns of a stop as
 *    well as of a death. Either way it takes the terminal back.
 * 5. Stopped (status 0x147f = SIGTSTP << 8 | 0x7f): it prints
 *    "[1]+  Stopped  looper", prompts, and reads a command from the
 *    terminal. "fg" gives the terminal to the job's group, sends SIGCONT to
 *    the whole group with kill(-pgid, SIGCONT) and waits again.
 * 6. Killed or exited: it reports how and exits 0.
 *
 * Built by build.sh with the conformance runtime of ../linux/rt.
 */
#include "jobs.h"

static const int jobsigs[] = { SIGINT, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU };
#define NJOBSIGS (sizeof jobsigs / sizeof jobsigs[0])

static void set_jobsigs(void *disp)
{
	for (unsigned i = 0; i < NJOBSIGS; i++)
		set_handler(jobsigs[i], disp);
}

/* Read one command line from the terminal into buf (NUL-terminated, without
 * the newline). Returns its length, or -1 at end of file. */
static long read_command(char *buf, long size)
{
	long n = sys_read(0, buf, size - 1);
	if (n <= 0)
		return -1;
	if (buf[n - 1] == '\n')
		n--;
	buf[n] = 0;
	return n;
}

int main(void)
{
	long shell = sys_getpid();

	set_jobsigs(SIG_IGN);
	job_setpgid(0, 0);
	tcsetpgrp(0, shell);

	print("minishell: starting looper\n");
	long pid = sys_fork();
	if (pid == 0) {
		job_setpgid(0, 0);
		set_jobsigs(SIG_DFL);
		char *argv[] = { "looper", 0 };
		char *envp[] = { 0 };
		sys_execve("/bin/looper", argv, envp);
		print("minishell: execve /bin/looper failed\n");
		sys_exit_group(127);
	}
	job_setpgid(pid, pid);
	tcsetpgrp(0, pid);
	print("minishell: [1] ");
	print_dec(pid);
	print(" in the foreground, process group ");
	print_dec(job_getpgid(pid));
	print("\n");

	for (;;) {
		int st = 0;
		long r = sys_wait4(pid, &st, WUNTRACED, 0);
		tcsetpgrp(0, shell); /* the shell has the terminal again */
		if (r != pid) {
			say_dec("minishell: wait4 failed", r);
			return 1;
		}
		if (W_STOPPED(st)) {
			print("\n[1]+  Stopped                 looper (status ");
			print_hex((unsigned)st);
			print(", signal ");
			print_dec(W_STOPSIG(st));
			print(")\n");
			char cmd[64];
			for (;;) {
				print("minishell> ");
				if (read_command(cmd, sizeof cmd) < 0) {
					print("minishell: end of input\n");
					return 0;
				}
				if (streq(cmd, "fg"))
					break;
				print("minishell: only fg is known\n");
			}
			print("looper\n");
			tcsetpgrp(0, pid);
			sys_kill(-pid, SIGCONT);
			continue;
		}
		if (W_SIGNALED(st)) {
			print("\nminishell: [1]+ looper killed by signal ");
			print_dec(W_TERMSIG(st));
			print(" (status ");
			print_hex((unsigned)st);
			print(")\n");
		} else {
			print("minishell: [1]+ looper exited with ");
			print_dec(W_EXITSTATUS(st));
			print("\n");
		}
		print("minishell: foreground group ");
		print_dec(tcgetpgrp(0));
		print(", bye\n");
		return 0;
	}
}

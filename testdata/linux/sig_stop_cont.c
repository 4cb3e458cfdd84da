/*
 * sig_stop_cont: stopping and continuing a process.
 *
 * signal(7): SIGSTOP, SIGTSTP: default action Stop; SIGCONT: "Continue if
 *   stopped"; "The signals SIGKILL and SIGSTOP cannot be caught, blocked, or
 *   ignored."
 * wait(2): "WUNTRACED also return if a child has stopped"; "WCONTINUED also
 *   return if a stopped child has been resumed by delivery of SIGCONT";
 *   WIFSTOPPED / WSTOPSIG: status = signal << 8 | 0x7f; WIFCONTINUED: status
 *   0xffff. A stop (or continue) is reported once.
 * POSIX (kill / signal concepts): "When any stop signal (SIGSTOP, SIGTSTP,
 *   SIGTTIN, SIGTTOU) is generated for a process ..., any pending SIGCONT
 *   signals for that process shall be discarded. Conversely, when SIGCONT is
 *   generated for a process, all pending stop signals for that process shall be
 *   discarded. When SIGCONT is generated for a process that is stopped, the
 *   process shall be continued, even if the SIGCONT signal is ignored or
 *   blocked." "While a process is stopped, any additional signals that are sent
 *   to the process shall not be delivered until the process is continued,
 *   except SIGKILL which always terminates the receiving process."
 * sigaction(2) SA_SIGINFO, SIGCHLD: si_code CLD_STOPPED (5) "Child has
 *   stopped", CLD_CONTINUED (6) "Stopped child has continued", CLD_EXITED (1);
 *   si_status "either the exit status of the child or the signal that caused
 *   the child to terminate, stop, or continue".
 * sigaction(2) SA_NOCLDSTOP: "If signum is SIGCHLD, do not receive
 *   notification when child processes stop (i.e., when they receive one of
 *   SIGSTOP, SIGTSTP, SIGTTIN, or SIGTTOU) or resume (i.e., they receive
 *   SIGCONT)".
 *
 * signal(7)/POSIX: SIGTSTP, SIGTTIN and SIGTTOU with the default action are
 *   discarded for a process in an orphaned process group. The children that
 *   stop with SIGTSTP therefore first move into a group of their own (their
 *   parent, in another group of the same session, keeps it non-orphaned), so
 *   the result does not depend on how the program itself was started.
 *
 * qemu-user 7.2 ignores SA_NOCLDSTOP: the two SA_NOCLDSTOP lines for the stop
 * and the continue are the kernel's (kernel-fixups.txt).
 */
#include "rt/rt.h"

static volatile int chld_count, chld_code, chld_status;
static volatile long chld_pid;
static void on_chld(int sig, struct k_siginfo *si, void *uc)
{
	(void)sig; (void)uc;
	chld_count++;
	chld_code = si->si_code;
	chld_status = si->si_status;
	chld_pid = si->si_pid;
}

/* a child that blocks reading fd until the parent closes it, then exits 5 */
static long reader_child(int p[2])
{
	sys_pipe2(p, 0);
	long pid = sys_fork();
	if (pid == 0) {
		char c;
		sys_close(p[1]);
		while (sys_read(p[0], &c, 1) != 0)
			;
		sys_exit_group(5);
	}
	sys_close(p[0]);
	return pid;
}

static void wait_say(const char *label, long pid, int options)
{
	int st = -1;
	long r = sys_wait4(pid, &st, options, 0);
	print(label);
	if (r == pid) {
		print(": ");
		say_status("wait4 returned the child", st);
	} else {
		print(": wait4 returned ");
		print_dec(r);
		print("\n");
	}
}

/* the SIGCHLD facts since the last call */
static void chld_say(const char *label, long pid)
{
	print(label);
	if (chld_count == 0) {
		print(": no SIGCHLD\n");
		return;
	}
	print(": SIGCHLD x");
	print_dec(chld_count);
	print(", si_code ");
	print_dec(chld_code);
	print(", si_status ");
	print_dec(chld_status);
	print(chld_pid == pid ? ", si_pid the child\n" : ", si_pid other\n");
	chld_count = 0;
}

/* the child stops itself, then (continued) waits for the parent to close
 * the pipe and exits 5: the continue and the exit are reported apart */
static void self_stop(int sig, int ign_cont)
{
	int p[2];
	char c;
	sys_pipe2(p, 0);
	long pid = sys_fork();
	if (pid == 0) {
		sys_close(p[1]);
		sys_setpgid(0, 0);
		if (ign_cont)
			set_handler(SIGCONT, SIG_IGN);
		sys_kill(sys_getpid(), sig);
		while (sys_read(p[0], &c, 1) != 0)
			;
		sys_exit_group(5);
	}
	sys_close(p[0]);
	sys_setpgid(pid, pid); /* either one may run first */
	wait_say("stopped, WUNTRACED", pid, WUNTRACED);
	wait_say("again, WUNTRACED|WNOHANG (reported once)", pid, WUNTRACED | WNOHANG);
	wait_say("no WUNTRACED, WNOHANG", pid, WNOHANG);
	sys_kill(pid, SIGCONT);
	wait_say("SIGCONT, WCONTINUED", pid, WCONTINUED);
	sys_close(p[1]);
	wait_say("exit", pid, 0);
}

static void chld_phases(const char *name, unsigned long flags)
{
	int p[2];
	set_action(SIGCHLD, (void *)on_chld, SA_SIGINFO | flags, 0);
	block_sigs(SIGBIT(SIGCHLD));
	chld_count = 0;
	long pid = reader_child(p);
	sys_kill(pid, SIGSTOP);
	/* let the stop complete and SIGCHLD be sent before wait4 takes the stop
	 * status: on Linux a wait4 racing with the notification can clear the
	 * code the CLD_STOPPED siginfo reads (si_status 0) */
	sleep_ms(100);
	sys_wait4(pid, 0, WUNTRACED, 0);
	unblock_sigs(SIGBIT(SIGCHLD));
	print(name);
	chld_say(": after the stop", pid);
	block_sigs(SIGBIT(SIGCHLD));
	sys_kill(pid, SIGCONT);
	sys_wait4(pid, 0, WCONTINUED, 0);
	sleep_ms(100); /* the continued child sends CLD_CONTINUED when it runs */
	unblock_sigs(SIGBIT(SIGCHLD));
	print(name);
	chld_say(": after the continue", pid);
	block_sigs(SIGBIT(SIGCHLD));
	sys_close(p[1]);
	sys_wait4(pid, 0, 0, 0);
	unblock_sigs(SIGBIT(SIGCHLD));
	print(name);
	chld_say(": after the exit", pid);
	set_handler(SIGCHLD, SIG_DFL);
}

int main(void)
{
	int p[2], r[2], g[2];
	long pid;
	char c;

	print("-- the child stops itself with SIGSTOP\n");
	self_stop(SIGSTOP, 0);
	print("-- the child stops itself with SIGTSTP\n");
	self_stop(SIGTSTP, 0);
	print("-- SIGCONT continues a stopped child that ignores SIGCONT\n");
	self_stop(SIGSTOP, 1);

	print("-- stopped by the parent; SIGTERM waits for SIGCONT\n");
	pid = reader_child(p);
	sys_kill(pid, SIGSTOP);
	wait_say("SIGSTOP, WUNTRACED", pid, WUNTRACED);
	sys_kill(pid, SIGTERM);
	sleep_ms(100);
	wait_say("SIGTERM to the stopped child, 100 ms later, WNOHANG", pid, WNOHANG);
	sys_kill(pid, SIGCONT);
	wait_say("SIGCONT", pid, 0);
	sys_close(p[1]);

	print("-- SIGKILL kills a stopped child\n");
	pid = reader_child(p);
	sys_kill(pid, SIGSTOP);
	wait_say("SIGSTOP, WUNTRACED", pid, WUNTRACED);
	sys_kill(pid, SIGKILL);
	wait_say("SIGKILL", pid, 0);
	sys_close(p[1]);

	print("-- SIGCONT discards a pending (blocked) stop signal\n");
	for (int with_cont = 0; with_cont < 2; with_cont++) {
		sys_pipe2(r, 0);
		sys_pipe2(g, 0);
		pid = sys_fork();
		if (pid == 0) {
			sys_setpgid(0, 0);
			block_sigs(SIGBIT(SIGTSTP));
			sys_write(r[1], "r", 1);
			sys_read(g[0], &c, 1);
			set_mask(0);
			sys_exit_group(0);
		}
		sys_setpgid(pid, pid);
		sys_read(r[0], &c, 1);
		sys_kill(pid, SIGTSTP);
		if (with_cont)
			sys_kill(pid, SIGCONT);
		sys_write(g[1], "g", 1);
		wait_say(with_cont ? "SIGTSTP then SIGCONT while blocked, then unblocked, WUNTRACED"
				   : "SIGTSTP while blocked, then unblocked, WUNTRACED", pid, WUNTRACED);
		if (!with_cont) {
			sys_kill(pid, SIGCONT);
			wait_say("SIGCONT", pid, 0);
		}
		sys_close(r[0]); sys_close(r[1]); sys_close(g[0]); sys_close(g[1]);
	}

	print("-- SIGCHLD for stop, continue, exit\n");
	chld_phases("SA_SIGINFO", 0);
	chld_phases("SA_SIGINFO+SA_NOCLDSTOP", SA_NOCLDSTOP);
	return 0;
}

/*
 * pgrp_session: process groups and sessions.
 *
 * setpgid(2): "setpgid() sets the PGID of the process specified by pid to
 *   pgid. If pid is zero, then the process ID of the calling process is used.
 *   If pgid is zero, then the PGID of the process specified by pid is made the
 *   same as its process ID." "getpgid() returns the PGID of the process
 *   specified by pid. If pid is zero, the process ID of the calling process is
 *   used."
 * setpgid(2) ERRORS: "EACCES An attempt was made to change the process group
 *   ID of one of the children of the calling process and the child had already
 *   performed an execve(2)." "EINVAL pgid is less than 0." "EPERM An attempt
 *   was made to move a process into a process group in a different session,
 *   or to change the process group ID of one of the children of the calling
 *   process and the child was in a different session, or to change the process
 *   group ID of a session leader." "ESRCH For getpgid(): pid does not match any
 *   process. For setpgid(): pid is not the calling process and not a child of
 *   the calling process."
 * setsid(2): "creates a new session if the calling process is not a process
 *   group leader. The calling process is the leader of the new session ...
 *   The calling process also becomes the process group leader of a new process
 *   group in the session"; returns the new session ID; "EPERM The process group
 *   ID of any process equals the PID of the calling process. Thus, in
 *   particular, setsid() fails if the calling process is already a process
 *   group leader."
 * getsid(2): "getsid(0) returns the session ID of the calling process";
 *   "ESRCH No process with process ID pid was found."
 * fork(2): "The child's parent process ID is the same as the parent's process
 *   ID." credentials(7): "A child created by fork(2) inherits its parent's
 *   session ID" and "process group ID".
 *
 * Nothing here depends on whether the program itself starts as a session or
 * group leader: it first makes its own group, and setsid is tried in children.
 */
#include "rt/rt.h"

int main(void)
{
	long me = sys_getpid();
	long sid = sys_getsid(0);
	int st, p[2];
	char c;

	say_yes("getpgid(0) == getpgid(getpid())", sys_getpgid(0) == sys_getpgid(me));
	say_yes("getsid(0) == getsid(getpid())", sys_getsid(0) == sys_getsid(me));
	say_dec("setpgid(0, 0)", sys_setpgid(0, 0));
	say_yes("now getpgid(0) == getpid()", sys_getpgid(0) == me);
	say_dec("setpgid(0, 0) again", sys_setpgid(0, 0));
	say_dec("setpgid(getpid(), getpid())", sys_setpgid(me, me));
	say_yes("the session did not change", sys_getsid(0) == sid);
	say_dec("setsid as a group leader", sys_setsid());
	say_dec("setpgid(0, -1)", sys_setpgid(0, -1));
	say_dec("setpgid(-1, 0)", sys_setpgid(-1, 0));
	say_dec("setpgid(2147483647, 0) (no such process)", sys_setpgid(2147483647, 0));
	say_dec("setpgid(0, 2147483647) (no such group)", sys_setpgid(0, 2147483647));
	say_dec("getpgid(2147483647)", sys_getpgid(2147483647));
	say_dec("getsid(2147483647)", sys_getsid(2147483647));
	say_dec("getpgid(-1)", sys_getpgid(-1));

	/* fork: the child keeps group and session */
	long pid = sys_fork();
	if (pid == 0) {
		say_yes("child: getpgid(0) is the parent's group", sys_getpgid(0) == me);
		say_yes("child: getsid(0) is the parent's session", sys_getsid(0) == sid);
		say_yes("child: getpgid(parent) is the parent's group", sys_getpgid(sys_getppid()) == me);
		sys_exit_group(0);
	}
	sys_wait4(pid, &st, 0, 0);

	/* the parent moves a child: to its own group, back, to a group of
	 * another child; a grandchild is not ours to move */
	int hold[2];
	sys_pipe2(hold, 0);
	long a = sys_fork();
	if (a == 0) {
		sys_close(hold[1]);
		sys_read(hold[0], &c, 1);
		sys_exit_group(0);
	}
	long b = sys_fork();
	if (b == 0) {
		sys_close(hold[1]);
		sys_read(hold[0], &c, 1);
		sys_exit_group(0);
	}
	say_dec("setpgid(child a, 0)", sys_setpgid(a, 0));
	say_yes("child a leads its group", sys_getpgid(a) == a);
	say_dec("setpgid(child b, a's group)", sys_setpgid(b, a));
	say_yes("child b is in a's group", sys_getpgid(b) == a);
	say_dec("setpgid(child b, our group)", sys_setpgid(b, me));
	say_yes("child b is back in our group", sys_getpgid(b) == me);
	sys_pipe2(p, 0);
	long g = sys_fork();
	if (g == 0) {
		sys_close(hold[1]);
		long gg = sys_fork();
		if (gg == 0) {
			sys_read(hold[0], &c, 1);
			sys_exit_group(0);
		}
		sys_write(p[1], &gg, sizeof gg);
		sys_wait4(gg, &st, 0, 0);
		sys_exit_group(0);
	}
	long gg = 0;
	sys_read(p[0], &gg, sizeof gg);
	say_dec("setpgid(grandchild, 0)", sys_setpgid(gg, 0));
	say_yes("getpgid(grandchild) works: our group", sys_getpgid(gg) == me);
	sys_close(hold[1]);
	sys_wait4(a, &st, 0, 0);
	sys_wait4(b, &st, 0, 0);
	sys_wait4(g, &st, 0, 0);
	sys_close(hold[0]);
	sys_close(p[0]);
	sys_close(p[1]);

	/* setsid in a child; the parent cannot move it or join its group */
	int ready[2];
	sys_pipe2(ready, 0);
	sys_pipe2(hold, 0);
	long s = sys_fork();
	if (s == 0) {
		sys_close(hold[1]);
		long r = sys_setsid();
		say_yes("child: setsid returned its pid", r == sys_getpid());
		say_yes("child: getsid(0) == its pid", sys_getsid(0) == sys_getpid());
		say_yes("child: getpgid(0) == its pid", sys_getpgid(0) == sys_getpid());
		say_yes("child: getsid(parent) is the old session", sys_getsid(sys_getppid()) == sid);
		say_dec("child: setsid again", sys_setsid());
		say_dec("child: setpgid(0, 0) as a session leader", sys_setpgid(0, 0));
		say_dec("child: setpgid(0, parent's group) (another session)", sys_setpgid(0, sys_getppid()));
		long gc = sys_fork();
		if (gc == 0) {
			say_yes("grandchild: in the new session", sys_getsid(0) == sys_getppid());
			say_yes("grandchild: in the new group", sys_getpgid(0) == sys_getppid());
			say_yes("grandchild: setsid returned its pid", sys_setsid() == sys_getpid());
			sys_exit_group(0);
		}
		sys_wait4(gc, &st, 0, 0);
		sys_write(ready[1], "r", 1);
		sys_read(hold[0], &c, 1);
		sys_exit_group(0);
	}
	sys_read(ready[0], &c, 1);
	say_dec("setpgid(child session leader, 0)", sys_setpgid(s, 0));
	say_dec("setpgid(child session leader, our group)", sys_setpgid(s, me));
	say_dec("setpgid(0, the child's group) (another session)", sys_setpgid(0, s));
	say_yes("getsid(child) == child", sys_getsid(s) == s);
	sys_close(hold[1]);
	sys_wait4(s, &st, 0, 0);
	sys_close(hold[0]);
	sys_close(ready[0]);
	sys_close(ready[1]);

	/* a child that has exec'd: EACCES */
	int in[2], out[2];
	sys_pipe2(in, 0);
	sys_pipe2(out, 0);
	long e = sys_fork();
	if (e == 0) {
		static char *argv[] = { "bin/sig_exec_helper", "block", 0 };
		static char *envp[] = { 0 };
		sys_dup3(in[0], 0, 0);
		sys_dup3(out[1], 1, 0);
		sys_close(in[0]); sys_close(in[1]); sys_close(out[0]); sys_close(out[1]);
		sys_execve(argv[0], argv, envp);
		sys_exit_group(127);
	}
	sys_close(in[0]);
	sys_close(out[1]);
	say_dec("the exec'd child said", sys_read(out[0], &c, 1));
	say_dec("setpgid(exec'd child, 0)", sys_setpgid(e, 0));
	say_yes("its group did not change", sys_getpgid(e) == me);
	sys_close(in[1]);
	st = -1;
	sys_wait4(e, &st, 0, 0);
	say_status("the exec'd child", st);
	sys_close(out[0]);
	return 0;
}

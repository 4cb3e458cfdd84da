/*
 * cloexec_exec: close-on-exec across execve(2).
 *
 * execve(2): "By default, file descriptors remain open across an execve().
 *   File descriptors that are marked close-on-exec are closed".
 * open(2)/pipe(2) O_CLOEXEC: "Set the close-on-exec (FD_CLOEXEC) flag on the
 *   new file descriptor[s]". fcntl(2) F_SETFD FD_CLOEXEC; dup3(2) O_CLOEXEC;
 *   F_DUPFD_CLOEXEC.
 * execve(2): "On success, execve() does not return"; on failure (ENOENT)
 *   nothing happens: the close-on-exec descriptors stay open.
 *
 * The child execs bin/cloexec_helper (relative to testdata/linux, where the
 * programs run), which prints which of fds 3..10 are open.
 */
#include "rt/rt.h"

int main(void)
{
	int p[2], q[2], st;
	sys_pipe2(p, 0);         /* 3, 4: kept */
	sys_pipe2(q, O_CLOEXEC); /* 5, 6: closed by exec */
	say_yes("pipes are 3,4 and 5,6 (O_CLOEXEC)", p[0] == 3 && p[1] == 4 && q[0] == 5 && q[1] == 6);
	say_dec("F_GETFD 5", sys_fcntl(5, F_GETFD, 0));
	say_dec("F_GETFD 3", sys_fcntl(3, F_GETFD, 0));
	say_dec("dup(3) -> 7, then F_SETFD FD_CLOEXEC", sys_fcntl(sys_dup(3), F_SETFD, FD_CLOEXEC));
	say_dec("dup3(4, 8, O_CLOEXEC)", sys_dup3(4, 8, O_CLOEXEC));
	say_dec("F_DUPFD_CLOEXEC(4, 9)", sys_fcntl(4, F_DUPFD_CLOEXEC, 9));
	say_dec("F_DUPFD(q[1], 10)", sys_fcntl(6, F_DUPFD, 10)); /* a dup of a close-on-exec fd: kept */

	char *argv[] = { "bin/cloexec_helper", "exec'd", 0 };
	char *envp[] = { 0 };

	/* a failed execve changes nothing */
	say_dec("execve of a missing file", sys_execve("bin/no-such-program", argv, envp));
	say_dec("F_GETFD 5 after the failed execve", sys_fcntl(5, F_GETFD, 0));

	long pid = sys_fork();
	if (pid == 0) {
		sys_execve(argv[0], argv, envp);
		sys_exit_group(127);
	}
	sys_wait4(pid, &st, 0, 0);
	say_status("helper", st);
	sys_close(4);
	sys_close(8);
	sys_close(9);
	char buf[32];
	memset(buf, 0, sizeof buf);
	sys_fcntl(3, F_SETFL, O_NONBLOCK);
	say_dec("parent read from the pipe", sys_read(3, buf, sizeof buf - 1));
	say_str("bytes", buf);
	say_dec("F_GETFD 5 in the parent (still open)", sys_fcntl(5, F_GETFD, 0));
	say_dec("F_GETFD 7 in the parent", sys_fcntl(7, F_GETFD, 0));
	return 0;
}

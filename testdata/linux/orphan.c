/*
 * orphan: an orphan is re-parented.
 *
 * getppid(2)/prctl(2) PR_SET_CHILD_SUBREAPER: when a parent exits its children are
 * re-parented to init (or to the nearest subreaper), so getppid() changes. Which
 * process adopts it depends on the host, so only the change is printed.
 *
 * P forks C; C forks G and exits; G polls getppid() until it differs from C's pid
 * and prints. P knows G is done when its pipe reads end of file (G holds the last
 * write end until it exits), so P's last line always comes after G's.
 * wait4(2): P cannot wait for G, which is not its child (ECHILD).
 */
#include "rt/rt.h"

int main(void)
{
	int fds[2], st;
	sys_pipe2(fds, 0);
	long c = sys_fork();
	if (c == 0) {
		long cpid = sys_getpid();
		long g = sys_fork();
		if (g == 0) {
			int changed = 0;
			for (int i = 0; i < 10000 && !changed; i++) {
				if (sys_getppid() != cpid)
					changed = 1;
				else
					sleep_ms(1);
			}
			sys_close(fds[0]);
			say_yes("grandchild: ppid changed after its parent exited", changed);
			say_yes("grandchild: new ppid is not the dead parent", sys_getppid() != cpid);
			sys_exit_group(0);
		}
		sys_exit_group(0);
	}
	sys_close(fds[1]);
	sys_wait4(c, &st, 0, 0);
	char ch;
	long r = sys_read(fds[0], &ch, 1);	/* blocks until the grandchild has exited */
	/* only now print: the grandchild has printed everything */
	say_status("parent: child", st);
	say_dec("parent: pipe read after the grandchild exited", r);
	say_dec("parent: wait4(-1) (grandchild is not our child)", sys_wait4(-1, &st, 0, 0));
	return 0;
}

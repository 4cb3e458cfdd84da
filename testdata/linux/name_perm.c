/*
 * name_perm: owners and mode bits in the name space (issue 15).
 *
 * path_resolution(7): "If the process does not have search permission on
 *   the current lookup directory, an EACCES error is returned"; creating or
 *   removing a name needs write (and search) permission on the directory.
 * open(2): "EACCES The requested access to the file is not allowed".
 * chdir(2): "EACCES Search permission is denied for one of the components
 *   of path."
 * inode(7): "When a directory's sticky bit is set, the filesystem treats
 *   the files in such directories in a special way so only the file's
 *   owner, the directory's owner, or root can rename or delete the file."
 *   (EPERM: fs/namei.c may_delete, check_sticky.) /tmp is 01777.
 * mq_unlink(3): the queues' root is sticky too (ipc/mqueue.c
 *   mqueue_fill_super: S_IFDIR | S_ISVTX | S_IRWXUGO), so another user's
 *   queue is EPERM; mq_open(3): "EACCES The queue exists, but the caller
 *   does not have permission to open it in the specified mode."
 *
 * Root makes the objects; a child that drops to uid and gid 65534 tries
 * them; root then uses them all (CAP_DAC_OVERRIDE, CAP_FOWNER). Every mode
 * has equal group and other bits, so the supplementary groups a host gives
 * root do not change an answer. The umask is set to 022 (ipcsim's fixed
 * umask; it has no umask(2), which then fails there unseen).
 */
#include "rt/rt.h"

#define DIR   "/tmp/ipcsim-name-perm"
#define D700  DIR "/d700"
#define D755  DIR "/d755"
#define F600  D755 "/f600"
#define FIN   D700 "/f"
#define TMPF  "/tmp/ipcsim-name-perm-f"
#define MINE  "/tmp/ipcsim-name-perm-u"
#define LEFT  "/tmp/ipcsim-name-perm-u2"
#define QUEUE "/ipcsim-name-perm"
#define UQUEUE "/ipcsim-name-perm-u"

#define O_DIRECTORY 0200000

static void cleanup(void)
{
	sys_unlinkat(AT_FDCWD, F600, 0);
	sys_unlinkat(AT_FDCWD, FIN, 0);
	sys_unlinkat(AT_FDCWD, D700, AT_REMOVEDIR);
	sys_unlinkat(AT_FDCWD, D755, AT_REMOVEDIR);
	sys_unlinkat(AT_FDCWD, DIR, AT_REMOVEDIR);
	sys_unlinkat(AT_FDCWD, TMPF, 0);
	sys_unlinkat(AT_FDCWD, MINE, 0);
	sys_unlinkat(AT_FDCWD, LEFT, 0);
	sys_mq_unlink(mq_name(QUEUE));
	sys_mq_unlink(mq_name(UQUEUE));
}

int main(void)
{
	int st;

	cleanup(); /* leftovers of a crashed run */
	syscall1(166, 022); /* umask(2) */

	say_dec("root: mkdirat " DIR " 0755", sys_mkdirat(AT_FDCWD, DIR, 0755));
	say_dec("root: mkdirat d700 0700", sys_mkdirat(AT_FDCWD, D700, 0700));
	say_dec("root: mkdirat d755 0755", sys_mkdirat(AT_FDCWD, D755, 0755));
	say_dec("root: mknodat d755/f600 0600", sys_mknodat(AT_FDCWD, F600, S_IFIFO | 0600, 0));
	say_dec("root: mknodat d700/f 0644", sys_mknodat(AT_FDCWD, FIN, S_IFIFO | 0644, 0));
	say_dec("root: mknodat /tmp FIFO 0644", sys_mknodat(AT_FDCWD, TMPF, S_IFIFO | 0644, 0));
	long q = sys_mq_open(mq_name(QUEUE), O_CREAT | O_RDONLY, 0644, 0);
	say_yes("root: mq_open O_CREAT 0644", q >= 0);

	long child = sys_fork();
	if (child == 0) {
		say_dec("child: setresgid 65534", syscall3(149, 65534, 65534, 65534));
		say_dec("child: setresuid 65534", ipc_become_uid(65534));
		say_dec("child: open f600 O_WRONLY|O_NONBLOCK", sys_openat(AT_FDCWD, F600, O_WRONLY | O_NONBLOCK, 0));
		say_dec("child: open f600 O_RDONLY|O_NONBLOCK", sys_openat(AT_FDCWD, F600, O_RDONLY | O_NONBLOCK, 0));
		say_dec("child: open f600 O_RDWR", sys_openat(AT_FDCWD, F600, O_RDWR, 0));
		say_dec("child: mkdirat d755/x", sys_mkdirat(AT_FDCWD, D755 "/x", 0755));
		say_dec("child: mknodat d755/g", sys_mknodat(AT_FDCWD, D755 "/g", S_IFIFO | 0600, 0));
		say_dec("child: unlinkat d755/f600", sys_unlinkat(AT_FDCWD, F600, 0));
		say_dec("child: mkdirat d700/x", sys_mkdirat(AT_FDCWD, D700 "/x", 0755));
		say_dec("child: open d700/f O_RDONLY|O_NONBLOCK", sys_openat(AT_FDCWD, FIN, O_RDONLY | O_NONBLOCK, 0));
		say_dec("child: open d700/missing", sys_openat(AT_FDCWD, D700 "/missing", O_RDONLY, 0));
		say_dec("child: unlinkat d700/f", sys_unlinkat(AT_FDCWD, FIN, 0));
		say_dec("child: open d700 O_DIRECTORY", sys_openat(AT_FDCWD, D700, O_RDONLY | O_DIRECTORY, 0));
		say_dec("child: chdir d700", sys_chdir(D700));
		say_dec("child: chdir d755", sys_chdir(D755));
		long fd = sys_openat(AT_FDCWD, "f600", O_RDONLY | O_NONBLOCK, 0);
		say_dec("child: open f600 (relative) O_RDONLY|O_NONBLOCK", fd);
		say_dec("child: unlinkat root's FIFO in sticky /tmp", sys_unlinkat(AT_FDCWD, TMPF, 0));
		say_dec("child: rmdir root's directory in sticky /tmp", sys_unlinkat(AT_FDCWD, DIR, AT_REMOVEDIR));
		say_dec("child: mknodat its own FIFO in /tmp", sys_mknodat(AT_FDCWD, MINE, S_IFIFO | 0600, 0));
		fd = sys_openat(AT_FDCWD, MINE, O_RDWR, 0);
		say_yes("child: open its own FIFO O_RDWR", fd >= 0);
		sys_close(fd);
		say_dec("child: unlinkat its own FIFO", sys_unlinkat(AT_FDCWD, MINE, 0));
		say_dec("child: mknodat a FIFO for root to remove", sys_mknodat(AT_FDCWD, LEFT, S_IFIFO | 0600, 0));
		say_dec("child: mq_open root's 0644 queue O_WRONLY", sys_mq_open(mq_name(QUEUE), O_WRONLY, 0, 0));
		fd = sys_mq_open(mq_name(QUEUE), O_RDONLY, 0, 0);
		say_yes("child: mq_open root's 0644 queue O_RDONLY", fd >= 0);
		sys_close(fd);
		say_dec("child: mq_unlink root's queue", sys_mq_unlink(mq_name(QUEUE)));
		fd = sys_mq_open(mq_name(UQUEUE), O_CREAT | O_RDONLY, 0600, 0);
		say_yes("child: mq_open O_CREAT its own queue", fd >= 0);
		sys_close(fd);
		say_dec("child: mq_unlink its own queue", sys_mq_unlink(mq_name(UQUEUE)));
		sys_exit_group(0);
	}
	sys_wait4(child, &st, 0, 0);
	say_dec("child status", st);

	long fd = sys_openat(AT_FDCWD, F600, O_RDWR, 0);
	say_yes("root: open f600 O_RDWR", fd >= 0);
	sys_close(fd);
	say_dec("root: chdir d700", sys_chdir(D700));
	say_dec("root: unlinkat the child's FIFO in sticky /tmp", sys_unlinkat(AT_FDCWD, LEFT, 0));
	say_dec("root: mq_unlink its queue", sys_mq_unlink(mq_name(QUEUE)));
	sys_close(q);
	say_dec("root: chdir /", sys_chdir("/"));
	cleanup();
	return 0;
}

/*
 * creds_groups: supplementary groups, and the ids' other effects.
 *
 * - setgroups(2) needs root (EPERM), at most NGROUPS_MAX (65536) groups
 *   (EINVAL), a readable list (EFAULT) and no group -1 (EINVAL); the
 *   kernel sorts the list (groups_sort), so getgroups(2) returns it in
 *   ascending order. getgroups: the count for size 0; EINVAL for a size
 *   below the count, or negative. fork copies the groups.
 * - A supplementary group counts as the caller's group (in_group_p) for a
 *   file's group bits, for access(2) (with the real ids), for a System V
 *   object's and a POSIX queue's group bits, and for chown's "a group of
 *   which that owner is a member" (else EPERM). access(2) walks the path
 *   with the real ids too (access_override_creds).
 * - A receive at a Unix stream's end reports the zeroed credentials of
 *   scm_recv's cookie with SO_PASSCRED; a record socket's, none.
 * - fchown of a pipe changes its owner by chown's rules; of an epoll
 *   instance, EOPNOTSUPP (anon_inode's setattr).
 * - kill(2): the sender's real or effective uid must equal the target's
 *   real or saved uid; the saved one counts too.
 * - A change of the effective uid or gid makes the process not dumpable
 *   (commit_creds; suid_dumpable 0), and fork keeps that.
 */
#include "rt/rt.h"

#define SYS_getgroups 158
#define SYS_setgroups 159
#define PR_GET_DUMPABLE 3
#define SYS_faccessat2_ 439
#define AT_EACCESS 0x200
#define FILE "/tmp/ipcsim-creds-groups"

static void say_groups(const char *label)
{
	int g[8];
	long n = syscall2(SYS_getgroups, 8, (long)g);
	print(label);
	print(": ");
	print_dec(n);
	for (long i = 0; i < n; i++) {
		print(i ? "," : " ");
		print_dec(g[i]);
	}
	print("\n");
}

/* A child with uids uid, uid and uid says whether it may signal pid. */
static void kill_as(long uid, long pid, const char *label)
{
	long c = sys_fork();
	if (c == 0) {
		sys_setresuid(uid, uid, uid);
		say_dec(label, sys_kill(pid, 0));
		sys_exit_group(0);
	}
	sys_wait4(c, 0, 0, 0);
}

/* Becomes uid 1000 (real, effective and saved) with group 1002 and the
 * supplementary group 1001, as root can. */
static void become_1000(void)
{
	int g[] = { 1001 };
	syscall2(SYS_setgroups, 1, (long)g);
	sys_setresgid(1002, 1002, 1002);
	sys_setresuid(1000, 1000, 1000);
}

int main(void)
{
	int g[4] = { 1003, 1001, 1002, 1001 };
	sys_umask(022);
	say_dec("setgroups of none", syscall2(SYS_setgroups, 0, 0));
	say_dec("getgroups(0): the count", syscall2(SYS_getgroups, 0, 0));
	say_dec("setgroups 1003 1001 1002 1001", syscall2(SYS_setgroups, 4, (long)g));
	say_groups("getgroups (sorted, the repeat kept)");
	say_dec("getgroups with room for 2 (EINVAL)", syscall2(SYS_getgroups, 2, (long)g));
	say_dec("getgroups(-1) (EINVAL)", syscall2(SYS_getgroups, -1, (long)g));
	g[0] = -1;
	say_dec("setgroups of -1 (EINVAL)", syscall2(SYS_setgroups, 1, (long)g));
	say_dec("setgroups of 65537 (EINVAL)", syscall2(SYS_setgroups, 65537, (long)g));
	say_dec("setgroups from a bad address (EFAULT)", syscall2(SYS_setgroups, 1, 8));
	say_groups("getgroups (unchanged)");
	say_dec("root is dumpable", sys_prctl(PR_GET_DUMPABLE, 0));

	/* Root's objects, each of group 1001 with only group bits. */
	sys_unlinkat(AT_FDCWD, FILE, 0);
	int f = sys_openat(AT_FDCWD, FILE, O_RDWR | O_CREAT | O_EXCL, 0);
	sys_fchown(f, 0, 1001);
	sys_fchmod(f, 0060);
	sys_close(f);
	long q = sys_msgget(IPC_PRIVATE, 0040);
	struct msqid64_ds ds;
	memset(&ds, 0, sizeof ds);
	sys_msgctl(q, IPC_STAT, &ds);
	ds.msg_perm.gid = 1001;
	say_dec("msgctl IPC_SET: group 1001", sys_msgctl(q, IPC_SET, &ds));
	const char *mq = mq_name("/ipcsim-creds-groups");
	sys_mq_unlink(mq);
	long m = sys_mq_open(mq, O_RDWR | O_CREAT, 0060, 0);
	say_dec("fchown of the queue: group 1001", sys_fchown(m, -1, 1001));
	sys_close(m);

	int ready[2], done[2];
	sys_pipe2(ready, 0);
	sys_pipe2(done, 0);
	long a = sys_fork();
	if (a == 0) {
		/* A: uids 1000, 1000 and 1001, waiting to be asked about */
		sys_setresuid(1000, 1000, 1001);
		char c;
		sys_write(ready[1], "r", 1);
		sys_read(done[0], &c, 1);
		sys_exit_group(0);
	}
	char c;
	sys_read(ready[0], &c, 1);
	long b = sys_fork();
	if (b == 0) {
		become_1000();
		say_groups("child: getgroups");
		say_dec("child: not dumpable", sys_prctl(PR_GET_DUMPABLE, 0));
		say_dec("child: setgroups (EPERM)", syscall2(SYS_setgroups, 0, 0));
		say_dec("child: open root's 0060 file of group 1001 for both", sys_openat(AT_FDCWD, FILE, O_RDWR, 0) >= 0);
		say_dec("child: access R_OK|W_OK", sys_faccessat(AT_FDCWD, FILE, 6));
		say_dec("child: access X_OK (EACCES)", sys_faccessat(AT_FDCWD, FILE, 1));
		say_dec("child: msgctl IPC_STAT (group read)", sys_msgctl(q, IPC_STAT, &ds));
		struct { long type; char text[1]; } msg = { 1, { 'x' } };
		say_dec("child: msgsnd (EACCES: no group write bit)", sys_msgsnd(q, &msg, 1, IPC_NOWAIT));
		say_dec("child: mq_open O_RDONLY (the group read bit)", sys_mq_open(mq, O_RDONLY, 0, 0) >= 0);
		say_dec("child: mq_open O_RDWR (EACCES: umask 022 took the write bit)", sys_mq_open(mq, O_RDWR, 0, 0));

		/* chown of its own file: to its supplementary group, not another */
		sys_unlinkat(AT_FDCWD, FILE "-own", 0);
		int own = sys_openat(AT_FDCWD, FILE "-own", O_RDWR | O_CREAT, 0640);
		struct stat st;
		sys_fstat(own, &st);
		print("child: its file's owner and group: ");
		print_dec(st.st_uid);
		print(" ");
		print_dec(st.st_gid);
		print("\n");
		say_dec("child: fchown to group 1001 (a supplementary group)", sys_fchown(own, -1, 1001));
		say_dec("child: fchown to group 1003 (EPERM)", sys_fchown(own, -1, 1003));
		say_dec("child: fchown to owner 0 (EPERM)", sys_fchown(own, 0, -1));
		sys_unlinkat(AT_FDCWD, FILE "-own", 0);

		int p[2];
		sys_pipe2(p, 0);
		say_dec("child: fchown of a pipe to group 1001", sys_fchown(p[0], -1, 1001));
		sys_fstat(p[0], &st);
		print("child: the pipe's owner and group: ");
		print_dec(st.st_uid);
		print(" ");
		print_dec(st.st_gid);
		print("\n");
		say_dec("child: fchown of a pipe to owner 0 (EPERM)", sys_fchown(p[0], 0, -1));
		say_dec("child: fchown of an epoll instance (EOPNOTSUPP)", sys_fchown(sys_epoll_create1(0), -1, -1));

		say_dec("child: kill A, whose saved uid is 1001 (0)", sys_kill(a, 0));
		sys_setresuid(1000, 1000, 1000);
		say_dec("child: kill A as 1000 (0: A's real uid)", sys_kill(a, 0));
		long gc = sys_fork();
		if (gc == 0) {
			say_dec("grandchild: not dumpable either", sys_prctl(PR_GET_DUMPABLE, 0));
			sys_exit_group(0);
		}
		sys_wait4(gc, 0, 0, 0);
		sys_exit_group(0);
	}
	sys_wait4(b, 0, 0, 0);
	/* Only A's saved uid matches 1001's ids; none of A's, 1002's. */
	kill_as(1001, a, "other child: kill A as 1001 (0: A's saved uid)");
	kill_as(1002, a, "third child: kill A as 1002 (EPERM)");
	sys_write(done[1], "d", 1);
	sys_wait4(a, 0, 0, 0);
	sys_msgctl(q, IPC_RMID, 0);
	sys_mq_unlink(mq);
	sys_unlinkat(AT_FDCWD, FILE, 0);

	/* access(2) walks the path with the real ids as well: a directory of
	 * 1000's, 0700, with a file of 1000's, 0600, seen by a process whose
	 * real uid is 1000 and effective uid 1001. */
	sys_unlinkat(AT_FDCWD, FILE "-dir/f", 0);
	sys_unlinkat(AT_FDCWD, FILE "-dir", AT_REMOVEDIR);
	sys_mkdirat(AT_FDCWD, FILE "-dir", 0700);
	sys_fchownat(AT_FDCWD, FILE "-dir", 1000, 1000, 0);
	f = sys_openat(AT_FDCWD, FILE "-dir/f", O_RDWR | O_CREAT, 0600);
	sys_fchown(f, 1000, 1000);
	sys_close(f);
	long d = sys_fork();
	if (d == 0) {
		sys_setresuid(1000, 1001, 1001);
		say_dec("real 1000, effective 1001: access W_OK through 1000's 0700 directory",
			sys_faccessat(AT_FDCWD, FILE "-dir/f", W_OK));
		say_dec("the same with AT_EACCESS (EACCES: 1001 may not search it)",
			syscall4(SYS_faccessat2_, AT_FDCWD, (long)(FILE "-dir/f"), W_OK, AT_EACCESS));
		say_dec("open for reading (EACCES: the effective ids)", sys_openat(AT_FDCWD, FILE "-dir/f", O_RDONLY, 0));
		sys_exit_group(0);
	}
	sys_wait4(d, 0, 0, 0);
	sys_unlinkat(AT_FDCWD, FILE "-dir/f", 0);
	sys_unlinkat(AT_FDCWD, FILE "-dir", AT_REMOVEDIR);

	/* The credentials a receive reports with SO_PASSCRED at the end: a
	 * stream socket's are scm_recv's zeroed cookie (pid, uid and gid 0);
	 * a record socket's receive of its end puts no control message. */
	for (int type = SOCK_STREAM; type <= SOCK_SEQPACKET; type += SOCK_SEQPACKET - SOCK_STREAM) {
		int sv[2], on = 1;
		union { struct cmsghdr h; char b[CMSG_SPACE(sizeof(struct ucred))]; } ctl;
		char byte;
		struct iovec iov = { &byte, 1 };
		struct msghdr m;
		memset(&m, 0, sizeof m);
		memset(&ctl, 0, sizeof ctl);
		m.msg_iov = &iov;
		m.msg_iovlen = 1;
		m.msg_control = &ctl;
		m.msg_controllen = sizeof ctl;
		sys_socketpair(AF_UNIX, type, 0, sv);
		sys_setsockopt(sv[0], SOL_SOCKET, SO_PASSCRED, &on, sizeof on);
		sys_close(sv[1]);
		say_dec(type == SOCK_STREAM ? "stream, at its end: recvmsg" : "seqpacket, at its end: recvmsg", sys_recvmsg(sv[0], &m, 0));
		say_dec("  msg_controllen", (long)m.msg_controllen);
		if (m.msg_controllen >= CMSG_LEN(sizeof(struct ucred))) {
			struct ucred *cr = (struct ucred *)CMSG_DATA(&ctl.h);
			say_dec("  creds pid", cr->pid);
			say_dec("  creds uid", (int)cr->uid);
			say_dec("  creds gid", (int)cr->gid);
		}
		sys_close(sv[0]);
	}
	return 0;
}

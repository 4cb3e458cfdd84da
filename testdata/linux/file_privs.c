/*
 * file_privs: a write or a truncate by a process without CAP_FSETID takes
 * a regular file's set-user-ID bit, and its set-group-ID bit if the group
 * may execute the file or the writer is not in the file's group
 * (setattr_should_drop_suidgid, from file_remove_privs and do_truncate);
 * root's writes keep them, and so does a write of no bytes. Found by
 * sysdiff (an ftruncate of a message queue, a regular file of mqueue).
 */
#include "rt/rt.h"

#define F "/tmp/ipcsim-file-privs"
#define S_ISUID 04000
#define S_ISGID 02000

static void say_mode(const char *label)
{
	struct stat st;
	memset(&st, 0, sizeof st);
	if (sys_newfstatat(AT_FDCWD, F, &st, 0) < 0)
		st.st_mode = 0;
	say_oct(label, st.st_mode & 07777);
}

/* As root: the file's mode and group. */
static void set(long mode, long gid)
{
	sys_fchownat(AT_FDCWD, F, 1000, gid, 0);
	sys_fchmodat(AT_FDCWD, F, mode);
}

int main(void)
{
	sys_umask(0);
	sys_unlinkat(AT_FDCWD, F, 0);
	int f = sys_openat(AT_FDCWD, F, O_RDWR | O_CREAT, 0666);
	sys_close(f);
	set(06755, 1000);
	say_mode("root's file of 1000's, 06755");
	f = sys_openat(AT_FDCWD, F, O_RDWR, 0);
	sys_write(f, "x", 1);
	say_mode("after root wrote (CAP_FSETID: kept)");
	sys_close(f);

	long pid = sys_fork();
	if (pid == 0) {
		int g[] = { 1003 };
		syscall2(159, 1, (long)g); /* setgroups: 1003 */
		sys_setresgid(1000, 1000, 1000);
		sys_setresuid(1000, 1000, 1000);
		f = sys_openat(AT_FDCWD, F, O_RDWR, 0);
		sys_write(f, "x", 0);
		say_mode("user 1000 writes no bytes (kept)");
		sys_write(f, "x", 1);
		say_mode("user 1000 writes a byte (both go: the group may execute)");
		sys_exit_group(0);
	}
	int st;
	sys_wait4(pid, &st, 0, 0);

	static const struct { long mode, gid; const char *what, *label; } cases[] = {
		{ 02745, 1000, "write", "02745, group 1000, its own: write (set-group-ID kept: no group x, in the group)" },
		{ 02745, 1003, "write", "02745, group 1003, a supplementary one: write (kept)" },
		{ 02745, 1001, "write", "02745, group 1001, not its: write (set-group-ID goes)" },
		{ 04755, 1000, "pwrite", "04755: pwrite (set-user-ID goes)" },
		{ 06755, 1000, "truncate", "06755: truncate to 1 byte (both go)" },
		{ 04755, 1000, "ftruncate", "04755: ftruncate (set-user-ID goes)" },
		{ 04755, 1000, "writev", "04755: writev" },
	};
	for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		set(cases[i].mode, cases[i].gid);
		pid = sys_fork();
		if (pid == 0) {
			int g[] = { 1003 };
			syscall2(159, 1, (long)g);
			sys_setresgid(1000, 1000, 1000);
			sys_setresuid(1000, 1000, 1000);
			f = sys_openat(AT_FDCWD, F, O_RDWR, 0);
			const char *w = cases[i].what;
			struct iovec v = { "y", 1 };
			if (w[0] == 'w' && w[5] == 0)
				sys_write(f, "y", 1);
			else if (w[0] == 'w')
				sys_writev(f, &v, 1);
			else if (w[0] == 'p')
				sys_pwrite64(f, "y", 1, 3);
			else if (w[0] == 't')
				sys_truncate(F, 1);
			else
				sys_ftruncate(f, 1);
			say_mode(cases[i].label);
			sys_exit_group(0);
		}
		sys_wait4(pid, &st, 0, 0);
	}
	sys_unlinkat(AT_FDCWD, F, 0);
	return 0;
}

/*
 * fs_rename: renameat2(2) in the name space, and a few open(2) corners
 * (issue 17). riscv64 has no rename or renameat: renameat2 is the call.
 *
 * rename(2): "If newpath already exists, it will be atomically replaced".
 *   "If oldpath and newpath are existing hard links referring to the same
 *   file, then rename() does nothing, and returns a success status."
 *   "oldpath can specify a directory. In this case, newpath must either
 *   not exist, or it must specify an empty directory."
 *   "EISDIR newpath is an existing directory, but oldpath is not a
 *   directory." "ENOTDIR ... oldpath is a directory, and newpath exists
 *   but is not a directory." "ENOTEMPTY or EEXIST newpath is a nonempty
 *   directory" (tmpfs and ext4: ENOTEMPTY). "EINVAL The new pathname
 *   contained a path prefix of the old ... an attempt was made to make a
 *   directory a subdirectory of itself." "EBUSY ... oldpath or newpath is
 *   a directory that is in use" ("." as the last component).
 *   "RENAME_NOREPLACE Don't overwrite newpath of the rename. Return an
 *   error if newpath already exists." (EEXIST) "EINVAL An invalid flag was
 *   specified in flags." "EACCES Write permission is denied for the
 *   directory containing oldpath or newpath". "EPERM The directory
 *   containing oldpath has the sticky bit (S_ISVTX) set and the process's
 *   effective user ID is neither the user ID of the file to be deleted
 *   nor that of the directory containing it".
 *   A file replaced by rename lives on while it is open (as after unlink).
 * open(2): "EINVAL ... O_CREAT and O_DIRECTORY were both specified"
 *   (Linux 6.4 and later). mkdir(2), mknod(2): the umask applies.
 */
#include "rt/rt.h"

#define DIR  "/tmp/ipcsim-fs-rename"
#define TR   "/tmp/ipcsim-fs-rename-root"
#define TR2  "/tmp/ipcsim-fs-rename-moved"

static void cleanup(void)
{
	static const char *files[] = { DIR "/a", DIR "/b", DIR "/c", DIR "/z", DIR "/d1/b", DIR "/d1/f", DIR "/d3/d1/f",
		DIR "/d2/x", DIR "/p", DIR "/u", TR, TR2, 0 };
	for (int i = 0; files[i]; i++)
		sys_unlinkat(AT_FDCWD, files[i], 0);
	sys_unlinkat(AT_FDCWD, DIR "/d3/d1", AT_REMOVEDIR);
	sys_unlinkat(AT_FDCWD, DIR "/d1", AT_REMOVEDIR);
	sys_unlinkat(AT_FDCWD, DIR "/d2", AT_REMOVEDIR);
	sys_unlinkat(AT_FDCWD, DIR "/d3", AT_REMOVEDIR);
	sys_unlinkat(AT_FDCWD, DIR "/m", AT_REMOVEDIR);
	sys_unlinkat(AT_FDCWD, DIR, AT_REMOVEDIR);
}

static void make(const char *path, const char *text)
{
	int fd = sys_openat(AT_FDCWD, path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
	sys_write(fd, text, strlen(text));
	sys_close(fd);
}

/* "label: text" of the file at path, or the error */
static void show(const char *label, const char *path)
{
	char buf[32];
	int fd = sys_openat(AT_FDCWD, path, O_RDONLY, 0);
	print(label);
	print(": ");
	if (fd < 0) {
		print_dec(fd);
		print("\n");
		return;
	}
	long n = sys_read(fd, buf, sizeof buf);
	sys_write(1, buf, n);
	print("\n");
	sys_close(fd);
}

static long ren(const char *from, const char *to, unsigned flags)
{
	return sys_renameat2(AT_FDCWD, from, AT_FDCWD, to, flags);
}

static void say_mode(const char *label, const char *path)
{
	struct stat st;
	memset(&st, 0, sizeof st);
	long r = sys_newfstatat(AT_FDCWD, path, &st, 0);
	if (r < 0)
		say_dec(label, r);
	else
		say_oct(label, st.st_mode);
}

int main(void)
{
	cleanup();
	sys_umask(022);
	say_dec("mkdirat", sys_mkdirat(AT_FDCWD, DIR, 0777));
	say_mode("  its mode (umask 022)", DIR);
	make(DIR "/a", "A");
	make(DIR "/b", "B");
	sys_mkdirat(AT_FDCWD, DIR "/d1", 0755);
	sys_mkdirat(AT_FDCWD, DIR "/d2", 0755);
	make(DIR "/d2/x", "X");

	print("-- files\n");
	say_dec("rename a -> c", ren(DIR "/a", DIR "/c", 0));
	show("  a", DIR "/a");
	show("  c", DIR "/c");
	say_dec("rename c -> b (replaces b)", ren(DIR "/c", DIR "/b", 0));
	show("  b", DIR "/b");
	show("  c", DIR "/c");
	int fd = sys_openat(AT_FDCWD, DIR "/b", O_RDONLY, 0);
	make(DIR "/z", "Z");
	say_dec("rename z -> b while b is open", ren(DIR "/z", DIR "/b", 0));
	show("  b by name", DIR "/b");
	{
		char buf[8];
		struct stat st;
		long n = sys_read(fd, buf, sizeof buf);
		print("  the open one: ");
		sys_write(1, buf, n);
		print("\n");
		sys_fstat(fd, &st);
		say_dec("  its st_nlink", st.st_nlink);
		sys_close(fd);
	}
	say_dec("rename b -> b (the same file)", ren(DIR "/b", DIR "/b", 0));
	make(DIR "/c", "C");
	say_dec("RENAME_NOREPLACE onto c (EEXIST)", ren(DIR "/b", DIR "/c", RENAME_NOREPLACE));
	say_dec("RENAME_NOREPLACE to a free name", ren(DIR "/c", DIR "/a", RENAME_NOREPLACE));
	say_dec("flags 8 (EINVAL)", ren(DIR "/a", DIR "/c", 8));
	say_dec("a missing name (ENOENT)", ren(DIR "/none", DIR "/c", 0));
	say_dec("into a missing directory (ENOENT)", ren(DIR "/a", DIR "/none/a", 0));
	say_dec("a file onto a directory (EISDIR)", ren(DIR "/a", DIR "/d1", 0));
	say_dec("a file with a trailing slash (ENOTDIR)", ren(DIR "/a/", DIR "/c", 0));
	say_dec("into another directory", ren(DIR "/a", DIR "/d1/f", 0));
	show("  d1/f", DIR "/d1/f");

	print("-- directories\n");
	say_dec("a directory onto a file (ENOTDIR)", ren(DIR "/d1", DIR "/b", 0));
	say_dec("onto a non-empty directory (ENOTEMPTY)", ren(DIR "/d1", DIR "/d2", 0));
	say_dec("into itself (EINVAL)", ren(DIR "/d1", DIR "/d1/sub", 0));
	say_dec("\".\" (EBUSY)", ren(DIR "/d1/.", DIR "/d9", 0));
	sys_mkdirat(AT_FDCWD, DIR "/d3", 0755);
	sys_mkdirat(AT_FDCWD, DIR "/m", 0755);
	say_dec("onto an empty directory", ren(DIR "/m", DIR "/d3", 0));
	say_mode("  m", DIR "/m");
	say_dec("d1 into d3", ren(DIR "/d1", DIR "/d3/d1", 0));
	show("  d3/d1/f", DIR "/d3/d1/f");
	say_dec("rmdir d3 (ENOTEMPTY)", sys_unlinkat(AT_FDCWD, DIR "/d3", AT_REMOVEDIR));

	print("-- open corners, umask\n");
	say_dec("O_CREAT|O_DIRECTORY (EINVAL)", sys_openat(AT_FDCWD, DIR "/new", O_CREAT | O_DIRECTORY | O_RDONLY, 0644));
	say_dec("  nothing made (ENOENT)", sys_faccessat(AT_FDCWD, DIR "/new", F_OK));
	sys_umask(027);
	say_dec("mknodat FIFO 0666 with umask 027", sys_mknodat(AT_FDCWD, DIR "/p", S_IFIFO | 0666, 0));
	say_mode("  its mode", DIR "/p");
	fd = sys_openat(AT_FDCWD, DIR "/u", O_CREAT | O_RDWR, 0777);
	say_mode("  a file made 0777", DIR "/u");
	sys_close(fd);
	/* A new file opens as asked, whatever its mode (do_open: no check for
	 * a file it created). */
	fd = sys_openat(AT_FDCWD, DIR "/c", O_CREAT | O_WRONLY, 0444);
	say_dec("O_CREAT 0444, O_WRONLY", fd >= 0 ? 0 : fd);
	say_dec("  write", sys_write(fd, "ok", 2));
	sys_close(fd);
	say_mode("  its mode", DIR "/c");
	sys_umask(022);

	print("-- as uid 65534\n");
	make(TR, "root's");
	int pid = sys_fork();
	if (pid == 0) {
		sys_setresgid(65534, 65534, 65534);
		sys_setresuid(65534, 65534, 65534);
		say_dec("child: rename in root's 0755 directory (EACCES)", ren(DIR "/b", DIR "/y", 0));
		say_dec("child: rename root's file in sticky /tmp (EPERM)", ren(TR, TR2, 0));
		say_dec("child: O_CREAT|O_DIRECTORY still EINVAL first", sys_openat(AT_FDCWD, DIR "/new", O_CREAT | O_DIRECTORY, 0644));
		sys_exit_group(0);
	}
	int status;
	sys_wait4(pid, &status, 0, 0);
	say_dec("root renames it", ren(TR, TR2, 0));
	show("  moved", TR2);

	cleanup();
	say_dec("the directory is gone", sys_faccessat(AT_FDCWD, DIR, F_OK));
	return 0;
}

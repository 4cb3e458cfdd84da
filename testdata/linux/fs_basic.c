/*
 * fs_basic: regular files, directories and /dev in the name space (issue 17).
 *
 * open(2): "O_CREAT If pathname does not exist, create it as a regular
 *   file." "the mode of the created file is (mode & ~umask)". "O_EXCL ...
 *   If this flag is specified in conjunction with O_CREAT, and pathname
 *   already exists, then open() fails with the error EEXIST." "O_TRUNC If
 *   the file already exists and is a regular file and the access mode
 *   allows writing ... it will be truncated to length 0." "O_APPEND The
 *   file is opened in append mode. Before each write(2), the file offset
 *   is positioned at the end of the file". "EISDIR pathname refers to a
 *   directory and the access requested involved writing". "ENOTDIR ...
 *   O_DIRECTORY was specified and pathname was not a directory."
 * lseek(2): "SEEK_END The file offset is set to the size of the file plus
 *   offset bytes." "If data is later written at this point, subsequent
 *   reads of the data in the gap (a "hole") return null bytes". "EINVAL
 *   whence is not valid. Or: the resulting file offset would be negative".
 *   "ENXIO whence is SEEK_DATA or SEEK_HOLE, and offset is beyond the end
 *   of the file". A gap within one block is no hole (ext4 and tmpfs alike),
 *   so SEEK_HOLE gives the end here.
 * pread(2): "The file offset is not changed." BUGS: "if a file is opened
 *   with O_APPEND, pwrite() appends data to the end of the file,
 *   regardless of the value of offset."
 * truncate(2): "If the file previously was shorter, it is extended, and
 *   the extended part reads as null bytes". ftruncate on a descriptor not
 *   open for writing: EINVAL (Linux); a negative length: EINVAL.
 * unlink(2): "If the name was the last link to a file but any processes
 *   still have the file open, the file will remain in existence until the
 *   last file descriptor referring to it is closed." (st_nlink 0.)
 * getdents64(2): "EINVAL Result buffer is too small." The order of the
 *   entries depends on the file system, so the names are sorted here.
 * umask(2): returns the previous mask; "A child process created via
 *   fork(2) inherits its parent's umask."
 * access(2): "The check is done using the calling process's real UID and
 *   GID"; root passes R_OK and W_OK, and X_OK only if some x bit is set.
 * chmod(2), chown(2): EPERM for a caller that is not the owner (chmod) or
 *   not privileged (chown to another user).
 * null(4): "Data written to the /dev/null and /dev/zero special files is
 *   discarded. Reads from /dev/null always return end of file ..., whereas
 *   reads from /dev/zero always return bytes containing zero".
 *
 * Nothing host-specific is printed: no inode or device numbers of the
 * name space, no times, no block counts, no directory sizes or order.
 */
#include "rt/rt.h"

#define DIR  "/tmp/ipcsim-fs-basic"
#define FA   DIR "/a"
#define GONE DIR "/gone"
#define FIFO DIR "/p"
#define SUB  DIR "/sub"
#define UF   "/tmp/ipcsim-fs-basic-u"

static void cleanup(void)
{
	sys_unlinkat(AT_FDCWD, FA, 0);
	sys_unlinkat(AT_FDCWD, GONE, 0);
	sys_unlinkat(AT_FDCWD, FIFO, 0);
	sys_unlinkat(AT_FDCWD, DIR "/c", 0);
	sys_unlinkat(AT_FDCWD, UF, 0);
	sys_unlinkat(AT_FDCWD, SUB, AT_REMOVEDIR);
	sys_unlinkat(AT_FDCWD, DIR, AT_REMOVEDIR);
}

static void say_stat(const char *label, struct stat *st)
{
	print(label);
	print(": mode ");
	char buf[8];
	unsigned m = st->st_mode;
	int i = sizeof buf;
	do {
		buf[--i] = '0' + (m & 7);
		m >>= 3;
	} while (m);
	sys_write(1, buf + i, sizeof buf - i);
	if ((st->st_mode & S_IFMT) != S_IFDIR) { /* a directory's size depends on the file system */
		print(" size ");
		print_dec(st->st_size);
	}
	print(" nlink ");
	print_dec(st->st_nlink);
	print(" uid ");
	print_dec(st->st_uid);
	print(" gid ");
	print_dec(st->st_gid);
	print("\n");
}

static void fstat_say(const char *label, int fd)
{
	struct stat st;
	memset(&st, 0, sizeof st);
	long r = sys_fstat(fd, &st);
	if (r < 0) {
		say_dec(label, r);
		return;
	}
	say_stat(label, &st);
}

/* "label: N bytes "text"" */
static void say_bytes(const char *label, long n, const char *buf)
{
	print(label);
	print(": ");
	print_dec(n);
	if (n > 0) {
		print(" \"");
		for (long i = 0; i < n; i++) {
			char c = buf[i];
			if (c == 0)
				print("\\0");
			else
				sys_write(1, &c, 1);
		}
		print("\"");
	}
	print("\n");
}

static int name_less(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a < (unsigned char)*b;
}

/* List a directory: every entry's name and d_type, sorted by name. */
static void list_dir(const char *label, int fd)
{
	static char buf[4096];
	const char *names[32];
	int types[32], n = 0;
	long r;
	while ((r = sys_getdents64(fd, buf, sizeof buf)) > 0) {
		for (long off = 0; off < r;) {
			struct linux_dirent64 *d = (void *)(buf + off);
			if (n < 32) {
				/* the names stay in buf only until the next call: copy */
				static char store[32][64];
				size_t len = strlen(d->d_name);
				memcpy(store[n], d->d_name, len + 1);
				names[n] = store[n];
				types[n] = d->d_type;
				n++;
			}
			off += d->d_reclen;
		}
	}
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && name_less(names[j], names[j - 1]); j--) {
			const char *t = names[j];
			names[j] = names[j - 1];
			names[j - 1] = t;
			int tt = types[j];
			types[j] = types[j - 1];
			types[j - 1] = tt;
		}
	print(label);
	print(":");
	for (int i = 0; i < n; i++) {
		print(" ");
		print(names[i]);
		print("/");
		print_dec(types[i]);
	}
	print(" (end ");
	print_dec(r);
	print(")\n");
}

int main(void)
{
	char buf[64];
	struct stat st;
	long r;
	int fd;

	cleanup();
	sys_umask(022);
	say_oct("umask(077) gives the old mask", sys_umask(077));
	say_oct("umask(022) gives", sys_umask(022));
	say_dec("mkdirat " DIR, sys_mkdirat(AT_FDCWD, DIR, 0755));

	print("-- create, write, seek, read\n");
	fd = sys_openat(AT_FDCWD, FA, O_CREAT | O_EXCL | O_RDWR, 0666);
	say_dec("openat O_CREAT|O_EXCL", fd);
	fstat_say("new file", fd);
	say_dec("again O_CREAT|O_EXCL (EEXIST)", sys_openat(AT_FDCWD, FA, O_CREAT | O_EXCL | O_RDWR, 0666));
	say_dec("write", sys_write(fd, "hello, world\n", 13));
	say_dec("lseek 0 SEEK_CUR", sys_lseek(fd, 0, SEEK_CUR));
	say_dec("lseek 7 SEEK_SET", sys_lseek(fd, 7, SEEK_SET));
	r = sys_read(fd, buf, 5);
	say_bytes("read 5", r, buf);
	say_dec("lseek -1 SEEK_SET (EINVAL)", sys_lseek(fd, -1, SEEK_SET));
	say_dec("lseek whence 9 (EINVAL)", sys_lseek(fd, 0, 9));
	say_dec("lseek -6 SEEK_END", sys_lseek(fd, -6, SEEK_END));
	say_dec("lseek 20 SEEK_SET (past the end)", sys_lseek(fd, 20, SEEK_SET));
	say_dec("write X there", sys_write(fd, "X", 1));
	fstat_say("after the gap", fd);
	r = sys_pread64(fd, buf, 10, 12);
	say_bytes("pread 10 at 12", r, buf);
	say_dec("offset unchanged", sys_lseek(fd, 0, SEEK_CUR));
	say_dec("SEEK_DATA 0", sys_lseek(fd, 0, SEEK_DATA));
	say_dec("SEEK_HOLE 0", sys_lseek(fd, 0, SEEK_HOLE));
	say_dec("SEEK_DATA at the end (ENXIO)", sys_lseek(fd, 21, SEEK_DATA));
	say_dec("read at the end", sys_read(fd, buf, 10));
	say_dec("pwrite HELLO at 0", sys_pwrite64(fd, "HELLO", 5, 0));
	r = sys_pread64(fd, buf, 13, 0);
	say_bytes("pread 13 at 0", r, buf);
	say_dec("pread at -1 (EINVAL)", sys_pread64(fd, buf, 1, -1));
	say_dec("pread at 100", sys_pread64(fd, buf, 1, 100));
	say_dec("ftruncate 5", sys_ftruncate(fd, 5));
	fstat_say("truncated", fd);
	say_dec("ftruncate -1 (EINVAL)", sys_ftruncate(fd, -1));
	say_dec("truncate path to 8", sys_truncate(FA, 8));
	r = sys_pread64(fd, buf, 20, 0);
	say_bytes("pread 20 at 0", r, buf);
	{
		struct iovec v[2] = { { "ab", 2 }, { "cde", 3 } };
		say_dec("lseek 8 SEEK_SET", sys_lseek(fd, 8, SEEK_SET));
		say_dec("writev 2+3", sys_writev(fd, v, 2));
		char x[3], y[10];
		struct iovec w[2] = { { x, 3 }, { y, 10 } };
		sys_lseek(fd, 6, SEEK_SET);
		r = sys_readv(fd, w, 2);
		say_dec("readv 3+10 at 6", r);
		say_bytes("  first", 3, x);
		say_bytes("  second", r - 3, y);
	}
	say_dec("close", sys_close(fd));

	print("-- O_APPEND, O_TRUNC, errors\n");
	fd = sys_openat(AT_FDCWD, FA, O_WRONLY | O_APPEND, 0);
	say_dec("openat O_WRONLY|O_APPEND", fd);
	say_hex("F_GETFL & (O_ACCMODE|O_APPEND)", sys_fcntl(fd, F_GETFL, 0) & (O_ACCMODE | O_APPEND));
	say_dec("write ab", sys_write(fd, "ab", 2));
	say_dec("offset", sys_lseek(fd, 0, SEEK_CUR));
	say_dec("lseek 0", sys_lseek(fd, 0, SEEK_SET));
	say_dec("write cd (at the end all the same)", sys_write(fd, "cd", 2));
	say_dec("offset", sys_lseek(fd, 0, SEEK_CUR));
	say_dec("pwrite ef at 0 (appends: Linux)", sys_pwrite64(fd, "ef", 2, 0));
	fstat_say("appended", fd);
	say_dec("read on O_WRONLY (EBADF)", sys_read(fd, buf, 1));
	sys_close(fd);
	fd = sys_openat(AT_FDCWD, FA, O_RDONLY, 0);
	r = sys_read(fd, buf, sizeof buf);
	say_bytes("contents", r, buf);
	say_dec("write on O_RDONLY (EBADF)", sys_write(fd, "x", 1));
	say_dec("ftruncate on O_RDONLY (EINVAL)", sys_ftruncate(fd, 0));
	sys_close(fd);
	fd = sys_openat(AT_FDCWD, FA, O_RDWR | O_TRUNC, 0);
	say_dec("openat O_RDWR|O_TRUNC", fd);
	fstat_say("emptied", fd);
	sys_close(fd);
	say_dec("O_DIRECTORY on a file (ENOTDIR)", sys_openat(AT_FDCWD, FA, O_RDONLY | O_DIRECTORY, 0));
	say_dec("a directory O_WRONLY (EISDIR)", sys_openat(AT_FDCWD, DIR, O_WRONLY, 0));
	say_dec("a directory O_CREAT (EISDIR)", sys_openat(AT_FDCWD, DIR, O_CREAT | O_RDONLY, 0644));
	say_dec("a missing file (ENOENT)", sys_openat(AT_FDCWD, DIR "/none", O_RDONLY, 0));
	say_dec("O_CREAT of \"new/\" (EISDIR)", sys_openat(AT_FDCWD, DIR "/new/", O_CREAT | O_WRONLY, 0644));
	say_dec("a file as a directory (ENOTDIR)", sys_openat(AT_FDCWD, FA "/x", O_RDONLY, 0));
	say_dec("truncate a directory (EISDIR)", sys_truncate(DIR, 0));
	say_dec("truncate -1 (EINVAL)", sys_truncate(FA, -1));

	print("-- unlink while open\n");
	fd = sys_openat(AT_FDCWD, GONE, O_CREAT | O_RDWR, 0600);
	say_dec("write", sys_write(fd, "still here", 10));
	say_dec("unlinkat", sys_unlinkat(AT_FDCWD, GONE, 0));
	say_dec("openat by the name (ENOENT)", sys_openat(AT_FDCWD, GONE, O_RDONLY, 0));
	fstat_say("fstat", fd);
	sys_lseek(fd, 0, SEEK_SET);
	r = sys_read(fd, buf, sizeof buf);
	say_bytes("read", r, buf);
	say_dec("write more", sys_write(fd, "!", 1));
	say_dec("close", sys_close(fd));

	print("-- directories\n");
	say_dec("mkdirat sub", sys_mkdirat(AT_FDCWD, SUB, 0700));
	say_dec("mknodat FIFO", sys_mknodat(AT_FDCWD, FIFO, S_IFIFO | 0666, 0));
	fd = sys_openat(AT_FDCWD, DIR, O_RDONLY | O_DIRECTORY, 0);
	say_dec("openat the directory", fd);
	say_dec("getdents64, 8-byte buffer (EINVAL)", sys_getdents64(fd, buf, 8));
	list_dir("entries", fd);
	say_dec("lseek 0", sys_lseek(fd, 0, SEEK_SET));
	list_dir("again", fd);
	{
		int f = sys_openat(AT_FDCWD, FA, O_RDONLY, 0);
		say_dec("getdents64 on a file (ENOTDIR)", sys_getdents64(f, buf, sizeof buf));
		sys_close(f);
	}
	memset(&st, 0, sizeof st);
	say_dec("newfstatat sub", sys_newfstatat(AT_FDCWD, SUB, &st, 0));
	say_stat("  sub", &st);
	memset(&st, 0, sizeof st);
	say_dec("newfstatat the FIFO", sys_newfstatat(AT_FDCWD, FIFO, &st, 0));
	say_stat("  p", &st);
	memset(&st, 0, sizeof st);
	say_dec("newfstatat AT_EMPTY_PATH on the dir fd", sys_newfstatat(fd, "", &st, AT_EMPTY_PATH));
	say_stat("  dir", &st);
	say_dec("newfstatat a missing name (ENOENT)", sys_newfstatat(AT_FDCWD, DIR "/none", &st, 0));
	{
		struct statx sx;
		memset(&sx, 0, sizeof sx);
		say_dec("statx a relative to the dir fd", sys_statx(fd, "a", 0, STATX_BASIC_STATS, &sx));
		say_hex("  stx_mask & STATX_BASIC_STATS", sx.stx_mask & STATX_BASIC_STATS);
		say_oct("  stx_mode", sx.stx_mode);
		say_dec("  stx_size", sx.stx_size);
		say_dec("  stx_nlink", sx.stx_nlink);
	}
	sys_close(fd);

	print("-- access, chmod, chown\n");
	say_dec("faccessat F_OK", sys_faccessat(AT_FDCWD, FA, F_OK));
	say_dec("faccessat R_OK|W_OK (root)", sys_faccessat(AT_FDCWD, FA, R_OK | W_OK));
	say_dec("faccessat X_OK on 0644 (EACCES even for root)", sys_faccessat(AT_FDCWD, FA, X_OK));
	say_dec("faccessat a missing name (ENOENT)", sys_faccessat(AT_FDCWD, DIR "/none", F_OK));
	say_dec("faccessat mode 8 (EINVAL)", sys_faccessat(AT_FDCWD, FA, 8));
	say_dec("fchmodat 0754", sys_fchmodat(AT_FDCWD, FA, 0754));
	say_dec("faccessat X_OK now", sys_faccessat(AT_FDCWD, FA, X_OK));
	memset(&st, 0, sizeof st);
	sys_newfstatat(AT_FDCWD, FA, &st, 0);
	say_stat("a", &st);
	fd = sys_openat(AT_FDCWD, FA, O_RDONLY, 0);
	say_dec("fchmod 0600 by fd", sys_fchmod(fd, 0600));
	fstat_say("a", fd);
	sys_umask(077);
	int pid = sys_fork();
	if (pid == 0) {
		sys_setresgid(65534, 65534, 65534);
		sys_setresuid(65534, 65534, 65534);
		say_oct("child: umask inherited", sys_umask(077));
		say_dec("child: faccessat R_OK on 0600 (EACCES)", sys_faccessat(AT_FDCWD, FA, R_OK));
		say_dec("child: faccessat F_OK", sys_faccessat(AT_FDCWD, FA, F_OK));
		say_dec("child: openat O_RDONLY (EACCES)", sys_openat(AT_FDCWD, FA, O_RDONLY, 0));
		say_dec("child: openat O_CREAT in root's 0755 dir (EACCES)", sys_openat(AT_FDCWD, DIR "/c", O_CREAT | O_WRONLY, 0666));
		say_dec("child: fchmodat (EPERM)", sys_fchmodat(AT_FDCWD, FA, 0644));
		say_dec("child: fchownat to itself (EPERM)", sys_fchownat(AT_FDCWD, FA, 65534, -1, 0));
		int u = sys_openat(AT_FDCWD, UF, O_CREAT | O_EXCL | O_WRONLY, 0666);
		say_dec("child: openat O_CREAT in /tmp", u);
		fstat_say("child: its file (umask 077)", u);
		say_dec("child: fchown the group to 0 (EPERM)", sys_fchown(u, -1, 0));
		say_dec("child: fchown to its own ids", sys_fchown(u, 65534, 65534));
		sys_close(u);
		say_dec("child: unlinkat it", sys_unlinkat(AT_FDCWD, UF, 0));
		sys_exit_group(0);
	}
	int status;
	sys_wait4(pid, &status, 0, 0);
	say_dec("fchown to 65534:65534", sys_fchown(fd, 65534, 65534));
	fstat_say("a", fd);
	say_dec("fchownat back to 0:0", sys_fchownat(AT_FDCWD, FA, 0, 0, 0));
	fstat_say("a", fd);
	sys_close(fd);

	print("-- /dev/null and /dev/zero\n");
	fd = sys_openat(AT_FDCWD, "/dev/null", O_RDWR, 0);
	say_yes("open /dev/null", fd >= 0);
	say_dec("write 5", sys_write(fd, "hello", 5));
	say_dec("read (end of file)", sys_read(fd, buf, sizeof buf));
	say_dec("lseek 10", sys_lseek(fd, 10, SEEK_SET));
	memset(&st, 0, sizeof st);
	sys_fstat(fd, &st);
	say_oct("st_mode", st.st_mode);
	say_hex("st_rdev", st.st_rdev);
	sys_close(fd);
	fd = sys_openat(AT_FDCWD, "/dev/zero", O_RDWR, 0);
	say_yes("open /dev/zero", fd >= 0);
	memset(buf, 'x', sizeof buf);
	r = sys_read(fd, buf, 16);
	int zeros = 0;
	for (int i = 0; i < 16; i++)
		zeros += buf[i] == 0;
	say_dec("read 16", r);
	say_dec("zero bytes", zeros);
	say_dec("write 3", sys_write(fd, "abc", 3));
	say_dec("pread 4 at 1000", sys_pread64(fd, buf, 4, 1000));
	memset(&st, 0, sizeof st);
	sys_fstat(fd, &st);
	say_oct("st_mode", st.st_mode);
	say_hex("st_rdev", st.st_rdev);
	sys_close(fd);
	{
		int p[2];
		sys_pipe2(p, 0);
		say_dec("lseek on a pipe (ESPIPE)", sys_lseek(p[0], 0, SEEK_SET));
		say_dec("pread on a pipe (ESPIPE)", sys_pread64(p[0], buf, 1, 0));
		sys_close(p[0]);
		sys_close(p[1]);
	}

	cleanup();
	say_dec("the directory is gone", sys_faccessat(AT_FDCWD, DIR, F_OK));
	return 0;
}

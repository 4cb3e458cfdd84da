/*
 * shm_get: shmget(2) creation, lookup and size rules; the mapping is whole pages.
 *
 * shmget(2): "A new shared memory segment, with size equal to the value of size
 *   rounded up to a multiple of PAGE_SIZE, is created if key has the value
 *   IPC_PRIVATE or key isn't IPC_PRIVATE, no shared memory segment
 *   corresponding to key exists, and IPC_CREAT is specified in shmflg."
 * shmget(2): "If shmflg specifies both IPC_CREAT and IPC_EXCL and a shared
 *   memory segment already exists for key, then shmget() fails with errno set
 *   to EEXIST."
 * shmget(2) EINVAL: "A new segment was to be created and size is less than
 *   SHMMIN or greater than SHMMAX." / "A segment for the given key exists, but
 *   size is greater than the size of that segment."
 * shmget(2) ENOENT: "No segment exists for the given key, and IPC_CREAT was not
 *   specified."
 * shmget(2): "When a new shared memory segment is created, its contents are
 *   initialized to zero values"; shm_segsz is "Size of segment (bytes)" as
 *   requested (semantics.md 6: "shm_segsz still reports the requested size").
 * shmget(2) EACCES: "The user does not have permission to access the shared
 *   memory segment, and does not have the CAP_IPC_OWNER capability": checked in
 *   a child at uid 65534 (setresuid(2)); the bits asked for in shmflg are the
 *   ones checked.
 *
 * The 5000-byte segment is attached at an address the program chose (a hole
 * made by mmap + munmap of 4 pages), so the page after the segment's two pages
 * is known to be unmapped: byte 8191 works, byte 8192 faults (child, SIGSEGV).
 */
#include "rt/rt.h"

#define KEY  0x1c5e5001
#define KEY2 0x1c5e5002 /* never created */

static struct shmid64_ds ds;

static long stat(int id)
{
	memset(&ds, 0, sizeof ds);
	return sys_shmctl(id, IPC_STAT, &ds);
}

int main(void)
{
	long old = sys_shmget(KEY, 0, 0);
	if (old >= 0)
		sys_shmctl(old, IPC_RMID, 0);
	old = sys_shmget(KEY2, 0, 0);
	if (old >= 0)
		sys_shmctl(old, IPC_RMID, 0);

	long p1 = sys_shmget(IPC_PRIVATE, 4096, 0600);
	long p2 = sys_shmget(IPC_PRIVATE, 4096, 0600);
	say_yes("IPC_PRIVATE creates (>= 0), without IPC_CREAT", p1 >= 0 && p2 >= 0);
	say_yes("IPC_PRIVATE twice: two segments", p1 != p2);
	say_dec("IPC_PRIVATE size 0", sys_shmget(IPC_PRIVATE, 0, 0600));
	say_dec("missing key without IPC_CREAT", sys_shmget(KEY, 5000, 0600));
	say_dec("missing key, size 0, IPC_CREAT", sys_shmget(KEY, 0, IPC_CREAT | 0600));

	long id = sys_shmget(KEY, 5000, IPC_CREAT | 0640);
	say_yes("IPC_CREAT size 5000 creates (>= 0)", id >= 0);
	say_dec("IPC_STAT", stat(id));
	say_hex("key", (unsigned)ds.shm_perm.key);
	say_hex("mode", ds.shm_perm.mode);
	say_dec("shm_segsz (the size asked for)", ds.shm_segsz);
	say_dec("shm_nattch", ds.shm_nattch);
	say_yes("shm_cpid == getpid()", ds.shm_cpid == sys_getpid());
	say_dec("shm_lpid (no attach yet)", ds.shm_lpid);
	say_dec("shm_atime (no attach yet)", ds.shm_atime);
	say_dec("shm_dtime (no detach yet)", ds.shm_dtime);
	say_yes("shm_ctime set", ds.shm_ctime != 0);
	say_dec("shm_perm.uid", ds.shm_perm.uid);
	say_dec("shm_perm.cuid", ds.shm_perm.cuid);

	say_yes("same key, size 0: same id", sys_shmget(KEY, 0, 0) == id);
	say_yes("same key, smaller size 100: same id", sys_shmget(KEY, 100, 0) == id);
	say_yes("same key, size 5000: same id", sys_shmget(KEY, 5000, 0) == id);
	say_dec("same key, size 5001 (larger)", sys_shmget(KEY, 5001, 0));
	say_dec("same key, size 8192 (larger than asked, within the pages)", sys_shmget(KEY, 8192, 0));
	say_yes("same key with IPC_CREAT: same id", sys_shmget(KEY, 5000, IPC_CREAT | 0600) == id);
	say_dec("IPC_CREAT|IPC_EXCL on an existing key", sys_shmget(KEY, 5000, IPC_CREAT | IPC_EXCL | 0600));
	say_dec("IPC_CREAT|IPC_EXCL, existing key, larger size", sys_shmget(KEY, 9000, IPC_CREAT | IPC_EXCL | 0600));

	/* the segment: two zero pages */
	char *hole = (char *)sys_mmap(0, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	sys_munmap(hole, 4 * PAGE_SIZE);
	char *a = (char *)sys_shmat(id, hole, 0);
	say_yes("shmat at a chosen free address returns it", a == hole);
	int zero = 1;
	for (int i = 0; i < 2 * PAGE_SIZE; i++)
		if (a[i])
			zero = 0;
	say_yes("all 8192 bytes read zero", zero);
	a[4999] = 1;
	a[5000] = 2;
	a[8191] = 3;
	say_dec("bytes 4999, 5000, 8191 written and read back", a[4999] + a[5000] + a[8191]);
	stat(id);
	say_dec("shm_segsz after writing past it", ds.shm_segsz);
	say_dec("shm_nattch", ds.shm_nattch);
	say_yes("shm_lpid == getpid()", ds.shm_lpid == sys_getpid());
	say_yes("shm_atime set", ds.shm_atime != 0);

	long child = sys_fork();
	if (child == 0) {
		no_core_dumps();
		a[8192] = 1; /* the page after the segment */
		sys_exit_group(0);
	}
	int st = 0;
	sys_wait4(child, &st, 0, 0);
	say_status("child writing byte 8192", st);
	child = sys_fork();
	if (child == 0) {
		no_core_dumps();
		a[8191] = 9;
		sys_exit_group(0);
	}
	sys_wait4(child, &st, 0, 0);
	say_status("child writing byte 8191", st);
	say_dec("parent sees the child's byte 8191", a[8191]);

	/* an unprivileged process (uid 65534, gid 0): the segment is 0640 */
	child = sys_fork();
	if (child == 0) {
		say_dec("child: setresuid 65534", ipc_become_uid(65534));
		say_dec("child: shmget mode 0600 (rw asked)", sys_shmget(KEY, 0, 0600));
		say_yes("child: shmget mode 0040 (r asked, group 0 may read): same id", sys_shmget(KEY, 0, 0040) == id);
		say_yes("child: shmget mode 0 (nothing asked): same id", sys_shmget(KEY, 0, 0) == id);
		sys_exit_group(0);
	}
	sys_wait4(child, &st, 0, 0);

	say_dec("shmdt", sys_shmdt(a));
	say_dec("IPC_RMID", sys_shmctl(id, IPC_RMID, 0));
	say_dec("removed key without IPC_CREAT", sys_shmget(KEY, 0, 0));
	say_dec("IPC_RMID again", sys_shmctl(id, IPC_RMID, 0));
	sys_shmctl(p1, IPC_RMID, 0);
	sys_shmctl(p2, IPC_RMID, 0);
	return 0;
}

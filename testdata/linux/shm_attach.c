/*
 * shm_attach: shmat(2)/shmdt(2) addresses, SHM_RND, SHM_RDONLY, several
 * attachments in one process, nattch and lpid.
 *
 * shmop(2): "If shmaddr is NULL, the system chooses a suitable (unused)
 *   page-aligned address to attach the segment."
 * shmop(2): "If shmaddr isn't NULL and SHM_RND is specified in shmflg, the
 *   attach occurs at the address equal to shmaddr rounded down to the nearest
 *   multiple of SHMLBA." EINVAL: "Invalid shmid value, unaligned (i.e., not
 *   page-aligned and SHM_RND was not specified) or invalid shmaddr value".
 * shmop(2) SHM_RDONLY: "Attach the segment for read-only access. The process
 *   must have read permission for the segment. If this flag is not specified,
 *   the segment is attached for read and write access, and the process must
 *   have read and write permission for the segment." EACCES: "The calling
 *   process does not have the required permissions for the requested attach
 *   type" (child at uid 65534). A write to a read-only attachment: SIGSEGV.
 * shmop(2): "The same segment may be attached as a read and as a read-write
 *   segment, and more than once, in the process's address space."
 * shmop(2) shmat: "shm_atime is set to the current time. shm_lpid is set to
 *   the process-ID of the calling process. shm_nattch is incremented by one."
 * shmop(2) shmdt: "shm_dtime is set to the current time. shm_lpid is set to
 *   the process-ID of the calling process. shm_nattch is decremented by one."
 *   EINVAL: "There is no shared memory segment attached at shmaddr; or,
 *   shmaddr is not aligned on a page boundary."
 * shmop(2) EINVAL: "shmaddr is not NULL ... and the range overlaps an
 *   existing mapping" without SHM_REMAP (Linux do_shmat: find_vma_intersection).
 */
#include "rt/rt.h"

#define KEY 0x1c5e5011

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
	int id = sys_shmget(KEY, 2 * PAGE_SIZE, IPC_CREAT | IPC_EXCL | 0640);
	say_yes("shmget", id >= 0);

	char *a = (char *)sys_shmat(id, 0, 0);
	say_yes("shmat(NULL) succeeds", (long)a > 0 || (long)a < -4096);
	say_yes("address page-aligned", ((unsigned long)a & (PAGE_SIZE - 1)) == 0);
	int zero = 1;
	for (int i = 0; i < 2 * PAGE_SIZE; i++)
		if (a[i])
			zero = 0;
	say_yes("zero-filled", zero);
	stat(id);
	say_dec("nattch", ds.shm_nattch);
	say_yes("lpid == getpid()", ds.shm_lpid == sys_getpid());
	say_yes("cpid == getpid()", ds.shm_cpid == sys_getpid());
	say_yes("atime set", ds.shm_atime != 0);
	say_dec("dtime (no detach yet)", ds.shm_dtime);

	/* a second attachment in the same process */
	char *b = (char *)sys_shmat(id, 0, 0);
	say_yes("second shmat: another address", b != a && ((unsigned long)b & (PAGE_SIZE - 1)) == 0);
	stat(id);
	say_dec("nattch after two attaches", ds.shm_nattch);
	a[0] = 'x';
	a[5000] = 'y';
	say_yes("a write through the first shows in the second", b[0] == 'x' && b[5000] == 'y');
	b[100] = 'z';
	say_yes("and back", a[100] == 'z');

	/* chosen addresses: a hole made by mmap + munmap */
	char *hole = (char *)sys_mmap(0, 8 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	sys_munmap(hole, 8 * PAGE_SIZE);
	say_dec("shmat unaligned (hole + 100) without SHM_RND", sys_shmat(id, hole + 100, 0));
	char *c = (char *)sys_shmat(id, hole + PAGE_SIZE + 100, SHM_RND);
	say_yes("shmat unaligned with SHM_RND: rounded down to the page", c == hole + PAGE_SIZE);
	say_yes("it shows the same bytes", c[0] == 'x' && c[100] == 'z' && c[5000] == 'y');
	stat(id);
	say_dec("nattch", ds.shm_nattch);
	/* the range overlaps c's mapping (hole + 4096 .. + 12288) */
	say_dec("shmat over an existing mapping (no SHM_REMAP)", sys_shmat(id, hole, 0));
	stat(id);
	say_dec("nattch unchanged", ds.shm_nattch);

	/* SHM_RDONLY */
	char *r = (char *)sys_shmat(id, 0, SHM_RDONLY);
	say_yes("shmat SHM_RDONLY", (unsigned long)r < (unsigned long)-4096);
	say_yes("reads the same bytes", r[0] == 'x' && r[5000] == 'y');
	stat(id);
	say_dec("nattch with the read-only one", ds.shm_nattch);
	long child = sys_fork();
	if (child == 0) {
		no_core_dumps();
		r[1] = 1;
		sys_exit_group(0);
	}
	int st = 0;
	sys_wait4(child, &st, 0, 0);
	say_status("child writing through SHM_RDONLY", st);
	say_dec("byte unchanged", a[1]);
	stat(id);
	say_dec("nattch after the child died (its inherited attachments detached)", ds.shm_nattch);
	say_yes("dtime set by the child's exit", ds.shm_dtime != 0);
	say_yes("lpid == the child", ds.shm_lpid == child);

	/* shmdt errors */
	say_dec("shmdt(attach + 1) (unaligned)", sys_shmdt(a + 1));
	say_dec("shmdt(attach + 4096) (inside, not the start)", sys_shmdt(a + PAGE_SIZE));
	char *m = (char *)sys_mmap(0, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	say_dec("shmdt of an anonymous mmap page", sys_shmdt(m));
	say_dec("shmdt(NULL)", sys_shmdt(0));
	stat(id);
	say_dec("nattch unchanged", ds.shm_nattch);
	say_yes("lpid still the child", ds.shm_lpid == child);

	say_dec("shmdt(second)", sys_shmdt(b));
	stat(id);
	say_dec("nattch", ds.shm_nattch);
	say_yes("dtime set", ds.shm_dtime != 0);
	say_yes("lpid == getpid()", ds.shm_lpid == sys_getpid());
	say_dec("shmdt(second) again", sys_shmdt(b));
	say_dec("shmdt(SHM_RND one)", sys_shmdt(c));
	say_dec("shmdt(read-only one)", sys_shmdt(r));
	stat(id);
	say_dec("nattch", ds.shm_nattch);
	say_yes("first attachment still works", a[0] == 'x');

	/* shmat errors */
	say_dec("shmat id -1", sys_shmat(-1, 0, 0));

	/* an unprivileged process (uid 65534, gid 0): the segment is 0640 */
	child = sys_fork();
	if (child == 0) {
		say_dec("child: setresuid 65534", ipc_become_uid(65534));
		say_dec("child: shmat read-write of a 0640 segment", sys_shmat(id, 0, 0));
		char *cr = (char *)sys_shmat(id, 0, SHM_RDONLY);
		say_yes("child: shmat SHM_RDONLY (group may read)", (unsigned long)cr < (unsigned long)-4096);
		say_yes("child: reads the bytes", cr[0] == 'x');
		say_dec("child: IPC_RMID (not owner)", sys_shmctl(id, IPC_RMID, 0));
		sys_exit_group(0);
	}
	sys_wait4(child, &st, 0, 0);
	stat(id);
	say_dec("parent: nattch after the child's exit", ds.shm_nattch);
	say_yes("parent: lpid == the child (its exit detached)", ds.shm_lpid == child);

	say_dec("shmdt(first)", sys_shmdt(a));
	stat(id);
	say_dec("nattch", ds.shm_nattch);
	say_dec("IPC_RMID", sys_shmctl(id, IPC_RMID, 0));
	return 0;
}

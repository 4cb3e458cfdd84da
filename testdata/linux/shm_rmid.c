/*
 * shm_rmid: shmctl(2) IPC_RMID marks an attached segment for destruction.
 *
 * shmctl(2) IPC_RMID: "Mark the segment to be destroyed. The segment will
 *   actually be destroyed only after the last process detaches it (i.e., when
 *   the shm_nattch member of the associated structure shmid_ds is zero)."
 *   "If a segment has been marked for destruction, then the (nonstandard)
 *   SHM_DEST flag of the shm_perm.mode field in the associated data structure
 *   retrieved by IPC_STAT will be set."
 * shmctl(2) IPC_RMID / semantics.md 6: the marked segment's key becomes
 *   IPC_PRIVATE, so shmget with the old key does not find it (ENOENT) and
 *   IPC_CREAT makes a new segment.
 * shmop(2) NOTES: "Linux permits a process to attach (shmat()) a shared memory
 *   segment that has already been marked for deletion using
 *   shmctl(IPC_RMID)."
 * shmctl(2) EINVAL: "shmid is not a valid identifier" (after destruction).
 *   EPERM: "IPC_SET or IPC_RMID is attempted, and the effective user ID of
 *   the calling process is not that of the creator ... or the owner" (child
 *   at uid 65534).
 */
#include "rt/rt.h"

#define KEY 0x1c5e5031

static struct shmid64_ds ds;
static long stat(int id)
{
	memset(&ds, 0, sizeof ds);
	return sys_shmctl(id, IPC_STAT, &ds);
}

int main(void)
{
	long old;
	while ((old = sys_shmget(KEY, 0, 0)) >= 0)
		sys_shmctl(old, IPC_RMID, 0);

	/* nattch 0: destroyed at once */
	int id0 = sys_shmget(KEY, PAGE_SIZE, IPC_CREAT | IPC_EXCL | 0600);
	say_dec("IPC_RMID with nattch 0", sys_shmctl(id0, IPC_RMID, 0));
	say_dec("IPC_STAT afterwards", stat(id0));
	say_dec("shmat afterwards", sys_shmat(id0, 0, 0));
	say_dec("shmget of the key", sys_shmget(KEY, 0, 0));

	/* nattch > 0: marked */
	int id = sys_shmget(KEY, PAGE_SIZE, IPC_CREAT | IPC_EXCL | 0600);
	say_yes("shmget again: a new segment", id >= 0 && id != id0);
	volatile char *a = (volatile char *)sys_shmat(id, 0, 0);
	a[0] = 'k';
	stat(id);
	say_hex("mode before IPC_RMID", ds.shm_perm.mode);

	/* not the owner */
	int st;
	long child = sys_fork();
	if (child == 0) {
		ipc_become_uid(65534);
		sys_exit_group(-sys_shmctl(id, IPC_RMID, 0));
	}
	sys_wait4(child, &st, 0, 0);
	say_dec("IPC_RMID by uid 65534 (not owner): errno", W_EXITSTATUS(st));

	say_dec("IPC_RMID with nattch 1", sys_shmctl(id, IPC_RMID, 0));
	say_dec("IPC_STAT still works", stat(id));
	say_hex("mode (SHM_DEST 01000 set)", ds.shm_perm.mode);
	say_hex("key (now IPC_PRIVATE)", (unsigned)ds.shm_perm.key);
	say_dec("nattch", ds.shm_nattch);
	say_dec("memory still there", a[0]);
	say_dec("shmget of the old key without IPC_CREAT", sys_shmget(KEY, 0, 0));

	int id2 = sys_shmget(KEY, PAGE_SIZE, IPC_CREAT | IPC_EXCL | 0600);
	say_yes("shmget IPC_CREAT|IPC_EXCL of the old key: a new segment", id2 >= 0 && id2 != id);
	volatile char *n = (volatile char *)sys_shmat(id2, 0, 0);
	say_dec("the new segment reads zero", n[0]);
	sys_shmdt((void *)n);
	sys_shmctl(id2, IPC_RMID, 0);

	/* Linux: shmat of a marked segment works */
	volatile char *b = (volatile char *)sys_shmat(id, 0, 0);
	say_yes("shmat of the marked segment works", (unsigned long)b < (unsigned long)-4096);
	say_dec("it shows the bytes", b[0]);
	stat(id);
	say_dec("nattch", ds.shm_nattch);
	say_dec("IPC_RMID again while marked", sys_shmctl(id, IPC_RMID, 0));

	/* a child keeps it alive after the parent detached */
	int up[2], down[2];
	sys_pipe2(up, 0);
	sys_pipe2(down, 0);
	char ch;
	child = sys_fork();
	if (child == 0) {
		sys_read(down[0], &ch, 1);
		a[1] = a[0] + 1; /* the parent detached everything: still alive here */
		sys_write(up[1], "x", 1);
		sys_read(down[0], &ch, 1);
		sys_exit_group(a[1]);
	}
	say_dec("shmdt (first)", sys_shmdt((void *)a));
	say_dec("shmdt (second)", sys_shmdt((void *)b));
	stat(id);
	say_dec("nattch with only the child attached (it inherited both)", ds.shm_nattch);
	sys_write(down[1], "x", 1);
	sys_read(up[0], &ch, 1);
	say_dec("IPC_STAT while the child holds it", stat(id));
	sys_write(down[1], "x", 1);
	sys_wait4(child, &st, 0, 0);
	say_dec("child wrote and read back", W_EXITSTATUS(st));
	say_dec("IPC_STAT after the last detach (destroyed)", stat(id));
	say_dec("IPC_RMID after the last detach", sys_shmctl(id, IPC_RMID, 0));
	say_dec("shmat after the last detach", sys_shmat(id, 0, 0));
	return 0;
}

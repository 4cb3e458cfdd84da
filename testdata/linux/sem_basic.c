/*
 * sem_basic: semget(2), semctl(2) and non-blocking semop(2) rules.
 *
 * semget(2): "A new set of nsems semaphores is created if key has the value
 *   IPC_PRIVATE or if no existing semaphore set is associated with key and
 *   IPC_CREAT is specified in semflg." EINVAL: "nsems is less than 0 or
 *   greater than the limit on the number of semaphores per semaphore set
 *   (SEMMSL)." / "A semaphore set corresponding to key already exists, but
 *   nsems is larger than the number of semaphores in that set."
 *   Linux newary(): nsems 0 when creating is EINVAL; 0 on lookup is allowed.
 *   EEXIST / ENOENT as for msgget. "the semaphores in a newly created set"
 *   read 0 on Linux (semget(2) NOTES).
 * semctl(2): GETVAL "the value of semval for the semnum-th semaphore", SETVAL
 *   "Set the semaphore value (semval) to arg.val", GETALL / SETALL "for all
 *   semaphores of the set into arg.array", GETPID "the PID of the process that
 *   last performed an operation on that semaphore" (SETVAL and SETALL count on
 *   Linux: they set sempid). ERANGE: "cmd is SETALL or SETVAL and the value to
 *   which semval is to be set (for some semaphore of the set) is less than 0
 *   or greater than the implementation limit SEMVMX" (32767). EINVAL: "Invalid
 *   value for cmd or semid. Or: for a SEM_STAT operation ..."; semnum out of
 *   range: EINVAL. IPC_STAT: sem_nsems "No. of semaphores in set".
 * semop(2): "If sem_op is less than zero ... If IPC_NOWAIT is specified in
 *   sem_flg, semop() fails with errno set to EAGAIN". "If sem_op is zero, the
 *   process must have read permission ... If semval is zero, the operation can
 *   immediately proceed. Otherwise, if IPC_NOWAIT is specified in sem_flg,
 *   semop() fails with errno set to EAGAIN". E2BIG: "The argument nsops is
 *   greater than SEMOPM" (500). EFBIG: "For some operation the value of
 *   sem_num is less than 0 or greater than or equal to the number of
 *   semaphores in the set." ERANGE: "For some operation sem_op+semval is
 *   greater than SEMVMX". EINVAL: "nsops was zero" / bad semid. EACCES /
 *   EPERM for a child at uid 65534 (semctl(2), semop(2)).
 */
#include "rt/rt.h"

#define KEY  0x1c5e5101
#define KEY2 0x1c5e5102 /* never created */

static struct sembuf ops[SEMOPM + 1];

int main(void)
{
	long old = sys_semget(KEY, 0, 0);
	if (old >= 0)
		sys_semctl(old, 0, IPC_RMID, 0);
	old = sys_semget(KEY2, 0, 0);
	if (old >= 0)
		sys_semctl(old, 0, IPC_RMID, 0);

	say_dec("IPC_PRIVATE nsems 0", sys_semget(IPC_PRIVATE, 0, 0600));
	say_dec("IPC_PRIVATE nsems -1", sys_semget(IPC_PRIVATE, -1, 0600));
	say_dec("IPC_PRIVATE nsems 32001 (> SEMMSL)", sys_semget(IPC_PRIVATE, 32001, 0600));
	say_dec("missing key without IPC_CREAT", sys_semget(KEY, 3, 0600));
	say_dec("missing key, IPC_CREAT, nsems 0", sys_semget(KEY, 0, IPC_CREAT | 0600));
	int id = sys_semget(KEY, 3, IPC_CREAT | 0640);
	say_yes("IPC_CREAT nsems 3 creates", id >= 0);
	say_yes("same key, nsems 3: same id", sys_semget(KEY, 3, 0) == id);
	say_yes("same key, nsems 2: same id", sys_semget(KEY, 2, 0) == id);
	say_yes("same key, nsems 0: same id", sys_semget(KEY, 0, 0) == id);
	say_dec("same key, nsems 4 (more than the set has)", sys_semget(KEY, 4, 0));
	say_dec("IPC_CREAT|IPC_EXCL on an existing key", sys_semget(KEY, 3, IPC_CREAT | IPC_EXCL | 0600));

	struct semid64_ds ds;
	memset(&ds, 0, sizeof ds);
	say_dec("IPC_STAT", sys_semctl(id, 0, IPC_STAT, (long)&ds));
	say_dec("sem_nsems", ds.sem_nsems);
	say_hex("key", (unsigned)ds.sem_perm.key);
	say_hex("mode", ds.sem_perm.mode);
	say_dec("sem_otime (no semop yet)", ds.sem_otime);
	say_yes("sem_ctime set", ds.sem_ctime != 0);

	unsigned short v[3] = { 9, 9, 9 };
	say_dec("GETALL", sys_semctl(id, 0, GETALL, (long)v));
	say_dec("new values (sum)", v[0] + v[1] + v[2]);
	say_dec("GETPID of a new semaphore", sys_semctl(id, 0, GETPID, 0));
	say_dec("GETNCNT", sys_semctl(id, 0, GETNCNT, 0));
	say_dec("GETZCNT", sys_semctl(id, 0, GETZCNT, 0));

	say_dec("SETVAL sem 1 = 5", sys_semctl(id, 1, SETVAL, 5));
	say_dec("GETVAL sem 1", sys_semctl(id, 1, GETVAL, 0));
	say_yes("GETPID sem 1 == getpid() (SETVAL sets it)", sys_semctl(id, 1, GETPID, 0) == sys_getpid());
	say_dec("SETVAL 32767", sys_semctl(id, 1, SETVAL, SEMVMX));
	say_dec("SETVAL 32768", sys_semctl(id, 1, SETVAL, SEMVMX + 1));
	say_dec("SETVAL -1", sys_semctl(id, 1, SETVAL, -1));
	say_dec("GETVAL sem 1", sys_semctl(id, 1, GETVAL, 0));
	say_dec("GETVAL sem 3 (no such semaphore)", sys_semctl(id, 3, GETVAL, 0));
	say_dec("SETVAL sem -1", sys_semctl(id, -1, SETVAL, 1));
	say_dec("unknown cmd 99", sys_semctl(id, 0, 99, 0));
	say_dec("GETVAL id -1", sys_semctl(-1, 0, GETVAL, 0));

	unsigned short set[3] = { 1, 2, 3 };
	say_dec("SETALL 1 2 3", sys_semctl(id, 0, SETALL, (long)set));
	sys_semctl(id, 0, GETALL, (long)v);
	say_dec("GETALL [0]", v[0]);
	say_dec("GETALL [1]", v[1]);
	say_dec("GETALL [2]", v[2]);
	say_yes("GETPID sem 2 == getpid() (SETALL sets it)", sys_semctl(id, 2, GETPID, 0) == sys_getpid());
	unsigned short bad[3] = { 4, 32768, 6 };
	say_dec("SETALL with 32768", sys_semctl(id, 0, SETALL, (long)bad));
	sys_semctl(id, 0, GETALL, (long)v);
	say_dec("values unchanged (100*[0]+10*[1]+[2])", 100 * v[0] + 10 * v[1] + v[2]);

	/* semop */
	sys_semctl(id, 0, SETVAL, 0);
	say_dec("P on 0 with IPC_NOWAIT", sem_op1(id, 0, -1, IPC_NOWAIT));
	say_dec("wait-for-zero on 0", sem_op1(id, 0, 0, 0));
	say_dec("V", sem_op1(id, 0, 1, 0));
	say_dec("wait-for-zero on 1 with IPC_NOWAIT", sem_op1(id, 0, 0, IPC_NOWAIT));
	say_dec("V by 4", sem_op1(id, 0, 4, 0));
	say_dec("P by 3", sem_op1(id, 0, -3, IPC_NOWAIT));
	say_dec("GETVAL", sys_semctl(id, 0, GETVAL, 0));
	say_dec("P by 3 with only 2", sem_op1(id, 0, -3, IPC_NOWAIT));
	say_dec("P by 2", sem_op1(id, 0, -2, IPC_NOWAIT));
	say_dec("GETVAL", sys_semctl(id, 0, GETVAL, 0));

	/* the parent's semop sets sempid; a child's too */
	long child = sys_fork();
	if (child == 0) {
		sem_op1(id, 2, 1, 0);
		sys_exit_group(0);
	}
	int st;
	sys_wait4(child, &st, 0, 0);
	say_yes("GETPID sem 2 == the child (last semop)", sys_semctl(id, 2, GETPID, 0) == child);
	say_dec("GETVAL sem 2", sys_semctl(id, 2, GETVAL, 0));
	memset(&ds, 0, sizeof ds);
	sys_semctl(id, 0, IPC_STAT, (long)&ds);
	say_yes("sem_otime set after semop", ds.sem_otime != 0);

	sys_semctl(id, 1, SETVAL, SEMVMX - 1);
	say_dec("V by 1 to 32767", sem_op1(id, 1, 1, 0));
	say_dec("V by 1 above 32767", sem_op1(id, 1, 1, 0));
	say_dec("GETVAL", sys_semctl(id, 1, GETVAL, 0));
	say_dec("sem_num 3 (no such semaphore)", sem_op1(id, 3, 1, 0));
	say_dec("sem_num 65535", sem_op1(id, 65535, 1, 0));
	say_dec("nsops 0", sys_semop(id, ops, 0));
	for (int i = 0; i <= SEMOPM; i++) {
		ops[i].sem_num = 0;
		ops[i].sem_op = 0; /* semaphore 0 is 0: each wait-for-zero succeeds */
		ops[i].sem_flg = IPC_NOWAIT;
	}
	say_dec("nsops 500 wait-for-zero ops", sys_semop(id, ops, SEMOPM));
	say_dec("nsops 501", sys_semop(id, ops, SEMOPM + 1));
	say_dec("semop id -1", sem_op1(-1, 0, 1, 0));
	say_dec("semop bad sops pointer", sys_semop(id, (struct sembuf *)8, 1));

	/* an unprivileged process (uid 65534, gid 0): the set is 0640 */
	child = sys_fork();
	if (child == 0) {
		say_dec("child: setresuid 65534", ipc_become_uid(65534));
		say_dec("child: semget asking rw", sys_semget(KEY, 0, 0600));
		say_yes("child: semget asking r: same id", sys_semget(KEY, 0, 0040) == id);
		say_dec("child: GETVAL (group may read)", sys_semctl(id, 0, GETVAL, 0));
		say_dec("child: wait-for-zero (needs read)", sem_op1(id, 0, 0, IPC_NOWAIT));
		say_dec("child: V (needs alter)", sem_op1(id, 0, 1, IPC_NOWAIT));
		say_dec("child: SETVAL (needs alter)", sys_semctl(id, 0, SETVAL, 1));
		say_dec("child: IPC_RMID (not owner)", sys_semctl(id, 0, IPC_RMID, 0));
		sys_exit_group(0);
	}
	sys_wait4(child, &st, 0, 0);

	say_dec("IPC_RMID", sys_semctl(id, 0, IPC_RMID, 0));
	say_dec("GETVAL after IPC_RMID", sys_semctl(id, 0, GETVAL, 0));
	say_dec("semop after IPC_RMID", sem_op1(id, 0, 1, 0));
	say_dec("IPC_RMID again", sys_semctl(id, 0, IPC_RMID, 0));
	say_dec("semget of the removed key", sys_semget(KEY, 0, 0));
	return 0;
}

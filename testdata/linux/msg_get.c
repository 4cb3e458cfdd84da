/*
 * msg_get: msgget(2) creation and lookup.
 *
 * msgget(2): "A new message queue is created if key has the value IPC_PRIVATE
 *   or key isn't IPC_PRIVATE, no message queue with the given key key exists,
 *   and IPC_CREAT is specified in msgflg."
 * msgget(2): "If msgflg specifies both IPC_CREAT and IPC_EXCL and a message
 *   queue already exists for key, then msgget() fails with errno set to EEXIST."
 * msgget(2) ENOENT: "No message queue exists for key and msgflg did not
 *   specify IPC_CREAT."
 * msgget(2): "The msgget() system call returns the System V message queue
 *   identifier associated with the value of the key argument."
 * msgget(2): "the least significant 9 bits of msgflg define the permissions"
 *   (IPC_STAT mode).
 *
 * msgget(2) EACCES: "A message queue exists for key, but the calling process
 *   does not have permission to access the queue, and does not have the
 *   CAP_IPC_OWNER capability": checked in a child that drops to uid 65534
 *   (setresuid(2)); the permission bits asked for in msgflg are the ones
 *   checked, so msgflg 0 asks for nothing and succeeds.
 *
 * Not checked: ENOSPC (MSGMNI = 32000 queues) would need
 * 32000 queues on the recording host.
 */
#include "rt/rt.h"

#define KEY  0x1c5e0001
#define KEY2 0x1c5e0002 /* never created */

int main(void)
{
	/* leftovers of a crashed run */
	long old = sys_msgget(KEY, 0);
	if (old >= 0)
		sys_msgctl(old, IPC_RMID, 0);
	old = sys_msgget(KEY2, 0);
	if (old >= 0)
		sys_msgctl(old, IPC_RMID, 0);

	long p1 = sys_msgget(IPC_PRIVATE, 0600);
	long p2 = sys_msgget(IPC_PRIVATE, 0600);
	long p3 = sys_msgget(IPC_PRIVATE, IPC_CREAT | IPC_EXCL | 0600);
	say_yes("IPC_PRIVATE creates (>= 0)", p1 >= 0 && p2 >= 0 && p3 >= 0);
	say_yes("IPC_PRIVATE twice: two different queues", p1 != p2 && p2 != p3 && p1 != p3);

	say_dec("missing key without IPC_CREAT", sys_msgget(KEY, 0600));
	long k = sys_msgget(KEY, IPC_CREAT | 0640);
	say_yes("IPC_CREAT on a missing key creates (>= 0)", k >= 0);
	struct msqid64_ds ds;
	memset(&ds, 0, sizeof ds);
	say_dec("IPC_STAT", sys_msgctl(k, IPC_STAT, &ds));
	say_hex("key", (unsigned)ds.msg_perm.key);
	say_hex("mode & 0777", ds.msg_perm.mode & 0777);
	say_dec("qnum of a new queue", ds.msg_qnum);
	say_dec("msg_qbytes default (MSGMNB)", ds.msg_qbytes);
	say_yes("same key again: same id", sys_msgget(KEY, 0) == k);
	say_yes("same key with IPC_CREAT: same id", sys_msgget(KEY, IPC_CREAT | 0600) == k);
	say_dec("IPC_CREAT|IPC_EXCL on an existing key", sys_msgget(KEY, IPC_CREAT | IPC_EXCL | 0600));
	say_yes("IPC_EXCL alone on an existing key: same id", sys_msgget(KEY, IPC_EXCL | 0600) == k);
	say_dec("IPC_EXCL alone on a missing key", sys_msgget(KEY2, IPC_EXCL | 0600));
	long p4 = sys_msgget(IPC_PRIVATE, 0);
	say_yes("IPC_PRIVATE without IPC_CREAT creates too", p4 >= 0 && p4 != k);

	/* an unprivileged process (uid 65534, gid still 0): the queue is 0640,
	 * owner root */
	long child = sys_fork();
	if (child == 0) {
		say_dec("child: setresuid 65534", ipc_become_uid(65534));
		say_dec("child: msgget mode 0600 (rw asked)", sys_msgget(KEY, 0600));
		/* still in group 0: the group's r bit (0040) applies */
		say_yes("child: msgget mode 0004 (r asked, group 0 may read): same id", sys_msgget(KEY, 0004) == k);
		say_yes("child: msgget mode 0 (nothing asked): same id", sys_msgget(KEY, 0) == k);
		say_dec("child: IPC_CREAT|IPC_EXCL", sys_msgget(KEY, IPC_CREAT | IPC_EXCL | 0600));
		sys_exit_group(0);
	}
	int st;
	sys_wait4(child, &st, 0, 0);

	/* after IPC_RMID the key is free again */
	say_dec("IPC_RMID", sys_msgctl(k, IPC_RMID, 0));
	say_dec("removed key without IPC_CREAT", sys_msgget(KEY, 0));
	long k2 = sys_msgget(KEY, IPC_CREAT | IPC_EXCL | 0600);
	say_yes("IPC_CREAT|IPC_EXCL after IPC_RMID creates", k2 >= 0);
	say_yes("a new id", k2 != k);
	say_dec("IPC_RMID the new one", sys_msgctl(k2, IPC_RMID, 0));
	say_dec("IPC_RMID again", sys_msgctl(k2, IPC_RMID, 0));

	sys_msgctl(p1, IPC_RMID, 0);
	sys_msgctl(p2, IPC_RMID, 0);
	sys_msgctl(p3, IPC_RMID, 0);
	sys_msgctl(p4, IPC_RMID, 0);
	return 0;
}

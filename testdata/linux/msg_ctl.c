/*
 * msg_ctl: msgctl(2) IPC_STAT, IPC_SET, IPC_RMID and their errors.
 *
 * msgctl(2) IPC_SET: "Write the values of some members of the msqid_ds
 *   structure pointed to by buf to the kernel data structure associated with
 *   this message queue ...: msg_qbytes, msg_perm.uid, msg_perm.gid, and (the
 *   least significant 9 bits of) msg_perm.mode."
 *   EPERM: "An attempt (IPC_SET) was made to increase msg_qbytes beyond the
 *   system parameter MSGMNB, but the caller is not privileged (Linux: does not
 *   have the CAP_SYS_RESOURCE capability)." Checked in a child that drops to
 *   uid 65534 (setresuid(2): no capabilities left). Raising above MSGMNB as a
 *   privileged process is not recorded: the recording host's root has no
 *   CAP_SYS_RESOURCE (a container's bounding set), see README.md.
 * msgctl(2) EACCES: "The argument cmd is equal to IPC_STAT or MSG_STAT, but the
 *   calling process does not have read permission on the message queue ...
 *   and does not have the CAP_IPC_OWNER capability". EPERM: "The argument cmd
 *   has the value IPC_SET or IPC_RMID, but the effective user ID of the
 *   calling process is not the creator ... or the owner ... of the message
 *   queue, and the caller is not privileged". msgop(2) EACCES: "The calling
 *   process does not have write permission on the message queue" (msgsnd) /
 *   "read permission" (msgrcv).
 * msgctl(2) IPC_RMID: "Immediately remove the message queue, awakening all
 *   waiting reader and writer processes". EINVAL: "Invalid value for cmd or
 *   msqid." EFAULT: "The argument cmd has the value IPC_SET or IPC_STAT, but
 *   the address pointed to by buf isn't accessible."
 * Linux ipc/msg.c: on riscv64 (no ARCH_WANT_IPC_PARSE_VERSION) msgctl always
 *   uses the 64-bit layout and does not strip IPC_64 (0x100) from cmd:
 *   IPC_STAT|IPC_64 is an unknown command, EINVAL.
 * IPC_STAT after IPC_RMID uses a valid buffer: qemu-user 7.2 copies the buffer
 *   in before the call, so a NULL buffer would give EFAULT there.
 */
#include "rt/rt.h"

#define KEY 0x1c5e0051

static struct { long mtype; char mtext[8192]; } m;
static struct msqid64_ds ds;
static int id;

static long stat(void)
{
	memset(&ds, 0, sizeof ds);
	return sys_msgctl(id, IPC_STAT, &ds);
}

int main(void)
{
	long old = sys_msgget(KEY, 0);
	if (old >= 0)
		sys_msgctl(old, IPC_RMID, 0);
	id = sys_msgget(KEY, IPC_CREAT | IPC_EXCL | 0600);
	say_yes("msgget", id >= 0);

	say_dec("IPC_STAT", stat());
	say_dec("msg_qbytes", ds.msg_qbytes);
	say_hex("mode", ds.msg_perm.mode);

	/* MSGMNB (16384) is the limit without CAP_SYS_RESOURCE: up to it */
	ds.msg_qbytes = 8192;
	say_dec("IPC_SET msg_qbytes 8192", sys_msgctl(id, IPC_SET, &ds));
	ds.msg_qbytes = 16384;
	say_dec("IPC_SET msg_qbytes 16384", sys_msgctl(id, IPC_SET, &ds));
	m.mtype = 1;
	int n = 0;
	while (sys_msgsnd(id, &m, 8192, IPC_NOWAIT) == 0)
		n++;
	say_dec("8192-byte messages that fit", n);
	stat();
	say_dec("cbytes", ds.msg_cbytes);

	/* an unprivileged process (uid 65534, no capabilities) */
	long child = sys_fork();
	if (child == 0) {
		say_dec("child: setresuid 65534", ipc_become_uid(65534));
		struct msqid64_ds cds;
		memset(&cds, 0, sizeof cds);
		say_dec("child: IPC_STAT of root's 0600 queue", sys_msgctl(id, IPC_STAT, &cds));
		say_dec("child: msgsnd to it", sys_msgsnd(id, &m, 1, IPC_NOWAIT));
		say_dec("child: msgrcv from it", sys_msgrcv(id, &m, 8192, 0, IPC_NOWAIT));
		say_dec("child: IPC_SET on it", sys_msgctl(id, IPC_SET, &ds));
		say_dec("child: IPC_RMID of it", sys_msgctl(id, IPC_RMID, 0));
		int own = sys_msgget(IPC_PRIVATE, 0600);
		say_yes("child: creates its own queue", own >= 0);
		sys_msgctl(own, IPC_STAT, &cds);
		say_dec("child: its msg_perm.uid", cds.msg_perm.uid);
		cds.msg_qbytes = 16385;
		say_dec("child: IPC_SET msg_qbytes 16385 (> MSGMNB)", sys_msgctl(own, IPC_SET, &cds));
		cds.msg_qbytes = 16384;
		say_dec("child: IPC_SET msg_qbytes 16384", sys_msgctl(own, IPC_SET, &cds));
		cds.msg_qbytes = 100;
		say_dec("child: IPC_SET msg_qbytes 100", sys_msgctl(own, IPC_SET, &cds));
		cds.msg_qbytes = 200;
		say_dec("child: IPC_SET msg_qbytes 200 (raise, below MSGMNB)", sys_msgctl(own, IPC_SET, &cds));
		say_dec("child: IPC_RMID of its own", sys_msgctl(own, IPC_RMID, 0));
		sys_exit_group(0);
	}
	int st;
	sys_wait4(child, &st, 0, 0);
	stat();
	say_dec("parent: qnum after the child", ds.msg_qnum);

	/* lowering msg_qbytes below what is queued is allowed; sends then fail */
	ds.msg_qbytes = 100;
	say_dec("IPC_SET msg_qbytes 100 (below cbytes)", sys_msgctl(id, IPC_SET, &ds));
	stat();
	say_dec("msg_qbytes", ds.msg_qbytes);
	say_dec("qnum (messages kept)", ds.msg_qnum);
	say_dec("msgsnd 1 byte", sys_msgsnd(id, &m, 1, IPC_NOWAIT));
	say_dec("msgrcv still works", sys_msgrcv(id, &m, 8192, 0, IPC_NOWAIT));
	while (sys_msgrcv(id, &m, 8192, 0, IPC_NOWAIT) >= 0)
		;
	say_dec("empty: msgsnd 100 bytes", sys_msgsnd(id, &m, 100, IPC_NOWAIT));
	say_dec("msgsnd 1 more byte", sys_msgsnd(id, &m, 1, IPC_NOWAIT));
	sys_msgrcv(id, &m, 8192, 0, IPC_NOWAIT);

	/* only the low 9 bits of the mode are set */
	stat();
	ds.msg_perm.mode = 07777;
	ds.msg_qbytes = 16384;
	say_dec("IPC_SET mode 07777", sys_msgctl(id, IPC_SET, &ds));
	stat();
	say_hex("mode", ds.msg_perm.mode);
	ds.msg_perm.mode = 0640;
	ds.msg_qbytes = 16384;
	sys_msgctl(id, IPC_SET, &ds);
	stat();
	say_hex("mode after IPC_SET 0640", ds.msg_perm.mode);
	say_dec("msg_qbytes", ds.msg_qbytes);

	/* errors */
	say_dec("IPC_STAT into a bad pointer", sys_msgctl(id, IPC_STAT, (void *)8));
	say_dec("IPC_SET from a bad pointer", sys_msgctl(id, IPC_SET, (void *)8));
	say_dec("unknown cmd 99", sys_msgctl(id, 99, &ds));
	say_dec("cmd -1", sys_msgctl(id, -1, &ds));
	say_dec("IPC_STAT + IPC_64 (0x102)", sys_msgctl(id, 0x102, &ds));
	say_dec("IPC_STAT id -1", sys_msgctl(-1, IPC_STAT, &ds));
	say_dec("IPC_RMID id -1", sys_msgctl(-1, IPC_RMID, 0));

	say_dec("IPC_RMID", sys_msgctl(id, IPC_RMID, 0));
	say_dec("IPC_STAT after IPC_RMID", stat());
	say_dec("IPC_SET after IPC_RMID", sys_msgctl(id, IPC_SET, &ds));
	say_dec("IPC_RMID after IPC_RMID", sys_msgctl(id, IPC_RMID, 0));
	say_dec("msgget of the removed key", sys_msgget(KEY, 0));
	return 0;
}

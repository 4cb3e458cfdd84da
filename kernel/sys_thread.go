package kernel

import (
	"encoding/binary"

	"ipcsim/abi"
)

// The calls a C library makes at startup for its threads: the robust
// futex list and restartable sequences. ipcsim's processes have one
// thread each (threads are issue 14), but glibc's static startup makes
// these calls in every program.

func init() {
	register(map[abi.Sysno]sysEntry{
		abi.SysSetRobustList: {sysSetRobustList, "xu", noSleep},
		abi.SysGetRobustList: {sysGetRobustList, "dxx", noSleep},
		abi.SysRseq:          {sysRseq, "xuxx", noSleep},
	})
}

// robustListHeadSize is sizeof(struct robust_list_head) on LP64: list,
// futex_offset, list_op_pending.
const robustListHeadSize = 24

// set_robust_list(2): (head, len). "EINVAL: The len value does not match
// the size of structure struct robust_list_head expected by kernel." The
// kernel only remembers head.
//
// Not done: at exit Linux walks the list and marks each robust futex the
// thread still holds FUTEX_OWNER_DIED, waking a waiter, which a
// process-shared robust mutex in shared memory would show.
func sysSetRobustList(c *call) (int64, error) {
	if c.a[1] != robustListHeadSize {
		return 0, abi.EINVAL
	}
	c.t.RobustList = c.a[0]
	return 0, nil
}

// get_robust_list(2): (pid, head_ptr, len_ptr). pid 0 is the caller;
// another process's list needs the caller to be allowed to ptrace it
// (here: root, or the same real user).
func sysGetRobustList(c *call) (int64, error) {
	t, k := c.t, c.t.k
	pid := int32(c.a[0])
	target := t
	if pid != 0 {
		target = k.tasks[int(pid)]
		if pid < 0 || target == nil {
			return 0, abi.ESRCH
		}
		if t.EUID != 0 && target.UID != t.UID {
			return 0, abi.EPERM
		}
	}
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], robustListHeadSize)
	if t.AS.WriteBytes(c.a[2], b[:]) != nil {
		return 0, abi.EFAULT
	}
	binary.LittleEndian.PutUint64(b[:], target.RobustList)
	if t.AS.WriteBytes(c.a[1], b[:]) != nil {
		return 0, abi.EFAULT
	}
	return 0, nil
}

// rseq(2): ENOSYS, the answer of a kernel built without CONFIG_RSEQ
// (and of qemu-user). This is deliberate, not a missing call: glibc tries
// rseq at startup and carries on without it when the kernel lacks it, so
// the call is not reported as unimplemented at the end of a run.
func sysRseq(c *call) (int64, error) { return 0, abi.ENOSYS }

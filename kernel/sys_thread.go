package kernel

import (
	"encoding/binary"
	"fmt"

	"ipcsim/abi"
)

// The calls a C library makes for its threads: the robust futex list
// and restartable sequences (glibc's static startup makes them in every
// program), and the release of a thread's robust futexes when it ends.

func init() {
	register(map[abi.Sysno]sysEntry{
		abi.SysSetRobustList: {sysSetRobustList, "xu", noSleep},
		abi.SysGetRobustList: {sysGetRobustList, "dxx", noSleep},
		abi.SysRseq:          {sysRseq, "xuxx", noSleep},
		abi.SysClone3:        {sysClone3, "xu", noSleep},
	})
}

// robustListHeadSize is sizeof(struct robust_list_head) on LP64: list,
// futex_offset, list_op_pending.
const robustListHeadSize = 24

// set_robust_list(2): (head, len). "EINVAL: The len value does not match
// the size of structure struct robust_list_head expected by kernel." The
// kernel only remembers head; robustRelease walks the list when the
// thread ends.
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

// Bits of a robust futex word (include/uapi/linux/futex.h): the owner's
// tid in the low 30 bits.
const (
	futexWaiters    = 0x80000000 // FUTEX_WAITERS: someone sleeps on it
	futexOwnerDied  = 0x40000000 // FUTEX_OWNER_DIED
	futexTIDMask    = 0x3fffffff // FUTEX_TID_MASK
	robustListLimit = 2048       // ROBUST_LIST_LIMIT: entries walked at most
)

// robustRelease is exit_robust_list: when a thread ends, every robust
// futex on its list that it still holds (the word's tid is its own) is
// marked FUTEX_OWNER_DIED, keeping FUTEX_WAITERS, and one waiter is
// woken, so that the next pthread_mutex_lock gets EOWNERDEAD instead of
// waiting for ever. The list lives in user memory: struct
// robust_list_head {next, futex_offset, list_op_pending}, each entry
// {next} with its futex word futex_offset bytes away; the walk stops at
// a bad address, at the head, or after ROBUST_LIST_LIMIT entries, as
// Linux's does. list_op_pending, an entry being added or removed, is
// released too.
func (k *Kernel) robustRelease(t *Task) {
	head := t.RobustList
	t.RobustList = 0
	if head == 0 {
		return
	}
	var b [robustListHeadSize]byte
	if t.AS.ReadBytes(head, b[:]) != nil {
		return
	}
	le := binary.LittleEndian
	next, off, pending := le.Uint64(b[0:]), int64(le.Uint64(b[8:])), le.Uint64(b[16:])&^1
	for i := 0; next&^1 != head && i < robustListLimit; i++ {
		entry := next &^ 1 // the low bit marks a PI futex
		if entry != pending {
			k.futexOwnerDied(t, uint64(int64(entry)+off))
		}
		var nb [8]byte
		if t.AS.ReadBytes(entry, nb[:]) != nil {
			return
		}
		next = le.Uint64(nb[:])
	}
	if pending != 0 {
		k.futexOwnerDied(t, uint64(int64(pending)+off))
	}
}

// futexOwnerDied is handle_futex_death for the word at va, if t holds it.
func (k *Kernel) futexOwnerDied(t *Task, va uint64) {
	if va%4 != 0 {
		return
	}
	var w [4]byte
	if t.AS.ReadBytes(va, w[:]) != nil {
		return
	}
	val := binary.LittleEndian.Uint32(w[:])
	if int(val&futexTIDMask) != t.TID {
		return
	}
	binary.LittleEndian.PutUint32(w[:], val&futexWaiters|futexOwnerDied)
	if t.AS.WriteBytes(va, w[:]) != nil {
		return
	}
	if k.tracing {
		k.emit(t, "futex", fmt.Sprintf("robust futex at %#x: its owner tid %d is gone: FUTEX_OWNER_DIED", va, t.TID))
	}
	if val&futexWaiters != 0 {
		k.futexWake(futexKeyOf(t, va, false), 1, futexBitsetAll)
	}
}

// clone3(2): ENOSYS, the answer of a kernel before 5.3 (and of qemu-user
// 7.2). This is deliberate, as for rseq: glibc and musl try clone3 first
// where they use it and fall back to clone(2), which makes the same
// processes and threads; the call is not reported as unimplemented.
func sysClone3(c *call) (int64, error) { return 0, abi.ENOSYS }

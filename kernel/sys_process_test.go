package kernel

import (
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/require"

	"ipcsim/abi"
	"ipcsim/hw"
	"ipcsim/proc"
)

func readU32(t *testing.T, tk *Task, va uint64) uint32 {
	t.Helper()
	var b [4]byte
	require.NoError(t, tk.AS.ReadBytes(va, b[:]))
	return binary.LittleEndian.Uint32(b[:])
}

// glibc's fork: clone(CLONE_CHILD_SETTID|CLONE_CHILD_CLEARTID|SIGCHLD, 0,
// NULL, 0, &tid), here with CLONE_PARENT_SETTID too.
func TestCloneTIDFlags(t *testing.T) {
	k, tk, _ := epollMachine(t)
	ptid, ctid := scratch(tk), scratch(tk)+8
	require.NoError(t, tk.AS.WriteBytes(ptid, make([]byte, 16)))
	flags := uint64(abi.CLONE_CHILD_SETTID | abi.CLONE_CHILD_CLEARTID | abi.CLONE_PARENT_SETTID | abi.SIGCHLD)
	pid := mustCall(t, tk, abi.SysClone, flags, 0, ptid, 0, ctid)
	require.Greater(t, pid, int64(0))
	child := k.tasks[int(pid)]
	require.Equal(t, uint32(pid), readU32(t, tk, ptid), "CLONE_PARENT_SETTID: in the parent's memory")
	require.Equal(t, uint32(0), readU32(t, tk, ctid), "CLONE_CHILD_SETTID writes the child's memory only")
	require.Equal(t, uint32(pid), readU32(t, child, ctid))
	require.Equal(t, uint32(0), readU32(t, child, ptid), "CLONE_PARENT_SETTID writes the parent's memory only")
	require.Equal(t, ctid, child.ClearChildTID)
	require.Zero(t, tk.ClearChildTID, "the parent's own pointer is not touched")

	// A bad pointer is ignored, as put_user's result is.
	pid = mustCall(t, tk, abi.SysClone, flags, 0, 8, 0, 8)
	require.Greater(t, pid, int64(0))

	// What is not a fork or a thread: EINVAL.
	for _, f := range []uint64{
		abi.CLONE_VM | abi.CLONE_VFORK | uint64(abi.SIGCHLD),
		abi.CLONE_CHILD_SETTID,                              // exit signal 0
		abi.CLONE_THREAD | abi.CLONE_VM,                     // CLONE_THREAD without CLONE_SIGHAND
		abi.CLONE_SIGHAND | uint64(abi.SIGCHLD),             // CLONE_SIGHAND without CLONE_VM
		abi.CLONE_VM | abi.CLONE_SIGHAND | abi.CLONE_THREAD, // a thread with its own descriptors and cwd
	} {
		require.Equal(t, -int64(abi.EINVAL), mustCall(t, tk, abi.SysClone, f, 0, ptid, 0, ctid), "%#x", f)
	}
}

// TestCloneThread makes a thread as glibc's pthread_create does: it
// shares the process (its pid), has its own tid, starts on its own stack
// with the thread pointer given, and its tid is stored at both pointers.
func TestCloneThread(t *testing.T) {
	k, tk, _ := epollMachine(t)
	ptid, ctid := tk.Regs.X[2]-64, tk.Regs.X[2]-128
	flags := uint64(abi.CLONE_VM | abi.CLONE_FS | abi.CLONE_FILES | abi.CLONE_SIGHAND | abi.CLONE_THREAD |
		abi.CLONE_SYSVSEM | abi.CLONE_SETTLS | abi.CLONE_PARENT_SETTID | abi.CLONE_CHILD_CLEARTID)
	tid := mustCall(t, tk, abi.SysClone, flags, 0x7000, ptid, 0x1234, ctid)
	require.Greater(t, tid, int64(tk.PID))
	th := k.tasks[int(tid)]
	require.NotNil(t, th)
	require.Same(t, tk.Process, th.Process, "one process")
	require.Equal(t, tk.PID, th.PID)
	require.Equal(t, uint64(0x7000), th.Regs.X[2], "its own stack")
	require.Equal(t, uint64(0x1234), th.Regs.X[4], "tp from CLONE_SETTLS")
	require.Zero(t, th.Regs.X[10], "clone returns 0 in the thread")
	require.Equal(t, uint32(tid), readU32(t, tk, ptid), "CLONE_PARENT_SETTID")
	require.Equal(t, ctid, th.ClearChildTID)
	require.Equal(t, int64(tk.PID), mustCall(t, th, abi.SysGetpid))
	require.Equal(t, tid, mustCall(t, th, abi.SysGettid))
	require.Len(t, tk.threads, 2)
	require.Same(t, tk.Sig.Actions, th.Sig.Actions, "the signal handlers are shared")
}

// A process whose memory is its own leaves its CLONE_CHILD_CLEARTID word
// alone when it exits (mm_release clears it only when mm_users > 1); a
// word in MAP_SHARED memory shows it to the parent.
func TestClearChildTIDNotWrittenWithoutThreads(t *testing.T) {
	k, tk, _ := epollMachine(t)
	addr := uint64(mustCall(t, tk, abi.SysMmap, 0, hw.PageSize, abi.PROT_READ|abi.PROT_WRITE, abi.MAP_SHARED|abi.MAP_ANONYMOUS, ^uint64(0), 0))
	pid := mustCall(t, tk, abi.SysClone, abi.CLONE_CHILD_SETTID|abi.CLONE_CHILD_CLEARTID|uint64(abi.SIGCHLD), 0, 0, 0, addr)
	require.Equal(t, uint32(pid), readU32(t, tk, addr), "the child's store is in shared memory")
	child := k.tasks[int(pid)]
	k.exit(child, proc.ExitedStatus(0))
	require.Equal(t, uint32(pid), readU32(t, tk, addr))
	require.Zero(t, child.ClearChildTID)
}

// clearTID, what a thread's exit will do: 0 at the address, and one
// FUTEX_WAKE there.
func TestClearTIDWakesAFutexWaiter(t *testing.T) {
	k, tk, _ := epollMachine(t)
	addr := uint64(mustCall(t, tk, abi.SysMmap, 0, hw.PageSize, abi.PROT_READ|abi.PROT_WRITE, abi.MAP_SHARED|abi.MAP_ANONYMOUS, ^uint64(0), 0))
	var b [4]byte
	binary.LittleEndian.PutUint32(b[:], 77)
	require.NoError(t, tk.AS.WriteBytes(addr, b[:]))
	pid := mustCall(t, tk, abi.SysClone, uint64(abi.SIGCHLD), 0, 0, 0, 0)
	child := k.tasks[int(pid)]
	_, blocked := ecall(child, abi.SysFutex, addr, futexWait, 77, 0, 0, 0)
	require.True(t, blocked)
	k.clearTID(tk, addr)
	require.Equal(t, uint32(0), readU32(t, tk, addr))
	require.NotEqual(t, proc.Sleeping, child.State, "the waiter was woken")
}

// set_tid_address(2) records the pointer; execve forgets it.
func TestSetTidAddressForgottenByExec(t *testing.T) {
	_, tk, _ := epollMachine(t)
	require.Equal(t, int64(tk.PID), mustCall(t, tk, abi.SysSetTidAddress, 0x1234))
	require.Equal(t, uint64(0x1234), tk.ClearChildTID)
	require.NoError(t, tk.k.exec(tk, "/bin/argv", []string{"argv"}, nil))
	require.Zero(t, tk.ClearChildTID)
}

package kernel

import (
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/require"

	"ipcsim/abi"
	"ipcsim/hw"
	"ipcsim/proc"
)

// robustList lays out a robust futex list in tk's memory at va, as
// glibc's does for the mutexes a thread holds: the head (next,
// futex_offset, list_op_pending), then one entry per word of held, each
// entry's futex word futexOffset bytes after it, and one more entry in
// list_op_pending (a lock being taken or released) with the word pending.
// It returns the address of each word, the pending one last.
func robustList(t *testing.T, tk *Task, va uint64, held []uint32, pending uint32) []uint64 {
	t.Helper()
	const entrySize, futexOffset = 16, 8 // {next; futex word} (glibc's __list and __lock differ; any offset works)
	put := func(at uint64, v uint64) {
		var b [8]byte
		binary.LittleEndian.PutUint64(b[:], v)
		require.NoError(t, tk.AS.WriteBytes(at, b[:]))
	}
	head := va
	entry := func(i int) uint64 { return head + robustListHeadSize + uint64(i)*entrySize }
	var words []uint64
	next := head // the last entry points back at the head
	for i := len(held) - 1; i >= 0; i-- {
		put(entry(i), next)
		put(entry(i)+futexOffset, uint64(held[i]))
		words = append([]uint64{entry(i) + futexOffset}, words...)
		next = entry(i)
	}
	op := entry(len(held))
	put(op, 0)
	put(op+futexOffset, uint64(pending))
	words = append(words, op+futexOffset)
	put(head, next)          // list: the first entry
	put(head+8, futexOffset) // futex_offset
	put(head+16, op)         // list_op_pending
	return words
}

// A thread ends holding robust futexes (exit_robust_list): each word it
// holds gets FUTEX_OWNER_DIED, keeping FUTEX_WAITERS, and a waiter there
// is woken, so that its pthread_mutex_lock returns EOWNERDEAD instead of
// sleeping for ever. A word another thread holds is left alone; the
// entry in list_op_pending is released too.
func TestRobustListReleasedAtThreadExit(t *testing.T) {
	k, tk, _ := epollMachine(t)
	flags := uint64(abi.CLONE_VM | abi.CLONE_FS | abi.CLONE_FILES | abi.CLONE_SIGHAND | abi.CLONE_THREAD | abi.CLONE_SYSVSEM)
	tid := mustCall(t, tk, abi.SysClone, flags, tk.Regs.X[2]-4096, 0, 0, 0)
	th := k.tasks[int(tid)]

	mine, other := uint32(futexWaiters)|uint32(tid), uint32(futexWaiters)|999
	words := robustList(t, tk, scratch(tk), []uint32{mine, other, uint32(tid)}, uint32(tid))
	require.Equal(t, int64(0), mustCall(t, th, abi.SysSetRobustList, scratch(tk), robustListHeadSize))

	// The first thread sleeps on the held word, as pthread_mutex_lock
	// does (robust mutexes wait without FUTEX_PRIVATE_FLAG: the kernel
	// wakes them so).
	_, blocked := ecall(tk, abi.SysFutex, words[0], futexWait, uint64(mine), 0, 0, 0)
	require.True(t, blocked)

	_, blocked = ecall(th, abi.SysExit, 0)
	require.False(t, blocked)
	require.Equal(t, proc.Zombie, th.State)
	require.Zero(t, th.RobustList)

	require.Equal(t, uint32(futexWaiters|futexOwnerDied), readU32(t, tk, words[0]), "held, with a waiter")
	require.Equal(t, other, readU32(t, tk, words[1]), "held by another thread: untouched")
	require.Equal(t, uint32(futexOwnerDied), readU32(t, tk, words[2]), "held, no waiter")
	require.Equal(t, uint32(futexOwnerDied), readU32(t, tk, words[3]), "list_op_pending")
	require.Equal(t, proc.Runnable, tk.State, "the waiter was woken")

	// Woken, its FUTEX_WAIT returns 0 (the wake chose it); glibc's
	// pthread_mutex_lock then reads the word, finds FUTEX_OWNER_DIED,
	// takes the mutex and returns EOWNERDEAD.
	k.retry(tk)
	require.Nil(t, tk.call)
	require.Equal(t, int64(0), int64(tk.Regs.X[10]))
}

// A process holding a process-shared robust mutex (its word in MAP_SHARED
// memory) exits: a waiter in another process is woken and sees
// FUTEX_OWNER_DIED.
func TestRobustListReleasedAtProcessExit(t *testing.T) {
	k, tk, _ := epollMachine(t)
	shared := uint64(mustCall(t, tk, abi.SysMmap, 0, hw.PageSize, abi.PROT_READ|abi.PROT_WRITE, abi.MAP_SHARED|abi.MAP_ANONYMOUS, ^uint64(0), 0))
	pid := mustCall(t, tk, abi.SysClone, uint64(abi.SIGCHLD), 0, 0, 0, 0)
	child := k.tasks[int(pid)]

	held := uint32(futexWaiters) | uint32(pid)
	words := robustList(t, child, shared, []uint32{held}, 0)
	require.Equal(t, int64(0), mustCall(t, child, abi.SysSetRobustList, shared, robustListHeadSize))
	_, blocked := ecall(tk, abi.SysFutex, words[0], futexWait, uint64(held), 0, 0, 0)
	require.True(t, blocked)

	_, blocked = ecall(child, abi.SysExitGroup, 0)
	require.False(t, blocked)
	require.Equal(t, proc.Zombie, child.State)
	require.Equal(t, uint32(futexWaiters|futexOwnerDied), readU32(t, tk, words[0]))
	require.Equal(t, uint32(0), readU32(t, tk, words[1]), "an empty list_op_pending word: not the child's")
	require.Equal(t, proc.Runnable, tk.State, "the waiter in the other process was woken")
}

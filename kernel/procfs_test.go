package kernel

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"ipcsim/abi"
)

// The comm files of /proc name threads, as glibc's pthread_setname_np and
// pthread_getname_np use them for a thread other than the caller: a read
// gives the name and a newline, a write of the thread's own process sets
// the first 15 bytes (a newline kept), another process may read but not
// write (EINVAL), and a thread id of another process, or one that ended,
// is not there (ENOENT; ESRCH through a file opened before).
func TestProcComm(t *testing.T) {
	k, tk, other := epollMachine(t)
	flags := uint64(abi.CLONE_VM | abi.CLONE_FS | abi.CLONE_FILES | abi.CLONE_SIGHAND | abi.CLONE_THREAD | abi.CLONE_SYSVSEM)
	tid := int(mustCall(t, tk, abi.SysClone, flags, tk.Regs.X[2]-4096, 0, 0, 0))
	th := k.tasks[tid]
	call := func(tk *Task, no abi.Sysno, args ...any) int64 { return rootCall(t, tk, no, args...) }
	open := func(tk *Task, path string, flags int) int64 {
		return call(tk, abi.SysOpenat, abi.AT_FDCWD, path, flags)
	}
	write := func(tk *Task, fd int64, s string) int64 { return call(tk, abi.SysWrite, int(fd), s, len(s)) }
	mine := fmt.Sprintf("/proc/self/task/%d/comm", tid)

	// The thread has its process's name until it is given its own.
	fd := open(th, "/proc/self/comm", abi.O_RDONLY)
	require.Equal(t, int64(3), fd)
	require.Equal(t, tk.Name+"\n", readFD(t, th, fd), "/proc/self/comm: the first thread's")
	require.Equal(t, "", readFD(t, th, fd), "then end of file")
	require.Zero(t, call(th, abi.SysClose, int(fd)))

	// The first thread names the other through its comm file.
	fd = open(tk, mine, abi.O_RDWR)
	require.Equal(t, int64(3), fd)
	require.Equal(t, int64(7), write(tk, fd, "renamed"))
	require.Equal(t, "renamed", th.threadName())
	require.Equal(t, tk.Name, tk.leader().threadName(), "the first thread keeps its name")
	require.Equal(t, "renamed\n", readFD(t, tk, fd), "a write leaves the offset")
	require.Equal(t, int64(2), call(tk, abi.SysLseek, int(fd), 2, abi.SEEK_SET))
	require.Equal(t, "named\n", readFD(t, tk, fd))
	require.Equal(t, int64(25), write(tk, fd, "a-rather-long-thread-name"), "every byte is taken")
	require.Equal(t, "a-rather-long-t", th.threadName(), "15 of them name")
	require.Equal(t, int64(3), write(tk, fd, "nl\n"))
	require.Equal(t, "nl\n", th.threadName(), "a newline is part of the name")
	require.Equal(t, int64(4), write(tk, fd, "ab\x00c"))
	require.Equal(t, "ab", th.threadName(), "up to a NUL")
	require.Zero(t, call(tk, abi.SysClose, int(fd)))

	// The thread reads what it gave itself with prctl, by its tid and
	// through /proc/PID.
	require.Zero(t, call(th, abi.SysPrctl, abi.PR_SET_NAME, "worker"))
	for _, path := range []string{mine, fmt.Sprintf("/proc/%d/task/%d/comm", tk.PID, tid), fmt.Sprintf("/proc/%d/task/%d/./comm", tk.PID, tid)} {
		fd = open(th, path, abi.O_RDONLY)
		require.Equal(t, int64(3), fd, path)
		require.Equal(t, "worker\n", readFD(t, th, fd), path)
		require.Zero(t, call(th, abi.SysClose, int(fd)))
	}

	// The first thread's comm is the process's name.
	fd = open(th, fmt.Sprintf("/proc/self/task/%d/comm", tk.PID), abi.O_WRONLY)
	require.Equal(t, int64(5), write(th, fd, "boss!"))
	require.Equal(t, "boss!", tk.Name)
	require.Zero(t, call(th, abi.SysClose, int(fd)))

	// Another process reads, but may not write; a tid of another
	// process is not in its task directory.
	fd = open(other, fmt.Sprintf("/proc/%d/comm", tk.PID), abi.O_RDWR)
	require.Equal(t, int64(3), fd)
	require.Equal(t, "boss!\n", readFD(t, other, fd))
	require.Equal(t, -int64(abi.EINVAL), write(other, fd, "mine"))
	require.Equal(t, "boss!", tk.Name)
	require.Zero(t, call(other, abi.SysClose, int(fd)))
	for _, path := range []string{
		fmt.Sprintf("/proc/self/task/%d/comm", tid),          // other's self: not its thread
		fmt.Sprintf("/proc/%d/task/%d/comm", other.PID, tid), // not other's either
		fmt.Sprintf("/proc/self/task/%d/comm", 999),
		fmt.Sprintf("/proc/%d/comm", 999),
		fmt.Sprintf("/proc/0%d/comm", tk.PID), // no leading zero
		"/proc/self/task/self/comm",
	} {
		require.Equal(t, -int64(abi.ENOENT), open(other, path, abi.O_RDONLY), path)
	}
	require.Equal(t, -int64(abi.ENOTDIR), open(other, "/proc/self/comm/x", abi.O_RDONLY))

	// A thread that has ended: gone from the directory, ESRCH through a
	// file opened before.
	fd = open(tk, mine, abi.O_RDWR)
	require.Equal(t, int64(3), fd)
	_, blocked := ecall(th, abi.SysExit, 0)
	require.False(t, blocked)
	require.Equal(t, -int64(abi.ESRCH), call(tk, abi.SysRead, int(fd), int(scratch(tk)), 16))
	require.Equal(t, -int64(abi.ESRCH), write(tk, fd, "late"))
	require.Equal(t, -int64(abi.ENOENT), open(tk, mine, abi.O_RDONLY))
}

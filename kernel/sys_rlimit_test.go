package kernel

import (
	"testing"

	"github.com/stretchr/testify/require"

	"ipcsim/abi"
	"ipcsim/proc"
)

func getLimit(t *testing.T, tk *Task, res uint64) proc.Rlimit {
	t.Helper()
	va := scratch(tk) + 512
	require.Equal(t, int64(0), mustCall(t, tk, abi.SysPrlimit64, 0, res, 0, va))
	r, err := readRlimit(tk.AS, va)
	require.NoError(t, err)
	return r
}

func setLimit(t *testing.T, tk *Task, res uint64, r proc.Rlimit) int64 {
	t.Helper()
	va := scratch(tk) + 600
	require.NoError(t, writeRlimit(tk.AS, va, r))
	return mustCall(t, tk, abi.SysSetrlimit, res, va)
}

func TestRlimitDefaultsAndRules(t *testing.T) {
	k, tk, _ := epollMachine(t)
	require.Equal(t, proc.Rlimit{Cur: 1024, Max: 4096}, getLimit(t, tk, abi.RLIMIT_NOFILE))
	require.Equal(t, proc.Rlimit{Cur: 8 << 20, Max: abi.RLIM_INFINITY}, getLimit(t, tk, abi.RLIMIT_STACK))
	require.Equal(t, proc.Rlimit{Cur: abi.RLIM_INFINITY, Max: abi.RLIM_INFINITY}, getLimit(t, tk, abi.RLIMIT_AS))
	require.Equal(t, uint64(DefaultMaxProcs), getLimit(t, tk, abi.RLIMIT_NPROC).Cur)
	va := scratch(tk) + 512
	require.Equal(t, int64(0), mustCall(t, tk, abi.SysGetrlimit, abi.RLIMIT_NOFILE, va))
	require.Equal(t, -int64(abi.EINVAL), mustCall(t, tk, abi.SysGetrlimit, abi.RLIM_NLIMITS, va))
	require.Equal(t, -int64(abi.EFAULT), mustCall(t, tk, abi.SysGetrlimit, abi.RLIMIT_NOFILE, 8))

	require.Equal(t, -int64(abi.EINVAL), setLimit(t, tk, abi.RLIMIT_NOFILE, proc.Rlimit{Cur: 20, Max: 10}))
	require.Equal(t, -int64(abi.EPERM), setLimit(t, tk, abi.RLIMIT_NOFILE, proc.Rlimit{Cur: 10, Max: nrOpen + 1}))
	require.Equal(t, -int64(abi.EFAULT), mustCall(t, tk, abi.SysSetrlimit, abi.RLIMIT_NOFILE, 8))

	// Lowering RLIMIT_NOFILE: no descriptor at or above it is made.
	require.Equal(t, int64(0), setLimit(t, tk, abi.RLIMIT_NOFILE, proc.Rlimit{Cur: 4, Max: 8}))
	require.Equal(t, int64(3), mustCall(t, tk, abi.SysDup, 0))
	require.Equal(t, -int64(abi.EMFILE), mustCall(t, tk, abi.SysDup, 0))
	require.Equal(t, -int64(abi.EBADF), mustCall(t, tk, abi.SysDup3, 0, 4, 0))
	require.Equal(t, -int64(abi.EINVAL), mustCall(t, tk, abi.SysFcntl, 0, abi.F_DUPFD, 4))
	// A child inherits the limits.
	pid := mustCall(t, tk, abi.SysClone, uint64(abi.SIGCHLD), 0, 0, 0, 0)
	child := k.tasks[int(pid)]
	require.Equal(t, proc.Rlimit{Cur: 4, Max: 8}, getLimit(t, child, abi.RLIMIT_NOFILE))
	require.Equal(t, -int64(abi.EMFILE), mustCall(t, child, abi.SysDup, 0))

	// Unprivileged: lowering is fine, raising the hard limit is not,
	// raising the soft one up to the hard one is.
	require.Equal(t, int64(0), mustCall(t, child, abi.SysSetresuid, 1000, 1000, 1000))
	require.Equal(t, -int64(abi.EPERM), setLimit(t, child, abi.RLIMIT_NOFILE, proc.Rlimit{Cur: 4, Max: 9}))
	require.Equal(t, int64(0), setLimit(t, child, abi.RLIMIT_NOFILE, proc.Rlimit{Cur: 8, Max: 8}))
	require.Equal(t, int64(0), setLimit(t, child, abi.RLIMIT_CORE, proc.Rlimit{Cur: 0, Max: 0}))
	require.Equal(t, -int64(abi.EPERM), setLimit(t, child, abi.RLIMIT_CORE, proc.Rlimit{Cur: 0, Max: 1}))
	// prlimit64 of another user's process: EPERM; of a missing one: ESRCH.
	require.Equal(t, -int64(abi.EPERM), mustCall(t, child, abi.SysPrlimit64, uint64(tk.PID), abi.RLIMIT_NOFILE, 0, va))
	require.Equal(t, -int64(abi.ESRCH), mustCall(t, child, abi.SysPrlimit64, 9999, abi.RLIMIT_NOFILE, 0, va))
	// Root may change the child's, and reads the old value at once.
	newVA := scratch(tk) + 700
	require.NoError(t, writeRlimit(tk.AS, newVA, proc.Rlimit{Cur: 16, Max: 32}))
	require.Equal(t, int64(0), mustCall(t, tk, abi.SysPrlimit64, uint64(child.PID), abi.RLIMIT_NOFILE, newVA, va))
	old, _ := readRlimit(tk.AS, va)
	require.Equal(t, proc.Rlimit{Cur: 8, Max: 8}, old)
	require.Equal(t, 16, child.Files.Limit())
}

func TestRlimitNprocStopsAUsersForks(t *testing.T) {
	_, tk, _ := epollMachine(t)
	require.Equal(t, int64(0), mustCall(t, tk, abi.SysSetresuid, 1000, 1000, 1000))
	// This process is uid 1000's only one: one fork, then EAGAIN.
	require.Equal(t, int64(0), setLimit(t, tk, abi.RLIMIT_NPROC, proc.Rlimit{Cur: 2, Max: 2}))
	require.Greater(t, mustCall(t, tk, abi.SysClone, uint64(abi.SIGCHLD), 0, 0, 0, 0), int64(0))
	require.Equal(t, -int64(abi.EAGAIN), mustCall(t, tk, abi.SysClone, uint64(abi.SIGCHLD), 0, 0, 0, 0))
}

// RLIMIT_NOFILE of 0 is a limit like any other: no descriptor can be made
// ("EMFILE The per-process limit on the number of open file descriptors
// has been reached" - open(2)), in the process and in its children.
func TestRlimitNofileZero(t *testing.T) {
	k, tk, _ := epollMachine(t)
	require.Equal(t, int64(0), setLimit(t, tk, abi.RLIMIT_NOFILE, proc.Rlimit{Cur: 0, Max: 8}))
	require.Equal(t, proc.Rlimit{Cur: 0, Max: 8}, getLimit(t, tk, abi.RLIMIT_NOFILE))
	require.Equal(t, -int64(abi.EMFILE), mustCall(t, tk, abi.SysDup, 0))
	require.Equal(t, -int64(abi.EBADF), mustCall(t, tk, abi.SysDup3, 0, 5, 0))
	pid := mustCall(t, tk, abi.SysClone, uint64(abi.SIGCHLD), 0, 0, 0, 0)
	require.Equal(t, -int64(abi.EMFILE), mustCall(t, k.tasks[int(pid)], abi.SysDup, 0))
}

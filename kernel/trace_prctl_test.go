package kernel

import (
	"testing"

	"github.com/stretchr/testify/require"

	"ipcsim/abi"
)

// prctl in the trace, as strace shows it: the option by name and only
// the arguments it takes; PR_GET_NAME's name after the call.
func TestTracePrctl(t *testing.T) {
	p := newPollTrace(t)
	long := putString(t, p.tk, 0, "a-name-longer-than-fifteen")
	short := putString(t, p.tk, 64, "worker")
	out := scratch(p.tk) + 128
	for _, c := range []struct {
		args []uint64
		want string
	}{
		{[]uint64{abi.PR_SET_NAME, short}, `prctl(PR_SET_NAME, "worker") = 0`},
		{[]uint64{abi.PR_GET_NAME, out}, `prctl(PR_GET_NAME, "worker") = 0`},
		{[]uint64{abi.PR_SET_NAME, long}, `prctl(PR_SET_NAME, "a-name-longer-t"...) = 0`}, // what the kernel keeps
		{[]uint64{abi.PR_SET_NAME, 8}, `prctl(PR_SET_NAME, 0x8) = -1 EFAULT (Bad address)`},
		{[]uint64{abi.PR_GET_NAME, 8}, `prctl(PR_GET_NAME, 0x8) = -1 EFAULT (Bad address)`},
		{[]uint64{abi.PR_SET_DUMPABLE, 0}, `prctl(PR_SET_DUMPABLE, SUID_DUMP_DISABLE) = 0`},
		{[]uint64{abi.PR_GET_DUMPABLE, 7, 7}, `prctl(PR_GET_DUMPABLE) = 0`},
		{[]uint64{abi.PR_SET_DUMPABLE, 2}, `prctl(PR_SET_DUMPABLE, 2) = -1 EINVAL (Invalid argument)`},
		{[]uint64{abi.PR_SET_NO_NEW_PRIVS, 1}, `prctl(PR_SET_NO_NEW_PRIVS, 0x1, 0, 0, 0) = -1 EINVAL (Invalid argument)`},
		{[]uint64{0x1234, 0, 0, 0, 5}, `prctl(0x1234 /* PR_??? */, 0, 0, 0, 0x5) = -1 EINVAL (Invalid argument)`},
	} {
		args := append(c.args, make([]uint64, 5-len(c.args))...)
		p.call(abi.SysPrctl, args...)
		require.Equal(t, c.want, p.lines["syscall"])
	}
}

// A thread's own name is what the trace names it by: none for the first
// thread (its name is the process's), none for a thread named as its
// process is, none once execve has made the thread the process's only
// one.
func TestThreadOwnName(t *testing.T) {
	k, tk, _ := epollMachine(t)
	flags := uint64(abi.CLONE_VM | abi.CLONE_FS | abi.CLONE_FILES | abi.CLONE_SIGHAND | abi.CLONE_THREAD | abi.CLONE_SYSVSEM)
	tid := mustCall(t, tk, abi.SysClone, flags, tk.Regs.X[2]-4096, 0, 0, 0)
	th := k.tasks[int(tid)]
	require.Equal(t, "", th.ownName(), "never named")
	require.Equal(t, int64(0), mustCall(t, th, abi.SysPrctl, abi.PR_SET_NAME, putString(t, tk, 0, "worker")))
	require.Equal(t, "worker", th.ownName())
	require.Equal(t, "argv", tk.Name, "the process keeps its name")
	require.Equal(t, "", tk.ownName(), "the first thread's name is the process's")
	require.Equal(t, int64(0), mustCall(t, th, abi.SysPrctl, abi.PR_SET_NAME, putString(t, tk, 0, "argv")))
	require.Equal(t, "", th.ownName(), "named as its process")

	// execve in the named thread: it becomes the process's first thread,
	// named after the program.
	require.Equal(t, int64(0), mustCall(t, th, abi.SysPrctl, abi.PR_SET_NAME, putString(t, tk, 0, "worker")))
	require.NoError(t, k.exec(th, "/bin/argv", []string{"argv"}, nil))
	require.Equal(t, th.PID, th.TID)
	require.Equal(t, "argv", th.threadName(), "PR_GET_NAME after execve: the program's name")
	// The kernel's tables follow the thread's new tid (Kernel.readied
	// among them: it must not keep the first thread under that tid).
	require.NoError(t, k.CheckInvariants())
}

// TestThreadKeepsNameAtCreation: comm is per thread, so a thread never
// named keeps the name its creator had when it was made, and a later
// rename of the process does not reach it (Linux copies comm in
// copy_process; PR_SET_NAME changes only the calling thread's).
func TestThreadKeepsNameAtCreation(t *testing.T) {
	k, tk, _ := epollMachine(t)
	flags := uint64(abi.CLONE_VM | abi.CLONE_FS | abi.CLONE_FILES | abi.CLONE_SIGHAND | abi.CLONE_THREAD | abi.CLONE_SYSVSEM)
	tid := mustCall(t, tk, abi.SysClone, flags, tk.Regs.X[2]-4096, 0, 0, 0)
	th := k.tasks[int(tid)]
	require.Equal(t, int64(0), mustCall(t, tk, abi.SysPrctl, abi.PR_SET_NAME, putString(t, tk, 0, "boss")))
	require.Equal(t, "boss", tk.Name, "the first thread renames the process")
	require.Equal(t, "argv", th.threadName(), "PR_GET_NAME in the thread: the name it was made with")
	require.Equal(t, "argv", th.ownName(), "the trace names it, since it now differs from its process's")
}

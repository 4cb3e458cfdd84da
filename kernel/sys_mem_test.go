package kernel

import (
	"testing"

	"github.com/stretchr/testify/require"

	"ipcsim/abi"
	"ipcsim/hw"
	"ipcsim/proc"
)

// call makes system call no as tk and fails the test if it blocked.
func mustCall(t *testing.T, tk *Task, no abi.Sysno, args ...uint64) int64 {
	t.Helper()
	r, blocked := ecall(tk, no, args...)
	require.False(t, blocked, "%v blocked", no)
	return r
}

// areasIn lists the areas of tk that overlap [lo, hi) as /proc/PID/maps lines.
func areasIn(tk *Task, lo, hi uint64) []string {
	var out []string
	for _, v := range tk.AS.VMAs() {
		if v.Start < hi && lo < v.End {
			out = append(out, v.String())
		}
	}
	return out
}

func TestMprotectSplitsEnforcesAndMerges(t *testing.T) {
	_, tk, _ := epollMachine(t)
	const P = hw.PageSize
	addr := uint64(mustCall(t, tk, abi.SysMmap, 0, 3*P, abi.PROT_READ|abi.PROT_WRITE, abi.MAP_PRIVATE|abi.MAP_ANONYMOUS, ^uint64(0), 0))
	require.NoError(t, tk.AS.WriteBytes(addr+P, []byte("hello")))

	require.Equal(t, int64(0), mustCall(t, tk, abi.SysMprotect, addr+P, 1, abi.PROT_READ))
	require.Len(t, areasIn(tk, addr, addr+3*P), 3, "the middle page is an area of its own")
	// The present page lost W; the kernel's own write is refused (EFAULT)
	// and a store by the CPU is SEGV_ACCERR.
	require.Error(t, tk.AS.WriteBytes(addr+P, []byte("x")))
	_, err := tk.AS.Fault(addr+P+8, proc.Write)
	require.Equal(t, &proc.SegvError{Addr: addr + P + 8, Access: proc.Write, Mapped: true}, err)
	b := make([]byte, 5)
	require.NoError(t, tk.AS.ReadBytes(addr+P, b))
	require.Equal(t, "hello", string(b))

	// PROT_NONE: not even a read.
	require.Equal(t, int64(0), mustCall(t, tk, abi.SysMprotect, addr+P, P, abi.PROT_NONE))
	require.Error(t, tk.AS.ReadBytes(addr+P, b))

	// Back to read-write: one area again, the bytes kept.
	require.Equal(t, int64(0), mustCall(t, tk, abi.SysMprotect, addr, 3*P, abi.PROT_READ|abi.PROT_WRITE))
	require.Len(t, areasIn(tk, addr, addr+3*P), 1)
	require.NoError(t, tk.AS.WriteBytes(addr+P+5, []byte("!")))
	b = make([]byte, 6)
	require.NoError(t, tk.AS.ReadBytes(addr+P, b))
	require.Equal(t, "hello!", string(b))
}

func TestMprotectErrors(t *testing.T) {
	_, tk, _ := epollMachine(t)
	const P = hw.PageSize
	addr := uint64(mustCall(t, tk, abi.SysMmap, 0, 3*P, abi.PROT_READ, abi.MAP_PRIVATE|abi.MAP_ANONYMOUS, ^uint64(0), 0))
	require.Equal(t, int64(0), mustCall(t, tk, abi.SysMunmap, addr+2*P, P)) // a hole after two pages
	for _, tc := range []struct {
		name            string
		addr, len, prot uint64
		want            int64
	}{
		{"unaligned", addr + 1, P, abi.PROT_READ, -int64(abi.EINVAL)},
		{"length 0", addr, 0, abi.PROT_READ, 0},
		{"length 0 with bad prot", addr, 0, 0x40, 0},
		{"bad prot", addr, P, 0x40, -int64(abi.EINVAL)},
		{"wraps", addr, ^uint64(0) - P, abi.PROT_READ, -int64(abi.ENOMEM)},
		{"nothing mapped", 0x1000, P, abi.PROT_READ, -int64(abi.ENOMEM)},
		{"runs into a hole", addr, 3 * P, abi.PROT_READ | abi.PROT_WRITE, -int64(abi.ENOMEM)},
		{"beyond user memory", proc.UserLimit, P, abi.PROT_READ, -int64(abi.ENOMEM)},
	} {
		require.Equal(t, tc.want, mustCall(t, tk, abi.SysMprotect, tc.addr, tc.len, tc.prot), tc.name)
	}
	// Linux changes the areas before the hole: the two pages became
	// writable although the call failed.
	require.NoError(t, tk.AS.WriteBytes(addr+P, []byte("x")))
}

// After fork a read-only private page is shared by parent and child
// without copy-on-write; made writable again, the first write must still
// copy it.
func TestMprotectWritableAfterForkCopies(t *testing.T) {
	k, tk, _ := epollMachine(t)
	const P = hw.PageSize
	addr := uint64(mustCall(t, tk, abi.SysMmap, 0, P, abi.PROT_READ|abi.PROT_WRITE, abi.MAP_PRIVATE|abi.MAP_ANONYMOUS, ^uint64(0), 0))
	require.NoError(t, tk.AS.WriteBytes(addr, []byte("parent")))
	require.Equal(t, int64(0), mustCall(t, tk, abi.SysMprotect, addr, P, abi.PROT_READ))
	pid := mustCall(t, tk, abi.SysClone, uint64(abi.SIGCHLD), 0, 0, 0, 0)
	child := k.tasks[int(pid)]
	require.Equal(t, int64(0), mustCall(t, child, abi.SysMprotect, addr, P, abi.PROT_READ|abi.PROT_WRITE))
	require.NoError(t, child.AS.WriteBytes(addr, []byte("child!")))
	b := make([]byte, 6)
	require.NoError(t, tk.AS.ReadBytes(addr, b))
	require.Equal(t, "parent", string(b), "the parent's page is untouched")
	require.NoError(t, child.AS.ReadBytes(addr, b))
	require.Equal(t, "child!", string(b))
}

// A shared memory segment attached with SHM_RDONLY cannot be made
// writable: EACCES.
func TestMprotectReadOnlyShmEACCES(t *testing.T) {
	_, tk, _ := epollMachine(t)
	id := mustCall(t, tk, abi.SysShmget, 0 /* IPC_PRIVATE */, hw.PageSize, 0o600)
	require.GreaterOrEqual(t, id, int64(0))
	addr := mustCall(t, tk, abi.SysShmat, uint64(id), 0, abi.SHM_RDONLY)
	require.Greater(t, addr, int64(0))
	require.Equal(t, -int64(abi.EACCES), mustCall(t, tk, abi.SysMprotect, uint64(addr), hw.PageSize, abi.PROT_READ|abi.PROT_WRITE))
	require.Equal(t, int64(0), mustCall(t, tk, abi.SysMprotect, uint64(addr), hw.PageSize, abi.PROT_NONE))
}

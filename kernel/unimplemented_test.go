package kernel

import (
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"ipcsim/abi"
	"ipcsim/sim/asm"
)

// callsUnimplemented forks; parent and child each make calls ipcsim does
// not implement, in an order that is not the order of their names, and one
// futex operation it lacks. The parent waits for the child.
const callsUnimplemented = `
	.data
word:	.word 0
	.text
	.globl _start
_start:	li a7, 500
	ecall
	li a0, 1
	li a1, 1
	li a2, 0
	li a7, SYS_io_uring_setup
	ecall
	li a0, 17              # SIGCHLD: fork
	li a1, 0
	li a7, SYS_clone
	ecall
	beqz a0, child
	li a0, 3
	li a1, 0
	li a2, 0
	li a7, SYS_acct
	ecall
	li a0, -1
	li a1, 0
	li a2, 0
	li a3, 0
	li a7, SYS_wait4
	ecall
	li a0, 0
	li a7, SYS_exit
	ecall
child:	la a0, word
	li a1, 5               # FUTEX_WAKE_OP
	li a2, 1
	li a7, SYS_futex
	ecall
	li a0, 1
	li a1, 1
	li a2, 0
	li a7, SYS_io_uring_setup
	ecall
	la a0, word
	li a1, 1               # FUTEX_WAKE: implemented, not recorded
	li a2, 1
	li a7, SYS_futex
	ecall
	li a0, 0
	li a7, SYS_exit
	ecall
`

// runUnimplemented runs callsUnimplemented with the given seed and jitter
// and returns the result and the syscall events that failed with ENOSYS.
func runUnimplemented(t *testing.T, seed, jitter uint64) (Result, []Event) {
	t.Helper()
	pre := map[string]int64{}
	for _, s := range abi.Symbols() {
		pre[s.Name] = s.Value
	}
	p, err := asm.Assemble("unimpl.s", []byte(callsUnimplemented), asm.Options{Predefined: pre})
	require.NoError(t, err)
	var enosys []Event
	k := New(Config{
		Quantum: 7, Seed: seed, Jitter: jitter,
		Files: []File{{Path: "/unimpl", Data: p.ELF, Mode: 0755}},
		Trace: func(e *Event) {
			if e.Kind == "syscall" && e.Errno == "ENOSYS" {
				enosys = append(enosys, e.Keep())
			}
		},
	})
	_, err = k.Spawn("unimpl", []string{"unimpl"}, nil)
	require.NoError(t, err)
	res := k.Run()
	require.Equal(t, StopAllExited, res.Reason)
	return res, enosys
}

// Every call without a table row and every operation a handler lacks is
// recorded once by name, with its count and its first caller and cycle;
// the list is sorted by name whatever order the processes made the calls
// in, and each first cycle is that of the call's event in the trace.
func TestUnimplementedRecorded(t *testing.T) {
	res, enosys := runUnimplemented(t, 1, 0)
	names := []string{}
	for _, u := range res.Unimplemented {
		names = append(names, u.Describe())
	}
	require.Len(t, res.Unimplemented, 4, "%q", names)
	want := []struct {
		name, op string
		calls    int
	}{{"acct", "", 1}, {"futex", "FUTEX_WAKE_OP", 1}, {"io_uring_setup", "", 2}, {"syscall_0x1f4", "", 1}}
	for i, w := range want {
		u := res.Unimplemented[i]
		require.Equal(t, w.name, u.Name)
		require.Equal(t, w.op, u.Op)
		require.Equal(t, w.calls, u.Calls, "%s", u.Name)
		// The first call in the trace with this name is the one recorded.
		found := false
		for _, e := range enosys {
			if e.Syscall == u.Name {
				require.Equal(t, e.PID, u.PID, "%s", u.Name)
				require.Equal(t, e.Cycle, u.Cycle, "%s", u.Name)
				found = true
				break
			}
		}
		require.True(t, found, "no ENOSYS event for %s", u.Name)
	}
	require.Equal(t, fmt.Sprintf("io_uring_setup (2 calls, first by pid 2 at cycle %d)", res.Unimplemented[2].Cycle), res.Unimplemented[2].Describe())
	require.Regexp(t, `^futex FUTEX_WAKE_OP \(1 call, first by pid 3 at cycle \d+\)$`, res.Unimplemented[1].Describe())
}

// The list is the same on every run, and its order does not depend on
// the schedule: with other seeds and jitter the first callers and cycles
// may change, the names and counts do not.
// Names sort alphabetically; numbers without a name (syscall_0xN) by number.
func TestUnimplementedOrder(t *testing.T) {
	names := []string{"syscall_0x3e7", "socket", "syscall_0x400", "bind", "syscall_0x1f4", "syscall_0x437"}
	slices.SortFunc(names, compareNames)
	require.Equal(t, []string{"bind", "socket", "syscall_0x1f4", "syscall_0x3e7", "syscall_0x400", "syscall_0x437"}, names)
}

func TestUnimplementedDeterministic(t *testing.T) {
	a, _ := runUnimplemented(t, 1, 0)
	b, _ := runUnimplemented(t, 1, 0)
	require.Equal(t, a.Unimplemented, b.Unimplemented)
	for seed := uint64(1); seed <= 20; seed++ {
		r, _ := runUnimplemented(t, seed, 13)
		var got []string
		for _, u := range r.Unimplemented {
			got = append(got, u.Name+"/"+u.Op)
		}
		require.Equal(t, []string{"acct/", "futex/FUTEX_WAKE_OP", "io_uring_setup/", "syscall_0x1f4/"}, got, "seed %d", seed)
	}
}

package kernel

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestScheduleManyReady runs testdata/bench/teardown with 200 children,
// which its closing of a pipe makes runnable all at once: more ready
// tasks than Kernel.readied has entries, so that the tasks of some
// entries are not those the policy picks (their tids collide modulo its
// length). Every child must still run, exit and be reaped, with the
// kernel's invariants checked at every step.
func TestScheduleManyReady(t *testing.T) {
	elf, err := os.ReadFile(filepath.Join("..", "testdata", "bench", "bin", "teardown"))
	require.NoError(t, err)
	const n = 200
	k := New(Config{
		MemBytes:        uint64(n+10) * 160 << 10,
		MaxProcs:        n + 10,
		CheckInvariants: true,
		Files:           []File{{Path: "/teardown", Data: elf, Mode: 0755}},
	})
	_, err = k.Spawn("teardown", []string{"teardown", "200"}, nil)
	require.NoError(t, err)
	res := k.Run()
	require.Equal(t, StopAllExited, res.Reason, "blocked: %v; invariant: %v", res.Blocked, res.Invariant)
	require.Len(t, res.Exits, n+1, "the children and teardown")
	for _, e := range res.Exits {
		require.Zero(t, e.Status, "pid %d", e.PID)
	}
}

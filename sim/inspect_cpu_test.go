package sim

import (
	"testing"

	"github.com/stretchr/testify/require"

	"ipcsim/sim/asm"
)

// TestSnapshotCPU checks the registers and code a snapshot holds for a
// debugger's view: at cycle 20 the parent has forked (clone returned 3
// in a0) and its pc is in the code the snapshot peeked.
func TestSnapshotCPU(t *testing.T) {
	s, err := Load("../testdata/scenarios/pipe_parent_child.txtar")
	require.NoError(t, err)
	o, err := s.Run(Options{PauseAt: 20})
	require.NoError(t, err)
	var parent = o.Snapshot.Procs[1]
	require.Equal(t, 2, parent.PID)
	require.NotNil(t, parent.CPU)
	require.Equal(t, uint64(3), parent.CPU.X[10], "clone returned the child's pid in a0")
	found := false
	for _, c := range parent.CPU.Code {
		if c.Addr == parent.CPU.PC {
			found = true
			require.NotEmpty(t, asm.Disassemble(c.Word, c.Addr))
		}
	}
	require.True(t, found, "the code holds the instruction at pc %#x", parent.CPU.PC)
}

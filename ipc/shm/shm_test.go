package shm

import (
	"testing"

	"github.com/stretchr/testify/require"

	_ "ipcsim/internal/golden"
)

type backing struct{ freed int }

func (b *backing) Unref() { b.freed++ }

func TestDestroyedAtLastDetachOnceRemoved(t *testing.T) {
	mem := &backing{}
	s := &Segment{Mem: mem}
	s.Perm.Mode = 0640
	require.False(t, s.Attached(2))
	require.False(t, s.Attached(1), "not removed: lives on with no attacher")
	s.Marked = true
	require.Equal(t, 0640|Dest, s.Mode(), "IPC_STAT shows SHM_DEST once removed")
	require.True(t, s.Attached(0), "removed and the last detach: destroy")
	s.Destroy()
	s.Destroy()
	require.Equal(t, 1, mem.freed, "the memory is freed once")
	require.False(t, s.Attached(0), "never twice")
}

package kernel

import (
	"testing"

	"github.com/stretchr/testify/require"

	"ipcsim/proc"
)

// inspect shows a process's ids and groups, and nothing for root's.
func TestCredString(t *testing.T) {
	require.Empty(t, credString(&proc.Process{}))
	require.Equal(t, "uid 1000/1001/1000, gid 100/100/102",
		credString(&proc.Process{UID: 1000, EUID: 1001, SUID: 1000, GID: 100, EGID: 100, SGID: 102}))
	require.Equal(t, "uid 0/0/0, gid 0/0/0, groups 4 27",
		credString(&proc.Process{Groups: []int{4, 27}}))
}

// inspect shows an alternate signal stack, and nothing without one.
func TestAltStackString(t *testing.T) {
	require.Empty(t, noAltStack.String())
	require.Equal(t, "0x3fffff0000, 16384 bytes", altStack{sp: 0x3fffff0000, size: 16384}.String())
	require.Equal(t, "0x1000, 2048 bytes, SS_AUTODISARM", altStack{sp: 0x1000, size: 2048, flags: ssAutodisarm}.String())
}

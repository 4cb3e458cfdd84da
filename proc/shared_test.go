package proc

import (
	"testing"

	"github.com/stretchr/testify/require"

	"ipcsim/hw"
)

func TestSharedMemoryIsShared(t *testing.T) {
	mem, a := newSpace(t, 64)
	b := NewAddressSpace(mem)
	obj, err := mem.NewShared(2)
	require.NoError(t, err)
	var users []int
	obj.OnUsers = func(n int) { users = append(users, n) }
	rw := hw.PTERead | hw.PTEWrite
	require.NoError(t, a.Map(&VMA{Start: 0x40000, End: 0x42000, Prot: rw, Shared: true, Obj: obj}))
	require.NoError(t, b.Map(&VMA{Start: 0x90000, End: 0x92000, Prot: rw, Shared: true, Obj: obj}))
	require.Equal(t, 2, mem.Committed(), "committed once, by the object")

	require.NoError(t, a.WriteBytes(0x41010, []byte("seen")))
	got := make([]byte, 4)
	require.NoError(t, b.ReadBytes(0x91010, got))
	require.Equal(t, "seen", string(got), "a write shows at once in the other mapping")

	child, err := a.Fork()
	require.NoError(t, err)
	require.NoError(t, child.WriteBytes(0x41010, []byte("kid!")))
	require.NoError(t, b.ReadBytes(0x91010, got))
	require.Equal(t, "kid!", string(got), "never copied on write, across fork too")
	require.Equal(t, []int{1, 2, 3}, users)

	a.Unmap(0x40000, 0x41000) // trim: still one area in a
	require.Equal(t, 3, obj.Users)
	child.Release()
	b.Release()
	a.Release()
	require.Equal(t, 0, obj.Users)
	obj.Unref() // the creator's reference
	require.Equal(t, 0, mem.Committed())
	require.Equal(t, 0, mem.Phys.UsedFrames(), "the last reference frees the frames")
}

func TestSharedSplitKeepsOffsets(t *testing.T) {
	mem, a := newSpace(t, 64)
	obj, err := mem.NewShared(3)
	require.NoError(t, err)
	require.NoError(t, a.Map(&VMA{Start: 0x40000, End: 0x43000, Prot: hw.PTERead | hw.PTEWrite, Shared: true, Obj: obj}))
	require.NoError(t, a.WriteBytes(0x42000, []byte{7}))
	a.Unmap(0x41000, 0x42000) // split in two
	require.Equal(t, 2, obj.Users)
	a.Unmap(0x42000, 0x43000)
	require.NoError(t, a.Map(&VMA{Start: 0x42000, End: 0x43000, Prot: hw.PTERead, Shared: true, Obj: obj, Off: 2}))
	got := []byte{0}
	require.NoError(t, a.ReadBytes(0x42000, got))
	require.Equal(t, byte(7), got[0], "page 2 of the object, mapped again")
}

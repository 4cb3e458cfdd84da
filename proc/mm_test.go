package proc

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"ipcsim/hw"
)

func newSpace(t *testing.T, frames int) (*Memory, *AddressSpace) {
	t.Helper()
	mem := NewMemory(hw.NewPhysMem(uint64(frames) * hw.PageSize))
	return mem, NewAddressSpace(mem)
}

func TestDemandZeroAndCOW(t *testing.T) {
	mem, as := newSpace(t, 64)
	require.NoError(t, as.Map(&VMA{Start: 0x10000, End: 0x12000, Prot: hw.PTERead | hw.PTEWrite, Name: "[anon]"}))
	require.Equal(t, 2, mem.Committed())

	kind, err := as.Fault(0x10008, Write)
	require.NoError(t, err)
	require.Equal(t, FaultZeroFill, kind)
	require.NoError(t, as.WriteBytes(0x10008, []byte("parent")))

	child, err := as.Fork()
	require.NoError(t, err)
	require.Equal(t, 4, mem.Committed(), "fork commits the child's private pages")
	pp, _ := as.PT().Lookup(0x10000)
	cp, _ := child.PT().Lookup(0x10000)
	require.Equal(t, pp.Frame(), cp.Frame(), "after fork both map the same frame")
	require.Zero(t, pp&hw.PTEWrite, "and it is write-protected")
	require.NotZero(t, pp&hw.PTECOW)
	require.Equal(t, 2, mem.Phys.Refs(pp.Frame()))

	kind, err = child.Fault(0x10000, Write)
	require.NoError(t, err)
	require.Equal(t, FaultCOWCopy, kind)
	require.NoError(t, child.WriteBytes(0x10008, []byte("child!")))

	got := make([]byte, 6)
	require.NoError(t, as.ReadBytes(0x10008, got))
	require.Equal(t, "parent", string(got), "the child's write must not show in the parent")
	require.NoError(t, child.ReadBytes(0x10008, got))
	require.Equal(t, "child!", string(got))

	kind, err = as.Fault(0x10000, Write)
	require.NoError(t, err)
	require.Equal(t, FaultCOWReuse, kind, "the parent is now the only user of the old frame")

	child.Release()
	as.Release()
	require.Equal(t, 0, mem.Committed())
	require.Equal(t, 0, mem.Phys.UsedFrames())
}

func TestSegvKinds(t *testing.T) {
	_, as := newSpace(t, 16)
	require.NoError(t, as.Map(&VMA{Start: 0x10000, End: 0x11000, Prot: hw.PTERead | hw.PTEExec, Name: "text"}))
	_, err := as.Fault(0x10000, Write)
	var segv *SegvError
	require.True(t, errors.As(err, &segv))
	require.True(t, segv.Mapped, "write to text is SEGV_ACCERR")
	_, err = as.Fault(0x20000, Read)
	require.True(t, errors.As(err, &segv))
	require.False(t, segv.Mapped, "no mapping is SEGV_MAPERR")
	require.ErrorIs(t, as.WriteBytes(0x10000, []byte{1}), ErrFault)
	require.ErrorIs(t, as.ReadBytes(0, make([]byte, 1)), ErrFault)
}

func TestCommitLimitAndBrk(t *testing.T) {
	mem, as := newSpace(t, 8)
	as.BrkStart, as.Brk = 0x20100, 0x20100
	require.Equal(t, uint64(0x20100+3*hw.PageSize), as.SetBrk(0x20100+3*hw.PageSize))
	require.Equal(t, 3, mem.Committed(), "pages 0x21000..0x24000: the page holding BrkStart belongs to the data area")
	require.Equal(t, as.Brk, as.SetBrk(0x20100+100*hw.PageSize), "beyond memory: the old break")
	require.Equal(t, as.Brk, as.SetBrk(0x1000), "below the heap: the old break")
	require.NoError(t, as.WriteBytes(0x21000, []byte{7}))
	require.Equal(t, uint64(0x20100), as.SetBrk(0x20100))
	require.Equal(t, 0, mem.Committed())
	require.Equal(t, uint64(0x20200), as.SetBrk(0x20200), "within the page the heap starts in")
	require.ErrorIs(t, as.Map(&VMA{Start: 0x40000, End: 0x40000 + 9*hw.PageSize, Prot: hw.PTERead}), ErrNoMemory)
}

func TestUnmapSplits(t *testing.T) {
	_, as := newSpace(t, 16)
	require.NoError(t, as.Map(&VMA{Start: 0x10000, End: 0x14000, Prot: hw.PTERead | hw.PTEWrite, Name: "[anon]"}))
	as.Unmap(0x11000, 0x12000)
	var got []string
	for _, v := range as.VMAs() {
		got = append(got, v.String())
	}
	want := []string{"000000010000-000000011000 rw-p [anon]", "000000012000-000000014000 rw-p [anon]"}
	require.Empty(t, cmp.Diff(want, got))
}

func TestStackGrowsDown(t *testing.T) {
	_, as := newSpace(t, 64)
	require.NoError(t, as.MapStack(StackTop))
	kind, err := as.Fault(StackTop-stackInitial-8, Write)
	require.NoError(t, err)
	require.Equal(t, FaultStackGrow, kind)
	_, err = as.Fault(StackTop-StackMax-8, Write)
	require.Error(t, err, "beyond RLIMIT_STACK")
}

func TestReadString(t *testing.T) {
	_, as := newSpace(t, 16)
	require.NoError(t, as.Map(&VMA{Start: 0x10000, End: 0x12000, Prot: hw.PTERead | hw.PTEWrite}))
	// A string straddling a page boundary.
	require.NoError(t, as.WriteBytes(0x10ffe, []byte("abc\x00")))
	s, ok, err := as.ReadString(0x10ffe, 10)
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, "abc", s)
	_, ok, err = as.ReadString(0x10ffe, 2)
	require.NoError(t, err)
	require.False(t, ok, "longer than max")
}

// TestDiscard: MADV_DONTNEED's drop of pages: an anonymous page reads as
// zeros again and its frame is free; a hole in the range is ENOMEM, the
// mapped part discarded all the same; the program's own mapping cannot be
// refilled and is refused.
func TestDiscard(t *testing.T) {
	mem, as := newSpace(t, 64)
	require.NoError(t, as.Map(&VMA{Start: 0x10000, End: 0x12000, Prot: hw.PTERead | hw.PTEWrite, Name: "[anon]"}))
	require.NoError(t, as.Map(&VMA{Start: 0x20000, End: 0x21000, Prot: hw.PTERead | hw.PTEWrite, Name: "/bin/prog"}))
	require.NoError(t, as.WriteBytes(0x10000, []byte("data")))
	used := mem.Phys.UsedFrames()
	require.NoError(t, as.Discard(0x10000, 0x12000))
	require.Equal(t, used-1, mem.Phys.UsedFrames(), "the page's frame is free again")
	b := make([]byte, 4)
	require.NoError(t, as.ReadBytes(0x10000, b))
	require.Equal(t, []byte{0, 0, 0, 0}, b, "zero-filled on the next access")
	require.True(t, as.Mapped(0x10000, 0x12000))
	require.False(t, as.Mapped(0x10000, 0x13000))
	require.ErrorIs(t, as.Discard(0x11000, 0x13000), ErrNoMemory)
	require.ErrorIs(t, as.Discard(0x20000, 0x21000), ErrFileBacked)
}

package proc

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"ipcsim/hw"
)

// memState is everything a peek must leave alone: the page tables (entries
// and change counters), the frames' reference counts and contents, the
// commitments and the shared object's pages.
type memState struct {
	Pages     [][]hw.Mapping
	Gens      []uint64
	Refs      []int
	Used      int
	Committed int
	Charged   []int
	VMAs      [][]string
	Bytes     []byte
	Shared    map[int]hw.Frame
}

func stateOf(mem *Memory, obj *Shared, spaces ...*AddressSpace) memState {
	s := memState{Used: mem.Phys.UsedFrames(), Committed: mem.Committed(), Shared: obj.Frames()}
	for _, as := range spaces {
		s.Pages = append(s.Pages, as.PT().Pages())
		s.Gens = append(s.Gens, as.PT().Generation())
		s.Charged = append(s.Charged, as.charged)
		var vmas []string
		for _, v := range as.VMAs() {
			vmas = append(vmas, v.String())
		}
		s.VMAs = append(s.VMAs, vmas)
	}
	for f := range mem.Phys.Frames() {
		s.Refs = append(s.Refs, mem.Phys.Refs(hw.Frame(f)))
		s.Bytes = append(s.Bytes, mem.Phys.Bytes(hw.Frame(f))...)
	}
	return s
}

func TestPeekHasNoSideEffects(t *testing.T) {
	mem, as := newSpace(t, 128)
	rw := hw.PTERead | hw.PTEWrite
	require.NoError(t, as.Map(&VMA{Start: 0x10000, End: 0x14000, Prot: rw, Name: "[anon]"}))
	require.NoError(t, as.Map(&VMA{Start: 0x20000, End: 0x21000, Prot: hw.PTERead | hw.PTEExec, Name: "text"}))
	require.NoError(t, as.Map(&VMA{Start: 0x30000, End: 0x31000, Prot: 0, Name: "[none]"}))
	require.NoError(t, as.Map(&VMA{Start: 0x38000, End: 0x39000, Prot: hw.PTEWrite, Name: "[wonly]"}))
	require.NoError(t, as.MapStack(StackTop))
	obj, err := mem.NewShared(2)
	require.NoError(t, err)
	require.NoError(t, as.Map(&VMA{Start: 0x40000, End: 0x42000, Prot: rw, Shared: true, Obj: obj}))
	other := NewAddressSpace(mem)
	require.NoError(t, other.Map(&VMA{Start: 0x90000, End: 0x92000, Prot: rw, Shared: true, Obj: obj}))

	require.NoError(t, as.WriteBytes(0x10ffc, []byte("abcd"))) // page 0x10000 present, 0x11000 untouched
	require.NoError(t, as.Fill(0x20000, []byte{0x73, 0, 0, 0, 0x13, 0, 0, 0}))
	require.NoError(t, other.WriteBytes(0x91008, []byte("shared"))) // the object's page 1 filled by the other mapping
	child, err := as.Fork()                                         // 0x10000 is copy-on-write in both now
	require.NoError(t, err)

	before := stateOf(mem, obj, as, other, child)
	buf := make([]byte, 8)

	require.NoError(t, child.PeekBytes(0x10ffc, buf), "a copy-on-write page into an untouched one")
	require.Equal(t, "abcd\x00\x00\x00\x00", string(buf))
	s, ok, err := as.PeekString(0x10ffc, 100)
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, "abcd", s, "the untouched page after it reads as zeros")
	require.NoError(t, as.PeekBytes(0x13ff8, buf))
	require.Equal(t, make([]byte, 8), buf)
	require.NoError(t, as.PeekBytes(0x41008, buf[:6]))
	require.Equal(t, "shared", string(buf[:6]), "a shared page another mapping filled")
	require.NoError(t, as.PeekBytes(0x40000, buf))
	require.Equal(t, make([]byte, 8), buf, "a shared page nobody filled")
	require.NoError(t, as.PeekBytes(0x20000, buf[:4]))
	require.Equal(t, []byte{0x73, 0, 0, 0}, buf[:4])

	w, ok := as.PeekInstruction(0x20004)
	require.True(t, ok)
	require.Equal(t, uint32(0x13), w)
	w, ok = as.PeekInstruction(0x20002)
	require.True(t, ok, "2-aligned: a compressed parcel (the upper half of the ecall)")
	require.Equal(t, uint32(0), w)
	_, ok = as.PeekInstruction(0x20001)
	require.False(t, ok, "misaligned")
	_, ok = as.PeekInstruction(0x10000)
	require.False(t, ok, "not executable")
	_, ok = as.PeekInstruction(0x11000)
	require.False(t, ok, "untouched, not executable")

	for _, va := range []uint64{
		0x0, 0x14000, 0x30000, // no area; PROT_NONE
		StackTop - stackInitial - 8, // below the stack: a fault would grow it
		UserLimit - 4, UserLimit, 1 << 63,
	} {
		require.ErrorIs(t, as.PeekBytes(va, buf), ErrFault, "%#x", va)
		_, _, err := as.PeekString(va, 100)
		require.ErrorIs(t, err, ErrFault, "%#x", va)
	}
	// "Write implies read" (arch/riscv/mm/fault.c access_error): an
	// untouched write-only page reads as zeros.
	require.NoError(t, as.PeekBytes(0x38000, buf))
	require.Equal(t, make([]byte, 8), buf)
	require.ErrorIs(t, as.PeekBytes(0x13ffc, buf), ErrFault, "runs off the end of the area")
	// The shared object itself (inspect): page 0 untouched reads as zeros,
	// page 1 what the other mapping wrote; nothing past its end.
	seg := make([]byte, 16)
	require.Equal(t, 16, obj.Peek(hw.PageSize-4, seg))
	require.Equal(t, "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00shar", string(seg))
	require.Equal(t, 4, obj.Peek(2*hw.PageSize-4, seg))
	require.Zero(t, obj.Peek(2*hw.PageSize, seg))
	require.Empty(t, cmp.Diff(before, stateOf(mem, obj, as, other, child)), "a peek changed the memory")

	// What a peek shows is what a read then finds.
	for _, va := range []uint64{0x10ffc, 0x13ff8, 0x41008, 0x40000, 0x38000} {
		want := make([]byte, 8)
		require.NoError(t, as.PeekBytes(va, want))
		require.NoError(t, as.ReadBytes(va, buf))
		require.Equal(t, want, buf, "%#x", va)
	}
}

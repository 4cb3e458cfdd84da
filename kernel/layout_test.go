package kernel

import (
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"

	"ipcsim/proc"
)

// TestSwitchLayout holds the structures a context switch reads to the
// layouts their comments describe (Task, call, proc.Process): among
// thousands of processes each line they spread over is a cache miss more
// (BenchmarkRing/10000). A field added in the wrong place fails here,
// not only in a benchmark.
func TestSwitchLayout(t *testing.T) {
	var task Task
	// What a switch reads in the Task's first eleven lines: its links and
	// flags, signal mask, wait-queue entry, the call in progress up to its
	// flags, the integer registers and pc; the floating-point registers
	// after them.
	var c call
	for _, f := range []struct {
		name string
		end  uintptr
	}{
		{"call", unsafe.Offsetof(task.call) + unsafe.Sizeof(task.call)},
		{"State and flags", unsafe.Offsetof(task.interrupted) + 1},
		{"Sig", unsafe.Offsetof(task.Sig) + unsafe.Sizeof(task.Sig)},
		{"entry", unsafe.Offsetof(task.entry) + unsafe.Sizeof(task.entry)},
		{"callBuf's flags", unsafe.Offsetof(task.callBuf) + unsafe.Offsetof(c.addrPut) + 1},
		{"Regs.PC", unsafe.Offsetof(task.Regs) + unsafe.Offsetof(task.Regs.PC) + unsafe.Sizeof(task.Regs.PC)},
	} {
		require.LessOrEqual(t, f.end, uintptr(11*64), "Task: %s ends past its eleventh line", f.name)
	}
	require.Greater(t, unsafe.Offsetof(task.Regs.F), unsafe.Offsetof(task.Regs.PC), "proc.Regs: F before PC")
	require.LessOrEqual(t, unsafe.Sizeof(task), uintptr(1024), "Task: over a kilobyte")

	// A call's fields up to its flags in its first two lines.
	require.LessOrEqual(t, unsafe.Offsetof(c.addrPut)+1, uintptr(2*64), "call: the flags end past its second line")

	// A process's memory, descriptors, cycles and pending signals in one line.
	var p proc.Process
	first := unsafe.Offsetof(p.AS) / 64
	for _, f := range []struct {
		name string
		off  uintptr
	}{
		{"Files", unsafe.Offsetof(p.Files)},
		{"Cycles", unsafe.Offsetof(p.Cycles)},
		{"Shared.Pending", unsafe.Offsetof(p.Shared) + unsafe.Offsetof(p.Shared.Pending)},
	} {
		require.Equal(t, first, f.off/64, "proc.Process: %s is not in AS's line", f.name)
	}
}

package kernel

// CPUState is a thread's registers and the instructions around its pc,
// for a debugger's view (ipcsim step). inspect does not print it.
type CPUState struct {
	X  [32]uint64 // x0..x31, as saved while the thread is off the CPU
	PC uint64
	// Code is the instruction at every 2-byte step from pc-CodeBefore to
	// pc+CodeAfter that the thread could fetch, peeked (no side effect):
	// a viewer finds where the instructions before pc start.
	Code []CodeWord
}

// CodeWord is the instruction at Addr: a 4-byte word, or a compressed
// instruction's 16-bit parcel (Word&3 != 3).
type CodeWord struct {
	Addr uint64
	Word uint32
}

// How much code a CPUState holds around pc, in bytes.
const (
	CodeBefore = 32
	CodeAfter  = 48
)

// cpuState returns t's registers and the code around its pc; nil for a
// task without an address space (an exited one).
func cpuState(t *Task) *CPUState {
	if t.AS == nil {
		return nil
	}
	c := &CPUState{X: t.Regs.X, PC: t.Regs.PC}
	start := t.Regs.PC - min(t.Regs.PC, CodeBefore)
	for va := start &^ 1; va < t.Regs.PC+CodeAfter; va += 2 {
		if w, ok := t.AS.PeekInstruction(va); ok {
			c.Code = append(c.Code, CodeWord{Addr: va, Word: w})
		}
	}
	return c
}

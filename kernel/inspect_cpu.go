package kernel

import (
	"encoding/json"
	"fmt"
	"strconv"

	"ipcsim/hw"
)

// CPUState is a thread's registers and the instructions around its pc,
// for a debugger's view (ipcsim step). inspect prints a thread's
// registers from ThreadState.Regs and FP instead.
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

// IntRegs are a thread's integer registers, x0..x31, for inspect. In JSON
// they are an object of x1..x31 by ABI name, in register order:
// {"ra": 65620, "sp": 73792, ..., "t6": 0}.
type IntRegs [32]uint64

// FPState is a thread's floating-point registers and fcsr, for inspect.
type FPState struct {
	F    FPRegs `json:"f"`    // f0..f31 as stored: a double's bits, or a single's NaN-boxed (the upper 32 bits ones)
	FCSR uint32 `json:"fcsr"` // the rounding mode frm (bits 7..5) and the exception flags fflags (bits 4..0)
}

// FPRegs are f0..f31; in JSON an object by ABI name ({"ft0": 0, ...}) of
// their bits as numbers.
type FPRegs [32]uint64

// fpState returns t's floating-point registers, or nil if they are all
// zero and so is fcsr: every thread starts so (execve clears them), so a
// thread whose state is not all zero has used floating point.
func fpState(t *Task) *FPState {
	if t.Regs.F == ([32]uint64{}) && t.Regs.FCSR == 0 {
		return nil
	}
	return &FPState{F: t.Regs.F, FCSR: t.Regs.FCSR}
}

func (r IntRegs) MarshalJSON() ([]byte, error) { return marshalRegs(r[:], hw.RegName, 1), nil }

func (r *IntRegs) UnmarshalJSON(b []byte) error { return unmarshalRegs(b, r[:], hw.RegName) }

func (r FPRegs) MarshalJSON() ([]byte, error) { return marshalRegs(r[:], hw.FRegName, 0), nil }

func (r *FPRegs) UnmarshalJSON(b []byte) error { return unmarshalRegs(b, r[:], hw.FRegName) }

// marshalRegs writes regs[from:] as a JSON object by name, in register
// order (a map would be written in the order of its keys).
func marshalRegs(regs []uint64, name func(int) string, from int) []byte {
	b := []byte{'{'}
	for i := from; i < len(regs); i++ {
		if i > from {
			b = append(b, ',')
		}
		b = strconv.AppendQuote(b, name(i))
		b = append(b, ':')
		b = strconv.AppendUint(b, regs[i], 10)
	}
	return append(b, '}')
}

// unmarshalRegs reads an object of marshalRegs into regs; a name that is
// not a register is an error.
func unmarshalRegs(b []byte, regs []uint64, name func(int) string) error {
	var byName map[string]uint64
	if err := json.Unmarshal(b, &byName); err != nil {
		return err
	}
	for n, v := range byName {
		r := 0
		for r < len(regs) && name(r) != n {
			r++
		}
		if r == len(regs) {
			return fmt.Errorf("no register is named %q", n)
		}
		regs[r] = v
	}
	return nil
}

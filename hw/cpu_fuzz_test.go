package hw

import (
	"testing"
)

// FuzzCPUStep executes one arbitrary instruction word with arbitrary
// register values: the simulator must never panic, a trap must leave PC and
// the registers as they were, an illegal instruction must report its word
// (a compressed one its parcel), and x0 must stay 0. (go test runs the
// seeds; go test -fuzz=FuzzCPUStep explores.)
func FuzzCPUStep(f *testing.F) {
	seeds := []uint32{0, 0xffffffff, wordNOP, wordECALL, wordEBREAK, wordFENCE,
		encI("ld", 3, 1, 0), encS("sd", 2, 1, -8), encB("beq", 0, 0, 6), encJAL(1, -4),
		encI("jalr", 0, 1, 1), encR("divw", 3, 1, 2), encAMO("lr", true, 3, 1, 0),
		encAMO("sc", false, 3, 1, 2), encAMO("amomaxu", true, 0, 1, 2), 0x34011073}
	for i, w := range seeds {
		f.Add(w, uint64(dataVA+8*i), uint64(i)-3)
	}
	f.Fuzz(func(t *testing.T, w uint32, a, b uint64) {
		m := newTestMachine(t, w)
		for r := 1; r < 32; r++ {
			m.cpu.X[r] = a + uint64(r)*b
		}
		before := m.cpu.X
		n, tr := m.cpu.Run(1)
		if m.cpu.X[0] != 0 {
			t.Fatalf("x0 = %#x after %#08x", m.cpu.X[0], w)
		}
		switch {
		case tr.Cause == CauseNone:
			if n != 1 {
				t.Fatalf("%#08x: no trap but %d retired", w, n)
			}
		case n != 0 || m.cpu.PC != codeVA || m.cpu.X != before:
			t.Fatalf("%#08x: trap %v is not precise: retired %d, PC %#x", w, tr, n, m.cpu.PC)
		case tr.Cause == CauseIllegal && tr.Value != uint64(w) && (w&3 == 3 || tr.Value != uint64(uint16(w))):
			// (An illegal compressed instruction reports its parcel.)
			t.Fatalf("%#08x: illegal instruction reports %#x", w, tr.Value)
		}
		// A word whose low bits are not 11 starts with a compressed
		// instruction, which Run decodes as such (decodeC).
		d := decode(w)
		if w&3 != 3 {
			d = decodeC(uint16(w))
		}
		if d.op == opIllegal && tr.Cause != CauseIllegal {
			t.Fatalf("%#08x decodes as illegal but Run gave %v", w, tr)
		}
	})
}

package sim

import (
	"encoding/json"
	"math"
	"testing"

	"ipcsim/kernel"
)

func TestFPValueAndFCSR(t *testing.T) {
	boxed := func(f float32) uint64 { return 0xffffffff00000000 | uint64(math.Float32bits(f)) }
	for bits, want := range map[uint64]string{
		math.Float64bits(5):                    "5.0",
		math.Float64bits(-0.25):                "-0.25",
		math.Float64bits(1e300):                "1e+300",
		math.Float64bits(math.Inf(-1)):         "-Inf",
		math.Float64bits(math.NaN()):           "NaN",
		math.Float64bits(math.Copysign(0, -1)): "-0.0",
		boxed(2.5):                             "2.5f",
		boxed(7):                               "7.0f",
	} {
		if got := FPValue(bits); got != want {
			t.Errorf("FPValue(%#x) = %q, want %q", bits, got, want)
		}
	}
	for fcsr, want := range map[uint32]string{
		0:           "fcsr 0x0: rounding rne, flags none",
		0x1:         "fcsr 0x1: rounding rne, flags NX",
		1<<5 | 0x18: "fcsr 0x38: rounding rtz, flags NV|DZ",
		4<<5 | 0x1f: "fcsr 0x9f: rounding rmm, flags NV|DZ|OF|UF|NX",
	} {
		if got := FCSRText(fcsr); got != want {
			t.Errorf("FCSRText(%#x) = %q, want %q", fcsr, got, want)
		}
	}
	lines := FPRegisterLines(&kernel.FPState{F: [32]uint64{10: math.Float64bits(1.5)}}, 3)
	if len(lines) != 2 || lines[0] != "fa0  1.5" || lines[1] != "fcsr 0x0: rounding rne, flags none" {
		t.Errorf("FPRegisterLines = %q", lines)
	}
}

// Registers in inspect's JSON: an object by ABI name, in register
// order, that reads back to the same registers.
func TestRegsJSON(t *testing.T) {
	var x kernel.IntRegs
	for i := range x {
		x[i] = uint64(i) * 0x1000
	}
	b, err := json.Marshal(x)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"ra":4096,"sp":8192,"gp":12288,`; string(b[:len(want)]) != want {
		t.Errorf("JSON %s, want it to begin %s", b, want)
	}
	var back kernel.IntRegs
	if err := json.Unmarshal(b, &back); err != nil || back != x {
		t.Errorf("read back %v (%v), want %v", back, err, x)
	}
	if err := json.Unmarshal([]byte(`{"x99":1}`), &back); err == nil {
		t.Error("a register that does not exist was accepted")
	}
	var f kernel.FPRegs
	f[10] = 7
	b, _ = json.Marshal(f)
	if want := `{"ft0":0,`; string(b[:len(want)]) != want {
		t.Errorf("FP JSON %s, want it to begin %s", b, want)
	}
}

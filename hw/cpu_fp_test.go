package hw

import (
	"bytes"
	"encoding/binary"
	"math"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestFPAgainstQemu runs testdata/fpdiff/fpdiff.elf, thousands of random F
// and D instructions over random and special operands in every rounding
// mode, and compares the destination register and fcsr after each with what
// they were under qemu-riscv64 (scripts/fp-oracle.sh recorded them).
func TestFPAgainstQemu(t *testing.T) {
	dir := filepath.Join("testdata", "fpdiff")
	want, err := os.ReadFile(filepath.Join(dir, "fpdiff.qemu"))
	require.NoError(t, err, "recorded by scripts/fp-oracle.sh")
	opsText, err := os.ReadFile(filepath.Join(dir, "fpdiff.ops"))
	require.NoError(t, err)
	ops := strings.Split(strings.TrimSuffix(string(opsText), "\n"), "\n")
	require.Len(t, want, 16*len(ops))

	m := &testMachine{t: t, mem: NewPhysMem(1024 * PageSize), pt: NewPageTable()}
	m.cpu = NewCPU(m.mem)
	m.cpu.PT = m.pt
	m.loadELF(filepath.Join(dir, "fpdiff.elf"))
	m.setupStack([]string{"fpdiff"})
	out, status := m.runProgram()
	require.Equal(t, 0, status)
	got := []byte(out)
	require.Len(t, got, len(want))

	bad := 0
	for i, op := range ops {
		g, w := got[16*i:16*i+16], want[16*i:16*i+16]
		if bytes.Equal(g, w) {
			continue
		}
		if bad++; bad > 20 {
			t.Fatal("more than 20 differences")
		}
		le := binary.LittleEndian
		t.Errorf("#%d %s: got %#x fcsr %#x, qemu %#x fcsr %#x", i, op,
			le.Uint64(g), le.Uint64(g[8:]), le.Uint64(w), le.Uint64(w[8:]))
	}
}

// TestSoftFloatAgainstGo checks the rounding core against Go's own IEEE
// arithmetic (round to nearest-even) and math/big.Float (every other
// direction) on random binary64 operands, for add, mul, div, sqrt and fma.
func TestSoftFloatAgainstGo(t *testing.T) {
	g := &fpValues{state: 1}
	modes := []struct {
		rm  rmode
		big big.RoundingMode
	}{{rmRNE, big.ToNearestEven}, {rmRTZ, big.ToZero}, {rmRDN, big.ToNegativeInf}, {rmRUP, big.ToPositiveInf}, {rmRMM, big.ToNearestAway}}
	for i := 0; i < 20000; i++ {
		a, b, c := g.next(), g.next(), g.next()
		fa, fb, fc := math.Float64frombits(a), math.Float64frombits(b), math.Float64frombits(c)
		if math.IsNaN(fa) || math.IsNaN(fb) || math.IsNaN(fc) || math.IsInf(fa, 0) || math.IsInf(fb, 0) || math.IsInf(fc, 0) {
			continue
		}
		e := fpEnv{rm: rmRNE}
		check := func(name string, got uint64, want float64) {
			t.Helper()
			if got != math.Float64bits(want) && !(math.IsNaN(want) && got == fmtD.canonicalNaN()) {
				t.Fatalf("%s(%#x, %#x, %#x) = %#x, Go says %#x", name, a, b, c, got, math.Float64bits(want))
			}
		}
		check("add", e.add(fmtD, a, b), fa+fb)
		check("mul", e.mul(fmtD, a, b), fa*fb)
		check("div", e.div(fmtD, a, b), fa/fb)
		check("sqrt", e.sqrt(fmtD, a), math.Sqrt(fa))
		check("fma", e.fma(fmtD, a, b, c, false, false), math.FMA(fa, fb, fc))

		// The directed modes against big.Float, away from the subnormal
		// range (big.Float has no subnormals) and from overflow.
		x, y := new(big.Float).SetFloat64(fa), new(big.Float).SetFloat64(fb)
		for _, m := range modes {
			z := new(big.Float).SetPrec(53).SetMode(m.big)
			for _, k := range []struct {
				name string
				got  uint64
				want *big.Float
			}{
				{"add", (&fpEnv{rm: m.rm}).add(fmtD, a, b), z.Add(x, y)},
				{"mul", (&fpEnv{rm: m.rm}).mul(fmtD, a, b), new(big.Float).SetPrec(53).SetMode(m.big).Mul(x, y)},
			} {
				w, acc := k.want.Float64()
				if acc != big.Exact || w == 0 || math.IsInf(w, 0) || math.Abs(w) < 0x1p-1000 {
					continue
				}
				if k.got != math.Float64bits(w) {
					t.Fatalf("%s rm %d (%#x, %#x) = %#x, big.Float says %#x", k.name, m.rm, a, b, k.got, math.Float64bits(w))
				}
			}
		}
	}
}

// fpValues makes binary64 operands: random bits, mostly in a moderate
// exponent range so that sums and products stay finite.
type fpValues struct{ state uint64 }

func (g *fpValues) next() uint64 {
	g.state = g.state*6364136223846793005 + 1442695040888963407 // a fixed LCG: deterministic
	v := g.state
	exp := 1023 - 60 + (v>>52)%120
	return v&(1<<63|1<<52-1) | exp<<52
}

// TestFflagsOneThird: 1/3 is inexact and nothing else.
func TestFflagsOneThird(t *testing.T) {
	e := fpEnv{rm: rmRNE}
	third := e.div(fmtD, math.Float64bits(1), math.Float64bits(3))
	require.Equal(t, uint64(0x3fd5555555555555), third)
	require.Equal(t, uint8(flagNX), e.flags)
}

// TestCounters: rdcycle, rdtime and rdinstret read the values the kernel
// handed the CPU plus the instructions retired so far in this Run; writing
// them is an illegal instruction.
func TestCounters(t *testing.T) {
	const rdcycleA0, rdinstretA1, rdtimeA2, csrwCycle = 0xc0002573, 0xc02025f3, 0xc0102673, 0xc0051073
	m := newTestMachine(t, rdcycleA0, rdinstretA1, rdtimeA2, csrwCycle)
	m.cpu.Cycle, m.cpu.Instret = 1000, 50
	m.run(10, 3, Trap{Cause: CauseIllegal, Value: csrwCycle})
	require.Equal(t, uint64(1000), m.cpu.X[10])
	require.Equal(t, uint64(51), m.cpu.X[11])
	require.Equal(t, uint64(1002), m.cpu.X[12])
}

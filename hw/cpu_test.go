package hw

import (
	"math"
	"math/big"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
)

// neg returns the two's-complement register value of v.
func neg(v int64) uint64 { return uint64(v) }

const (
	minI64 = uint64(1) << 63
	maxU64 = math.MaxUint64
	sextHi = 0xffffffff00000000 // the upper half of a negative sign-extended word
)

// TestComputational runs each register-register and register-immediate
// instruction once with rs1 = x1 = a, rs2 = x2 = b, rd = x3, and compares the
// whole register file.
func TestComputational(t *testing.T) {
	r := func(name string) uint32 { return encR(name, 3, 1, 2) }
	i := func(name string, imm int64) uint32 { return encI(name, 3, 1, imm) }
	tests := []struct {
		name    string
		inst    uint32
		a, b    uint64
		want    uint64
		wantPC4 bool
	}{
		{"add", r("add"), 1, 2, 3, true},
		{"add wraps", r("add"), maxU64, 1, 0, true},
		{"sub", r("sub"), 1, 2, maxU64, true},
		{"sll masks shift to 6 bits", r("sll"), 1, 65, 2, true},
		{"slt signed", r("slt"), neg(-1), 1, 1, true},
		{"slt false", r("slt"), 1, neg(-1), 0, true},
		{"sltu unsigned", r("sltu"), 1, maxU64, 1, true},
		{"sltu false", r("sltu"), maxU64, 1, 0, true},
		{"xor", r("xor"), 0xff00, 0x0ff0, 0xf0f0, true},
		{"or", r("or"), 0xff00, 0x0ff0, 0xfff0, true},
		{"and", r("and"), 0xff00, 0x0ff0, 0x0f00, true},
		{"srl", r("srl"), minI64, 127, 1, true},
		{"sra", r("sra"), minI64, 63, maxU64, true},
		{"addi negative", i("addi", -2048), 5, 0, neg(-2043), true},
		{"slti", i("slti", -4), neg(-5), 0, 1, true},
		{"sltiu imm sign-extended then unsigned", i("sltiu", -1), 5, 0, 1, true},
		{"sltiu seqz", i("sltiu", 1), 0, 0, 1, true},
		{"xori not", i("xori", -1), 0x0f, 0, ^uint64(0x0f), true},
		{"ori", i("ori", -16), 3, 0, neg(-13), true},
		{"andi", i("andi", 0x0f0), 0xffffffffffffff0f, 0, 0, true},
		{"slli 63", i("slli", 63), 1, 0, minI64, true},
		{"srli", i("srli", 60), maxU64, 0, 0xf, true},
		{"srai", i("srai", 4), minI64, 0, 0xf800000000000000, true},
		{"addiw overflow sign-extends", i("addiw", 1), 0x7fffffff, 0, 0xffffffff80000000, true},
		{"addiw 0 is sext.w", i("addiw", 0), 0xffffffff00000005, 0, 5, true},
		{"slliw", i("slliw", 31), 1, 0, 0xffffffff80000000, true},
		{"srliw ignores upper bits", i("srliw", 31), 0xffffffff80000000, 0, 1, true},
		{"srliw 0 sign-extends", i("srliw", 0), 0x80000000, 0, 0xffffffff80000000, true},
		{"sraiw uses bit 31", i("sraiw", 4), 0x0000000080000000, 0, 0xfffffffff8000000, true},
		{"addw", r("addw"), 0x7fffffff, 1, 0xffffffff80000000, true},
		{"subw", r("subw"), 0, 1, maxU64, true},
		{"subw upper ignored", r("subw"), 0x100000000, 0, 0, true},
		{"sllw masks shift to 5 bits", r("sllw"), 1, 33, 2, true},
		{"srlw", r("srlw"), 0x80000000, 63, 1, true},
		{"sraw", r("sraw"), 0x80000000, 31, maxU64, true},
		{"mul", r("mul"), 3, neg(-2), neg(-6), true},
		{"mul low bits", r("mul"), maxU64, maxU64, 1, true},
		{"mulh -1*-1", r("mulh"), maxU64, maxU64, 0, true},
		{"mulh min*min", r("mulh"), minI64, minI64, 0x4000000000000000, true},
		{"mulh -2*3", r("mulh"), neg(-2), 3, maxU64, true},
		{"mulh max*max", r("mulh"), math.MaxInt64, math.MaxInt64, 0x3fffffffffffffff, true},
		{"mulhsu -1*maxu", r("mulhsu"), maxU64, maxU64, maxU64, true},
		{"mulhsu 2*maxu", r("mulhsu"), 2, maxU64, 1, true},
		{"mulhsu -2*2", r("mulhsu"), neg(-2), 2, maxU64, true},
		{"mulhu", r("mulhu"), maxU64, maxU64, 0xfffffffffffffffe, true},
		{"mulhu -1*2", r("mulhu"), maxU64, 2, 1, true},
		{"div truncates", r("div"), 7, neg(-2), neg(-3), true},
		{"div negative dividend", r("div"), neg(-7), 2, neg(-3), true},
		{"div by zero", r("div"), 7, 0, maxU64, true},
		{"div overflow", r("div"), minI64, maxU64, minI64, true},
		{"divu", r("divu"), maxU64, 2, math.MaxInt64, true},
		{"divu by zero", r("divu"), 7, 0, maxU64, true},
		{"rem sign of dividend", r("rem"), neg(-7), 2, maxU64, true},
		{"rem positive", r("rem"), 7, neg(-2), 1, true},
		{"rem by zero", r("rem"), neg(-7), 0, neg(-7), true},
		{"rem overflow", r("rem"), minI64, maxU64, 0, true},
		{"remu", r("remu"), maxU64, 10, 5, true},
		{"remu by zero", r("remu"), 7, 0, 7, true},
		{"mulw truncates", r("mulw"), 0x10000, 0x10000, 0, true},
		{"mulw sign-extends", r("mulw"), 0x8000, 0x10000, 0xffffffff80000000, true},
		{"mulw ignores upper", r("mulw"), 0xdead000000000003, 2, 6, true},
		{"divw overflow", r("divw"), 0x80000000, maxU64, 0xffffffff80000000, true},
		{"divw ignores upper", r("divw"), 0x100000006, 0xfffffffffffffffd, neg(-2), true},
		{"divw by zero", r("divw"), 5, 0, maxU64, true},
		{"divuw sign-extends", r("divuw"), 0xffffffff, 1, maxU64, true},
		{"divuw by zero", r("divuw"), 5, 0xffffffff00000000, maxU64, true},
		{"divuw", r("divuw"), 0x80000000, 2, 0x40000000, true},
		{"remw overflow", r("remw"), 0x80000000, maxU64, 0, true},
		{"remw by zero", r("remw"), 0x1fffffff9, 0, neg(-7), true},
		{"remw", r("remw"), 0x1fffffff9, 2, maxU64, true},
		{"remuw by zero", r("remuw"), 0x80000007, 0, 0xffffffff80000007, true},
		{"remuw", r("remuw"), 7, 2, 1, true},
		{"lui", encLUI(3, 0xfffff), 0, 0, 0xfffffffffffff000, true},
		{"lui sign-extends", encLUI(3, 0x80000), 0, 0, 0xffffffff80000000, true},
		{"auipc", encAUIPC(3, 0x12345), 0, 0, codeVA + 0x12345000, true},
		{"auipc negative", encAUIPC(3, 0xfffff), 0, 0, codeVA - PageSize, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := newTestMachine(t, tc.inst)
			m.cpu.X[1], m.cpu.X[2] = tc.a, tc.b
			want := m.cpu.X
			want[3] = tc.want
			m.run(1, 1, Trap{})
			if d := cmp.Diff(want, m.cpu.X); d != "" {
				t.Errorf("registers (-want +got):\n%s", d)
			}
			require.Equal(t, uint64(codeVA+4), m.cpu.PC)
		})
	}
}

// TestWritesToX0AreDiscarded: x0 stays 0 whatever writes it, and reads as 0
// even if the kernel left garbage in X[0].
func TestWritesToX0AreDiscarded(t *testing.T) {
	m := newTestMachine(t,
		encI("addi", 0, 0, 5),
		encLUI(0, 1),
		encI("ld", 0, 1, 0),
		encJAL(0, 4),
		encAMO("amoadd", true, 0, 1, 2),
		encR("add", 3, 0, 0),
	)
	m.cpu.X[0] = 99
	m.cpu.X[1], m.cpu.X[2] = dataVA, 7
	m.run(6, 6, Trap{})
	require.Zero(t, m.cpu.X[0])
	require.Zero(t, m.cpu.X[3])
	require.Equal(t, uint64(7), m.read64(dataVA), "the AMO still wrote memory")
}

func TestLoads(t *testing.T) {
	tests := []struct {
		name string
		op   string
		addr uint64 // x1; the instruction adds imm
		imm  int64
		want uint64
	}{
		{"lb sign-extends", "lb", dataVA, 0, 0xfffffffffffffff0},
		{"lbu", "lbu", dataVA, 0, 0xf0},
		{"lh sign-extends", "lh", dataVA, 0, 0xffffffffffffdef0},
		{"lhu", "lhu", dataVA, 0, 0xdef0},
		{"lw sign-extends", "lw", dataVA, 0, 0xffffffff9abcdef0},
		{"lwu", "lwu", dataVA, 0, 0x9abcdef0},
		{"ld", "ld", dataVA, 0, 0x923456789abcdef0},
		{"lw upper half", "lw", dataVA + 4, 0, 0xffffffff92345678},
		{"negative offset", "ld", dataVA + 8, -8, 0x923456789abcdef0},
		{"misaligned ld", "ld", dataVA, 1, 0x00923456789abcde},
		{"misaligned lw", "lw", dataVA, 3, 0x3456789a},
		{"misaligned lh", "lh", dataVA, 7, 0x92},
		{"straddling ld", "ld", dataVA + PageSize - 3, 0, 0x0807060504030201},
		{"straddling lwu", "lwu", dataVA + PageSize - 1, 0, 0x06050403},
		{"straddling lh", "lh", dataVA + PageSize - 1, 0, 0x0403},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// Twice: the first load misses the TLB (slow path), the second
			// hits it (the fast path in Run), unless it straddles pages.
			m := newTestMachine(t, encI(tc.op, 3, 1, tc.imm), encI(tc.op, 4, 1, tc.imm))
			m.write64(dataVA, 0x923456789abcdef0)
			// Bytes 01 02 03 | 04 05 06 07 08 across the data pages.
			copy(m.bytesAt(dataVA+PageSize-3), []byte{1, 2, 3})
			copy(m.bytesAt(dataVA+PageSize), []byte{4, 5, 6, 7, 8})
			m.cpu.X[1] = tc.addr
			m.run(2, 2, Trap{})
			require.Equal(t, tc.want, m.cpu.X[3], "%#x", m.cpu.X[3])
			require.Equal(t, tc.want, m.cpu.X[4], "%#x", m.cpu.X[4])
		})
	}
}

func TestMisalignedLoadValues(t *testing.T) {
	// The table above computes two of its values by hand; check them here
	// byte by byte so that a mistake there cannot hide a decoder bug.
	m := newTestMachine(t, encI("lw", 3, 1, 3), encI("lwu", 4, 2, 0), encI("lh", 5, 2, 0))
	copy(m.bytesAt(dataVA), []byte{0, 1, 2, 0x83, 0x84, 0x85, 0x86, 0x87})
	m.bytesAt(dataVA + PageSize - 1)[0] = 0xa1 // the rest in the next page
	copy(m.bytesAt(dataVA+PageSize), []byte{0xb2, 0xc3, 0xd4})
	m.cpu.X[1], m.cpu.X[2] = dataVA, dataVA+PageSize-1
	m.run(3, 3, Trap{})
	require.Equal(t, uint64(0xffffffff86858483), m.cpu.X[3])
	require.Equal(t, uint64(0xd4c3b2a1), m.cpu.X[4])
	require.Equal(t, uint64(0xffffffffffffb2a1), m.cpu.X[5])
}

func TestStores(t *testing.T) {
	tests := []struct {
		op   string
		addr uint64
		want []byte // the 10 bytes from dataVA+PageSize-5
	}{
		{"sb", dataVA + PageSize - 5, []byte{0x11, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa}},
		{"sh", dataVA + PageSize - 5, []byte{0x11, 0x22, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa}},
		{"sw", dataVA + PageSize - 5, []byte{0x11, 0x22, 0x33, 0x44, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa}},
		{"sd straddling", dataVA + PageSize - 5, []byte{0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0xaa, 0xaa}},
		{"sw straddling", dataVA + PageSize - 2, []byte{0xaa, 0xaa, 0xaa, 0x11, 0x22, 0x33, 0x44, 0xaa, 0xaa, 0xaa}},
		{"sh straddling", dataVA + PageSize - 1, []byte{0xaa, 0xaa, 0xaa, 0xaa, 0x11, 0x22, 0xaa, 0xaa, 0xaa, 0xaa}},
		{"sd misaligned", dataVA + PageSize - 4, []byte{0xaa, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0xaa}},
	}
	for _, tc := range tests {
		t.Run(tc.op, func(t *testing.T) {
			name := tc.op[:2]
			// The store runs twice (slow path, then the fast path when it
			// does not straddle); storing the same value twice changes
			// nothing the second time.
			m := newTestMachine(t, encS(name, 2, 1, 8), encS(name, 2, 1, 8))
			region := func() []byte {
				return append(append([]byte{}, m.bytesAt(dataVA+PageSize-5)...), m.bytesAt(dataVA + PageSize)[:5]...)
			}
			for i := range 5 {
				m.bytesAt(dataVA + PageSize - 5)[i] = 0xaa
				m.bytesAt(dataVA + PageSize)[i] = 0xaa
			}
			m.cpu.X[1], m.cpu.X[2] = tc.addr-8, 0x8877665544332211
			m.run(1, 1, Trap{})
			require.Equal(t, tc.want, region())
			m.run(1, 1, Trap{})
			require.Equal(t, tc.want, region())
		})
	}
}

func TestBranches(t *testing.T) {
	tests := []struct {
		op    string
		a, b  uint64
		taken bool
	}{
		{"beq", 5, 5, true}, {"beq", 5, 6, false},
		{"bne", 5, 6, true}, {"bne", 5, 5, false},
		{"blt", neg(-1), 1, true}, {"blt", 1, neg(-1), false}, {"blt", 1, 1, false},
		{"bge", 1, 1, true}, {"bge", neg(-1), 1, false}, {"bge", 1, neg(-1), true},
		{"bltu", 1, maxU64, true}, {"bltu", maxU64, 1, false},
		{"bgeu", maxU64, 1, true}, {"bgeu", 1, maxU64, false}, {"bgeu", 3, 3, true},
	}
	for _, tc := range tests {
		t.Run(tc.op, func(t *testing.T) {
			// The branch sits at codeVA+4 and jumps back by 4 or forward by 8.
			for _, off := range []int64{-4, 8} {
				m := newTestMachine(t, wordNOP, encB(tc.op, 1, 2, off))
				m.cpu.PC = codeVA + 4
				m.cpu.X[1], m.cpu.X[2] = tc.a, tc.b
				m.run(1, 1, Trap{})
				want := uint64(codeVA + 8)
				if tc.taken {
					want = uint64(int64(codeVA+4) + off)
				}
				require.Equal(t, want, m.cpu.PC, "offset %d", off)
			}
		})
	}
}

func TestJumps(t *testing.T) {
	t.Run("jal links and jumps", func(t *testing.T) {
		m := newTestMachine(t, encJAL(1, 8))
		m.run(1, 1, Trap{})
		require.Equal(t, uint64(codeVA+4), m.cpu.X[1])
		require.Equal(t, uint64(codeVA+8), m.cpu.PC)
	})
	t.Run("jalr clears bit 0 of the target", func(t *testing.T) {
		m := newTestMachine(t, encI("jalr", 1, 5, 2))
		m.cpu.X[5] = codeVA + 7
		m.run(1, 1, Trap{})
		require.Equal(t, uint64(codeVA+8), m.cpu.PC)
		require.Equal(t, uint64(codeVA+4), m.cpu.X[1])
	})
	t.Run("jalr with rd == rs1 uses the old rs1", func(t *testing.T) {
		m := newTestMachine(t, encI("jalr", 5, 5, -4))
		m.cpu.X[5] = codeVA + 16
		m.run(1, 1, Trap{})
		require.Equal(t, uint64(codeVA+12), m.cpu.PC)
		require.Equal(t, uint64(codeVA+4), m.cpu.X[5])
	})
	// With the C extension every target is 2-aligned: JAL and branch
	// offsets are multiples of 2 and JALR clears bit 0. A jump to pc+2 (the
	// middle of a 4-byte instruction) runs whatever parcel sits there.
	twoAligned := []struct {
		name   string
		inst   uint32
		target uint64
	}{
		{"jal", encJAL(1, 6), codeVA + 6},
		{"jalr", encI("jalr", 1, 5, 0), codeVA + 2},
		{"jalr odd", encI("jalr", 1, 5, 1), codeVA + 2},
		{"beq taken", encB("beq", 0, 0, 6), codeVA + 6},
		{"bne taken", encB("bne", 0, 5, 6), codeVA + 6},
		{"blt taken", encB("blt", 0, 5, 10), codeVA + 10},
		{"bge taken", encB("bge", 5, 0, 2), codeVA + 2},
		{"bltu taken", encB("bltu", 0, 5, -6), codeVA - 6},
		{"bgeu taken backwards", encB("bgeu", 0, 0, -2), codeVA - 2},
	}
	for _, tc := range twoAligned {
		t.Run("2-aligned "+tc.name, func(t *testing.T) {
			m := newTestMachine(t, tc.inst)
			m.cpu.X[5] = codeVA + 2
			m.run(1, 1, Trap{})
			require.Equal(t, tc.target, m.cpu.PC)
		})
	}
	t.Run("misaligned PC from the kernel", func(t *testing.T) {
		m := newTestMachine(t, wordNOP)
		m.cpu.PC = codeVA + 1
		m.run(5, 0, Trap{Cause: CauseFetchMisaligned, Value: codeVA + 1})
	})
}

func TestSystemAndFence(t *testing.T) {
	m := newTestMachine(t, wordFENCE, 0x8330000f /* fence.tso */, 0x0000100f /* fence.i */, wordECALL, wordEBREAK)
	m.run(10, 3, Trap{Cause: CauseEcall})
	require.Equal(t, uint64(codeVA+12), m.cpu.PC, "PC at the ecall")
	m.run(10, 0, Trap{Cause: CauseEcall})
	m.cpu.PC += 4 // the kernel's job
	m.run(10, 0, Trap{Cause: CauseBreakpoint})
	require.Equal(t, uint64(codeVA+16), m.cpu.PC)
}

func TestIllegalInstructions(t *testing.T) {
	words := []struct {
		name string
		w    uint32
	}{
		{"all zero", 0},
		{"all ones", 0xffffffff},
		{"csrrw", 0x34011073},
		{"csrrw cycle (read-only)", 0xc0051073},
		{"csrrs of an absent csr", 0x7c002573},
		{"mret", 0x30200073},
		{"wfi", 0x10500073},
		{"ecall with rd", 0x000000f3},
		{"flw funct3 4", 0x0000c007},
		{"fadd.q", 0x06b57553},
		{"fadd.d rm 5", 0x02b55553},
		{"fsqrt.d rs2 1", 0x5a157553},
		{"fcvt.s.d rs2 0", 0x40057553},
		{"fmin.s funct3 2", 0x28b52553},
		{"slli funct6 1", encI("slli", 3, 1, 1) | 1<<26},
		{"srai funct6 0x11", encI("srai", 3, 1, 1) | 1<<26},
		{"slliw shamt 32", encI("slliw", 3, 1, 32)},
		{"sraiw shamt 32", encI("sraiw", 3, 1, 32)},
		{"addw funct3 2", encR("addw", 3, 1, 2) | 2<<12},
		{"add funct7 2", encR("add", 3, 1, 2) | 2<<25},
		{"sub funct3 1", encR("sub", 3, 1, 2) | 1<<12},
		{"jalr funct3 1", encI("jalr", 1, 2, 0) | 1<<12},
		{"branch funct3 2", encB("beq", 1, 2, 8) | 2<<12},
		{"load funct3 7", encI("ld", 3, 1, 0) | 7<<12},
		{"store funct3 4", encS("sd", 2, 1, 0) | 4<<12},
		{"lr.w with rs2", encAMO("lr", false, 3, 1, 2)},
		{"amo funct3 4", encAMO("amoadd", false, 3, 1, 2)&^(7<<12) | 4<<12},
		{"amo funct5 5", 5<<27 | encAMO("amoadd", false, 3, 1, 2)},
		{"misc-mem funct3 2 (cbo)", 0x0020a00f},
		{"mulw funct3 1", encR("mulw", 3, 1, 2) | 1<<12},
		{"subw funct3 1", encR("subw", 3, 1, 2) | 1<<12},
	}
	for _, tc := range words {
		t.Run(tc.name, func(t *testing.T) {
			m := newTestMachine(t, wordNOP, tc.w)
			before := m.cpu.X
			m.run(10, 1, Trap{Cause: CauseIllegal, Value: uint64(tc.w)})
			require.Equal(t, uint64(codeVA+4), m.cpu.PC)
			require.Equal(t, before, m.cpu.X)
		})
	}
}

func TestAMOs(t *testing.T) {
	tests := []struct {
		name    string
		op      string
		wide    bool
		mem     uint64 // the doubleword at dataVA before
		src     uint64 // rs2
		wantRd  uint64
		wantMem uint64
	}{
		// .W: the upper word 0x5a5a5a5a must survive; rd is sign-extended.
		{"amoswap.w", "amoswap", false, 0x5a5a5a5a_80000000, 5, 0xffffffff80000000, 0x5a5a5a5a_00000005},
		{"amoadd.w", "amoadd", false, 0x5a5a5a5a_7fffffff, 1, 0x7fffffff, 0x5a5a5a5a_80000000},
		{"amoxor.w", "amoxor", false, 0x5a5a5a5a_0000ff00, 0x0ff0, 0xff00, 0x5a5a5a5a_0000f0f0},
		{"amoand.w", "amoand", false, 0x5a5a5a5a_0000ff00, 0x0ff0, 0xff00, 0x5a5a5a5a_00000f00},
		{"amoor.w", "amoor", false, 0x5a5a5a5a_0000ff00, 0x0ff0, 0xff00, 0x5a5a5a5a_0000fff0},
		{"amomin.w negative mem", "amomin", false, 0x5a5a5a5a_ffffffff, 1, maxU64, 0x5a5a5a5a_ffffffff},
		{"amomin.w negative src with upper junk", "amomin", false, 0x5a5a5a5a_00000005, 0x00000000_fffffffe, 5, 0x5a5a5a5a_fffffffe},
		{"amomax.w", "amomax", false, 0x5a5a5a5a_fffffffb, 3, neg(-5), 0x5a5a5a5a_00000003},
		{"amominu.w", "amominu", false, 0x5a5a5a5a_ffffffff, 1, maxU64, 0x5a5a5a5a_00000001},
		{"amomaxu.w", "amomaxu", false, 0x5a5a5a5a_00000001, 0x80000000, 1, 0x5a5a5a5a_80000000},
		{"amomaxu.w upper junk ignored", "amomaxu", false, 0x5a5a5a5a_80000000, 0xffffffff_00000001, 0xffffffff80000000, 0x5a5a5a5a_80000000},
		{"amoswap.d", "amoswap", true, 1, maxU64, 1, maxU64},
		{"amoadd.d wraps", "amoadd", true, maxU64, 2, maxU64, 1},
		{"amoxor.d", "amoxor", true, 0xff00, 0x0ff0, 0xff00, 0xf0f0},
		{"amoand.d", "amoand", true, 0xff00, 0x0ff0, 0xff00, 0x0f00},
		{"amoor.d", "amoor", true, 0xff00, 0x0ff0, 0xff00, 0xfff0},
		{"amomin.d", "amomin", true, maxU64, 1, maxU64, maxU64},
		{"amomax.d", "amomax", true, maxU64, 1, maxU64, 1},
		{"amomin.d min", "amomin", true, 1, minI64, 1, minI64},
		{"amominu.d", "amominu", true, maxU64, 1, maxU64, 1},
		{"amomaxu.d", "amomaxu", true, maxU64, 1, maxU64, maxU64},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := newTestMachine(t, encAMO(tc.op, tc.wide, 3, 1, 2))
			m.write64(dataVA, tc.mem)
			m.cpu.X[1], m.cpu.X[2] = dataVA, tc.src
			m.run(1, 1, Trap{})
			require.Equal(t, tc.wantRd, m.cpu.X[3], "rd %#x", m.cpu.X[3])
			require.Equal(t, tc.wantMem, m.read64(dataVA), "mem %#x", m.read64(dataVA))
		})
	}
	t.Run("rd == rs2", func(t *testing.T) {
		m := newTestMachine(t, encAMO("amoswap", true, 2, 1, 2))
		m.write64(dataVA, 11)
		m.cpu.X[1], m.cpu.X[2] = dataVA, 22
		m.run(1, 1, Trap{})
		require.Equal(t, uint64(11), m.cpu.X[2])
		require.Equal(t, uint64(22), m.read64(dataVA))
	})
}

func TestLRSC(t *testing.T) {
	lrD := encAMO("lr", true, 3, 1, 0)
	scD := encAMO("sc", true, 4, 1, 2)
	t.Run("lr then sc succeeds", func(t *testing.T) {
		m := newTestMachine(t, lrD, scD)
		m.write64(dataVA, 40)
		m.cpu.X[1], m.cpu.X[2] = dataVA, 41
		m.cpu.X[4] = 99
		m.run(2, 2, Trap{})
		require.Equal(t, uint64(40), m.cpu.X[3])
		require.Equal(t, uint64(0), m.cpu.X[4], "success writes 0")
		require.Equal(t, uint64(41), m.read64(dataVA))
	})
	t.Run("sc without lr fails", func(t *testing.T) {
		m := newTestMachine(t, scD)
		m.write64(dataVA, 40)
		m.cpu.X[1], m.cpu.X[2] = dataVA, 41
		m.run(1, 1, Trap{})
		require.Equal(t, uint64(1), m.cpu.X[4])
		require.Equal(t, uint64(40), m.read64(dataVA))
	})
	t.Run("sc of another size fails", func(t *testing.T) {
		m := newTestMachine(t, encAMO("lr", false, 3, 1, 0), scD)
		m.cpu.X[1], m.cpu.X[2] = dataVA, 41
		m.run(2, 2, Trap{})
		require.Equal(t, uint64(1), m.cpu.X[4])
		require.Equal(t, uint64(0), m.read64(dataVA))
	})
	t.Run("any sc clears the reservation", func(t *testing.T) {
		m := newTestMachine(t, lrD, encAMO("sc", true, 4, 5, 2), scD)
		m.cpu.X[1], m.cpu.X[2], m.cpu.X[5] = dataVA, 41, dataVA+8
		m.run(3, 3, Trap{})
		require.Equal(t, uint64(1), m.cpu.X[4], "second sc fails too")
		require.Equal(t, uint64(0), m.read64(dataVA))
		require.Equal(t, uint64(0), m.read64(dataVA+8))
	})
	t.Run("ClearReservation between LR and SC makes SC fail", func(t *testing.T) {
		m := newTestMachine(t, lrD, scD)
		m.cpu.X[1], m.cpu.X[2] = dataVA, 41
		m.run(1, 1, Trap{}) // preempted between LR and SC: a trap
		m.cpu.ClearReservation()
		m.run(1, 1, Trap{})
		require.Equal(t, uint64(1), m.cpu.X[4])
		require.Equal(t, uint64(0), m.read64(dataVA))
	})
	t.Run("single-stepping keeps the reservation", func(t *testing.T) {
		m := newTestMachine(t, lrD, scD)
		m.cpu.X[1], m.cpu.X[2] = dataVA, 41
		m.run(1, 1, Trap{}) // a budget of 1 is no trap
		m.run(1, 1, Trap{})
		require.Equal(t, uint64(0), m.cpu.X[4], "sc succeeds")
		require.Equal(t, uint64(41), m.read64(dataVA))
	})
	t.Run("reservation is physical: sc through an alias succeeds", func(t *testing.T) {
		m := newTestMachine(t, lrD, encAMO("sc", true, 4, 5, 2))
		pte, _ := m.pt.Lookup(dataVA)
		m.pt.Map(0x40000, MakePTE(pte.Frame(), PTERead|PTEWrite|PTEShare))
		m.cpu.X[1], m.cpu.X[2], m.cpu.X[5] = dataVA, 41, 0x40000
		m.run(2, 2, Trap{})
		require.Equal(t, uint64(0), m.cpu.X[4])
		require.Equal(t, uint64(41), m.read64(dataVA))
	})
	// What SC does after this hart changed or rewrote the reserved word
	// between LR and SC follows qemu-riscv64 (see CPU.atomic).
	t.Run("an amo that changes the word makes sc fail", func(t *testing.T) {
		m := newTestMachine(t, lrD, encAMO("amoadd", true, 6, 1, 7), scD)
		m.write64(dataVA, 40)
		m.cpu.X[1], m.cpu.X[2], m.cpu.X[7] = dataVA, 99, 1
		m.run(3, 3, Trap{})
		require.Equal(t, uint64(1), m.cpu.X[4], "sc fails")
		require.Equal(t, uint64(41), m.read64(dataVA))
	})
	t.Run("an amo that leaves the word as it was keeps sc succeeding", func(t *testing.T) {
		m := newTestMachine(t, lrD, encAMO("amoor", true, 6, 1, 0), scD)
		m.write64(dataVA, 40)
		m.cpu.X[1], m.cpu.X[2] = dataVA, 99
		m.run(3, 3, Trap{})
		require.Equal(t, uint64(0), m.cpu.X[4], "sc succeeds")
		require.Equal(t, uint64(99), m.read64(dataVA))
	})
	t.Run("a store of another value makes sc fail", func(t *testing.T) {
		m := newTestMachine(t, lrD, encS("sd", 7, 1, 0), scD)
		m.write64(dataVA, 40)
		m.cpu.X[1], m.cpu.X[2], m.cpu.X[7] = dataVA, 99, 5
		m.run(3, 3, Trap{})
		require.Equal(t, uint64(1), m.cpu.X[4], "sc fails")
		require.Equal(t, uint64(5), m.read64(dataVA))
	})
	t.Run("a store of the same value keeps sc succeeding", func(t *testing.T) {
		m := newTestMachine(t, lrD, encS("sd", 3, 1, 0), scD)
		m.write64(dataVA, 40)
		m.cpu.X[1], m.cpu.X[2] = dataVA, 99
		m.run(3, 3, Trap{})
		require.Equal(t, uint64(0), m.cpu.X[4], "sc succeeds")
		require.Equal(t, uint64(99), m.read64(dataVA))
	})
	t.Run("sc.w compares the sign-extended word", func(t *testing.T) {
		m := newTestMachine(t, encAMO("lr", false, 3, 1, 0), encS("sb", 7, 1, 4), encAMO("sc", false, 4, 1, 2))
		m.write64(dataVA, 0x5a5a5a5a_80000000)
		m.cpu.X[1], m.cpu.X[2], m.cpu.X[7] = dataVA, 7, 0x11 // the store hits the other half of the doubleword
		m.run(3, 3, Trap{})
		require.Equal(t, uint64(0), m.cpu.X[4], "sc succeeds: the reserved word is unchanged")
		require.Equal(t, uint64(0x5a5a5a11_00000007), m.read64(dataVA))
	})
	t.Run("lr.w sign-extends and sc.w writes a word", func(t *testing.T) {
		m := newTestMachine(t, encAMO("lr", false, 3, 1, 0), encAMO("sc", false, 4, 1, 2))
		m.write64(dataVA, 0x5a5a5a5a_80000000)
		m.cpu.X[1], m.cpu.X[2] = dataVA, 0xffffffff_00000007
		m.run(2, 2, Trap{})
		require.Equal(t, uint64(0xffffffff80000000), m.cpu.X[3])
		require.Equal(t, uint64(0), m.cpu.X[4])
		require.Equal(t, uint64(0x5a5a5a5a_00000007), m.read64(dataVA))
	})
}

// TestAtomicTraps: alignment and permission traps of LR, SC and AMOs, each
// precise (nothing written, PC at the instruction).
func TestAtomicTraps(t *testing.T) {
	const (
		roVA    = 0x30000 // read-only
		woVA    = 0x31000 // write-only
		cowVA   = 0x32000 // copy-on-write
		unmapVA = 0x33000
	)
	tests := []struct {
		name string
		inst uint32
		addr uint64
		want Cause
	}{
		{"lr.w misaligned", encAMO("lr", false, 3, 1, 0), dataVA + 2, CauseLoadMisaligned},
		{"lr.d misaligned", encAMO("lr", true, 3, 1, 0), dataVA + 4, CauseLoadMisaligned},
		{"sc.w misaligned", encAMO("sc", false, 3, 1, 2), dataVA + 1, CauseStoreMisaligned},
		{"amoadd.d misaligned", encAMO("amoadd", true, 3, 1, 2), dataVA + 4, CauseStoreMisaligned},
		{"amoswap.w misaligned", encAMO("amoswap", false, 3, 1, 2), dataVA + 6, CauseStoreMisaligned},
		{"lr unmapped", encAMO("lr", true, 3, 1, 0), unmapVA, CauseLoadFault},
		{"lr write-only", encAMO("lr", true, 3, 1, 0), woVA, CauseLoadFault},
		{"amo read-only", encAMO("amoadd", true, 3, 1, 2), roVA, CauseStoreFault},
		{"amo write-only", encAMO("amoor", false, 3, 1, 2), woVA, CauseStoreFault},
		{"amo unmapped", encAMO("amoor", false, 3, 1, 2), unmapVA, CauseStoreFault},
		{"amo cow", encAMO("amomax", true, 3, 1, 2), cowVA, CauseStoreFault},
		{"sc read-only", encAMO("sc", true, 3, 1, 2), roVA, CauseStoreFault},
		{"sc cow", encAMO("sc", false, 3, 1, 2), cowVA, CauseStoreFault},
		{"sc unmapped", encAMO("sc", true, 3, 1, 2), unmapVA, CauseStoreFault},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := newTestMachine(t, tc.inst)
			m.mapPage(roVA, PTERead)
			m.mapPage(woVA, PTEWrite)
			m.mapPage(cowVA, PTERead|PTECOW)
			m.cpu.X[1], m.cpu.X[2] = tc.addr, 5
			before := m.cpu.X
			m.run(1, 0, Trap{Cause: tc.want, Value: tc.addr})
			require.Equal(t, before, m.cpu.X)
			require.Equal(t, uint64(codeVA), m.cpu.PC)
			require.Equal(t, uint64(0), m.read64(dataVA))
		})
	}
}

func TestFaults(t *testing.T) {
	const roVA, xoVA, woVA = 0x30000, 0x31000, 0x32000
	tests := []struct {
		name string
		inst uint32
		addr uint64 // x1
		want Trap
	}{
		{"load unmapped", encI("ld", 1, 1, 0), 0x7000, Trap{CauseLoadFault, 0x7000}},
		{"load ≥ 1<<38", encI("lb", 1, 1, 0), 1 << 40, Trap{CauseLoadFault, 1 << 40}},
		{"load top of address space", encI("ld", 1, 1, 0), maxU64 - 3, Trap{CauseLoadFault, maxU64 - 3}},
		{"load write-only", encI("lw", 1, 1, 0), woVA, Trap{CauseLoadFault, woVA}},
		{"load exec-only", encI("lw", 1, 1, 0), xoVA, Trap{CauseLoadFault, xoVA}},
		{"load straddling into unmapped", encI("ld", 1, 1, 0), dataVA + 2*PageSize - 2, Trap{CauseLoadFault, dataVA + 2*PageSize}},
		{"load straddling from unmapped", encI("ld", 1, 1, 0), dataVA - 2, Trap{CauseLoadFault, dataVA - 2}},
		{"store read-only", encS("sd", 2, 1, 0), roVA, Trap{CauseStoreFault, roVA}},
		{"store exec", encS("sb", 2, 1, 0), codeVA, Trap{CauseStoreFault, codeVA}},
		{"store unmapped", encS("sw", 2, 1, -8), 0x7008, Trap{CauseStoreFault, 0x7000}},
		{"store straddling into read-only", encS("sd", 2, 1, 0), roVA - 4, Trap{CauseStoreFault, roVA}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := newTestMachine(t, wordNOP, tc.inst)
			m.mapPage(roVA, PTERead)
			m.mapPage(xoVA, PTEExec)
			m.mapPage(woVA, PTEWrite)
			m.mapPage(roVA-PageSize, PTERead|PTEWrite)
			m.cpu.X[1], m.cpu.X[2] = tc.addr, maxU64
			before := m.cpu.X
			m.run(5, 1, tc.want)
			require.Equal(t, before, m.cpu.X, "no register written")
			require.Equal(t, uint64(codeVA+4), m.cpu.PC, "PC at the faulting instruction")
			if tc.name == "store straddling into read-only" {
				require.Equal(t, uint64(0), m.read64(roVA-8), "no partial store")
			}
		})
	}
}

// TestEveryWidthFaults: each load and store width reports its fault with
// the address, from a TLB miss and from a straddle into an unmapped page.
func TestEveryWidthFaults(t *testing.T) {
	end := uint64(dataVA + 2*PageSize) // first unmapped byte after the data
	for _, op := range []string{"lb", "lh", "lw", "ld", "lbu", "lhu", "lwu"} {
		m := newTestMachine(t, encI(op, 3, 1, 0))
		m.cpu.X[1] = end
		m.run(1, 0, Trap{Cause: CauseLoadFault, Value: end})
		m.cpu.X[1] = end - 1
		if op != "lb" && op != "lbu" {
			m.run(1, 0, Trap{Cause: CauseLoadFault, Value: end})
		}
	}
	for _, op := range []string{"sb", "sh", "sw", "sd"} {
		m := newTestMachine(t, encS(op, 2, 1, 0))
		m.cpu.X[1] = end
		m.run(1, 0, Trap{Cause: CauseStoreFault, Value: end})
		m.cpu.X[1] = end - 1
		if op != "sb" {
			m.run(1, 0, Trap{Cause: CauseStoreFault, Value: end})
			require.Zero(t, m.bytesAt(end - 1)[0], "%s: no partial store", op)
		}
	}
}

func TestFetchFaults(t *testing.T) {
	t.Run("non-executable page", func(t *testing.T) {
		m := newTestMachine(t, wordNOP)
		m.cpu.PC = dataVA
		m.run(5, 0, Trap{Cause: CauseFetchFault, Value: dataVA})
	})
	t.Run("unmapped", func(t *testing.T) {
		m := newTestMachine(t, wordNOP)
		m.cpu.PC = 0x5000
		m.run(5, 0, Trap{Cause: CauseFetchFault, Value: 0x5000})
	})
	t.Run("jump to data", func(t *testing.T) {
		m := newTestMachine(t, encI("jalr", 1, 5, 0))
		m.cpu.X[5] = dataVA + 8
		m.run(5, 1, Trap{Cause: CauseFetchFault, Value: dataVA + 8})
		require.Equal(t, uint64(dataVA+8), m.cpu.PC)
		require.Equal(t, uint64(codeVA+4), m.cpu.X[1], "the jump retired")
	})
	t.Run("falling off the code into the next page", func(t *testing.T) {
		m := newTestMachine(t, encJAL(0, PageSize-4))
		m.loadCode(codeVA+PageSize-4, encI("addi", 5, 5, 1))
		m.run(5, 2, Trap{Cause: CauseFetchFault, Value: codeVA + PageSize})
		require.Equal(t, uint64(1), m.cpu.X[5])
	})
	t.Run("running across a page boundary", func(t *testing.T) {
		m := newTestMachine(t, encJAL(0, PageSize-4))
		m.mapPage(codeVA+PageSize, PTERead|PTEExec)
		m.loadCode(codeVA+PageSize-4, encI("addi", 5, 5, 1), encI("addi", 5, 5, 2), wordEBREAK)
		m.run(10, 3, Trap{Cause: CauseBreakpoint})
		require.Equal(t, uint64(3), m.cpu.X[5])
	})
}

// TestCOWStoreFault plays the kernel's part: on the store fault it copies
// the frame, maps the copy writable, and runs again; the store re-executes.
func TestCOWStoreFault(t *testing.T) {
	const cowVA = 0x30000
	m := newTestMachine(t, encI("ld", 3, 1, 0), encS("sd", 2, 1, 0), wordEBREAK)
	shared := m.mapPage(cowVA, PTERead|PTECOW)
	m.mem.Ref(shared) // a second owner, as after fork
	m.write64(cowVA, 7)
	m.cpu.X[1], m.cpu.X[2] = cowVA, 8

	m.run(10, 1, Trap{Cause: CauseStoreFault, Value: cowVA})
	require.Equal(t, uint64(codeVA+4), m.cpu.PC)
	require.Equal(t, uint64(7), m.cpu.X[3])

	copyFrame, ok := m.mem.Alloc()
	require.True(t, ok)
	copy(m.mem.Bytes(copyFrame), m.mem.Bytes(shared))
	m.pt.Map(cowVA, MakePTE(copyFrame, PTERead|PTEWrite))
	m.mem.Unref(shared)

	m.run(10, 1, Trap{Cause: CauseBreakpoint})
	require.Equal(t, uint64(8), m.read64(cowVA))
	require.Equal(t, uint64(7), uint64(m.mem.Bytes(shared)[0]), "the other owner's frame is untouched")
}

// TestSelfModifyingCode: a store over an instruction that has already been
// decoded must make the next fetch see the new instruction, whether the
// store comes through the same mapping, an alias, an AMO, or the kernel.
//
//	0:  addi x5, x0, 1    first pass x5 = 1, second pass the new instruction
//	4:  bne  x6, x0, +16  second pass: to 20
//	8:  <store x2 over 0(x1)>
//	12: addi x6, x0, 1
//	16: jal  x0, -16
//	20: ebreak
func TestSelfModifyingCode(t *testing.T) {
	newInst := encI("addi", 5, 0, 42)
	tests := []struct {
		name  string
		store uint32
		alias bool // store through a second, writable mapping of the code frame
	}{
		{"sw same page", encS("sw", 2, 1, 0), false},
		{"sd same page", encS("sd", 2, 1, 0), false},
		{"sh low half", encS("sh", 2, 1, 0), false},
		{"sb high byte", encS("sb", 2, 1, 0), false},
		{"sw through alias", encS("sw", 2, 1, 0), true},
		{"amoswap.w", encAMO("amoswap", false, 0, 1, 2), false},
		{"amoswap.d through alias", encAMO("amoswap", true, 0, 1, 2), true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code := []uint32{encI("addi", 5, 0, 1), encB("bne", 6, 0, 16), tc.store,
				encI("addi", 6, 0, 1), encJAL(0, -16), wordEBREAK}
			m := newTestMachine(t, code...)
			pte, _ := m.pt.Lookup(codeVA)
			m.cpu.X[1] = codeVA
			want := uint64(42)
			if tc.alias {
				m.pt.Map(0x50000, MakePTE(pte.Frame(), PTERead|PTEWrite|PTEShare))
				m.cpu.X[1] = 0x50000
			} else {
				m.pt.Map(codeVA, MakePTE(pte.Frame(), PTERead|PTEWrite|PTEExec))
			}
			// The upper word of the doubleword keeps bne's encoding.
			m.cpu.X[2] = uint64(code[1])<<32 | uint64(newInst)
			switch tc.name {
			case "sh low half":
				// addi x5,x0,1 and addi x5,x0,42 differ only in the high half.
				m.cpu.X[2] = uint64(newInst >> 16)
				m.cpu.X[1] += 2
			case "sb high byte":
				// Byte 3 holds imm[11:4]: storing 42's makes "addi x5, x0,
				// 33" (imm[3:0] stays 1).
				m.cpu.X[2] = uint64(newInst >> 24)
				m.cpu.X[1] += 3
				want = 33
			}
			m.run(100, 7, Trap{Cause: CauseBreakpoint})
			require.Equal(t, want, m.cpu.X[5])
		})
	}
	t.Run("an AMO that overwrites itself still writes its rd", func(t *testing.T) {
		amo := encAMO("amoswap", false, 5, 1, 2)
		m := newTestMachine(t, amo, wordEBREAK)
		m.pt.Map(codeVA, MakePTE(m.pt.Pages()[0].PTE.Frame(), PTERead|PTEWrite|PTEExec))
		m.cpu.X[1], m.cpu.X[2] = codeVA, wordNOP
		m.run(10, 1, Trap{Cause: CauseBreakpoint})
		require.Equal(t, sext32(uint64(amo)), m.cpu.X[5])
		require.Zero(t, m.cpu.X[0])
		m.cpu.PC = codeVA
		m.run(10, 1, Trap{Cause: CauseBreakpoint}) // now a nop
		require.Equal(t, sext32(uint64(amo)), m.cpu.X[5])
	})
	t.Run("kernel writes code between runs", func(t *testing.T) {
		m := newTestMachine(t, encI("addi", 5, 0, 1), wordEBREAK)
		m.run(10, 1, Trap{Cause: CauseBreakpoint})
		m.loadCode(codeVA, newInst) // Invalidate, as the kernel must
		m.cpu.PC = codeVA
		m.run(10, 1, Trap{Cause: CauseBreakpoint})
		require.Equal(t, uint64(42), m.cpu.X[5])
	})
}

// TestTLBFlush: the CPU notices a different page table and a changed one.
func TestTLBFlush(t *testing.T) {
	m := newTestMachine(t, encI("ld", 3, 1, 0), encS("sd", 2, 1, 8), wordEBREAK)
	m.write64(dataVA, 1)
	m.cpu.X[1], m.cpu.X[2] = dataVA, 5
	m.run(10, 2, Trap{Cause: CauseBreakpoint})
	require.Equal(t, uint64(1), m.cpu.X[3])

	// A second address space: same code frame, another data frame.
	pt2 := NewPageTable()
	code, _ := m.pt.Lookup(codeVA)
	pt2.Map(codeVA, code)
	f2, _ := m.mem.Alloc()
	pt2.Map(dataVA, MakePTE(f2, PTERead|PTEWrite))
	binary64(m.mem.Bytes(f2), 2)

	m.cpu.PT, m.cpu.PC = pt2, codeVA
	m.run(10, 2, Trap{Cause: CauseBreakpoint})
	require.Equal(t, uint64(2), m.cpu.X[3], "switched page table")

	// Back to the first table (unchanged generation): its own data again.
	m.cpu.PT, m.cpu.PC = m.pt, codeVA
	m.run(10, 2, Trap{Cause: CauseBreakpoint})
	require.Equal(t, uint64(1), m.cpu.X[3], "switched back")

	// Same table, new mapping: the generation moved.
	m.pt.Map(dataVA, MakePTE(f2, PTERead))
	m.cpu.PC = codeVA
	m.run(10, 1, Trap{Cause: CauseStoreFault, Value: dataVA + 8})
	require.Equal(t, uint64(2), m.cpu.X[3], "remapped page")

	// Unmapped: the load faults.
	m.pt.Unmap(dataVA)
	m.cpu.PC = codeVA
	m.run(10, 0, Trap{Cause: CauseLoadFault, Value: dataVA})

	// Code unmapped: the fetch faults even though it was decoded.
	m.pt.Unmap(codeVA)
	m.run(10, 0, Trap{Cause: CauseFetchFault, Value: codeVA})
}

func binary64(b []byte, v uint64) {
	for i := range 8 {
		b[i] = byte(v >> (8 * i))
	}
}

func TestBudget(t *testing.T) {
	// 0: addi x5, x5, 1; 4: jal x0, -4
	m := newTestMachine(t, encI("addi", 5, 5, 1), encJAL(0, -4))
	m.run(0, 0, Trap{})
	require.Equal(t, uint64(codeVA), m.cpu.PC)
	m.run(10, 10, Trap{})
	require.Equal(t, uint64(5), m.cpu.X[5])
	require.Equal(t, uint64(codeVA), m.cpu.PC)
	m.run(3, 3, Trap{})
	require.Equal(t, uint64(7), m.cpu.X[5])
	require.Equal(t, uint64(codeVA+4), m.cpu.PC)
	m.run(1_000_001, 1_000_001, Trap{})
	require.Equal(t, uint64(7+500_000), m.cpu.X[5])
}

func TestNoCodePageTable(t *testing.T) {
	c := NewCPU(NewPhysMem(4 * PageSize))
	n, tr := c.Run(10)
	require.Zero(t, n)
	require.Equal(t, Trap{Cause: CauseFetchFault, Value: 0}, tr)
}

func TestFetch(t *testing.T) {
	m := newTestMachine(t, wordNOP, wordECALL)
	tlb := m.cpu.tlb
	w, ok := m.cpu.Fetch(codeVA + 4)
	require.True(t, ok)
	require.Equal(t, uint32(wordECALL), w)
	for _, va := range []uint64{codeVA + 1, dataVA, 0x5000, 1 << 40} {
		_, ok := m.cpu.Fetch(va)
		require.False(t, ok, "%#x", va)
	}
	require.Equal(t, tlb, m.cpu.tlb, "Fetch has no side effects")
	require.Nil(t, m.mem.decoded[0], "nor decodes")
}

func TestNoAllocation(t *testing.T) {
	m := newTestMachine(t, computeLoop()...)
	m.cpu.X[10] = dataVA
	m.run(1000, 1000, Trap{}) // warm: decoded page built, TLB filled
	allocs := testing.AllocsPerRun(100, func() {
		m.cpu.Run(1000)
	})
	require.Zero(t, allocs)
}

// TestMulhAgainstBig checks the high-product helpers against math/big.
func TestMulhAgainstBig(t *testing.T) {
	vals := []int64{0, 1, 2, 3, -1, -2, -3, math.MinInt64, math.MaxInt64, math.MinInt64 + 1,
		0x123456789abcdef, -0x123456789abcdef, 1 << 32, 1<<32 - 1, -(1 << 32)}
	two64 := new(big.Int).Lsh(big.NewInt(1), 64)
	hi := func(p *big.Int) uint64 {
		q := new(big.Int).Rsh(p, 64) // floor division: the two's-complement high word
		return new(big.Int).Mod(q, two64).Uint64()
	}
	u := func(v int64) *big.Int { return new(big.Int).SetUint64(uint64(v)) }
	for _, a := range vals {
		for _, b := range vals {
			require.Equal(t, hi(new(big.Int).Mul(big.NewInt(a), big.NewInt(b))), mulh(a, b), "mulh %d %d", a, b)
			require.Equal(t, hi(new(big.Int).Mul(big.NewInt(a), u(b))), mulhsu(a, uint64(b)), "mulhsu %d %d", a, b)
		}
	}
}

func TestCauseString(t *testing.T) {
	require.Equal(t, "store fault", CauseStoreFault.String())
	require.Equal(t, "cause(200)", Cause(200).String())
	require.Equal(t, "load fault at 0x7000", Trap{CauseLoadFault, 0x7000}.String())
	require.Equal(t, "illegal instruction 0x00000000", Trap{CauseIllegal, 0}.String())
	require.Equal(t, "ecall", Trap{Cause: CauseEcall}.String())
}

// TestEncoderMatchesGNUAs pins the test encoder, and through it the decoder
// tests, to words that GNU as 2.x (riscv64-unknown-elf-as -march=rv64ima)
// produced for the same source lines.
func TestEncoderMatchesGNUAs(t *testing.T) {
	tests := []struct {
		src  string
		got  uint32
		want uint32
	}{
		{"add x3, x1, x2", encR("add", 3, 1, 2), 0x002081b3},
		{"sub x31, x30, x29", encR("sub", 31, 30, 29), 0x41df0fb3},
		{"sra x5, x6, x7", encR("sra", 5, 6, 7), 0x407352b3},
		{"mulhsu x10, x11, x12", encR("mulhsu", 10, 11, 12), 0x02c5a533},
		{"remuw x13, x14, x15", encR("remuw", 13, 14, 15), 0x02f776bb},
		{"addi x5, x6, -2048", encI("addi", 5, 6, -2048), 0x80030293},
		{"sltiu x1, x2, 2047", encI("sltiu", 1, 2, 2047), 0x7ff13093},
		{"srai x7, x8, 63", encI("srai", 7, 8, 63), 0x43f45393},
		{"slli x7, x8, 33", encI("slli", 7, 8, 33), 0x02141393},
		{"sraiw x9, x10, 31", encI("sraiw", 9, 10, 31), 0x41f5549b},
		{"lwu x11, -4(x12)", encI("lwu", 11, 12, -4), 0xffc66583},
		{"jalr x1, 12(x5)", encI("jalr", 1, 5, 12), 0x00c280e7},
		{"sd x20, -8(x2)", encS("sd", 20, 2, -8), 0xff413c23},
		{"sb x3, 2047(x4)", encS("sb", 3, 4, 2047), 0x7e320fa3},
		{"beq x1, x2, .-4096", encB("beq", 1, 2, -4096), 0x80208063},
		{"bgeu x3, x4, .+4086", encB("bgeu", 3, 4, 4086), 0x7e41fbe3},
		{"blt x5, x6, .+8", encB("blt", 5, 6, 8), 0x0062c463},
		{"jal x1, .-4104", encJAL(1, -4104), 0xff9fe0ef},
		{"lui x5, 0xfffff", encLUI(5, 0xfffff), 0xfffff2b7},
		{"auipc x6, 0x12345", encAUIPC(6, 0x12345), 0x12345317},
		{"lr.w x5, (x6)", encAMO("lr", false, 5, 6, 0), 0x100322af},
		{"sc.d x7, x8, (x9)", encAMO("sc", true, 7, 9, 8), 0x1884b3af},
		{"amomaxu.w x10, x11, (x12)", encAMO("amomaxu", false, 10, 12, 11), 0xe0b6252f},
		{"amoswap.d.aqrl x13, x14, (x15)", encAMO("amoswap", true, 13, 15, 14) | 3<<25, 0x0ee7b6af},
		{"amomin.d x1, x2, (x3)", encAMO("amomin", true, 1, 3, 2), 0x8021b0af},
		// One line per mnemonic, with assorted registers and immediates.
		{"add x1, x0, x0", encR("add", 1, 0, 0), 0x000000b3},
		{"sub x2, x7, x13", encR("sub", 2, 7, 13), 0x40d38133},
		{"sll x3, x14, x26", encR("sll", 3, 14, 26), 0x01a711b3},
		{"slt x4, x21, x7", encR("slt", 4, 21, 7), 0x007aa233},
		{"sltu x5, x28, x20", encR("sltu", 5, 28, 20), 0x014e32b3},
		{"xor x6, x3, x1", encR("xor", 6, 3, 1), 0x0011c333},
		{"srl x7, x10, x14", encR("srl", 7, 10, 14), 0x00e553b3},
		{"sra x8, x17, x27", encR("sra", 8, 17, 27), 0x41b8d433},
		{"or x9, x24, x8", encR("or", 9, 24, 8), 0x008c64b3},
		{"and x10, x31, x21", encR("and", 10, 31, 21), 0x015ff533},
		{"addw x11, x6, x2", encR("addw", 11, 6, 2), 0x002305bb},
		{"subw x12, x13, x15", encR("subw", 12, 13, 15), 0x40f6863b},
		{"sllw x13, x20, x28", encR("sllw", 13, 20, 28), 0x01ca16bb},
		{"srlw x14, x27, x9", encR("srlw", 14, 27, 9), 0x009dd73b},
		{"sraw x15, x2, x22", encR("sraw", 15, 2, 22), 0x416157bb},
		{"mul x16, x9, x3", encR("mul", 16, 9, 3), 0x02348833},
		{"mulh x17, x16, x16", encR("mulh", 17, 16, 16), 0x030818b3},
		{"mulhsu x18, x23, x29", encR("mulhsu", 18, 23, 29), 0x03dba933},
		{"mulhu x19, x30, x10", encR("mulhu", 19, 30, 10), 0x02af39b3},
		{"div x20, x5, x23", encR("div", 20, 5, 23), 0x0372ca33},
		{"divu x21, x12, x4", encR("divu", 21, 12, 4), 0x02465ab3},
		{"rem x22, x19, x17", encR("rem", 22, 19, 17), 0x0319eb33},
		{"remu x23, x26, x30", encR("remu", 23, 26, 30), 0x03ed7bb3},
		{"mulw x24, x1, x11", encR("mulw", 24, 1, 11), 0x02b08c3b},
		{"divw x25, x8, x24", encR("divw", 25, 8, 24), 0x03844cbb},
		{"divuw x26, x15, x5", encR("divuw", 26, 15, 5), 0x0257dd3b},
		{"remw x27, x22, x18", encR("remw", 27, 22, 18), 0x032b6dbb},
		{"remuw x28, x29, x31", encR("remuw", 28, 29, 31), 0x03fefe3b},
		{"addi x0, x3, -5", encI("addi", 0, 3, -5), 0xffb18013},
		{"slti x5, x14, -2048", encI("slti", 5, 14, -2048), 0x80072293},
		{"sltiu x10, x25, 2047", encI("sltiu", 10, 25, 2047), 0x7ffcb513},
		{"xori x15, x4, -1", encI("xori", 15, 4, -1), 0xfff24793},
		{"ori x20, x15, 1365", encI("ori", 20, 15, 1365), 0x5557ea13},
		{"andi x25, x26, -256", encI("andi", 25, 26, -256), 0xf00d7c93},
		{"slli x30, x5, 63", encI("slli", 30, 5, 63), 0x03f29f13},
		{"srli x3, x16, 1", encI("srli", 3, 16, 1), 0x00185193},
		{"srai x8, x27, 33", encI("srai", 8, 27, 33), 0x421dd413},
		{"addiw x13, x6, -1", encI("addiw", 13, 6, -1), 0xfff3069b},
		{"slliw x18, x17, 31", encI("slliw", 18, 17, 31), 0x01f8991b},
		{"srliw x23, x28, 7", encI("srliw", 23, 28, 7), 0x007e5b9b},
		{"sraiw x28, x7, 1", encI("sraiw", 28, 7, 1), 0x4013de1b},
		{"lb x1, -2048(x2)", encI("lb", 1, 2, -2048), 0x80010083},
		{"lh x4, 2047(x11)", encI("lh", 4, 11, 2047), 0x7ff59203},
		{"lw x7, -1(x20)", encI("lw", 7, 20, -1), 0xfffa2383},
		{"ld x10, 0(x29)", encI("ld", 10, 29, 0), 0x000eb503},
		{"lbu x13, 100(x6)", encI("lbu", 13, 6, 100), 0x06434683},
		{"lhu x16, -100(x15)", encI("lhu", 16, 15, -100), 0xf9c7d803},
		{"lwu x19, 8(x24)", encI("lwu", 19, 24, 8), 0x008c6983},
		{"jalr x22, -8(x1)", encI("jalr", 22, 1, -8), 0xff808b67},
		{"sb x4, -2048(x5)", encS("sb", 4, 5, -2048), 0x80428023},
		{"sh x7, 2047(x14)", encS("sh", 7, 14, 2047), 0x7e771fa3},
		{"sw x10, -33(x23)", encS("sw", 10, 23, -33), 0xfcabafa3},
		{"sd x13, 31(x0)", encS("sd", 13, 0, 31), 0x00d03fa3},
		{"lr.w x1, (x2)", encAMO("lr", false, 1, 2, 0), 0x100120af},
		{"sc.w x4, x10, (x7)", encAMO("sc", false, 4, 7, 10), 0x18a3a22f},
		{"amoswap.w x7, x17, (x12)", encAMO("amoswap", false, 7, 12, 17), 0x091623af},
		{"amoadd.w x10, x24, (x17)", encAMO("amoadd", false, 10, 17, 24), 0x0188a52f},
		{"amoxor.w x13, x31, (x22)", encAMO("amoxor", false, 13, 22, 31), 0x21fb26af},
		{"amoand.w x16, x6, (x27)", encAMO("amoand", false, 16, 27, 6), 0x606da82f},
		{"amoor.w x19, x13, (x0)", encAMO("amoor", false, 19, 0, 13), 0x40d029af},
		{"amomin.w x22, x20, (x5)", encAMO("amomin", false, 22, 5, 20), 0x8142ab2f},
		{"amomax.w x25, x27, (x10)", encAMO("amomax", false, 25, 10, 27), 0xa1b52caf},
		{"amominu.w x28, x2, (x15)", encAMO("amominu", false, 28, 15, 2), 0xc027ae2f},
		{"amomaxu.w x31, x9, (x20)", encAMO("amomaxu", false, 31, 20, 9), 0xe09a2faf},
		{"lr.d x1, (x2)", encAMO("lr", true, 1, 2, 0), 0x100130af},
		{"sc.d x4, x10, (x7)", encAMO("sc", true, 4, 7, 10), 0x18a3b22f},
		{"amoswap.d x7, x17, (x12)", encAMO("amoswap", true, 7, 12, 17), 0x091633af},
		{"amoadd.d x10, x24, (x17)", encAMO("amoadd", true, 10, 17, 24), 0x0188b52f},
		{"amoxor.d x13, x31, (x22)", encAMO("amoxor", true, 13, 22, 31), 0x21fb36af},
		{"amoand.d x16, x6, (x27)", encAMO("amoand", true, 16, 27, 6), 0x606db82f},
		{"amoor.d x19, x13, (x0)", encAMO("amoor", true, 19, 0, 13), 0x40d039af},
		{"amomin.d x22, x20, (x5)", encAMO("amomin", true, 22, 5, 20), 0x8142bb2f},
		{"amomax.d x25, x27, (x10)", encAMO("amomax", true, 25, 10, 27), 0xa1b53caf},
		{"amominu.d x28, x2, (x15)", encAMO("amominu", true, 28, 15, 2), 0xc027be2f},
		{"amomaxu.d x31, x9, (x20)", encAMO("amomaxu", true, 31, 20, 9), 0xe09a3faf},
	}
	for _, tc := range tests {
		require.Equal(t, tc.want, tc.got, "%s: %#08x", tc.src, tc.got)
	}
}

// TestDecodeGNUAsWords decodes words from GNU as and checks every field,
// independently of the test encoder. Fields an instruction does not use
// hold whatever bits sit there; only imm is computed.
func TestDecodeGNUAsWords(t *testing.T) {
	tests := []struct {
		src  string
		w    uint32
		want decodedInst
	}{
		{"addi x5, x6, -2048", 0x80030293, decodedInst{op: opADDI, rd: 5, rs1: 6, rs2: 0, imm: -2048}},
		{"srai x7, x8, 63", 0x43f45393, decodedInst{op: opSRAI, rd: 7, rs1: 8, rs2: 31, imm: 63}},
		{"sraiw x9, x10, 31", 0x41f5549b, decodedInst{op: opSRAIW, rd: 9, rs1: 10, rs2: 31, imm: 31}},
		{"sd x20, -8(x2)", 0xff413c23, decodedInst{op: opSD, rd: 24, rs1: 2, rs2: 20, imm: -8}},
		{"beq x1, x2, .-4096", 0x80208063, decodedInst{op: opBEQ, rd: sinkReg, rs1: 1, rs2: 2, imm: -4096}},
		{"bgeu x3, x4, .+4086", 0x7e41fbe3, decodedInst{op: opBGEU, rd: 23, rs1: 3, rs2: 4, imm: 4086}},
		{"jal x1, .-4104", 0xff9fe0ef, decodedInst{op: opJAL, rd: 1, rs1: 31, rs2: 25, imm: -4104}},
		{"lui x5, 0xfffff", 0xfffff2b7, decodedInst{op: opLUI, rd: 5, rs1: 31, rs2: 31, imm: -4096}},
		{"amoswap.d.aqrl x13, x14, (x15)", 0x0ee7b6af, decodedInst{op: opAMOSWAPD, rd: 13, rs1: 15, rs2: 14}},
		{"amomaxu.w x10, x11, (x12)", 0xe0b6252f, decodedInst{op: opAMOMAXUW, rd: 10, rs1: 12, rs2: 11}},
		{"fence", 0x0ff0000f, decodedInst{op: opFENCE, rd: sinkReg, rs1: 0, rs2: 31, imm: 0}},
		{"fence.i", 0x0000100f, decodedInst{op: opFENCE, rd: sinkReg}},
		{"ecall", 0x00000073, decodedInst{op: opECALL, rd: sinkReg}},
		{"ebreak", 0x00100073, decodedInst{op: opEBREAK, rd: sinkReg, rs2: 1}},
	}
	for _, tc := range tests {
		if d := cmp.Diff(tc.want, decode(tc.w), cmp.AllowUnexported(decodedInst{})); d != "" {
			t.Errorf("%s (%#08x): (-want +got)\n%s", tc.src, tc.w, d)
		}
	}
}

// TestTLBConflict: two pages whose numbers share a TLB slot evict each
// other and still read their own bytes.
func TestTLBConflict(t *testing.T) {
	const other = dataVA + tlbSize*PageSize // same slot as dataVA
	m := newTestMachine(t,
		encI("ld", 3, 1, 0), encI("ld", 4, 2, 0), encI("ld", 5, 1, 8), encS("sd", 4, 2, 8), encI("ld", 6, 2, 8))
	m.mapPage(other, PTERead|PTEWrite)
	m.write64(dataVA, 1)
	m.write64(dataVA+8, 2)
	m.write64(other, 3)
	m.cpu.X[1], m.cpu.X[2] = dataVA, other
	m.run(5, 5, Trap{})
	require.Equal(t, []uint64{1, 3, 2, 3}, []uint64{m.cpu.X[3], m.cpu.X[4], m.cpu.X[5], m.cpu.X[6]})
	require.Equal(t, uint64(2), m.read64(dataVA+8))
}

// TestStraddlingStoreIntoCode: a store that straddles two code pages
// forgets the decoded instructions it overwrites in both frames.
//
//	PageSize-4:  addi x5, x5, 1   second pass: addi x5, x5, 10
//	PageSize+0:  addi x6, x6, 1   second pass: addi x6, x6, 20
//	PageSize+4:  bne  x7, x0, +16
//	PageSize+8:  sd   x2, -4(x1)  x1 = codeVA+PageSize: rewrites both above
//	PageSize+12: addi x7, x7, 1
//	PageSize+16: jal  x0, -20
//	PageSize+20: ebreak
func TestStraddlingStoreIntoCode(t *testing.T) {
	m := newTestMachine(t)
	m.mapPage(codeVA+PageSize, PTERead|PTEWrite|PTEExec)
	pte, _ := m.pt.Lookup(codeVA)
	m.pt.Map(codeVA, MakePTE(pte.Frame(), PTERead|PTEWrite|PTEExec))
	m.loadCode(codeVA+PageSize-4,
		encI("addi", 5, 5, 1), encI("addi", 6, 6, 1), encB("bne", 7, 0, 16),
		encS("sd", 2, 1, -4), encI("addi", 7, 7, 1), encJAL(0, -20), wordEBREAK)
	m.cpu.PC = codeVA + PageSize - 4
	m.cpu.X[1] = codeVA + PageSize
	m.cpu.X[2] = uint64(encI("addi", 6, 6, 20))<<32 | uint64(encI("addi", 5, 5, 10))
	m.run(100, 9, Trap{Cause: CauseBreakpoint})
	require.Equal(t, uint64(1+10), m.cpu.X[5])
	require.Equal(t, uint64(1+20), m.cpu.X[6])
}

package hw

import (
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestExpandCompressedGNUAs checks the expansion of every RV64C form against
// GNU as: each parcel is what "riscv64-unknown-elf-as -march=rv64gc" made of
// the c.* source, and each word what it made of the expansion the spec
// gives (assembled alone, with .option norvc and -march=rv64g, so that
// relative targets match).
func TestExpandCompressedGNUAs(t *testing.T) {
	tests := []struct {
		src    string
		parcel uint16
		word   uint32
	}{
		{"c.addi4spn s0, sp, 4", 0x0040, 0x00410413},    // addi s0, sp, 4
		{"c.addi4spn a5, sp, 1020", 0x1ffc, 0x3fc10793}, // addi a5, sp, 1020
		{"c.fld fa0, 8(a1)", 0x2588, 0x0085b507},        // fld fa0, 8(a1)
		{"c.fld fs0, 248(a5)", 0x3fe0, 0x0f87b407},      // fld fs0, 248(a5)
		{"c.lw a0, 0(a1)", 0x4188, 0x0005a503},          // lw a0, 0(a1)
		{"c.lw s1, 124(a5)", 0x5fe4, 0x07c7a483},        // lw s1, 124(a5)
		{"c.lw a2, 4(s0)", 0x4050, 0x00442603},          // lw a2, 4(s0)
		{"c.ld a0, 8(a1)", 0x6588, 0x0085b503},          // ld a0, 8(a1)
		{"c.ld a5, 248(s0)", 0x7c7c, 0x0f843783},        // ld a5, 248(s0)
		{"c.fsd fa1, 16(a2)", 0xaa0c, 0x00b63827},       // fsd fa1, 16(a2)
		{"c.sw a0, 64(a1)", 0xc1a8, 0x04a5a023},         // sw a0, 64(a1)
		{"c.sw s0, 124(a5)", 0xdfe0, 0x0687ae23},        // sw s0, 124(a5)
		{"c.sd a3, 248(a4)", 0xff74, 0x0ed73c23},        // sd a3, 248(a4)
		{"c.nop", 0x0001, 0x00000013},                   // addi x0, x0, 0
		{"c.addi a0, 1", 0x0505, 0x00150513},            // addi a0, a0, 1
		{"c.addi sp, -32", 0x1101, 0xfe010113},          // addi sp, sp, -32
		{"c.addi t6, 31", 0x0ffd, 0x01ff8f93},           // addi t6, t6, 31
		{"c.addiw a0, -1", 0x357d, 0xfff5051b},          // addiw a0, a0, -1
		{"c.addiw s11, 31", 0x2dfd, 0x01fd8d9b},         // addiw s11, s11, 31
		{"c.li a0, 0", 0x4501, 0x00000513},              // addi a0, x0, 0
		{"c.li t0, -32", 0x5281, 0xfe000293},            // addi t0, x0, -32
		{"c.li ra, 31", 0x40fd, 0x01f00093},             // addi ra, x0, 31
		{"c.addi16sp sp, 16", 0x6141, 0x01010113},       // addi sp, sp, 16
		{"c.addi16sp sp, -512", 0x7101, 0xe0010113},     // addi sp, sp, -512
		{"c.addi16sp sp, 496", 0x617d, 0x1f010113},      // addi sp, sp, 496
		{"c.lui a0, 1", 0x6505, 0x00001537},             // lui a0, 1
		{"c.lui t6, 0x1f", 0x6ffd, 0x0001ffb7},          // lui t6, 0x1f
		{"c.lui s0, 0xfffe0", 0x7401, 0xfffe0437},       // lui s0, 0xfffe0
		{"c.lui a5, 0xfffff", 0x77fd, 0xfffff7b7},       // lui a5, 0xfffff
		{"c.srli a0, 1", 0x8105, 0x00155513},            // srli a0, a0, 1
		{"c.srli s1, 63", 0x90fd, 0x03f4d493},           // srli s1, s1, 63
		{"c.srli a5, 32", 0x9381, 0x0207d793},           // srli a5, a5, 32
		{"c.srai a0, 1", 0x8505, 0x40155513},            // srai a0, a0, 1
		{"c.srai s0, 63", 0x947d, 0x43f45413},           // srai s0, s0, 63
		{"c.andi a0, -1", 0x997d, 0xfff57513},           // andi a0, a0, -1
		{"c.andi a5, 31", 0x8bfd, 0x01f7f793},           // andi a5, a5, 31
		{"c.andi s1, -32", 0x9881, 0xfe04f493},          // andi s1, s1, -32
		{"c.sub a0, a1", 0x8d0d, 0x40b50533},            // sub a0, a0, a1
		{"c.xor s0, a5", 0x8c3d, 0x00f44433},            // xor s0, s0, a5
		{"c.or a2, a3", 0x8e55, 0x00d66633},             // or a2, a2, a3
		{"c.and a4, s1", 0x8f65, 0x00977733},            // and a4, a4, s1
		{"c.subw a0, a5", 0x9d1d, 0x40f5053b},           // subw a0, a0, a5
		{"c.addw s0, s1", 0x9c25, 0x0094043b},           // addw s0, s0, s1
		{"c.j .+2", 0xa009, 0x0020006f},                 // jal x0, .+2
		{"c.j .-2048", 0xb001, 0x801ff06f},              // jal x0, .-2048
		{"c.j .+2046", 0xaffd, 0x7fe0006f},              // jal x0, .+2046
		{"c.beqz a0, .+2", 0xc109, 0x00050163},          // beq a0, x0, .+2
		{"c.beqz s0, .-256", 0xd001, 0xf00400e3},        // beq s0, x0, .-256
		{"c.bnez a5, .+254", 0xeffd, 0x0e079f63},        // bne a5, x0, .+254
		{"c.slli a0, 1", 0x0506, 0x00151513},            // slli a0, a0, 1
		{"c.slli t6, 63", 0x1ffe, 0x03ff9f93},           // slli t6, t6, 63
		{"c.slli ra, 32", 0x1082, 0x02009093},           // slli ra, ra, 32
		{"c.fldsp fa0, 8(sp)", 0x2522, 0x00813507},      // fld fa0, 8(sp)
		{"c.fldsp ft0, 504(sp)", 0x307e, 0x1f813007},    // fld ft0, 504(sp)
		{"c.lwsp a0, 4(sp)", 0x4512, 0x00412503},        // lw a0, 4(sp)
		{"c.lwsp ra, 252(sp)", 0x50fe, 0x0fc12083},      // lw ra, 252(sp)
		{"c.ldsp a0, 8(sp)", 0x6522, 0x00813503},        // ld a0, 8(sp)
		{"c.ldsp t6, 504(sp)", 0x7ffe, 0x1f813f83},      // ld t6, 504(sp)
		{"c.jr ra", 0x8082, 0x00008067},                 // jalr x0, 0(ra)
		{"c.jr t6", 0x8f82, 0x000f8067},                 // jalr x0, 0(t6)
		{"c.mv a0, a1", 0x852e, 0x00b00533},             // add a0, x0, a1
		{"c.mv t6, ra", 0x8f86, 0x00100fb3},             // add t6, x0, ra
		{"c.ebreak", 0x9002, 0x00100073},                // ebreak
		{"c.jalr a0", 0x9502, 0x000500e7},               // jalr ra, 0(a0)
		{"c.jalr ra", 0x9082, 0x000080e7},               // jalr ra, 0(ra)
		{"c.add a0, a1", 0x952e, 0x00b50533},            // add a0, a0, a1
		{"c.add t6, t6", 0x9ffe, 0x01ff8fb3},            // add t6, t6, t6
		{"c.fsdsp fa0, 8(sp)", 0xa42a, 0x00a13427},      // fsd fa0, 8(sp)
		{"c.fsdsp ft11, 504(sp)", 0xbffe, 0x1ff13c27},   // fsd ft11, 504(sp)
		{"c.swsp a0, 4(sp)", 0xc22a, 0x00a12223},        // sw a0, 4(sp)
		{"c.swsp t6, 252(sp)", 0xdffe, 0x0ff12e23},      // sw t6, 252(sp)
		{"c.sdsp a0, 8(sp)", 0xe42a, 0x00a13423},        // sd a0, 8(sp)
		{"c.sdsp ra, 504(sp)", 0xff86, 0x1e113c23},      // sd ra, 504(sp)
	}
	for _, tc := range tests {
		w, ok := ExpandCompressed(tc.parcel)
		require.True(t, ok, tc.src)
		require.Equal(t, tc.word, w, "%s (%#04x): got %#08x", tc.src, tc.parcel, w)
	}
}

// TestCompressedReserved: the encodings the spec reserves, and words that
// are not compressed at all, do not expand; they trap as illegal with the
// parcel as the value.
func TestCompressedReserved(t *testing.T) {
	tests := []struct {
		name   string
		parcel uint16
	}{
		{"all zero (c.addi4spn nzuimm 0)", 0x0000},
		{"c.addi4spn a0, sp, 0", 0x0008},
		{"quadrant 0 funct3 100", 0x8000},
		{"c.addiw x0", 0x2001},
		{"c.addi16sp nzimm 0", 0x6101},
		{"c.lui a0, 0", 0x6501},
		{"c.lwsp x0", 0x4002},
		{"c.ldsp x0", 0x6002},
		{"c.jr x0", 0x8002},
		{"CA funct6 100111 funct2 10", 0x9c41},
		{"CA funct6 100111 funct2 11", 0x9c61},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := newTestMachine(t, wordNOP, uint32(tc.parcel)|uint32(wordNOP&0xffff)<<16)
			before := m.cpu.X
			m.run(10, 1, Trap{Cause: CauseIllegal, Value: uint64(tc.parcel)})
			require.Equal(t, uint64(codeVA+4), m.cpu.PC)
			require.Equal(t, before, m.cpu.X)
		})
	}
	_, ok := ExpandCompressed(0x0013)
	require.False(t, ok, "a 4-byte instruction's low parcel")
}

// TestCompressedHints: HINT encodings are legal and change nothing but pc.
func TestCompressedHints(t *testing.T) {
	for _, p := range []uint16{
		0x0005, // c.nop 1
		0x0501, // c.addi a0, 0
		0x4015, // c.li x0, 5
		0x6005, // c.lui x0, 1
		0x802e, // c.mv x0, a1
		0x902e, // c.add x0, a1
		0x0006, // c.slli x0, 1
		0x0502, // c.slli a0, 0
		0x8101, // c.srli s0, 0
	} {
		m := newTestMachine(t)
		m.loadParcels(codeVA, p)
		m.cpu.X[10], m.cpu.X[11], m.cpu.X[8] = 5, 7, 9
		before := m.cpu.X
		m.run(1, 1, Trap{})
		require.Equal(t, before, m.cpu.X, "%#04x", p)
		require.Equal(t, uint64(codeVA+2), m.cpu.PC, "%#04x", p)
	}
}

// TestCompressedFP runs C.FLD, C.FSD, C.FLDSP and C.FSDSP (GNU as's
// parcels: c.fld fa0,8(a1); c.fsd fa1,16(a2); c.fsdsp fa0,8(sp);
// c.fldsp fa0,8(sp)): they move doubles as FLD and FSD do, and step pc by 2.
func TestCompressedFP(t *testing.T) {
	m := newTestMachine(t)
	m.loadParcels(codeVA, 0x2588, 0xaa0c, 0xa42a, 0x2522, 0x9002)
	m.cpu.X[11], m.cpu.X[12], m.cpu.X[2] = dataVA, dataVA, dataVA+64
	binary.LittleEndian.PutUint64(m.bytesAt(dataVA+8), 0x400921fb54442d18) // pi
	m.cpu.F[11] = 0x4005bf0a8b145769                                       // e
	m.run(10, 4, Trap{Cause: CauseBreakpoint})
	require.Equal(t, uint64(0x400921fb54442d18), m.cpu.F[10], "c.fld, then c.fldsp of what c.fsdsp stored")
	require.Equal(t, uint64(0x4005bf0a8b145769), m.read64(dataVA+16), "c.fsd")
	require.Equal(t, uint64(0x400921fb54442d18), m.read64(dataVA+64+8), "c.fsdsp")
	require.Equal(t, uint64(codeVA+8), m.cpu.PC, "four 2-byte steps to the c.ebreak")
}

// loadParcels writes 16-bit parcels at va, as loadCode writes words.
func (m *testMachine) loadParcels(va uint64, parcels ...uint16) {
	for i, p := range parcels {
		a := va + uint64(2*i)
		binary.LittleEndian.PutUint16(m.bytesAt(a), p)
		pte, _ := m.pt.Lookup(a)
		m.mem.Invalidate(pte.Frame())
	}
}

// TestCompressedExecution runs every integer compressed form, mixed with
// 4-byte instructions at 2-aligned addresses, and checks registers, memory
// and pc steps. The parcels are GNU as's (riscv64-unknown-elf-as
// -march=rv64gc; listing by objdump -M no-aliases):
//
//	00 c.li a0,5       02 c.addi a0,3     04 c.addiw a0,-1   06 addi a1,zero,16
//	0a c.slli a1,2     0c c.mv s0,a1      0e c.srli s0,3     10 c.srai s0,1
//	12 c.andi s0,6     14 c.add a0,s0     16 c.mv s1,a0      18 c.sub s1,s0
//	1a c.xor s1,s0     1c c.or s1,s0      1e c.and s1,a0     20 c.addw s1,s0
//	22 c.subw s1,a0    24 c.lui a2,0x1    26 c.addi16sp sp,-32
//	28 c.addi4spn a3,sp,16                2a c.sdsp a0,8(sp) 2c c.swsp s1,4(sp)
//	2e c.ldsp a4,8(sp) 30 c.lwsp a5,4(sp) 32 c.sd a0,0(a3)   34 c.sw s1,8(a3)
//	36 c.ld s0,0(a3)   38 c.lw a1,8(a3)   3a c.beqz a4,3e    3c c.bnez a4,40
//	3e c.ebreak        40 c.beqz s0,3e    42 c.j 46          44 c.ebreak
//	46 auipc t0,0      4a c.addi t0,10    4c c.jalr t0       4e c.ebreak
//	50 c.nop           52 c.jr ra
func TestCompressedExecution(t *testing.T) {
	m := newTestMachine(t)
	m.loadParcels(codeVA,
		0x4515, 0x050d, 0x357d, 0x0593, 0x0100, 0x058a, 0x842e, 0x800d, 0x8405,
		0x8819, 0x9522, 0x84aa, 0x8c81, 0x8ca1, 0x8cc1, 0x8ce9, 0x9ca1, 0x9c89,
		0x6605, 0x713d, 0x0814, 0xe42a, 0xc226, 0x6722, 0x4792, 0xe288, 0xc684,
		0x6280, 0x468c, 0xc311, 0xe311, 0x9002, 0xdc7d, 0xa011, 0x9002,
		0x0297, 0x0000, 0x02a9, 0x9282, 0x9002, 0x0001, 0x8082)
	const sp = dataVA + 256
	m.cpu.X[2] = sp
	want := m.cpu.X
	want[10] = 11           // a0 = 5+3-1+4
	want[11] = neg(-4)      // a1: c.lw of s1, sign-extended
	want[8] = 11            // s0: c.ld of a0
	want[9] = neg(-4)       // s1 = ((11-4)^4|4)&11 + 4 - 11
	want[12] = 0x1000       // a2
	want[2] = sp - 32       // sp
	want[13] = sp - 16      // a3 = sp + 16
	want[14] = 11           // a4: c.ldsp
	want[15] = neg(-4)      // a5: c.lwsp
	want[5] = codeVA + 0x50 // t0
	want[1] = codeVA + 0x4e // ra: c.jalr links pc+2
	m.run(100, 37, Trap{Cause: CauseBreakpoint})
	require.Equal(t, want, m.cpu.X)
	require.Equal(t, uint64(codeVA+0x4e), m.cpu.PC, "at the c.ebreak that c.jr returned to")
	require.Equal(t, uint64(11), m.read64(sp-32+8))
	require.Equal(t, uint32(0xfffffffc), m.read32(sp-32+4))
	require.Equal(t, uint64(11), m.read64(sp-16))
	require.Equal(t, uint32(0xfffffffc), m.read32(sp-16+8))
}

// TestPageCrossingInstruction: a 4-byte instruction in the last parcel of a
// page is fetched from both pages, runs again correctly after the second
// page changes under it, and faults at the second page's address if that
// page may not be executed.
func TestPageCrossingInstruction(t *testing.T) {
	const last = codeVA + PageSize - 2
	m := newTestMachine(t)
	m.mapPage(codeVA+PageSize, PTERead|PTEExec)
	// codeVA+PageSize-4: c.li a0, 0; then addi a0, a0, 7 across the pages;
	// then c.addi a0, 1; c.ebreak.
	addi := encI("addi", 10, 10, 7)
	m.loadParcels(last-2, 0x4501, uint16(addi))
	m.loadParcels(codeVA+PageSize, uint16(addi>>16), 0x0505, 0x9002)
	m.cpu.PC = last - 2
	m.run(10, 3, Trap{Cause: CauseBreakpoint})
	require.Equal(t, uint64(8), m.cpu.X[10])
	require.Equal(t, uint64(codeVA+PageSize+4), m.cpu.PC)

	// The kernel rewrites the second page: addi a0, a0, 7 becomes
	// addi a0, a0, 0x207 (imm[11:4] lives in the upper parcel).
	m.loadParcels(codeVA+PageSize, uint16(encI("addi", 10, 10, 0x207)>>16))
	m.cpu.PC = last - 2
	m.run(10, 3, Trap{Cause: CauseBreakpoint})
	require.Equal(t, uint64(0x208), m.cpu.X[10])

	// A jump back within the first page from the crossing instruction
	// (jal x0, -2: to the c.li) goes back to the real decoded page.
	jal := encJAL(0, -2)
	m.loadParcels(last, uint16(jal))
	m.loadParcels(codeVA+PageSize, uint16(jal>>16))
	m.cpu.PC = last - 2
	m.run(5, 5, Trap{})
	require.Equal(t, uint64(last), m.cpu.PC, "after c.li, jal, c.li, jal, c.li")

	// Without execute permission on the second page the fetch faults there.
	m.loadParcels(last, uint16(addi))
	m.loadParcels(codeVA+PageSize, uint16(addi>>16))
	pte, _ := m.pt.Lookup(codeVA + PageSize)
	m.pt.Map(codeVA+PageSize, MakePTE(pte.Frame(), PTERead))
	m.cpu.PC = last - 2
	m.run(10, 1, Trap{Cause: CauseFetchFault, Value: codeVA + PageSize})
	require.Equal(t, uint64(last), m.cpu.PC)
}

// TestStoreRewritesCompressed: a store that rewrites a compressed
// instruction (or half of a 4-byte one) is seen by the next fetch, from the
// decoded cache as from memory: with the decoded slots of the parcels the
// store overlaps, and of a 4-byte instruction reaching into them, forgotten.
//
//	0: c.addi a0,1       second pass: c.addi a0,2
//	2: addi a1,a1,1      second pass: addi a1,a1,0x101 (both halves rewritten)
//	6: c.bnez a2,.+10    to the c.ebreak
//	8: c.sw a3,0(a4)     a4 = codeVA: rewrites the c.addi and the addi's lower half
//	a: c.sw a5,4(a4)     rewrites the addi's upper half (and the c.bnez, unchanged)
//	c: c.li a2,1
//	e: c.j .-14          to 0
//	10: c.ebreak
func TestStoreRewritesCompressed(t *testing.T) {
	m := newTestMachine(t)
	pte, _ := m.pt.Lookup(codeVA)
	m.pt.Map(codeVA, MakePTE(pte.Frame(), PTERead|PTEWrite|PTEExec))
	addi := encI("addi", 11, 11, 1)
	m.loadParcels(codeVA, 0x0505, uint16(addi), uint16(addi>>16), 0xe609, 0xc314, 0xc35c, 0x4605, 0xbfcd, 0x9002)
	// Parcels from GNU as; c.addi a0,2 is 0x0509.
	newAddi := encI("addi", 11, 11, 0x101)
	m.cpu.X[13] = uint64(uint16(newAddi))<<16 | 0x0509
	m.cpu.X[15] = 0xe609<<16 | uint64(newAddi>>16)
	m.cpu.X[14] = codeVA
	// Pass 1: c.addi, addi, c.bnez (not taken), c.sw, c.sw, c.li, c.j;
	// pass 2: c.addi a0,2, addi a1,0x101, c.bnez taken; then c.ebreak.
	m.run(100, 10, Trap{Cause: CauseBreakpoint})
	require.Equal(t, uint64(1+2), m.cpu.X[10])
	require.Equal(t, uint64(1+0x101), m.cpu.X[11])
	require.Equal(t, uint64(codeVA+0x10), m.cpu.PC)
}

// TestFetchCompressed: Fetch returns a compressed parcel alone and a 4-byte
// instruction whole, even across a page boundary.
func TestFetchCompressed(t *testing.T) {
	m := newTestMachine(t)
	m.mapPage(codeVA+PageSize, PTERead|PTEExec)
	addi := encI("addi", 10, 10, 7)
	m.loadParcels(codeVA+PageSize-4, 0x4501, uint16(addi))
	m.loadParcels(codeVA+PageSize, uint16(addi>>16))
	w, ok := m.cpu.Fetch(codeVA + PageSize - 4)
	require.True(t, ok)
	require.Equal(t, uint32(0x4501), w)
	w, ok = m.cpu.Fetch(codeVA + PageSize - 2)
	require.True(t, ok)
	require.Equal(t, addi, w)
}

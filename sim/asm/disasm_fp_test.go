package asm

import "testing"

// TestDisassembleFP compares with GNU objdump 2.40 (riscv64-unknown-elf,
// -march=rv64imafd_zicsr), operands joined by ", " as Disassemble does.
// One departure: objdump 2.40 prints csrrci as "csrrc".
func TestDisassembleFP(t *testing.T) {
	tests := []struct {
		word uint32
		want string
	}{
		{0x00302573, "frcsr a0"},
		{0x00359073, "fscsr a1"},
		{0x00359573, "fscsr a0, a1"},
		{0x00202673, "frrm a2"},
		{0x00269073, "fsrm a3"},
		{0x00215073, "fsrmi zero, 2"},
		{0x00102773, "frflags a4"},
		{0x00179073, "fsflags a5"},
		{0x00105073, "fsflagsi zero, 0"},
		{0xc0002573, "rdcycle a0"},
		{0xc01025f3, "rdtime a1"},
		{0xc0202673, "rdinstret a2"},
		{0x0035a573, "csrrs a0, fcsr, a1"},
		{0x00229073, "fsrm t0"},
		{0x0011d073, "fsflagsi zero, 3"},
		{0x0021d573, "fsrmi a0, 3"},
		{0x00152073, "csrs fflags, a0"},
		{0x0035b073, "csrc fcsr, a1"},
		{0x0010f573, "csrrci a0, fflags, 1"},
		{0x0032d073, "csrwi fcsr, 5"},      // objdump: "csrw fcsr,5"
		{0x0032d573, "csrrwi a0, fcsr, 5"}, // objdump: "csrrw a0,fcsr,5"
		{0x22b58553, "fmv.d fa0, fa1"},
		{0x20109053, "fneg.s ft0, ft1"},
		{0x2294a453, "fabs.d fs0, fs1"},
		{0xd2050553, "fcvt.d.w fa0, a0"},
		{0xd2150553, "fcvt.d.wu fa0, a0"},
		{0x42058553, "fcvt.d.s fa0, fa1"},
		{0xc2051553, "fcvt.w.d a0, fa0, rtz"},
		{0xc2057553, "fcvt.w.d a0, fa0"},
		{0x02c58553, "fadd.d fa0, fa1, fa2, rne"},
		{0xff812507, "flw fa0, -8(sp)"},
		{0x7fb53c27, "fsd fs11, 2040(a0)"},
		{0x1820c043, "fmadd.s ft0, ft1, ft2, ft3, rmm"},
		{0xfbeefe4f, "fnmadd.d ft8, ft9, ft10, ft11"},
		{0xe0050553, "fmv.x.w a0, fa0"},
		{0xf2050553, "fmv.d.x fa0, a0"},
		{0xe0079553, "fclass.s a0, fa5"},
		{0xa2b52553, "feq.d a0, fa0, fa1"},
		{0xc031b553, "fcvt.lu.s a0, ft3, rup"},
		{0xd0352053, "fcvt.s.lu ft0, a0, rdn"},
		{0x02b55553, "unknown 0x02b55553"}, // fadd.d with the reserved rm 5
		{0x06b57553, "unknown 0x06b57553"}, // fadd.q
	}
	for _, tc := range tests {
		if got := Disassemble(tc.word, 0x10000); got != tc.want {
			t.Errorf("%#08x: got %q, want %q", tc.word, got, tc.want)
		}
	}
}

package hw

import "testing"

// TestAccessOf decodes the memory access of a few instructions, 4-byte
// and compressed.
func TestAccessOf(t *testing.T) {
	for _, c := range []struct {
		name string
		inst uint32
		want MemAccess
		ok   bool
	}{
		{"lw a5, 0(s0)", 0x00042783, MemAccess{Kind: AccessLoad, Base: 8, Size: 4, Rd: 15}, true},
		{"sw a5, 8(s0)", 0x00f42423, MemAccess{Kind: AccessStore, Base: 8, Imm: 8, Size: 4, Src: 15}, true},
		{"sd ra, -8(sp)", 0xfe113c23, MemAccess{Kind: AccessStore, Base: 2, Imm: -8, Size: 8, Src: 1}, true},
		{"amoadd.w a0, a1, (a2)", 0x00b6252f, MemAccess{Kind: AccessAMO, Base: 12, Size: 4, Rd: 10, Src: 11}, true},
		{"lr.d a0, (a1)", 0x1005b52f, MemAccess{Kind: AccessLR, Base: 11, Size: 8, Rd: 10}, true},
		{"sc.w a3, a2, (a1)", 0x18c5a6af, MemAccess{Kind: AccessSC, Base: 11, Size: 4, Rd: 13, Src: 12}, true},
		{"c.lw a5, 0(a0)", 0x411c, MemAccess{Kind: AccessLoad, Base: 10, Size: 4, Rd: 15}, true},
		{"c.sdsp ra, 8(sp)", 0xe406, MemAccess{Kind: AccessStore, Base: 2, Imm: 8, Size: 8, Src: 1}, true},
		{"addi a0, a0, 1", 0x00150513, MemAccess{}, false},
	} {
		got, ok := AccessOf(c.inst)
		if ok != c.ok || got != c.want {
			t.Errorf("%s: AccessOf(%#x) = %+v, %v; want %+v, %v", c.name, c.inst, got, ok, c.want, c.ok)
		}
	}
}

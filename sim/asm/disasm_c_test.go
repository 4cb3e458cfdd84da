package asm

import "testing"

// TestDisassembleCompressed: every RV64C form reads as GNU
// objdump's default output shows it (riscv64-unknown-elf-objdump -d of
// "as -march=rv64gc"), in this disassembler's spacing and with its names
// (addi where newer objdump writes "add" for it): as the expanded
// instruction, with aliases. pc is the parcel's offset in objdump's object.
func TestDisassembleCompressed(t *testing.T) {
	tests := []struct {
		pc     uint64
		parcel uint32
		want   string
	}{
		{0x0, 0x0040, "addi s0, sp, 4"},
		{0x0, 0x2588, "fld fa0, 8(a1)"},  // c.fld
		{0x0, 0xaa0c, "fsd fa1, 16(a2)"}, // c.fsd
		{0x0, 0x2522, "fld fa0, 8(sp)"},  // c.fldsp
		{0x0, 0xa42a, "fsd fa0, 8(sp)"},  // c.fsdsp
		{0x2, 0x1ffc, "addi a5, sp, 1020"},
		{0x8, 0x4188, "lw a0, 0(a1)"},
		{0xa, 0x5fe4, "lw s1, 124(a5)"},
		{0xc, 0x4050, "lw a2, 4(s0)"},
		{0xe, 0x6588, "ld a0, 8(a1)"},
		{0x10, 0x7c7c, "ld a5, 248(s0)"},
		{0x14, 0xc1a8, "sw a0, 64(a1)"},
		{0x16, 0xdfe0, "sw s0, 124(a5)"},
		{0x18, 0xff74, "sd a3, 248(a4)"},
		{0x1a, 0x0001, "nop"},
		{0x1c, 0x0505, "addi a0, a0, 1"},
		{0x1e, 0x1101, "addi sp, sp, -32"},
		{0x20, 0x0ffd, "addi t6, t6, 31"},
		{0x22, 0x357d, "addiw a0, a0, -1"},
		{0x24, 0x2dfd, "addiw s11, s11, 31"},
		{0x26, 0x4501, "li a0, 0"},
		{0x28, 0x5281, "li t0, -32"},
		{0x2a, 0x40fd, "li ra, 31"},
		{0x2c, 0x6141, "addi sp, sp, 16"},
		{0x2e, 0x7101, "addi sp, sp, -512"},
		{0x30, 0x617d, "addi sp, sp, 496"},
		{0x32, 0x6505, "lui a0, 0x1"},
		{0x34, 0x6ffd, "lui t6, 0x1f"},
		{0x36, 0x7401, "lui s0, 0xfffe0"},
		{0x38, 0x77fd, "lui a5, 0xfffff"},
		{0x3a, 0x8105, "srli a0, a0, 0x1"},
		{0x3c, 0x90fd, "srli s1, s1, 0x3f"},
		{0x3e, 0x9381, "srli a5, a5, 0x20"},
		{0x40, 0x8505, "srai a0, a0, 0x1"},
		{0x42, 0x947d, "srai s0, s0, 0x3f"},
		{0x44, 0x997d, "andi a0, a0, -1"},
		{0x46, 0x8bfd, "andi a5, a5, 31"},
		{0x48, 0x9881, "andi s1, s1, -32"},
		{0x4a, 0x8d0d, "sub a0, a0, a1"},
		{0x4c, 0x8c3d, "xor s0, s0, a5"},
		{0x4e, 0x8e55, "or a2, a2, a3"},
		{0x50, 0x8f65, "and a4, a4, s1"},
		{0x52, 0x9d1d, "subw a0, a0, a5"},
		{0x54, 0x9c25, "addw s0, s0, s1"},
		{0x56, 0xa009, "j 0x58"},
		{0x58, 0xb001, "j 0xfffffffffffff858"},
		{0x5a, 0xaffd, "j 0x858"},
		{0x5c, 0xc109, "beqz a0, 0x5e"},
		{0x5e, 0xd001, "beqz s0, 0xffffffffffffff5e"},
		{0x60, 0xeffd, "bnez a5, 0x15e"},
		{0x62, 0x0506, "slli a0, a0, 0x1"},
		{0x64, 0x1ffe, "slli t6, t6, 0x3f"},
		{0x66, 0x1082, "slli ra, ra, 0x20"},
		{0x6c, 0x4512, "lw a0, 4(sp)"},
		{0x6e, 0x50fe, "lw ra, 252(sp)"},
		{0x70, 0x6522, "ld a0, 8(sp)"},
		{0x72, 0x7ffe, "ld t6, 504(sp)"},
		{0x74, 0x8082, "ret"},
		{0x76, 0x8f82, "jr t6"},
		{0x78, 0x852e, "mv a0, a1"},
		{0x7a, 0x8f86, "mv t6, ra"},
		{0x7c, 0x9002, "ebreak"},
		{0x7e, 0x9502, "jalr a0"},
		{0x80, 0x9082, "jalr ra"},
		{0x82, 0x952e, "add a0, a0, a1"},
		{0x84, 0x9ffe, "add t6, t6, t6"},
		{0x8a, 0xc22a, "sw a0, 4(sp)"},
		{0x8c, 0xdffe, "sw t6, 252(sp)"},
		{0x8e, 0xe42a, "sd a0, 8(sp)"},
		{0x90, 0xff86, "sd ra, 504(sp)"},
		{0x0, 0x0000, "unknown 0x00000000"},
		{0x0, 0x8002, "unknown 0x00008002"}, // c.jr zero, reserved
	}
	for _, tc := range tests {
		if got := Disassemble(tc.parcel, tc.pc); got != tc.want {
			t.Errorf("%#04x at %#x: got %q, want %q", tc.parcel, tc.pc, got, tc.want)
		}
	}
}

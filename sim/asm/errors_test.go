package asm

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
)

// errorCases are bad sources; testdata/asm/errors.golden holds the exact errors
// each gives (go test -update rewrites it; review the diff).
var errorCases = []struct {
	name string
	src  string
}{
	{"unknown instruction", "_start:\n  lod a0, 0(sp)\n"},
	{"bad register", "_start:\n  addi a9, a0, 1\n"},
	{"undefined symbol", "_start:\n  j loop\n"},
	{"missing _start", "main:\n  ret\n"},
	{"branch out of range", "_start:\n  beq a0, a1, far\n  .space 5000\nfar:\n  ret\n"},
	{"jump out of range", "_start:\n  j . + 0x200000\n"},
	{"immediate out of range", "_start:\n  addi a0, a0, 2048\n  slli a0, a0, 64\n  slliw a0, a0, 32\n  lui a0, 0x100000\n  sw a0, -2049(sp)\n"},
	{"several errors", "_start:\n  addi a0, a0\n  li t0, 1 +\n  mv a0, 5\n  foo: nop\nfoo: nop\n  .word undefined_thing\n"},
	{"predefined", "_start:\n  li a7, SYS_write\n  .equ SYS_write, 1\nSYS_write: nop\n"},
	{"li forward", "_start:\n  li a0, later\n  .equ later, 5\n"},
	{"li address", "_start:\n  li a0, _start\n"},
	{"bad directive", "_start:\n  .wat 1\n  .section .foo\n  .align 40\n  .balign 3\n  .space -1\n"},
	{"bss data", "_start: nop\n  .bss\n  .word 1\n  nop\n  .space 4, 1\n"},
	{"data range", "_start: nop\n  .data\n  .byte 256\n  .half -32769\n  .word 0x100000000\n"},
	{"strings", "_start: nop\n  .data\n  .ascii \"abc\n  .ascii \"\\q\"\n  .ascii 5\n"},
	{"comment", "_start: nop\n/* never closed\n"},
	{"expressions", "_start:\n  li a0, 1/0\n  li a1, (1 + 2\n  li a2, 1 +* 2\n  .equ x, x + 1\n  .word x\n"},
	{"local labels", "_start:\n  j 1b\n  j 2f\n"},
	{"pcrel_lo", "_start:\n  addi a0, a0, %pcrel_lo(_start)\n  addi a0, a0, %hi(_start)\n  lui a0, %lo(_start)\n  addi a0, a0, %foo(x)\n"},
	{"operands", "_start:\n  add a0, a1\n  add a0, a1, a2, a3\n  lw a0, 8(a9)\n  lw a0, 8(sp\n  amoadd.w a0, a1, a2\n  fence rw, x\n  jal\n"},
	{"characters", "_start:\n  nop @\n  li a0, 0x\n  li a0, 09\n  li a0, 99999999999999999999\n"},
	{"misaligned", "_start:\n  .byte 1\n  nop\n"},
	{"label twice", "_start:\n_start:\n  nop\n"},
	{"float operands", "_start:\n  fadd.s fa0, fa1, a2\n  fadd.s fa0, fa1, fa2, RNE\n  flw a0, 0(sp)\n  fmv.x.w fa0, fa0\n  fcvt.d.s fa0, fa1, rne\n  flw fa0, sym\n  fadd.d ft0, ft1, ft2,\n  fmadd.d f0, f1, f2\nsym: nop\n"},
	{"csr operands", "_start:\n  csrr a0, mstatus\n  csrr a0, 4096\n  csrwi fcsr, 32\n  csrrsi a0, fflags, a1\n  csrw fcsr, fa0\n  fsrm 3\n  csrr a0, later\n  .equ later, 1\n  csrr a0, -1\n"},
	{"compressed without rvc", "_start:\n  c.addi a0, 1\n  .option rvc\n  .option pop\n  c.jal _start\n"},
	{"compressed registers", "_start:\n  .option rvc\n  c.lw a0, 4(a6)\n  c.fld fa6, 0(a0)\n  c.addi4spn a0, a0, 4\n  c.mv a0, zero\n  c.jr zero\n  c.lui sp, 1\n  c.ldsp zero, 0(sp)\n  c.sub a0, t0\n"},
	{"compressed immediates", "_start:\n  .option rvc\n  c.lw a0, 2(a1)\n  c.addi a0, 32\n  c.addi16sp sp, 0\n  c.lui a0, 0\n  c.slli a0, 64\n  c.ldsp a0, 512(sp)\n  c.addi4spn a0, sp, 0\n  c.andi a0, x\n"},
	{"compressed branches", "_start:\n  .option rvc\n  c.beqz a0, far\n  c.j . + 2048\n  c.bnez a0, . + 1\n  .space 300\nfar:\n  ret\n"},
	{"floats", "_start: nop\n  .data\n  .float 1e39\n  .double 1e309\n  .float x\n  .double 0x10\n  .float 1.5 + 1\n  .float\n  .bss\n  .double 1\n"},
	{"address arithmetic", "_start:\n  .space _start * 2\n  .data\nd: .word 1\n  .equ diff, d - _start\n  li a0, diff\n"},
}

func TestErrors(t *testing.T) {
	var b strings.Builder
	for _, tc := range errorCases {
		fmt.Fprintf(&b, "== %s\n", tc.name)
		_, err := Assemble("prog.s", []byte(tc.src), Options{Predefined: map[string]int64{"SYS_write": 64}})
		require.Error(t, err, tc.name)
		list, ok := err.(ErrorList)
		require.True(t, ok, "%s: error is %T", tc.name, err)
		for i := 1; i < len(list); i++ {
			a, c := list[i-1].Pos, list[i].Pos
			require.True(t, a.Line < c.Line || a.Line == c.Line && a.Col <= c.Col, "%s: not sorted", tc.name)
		}
		b.WriteString(err.Error())
		b.WriteString("\n")
	}
	golden := "../../testdata/asm/errors.golden"
	if *update {
		require.NoError(t, os.WriteFile(golden, []byte(b.String()), 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err)
	if diff := cmp.Diff(string(want), b.String()); diff != "" {
		t.Errorf("errors differ from %s (-want +got):\n%s", golden, diff)
	}
}

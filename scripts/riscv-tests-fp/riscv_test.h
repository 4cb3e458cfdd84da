// riscv_test.h: the smallest test environment for the riscv-tests ISA
// programs (riscv-software-src/riscv-tests, isa/), as user programs of a
// Linux-like system: they start in user mode with the FPU on, and end with
// exit(2). A pass exits 0; a failure exits with the number of the failing
// test (TESTNUM, in gp), or 255 if that number is a multiple of 256.
// Used by scripts/riscv-tests-fp.sh; the tests themselves are not ours and
// stay outside this repository.
#ifndef IPCSIM_RISCV_TEST_H
#define IPCSIM_RISCV_TEST_H

#define TESTNUM gp

#define RVTEST_RV64U .macro init; .endm
#define RVTEST_RV64UF .macro init; .endm
#define RVTEST_RV32U RVTEST_RV64U
#define RVTEST_RV32UF RVTEST_RV64UF

#define RVTEST_CODE_BEGIN \
	.text; .globl _start; _start: init; j 1f; .align 2; 1:
#define RVTEST_CODE_END unimp

#define RVTEST_PASS \
	li a0, 0; li a7, 93; ecall
#define RVTEST_FAIL \
	andi a0, TESTNUM, 255; bnez a0, 1f; li a0, 255; 1: li a7, 93; ecall

#define EXTRA_DATA
#define RVTEST_DATA_BEGIN EXTRA_DATA .data; .align 4; .global begin_signature; begin_signature:
#define RVTEST_DATA_END .align 4; .global end_signature; end_signature:

#endif

#!/bin/sh
# riscv-tests.sh: build the ISA's own test programs (riscv-software-src/
# riscv-tests) as user programs and run each under ipcsim.
#
# Usage: scripts/riscv-tests.sh RISCV_TESTS_DIR [SUITE...]
#
# RISCV_TESTS_DIR is a checkout of riscv-tests (or a git directory of one: a
# bare mirror is read with git archive); those third-party sources are never
# copied into this repository. SUITEs default to rv64ui rv64um rv64ua rv64uc.
# rv64ui, rv64um and rv64ua are built twice, with and without the C
# extension (-march=rv64ima_zifencei and rv64imac_zifencei: with C, GNU as
# compresses what it can, so the same tests run on compressed code);
# rv64uc needs C.
#
# The tests' own environment (env/p/riscv_test.h, a submodule) is for bare
# machine mode; here a tiny one replaces it: the code starts at _start, and
# RVTEST_PASS / RVTEST_FAIL call exit(0) / exit(TESTNUM) (the failing test
# case's number) with an ecall. The ELF is linked with -N, so that .text is
# writable, as the tests that store into their code (rvc, fence_i) need,
# and with -mno-relax: the tests keep TESTNUM in gp, so the linker must not
# turn la into gp-relative addressing.
#
# Prints one line per test, "ok NAME" or "FAIL NAME: ...", then a summary.
# Exit status 1 if a test failed. Needs riscv64-unknown-elf-gcc.
set -eu
[ $# -ge 1 ] || { echo "usage: $0 RISCV_TESTS_DIR [SUITE...]" >&2; exit 2; }
src=$1
shift
suites=${*:-rv64ui rv64um rv64ua rv64uc}
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [ -d "$src/isa" ]; then
	cp -r "$src/isa" "$tmp/isa"
else
	git --git-dir="$src" archive HEAD isa | tar -x -C "$tmp"
fi
mkdir -p "$tmp/env"
cat >"$tmp/env/riscv_test.h" <<'H'
/* ipcsim's environment for riscv-tests: a Linux user program. */
#ifndef IPCSIM_RISCV_TEST_H
#define IPCSIM_RISCV_TEST_H
#define TESTNUM gp
#define RVTEST_RV64U .macro init; .endm
#define RVTEST_RV32U .macro init; .endm
#define RVTEST_CODE_BEGIN .text; .align 2; .globl _start; _start: init;
#define RVTEST_CODE_END unimp
#define RVTEST_PASS li a0, 0; li a7, 93; ecall
#define RVTEST_FAIL mv a0, TESTNUM; li a7, 93; ecall
#define RVTEST_DATA_BEGIN .align 4; .global begin_signature; begin_signature:
#define RVTEST_DATA_END .align 4; .global end_signature; end_signature:
#endif
H
go build -o "$tmp/ipcsim" ./cmd/ipcsim

pass=0
fail=0
run() { # name march file
	name=$1
	if ! riscv64-unknown-elf-gcc -march="$2" -mabi=lp64 -mno-relax -static -nostdlib -nostartfiles -Wl,-N \
		-I"$tmp/env" -I"$tmp/isa/macros/scalar" -o "$tmp/$name" "$3" 2>"$tmp/err"; then
		echo "FAIL $name: does not build: $(head -1 "$tmp/err")"
		fail=$((fail + 1))
		return
	fi
	if out=$("$tmp/ipcsim" exec "$tmp/$name" 2>&1); then
		echo "ok $name"
		pass=$((pass + 1))
	else
		echo "FAIL $name: exit $? (the failing case's TESTNUM): $(echo "$out" | tail -1)"
		fail=$((fail + 1))
	fi
}
for s in $suites; do
	for f in "$tmp"/isa/"$s"/*.S; do
		t=$(basename "$f" .S)
		case $s in
		rv64uc) run "$s-$t" rv64imac_zifencei "$f" ;;
		*)
			run "$s-$t" rv64ima_zifencei "$f"
			run "$s-$t-c" rv64imac_zifencei "$f"
			;;
		esac
	done
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

#!/usr/bin/env bash
# riscv-tests-fp.sh: build the ISA tests of the F and D extensions (rv64uf and
# rv64ud of riscv-software-src/riscv-tests) as static user programs and run
# each under ipcsim, which must exit 0 for a pass; any other status is the
# number of the failing test (see scripts/riscv-tests-fp/riscv_test.h, the
# tiny environment that replaces the suite's bare-metal env).
#
# The riscv-tests sources are not part of this repository: pass a checkout
# (or an unpacked archive) of them, or let the script clone it into a
# temporary folder. Usage:
#   scripts/riscv-tests-fp.sh [RISCV_TESTS_DIR] [SUITE...]
# SUITE defaults to "rv64uf rv64ud". With QEMU=1 the programs also run under
# qemu-riscv64, to check the environment itself. Needs riscv64-unknown-elf-gcc.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
src=${1:-}
shift || true
suites=("$@")
[ ${#suites[@]} -gt 0 ] || suites=(rv64uf rv64ud)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ -z "$src" ]; then
	git clone -q --depth 1 https://github.com/riscv-software-src/riscv-tests "$tmp/riscv-tests"
	src=$tmp/riscv-tests
fi
[ -d "$src/isa/macros/scalar" ] || { echo "$src: not a riscv-tests tree" >&2; exit 2; }

CC=riscv64-unknown-elf-gcc
CFLAGS=(-march=rv64g -mabi=lp64d -static -nostdlib -nostartfiles -mno-relax
	-Wl,--no-relax -Wl,--build-id=none -Wl,-T,"$root/testdata/linux/rt/link.ld"
	-I "$root/scripts/riscv-tests-fp" -I "$src/isa/macros/scalar")

(cd "$root" && go build -o "$tmp/ipcsim" ./cmd/ipcsim)

pass=0 fail=0 failed=()
for suite in "${suites[@]}"; do
	# The names between "SUITE_sc_tests = \" and the next blank line.
	tests=$(awk -v v="${suite}_sc_tests" '$1 == v { on = 1; next } on && NF == 0 { exit } on' \
		"$src/isa/$suite/Makefrag" | tr -d '\\')
	for t in $tests; do
		elf=$tmp/$suite-$t
		(cd "$src/isa/$suite" && $CC "${CFLAGS[@]}" -o "$elf" "$t.S")
		status=0
		(cd "$tmp" && "$tmp/ipcsim" exec "$elf" </dev/null >/dev/null 2>"$elf.err") || status=$?
		qstatus=
		if [ "${QEMU:-}" = 1 ]; then
			qstatus=0
			qemu-riscv64 "$elf" </dev/null >/dev/null 2>&1 || qstatus=$?
			qstatus=" (qemu-riscv64: $qstatus)"
		fi
		if [ "$status" = 0 ]; then
			pass=$((pass + 1))
			echo "PASS $suite-$t$qstatus"
		else
			fail=$((fail + 1))
			failed+=("$suite-$t")
			echo "FAIL $suite-$t: exit status $status (test number, or 128+signal)$qstatus"
			sed 's/^/    /' "$elf.err" | head -5
		fi
	done
done
echo "$pass passed, $fail failed${failed:+: ${failed[*]}}"
[ "$fail" = 0 ]

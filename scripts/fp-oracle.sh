#!/usr/bin/env bash
# fp-oracle.sh: record the floating-point differential test's expectations
# under qemu-riscv64, which implements IEEE 754 exactly, fflags included.
#
#   1. hw/testdata/fpdiff/gen writes a straight-line program of N random F and
#      D instructions (fpdiff.S, not kept) and the list of what each one ran
#      (fpdiff.ops);
#   2. it is assembled and linked (-march=rv64imafd -mabi=lp64d, the layout
#      of testdata/linux/rt/link.ld) into hw/testdata/fpdiff/fpdiff.elf;
#   3. qemu-riscv64 runs it; its stdout, 16 bytes per instruction (the
#      destination register, then fcsr), becomes fpdiff.qemu.
# TestFPAgainstQemu (hw/cpu_fp_test.go) runs fpdiff.elf on the CPU and
# compares. Running this again with the same N and seed rewrites the same
# bytes. Usage: scripts/fp-oracle.sh [N [SEED]]
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
dir=$root/hw/testdata/fpdiff
n=${1:-5000}
seed=${2:-17}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

(cd "$root" && go run ./hw/testdata/fpdiff/gen -n "$n" -seed "$seed" "$tmp")
riscv64-unknown-elf-gcc -march=rv64imafd -mabi=lp64d -static -nostdlib -nostartfiles \
	-Wl,--no-relax -Wl,--build-id=none -Wl,-T,"$root/testdata/linux/rt/link.ld" \
	-o "$tmp/fpdiff.elf" "$tmp/fpdiff.S"
riscv64-unknown-elf-strip "$tmp/fpdiff.elf"
qemu-riscv64 "$tmp/fpdiff.elf" > "$tmp/fpdiff.qemu"
[ "$(stat -c %s "$tmp/fpdiff.qemu")" = $((n * 16)) ] ||
	{ echo "fp-oracle: qemu-riscv64 wrote $(stat -c %s "$tmp/fpdiff.qemu") bytes, want $((n * 16))" >&2; exit 1; }
cp "$tmp/fpdiff.elf" "$tmp/fpdiff.qemu" "$tmp/fpdiff.ops" "$dir/"
echo "fp-oracle: $n instructions recorded in $dir"

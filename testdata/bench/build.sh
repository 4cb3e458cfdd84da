#!/usr/bin/env bash
# build.sh: rebuild the benchmark programs (bin/NAME from NAME.c) with the
# same flags and runtime as the Linux conformance programs. Needs
# riscv64-unknown-elf-gcc (scripts/linux-oracle.sh installs it).
set -euo pipefail
cd "$(dirname "$0")"
rt=../linux/rt
mkdir -p bin
for src in *.c; do
	name=${src%.c}
	riscv64-unknown-elf-gcc -march=rv64ima -mabi=lp64 -mcmodel=medany -O2 -static -nostdlib \
		-ffreestanding -fno-builtin -fno-tree-loop-distribute-patterns -fno-stack-protector \
		-fno-pic -Wall -Wno-unused-function -Wl,--no-relax -Wl,--build-id=none \
		-Wl,-T,$rt/link.ld -o "bin/$name" "$src" $rt/start.S
	riscv64-unknown-elf-strip "bin/$name"
done

#!/usr/bin/env bash
# build.sh: build minishell and looper into bin/, static RV64IMA ELFs with
# the conformance runtime of ../linux/rt and the flags of
# scripts/linux-oracle.sh (no C extension, no floating point, no libc).
# The binaries are committed, so the scenario job_shell.txtar runs without
# the cross compiler; run this after changing a .c file.
set -euo pipefail
cd "$(dirname "$0")"
CC=riscv64-unknown-elf-gcc
STRIP=riscv64-unknown-elf-strip
CFLAGS=(-march=rv64ima -mabi=lp64 -mcmodel=medany -O2 -static -nostdlib
	-ffreestanding -fno-builtin -fno-tree-loop-distribute-patterns
	-fno-stack-protector -fno-pic -Wall -Wno-unused-function
	-Wl,--no-relax -Wl,--build-id=none -Wl,-T,../linux/rt/link.ld -I ../linux -I .)
mkdir -p bin
for name in minishell looper; do
	$CC "${CFLAGS[@]}" -o "bin/$name" "$name.c" ../linux/rt/start.S
	$STRIP "bin/$name"
done

#!/usr/bin/env bash
# build.sh: build the five servers and the client of the scenarios
# server_iterative, server_fork, server_nonblock, server_select and
# server_epoll (testdata/scenarios/) into bin/, with the conformance
# programs' runtime (../linux/rt) and flags (see scripts/linux-oracle.sh):
# static RV64IMA ELFs, no libc, no compressed instructions. The binaries are
# committed; run this after editing a .c file and record the scenarios again
# (go run ./cmd/ipcsim test --update testdata/scenarios/server_*.txtar).
# run-linux.sh runs the same binaries under qemu-riscv64 on Linux.
set -euo pipefail
cd "$(dirname "$0")"
CC=riscv64-unknown-elf-gcc
CFLAGS=(-march=rv64ima -mabi=lp64 -mcmodel=medany -O2 -static -nostdlib
	-ffreestanding -fno-builtin -fno-tree-loop-distribute-patterns
	-fno-stack-protector -fno-pic -Wall -Wno-unused-function
	-Wl,--no-relax -Wl,--build-id=none -Wl,-T,../linux/rt/link.ld -I ../linux)
mkdir -p bin
for src in *.c; do
	name=${src%.c}
	$CC "${CFLAGS[@]}" -o "bin/$name" "$src" ../linux/rt/start.S
	riscv64-unknown-elf-strip "bin/$name"
done

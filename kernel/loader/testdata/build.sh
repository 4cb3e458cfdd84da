#!/bin/sh
# Rebuilds the ELF files in this directory from their sources.
# Needs Debian's gcc-riscv64-unknown-elf.
set -e
cd "$(dirname "$0")"
riscv64-unknown-elf-gcc -march=rv64ima -mabi=lp64 -nostdlib -static \
	-Wl,--build-id=none -o hello hello.s

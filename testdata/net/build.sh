#!/usr/bin/env bash
# build.sh: build the programs of the network scenarios (testdata/scenarios/
# net_*.txtar) into bin/: ordinary C against musl, static RV64GC ELFs, as
# scripts/libc-programs.sh builds its musl programs (run that script once
# first: it fetches Debian's riscv64 musl into $MUSL_ROOT). The binaries
# are committed; after editing a .c file run this and record the scenarios
# again (go run ./cmd/ipcsim test --update testdata/scenarios/net_*.txtar).
set -euo pipefail
cd "$(dirname "$0")"
CC=riscv64-linux-gnu-gcc
MUSL_ROOT=${MUSL_ROOT:-/var/tmp/ipcsim-musl-riscv64}
lib=$MUSL_ROOT/usr/lib/riscv64-linux-musl
inc=$MUSL_ROOT/usr/include/riscv64-linux-musl
if [ ! -f "$lib/libc.a" ]; then
	echo "no musl in $MUSL_ROOT: run scripts/libc-programs.sh first (it fetches it)" >&2
	exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p bin
for src in *.c; do
	name=${src%.c}
	$CC -O2 -Wall -Wextra -Wno-unused-result -fno-pie -nostdinc -isystem "$inc" \
		-isystem "$($CC -print-file-name=include)" -c -o "$tmp/$name.o" "$src"
	$CC -static -no-pie -s -Wl,--build-id=none -nostdlib -nostartfiles -o "bin/$name" \
		"$lib/crt1.o" "$lib/crti.o" "$($CC -print-file-name=crtbeginT.o)" "$tmp/$name.o" \
		"$lib/libc.a" "$($CC -print-libgcc-file-name)" "$lib/libc.a" \
		"$($CC -print-file-name=crtend.o)" "$lib/crtn.o"
done
ls -l bin

#!/usr/bin/env bash
# musl-build.sh DIR: build every DIR/*.c into DIR/bin/NAME, ordinary C
# against musl, as static RV64GC ELFs without a build id (stripped), the
# way scripts/libc-programs.sh builds its musl programs. Run that script
# once first: it fetches Debian's riscv64 musl into $MUSL_ROOT. Used by
# testdata/net/build.sh and testdata/threads/build.sh.
set -euo pipefail
dir=$(cd "$1" && pwd)
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
mkdir -p "$dir/bin"
for src in "$dir"/*.c; do
	name=$(basename "$src" .c)
	$CC -O2 -Wall -Wextra -Wno-unused-result -fno-pie -nostdinc -isystem "$inc" \
		-isystem "$($CC -print-file-name=include)" -c -o "$tmp/$name.o" "$src"
	# -s: Debian's ld 2.40 crashes on some of these links without it.
	$CC -static -no-pie -s -Wl,--build-id=none -nostdlib -nostartfiles -o "$dir/bin/$name" \
		"$lib/crt1.o" "$lib/crti.o" "$($CC -print-file-name=crtbeginT.o)" "$tmp/$name.o" \
		"$lib/libc.a" "$($CC -print-libgcc-file-name)" "$lib/libc.a" \
		"$($CC -print-file-name=crtend.o)" "$lib/crtn.o"
done
ls -l "$dir/bin"

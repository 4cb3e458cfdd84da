#!/bin/sh
# asm-oracle.sh: record what GNU as and ld make of testdata/asm/corpus.s, as the
# oracle for package ipcsim/sim/asm (see sim/asm/corpus_test.go).
#
# It assembles the corpus with GNU as exactly as sim/asm promises to behave
# (-march=rv64imafd_zicsr_zifencei -mabi=lp64 -mno-relax), links it at the addresses of
# sim/asm's layout (.text at 0x10000, .rodata and .data each on the next page,
# .bss right after .data), and writes testdata/asm/corpus.golden: for each
# section its address and size, then its bytes, one 4-byte word a line; words of
# .text are shown as instruction words with the source line they came from (from
# the DWARF line table, as -g records it), so a diff reads well.
#
# Needs binutils-riscv64-unknown-elf (Debian/Ubuntu). Usage: scripts/asm-oracle.sh
set -eu
cd "$(dirname "$0")/.."
P=riscv64-unknown-elf-
src=testdata/asm/corpus.s
out=testdata/asm/corpus.golden
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cp "$src" "$tmp/corpus.s"
(cd "$tmp" && ${P}as -march=rv64imafd_zicsr_zifencei -mabi=lp64 -mno-relax -g corpus.s -o corpus.o)
cat >"$tmp/link.ld" <<'LD'
ENTRY(_start)
SECTIONS
{
  . = 0x10000;
  .text : { *(.text) }
  . = ALIGN(0x1000);
  .rodata : { *(.rodata) }
  . = ALIGN(0x1000);
  .data : { *(.data) }
  .bss : { *(.bss) }
}
LD
${P}ld -static -nostdlib -N -T "$tmp/link.ld" "$tmp/corpus.o" -o "$tmp/corpus" 2>/dev/null
${P}objdump --dwarf=decodedline "$tmp/corpus" |
	awk '$1 == "corpus.s" && $3 ~ /^0x/ { print $3, $2 }' |
	while read -r a l; do printf '%d %s\n' "$a" "$l"; done >"$tmp/lines"

{
	echo "# Written by scripts/asm-oracle.sh from $(${P}as --version | head -1); do not edit."
	echo "# section NAME ADDRESS SIZE, then ADDRESS WORD per line; .text words as"
	echo "# instructions (little-endian value) with their source line, data as bytes in order."
	for sec in .text .rodata .data .bss; do
		# readelf -SW: [Nr] Name Type Address Off Size ...
		info=$(${P}readelf -SW "$tmp/corpus" | sed 's/\[ */[/' | awk -v s="$sec" '$2 == s { print $4, $6 }')
		[ -n "$info" ] || continue
		addr=$((0x$(echo "$info" | cut -d' ' -f1)))
		size=$((0x$(echo "$info" | cut -d' ' -f2)))
		printf 'section %s %#x %d\n' "$sec" "$addr" "$size"
		[ "$sec" = .bss ] && continue
		${P}objcopy -O binary -j "$sec" "$tmp/corpus" "$tmp/bytes"
		od -An -v -tx1 "$tmp/bytes" | tr -s ' \n' '\n\n' | grep . |
			awk -v base="$addr" -v sec="$sec" -v lines="$tmp/lines" -v src="$tmp/corpus.s" '
			BEGIN {
				n = 0
				while ((getline l < lines) > 0) { split(l, f, " "); la[n] = f[1] + 0; ln[n] = f[2]; n++ }
				i = 0
				while ((getline s < src) > 0) { i++; text[i] = s }
			}
			{ b[k++] = $1 }
			END {
				j = 0; cur = 0
				for (off = 0; off < k; off += 4) {
					a = base + off
					if (sec == ".text") {
						while (j < n && la[j] <= a) { cur = ln[j]; j++ }
						t = text[cur]; sub(/^[ \t]+/, "", t); gsub(/\t/, " ", t)
						printf "%#x %s%s%s%s  %d: %s\n", a, b[off+3], b[off+2], b[off+1], b[off], cur, t
					} else {
						w = ""
						for (q = off; q < off + 4 && q < k; q++) w = w b[q]
						printf "%#x %s\n", a, w
					}
				}
			}'
	done
} >"$out"
echo "wrote $out"

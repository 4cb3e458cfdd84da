#!/usr/bin/env bash
# linux-oracle.sh: rebuild the Linux conformance programs and re-record their
# behaviour on real Linux (qemu-riscv64 user mode on this host's kernel).
#
# What it does, in order:
#   1. installs the RISC-V cross compiler and qemu-user from Debian's packages
#      (apt-get) if riscv64-unknown-elf-gcc or qemu-riscv64 is missing;
#   2. builds every program listed in testdata/linux/programs.txt from
#      testdata/linux/NAME.c + rt/start.S into testdata/linux/bin/NAME: a static
#      RV64IMA ELF (no C extension, no F/D, no libc), and checks it with objdump
#      and readelf (ET_EXEC, no PT_INTERP, no compressed or floating-point
#      instruction); an fp_* program is RV64IMAFD with the double-float ABI
#      and may hold F/D instructions;
#   3. runs each program twice exactly as ipcsim's test does:
#        cd testdata/linux && env -i qemu-riscv64 bin/NAME ARGS < /dev/null
#      with only fds 0, 1, 2 open and RLIMIT_NOFILE 1024 (see clean_run);
#      recording stdout in NAME.out and the shell's exit status (128+N for a
#      death by signal N) in NAME.status; stderr (where qemu reports a guest
#      killed by a signal) is not recorded;
#   4. fails if the two runs differ, byte for byte (the recording must be
#      deterministic).
# The programs check nothing on which qemu-user 7.2 and the kernel disagree;
# those cases are listed in testdata/linux/README.md with the kernel's answer.
# It is idempotent: running it again rewrites the same files with the same bytes.
# Where qemu-user departs from the kernel, see testdata/linux/README.md.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
dir=$root/testdata/linux
CC=riscv64-unknown-elf-gcc
OBJDUMP=riscv64-unknown-elf-objdump
READELF=riscv64-unknown-elf-readelf
STRIP=riscv64-unknown-elf-strip
CFLAGS=(-mcmodel=medany -O2 -static -nostdlib
	-ffreestanding -fno-builtin -fno-tree-loop-distribute-patterns
	-fno-stack-protector -fno-pic -Wall -Wno-unused-function
	-Wl,--no-relax -Wl,--build-id=none -Wl,-T,rt/link.ld -I "$dir")

# 1. toolchain
if ! command -v $CC >/dev/null || ! command -v qemu-riscv64 >/dev/null; then
	apt-get update
	DEBIAN_FRONTEND=noninteractive apt-get install -y \
		gcc-riscv64-unknown-elf binutils-riscv64-unknown-elf qemu-user
fi

cd "$dir"
mkdir -p bin
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# 2. build and check
while read -r name args; do
	[ -z "$name" ] && continue
	case $name in \#*) continue ;; esac
	# fp_* programs are about the floating-point state: built for RV64IMAFD
	# with the double-float ABI, and allowed F/D instructions below.
	march=(-march=rv64ima -mabi=lp64)
	case $name in fp_*) march=(-march=rv64imafd -mabi=lp64d) ;; esac
	$CC "${CFLAGS[@]}" "${march[@]}" -o "bin/$name" "$name.c" rt/start.S
	$STRIP "bin/$name"
	$READELF -h "bin/$name" | grep -q 'Type: *EXEC' ||
		{ echo "$name: not ET_EXEC" >&2; exit 1; }
	if $READELF -l "bin/$name" | grep -q INTERP; then
		echo "$name: has PT_INTERP" >&2; exit 1
	fi
	# objdump -d prints each instruction's encoding; a 4-hex-digit encoding is a
	# compressed (16-bit) instruction. (sig_ill's all-zero illegal word shows
	# as two ".2byte 0x0": zero halfwords are allowed.) F/D instructions start
	# with f (fence excepted).
	if $OBJDUMP -d -M no-aliases "bin/$name" |
		awk -F'\t' '/^ *[0-9a-f]+:\t/ && $2 !~ /^0000 *$/ { gsub(/ /, "", $2); if (length($2) != 8) { print; bad = 1 } } END { exit !bad }'; then
		echo "$name: compressed instruction found" >&2; exit 1
	fi
	fpins='f[a-z.]+|'
	case $name in fp_*) fpins= ;; esac
	if $OBJDUMP -d "bin/$name" | grep -E $'\t('"$fpins"$'c\\.[a-z]+)\t' | grep -vE $'\tfence' ; then
		echo "$name: floating-point or compressed instruction found" >&2; exit 1
	fi
done < programs.txt

# 3. record, twice
# Each program starts as ipcsim starts it: fds 0, 1, 2 only (descriptors the
# caller of this script leaked are closed: the programs count on the lowest
# free fd being 3) and RLIMIT_NOFILE 1024 (EMFILE, poll's nfds limit).
. "$root/scripts/clean-run.sh" # clean_run CMD...: fds > 2 closed, ulimit -n 1024
# A program that execve(2)s another program of the set (bin/NAME is a RISC-V
# ELF) needs binfmt_misc to hand RISC-V ELFs to qemu-riscv64; qemu-user itself
# passes execve to the host kernel, which says ENOEXEC otherwise. Debian's
# qemu-user-binfmt registers it on an ordinary host. If no entry is visible, the
# run happens in a private mount namespace (unshare -m) that mounts binfmt_misc,
# registers Debian's entry (P: argv[0] preserved) for the length of that run
# only and removes it afterwards.
binfmt_entry=':qemu-riscv64:M::\x7f\x45\x4c\x46\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xf3\x00:\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff:/usr/libexec/qemu-binfmt/riscv64-binfmt-P:P'
run_qemu() { # NAME ARGS...
	local n=$1; shift
	if grep -q sys_execve "$n.c" && [ ! -e /proc/sys/fs/binfmt_misc/qemu-riscv64 ]; then
		unshare -m bash -c '
			b=/proc/sys/fs/binfmt_misc
			mount -t binfmt_misc binfmt_misc $b || exit 125
			mine=
			if [ ! -e $b/qemu-riscv64 ]; then
				printf "%s" "$1" > $b/register || exit 125
				mine=1
			fi
			shift
			rc=0
			env -i qemu-riscv64 "$@" || rc=$?
			[ -z "$mine" ] || echo -1 > $b/qemu-riscv64
			exit $rc' binfmt "$binfmt_entry" "bin/$n" "$@"
	else
		env -i qemu-riscv64 "bin/$n" "$@"
	fi
}
record() { # NAME ARGS... -> $tmp/NAME.out.N, $tmp/NAME.status.N
	local n=$1 run=$2; shift 2
	local rc=0
	( clean_run run_qemu "$n" "$@" ) < /dev/null > "$tmp/$n.out.$run" 2> "$tmp/$n.err.$run" || rc=$?
	echo "$rc" > "$tmp/$n.status.$run"
}
fail=0
while read -r name args; do
	[ -z "$name" ] && continue
	case $name in \#*) continue ;; esac
	# shellcheck disable=SC2086 # ARGS are split on spaces on purpose
	record "$name" 1 $args
	# shellcheck disable=SC2086
	record "$name" 2 $args
	# 4. determinism
	if ! cmp -s "$tmp/$name.out.1" "$tmp/$name.out.2" ||
		! cmp -s "$tmp/$name.status.1" "$tmp/$name.status.2"; then
		echo "$name: two runs differ:" >&2
		diff "$tmp/$name.out.1" "$tmp/$name.out.2" >&2 || true
		diff "$tmp/$name.status.1" "$tmp/$name.status.2" >&2 || true
		fail=1
		continue
	fi
	cp "$tmp/$name.out.1" "$name.out"
	cp "$tmp/$name.status.1" "$name.status"
	# 5. where qemu-user departs from the kernel, the kernel's line replaces
	# qemu's (kernel-fixups.txt: NAME|qemu line|kernel line; # comments).
	if [ -f kernel-fixups.txt ]; then
		while IFS='|' read -r fname qline kline; do
			case $fname in ''|\#*) continue ;; esac
			[ "$fname" = "$name" ] || continue
			if ! grep -qxF -- "$qline" "$name.out"; then
				echo "$name: kernel fixup: qemu line not found (qemu changed? look again): $qline" >&2
				fail=1
				continue
			fi
			awk -v q="$qline" -v k="$kline" '$0 == q { print k; next } { print }' "$name.out" > "$tmp/fix" &&
				cp "$tmp/fix" "$name.out"
		done < kernel-fixups.txt
	fi
	printf '%-16s status %s, %s bytes\n' "$name" "$(cat "$name.status")" "$(wc -c < "$name.out")"
done < programs.txt
exit $fail

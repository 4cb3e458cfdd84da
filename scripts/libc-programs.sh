#!/usr/bin/env bash
# libc-programs.sh: build the ordinary C programs of testdata/libc twice,
# against glibc and against musl, as static RV64GC ELFs, and record what
# they print on real Linux (qemu-riscv64 user mode on this host's kernel).
#
# What it does, in order:
#   1. installs Debian's riscv64 cross compiler (gcc-riscv64-linux-gnu, with
#      glibc's libc6-dev-riscv64-cross) and qemu-user if they are missing;
#   2. fetches musl for riscv64 unless $MUSL_ROOT already holds it. Debian 12
#      has no riscv64 port, so the musl and musl-dev packages come from
#      Debian 13 "trixie", where riscv64 is an official architecture: the
#      script adds the riscv64 architecture and its own sources file
#      (/etc/apt/sources.list.d/ipcsim-riscv64.list, on the mirror that
#      debian.sources already uses), downloads the two .debs with
#      `apt-get download`, and removes the file and the architecture again
#      (also when it fails: a trap); debian.sources is never edited. The
#      packages are unpacked with dpkg-deb -x into $MUSL_ROOT;
#   3. builds every program of testdata/libc/programs.txt from NAME.c into
#      bin/NAME.glibc (riscv64-linux-gnu-gcc -static -O2) and bin/NAME.musl
#      (or only those a line names after the program: "NAME glibc")
#      (the same compiler with musl's headers, crt1.o crti.o crtn.o and
#      libc.a, and the cross gcc's crtbeginT.o, crtend.o and libgcc.a),
#      stripped, without a build id, and checks each is a static ET_EXEC;
#   4. runs each binary twice exactly as ipcsim's test does (a program that
#      calls execve runs with binfmt_misc set up for qemu-riscv64, below):
#        cd testdata/libc && env -i qemu-riscv64 bin/NAME.LIBC < /dev/null > file
#      with only fds 0, 1, 2 open and RLIMIT_NOFILE 1024, recording stdout
#      in NAME.LIBC.out and the shell's exit status in NAME.LIBC.status, and
#      fails if the two runs differ.
# It is idempotent: a second run rewrites the same files with the same bytes.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
dir=$root/testdata/libc
CC=riscv64-linux-gnu-gcc
READELF=riscv64-linux-gnu-readelf
MUSL_ROOT=${MUSL_ROOT:-/var/tmp/ipcsim-musl-riscv64}
MUSL_VERSION=1.2.5-3.1~deb13u1 # what the recordings were made with
CFLAGS=(-O2 -Wall -Wextra -Wno-unused-result -fno-pie)
LDFLAGS=(-static -no-pie -s -Wl,--build-id=none)

# 1. toolchain
if ! command -v $CC >/dev/null || ! command -v qemu-riscv64 >/dev/null; then
	apt-get update
	DEBIAN_FRONTEND=noninteractive apt-get install -y \
		gcc-riscv64-linux-gnu libc6-dev-riscv64-cross qemu-user
fi

# 2. musl for riscv64, from Debian 13
musl_lib=$MUSL_ROOT/usr/lib/riscv64-linux-musl
musl_inc=$MUSL_ROOT/usr/include/riscv64-linux-musl
if [ ! -f "$musl_lib/libc.a" ] || [ ! -f "$musl_inc/stdio.h" ]; then
	list=/etc/apt/sources.list.d/ipcsim-riscv64.list
	mirror=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
	mirror=${mirror:-http://deb.debian.org/debian}
	had_arch=
	dpkg --print-foreign-architectures | grep -qx riscv64 && had_arch=1
	dl=$(mktemp -d)
	chmod 755 "$dl" # apt-get download fetches as _apt
	cleanup_apt() {
		rm -f "$list"
		[ -n "$had_arch" ] || dpkg --remove-architecture riscv64 || true
		apt-get update >/dev/null || true
		rm -rf "$dl"
	}
	trap cleanup_apt EXIT
	[ -n "$had_arch" ] || dpkg --add-architecture riscv64
	echo "deb [arch=riscv64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror trixie main" > "$list"
	apt-get update >/dev/null
	(cd "$dl" && apt-get download musl-dev:riscv64 musl:riscv64)
	mkdir -p "$MUSL_ROOT"
	for deb in "$dl"/*.deb; do
		dpkg-deb -x "$deb" "$MUSL_ROOT"
	done
	cleanup_apt
	trap - EXIT
fi
have=$(zcat "$MUSL_ROOT/usr/share/doc/musl-dev/changelog.Debian.gz" 2>/dev/null |
	sed -n '1s/.*(\(.*\)).*/\1/p')
if [ "$have" != "$MUSL_VERSION" ]; then
	echo "note: musl-dev $have, the recordings were made with $MUSL_VERSION" >&2
fi

cd "$dir"
mkdir -p bin
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# 3. build and check
gccinc=$($CC -print-file-name=include)
libgcc=$($CC -print-libgcc-file-name)
crtbegin=$($CC -print-file-name=crtbeginT.o)
crtend=$($CC -print-file-name=crtend.o)
elfs=() # NAME.LIBC, each to record
while read -r name libcs; do
	case $name in '' | \#*) continue ;; esac
	libcs=${libcs:-glibc musl} # a line may name the only libraries to build with
	for libc in $libcs; do
		elfs+=("$name.$libc")
	done
	if [[ " $libcs " == *" glibc "* ]]; then
		$CC "${CFLAGS[@]}" "${LDFLAGS[@]}" -o "bin/$name.glibc" "$name.c"
	fi
	if [[ " $libcs " == *" musl "* ]]; then
		$CC "${CFLAGS[@]}" -nostdinc -isystem "$musl_inc" -isystem "$gccinc" \
			-c -o "$tmp/$name.o" "$name.c"
		$CC "${LDFLAGS[@]}" -nostdlib -nostartfiles -o "bin/$name.musl" \
			"$musl_lib/crt1.o" "$musl_lib/crti.o" "$crtbegin" "$tmp/$name.o" \
			"$musl_lib/libc.a" "$libgcc" "$musl_lib/libc.a" "$crtend" "$musl_lib/crtn.o"
	fi
	for libc in $libcs; do
		elf=bin/$name.$libc
		$READELF -h "$elf" | grep -q 'Type: *EXEC' ||
			{ echo "$elf: not ET_EXEC" >&2; exit 1; }
		if $READELF -l "$elf" | grep -qE 'INTERP|DYNAMIC'; then
			echo "$elf: not static" >&2; exit 1
		fi
	done
done < programs.txt

# 4. record, twice
. "$root/scripts/clean-run.sh" # clean_run CMD...: fds > 2 closed, ulimit -n 1024
# A program that execve(2)s (threads_process execs /proc/self/exe from a
# thread) needs binfmt_misc to hand the RISC-V ELF to qemu-riscv64: qemu-user
# passes execve to the host kernel, which says ENOEXEC otherwise. As in
# scripts/linux-oracle.sh: if no qemu-riscv64 entry is visible, the run
# happens in a private mount namespace (unshare -m) that mounts binfmt_misc
# and registers Debian's entry (P: argv[0] preserved) for that run only.
binfmt_entry=':qemu-riscv64:M::\x7f\x45\x4c\x46\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xf3\x00:\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff:/usr/libexec/qemu-binfmt/riscv64-binfmt-P:P'
run_qemu() { # ELF
	local elf=$1
	if grep -q 'execv' "${elf%.*}.c" && [ ! -e /proc/sys/fs/binfmt_misc/qemu-riscv64 ]; then
		unshare -m bash -c '
			b=/proc/sys/fs/binfmt_misc
			mount -t binfmt_misc binfmt_misc $b || exit 125
			mine=
			if [ ! -e $b/qemu-riscv64 ]; then
				printf "%s" "$1" > $b/register || exit 125
				mine=1
			fi
			rc=0
			env -i qemu-riscv64 "$2" || rc=$?
			[ -z "$mine" ] || echo -1 > $b/qemu-riscv64
			exit $rc' binfmt "$binfmt_entry" "bin/$elf"
	else
		env -i qemu-riscv64 "bin/$elf"
	fi
}
record() { # ELF RUN -> $tmp/ELF.out.RUN, $tmp/ELF.status.RUN
	local elf=$1 run=$2 rc=0
	( clean_run run_qemu "$elf" ) < /dev/null \
		> "$tmp/$elf.out.$run" 2> "$tmp/$elf.err.$run" || rc=$?
	echo "$rc" > "$tmp/$elf.status.$run"
}
fail=0
for elf in "${elfs[@]}"; do
	record "$elf" 1
	record "$elf" 2
	if ! cmp -s "$tmp/$elf.out.1" "$tmp/$elf.out.2" ||
		! cmp -s "$tmp/$elf.status.1" "$tmp/$elf.status.2"; then
		echo "$elf: two runs differ:" >&2
		diff "$tmp/$elf.out.1" "$tmp/$elf.out.2" >&2 || true
		diff "$tmp/$elf.status.1" "$tmp/$elf.status.2" >&2 || true
		fail=1
		continue
	fi
	cp "$tmp/$elf.out.1" "$elf.out"
	cp "$tmp/$elf.status.1" "$elf.status"
	printf '%-16s status %s, %5s bytes out, %7s bytes ELF\n' "$elf" \
		"$(cat "$elf.status")" "$(wc -c < "$elf.out")" "$(wc -c < "bin/$elf")"
done
exit $fail

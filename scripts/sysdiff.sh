#!/usr/bin/env bash
# sysdiff.sh: run testdata/linux/sysdiff for seeds FIRST to FIRST+COUNT-1
# under qemu-riscv64 (Linux: this host's kernel) and under ipcsim, and print
# each seed whose output differs, with its first differing line from each.
#
#   scripts/sysdiff.sh              # seeds 201 to 1200
#   scripts/sysdiff.sh 1 5000
#
# It uses the committed bin/sysdiff, or rebuilds it first with REBUILD=1 (as
# linux-oracle.sh builds it; needs riscv64-unknown-elf-gcc). qemu runs as
# linux-oracle.sh runs the conformance programs: an empty environment, only
# fds 0 to 2 open, RLIMIT_NOFILE 1024. IPCSIM names the binary to compare
# (default: go build of this tree). Exit status 1 if any seed differs.
# testdata/linux/README.md, "sysdiff", says what the program does and what
# it leaves out.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir=$root/testdata/linux
first=${1:-201}
count=${2:-1000}
command -v qemu-riscv64 >/dev/null || { echo "sysdiff.sh: needs qemu-riscv64 (apt-get install qemu-user)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
prog=$dir/bin/sysdiff
if [ -n "${REBUILD:-}" ]; then
	riscv64-unknown-elf-gcc -mcmodel=medany -O2 -static -nostdlib -ffreestanding -fno-builtin \
		-fno-tree-loop-distribute-patterns -fno-stack-protector -fno-pic -Wall -Wno-unused-function \
		-Wl,--no-relax -Wl,--build-id=none -Wl,-T,"$dir/rt/link.ld" -I "$dir" \
		-march=rv64ima -mabi=lp64 -o "$tmp/sysdiff" "$dir/sysdiff.c" "$dir/rt/start.S"
	riscv64-unknown-elf-strip "$tmp/sysdiff"
	prog=$tmp/sysdiff
fi
bin=${IPCSIM:-}
if [ -z "$bin" ]; then
	bin=$tmp/ipcsim
	(cd "$root" && go build -o "$bin" ./cmd/ipcsim)
fi
. "$root/scripts/clean-run.sh" # clean_run CMD...: fds > 2 closed, ulimit -n 1024
(clean_run env -i qemu-riscv64 "$prog" "$first" "$count" </dev/null) >"$tmp/linux.out"
"$bin" exec "$prog" "$first" "$count" </dev/null >"$tmp/ipcsim.out"
python3 - "$tmp/linux.out" "$tmp/ipcsim.out" <<'EOF'
import sys
linux = open(sys.argv[1]).read().split("seed ")[1:]
ipcsim = open(sys.argv[2]).read().split("seed ")[1:]
bad = 0
for a, b in zip(linux, ipcsim):
    if a == b:
        continue
    bad += 1
    for x, y in zip(a.split("\n"), b.split("\n")):
        if x != y:
            print(f"seed {a.split(chr(10))[0]}: linux: {x}\n{' ' * len('seed ' + a.split(chr(10))[0])}  ipcsim: {y}")
            break
if len(linux) != len(ipcsim):
    print(f"linux ran {len(linux)} seeds, ipcsim {len(ipcsim)}")
    bad += 1
print(f"{len(linux)} seeds, {bad} differ")
sys.exit(1 if bad else 0)
EOF

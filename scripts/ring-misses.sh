#!/bin/bash
# ring-misses.sh: the host cache misses of one context switch among 10,000
# processes, by source line, counted by cachegrind (valgrind) rather than
# timed: a count that is the same at every run, where the wall time of
# BenchmarkRing/10000 moves by a third with the VM's neighbours.
#
#   scripts/ring-misses.sh            # N=10000 processes
#   N=1000 scripts/ring-misses.sh
#
# It builds the kernel test binary, runs BenchmarkRing/N under cachegrind
# with 100,000 and 300,000 passes of the token (both runs build and tear
# down the same ring), and prints, for every source line with at least
# 0.15 misses a switch, the difference of the two runs divided by 200,000:
# reads missed, writes missed, file:line, function, the line. The last
# level simulated is 1 MiB, 8-way, like the L2 of this VM's EPYC, so a miss
# there is a trip to L3 or memory; cachegrind does not model the host's
# prefetchers, which fetch consecutive lines sooner than scattered ones.
# Go's runtime reads the time stamp counter with RDTSCP, which valgrind
# 3.19 cannot run: GODEBUG=cpu.rdtscp=off makes it use RDTSC.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
n=${N:-10000}
command -v valgrind >/dev/null || { echo "ring-misses.sh: needs valgrind (apt-get install valgrind)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$root/kernel" && go test -c -o "$tmp/k.test" .)
for s in 100000 300000; do
	(cd "$root/kernel" && GODEBUG=cpu.rdtscp=off valgrind --tool=cachegrind --cache-sim=yes \
		--D1=49152,12,64 --I1=32768,8,64 --LL=1048576,8,64 \
		--cachegrind-out-file="$tmp/cg.$s" "$tmp/k.test" -test.run '^$' \
		-test.bench "BenchmarkRing/$n\$" -test.benchtime "${s}x" >/dev/null 2>&1) &
done
wait
python3 - "$tmp/cg.100000" "$tmp/cg.300000" 200000 "$root" <<'EOF'
import sys, collections
# A cachegrind file: fl= and fn= lines name the file and function; a line
# of numbers is "line Ir I1mr ILmr Dr D1mr DLmr Dw D1mw DLmw".
def load(path, fns):
    count = collections.Counter()
    fl = fn = ""
    for line in open(path):
        if line.startswith("fl="):
            fl = line[3:].strip()
        elif line.startswith("fn="):
            fn = line[3:].strip()
        elif line[:1].isdigit():
            f = line.split()
            v = list(map(int, f[1:])) + [0] * 9
            key = (fl, int(f[0]))
            count[key, "r"] += v[5]
            count[key, "w"] += v[8]
            fns[key] = fn
    return count
fns = {}
a, b = load(sys.argv[1], fns), load(sys.argv[2], fns)
switches, root = float(sys.argv[3]), sys.argv[4] + "/"
total = 0.0
for key in sorted(fns):
    r = (b[key, "r"] - a[key, "r"]) / switches
    w = (b[key, "w"] - a[key, "w"]) / switches
    if r < 0.15 and w < 0.15:
        continue
    total += max(r, 0)
    try:
        src = open(key[0]).read().split("\n")[key[1] - 1].strip()[:70]
    except OSError:
        src = ""
    print(f"{r:5.2f} {w:5.2f}  {key[0].replace(root, '')}:{key[1]}  {fns[key].split('.')[-1]}  {src}")
print(f"{total:.1f} reads missed a switch, in the lines above")
EOF

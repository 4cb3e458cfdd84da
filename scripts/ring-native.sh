#!/usr/bin/env bash
# ring-native.sh: the context-switch ring of testdata/bench/ring.c built for
# the host with its C compiler and libc, and run by the host's own Linux
# kernel, pinned to CPU 0 as scripts/bench-vs-qemu.sh pins ipcsim: the cost
# per switch is (T(N, S) - T(N, 0)) / S, median of RUNS runs (default 3),
# for each N of SIZES (default "2 100 1000"). It answers one question of
# BENCHMARKS.md: how a real kernel's switch grows with the number of
# processes on the same machine. A ring of 10,000 takes a long time to
# build natively here (fork slows as processes pile up), so it is not in
# the default sizes. Needs cc, taskset.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-3}
sizes=${SIZES:-2 100 1000}
passes=${PASSES:-400000}

# ring.c includes "../linux/rt/rt.h", ipcsim's tiny runtime; natively the
# same calls are libc's, so a header of that name maps them there.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/bench" "$tmp/linux/rt"
cp testdata/bench/ring.c "$tmp/bench/"
cat >"$tmp/linux/rt/rt.h" <<'EOF'
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>
#define sys_pipe2(fds, flags) pipe(fds)
#define sys_fork fork
#define sys_close close
#define sys_read read
#define sys_write write
#define sys_exit_group _exit
#define sys_wait4(pid, st, opt, ru) waitpid(pid, st, opt)
#define say_dec(label, v) printf("%s: %ld\n", label, (long)(v))
EOF
cc -O2 -o "$tmp/ring" "$tmp/bench/ring.c"

wall() { # wall time in ns of one run of "$@", pinned to CPU 0
	local s
	s=${EPOCHREALTIME/[.,]/} # microseconds, read by bash: no date(1) to fork and time
	taskset -c 0 "$@" >/dev/null
	echo $(((${EPOCHREALTIME/[.,]/} - s) * 1000))
}
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

echo "processes  ns/switch (median of $runs; $passes passes)"
for n in $sizes; do
	per=()
	for _ in $(seq "$runs"); do
		base=$(wall "$tmp/ring" "$n" 0)
		full=$(wall "$tmp/ring" "$n" "$passes")
		per+=($(((full - base) / passes)))
	done
	printf '%9d  %d\n' "$n" "$(printf '%s\n' "${per[@]}" | median)"
done

#!/usr/bin/env bash
# bench-vs-qemu.sh: run the same RV64 benchmark binaries (testdata/bench/bin)
# on ipcsim (ipcsim exec) and under qemu-riscv64, both pinned to one CPU
# (taskset -c 0), alternating ipcsim and qemu run by run, and print the
# median wall time of 5 runs of each and the ratio qemu/ipcsim (above 1:
# ipcsim is faster). Pinning matters: unpinned, a two-process ping-pong on
# a small VM measures the host's cross-CPU wakeups, not the simulator
# (issue 13). Needs qemu-riscv64 and taskset. RUNS=N changes the count.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-5}
go build -o /tmp/ipcsim-bench ./cmd/ipcsim
wall() { # wall time in ns of one run of "$@", pinned to CPU 0
	local s
	s=$(date +%s%N)
	taskset -c 0 "$@" >/dev/null
	echo $(( $(date +%s%N) - s ))
}
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
run() { # name args...
	local bin="testdata/bench/bin/$1" q=() i=() qm im
	for _ in $(seq "$runs"); do
		i+=("$(wall /tmp/ipcsim-bench exec "$bin" "${@:2}")")
		q+=("$(wall qemu-riscv64 "$bin" "${@:2}")")
	done
	qm=$(printf '%s\n' "${q[@]}" | median)
	im=$(printf '%s\n' "${i[@]}" | median)
	printf '%-24s qemu-riscv64 %9.4fs   ipcsim %9.4fs   qemu/ipcsim %6.1fx\n' \
		"$1 ${*:2}" "$(echo "scale=4; $qm / 10^9" | bc)" "$(echo "scale=4; $im / 10^9" | bc)" \
		"$(echo "scale=2; $qm / $im" | bc)"
}
echo "$(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(go version | cut -d' ' -f3), $(qemu-riscv64 --version | head -1)"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); pinned to CPU 0; median of $runs alternating runs"
run pipepingpong 20000
run forkbench 2000
run computebench 20000
for b in msgqpingpong sigpingpong; do # run them once their binaries exist
	[[ -x testdata/bench/bin/$b ]] && run "$b" 20000
done
exit 0

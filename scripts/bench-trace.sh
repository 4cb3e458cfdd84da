#!/usr/bin/env bash
# bench-trace.sh: what tracing costs a whole `ipcsim exec` of the pipe
# ping-pong, as issue 13 measured it: the run untraced, traced as text and
# as JSON to a file (--trace=/dev/null: sim.TraceWriter, which makes the
# lines of the kernel's Records on a second goroutine). Then the same
# program as a scenario: `ipcsim test` of it (untraced: it has no
# want/trace section) and `ipcsim run` of it as text and JSON (the trace to
# standard output, here /dev/null, through a TraceWriter too), and with
# --pid=2. Then exec --trace with standard error a file (the lines made by
# a TraceWriter too, and buffered), and the socketpair ping-pong (musl)
# untraced and traced to a file, N/2 round trips. Then each of the other ping-pongs of
# testdata/bench/musl (message queues, signals, TCP) untraced and traced
# to a file as text, N/4 round trips. For each,
# the wall clock and the CPU time (user + system, every thread) in ms, RUNS
# runs (default 5) alternating, N round trips (default 200000). Run it on an
# idle machine with both CPUs free: the wall clock is what a user waits,
# the CPU time what the trace costs in all. IPCSIM names the binary to
# time (default: go build of this tree). Needs GNU time (/usr/bin/time).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-5}
n=${N:-200000}
bin=${IPCSIM:-}
if [ -z "$bin" ]; then
	bin=$(mktemp -d)/ipcsim
	go build -o "$bin" ./cmd/ipcsim
fi
prog=testdata/bench/bin/pipepingpong
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cp "$prog" "$dir/"
cat >"$dir/pingpong.txtar" <<EOF
# bench-trace.sh's scenario: pipepingpong $n, checked by its exit only.
machine mem=16M quantum=10000 trapcost=0 seed=1
spawn pipepingpong $n
expect exit pipepingpong 0
EOF

# measure CMD...: "wall/cpu" in ms, standard output and error to /dev/null.
measure() {
	local start end cpu
	start=$(date +%s%N)
	/usr/bin/time -o "$dir/time" -f "%U %S" "$@" >/dev/null 2>"$dir/stderr"
	end=$(date +%s%N)
	cpu=$(awk '{printf "%d", ($1 + $2) * 1000}' "$dir/time")
	echo "$(((end - start) / 1000000))/$cpu"
}
sock=testdata/bench/musl/bin/sockpingpong

echo "wall/cpu ms of ipcsim exec $prog $n; then of ipcsim test and run of it as a scenario"
for ((r = 1; r <= runs; r++)); do
	echo "exec: untraced $(measure "$bin" exec "$prog" "$n")" \
		"text $(measure "$bin" exec --trace=/dev/null "$prog" "$n")" \
		"json $(measure "$bin" exec --format=json --trace=/dev/null "$prog" "$n")" \
		"| test $(measure "$bin" test "$dir/pingpong.txtar")" \
		"run text $(measure "$bin" run "$dir/pingpong.txtar")" \
		"run json $(measure "$bin" run --format=json "$dir/pingpong.txtar")" \
		"run --pid=2 $(measure "$bin" run --pid=2 "$dir/pingpong.txtar")" \
		"| exec 2>file $(measure "$bin" exec --trace "$prog" "$n")" \
		"| sock: untraced $(measure "$bin" exec "$sock" $((n / 2)))" \
		"text $(measure "$bin" exec --trace=/dev/null "$sock" $((n / 2)))"
done

echo "wall/cpu ms of ipcsim exec PROG $((n / 4)), untraced and --trace=/dev/null"
for ((r = 1; r <= runs; r++)); do
	line=""
	for p in msgqpingpong mqpingpong sigwaitpingpong sigsuspendpingpong tcppingpong; do
		prog=testdata/bench/musl/bin/$p
		line+="$p: $(measure "$bin" exec "$prog" $((n / 4))) $(measure "$bin" exec --trace=/dev/null "$prog" $((n / 4))) | "
	done
	echo "$line"
done

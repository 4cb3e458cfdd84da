#!/usr/bin/env bash
# bench-trace.sh: what tracing costs whole ipcsim runs, as issue 13 measures
# it: each run untraced and traced as text and as JSON, against the same
# binary untraced, by wall clock and by CPU time (user + system, every
# thread), in ms. The medians of RUNS runs (default 5), the runs of one
# row alternating, and each traced median's ratio to the untraced one.
#
# The rows: the pipe ping-pong (N round trips, default 200000) under
# `ipcsim exec`, its trace to a file of its own (--trace=/dev/null: a
# sim.TraceWriter makes the lines of the kernel's Records on a second
# goroutine) and to standard error, here a file (the lines made by a
# TraceWriter too, and buffered until the program writes); the same
# program as a scenario, `ipcsim test` (untraced: it has no want/trace
# section) against `ipcsim run` (the trace to standard output, /dev/null);
# two hosts each running it (N/2 round trips each); then each ping-pong of
# testdata/bench/musl (socketpair, message queues, signals, TCP) under exec,
# N/2 round trips.
#
# Run it on an idle machine. PIN runs the whole script under it, once:
# PIN="taskset -c 1" puts the simulation and the TraceWriter's goroutine
# on one CPU, where wall clock and CPU time are the same thing; without
# it, the wall clock is what a user waits and the CPU time what the trace
# costs in all. IPCSIM names the binary to time (default: go build of
# this tree).
set -euo pipefail
if [ -n "${PIN:-}" ] && [ -z "${BENCH_TRACE_PINNED:-}" ]; then
	# Pinned once, here, its children with it: a taskset(1) per run would
	# be timed with the run.
	BENCH_TRACE_PINNED=1 exec $PIN "$0" "$@"
fi
cd "$(dirname "$0")/.."
runs=${RUNS:-5}
n=${N:-200000}
bin=${IPCSIM:-}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
if [ -z "$bin" ]; then
	bin=$dir/ipcsim
	CGO_ENABLED=0 go build -o "$bin" ./cmd/ipcsim # static, as the README builds it
fi
cp testdata/bench/bin/pipepingpong "$dir/"
cat >"$dir/one.txtar" <<EOF
# bench-trace.sh's scenario: pipepingpong $n, checked by its exit only.
machine mem=16M quantum=10000 trapcost=0 seed=1
spawn pipepingpong $n
expect exit pipepingpong 0
EOF
cat >"$dir/two.txtar" <<EOF
# bench-trace.sh's scenario: two hosts, each running pipepingpong $((n / 2)).
machine mem=16M quantum=10000 trapcost=0 seed=1
host alice ip=10.0.0.1
host bob ip=10.0.0.2
spawn on alice pipepingpong $((n / 2))
spawn on bob pipepingpong $((n / 2))
expect exit on alice pipepingpong 0
expect exit on bob pipepingpong 0
EOF

# measure CMD...: "wall/cpu" in ms of one run of CMD with an empty
# environment, standard output to /dev/null and standard error to a file,
# removed first: truncating the last run's trace (hundreds of MB) would be
# timed otherwise. bash times the run itself (the time keyword: the wall
# clock, and the user and system time of the run): no date(1), time(1),
# taskset(1) or env(1) is forked and timed with it, which on this VM added
# some 11 ms to every run, both sides of every ratio, and pulled the
# ratios towards 1.
measure() {
	local t wall user sys
	rm -f "$dir/stderr"
	# (The group: bash times "time (exec ...)" inside the subshell, which
	# the exec then replaces before it can say.)
	t=$({
		TIMEFORMAT='%3R %3U %3S'
		time { (exec -c "$@" >/dev/null 2>"$dir/stderr"); }
	} 2>&1)
	read -r wall user sys <<<"$t"
	awk -v w="$wall" -v u="$user" -v s="$sys" 'BEGIN {printf "%d/%d\n", w * 1000 + 0.5, (u + s) * 1000 + 0.5}'
}

# median N...: the middle of the numbers.
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }

# row NAME UNTRACED TEXT JSON: the medians of RUNS alternating runs of three
# commands (each a string of words), and the traced ones' ratios.
row() {
	local name=$1 i r x
	local -a cmds=("$2" "$3" "$4") walls=("" "" "") cpus=("" "" "")
	for ((r = 1; r <= runs; r++)); do
		for i in 0 1 2; do
			x=$(measure ${cmds[i]})
			walls[i]+=" ${x%/*}" cpus[i]+=" ${x#*/}"
		done
	done
	local w0 c0 line w c
	w0=$(median ${walls[0]}) c0=$(median ${cpus[0]})
	line="$name: untraced $w0/$c0"
	for i in 1 2; do
		w=$(median ${walls[i]}) c=$(median ${cpus[i]})
		line+=" | $([ $i = 1 ] && echo text || echo json) $w/$c ($(awk -v a="$w" -v b="$w0" 'BEGIN {printf "%.2f", a / b}')x, CPU $(awk -v a="$c" -v b="$c0" 'BEGIN {printf "%.2f", a / b}')x)"
	done
	echo "$line"
}

prog=$dir/pipepingpong
echo "medians of $runs runs, wall/CPU ms${PIN:+, under $PIN}"
row "pipe, exec" "$bin exec $prog $n" "$bin exec --trace=/dev/null $prog $n" "$bin exec --format=json --trace=/dev/null $prog $n"
row "pipe, exec 2>file" "$bin exec $prog $n" "$bin exec --trace $prog $n" "$bin exec --format=json --trace $prog $n"
row "pipe, run" "$bin test $dir/one.txtar" "$bin run $dir/one.txtar" "$bin run --format=json $dir/one.txtar"
row "two hosts, run" "$bin test $dir/two.txtar" "$bin run $dir/two.txtar" "$bin run --format=json $dir/two.txtar"
for p in sockpingpong msgqpingpong mqpingpong sigwaitpingpong sigsuspendpingpong tcppingpong threadpingpong; do
	prog=testdata/bench/musl/bin/$p
	row "$p, exec" "$bin exec $prog $((n / 2))" "$bin exec --trace=/dev/null $prog $((n / 2))" "$bin exec --format=json --trace=/dev/null $prog $((n / 2))"
done

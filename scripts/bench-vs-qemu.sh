#!/usr/bin/env bash
# bench-vs-qemu.sh: run the same RV64 benchmark binaries (testdata/bench/bin
# and testdata/bench/musl/bin) on ipcsim and under qemu-riscv64, both pinned
# to one CPU (the script pins itself to CPU 0), alternating ipcsim and
# qemu run by run, and print the median wall time of RUNS runs of each
# (default 5), the time per operation and the ratio qemu/ipcsim (above 1:
# ipcsim is faster). Pinning matters: unpinned, a two-process ping-pong on
# a small VM measures the host's cross-CPU wakeups, not the simulator
# (issue 13).
#
# ipcsim runs a program with "ipcsim exec" when it needs at most 64
# processes (exec's default, kernel.DefaultMaxProcs), otherwise with
# BenchmarkHostProgram of a compiled kernel test binary (a machine with room
# for 12,000 processes); both are timed as whole host processes, like qemu.
#
# The ring (context switch) cost per switch is (T(N, S) - T(N, 0)) / S on
# both sides, so that building the ring does not count. qemu-riscv64 forks
# slowly (a ring of 1,000 took 184 s to build on the development VM), so
# qemu runs the ring only up to QEMU_RING_MAX processes (default 100).
#
# The steady section gives the ping-pongs' round trip without either
# side's start-up, the same way: (T(N) - T(0)) / N with N = STEADY_N
# (default 100,000). Whole programs of 20,000 round trips (the pingpong
# section) spend most of ipcsim's time starting: on the development VM a
# process start costs tens of milliseconds (/bin/true took 25 ms).
#
# The compute section also prints the interpreter's compute loop against
# the cost of the dispatch alone on this host (BenchmarkDispatchFloor), so
# that figures from different hosts can be compared.
#
# Sections: SECTIONS="pingpong steady fork compute start ring teardown
# trace sweep" (default all). Needs qemu-riscv64, taskset and bc.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-5}
sections=${SECTIONS:-pingpong steady fork compute start ring teardown trace sweep}
steady_n=${STEADY_N:-100000}
qemu_ring_max=${QEMU_RING_MAX:-100}
root=$PWD
# Without cgo, as the README builds a binary to keep: ipcsim uses no C, and
# a cgo build (for os/user, which a library of the terminal stepper
# imports) is dynamically linked and starts about 3 ms later.
CGO_ENABLED=0 go build -o /tmp/ipcsim-bench ./cmd/ipcsim
go test -c -o /tmp/ipcsim-kernel.test ./kernel
go test -c -o /tmp/ipcsim-sim.test ./sim
taskset -pc 0 $$ >/dev/null # every run below on CPU 0 (wall)

# The script pins itself to CPU 0 (taskset -p above), and its children
# with it. wall reads the clock from bash ($EPOCHREALTIME, microseconds)
# rather than date(1) or a taskset(1) per run, whose fork and exec, 5 to 10
# ms on this VM, the timer used to count as the program's own time: a
# fixed cost on both sides, it made ipcsim's short runs look up to a third
# slower (2026-12-04, BENCHMARKS.md).
wall() { # wall time in ns of one run of "$@"
	local s e
	s=${EPOCHREALTIME/[.,]/}
	"$@" >/dev/null || { echo "failed: $*" >&2; kill $$; exit 1; }
	e=${EPOCHREALTIME/[.,]/}
	echo $(((e - s) * 1000))
}
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
secs() { echo "scale=4; $1 / 10^9" | bc; }
ratio() { echo "scale=2; $1 / $2" | bc; }
has() { [[ " $sections " == *" $1 "* ]]; }

# ipcsim_run PROG ARGS...: run PROG (a path under testdata/bench) on
# ipcsim, timed and pinned: ipcsim exec, or the kernel test binary's
# BenchmarkHostProgram for more than 64 processes (when BIG=1).
ipcsim_run() {
	if [[ ${BIG:-0} == 1 ]]; then
		(cd kernel && wall env "IPCSIM_BENCH_PROG=$(basename "$1")" "IPCSIM_BENCH_ARGS=${*:2}" \
			/tmp/ipcsim-kernel.test -test.run '^$' -test.bench '^BenchmarkHostProgram$' -test.benchtime 1x)
	else
		wall /tmp/ipcsim-bench exec "$@"
	fi
}
# medians PROG ARGS...: sets im and qm, the median wall times (ns) of
# ipcsim and of qemu-riscv64 on PROG ARGS, run alternately. QEMU=0 skips
# qemu (qm=0).
medians() {
	local i=() q=()
	for _ in $(seq "$runs"); do
		i+=("$(ipcsim_run "$@")")
		if [[ ${QEMU:-1} == 1 ]]; then
			q+=("$(wall qemu-riscv64 "$@")")
		else
			q+=(0)
		fi
	done
	im=$(printf '%s\n' "${i[@]}" | median)
	qm=$(printf '%s\n' "${q[@]}" | median)
}
# run LABEL OPS PROG ARGS...: one line, whole program times and per op.
run() {
	local label=$1 ops=$2
	shift 2
	medians "$@"
	printf '%-34s qemu %8.4fs %9.3fus/op   ipcsim %8.4fs %9.3fus/op   qemu/ipcsim %7.2fx\n' \
		"$label" "$(secs "$qm")" "$(echo "scale=3; $qm / $ops / 1000" | bc)" \
		"$(secs "$im")" "$(echo "scale=3; $im / $ops / 1000" | bc)" "$(ratio "$qm" "$im")"
}

echo "$(nproc --all) CPUs, $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(go version | cut -d' ' -f3), $(qemu-riscv64 --version | head -1)"
echo "$(date -u +%Y-%m-%dT%H:%MZ); load average at start: $(cut -d' ' -f1-3 /proc/loadavg); pinned to CPU 0; median of $runs alternating runs"
b=$root/testdata/bench/bin
m=$root/testdata/bench/musl/bin

if has pingpong; then
	n=20000
	run "pipe ping-pong $n" $n "$b/pipepingpong" $n
	run "SysV msg queue ping-pong $n" $n "$m/msgqpingpong" $n
	run "POSIX mqueue ping-pong $n" $n "$m/mqpingpong" $n
	run "socketpair ping-pong $n" $n "$m/sockpingpong" $n
	run "TCP loopback ping-pong $n" $n "$m/tcppingpong" $n
	run "signal sigwaitinfo ping-pong $n" $n "$m/sigwaitpingpong" $n
	run "signal sigsuspend ping-pong $n" $n "$m/sigsuspendpingpong" $n
	run "threads, futex ping-pong $n" $n "$m/threadpingpong" $n
fi
if has steady; then
	n=$steady_n
	for prog in "$b/pipepingpong" "$m/msgqpingpong" "$m/mqpingpong" "$m/sockpingpong" \
		"$m/tcppingpong" "$m/sigwaitpingpong" "$m/sigsuspendpingpong" "$m/threadpingpong"; do
		medians "$prog" 0
		i0=$im q0=$qm
		medians "$prog" "$n"
		printf '%-34s qemu %9.3fus/op   ipcsim %9.3fus/op   qemu/ipcsim %7.2fx   (start: qemu %.1f ms, ipcsim %.1f ms)\n' \
			"$(basename "$prog") steady $n" "$(echo "scale=3; ($qm - $q0) / $n / 1000" | bc)" \
			"$(echo "scale=3; ($im - $i0) / $n / 1000" | bc)" "$(ratio "$((qm - q0))" "$((im - i0))")" \
			"$(echo "scale=1; $q0 / 1000000" | bc)" "$(echo "scale=1; $i0 / 1000000" | bc)"
	done
fi
if has fork; then
	run "fork+exit+wait 500" 500 "$b/forkbench" 500
fi
if has compute; then
	n=20000
	inst=$(cd kernel && IPCSIM_BENCH_PROG=computebench IPCSIM_BENCH_ARGS=$n /tmp/ipcsim-kernel.test \
		-test.run '^$' -test.bench '^BenchmarkHostProgram$' -test.benchtime 1x | awk '/inst\/run/ { print $(NF-1) }')
	medians "$b/computebench" $n
	printf '%-34s qemu %8.4fs %8.0f M inst/s   ipcsim %8.4fs %8.0f M inst/s   qemu/ipcsim %7.2fx  (%s instructions)\n' \
		"compute $n" "$(secs "$qm")" "$(echo "$inst * 1000 / $qm" | bc)" \
		"$(secs "$im")" "$(echo "$inst * 1000 / $im" | bc)" "$(ratio "$qm" "$im")" "$inst"
	# What this host charges a switch interpreter for the dispatch alone,
	# next to the interpreter's own loop (BENCHMARKS.md, "The floor of a
	# switch"): compute figures from different hosts compare only with it.
	go test -c -o /tmp/ipcsim-hw.test ./hw
	out=$(for ((r = 0; r < runs; r++)); do
		/tmp/ipcsim-hw.test -test.run '^$' -test.bench '^Benchmark(CPUCompute|DispatchFloor)$' \
			-test.benchtime 50000x
	done)
	ni=$(grep -o '[0-9.]* ns/inst' <<<"$out" | median)
	nf=$(grep -o '[0-9.]* ns/dispatch' <<<"$out" | median)
	printf '%-34s interpreter %.3f ns/inst   dispatch alone %.3f ns   share %.2f   (medians of %d)\n' \
		"compute loop, dispatch floor" "$ni" "$nf" "$(echo "scale=3; $nf / $ni" | bc)" "$runs"
fi
if has start; then
	run "start of a machine (nop)" 1 "$b/nop"
	run "fork+execve+wait 50 (execbench)" 50 "$b/execbench" 50 "$b/nop"
fi
if has ring; then
	s=100000
	for n in 2 100 1000 10000; do
		q=1
		((n > qemu_ring_max)) && q=0
		big=0
		((n > 60)) && big=1
		BIG=$big QEMU=$q medians "$b/ring" "$n" 0
		i0=$im q0=$qm
		BIG=$big QEMU=$q medians "$b/ring" "$n" $s
		isw=$(((im - i0) / s)) qsw=$(((qm - q0) / s))
		if ((q)); then
			printf '%-34s qemu %8d ns/switch (ring %.3fs)   ipcsim %8d ns/switch (ring %.3fs)   qemu/ipcsim %7.2fx\n' \
				"ring $n processes, $s switches" "$qsw" "$(secs "$q0")" "$isw" "$(secs "$i0")" "$(ratio "$qsw" "$isw")"
		else
			printf '%-34s qemu  (not run)                        ipcsim %8d ns/switch (ring %.3fs)\n' \
				"ring $n processes, $s switches" "$isw" "$(secs "$i0")"
		fi
	done
	# The same ring inside one process (BenchmarkRing): no process start,
	# so less noise; the median of RUNS counts of 2,000,000 switches
	# (200 laps of the ring of 10,000: fewer laps carry its first lap and
	# the noise of a difference of two wall times). Then two processes
	# passing the token among as many that sleep (BenchmarkSwitchAmongIdle,
	# testdata/bench/pairidle): what the number of processes costs through
	# the kernel's structures rather than the host's caches.
	(cd kernel && /tmp/ipcsim-kernel.test -test.run '^$' -test.bench '^(BenchmarkRing|BenchmarkSwitchAmongIdle)$' \
		-test.benchtime 2000000x -test.count "$runs" | awk '/ns\/switch/ { split($1, p, "[/-]"); k = p[1] " " p[2]; for (i = 1; i < NF; i++) if ($(i+1) == "ns/switch") v[k] = v[k] " " $i }
		END { for (k in v) print k, v[k] }' | sort -k1,1 -k2n | while read -r bench n vs; do
		label="ring $n processes"
		[ "$bench" = BenchmarkSwitchAmongIdle ] && label="2 busy of $n processes"
		printf '%-34s ipcsim %6.0f ns/switch (%s; runs: %s)\n' "$label" "$(printf '%s\n' $vs | median)" "$bench" "$vs"
	done)
fi
if has teardown; then
	# BenchmarkTeardown's ns/child (the median of RUNS counts) is the time of
	# the whole machine divided by its children, without the test binary's
	# start; qemu-riscv64 is not run (10,000 qemu processes).
	(cd kernel && /tmp/ipcsim-kernel.test -test.run '^$' -test.bench '^BenchmarkTeardown$' \
		-test.benchtime 1x -test.count "$runs" | awk '/ns\/child/ { split($1, p, "[/-]"); for (i = 1; i < NF; i++) if ($(i+1) == "ns/child") v[p[2]] = v[p[2]] " " $i }
		END { for (n in v) print n, v[n] }' | while read -r n vs; do
		printf '%-34s ipcsim %8.1f us/child (fork, exit, wait4(-1) of each; runs: %s ns; qemu not run)\n' \
			"teardown $n" "$(echo "$(printf '%s\n' $vs | median) / 1000" | bc -l)" "$vs"
	done)
	(cd kernel && /tmp/ipcsim-kernel.test -test.run '^$' -test.bench '^BenchmarkIdleProcessMemory$' \
		-test.benchtime 3x | awk '/B\/process/ { printf "%-34s ipcsim %s B/process (1000 children asleep on a pipe)\n", "idle forked process memory", $(NF-1) }')
fi
if has trace; then
	n=20000
	p=$b/pipepingpong
	t0=() t1=() t2=()
	for _ in $(seq "$runs"); do
		t0+=("$(wall /tmp/ipcsim-bench exec "$p" $n)")
		t1+=("$(wall /tmp/ipcsim-bench exec --trace=/dev/null "$p" $n)")
		t2+=("$(wall /tmp/ipcsim-bench exec --trace=/dev/null --format=json "$p" $n)")
	done
	a=$(printf '%s\n' "${t0[@]}" | median) t=$(printf '%s\n' "${t1[@]}" | median) j=$(printf '%s\n' "${t2[@]}" | median)
	printf '%-34s no trace %8.4fs   text %8.4fs (%5.2fx)   json %8.4fs (%5.2fx)\n' \
		"trace of pipe ping-pong $n" "$(secs "$a")" "$(secs "$t")" "$(ratio "$t" "$a")" "$(secs "$j")" "$(ratio "$j" "$a")"
fi
if has sweep; then
	r=()
	for _ in $(seq "$runs"); do
		r+=("$(cd sim && /tmp/ipcsim-sim.test -test.run '^$' -test.bench '^BenchmarkSeedSweep$' \
			-test.benchtime 1000x | awk '/schedules\/s/ { for (i = 1; i < NF; i++) if ($(i+1) == "schedules/s") print int($i) }')")
	done
	printf '%-34s %s schedules/s (median; runs: %s)\n' "seed sweep race_counter.txtar" "$(printf '%s\n' "${r[@]}" | median)" "${r[*]}"
	r=()
	for _ in $(seq "$runs"); do
		r+=("$(/tmp/ipcsim-bench explore --schedules=1000 --all testdata/scenarios/explore_counter.txtar 2>&1 |
			grep -o '[0-9.]* schedules/s' | cut -d' ' -f1 || true)")
	done
	printf '%-34s %s schedules/s (median; runs: %s)\n' "explore 1000 explore_counter.txtar" "$(printf '%s\n' "${r[@]}" | median)" "${r[*]}"
fi
exit 0

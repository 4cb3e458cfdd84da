#!/usr/bin/env bash
# pgo-profile.sh: make cmd/ipcsim/default.pgo, the CPU profile that `go
# build` of ipcsim optimises with (profile-guided optimisation: Go inlines
# the calls the profile shows hot and devirtualises hot interface calls;
# see "Profile-guided optimization" in Go's documentation). The profile is that of the
# benchmarks that stand for what ipcsim does most: the IPC ping-pongs,
# fork, the compute loop and the ring (kernel), a seed sweep and the trace
# writer (sim), an exploration (explore) and the interpreter alone (hw),
# each for BENCHTIME (default 1s), merged into one. Make it again after a
# change that moves the hot paths; an old profile is still correct, only
# less useful (the toolchain matches it to the code by function and line).
#
# Run it on an idle machine, pinned to one CPU (PIN, default "taskset -c
# 0"), so that the samples are the simulation's and not another
# process's. It writes cmd/ipcsim/default.pgo; commit it with the change.
set -euo pipefail
cd "$(dirname "$0")/.."
pin=${PIN-taskset -c 0}
benchtime=${BENCHTIME:-1s}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

# profile PKG BENCH: a CPU profile of the benchmarks BENCH of package PKG.
profile() {
	go test -c -o "$dir/$1.test" "./$1"
	(cd "$1" && $pin "$dir/$1.test" -test.run '^$' -test.bench "$2" \
		-test.benchtime "$benchtime" -test.cpuprofile "$dir/$1.pprof" >/dev/null)
}

profile kernel '^Benchmark(PipePingPong|MsgqPingPong|MqPingPong|SockPingPong|TCPPingPong|SigwaitPingPong|SigsuspendPingPong|ThreadPingPong|ForkExitWait|ComputeInstructions|Ring)$'
profile sim '^Benchmark(SeedSweep|TraceWriterText|TraceWriterJSON)$'
profile explore '^BenchmarkExploreCounter1$'
profile hw '^BenchmarkCPUCompute$'
go tool pprof -proto "$dir"/*.pprof >cmd/ipcsim/default.pgo
echo "wrote cmd/ipcsim/default.pgo ($(wc -c <cmd/ipcsim/default.pgo) bytes)"

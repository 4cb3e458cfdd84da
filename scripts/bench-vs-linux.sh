#!/usr/bin/env bash
# bench-vs-linux.sh: run the same RV64 benchmark binaries on ipcsim and under
# qemu-riscv64 on real Linux, and print the wall time of each (best of 3).
# Needs qemu-riscv64 (scripts/linux-oracle.sh installs it).
set -euo pipefail
cd "$(dirname "$0")/.."
CGO_ENABLED=0 go build -o /tmp/ipcsim-bench ./cmd/ipcsim # static, as the README builds it
best() { # best wall time in seconds of 3 runs of "$@"
	local best=$((1 << 62)) t
	for _ in 1 2 3; do
		local s=${EPOCHREALTIME/[.,]/} # microseconds, read by bash: no date(1) to fork and time
		"$@" >/dev/null
		t=$(( (${EPOCHREALTIME/[.,]/} - s) * 1000 ))
		(( t < best )) && best=$t
	done
	echo "scale=4; $best / 1000000000" | bc
}
run() { # name args...
	local q i
	q=$(best qemu-riscv64 "testdata/bench/bin/$1" "${@:2}")
	i=$(best /tmp/ipcsim-bench exec "testdata/bench/bin/$1" "${@:2}")
	printf '%-28s qemu-riscv64 %8ss   ipcsim %8ss   ipcsim/qemu speed %6.1fx\n' \
		"$1 ${*:2}" "$q" "$i" "$(echo "scale=2; $q / $i" | bc)"
}
run forkbench 2000
run computebench 20000
run pipepingpong 20000

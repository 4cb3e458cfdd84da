#!/usr/bin/env bash
# c-scenarios.sh: rebuild the C programs of the bundled scenarios.
#
# Installs Debian's RISC-V cross compiler (gcc-riscv64-linux-gnu) if
# riscv64-linux-gnu-gcc is missing, then runs
#   ipcsim test --update testdata/scenarios
# which builds every C program whose kept binary (build/SCENARIO/PROG) is
# missing or stale and re-records the want/ sections. A fresh binary is not
# rebuilt; to rebuild one anyway (with a newer compiler, say), delete it
# first. Review the diff, then commit the binaries, stamps and scenarios.
# go test needs none of this: the binaries are committed.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
if ! command -v "${IPCSIM_CC:-riscv64-linux-gnu-gcc}" >/dev/null; then
	apt-get update
	DEBIAN_FRONTEND=noninteractive apt-get install -y gcc-riscv64-linux-gnu
fi
go run ./cmd/ipcsim test -q --update "${@:-testdata/scenarios}"

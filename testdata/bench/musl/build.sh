#!/usr/bin/env bash
# build.sh: build the musl benchmark programs (bin/NAME from NAME.c) with
# scripts/musl-build.sh: ordinary C against musl, static RV64GC ELFs. The
# binaries are committed; scripts/bench-vs-qemu.sh runs them.
set -euo pipefail
exec "$(dirname "$0")/../../../scripts/musl-build.sh" "$(dirname "$0")"

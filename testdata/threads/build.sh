#!/usr/bin/env bash
# build.sh: build the programs of the thread scenarios
# (testdata/scenarios/threads_*.txtar) into bin/ with
# scripts/musl-build.sh: ordinary C against musl, static RV64GC ELFs. The
# binaries are committed; after editing a .c file run this and record the
# scenarios again (go run ./cmd/ipcsim test --update
# testdata/scenarios/threads_*.txtar).
set -euo pipefail
exec "$(dirname "$0")/../../scripts/musl-build.sh" "$(dirname "$0")"

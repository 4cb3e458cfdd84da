#!/usr/bin/env bash
# build.sh: build the programs of the network scenarios
# (testdata/scenarios/net_*.txtar) into bin/ with
# scripts/musl-build.sh: ordinary C against musl, static RV64GC ELFs. The
# binaries are committed; after editing a .c file run this and record the
# scenarios again (go run ./cmd/ipcsim test --update
# testdata/scenarios/net_*.txtar).
set -euo pipefail
exec "$(dirname "$0")/../../scripts/musl-build.sh" "$(dirname "$0")"

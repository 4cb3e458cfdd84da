#!/usr/bin/env bash
# trace-compare.sh OLD NEW: whether two ipcsim binaries trace the same
# bytes, for work on the trace's speed that must not change what it says.
# It compares `ipcsim run` (text and JSON, standard output and error and
# the status) of every scenario of testdata/scenarios and testdata/faults,
# and `ipcsim exec --trace` of every ping-pong of testdata/bench, text and
# JSON, the trace to a file of its own (--trace=FILE) and to standard
# error, which must be the same as the file's. It prints each case that
# differs and a count; the status is 1 if any does.
set -uo pipefail
cd "$(dirname "$0")/.."
if [ $# -ne 2 ]; then
	echo "usage: scripts/trace-compare.sh OLD NEW (two ipcsim binaries)" >&2
	exit 2
fi
old=$1 new=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
n=0 bad=0
for f in testdata/scenarios/*.txtar testdata/faults/*.txtar; do
	for format in text json; do
		a=$(env -i "$old" run --format=$format "$f" 2>&1; echo "status $?")
		b=$(env -i "$new" run --format=$format "$f" 2>&1; echo "status $?")
		n=$((n + 1))
		if [ "$a" != "$b" ]; then
			echo "differs: run --format=$format $f"
			bad=$((bad + 1))
		fi
	done
done
for p in testdata/bench/bin/pipepingpong testdata/bench/musl/bin/*; do
	for format in text json; do
		env -i "$old" exec --format=$format --trace="$dir/old" "$p" 300 >"$dir/old.out" 2>&1
		echo "status $?" >>"$dir/old.out"
		env -i "$new" exec --format=$format --trace="$dir/new" "$p" 300 >"$dir/new.out" 2>&1
		echo "status $?" >>"$dir/new.out"
		env -i "$new" exec --format=$format --trace "$p" 300 >/dev/null 2>"$dir/stderr"
		n=$((n + 1))
		if ! cmp -s "$dir/old" "$dir/new" || ! cmp -s "$dir/old.out" "$dir/new.out" || ! cmp -s "$dir/new" "$dir/stderr"; then
			echo "differs: exec --format=$format --trace $p"
			bad=$((bad + 1))
		fi
	done
done
echo "$n compared, $bad differ"
[ "$bad" -eq 0 ]

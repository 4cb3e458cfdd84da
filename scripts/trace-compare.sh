#!/usr/bin/env bash
# trace-compare.sh OLD NEW: whether two ipcsim binaries trace the same
# bytes, for work on the trace's speed that must not change what it says.
# It compares `ipcsim run` (text and JSON, standard output and error and
# the status) of every scenario of testdata/scenarios and testdata/faults,
# and `ipcsim exec --trace` of every ping-pong of testdata/bench and every
# program of testdata/threads, text and JSON, the trace to a file of its
# own (--trace=FILE) and to standard error, which must be the same as the
# file's but for ipcsim's own messages; and `ipcsim exec --trace` of every program checked against Linux
# (testdata/linux/programs.txt, with its arguments), text and JSON. It
# prints each case that differs and a count; the status is 1 if any does.
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
# tally CASE STATUS: one case compared, named if it differs (STATUS not 0).
tally() {
	n=$((n + 1))
	if [ "$2" -ne 0 ]; then
		echo "differs: $1"
		bad=$((bad + 1))
	fi
}
for f in testdata/scenarios/*.txtar testdata/faults/*.txtar; do
	for format in text json; do
		a=$(env -i "$old" run --format=$format "$f" 2>&1; echo "status $?")
		b=$(env -i "$new" run --format=$format "$f" 2>&1; echo "status $?")
		[ "$a" == "$b" ]
		tally "run --format=$format $f" $?
	done
done
for p in testdata/bench/bin/pipepingpong testdata/bench/musl/bin/* testdata/threads/bin/*; do
	for format in text json; do
		env -i "$old" exec --format=$format --trace="$dir/old" "$p" 300 >"$dir/old.out" 2>&1
		echo "status $?" >>"$dir/old.out"
		env -i "$new" exec --format=$format --trace="$dir/new" "$p" 300 >"$dir/new.out" 2>&1
		echo "status $?" >>"$dir/new.out"
		# ipcsim's own messages (a deadlock's report) go to standard error too.
		env -i "$new" exec --format=$format --trace "$p" 300 2>&1 >/dev/null | grep -v '^ipcsim: ' >"$dir/stderr"
		cmp -s "$dir/old" "$dir/new" && cmp -s "$dir/old.out" "$dir/new.out" && cmp -s "$dir/new" "$dir/stderr"
		tally "exec --format=$format --trace $p" $?
	done
done
while read -r name args; do
	case $name in '' | '#'*) continue ;; esac
	for format in text json; do
		# shellcheck disable=SC2086 # args are the program's words
		a=$(cd testdata/linux/bin && env -i "$old" exec --format=$format --trace "./$name" $args 2>&1 </dev/null; echo "status $?")
		# shellcheck disable=SC2086
		b=$(cd testdata/linux/bin && env -i "$new" exec --format=$format --trace "./$name" $args 2>&1 </dev/null; echo "status $?")
		[ "$a" == "$b" ]
		tally "exec --format=$format --trace testdata/linux/bin/$name" $?
	done
done <testdata/linux/programs.txt
echo "$n compared, $bad differ"
[ "$bad" -eq 0 ]

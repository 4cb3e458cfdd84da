package sim

import (
	"fmt"
	"strings"
)

// A small line-based diff, so that a failing scenario shows what changed the
// way `diff -u` would: hunks of changed lines with three lines of context.
// The edit script comes from Myers' algorithm ("An O(ND) Difference Algorithm
// and Its Variations", 1986): the shortest sequence of deletions and
// insertions, found by growing D, the number of edits, until the two texts
// meet.

// contextLines is how many unchanged lines surround each hunk.
const contextLines = 3

// maxEdits bounds D: Myers keeps O(D^2) numbers for the backtrack. Beyond
// it, the differing middle is shown as all deleted and all inserted, which
// is no less readable when so much differs.
const maxEdits = 1000

// edit is one line of an edit script.
type edit struct {
	op   byte // ' ' unchanged, '-' only in want, '+' only in got
	line string
}

// Diff returns a unified diff from want to got ("--- want", "+++ got", then
// hunks), or "" if they are equal. A last line without a newline is marked
// "\ No newline at end of file", as diff(1) does.
func Diff(want, got []byte) string {
	if string(want) == string(got) {
		return ""
	}
	edits := diffLines(splitLines(string(want)), splitLines(string(got)))
	var b strings.Builder
	b.WriteString("--- want\n+++ got\n")
	for _, h := range hunks(edits) {
		writeHunk(&b, edits, h)
	}
	return b.String()
}

// splitLines splits s into lines, each keeping its newline (the last one may
// have none).
func splitLines(s string) []string {
	var lines []string
	for s != "" {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			lines = append(lines, s)
			break
		}
		lines = append(lines, s[:i+1])
		s = s[i+1:]
	}
	return lines
}

// diffLines returns an edit script turning a into b.
func diffLines(a, b []string) []edit {
	// The common prefix and suffix are unchanged; Myers runs on the middle.
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	var out []edit
	for _, l := range a[:pre] {
		out = append(out, edit{' ', l})
	}
	out = append(out, myers(a[pre:len(a)-suf], b[pre:len(b)-suf])...)
	for _, l := range a[len(a)-suf:] {
		out = append(out, edit{' ', l})
	}
	return out
}

// myers returns a shortest edit script from a to b.
func myers(a, b []string) []edit {
	n, m := len(a), len(b)
	if n == 0 || m == 0 {
		return replaceAll(a, b)
	}
	// v[off+k] is the furthest x reached on diagonal k (y = x - k).
	max := n + m
	off := max + 1
	v := make([]int, 2*max+3)
	var snaps [][]int // snaps[d][k+d]: v on diagonals -d..d after step d
	for d := 0; d <= max && d <= maxEdits; d++ {
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || (k != d && v[off+k-1] < v[off+k+1]) {
				x = v[off+k+1] // down: insert b[y-1]
			} else {
				x = v[off+k-1] + 1 // right: delete a[x-1]
			}
			y := x - k
			for x < n && y < m && a[x] == b[y] {
				x, y = x+1, y+1
			}
			v[off+k] = x
			if x >= n && y >= m {
				snaps = append(snaps, append([]int(nil), v[off-d:off+d+1]...))
				return backtrack(a, b, snaps)
			}
		}
		snaps = append(snaps, append([]int(nil), v[off-d:off+d+1]...))
	}
	return replaceAll(a, b)
}

// backtrack walks the snapshots from the end to the start, collecting the
// edits in reverse.
func backtrack(a, b []string, snaps [][]int) []edit {
	x, y := len(a), len(b)
	var rev []edit
	for d := len(snaps) - 1; d > 0; d-- {
		prev := snaps[d-1] // prev[k+d-1]: diagonal k after step d-1
		at := func(k int) int { return prev[k+d-1] }
		k := x - y
		var pk int
		if k == -d || (k != d && at(k-1) < at(k+1)) {
			pk = k + 1
		} else {
			pk = k - 1
		}
		px := at(pk)
		py := px - pk
		for x > px && y > py {
			rev = append(rev, edit{' ', a[x-1]})
			x, y = x-1, y-1
		}
		if x == px {
			rev = append(rev, edit{'+', b[py]})
		} else {
			rev = append(rev, edit{'-', a[px]})
		}
		x, y = px, py
	}
	for x > 0 && y > 0 {
		rev = append(rev, edit{' ', a[x-1]})
		x, y = x-1, y-1
	}
	out := make([]edit, len(rev))
	for i, e := range rev {
		out[len(rev)-1-i] = e
	}
	return out
}

func replaceAll(a, b []string) []edit {
	var out []edit
	for _, l := range a {
		out = append(out, edit{'-', l})
	}
	for _, l := range b {
		out = append(out, edit{'+', l})
	}
	return out
}

// hunk is a range edits[start:end] to print.
type hunk struct{ start, end int }

// hunks groups the changed lines with their context; changes closer than
// twice the context share a hunk.
func hunks(edits []edit) []hunk {
	var hs []hunk
	for i, e := range edits {
		if e.op == ' ' {
			continue
		}
		start := max(0, i-contextLines)
		end := min(len(edits), i+1+contextLines)
		if n := len(hs); n > 0 && start <= hs[n-1].end {
			hs[n-1].end = end
		} else {
			hs = append(hs, hunk{start, end})
		}
	}
	return hs
}

// writeHunk prints one hunk with its "@@ -l,s +l,s @@" header.
func writeHunk(b *strings.Builder, edits []edit, h hunk) {
	lineA, lineB := 1, 1
	for _, e := range edits[:h.start] {
		if e.op != '+' {
			lineA++
		}
		if e.op != '-' {
			lineB++
		}
	}
	var countA, countB int
	for _, e := range edits[h.start:h.end] {
		if e.op != '+' {
			countA++
		}
		if e.op != '-' {
			countB++
		}
	}
	fmt.Fprintf(b, "@@ -%s +%s @@\n", hunkRange(lineA, countA), hunkRange(lineB, countB))
	for _, e := range edits[h.start:h.end] {
		b.WriteByte(e.op)
		b.WriteString(e.line)
		if !strings.HasSuffix(e.line, "\n") {
			b.WriteString("\n\\ No newline at end of file\n")
		}
	}
}

// hunkRange writes a range as diff -u does: "l,s", or "l" when s is 1, and
// the line before the hunk when it is empty.
func hunkRange(line, count int) string {
	switch count {
	case 0:
		return fmt.Sprintf("%d,0", line-1)
	case 1:
		return fmt.Sprintf("%d", line)
	}
	return fmt.Sprintf("%d,%d", line, count)
}

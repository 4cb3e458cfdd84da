package sim

import (
	"math/rand/v2"
	"strings"
	"testing"
)

func TestDiff(t *testing.T) {
	tests := []struct{ want, got, diff string }{
		{"a\nb\n", "a\nb\n", ""},
		{"a\nb\nc\n", "a\nx\nc\n", "--- want\n+++ got\n@@ -1,3 +1,3 @@\n a\n-b\n+x\n c\n"},
		{"", "a\n", "--- want\n+++ got\n@@ -0,0 +1 @@\n+a\n"},
		{"a\n", "a", "--- want\n+++ got\n@@ -1 +1 @@\n-a\n+a\n\\ No newline at end of file\n"},
		{
			"1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n",
			"1\n2\n3\n4\nX\n6\n7\n8\n9\n10\n11\nY\n",
			"--- want\n+++ got\n@@ -2,11 +2,11 @@\n 2\n 3\n 4\n-5\n+X\n 6\n 7\n 8\n 9\n 10\n 11\n-12\n+Y\n",
		},
		{
			"1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n",
			"0\n1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n",
			"--- want\n+++ got\n@@ -1,3 +1,4 @@\n+0\n 1\n 2\n 3\n@@ -11,4 +12,3 @@\n 11\n 12\n 13\n-14\n",
		},
	}
	for _, tt := range tests {
		if got := Diff([]byte(tt.want), []byte(tt.got)); got != tt.diff {
			t.Errorf("Diff(%q, %q) =\n%s\nwant\n%s", tt.want, tt.got, got, tt.diff)
		}
	}
}

// TestDiffMinimal checks on random texts that the edit script turns want
// into got and is as short as a longest-common-subsequence table says.
func TestDiffMinimal(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		a, b := randLines(r), randLines(r)
		edits := diffLines(a, b)
		var ga, gb []string
		n := 0
		for _, e := range edits {
			if e.op != '+' {
				ga = append(ga, e.line)
			}
			if e.op != '-' {
				gb = append(gb, e.line)
			}
			if e.op != ' ' {
				n++
			}
		}
		if strings.Join(ga, "") != strings.Join(a, "") || strings.Join(gb, "") != strings.Join(b, "") {
			t.Fatalf("edits of %q -> %q do not rebuild them: %v", a, b, edits)
		}
		if want := len(a) + len(b) - 2*lcs(a, b); n != want {
			t.Fatalf("%q -> %q: %d edits, want %d", a, b, n, want)
		}
	}
}

func randLines(r *rand.Rand) []string {
	lines := make([]string, r.IntN(12))
	for i := range lines {
		lines[i] = string(rune('a'+r.IntN(3))) + "\n"
	}
	return lines
}

func lcs(a, b []string) int {
	t := make([][]int, len(a)+1)
	for i := range t {
		t[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				t[i][j] = t[i+1][j+1] + 1
			} else {
				t[i][j] = max(t[i+1][j], t[i][j+1])
			}
		}
	}
	return t[0][0]
}

// TestDiffLarge checks that a diff with more edits than maxEdits still
// rebuilds both texts.
func TestDiffLarge(t *testing.T) {
	var a, b strings.Builder
	for i := range 3000 {
		a.WriteString(strings.Repeat("a", i%7) + "\n")
		b.WriteString(strings.Repeat("b", i%5) + "\n")
	}
	if d := Diff([]byte(a.String()), []byte(b.String())); !strings.HasPrefix(d, "--- want\n+++ got\n@@ -1,3000 +1,3000 @@\n") {
		t.Errorf("large diff starts %q", d[:min(len(d), 80)])
	}
}

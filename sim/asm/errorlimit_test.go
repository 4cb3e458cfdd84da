package asm

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestTooManyErrors: a file with an error on every line reports the first
// maxErrors by position, then "too many errors" where the next one is, also
// when an error found after layout (pass 2) comes before thousands found
// while parsing.
func TestTooManyErrors(t *testing.T) {
	var b strings.Builder
	b.WriteString("_start:\n  j nowhere\n")
	for i := 0; i < 5000; i++ {
		b.WriteString("  bad\n")
	}
	var want []string
	want = append(want, `prog.s:2:5: undefined symbol "nowhere"`)
	for line := 3; line < 3+maxErrors-1; line++ {
		want = append(want, fmt.Sprintf(`prog.s:%d:3: unknown instruction "bad"`, line))
	}
	want = append(want, fmt.Sprintf("prog.s:%d:3: too many errors", 3+maxErrors-1))
	requireErrors(t, b.String(), strings.Join(want, "\n"))
}

// TestSourceTooLarge: the input is bounded (maxSourceSize).
func TestSourceTooLarge(t *testing.T) {
	src := "_start: nop\n" + strings.Repeat("#", maxSourceSize)
	requireErrors(t, src, fmt.Sprintf("prog.s:1:1: source is %d bytes, more than the limit of 16 MiB", len(src)))
	_, err := Assemble("prog.s", []byte("_start: nop\n"+strings.Repeat("#", maxSourceSize-13)+"\n"), Options{})
	require.NoError(t, err, "just under the limit")
}

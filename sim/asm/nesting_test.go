package asm

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestNestingDepth: parentheses and prefix operators nest at most
// maxExprDepth levels; a million of them is an error at the first level too
// many, not a stack overflow.
func TestNestingDepth(t *testing.T) {
	const msg = "expression nested too deeply: expected at most 1000 levels of parentheses and prefix operators"
	for _, n := range []int{1001, 1_000_000} {
		// "_start:\n  li a0, " puts the first '(' or '-' at column 10.
		requireErrors(t, "_start:\n  li a0, "+strings.Repeat("(", n)+"1"+strings.Repeat(")", n)+"\n",
			fmt.Sprintf("prog.s:2:%d: %s", 10+maxExprDepth, msg))
		requireErrors(t, "_start:\n  li a0, "+strings.Repeat("-", n)+"1\n",
			fmt.Sprintf("prog.s:2:%d: %s", 10+maxExprDepth, msg))
		requireErrors(t, "_start:\n  li a0, "+strings.Repeat("-(", n)+"1"+strings.Repeat(")", n)+"\n",
			fmt.Sprintf("prog.s:2:%d: %s", 10+maxExprDepth, msg))
	}
	src := "_start:\n  li a0, " + strings.Repeat("(", 500) + strings.Repeat("~", 500) + "1" + strings.Repeat(")", 500) + "\n"
	_, err := Assemble("prog.s", []byte(src), Options{})
	require.NoError(t, err, "exactly 1000 levels")
}

// TestLongChains: a sum of many terms and a long chain of symbols, each
// defined from the one before, need no deep recursion and assemble.
func TestLongChains(t *testing.T) {
	const n = 100_000
	var b strings.Builder
	b.WriteString("_start:\n  .dword 0" + strings.Repeat(" + 1", n) + "\n  x0 = 0\n")
	for i := 1; i < n; i++ {
		fmt.Fprintf(&b, "  x%d = x%d + 1\n", i, i-1)
	}
	fmt.Fprintf(&b, "  li a0, x%d\n  .dword x%d\n", n-1, n-1)
	prog, err := Assemble("prog.s", []byte(b.String()), Options{})
	require.NoError(t, err)
	require.NotEmpty(t, prog.ELF)
}

// TestBackwardChain: a chain of symbols each defined from the next one down
// is evaluated recursively; past maxEvalDepth levels it is an error (at the
// reference where the bound is reached), not a stack overflow, and it takes
// linear time.
func TestBackwardChain(t *testing.T) {
	const n = 200_000
	var b strings.Builder
	b.WriteString("_start: nop\n  .dword x0\n")
	for i := 0; i < n-1; i++ {
		fmt.Fprintf(&b, "  x%d = x%d + 1\n", i, i+1)
	}
	fmt.Fprintf(&b, "  x%d = 1\n", n-1)
	_, err := Assemble("prog.s", []byte(b.String()), Options{})
	require.Error(t, err)
	list := err.(ErrorList)
	for _, e := range list {
		if e.Msg != "too many errors" {
			require.Contains(t, e.Msg, "nested too deeply", e.Error())
		}
		require.Greater(t, e.Pos.Line, 2)
	}

	b.Reset()
	b.WriteString("_start: nop\n  .dword x0\n")
	for i := 0; i < 1000; i++ {
		fmt.Fprintf(&b, "  x%d = x%d + 1\n", i, i+1)
	}
	b.WriteString("  x1000 = 1\n")
	_, err = Assemble("prog.s", []byte(b.String()), Options{})
	require.NoError(t, err, "a backward chain of 1000 symbols is fine")
}

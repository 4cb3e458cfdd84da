package sim

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"ipcsim/kernel"
)

// TestQuiz hides the results of pipe_parent_child's read and wait4 and
// who woke whom, numbers the questions, and keeps the answers.
func TestQuiz(t *testing.T) {
	s, err := Load("../testdata/scenarios/pipe_parent_child.txtar")
	require.NoError(t, err)
	var q Quiz
	var lines []string
	_, err = s.Run(Options{Trace: func(e *kernel.Event) { lines = append(lines, q.Line(e, 0)) }})
	require.NoError(t, err)
	text := strings.Join(lines, "\n")
	require.Contains(t, text, ") = ?   [Q1: what does ")
	require.Contains(t, text, "woken: ?   [Q")
	require.NotContains(t, text, "woken by")
	answers := q.Answers()
	require.NotEmpty(t, answers)
	require.True(t, strings.HasPrefix(answers[0], "Q1: "), answers[0])
	require.Equal(t, strings.Count(text, "[Q"), len(answers))
}

package sim

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestQuiz hides the results of pipe_parent_child's read and wait4 and
// who woke whom, numbers the questions, and keeps the answers.
func TestQuiz(t *testing.T) {
	s, err := Load("../testdata/scenarios/pipe_parent_child.txtar")
	require.NoError(t, err)
	var b strings.Builder
	q := NewQuiz(&b, 0)
	_, err = s.Run(Options{Trace: q.Event})
	require.NoError(t, err)
	q.Flush()
	text := b.String()
	require.Contains(t, text, ") = ?   [Q1: what does ")
	require.Contains(t, text, "woken: ?   [Q")
	require.NotContains(t, text, "woken by")
	// What the quiz held back and no quizzed call answered is printed
	// where it came: the SIGCHLD of the child's exit, before the parent's
	// wakeup.
	require.Regexp(t, `SIGCHLD \(child pid 3 exited\): ignored\n.*woken: \?   \[Q\d+`, text)
	require.NotContains(t, text, "reaps pid")
	answers := q.Answers()
	require.NotEmpty(t, answers)
	require.True(t, strings.HasPrefix(answers[0], "Q1: "), answers[0])
	require.Equal(t, strings.Count(text, "[Q"), len(answers))
}

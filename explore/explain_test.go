package explore

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestExplainLostUpdate: the failing schedules of the two unlocked
// counters, processes and threads, are explained as a lost update: a
// load, the switch that took the loader off the CPU, the other task's
// store, and the loader's store of a value computed from the stale load.
func TestExplainLostUpdate(t *testing.T) {
	for _, c := range []struct{ file, loader, other string }{ // the two tasks
		{"explore_counter.txtar", "pid 2", "pid 3"},
		{"threads_explore_race.txtar", "pid 2 tid 4", "pid 2 tid 3"},
	} {
		s := load(t, c.file)
		rep, err := Explore(s, Config{Strategy: "pct", Depth: 3, Schedules: 20, Build: "test"})
		require.NoError(t, err)
		require.NotEmpty(t, rep.Failures, c.file)
		why, err := Explain(s, rep.Failures[0].Token)
		require.NoError(t, err)
		require.Len(t, why, 4, "%s: %q", c.file, why)
		loader, other := c.loader, c.other // either may be the one that loses its update
		if !strings.HasPrefix(why[0], loader+" loads ") {
			loader, other = other, loader
		}
		require.True(t, strings.HasPrefix(why[0], loader+" loads "), why[0])
		require.Contains(t, why[1], "the CPU goes from "+loader)
		require.True(t, strings.HasPrefix(why[2], other+" stores "), why[2])
		require.True(t, strings.HasPrefix(why[3], loader+" stores "), why[3])
		require.Contains(t, why[3], "are lost")
	}
}

// TestExplainFindsNothingInALockedRun: a locked counter, under the same
// kind of schedule, loses no update, and Explain says nothing.
func TestExplainFindsNothingInALockedRun(t *testing.T) {
	s := load(t, "threads_explore_mutex.txtar")
	why, err := Explain(s, Token{Strategy: "pct", Run: 6, Depth: 3, K: 1517})
	require.NoError(t, err)
	require.Nil(t, why)
}

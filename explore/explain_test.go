package explore

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"ipcsim/sim"
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

// TestExplainPrivateMemory: parent and child of explore_counter's program
// with the counter in private memory (a word of .data, which fork copies)
// load and store the same virtual address, but each its own frame: no
// update is lost, however the schedule interleaves them, and Explain says
// nothing (it once compared virtual addresses across processes). The
// shared counter of the same schedules is still explained.
func TestExplainPrivateMemory(t *testing.T) {
	data, err := os.ReadFile("../testdata/scenarios/explore_counter.txtar")
	require.NoError(t, err)
	src := strings.Replace(string(data), "\tmv s1, a0\t\t\t# s1: &counter", "\tla s1, buf\t\t\t# s1: &counter, private", 1)
	require.NotEqual(t, string(data), src)
	private, err := sim.Parse("private_counter.txtar", []byte(src))
	require.NoError(t, err)
	shared := load(t, "explore_counter.txtar")

	// Every schedule of the private counter fails (it prints 3); the
	// shared one's failing schedules are among them.
	rep, err := Explore(private, Config{Strategy: "pct", Depth: 3, Schedules: 20, All: true, NoShrink: true, Build: "test", Workers: 1})
	require.NoError(t, err)
	require.Len(t, rep.Failures, 20)
	explained := 0
	for _, f := range rep.Failures {
		why, err := Explain(private, f.Token)
		require.NoError(t, err)
		require.Nil(t, why, "schedule %d: %q", f.Schedule, why)
		why, err = Explain(shared, f.Token)
		require.NoError(t, err)
		if why != nil {
			explained++
			require.Regexp(t, `computed from the \d+ it loaded before: .* lost$`, why[len(why)-1])
		}
	}
	require.NotZero(t, explained, "the shared counter loses updates in some of these schedules")
}

// TestExplainHosts: in a scenario with hosts, alice's pid 2 and bob's pid
// 2 are two processes of two machines: a network fault's failure of
// net_udp is no lost update.
func TestExplainHosts(t *testing.T) {
	s := load(t, "net_udp.txtar")
	why, err := Explain(s, Token{Strategy: "list", Net: []NetFault{{Link: 1, Kind: "loss", Value: 1000000}}})
	require.NoError(t, err)
	require.Nil(t, why)
}

// TestExplainDeadlockOnlyOnDeadlock: ExplainDeadlock says nothing of a
// run that ends with every process exited, even a failing one (a lost
// update of explore_counter), and gives threads_deadlock's blocked threads
// and its wait-for cycle, as its want/exits has them.
func TestExplainDeadlockOnlyOnDeadlock(t *testing.T) {
	why, err := ExplainDeadlock(load(t, "explore_counter.txtar"), Token{Strategy: "pct", Run: 6, Depth: 3, K: 1517})
	require.NoError(t, err)
	require.Nil(t, why)
	why, err = ExplainDeadlock(load(t, "threads_deadlock.txtar"), Token{Strategy: "list"})
	require.NoError(t, err)
	require.Len(t, why, 4, "%q", why)
	require.Equal(t, "wait-for cycle: pid 2 tid 3 waits for the futex at 0x141ec, which pid 2 tid 4 holds; pid 2 tid 4 waits for the futex at 0x141c4, which pid 2 tid 3 holds", why[3])
}

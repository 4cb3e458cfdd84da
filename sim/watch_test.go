package sim

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestWatch runs threads_watch.txtar and checks its watch events: one per
// store to the counter, each naming the storing thread and holding the
// value before and after, and among them the lost updates, stores of a
// value that is not one more than the value they replace.
func TestWatch(t *testing.T) {
	s, err := Load("../testdata/scenarios/threads_watch.txtar")
	require.NoError(t, err)
	o, err := s.Run(Options{KeepTrace: true})
	require.NoError(t, err)
	stores, lost, threads := 0, 0, map[int]bool{}
	for _, e := range o.Trace {
		if e.Kind != "watch" {
			continue
		}
		stores++
		require.NotNil(t, e.Mem)
		require.Equal(t, uint64(0x19198), e.Mem.Addr)
		require.True(t, strings.HasPrefix(e.Text, "watch 0x19198: stores "), e.Text)
		threads[e.TID] = true
		if e.Mem.Value != e.Mem.Old+1 {
			lost++
		}
	}
	require.Equal(t, 2000, stores, "every increment stores once")
	require.Equal(t, map[int]bool{3: true, 4: true}, threads, "both threads store")
	require.NotZero(t, lost, "some store goes back: a lost update")
	require.Empty(t, s.CheckRun(o))

	// The same run untraced: a watch changes nothing.
	plain, err := s.Run(Options{})
	require.NoError(t, err)
	require.Equal(t, string(o.Console), string(plain.Console))
	require.Equal(t, o.Result.Cycles, plain.Result.Cycles)
}

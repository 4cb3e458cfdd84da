package proc

import (
	"testing"

	"github.com/stretchr/testify/require"

	"ipcsim/abi"
)

// TestSignalsQueue: a standard signal is pending once, with the info of
// its first sending; real-time signals queue every instance in order,
// up to MaxQueued, however many standard signals are pending beside them;
// Take returns each instance's info and clears the signal when none is
// left; Discard drops both kinds.
func TestSignalsQueue(t *testing.T) {
	s := NewSignals()
	s.Add(abi.SIGUSR1, SigInfo{PID: 2})
	s.Add(abi.SIGUSR1, SigInfo{PID: 3}) // merged: the first info is kept
	s.Add(abi.SIGTERM, SigInfo{PID: 4})
	rt := abi.SIGRTMIN + 1
	for i := range MaxQueued + 5 {
		s.Add(rt, SigInfo{Value: uint64(i)})
	}
	require.Equal(t, abi.SigSetOf(abi.SIGUSR1, abi.SIGTERM, rt), s.Pending)
	require.Equal(t, MaxQueued, s.queuedRealtime(), "the standard signals do not count against MaxQueued")

	require.Equal(t, SigInfo{PID: 2}, s.Take(abi.SIGUSR1))
	require.False(t, s.Pending.Has(abi.SIGUSR1))
	require.Equal(t, SigInfo{}, s.Take(abi.SIGUSR1), "taken: nothing is left of it")
	for i := range MaxQueued {
		require.Equal(t, SigInfo{Value: uint64(i)}, s.Take(rt), "instance %d", i)
		require.Equal(t, i < MaxQueued-1, s.Pending.Has(rt), "after instance %d", i)
	}
	require.Equal(t, abi.SigSetOf(abi.SIGTERM), s.Pending)

	s.Add(rt, SigInfo{Value: 7})
	s.Discard(abi.SigSetOf(abi.SIGTERM, rt))
	require.Zero(t, s.Pending)
	require.Empty(t, s.queue)
}

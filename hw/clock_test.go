package hw

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestClockSaturates(t *testing.T) {
	var c Clock
	longest := uint64(math.MaxInt64) // about the longest nanosleep the kernel counts
	for range 3 {
		c.JumpTo(AddCycles(c.Now(), longest))
	}
	require.Equal(t, uint64(LastCycle), c.Now(), "three long jumps stop at the last cycle")
	c.Advance(3)
	require.Equal(t, uint64(LastCycle), c.Now(), "advancing past the end stays at the end")
	c.JumpTo(5)
	require.Equal(t, uint64(LastCycle), c.Now(), "time never goes back")

	var d Clock
	d.Advance(LastCycle - 1)
	d.Advance(1)
	require.Equal(t, uint64(LastCycle), d.Now())
	require.Equal(t, uint64(12), AddCycles(5, 7))
	require.Equal(t, uint64(LastCycle), AddCycles(LastCycle-1, 2))
	require.Equal(t, uint64(LastCycle), AddCycles(2, LastCycle-1))
}

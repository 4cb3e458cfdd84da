package kernel

import (
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/require"

	"ipcsim/abi"
)

// putTimespec writes a timespec to tk's scratch memory and returns its address.
func putTimespec(t *testing.T, tk *Task, sec, nsec int64) uint64 {
	t.Helper()
	va := scratch(tk) + 256
	var b [16]byte
	binary.LittleEndian.PutUint64(b[0:], uint64(sec))
	binary.LittleEndian.PutUint64(b[8:], uint64(nsec))
	require.NoError(t, tk.AS.WriteBytes(va, b[:]))
	return va
}

func TestClockNanosleep(t *testing.T) {
	k, tk, _ := epollMachine(t)
	zero := putTimespec(t, tk, 0, 0)
	for _, tc := range []struct {
		name         string
		clock, flags uint64
		ts           uint64
		want         int64
	}{
		{"relative 0", abi.CLOCK_MONOTONIC, 0, zero, 0},
		{"absolute, past", abi.CLOCK_MONOTONIC, abi.TIMER_ABSTIME, zero, 0},
		{"absolute realtime before the boot date", abi.CLOCK_REALTIME, abi.TIMER_ABSTIME, zero, 0},
		{"boottime", abi.CLOCK_BOOTTIME, 0, zero, 0},
		{"thread cputime", abi.CLOCK_THREAD_CPUTIME_ID, 0, zero, -int64(abi.EOPNOTSUPP)},
		{"unknown clock", 99, 0, zero, -int64(abi.EINVAL)},
		{"monotonic raw", abi.CLOCK_MONOTONIC_RAW, 0, zero, -int64(abi.EOPNOTSUPP)},
		{"NULL", abi.CLOCK_MONOTONIC, 0, 0, -int64(abi.EFAULT)},
		{"bad pointer", abi.CLOCK_MONOTONIC, 0, 8, -int64(abi.EFAULT)},
	} {
		require.Equal(t, tc.want, mustCall(t, tk, abi.SysClockNanosleep, tc.clock, tc.flags, tc.ts, 0), tc.name)
	}
	bad := putTimespec(t, tk, 0, 1_000_000_000)
	require.Equal(t, -int64(abi.EINVAL), mustCall(t, tk, abi.SysClockNanosleep, abi.CLOCK_REALTIME, 0, bad, 0))

	// Relative: until now + the span; absolute: until the clock reads it.
	now := k.Now()
	_, blocked := ecall(tk, abi.SysClockNanosleep, abi.CLOCK_MONOTONIC, 0, putTimespec(t, tk, 0, 1_000_000), 0)
	require.True(t, blocked)
	require.Equal(t, now+CyclesPerSecond/1000, tk.call.deadline)
	k.abandon(tk.call)
	k.dropSleeper(tk)
	tk.call = nil

	_, blocked = ecall(tk, abi.SysClockNanosleep, abi.CLOCK_MONOTONIC, abi.TIMER_ABSTIME, putTimespec(t, tk, 2, 0), 0)
	require.True(t, blocked)
	require.Equal(t, uint64(2*CyclesPerSecond), tk.call.deadline)
	k.abandon(tk.call)
	k.dropSleeper(tk)
	tk.call = nil

	_, blocked = ecall(tk, abi.SysClockNanosleep, abi.CLOCK_REALTIME, abi.TIMER_ABSTIME, putTimespec(t, tk, bootEpoch+3, 0), 0)
	require.True(t, blocked)
	require.Equal(t, uint64(3*CyclesPerSecond), tk.call.deadline)
}

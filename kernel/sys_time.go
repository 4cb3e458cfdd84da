package kernel

import (
	"encoding/binary"
	"fmt"
	"math"

	"ipcsim/abi"
	"ipcsim/proc"
)

// timespec is struct timespec (LP64: two 8-byte fields).
type timespec struct{ sec, nsec int64 }

func readTimespec(as userMemory, va uint64) (timespec, error) {
	var b [16]byte
	if as.ReadBytes(va, b[:]) != nil {
		return timespec{}, abi.EFAULT
	}
	return timespec{int64(binary.LittleEndian.Uint64(b[0:])), int64(binary.LittleEndian.Uint64(b[8:]))}, nil
}

// valid reports whether the timespec is one the kernel accepts
// (timespec64_valid): "EINVAL: ... tv_nsec ... not in the range [0,
// 999999999] or tv_sec was negative".
func (ts timespec) valid() bool {
	return ts.sec >= 0 && ts.nsec >= 0 && ts.nsec <= 999_999_999
}

// cycles returns the span in cycles of the virtual clock; ok is false
// when it is longer than the clock can count (callers treat that as
// forever).
//
// Preconditions: ts.valid().
func (ts timespec) cycles() (n uint64, ok bool) {
	if ts.sec > math.MaxInt64/CyclesPerSecond-1 {
		return 0, false
	}
	return uint64(ts.sec)*CyclesPerSecond + uint64(ts.nsec)*CyclesPerSecond/1e9, true
}

// readTimeout reads a call's timeout at va into c.timed and c.deadline:
// NULL, or a span longer than the clock can count, waits forever (c.timed
// false); otherwise the deadline is now plus the span, or the span itself
// when it is an absolute CLOCK_MONOTONIC time (the clock starts at 0).
func (c *call) readTimeout(va uint64, absolute bool) error {
	c.timed = false
	if va == 0 {
		return nil
	}
	ts, err := readTimespec(c.t.AS, va)
	if err != nil {
		return err
	}
	if !ts.valid() {
		return abi.EINVAL
	}
	d, ok := ts.cycles()
	if !ok {
		return nil
	}
	c.timed = true
	c.deadline = d
	if !absolute {
		c.deadline += c.t.k.Now()
	}
	return nil
}

func writeTimespec(as *proc.AddressSpace, va uint64, ns uint64) error {
	var b [16]byte
	binary.LittleEndian.PutUint64(b[0:], ns/1e9)
	binary.LittleEndian.PutUint64(b[8:], ns%1e9)
	if as.WriteBytes(va, b[:]) != nil {
		return abi.EFAULT
	}
	return nil
}

// ns converts cycles of the virtual clock to nanoseconds.
func ns(cycles uint64) uint64 { return cycles * (1e9 / CyclesPerSecond) }

// clock_gettime(2): every clock reads the virtual clock; CLOCK_REALTIME
// counts from a fixed boot date, the CPU-time clocks count the caller's
// cycles.
func sysClockGettime(c *call) (int64, error) {
	k, t := c.t.k, c.t
	var v uint64
	switch c.a[0] {
	case abi.CLOCK_REALTIME, abi.CLOCK_REALTIME_COARSE:
		v = bootEpoch*1e9 + ns(k.Now())
	case abi.CLOCK_MONOTONIC, abi.CLOCK_MONOTONIC_RAW, abi.CLOCK_MONOTONIC_COARSE, abi.CLOCK_BOOTTIME:
		v = ns(k.Now())
	case abi.CLOCK_PROCESS_CPUTIME_ID, abi.CLOCK_THREAD_CPUTIME_ID:
		v = ns(t.Cycles)
	default:
		return 0, abi.EINVAL
	}
	if err := writeTimespec(t.AS, c.a[1], v); err != nil {
		return 0, err
	}
	return 0, nil
}

// nanosleep(2): (req, rem). The task sleeps in virtual time: if nothing
// else runs, the clock jumps straight to its deadline.
func sysNanosleep(c *call) (int64, error) {
	k := c.t.k
	if !c.started {
		ts, err := readTimespec(c.t.AS, c.a[0])
		if err != nil {
			return 0, err
		}
		// "EINVAL: The value in the tv_nsec field was not in the range
		// [0, 999999999] or tv_sec was negative." - nanosleep(2)
		if !ts.valid() {
			return 0, abi.EINVAL
		}
		cycles, ok := ts.cycles()
		c.deadline = k.Now() + cycles
		if !ok || c.deadline < k.Now() {
			c.deadline = ^uint64(0) // saturate: sleep "forever"
		}
		c.started = true
	}
	if k.Now() >= c.deadline {
		return 0, nil
	}
	return 0, &blockError{deadline: c.deadline, why: func() string { return fmt.Sprintf("sleeping until cycle %d", c.deadline) }}
}

// sched_yield(2): give the CPU to the next runnable task, if any.
func sysSchedYield(c *call) (int64, error) {
	k := c.t.k
	if k.cur == c.t && k.runq.Len() > 0 {
		k.cur = nil
		k.makeRunnable(c.t)
		k.switchReason = fmt.Sprintf("pid %d called sched_yield", c.t.PID)
	}
	return 0, nil
}

package kernel

import (
	"encoding/binary"
	"fmt"
	"math"

	"ipcsim/abi"
	"ipcsim/hw"
	"ipcsim/proc"
	"ipcsim/sched"
)

func init() {
	register(map[abi.Sysno]sysEntry{
		abi.SysNanosleep:      {sysNanosleep, "Tx", restartAdjusted},
		abi.SysClockNanosleep: {sysClockNanosleep, "kdTx", restartAdjusted},
		abi.SysClockGettime:   {sysClockGettime, "kx", noSleep},
		abi.SysSchedYield:     {sysSchedYield, "", noSleep},
	})
}

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

// A timeoutClock says how a call's timeout is given.
type timeoutClock uint8

const (
	timeoutRelative  timeoutClock = iota // a span from now (nanosleep, ppoll, semtimedop, FUTEX_WAIT)
	timeoutMonotonic                     // an absolute CLOCK_MONOTONIC time, since the boot (FUTEX_WAIT_BITSET)
	timeoutRealtime                      // an absolute CLOCK_REALTIME time (mq_timedsend, FUTEX_CLOCK_REALTIME)
)

// readTimeout reads a call's timeout at va into c.timed and c.deadline; it
// is the one reader of every timed call. NULL waits forever (c.timed
// false). A bad timespec is EINVAL (timespec64_valid: "EINVAL: ... tv_nsec
// ... not in the range [0, 999999999] or tv_sec was negative"), checked
// even when the call would not block, as Linux checks it on entry. A
// deadline beyond what the clock can count waits forever; an absolute time
// already past makes the deadline now. The deadline is a cycle of the
// virtual clock: an absolute CLOCK_MONOTONIC time counts from the boot
// (Kernel.Uptime), so the machine's power-on cycle is added to it.
func (c *call) readTimeout(va uint64, clock timeoutClock) error {
	c.timed = false
	if va == 0 {
		return nil
	}
	ts, err := readTimespec(c.t.AS, va)
	if err != nil {
		return err
	}
	return c.setTimeout(ts, clock)
}

// setTimeout is readTimeout for a timespec already read, for a call that
// checks its validity later than it reads it (semtimedop).
func (c *call) setTimeout(ts timespec, clock timeoutClock) error {
	if !ts.valid() {
		return abi.EINVAL
	}
	now := c.t.k.Now()
	if clock == timeoutRealtime {
		// CLOCK_REALTIME is bootEpoch plus the virtual clock.
		if ts.sec -= bootEpoch; ts.sec < 0 {
			c.timed, c.deadline = true, now // already past
			return nil
		}
	}
	d, ok := ts.cycles()
	if !ok {
		return nil
	}
	switch clock {
	case timeoutRelative:
		d = hw.AddCycles(now, d) // saturates, as the clock does
	case timeoutMonotonic:
		d = hw.AddCycles(c.t.k.cfg.PowerOn, d)
	}
	c.timed, c.deadline = true, d
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
// counts from a fixed date at cycle 0, CLOCK_MONOTONIC and its kin from
// the machine's boot (Kernel.Uptime: "the number of seconds that the
// system has been running since it was booted"), the CPU-time clocks
// count the caller's cycles.
func sysClockGettime(c *call) (int64, error) {
	k, t := c.t.k, c.t
	var v uint64
	switch c.a[0] {
	case abi.CLOCK_REALTIME, abi.CLOCK_REALTIME_COARSE:
		v = bootEpoch*1e9 + ns(k.Now())
	case abi.CLOCK_MONOTONIC, abi.CLOCK_MONOTONIC_RAW, abi.CLOCK_MONOTONIC_COARSE, abi.CLOCK_BOOTTIME:
		v = ns(k.Uptime())
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
// else runs, the clock jumps straight to its deadline. A sleep longer than
// the clock can count never ends.
func sysNanosleep(c *call) (int64, error) {
	// "EINVAL: The value in the tv_nsec field was not in the range
	// [0, 999999999] or tv_sec was negative." - nanosleep(2)
	return c.timedSleep(c.a[0], timeoutRelative)
}

// timedSleep is the sleep of nanosleep and clock_nanosleep: the timespec at
// va, read on the first attempt as clock says, is the deadline; the call
// returns 0 there.
func (c *call) timedSleep(va uint64, clock timeoutClock) (int64, error) {
	if !c.started {
		if va == 0 {
			return 0, abi.EFAULT
		}
		if err := c.readTimeout(va, clock); err != nil {
			return 0, err
		}
		c.started = true
	}
	if c.expired() {
		return 0, nil
	}
	return 0, &blockError{why: func() string {
		if !c.timed {
			return "sleeping forever"
		}
		return fmt.Sprintf("sleeping until cycle %d", c.deadline)
	}}
}

// clock_nanosleep(2): (clockid, flags, request, remain). As nanosleep,
// measured against clockid: relative, or with TIMER_ABSTIME until the
// clock reads request ("If the specified time has already passed, then
// clock_nanosleep() returns immediately"). A handler interrupts it with
// EINTR, and only a relative sleep writes the time left to remain
// (interruptCall): "If flags is TIMER_ABSTIME, then remain is unused and
// unnecessary".
func sysClockNanosleep(c *call) (int64, error) {
	clock := timeoutRelative
	if !c.started {
		switch c.a[0] {
		case abi.CLOCK_REALTIME:
			if c.a[1]&abi.TIMER_ABSTIME != 0 {
				clock = timeoutRealtime
			}
		case abi.CLOCK_MONOTONIC, abi.CLOCK_BOOTTIME:
			// CLOCK_BOOTTIME is CLOCK_MONOTONIC: the machine never suspends.
			if c.a[1]&abi.TIMER_ABSTIME != 0 {
				clock = timeoutMonotonic
			}
		case abi.CLOCK_PROCESS_CPUTIME_ID:
			// Linux sleeps until the process has used that much CPU time.
			return 0, c.notImplemented("CLOCK_PROCESS_CPUTIME_ID")
		case abi.CLOCK_THREAD_CPUTIME_ID, abi.CLOCK_MONOTONIC_RAW, abi.CLOCK_REALTIME_COARSE, abi.CLOCK_MONOTONIC_COARSE:
			// These clocks have no nsleep (kernel/time/posix-timers.c:
			// "if (!kc->nsleep) return -EOPNOTSUPP"), so Linux 6.x answers
			// EOPNOTSUPP where the man page says EINVAL for
			// CLOCK_THREAD_CPUTIME_ID (recorded in sys17_calls).
			return 0, abi.EOPNOTSUPP
		default:
			return 0, abi.EINVAL // "EINVAL: The clockid was invalid.
		}
	}
	return c.timedSleep(c.a[2], clock)
}

// remainArg returns where an interrupted sleep writes the time it had
// left, or 0: nanosleep's rem, and clock_nanosleep's remain for a relative
// sleep.
func remainArg(c *call) uint64 {
	switch {
	case c.no == abi.SysNanosleep:
		return c.a[1]
	case c.no == abi.SysClockNanosleep && c.a[1]&abi.TIMER_ABSTIME == 0:
		return c.a[3]
	}
	return 0
}

// sched_yield(2): give the CPU to the next runnable task, if any.
func sysSchedYield(c *call) (int64, error) {
	k := c.t.k
	if k.cur == c.t && k.policy.Point(sched.Point{Kind: sched.PointYield, PID: c.t.TID, Cycle: k.Now()}) == sched.Preempt {
		k.preempt(sched.WhyYielded, switchWhy{"%s called sched_yield", c.t, 0})
	}
	return 0, nil
}

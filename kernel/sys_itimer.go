package kernel

import (
	"encoding/binary"
	"slices"

	"ipcsim/abi"
	"ipcsim/hw"
	"ipcsim/proc"
)

func init() {
	register(map[abi.Sysno]sysEntry{
		abi.SysSetitimer: {sysSetitimer, "dxx", noSleep},
		abi.SysGetitimer: {sysGetitimer, "dx", noSleep},
	})
}

// itimer is one interval timer of setitimer(2). ITIMER_REAL counts virtual
// time and sends SIGALRM; ITIMER_VIRTUAL counts the process's user cycles
// and sends SIGVTALRM; ITIMER_PROF counts its cycles too (ipcsim charges no
// kernel time to processes) and sends SIGPROF.
type itimer struct {
	at       uint64 // when it fires: a cycle of the clock (REAL) or of the process's Cycles; 0 = disarmed
	interval uint64 // reload in cycles; 0 = one shot
}

var itimerSignals = [3]abi.Signal{abi.ITIMER_REAL: abi.SIGALRM, abi.ITIMER_VIRTUAL: abi.SIGVTALRM, abi.ITIMER_PROF: abi.SIGPROF}

// The clock an itimer counts: the machine's, or the process's own cycles.
func (k *Kernel) itimerNow(t *Task, which int) uint64 {
	if which == abi.ITIMER_REAL {
		return k.Now()
	}
	return t.Cycles
}

// readTimeval reads struct timeval (two longs) as cycles; EINVAL for a
// negative or out-of-range value.
func readTimeval(b []byte) (uint64, error) {
	sec, usec := int64(binary.LittleEndian.Uint64(b)), int64(binary.LittleEndian.Uint64(b[8:]))
	if sec < 0 || usec < 0 || usec > 999_999 || sec > 1<<32 {
		return 0, abi.EINVAL
	}
	return uint64(sec)*CyclesPerSecond + uint64(usec)*(CyclesPerSecond/1_000_000), nil
}

// putTimeval writes cycles as struct timeval, rounding up to a
// microsecond so that a timer about to fire does not read as disarmed.
func putTimeval(b []byte, cycles uint64) {
	usec := (ns(cycles) + 999) / 1000
	binary.LittleEndian.PutUint64(b, usec/1_000_000)
	binary.LittleEndian.PutUint64(b[8:], usec%1_000_000)
}

// itimerValue renders a timer as struct itimerval (interval, then value).
func (k *Kernel) itimerValue(t *Task, which int) [32]byte {
	var b [32]byte
	it := t.itimers[which]
	putTimeval(b[0:], it.interval)
	if it.at != 0 {
		putTimeval(b[16:], it.at-min(it.at, k.itimerNow(t, which)))
	}
	return b
}

// getitimer(2): (which, curr_value).
func sysGetitimer(c *call) (int64, error) {
	which := int(int32(c.a[0]))
	if which < 0 || which > abi.ITIMER_PROF {
		return 0, abi.EINVAL
	}
	b := c.t.k.itimerValue(c.t, which)
	if c.t.AS.WriteBytes(c.a[1], b[:]) != nil {
		return 0, abi.EFAULT
	}
	return 0, nil
}

// setitimer(2): (which, new_value, old_value). A NULL new_value disarms,
// as Linux still allows.
func sysSetitimer(c *call) (int64, error) {
	k, t := c.t.k, c.t
	which := int(int32(c.a[0]))
	if which < 0 || which > abi.ITIMER_PROF {
		return 0, abi.EINVAL
	}
	var nb [32]byte
	if c.a[1] != 0 && t.AS.ReadBytes(c.a[1], nb[:]) != nil {
		return 0, abi.EFAULT
	}
	interval, err := readTimeval(nb[0:])
	if err != nil {
		return 0, err
	}
	value, err := readTimeval(nb[16:])
	if err != nil {
		return 0, err
	}
	old := k.itimerValue(t, which)
	if c.a[2] != 0 && t.AS.WriteBytes(c.a[2], old[:]) != nil {
		return 0, abi.EFAULT
	}
	it := itimer{interval: interval}
	if value != 0 {
		it.at = hw.AddCycles(k.itimerNow(t, which), value)
	}
	k.setItimer(t, which, it)
	return 0, nil
}

// setItimer installs a timer; ITIMER_REAL timers are kept by deadline so
// that the hardware timer can be set for the earliest.
func (k *Kernel) setItimer(t *Task, which int, it itimer) {
	was := t.itimers[which].at != 0
	t.itimers[which] = it
	if which != abi.ITIMER_REAL {
		switch {
		case !was && it.at != 0:
			k.cpuTimers++
		case was && it.at == 0:
			k.cpuTimers--
		}
		return
	}
	k.alarms = slices.DeleteFunc(k.alarms, func(x *Task) bool { return x == t })
	if it.at == 0 {
		return
	}
	i, _ := slices.BinarySearchFunc(k.alarms, t, func(a, b *Task) int {
		x, y := a.itimers[abi.ITIMER_REAL].at, b.itimers[abi.ITIMER_REAL].at
		switch {
		case x != y && x < y:
			return -1
		case x != y:
			return 1
		}
		return a.PID - b.PID
	})
	k.alarms = slices.Insert(k.alarms, i, t)
}

// fireAlarms sends SIGALRM for every real-time timer that has expired, and
// reloads the periodic ones.
func (k *Kernel) fireAlarms() {
	now := k.Now()
	for len(k.alarms) > 0 && k.alarms[0].itimers[abi.ITIMER_REAL].at <= now {
		k.expire(k.alarms[0], abi.ITIMER_REAL, now)
	}
}

// expire sends a timer's signal and reloads or disarms it.
func (k *Kernel) expire(t *Task, which int, now uint64) {
	it := t.itimers[which]
	next := itimer{interval: it.interval}
	if it.interval != 0 {
		next.at = hw.AddCycles(now, it.interval)
	}
	k.setItimer(t, which, next)
	k.sendSignal(t, itimerSignals[which], proc.SigInfo{Code: abi.SI_KERNEL}, "its interval timer expired")
}

// cpuTimerKinds are the interval timers that count the process's CPU time
// (its cycles in user mode) rather than the clock's.
var cpuTimerKinds = [2]int{abi.ITIMER_VIRTUAL, abi.ITIMER_PROF}

// checkCPUTimers fires the virtual and profiling timers of t once its
// cycles reach them (after it ran).
//
// It and cpuTimerBudget look at t's timers only if some process has one
// armed (k.cpuTimers), which almost no program does: the timers live in
// the threadGroup, a cache line that runUser would otherwise read at
// every switch, and which a switch among thousands of processes finds
// cold (BenchmarkRing/10000).
func (k *Kernel) checkCPUTimers(t *Task) {
	if k.cpuTimers == 0 {
		return
	}
	for _, which := range cpuTimerKinds {
		if at := t.itimers[which].at; at != 0 && t.Cycles >= at {
			k.expire(t, which, t.Cycles)
		}
	}
}

// cpuTimerBudget caps a run of t so that it stops when a CPU timer is due.
func (k *Kernel) cpuTimerBudget(t *Task, budget uint64) uint64 {
	if k.cpuTimers == 0 {
		return budget
	}
	for _, which := range cpuTimerKinds {
		if at := t.itimers[which].at; at != 0 {
			budget = min(budget, max(1, at-min(at, t.Cycles)))
		}
	}
	return budget
}

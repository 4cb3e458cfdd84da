package hw

import "math"

// Clock is the machine's virtual time, counted in cycles. One retired
// instruction costs one cycle; the kernel charges traps as it configures.
// Nothing in the simulator reads the host's clock: the same input gives the
// same cycle counts on every run.
//
// Time saturates: it stops at LastCycle instead of wrapping to 0, so a
// program that sleeps past the end of time (three nanosleeps of the longest
// span already add up to more than 2^64 cycles) stays at the end of time,
// and every deadline computed with AddCycles stays after now.
type Clock struct {
	now uint64 // cycles since power-on, at most LastCycle
}

// LastCycle is the last cycle the clock can count; time goes no further.
const LastCycle = math.MaxUint64

// AddCycles returns t + n, or LastCycle if the sum does not fit: the
// deadline n cycles after t. Use it for every "now + span" deadline.
func AddCycles(t, n uint64) uint64 {
	if n > LastCycle-t {
		return LastCycle
	}
	return t + n
}

// Now returns the current cycle.
func (c *Clock) Now() uint64 { return c.now }

// Advance moves time forward by n cycles, stopping at LastCycle.
func (c *Clock) Advance(n uint64) { c.now = AddCycles(c.now, n) }

// JumpTo moves time forward to cycle t, as an idle machine does when every
// process sleeps until the next device event. Time never goes back.
func (c *Clock) JumpTo(t uint64) {
	if t > c.now {
		c.now = t
	}
}

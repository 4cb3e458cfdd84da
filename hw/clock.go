package hw

// Clock is the machine's virtual time, counted in cycles. One retired
// instruction costs one cycle; the kernel charges traps as it configures.
// Nothing in the simulator reads the host's clock: the same input gives the
// same cycle counts on every run.
type Clock struct {
	now uint64 // cycles since power-on
}

// Now returns the current cycle.
func (c *Clock) Now() uint64 { return c.now }

// Advance moves time forward by n cycles.
func (c *Clock) Advance(n uint64) { c.now += n }

// JumpTo moves time forward to cycle t, as an idle machine does when every
// process sleeps until the next device event. Time never goes back.
func (c *Clock) JumpTo(t uint64) {
	if t > c.now {
		c.now = t
	}
}

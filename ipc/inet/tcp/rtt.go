package tcp

import "fmt"

// clockGranularity is RFC 6298's G: the machine's clock is exact, but a
// granularity of 1 ms keeps RTO above SRTT when RTTVAR is zero.
const clockGranularity = 1 * Millisecond

// maxBackoff bounds the doublings so the shift cannot overflow; MaxRTO
// caps the result long before.
const maxBackoff = 30

// rto is the retransmission timeout now: the estimator's value doubled
// per timeout since the last RTT sample (RFC 6298 5.5), at most MaxRTO.
func (c *Conn) rto() uint64 {
	r := c.rtoBase << min(c.backoff, maxBackoff)
	if r > c.cfg.MaxRTO || r < c.rtoBase {
		r = c.cfg.MaxRTO
	}
	return r
}

// rttSample feeds one round-trip measurement r (ns) to the estimator.
// Karn's algorithm (RFC 6298 3) is kept by the caller: no segment sent
// twice is ever timed.
func (c *Conn) rttSample(r uint64) {
	if !c.hasRTT {
		// RFC 6298 2.2: "When the first RTT measurement R is made,
		// the host MUST set SRTT <- R, RTTVAR <- R/2".
		c.srtt, c.rttvar, c.hasRTT = r, r/2, true
	} else {
		// RFC 6298 2.3: "RTTVAR <- (1 - beta) * RTTVAR + beta *
		// |SRTT - R'|, SRTT <- (1 - alpha) * SRTT + alpha * R'" with
		// alpha 1/8 and beta 1/4, RTTVAR first.
		delta := c.srtt - r
		if r > c.srtt {
			delta = r - c.srtt
		}
		c.rttvar = (3*c.rttvar + delta) / 4
		c.srtt = (7*c.srtt + r) / 8
	}
	old := c.rto()
	// RFC 6298 2.3: "RTO <- SRTT + max (G, K*RTTVAR)" with K = 4.
	// Linux differs: its variance term is at least TCP_RTO_MIN
	// (tcp_rtt_estimator keeps rttvar_us >= tcp_rto_min_us), so RTO is
	// SRTT + max(4*RTTVAR, 200 ms), and it does not round up to 1 s
	// (RFC 6298 2.4). We follow Linux.
	c.rtoBase = c.srtt + max(clockGranularity, 4*c.rttvar, c.cfg.MinRTO)
	c.rtoBase = min(c.rtoBase, c.cfg.MaxRTO)
	// Linux: "RFC6298: only reset backoff on valid RTT measurement"
	// (tcp_ack_update_rtt).
	c.backoff = 0
	if n := c.rto(); changedMuch(old, n) {
		c.env.Event(Event{Kind: RTOUpdate, Text: fmt.Sprintf("RTT sample %s: SRTT %s, RTTVAR %s, RTO %s -> %s",
			fmtDur(r), fmtDur(c.srtt), fmtDur(c.rttvar), fmtDur(old), fmtDur(n))})
	}
}

// changedMuch reports whether an RTO moved by an eighth or more, so the
// trace shows the first estimate and real changes, not every sample.
func changedMuch(old, n uint64) bool {
	d := old - n
	if n > old {
		d = n - old
	}
	return d >= old/8 && d > 0
}

// fmtDur prints a duration in ns as the trace shows it: "200ms", "1.5s",
// "37us", "120s".
func fmtDur(ns uint64) string {
	switch {
	case ns >= Second && ns%Second == 0:
		return fmt.Sprintf("%ds", ns/Second)
	case ns >= Second:
		return fmt.Sprintf("%.3gs", float64(ns)/float64(Second))
	case ns >= Millisecond && ns%Millisecond == 0:
		return fmt.Sprintf("%dms", ns/Millisecond)
	case ns >= Millisecond:
		return fmt.Sprintf("%.3gms", float64(ns)/float64(Millisecond))
	case ns >= 1000:
		return fmt.Sprintf("%dus", ns/1000)
	}
	return fmt.Sprintf("%dns", ns)
}

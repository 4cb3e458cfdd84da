package tcp

import "fmt"

// maxCwnd bounds the congestion window and stands for "infinite"
// ssthresh (Linux's TCP_INFINITE_SSTHRESH): the window is limited by the
// peer's 65535 bytes long before.
const maxCwnd = 1 << 30

// initCongestion sets the initial window when the connection is
// established: "IW = min (10*MSS, max (2*MSS, 14600))" - RFC 6928; Linux
// uses TCP_INIT_CWND = 10 segments whatever the MSS.
//
// It also ends the handshake's timeouts. RFC 5681 3.1: "If the SYN or
// SYN/ACK is lost, the initial window used by a sender after a correctly
// transmitted SYN MUST be one segment". RFC 6298 5.7: "If the timer
// expires awaiting the ACK of a SYN segment and the TCP implementation is
// using an RTO less than 3 seconds, the RTO MUST be re-initialized to 3
// seconds when data transmission begins" - Linux's TCP_TIMEOUT_FALLBACK,
// used when the handshake gave no RTT sample (tcp_init_transfer).
func (c *Conn) initCongestion() {
	c.cwnd = uint32(c.cfg.InitialCwnd) * uint32(c.sndMss)
	c.ssthresh = maxCwnd
	if c.totalRetrans > 0 {
		c.cwnd = uint32(c.sndMss)
	}
	if !c.hasRTT {
		c.rtoBase = min(max(c.rtoBase, fallbackRTO), c.cfg.MaxRTO)
	}
	c.backoff, c.retries = 0, 0
}

// fallbackRTO is RFC 6298 5.7's 3 seconds (Linux TCP_TIMEOUT_FALLBACK).
const fallbackRTO = 3 * Second

// flightSize is RFC 5681's FlightSize: data sent and not yet acknowledged.
func (c *Conn) flightSize() uint32 { return c.sndMax - c.sndUna }

// lossThreshold is RFC 5681 equation (4): "ssthresh = max (FlightSize /
// 2, 2*SMSS)".
func (c *Conn) lossThreshold() uint32 {
	return max(c.flightSize()/2, 2*uint32(c.sndMss))
}

// onNewAck grows the window for acked bytes of new data, or handles the
// ACK inside fast recovery.
func (c *Conn) onNewAck(ack, acked uint32) {
	smss := uint32(c.sndMss)
	if c.inRecovery {
		if seqGE(ack, c.recover) {
			// RFC 6582 3.2 step 3, full acknowledgment: "Set cwnd to
			// either (1) min (ssthresh, max(FlightSize, SMSS) + SMSS)
			// or (2) ssthresh" - we take (1), and leave recovery.
			c.cwnd = min(c.ssthresh, max(c.flightSize(), smss)+smss)
			c.inRecovery = false
			c.dupAcks = 0
			return
		}
		// RFC 6582 3.2 step 3, partial acknowledgment: "retransmit
		// the first unacknowledged segment ... deflate the congestion
		// window by the amount of new data acknowledged ... add back
		// SMSS bytes if the partial ACK acknowledges at least one
		// SMSS of new data".
		c.retransmitFirst()
		if acked < c.cwnd {
			c.cwnd -= acked
		} else {
			c.cwnd = smss
		}
		if acked >= smss {
			c.cwnd += smss
		}
		return
	}
	c.dupAcks = 0
	if c.cwnd < c.ssthresh {
		// RFC 5681 3.1 slow start: "cwnd += min (N, SMSS)". Linux
		// differs: it adds every segment acknowledged (an ACK for two
		// segments grows cwnd by two, tcp_slow_start), which we follow.
		c.cwnd = min(c.cwnd+acked, maxCwnd)
		return
	}
	// RFC 5681 3.1 congestion avoidance, by byte counting: cwnd grows
	// by one SMSS each time a whole cwnd of bytes has been acknowledged
	// (about one segment per round trip).
	c.caAcked += acked
	if c.caAcked >= c.cwnd {
		c.caAcked -= c.cwnd
		c.cwnd = min(c.cwnd+smss, maxCwnd)
	}
}

// onDupAck handles a duplicate ACK (RFC 5681 2: same SEG.ACK, no data,
// no SYN or FIN, same window, data outstanding).
func (c *Conn) onDupAck(ack uint32) {
	c.dupAcks++
	smss := uint32(c.sndMss)
	switch {
	case c.dupAcks == 3 && !c.inRecovery && seqGT(ack, c.recover):
		// RFC 5681 3.2 steps 2 and 3 (with RFC 6582 3.2 step 2: only
		// if the ACK covers more than "recover"): "ssthresh = max
		// (FlightSize / 2, 2*SMSS)", retransmit the lost segment,
		// "cwnd = ssthresh + 3*SMSS".
		c.ssthresh = c.lossThreshold()
		c.cwnd = c.ssthresh + 3*smss
		c.recover = c.sndMax
		c.inRecovery = true
		c.timing = false // Karn: never time a segment sent twice
		c.env.Event(Event{Kind: FastRetransmit, Text: fmt.Sprintf(
			"three duplicate ACKs for %d: resending seq %d, ssthresh %d, cwnd %d (segments)",
			ack, c.sndUna, c.ssthresh/smss, c.cwnd/smss)})
		c.retransmitFirst()
	case c.inRecovery && c.dupAcks > 3:
		// RFC 5681 3.2 step 4: "For each additional duplicate ACK
		// received (after the third), cwnd MUST be incremented by
		// SMSS."
		c.cwnd = min(c.cwnd+smss, maxCwnd)
	}
}

// onTimeout shrinks the window after a retransmission timeout.
func (c *Conn) onTimeout() {
	if c.retries == 0 {
		// RFC 5681 3.1: "When a TCP sender detects segment loss using
		// the retransmission timer and the given segment has not yet
		// been resent by way of the retransmission timer, the value
		// of ssthresh MUST be set to no more than ... (4)".
		c.ssthresh = c.lossThreshold()
	}
	// RFC 5681 3.1: "Furthermore, upon a timeout cwnd MUST be set to no
	// more than the loss window, LW, which equals 1 full-sized segment".
	c.cwnd = uint32(c.sndMss)
	c.caAcked = 0
	// RFC 6582 3.2 step 4: "After a retransmit timeout, record the
	// highest sequence number transmitted in the variable recover, and
	// exit the fast recovery procedure if applicable."
	c.recover = c.sndMax
	c.inRecovery = false
	c.dupAcks = 0
}

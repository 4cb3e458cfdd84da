package tcp

import (
	"fmt"

	"ipcsim/abi"
)

// Fire handles the expiry of timer t. An expiry of a timer the
// connection did not arm (stopped, or already handled) is ignored.
func (c *Conn) Fire(t Timer) {
	if c.env == nil || t < 0 || t >= numTimers || !c.armed[t] {
		return
	}
	c.armed[t] = false
	switch t {
	case RetransmitTimer:
		c.retransmitTimeout()
	case DelayedAckTimer:
		// RFC 9293 3.8.6.3: the delay ends; the held ACK goes out.
		if c.ackPending {
			c.ackNow = true
		}
	case PersistTimer:
		c.persistTimeout()
	case KeepaliveTimer:
		c.keepaliveTimeout()
	case TimeWaitTimer:
		// RFC 9293 3.10.8: "If the time-wait timeout expires on a
		// connection, delete the TCB, enter the CLOSED state, and
		// return." Also an orphaned FIN-WAIT-2 that waited
		// tcp_fin_timeout (Linux).
		if c.state == TimeWait || c.state == FinWait2 {
			c.setState(Closed)
		}
	}
	c.output()
}

// retransmitTimeout is RFC 6298 5.4-5.6 with Linux's limits: give up
// after SynRetries (SYN), SynAckRetries (SYN,ACK) or Retries2 (data)
// retransmissions, else double RTO, resend the oldest segment and go
// back to it (the segments after it follow as the window reopens).
func (c *Conn) retransmitTimeout() {
	if c.sndUna == c.sndMax {
		return // nothing outstanding
	}
	limit := c.cfg.Retries2
	switch c.state {
	case SynSent:
		limit = c.cfg.SynRetries
	case SynReceived:
		limit = c.cfg.SynAckRetries
	}
	if c.retries >= limit {
		c.giveUp(fmt.Sprintf("%d retransmissions of seq %d unanswered", c.retries, c.sndUna))
		return
	}
	if c.state.synchronized() {
		c.onTimeout()
	}
	old := c.rto()
	c.retries++
	// RFC 6298 5.5: "The host MUST set RTO <- RTO * 2 ("back off the
	// timer")", and 2.5: "A maximum value MAY be placed on RTO".
	c.backoff = min(c.backoff+1, maxBackoff)
	c.env.Event(Event{Kind: Retransmit, Text: fmt.Sprintf("retransmission timeout: RTO %s -> %s, resending seq %d (%d of %d)",
		fmtDur(old), fmtDur(c.rto()), c.sndUna, c.retries, limit)})
	// RFC 6298 5.4: "Retransmit the earliest segment that has not been
	// acknowledged by the TCP receiver." Going back to SND.UNA (as BSD
	// and Linux do) sends the rest again as cwnd allows.
	c.sndNxt = c.sndUna
	c.timing = false
}

// giveUp ends a connection whose peer stopped answering: ETIMEDOUT to
// the user (Linux tcp_write_err). A passive open not yet accepted just
// goes away.
func (c *Conn) giveUp(why string) {
	c.env.Event(Event{Kind: GaveUp, Text: "connection timed out: " + why})
	if c.state == SynReceived && c.listener != nil {
		c.setState(Closed)
		return
	}
	c.fail(abi.ETIMEDOUT)
}

// persistTimeout probes a zero window. Like Linux (tcp_write_wakeup,
// tcp_xmit_probe_skb), the probe is a bare ACK with SEQ = SND.UNA-1, an
// old sequence number the peer must answer with an ACK carrying its
// current window (RFC 9293 3.10.7.4, first check). Probes back off like
// retransmissions and count against Retries2 (tcp_probe_timer).
func (c *Conn) persistTimeout() {
	if c.sndWnd != 0 || c.sndNxt != c.sndUna || !c.synAcked() {
		return
	}
	if c.probes >= c.cfg.Retries2 {
		c.giveUp(fmt.Sprintf("%d zero-window probes unanswered", c.probes))
		return
	}
	c.probes++
	c.backoff = min(c.backoff+1, maxBackoff)
	c.env.Event(Event{Kind: WindowProbe, Text: fmt.Sprintf("zero window: probe %d, next in %s", c.probes, fmtDur(c.rto()))})
	c.sendProbe()
	c.setTimer(PersistTimer, c.env.Now()+c.rto())
}

// sendProbe sends <SEQ=SND.UNA-1><ACK=RCV.NXT><CTL=ACK> with no data.
func (c *Conn) sendProbe() {
	c.send(c.segment(c.sndUna-1, ACK))
}

// keepaliveTimeout is RFC 1122 4.2.3.6 as Linux does it
// (tcp_keepalive_timer): when nothing has arrived for KeepIdle, send a
// probe every KeepIntvl; after KeepCnt unanswered probes, reset the
// connection and report ETIMEDOUT. "Keep-alive packets MUST only be sent
// when no data or acknowledgement packets have been received for the
// connection within an interval"; the probe is "a segment with
// SEG.SEQ = SND.NXT-1 and may or may not contain one garbage octet of
// data" - ours has none, and nothing is outstanding, so SND.UNA-1 is the
// same number (Linux sends the same probe as for a zero window).
func (c *Conn) keepaliveTimeout() {
	if !c.cfg.KeepAlive || !c.state.synchronized() || c.state == TimeWait {
		return
	}
	now := c.env.Now()
	if c.sndMax != c.sndUna || len(c.sndBuf) > 0 {
		// Data is outstanding: the retransmission timer watches the
		// peer (Linux: "if (tp->packets_out || !tcp_write_queue_empty(sk))
		// goto resched").
		c.setTimer(KeepaliveTimer, now+c.cfg.KeepIdle)
		return
	}
	idle := now - c.lastRecv
	if idle < c.cfg.KeepIdle {
		c.setTimer(KeepaliveTimer, c.lastRecv+c.cfg.KeepIdle)
		return
	}
	if c.probes >= c.cfg.KeepCnt {
		c.giveUp(fmt.Sprintf("%d keepalive probes unanswered", c.probes))
		if c.state == Closed {
			c.sendResetAfterClose()
		}
		return
	}
	c.probes++
	c.env.Event(Event{Kind: KeepaliveProbe, Text: fmt.Sprintf("idle %s: keepalive probe %d of %d", fmtDur(idle), c.probes, c.cfg.KeepCnt)})
	c.sendProbe()
	c.setTimer(KeepaliveTimer, now+c.cfg.KeepIntvl)
}

// sendResetAfterClose sends the RST Linux's keepalive timer sends when
// it gives up (tcp_send_active_reset before tcp_write_err).
func (c *Conn) sendResetAfterClose() {
	seg := &Segment{SrcPort: c.localPort, DstPort: c.remotePort, Seq: c.sndMax, Ack: c.rcvNxt, Flags: RST | ACK}
	c.env.Event(Event{Kind: ResetSent, Text: "keepalive gave up"})
	c.env.Output(seg)
}

package tcp

import "slices"

// An oooPiece is data that arrived beyond a hole in the sequence space.
type oooPiece struct {
	seq  uint32
	data []byte
}

func (p oooPiece) end() uint32 { return p.seq + uint32(len(p.data)) }

// freeSpace is the room left in the receive buffer for in-order data.
func (c *Conn) freeSpace() int { return max(c.cfg.RcvBuf-len(c.rcvBuf), 0) }

// receiveWindow is the window to advertise now, RCV.WND.
//
// RFC 1122 4.2.3.3, receiver SWS avoidance: "keep RCV.NXT+RCV.WND fixed
// until the reduction satisfies: RCV.BUFF - RCV.USER - RCV.WND >= min(
// Fr * RCV.BUFF, Eff.snd.MSS ) where Fr is a fraction whose recommended
// value is 1/2" (we also cap the step at half the largest window). And
// the right edge never moves left: RFC 9293 3.8.6.2.2 strongly
// discourages shrinking the window, and Linux never shrinks it
// (tcp_select_window).
func (c *Conn) receiveWindow() int {
	if c.state == SynSent || c.state == Closed {
		return min(c.freeSpace(), MaxWindow)
	}
	wnd := min(c.freeSpace(), MaxWindow)
	cur := 0
	if seqGT(c.rcvAdv, c.rcvNxt) {
		cur = int(c.rcvAdv - c.rcvNxt)
	}
	threshold := min(c.cfg.RcvBuf/2, c.rcvMss, MaxWindow/2)
	if wnd < cur || wnd-cur < threshold {
		return cur
	}
	return wnd
}

// acceptWindow is how far beyond RCV.NXT incoming data may reach: the
// window we advertised, and never more than the buffer holds, so a
// hostile peer cannot make the connection hold more than RcvBuf bytes.
func (c *Conn) acceptWindow() uint32 {
	w := uint32(0)
	if seqGT(c.rcvAdv, c.rcvNxt) {
		w = c.rcvAdv - c.rcvNxt
	}
	return min(w, uint32(c.freeSpace()))
}

// receive takes the text and FIN of an acceptable segment, already
// trimmed to the window (RFC 9293 3.10.7.4 seventh and eighth steps).
func (c *Conn) receive(seq uint32, data []byte, fin bool) {
	if len(data) == 0 && !fin {
		return
	}
	if len(data) > c.rcvMss {
		c.rcvMss = min(len(data), int(c.cfg.MSS))
	}
	if seq != c.rcvNxt {
		// Out of order: keep it (the window bounds it) and say at
		// once what we miss. RFC 5681 4.2: "A TCP receiver SHOULD send
		// an immediate duplicate ACK when an out-of-order segment
		// arrives."
		c.keepOutOfOrder(seq, data)
		if fin {
			c.oooFin, c.oooFinSeq = true, seq+uint32(len(data))
		}
		c.ackNow = true
		return
	}
	// RFC 9293 3.10.7.4 seventh: "Once in the ESTABLISHED state, it is
	// possible to deliver segment data to user RECEIVE buffers ... Once
	// the TCP endpoint takes responsibility for the data, it advances
	// RCV.NXT over the data accepted".
	c.rcvBuf = append(c.rcvBuf, data...)
	c.rcvNxt += uint32(len(data))
	filled := c.pullOutOfOrder()
	if fin || (c.oooFin && c.oooFinSeq == c.rcvNxt) {
		c.receiveFin()
		return
	}
	if filled {
		// RFC 5681 4.2: "a TCP receiver SHOULD send an immediate ACK
		// when the incoming segment fills in all or part of a gap in
		// the sequence space."
		c.ackNow = true
	} else if len(data) > 0 {
		c.delayAck()
	}
	if len(data) > 0 {
		c.env.Notify()
	}
}

// delayAck holds back the ACK of in-order data. RFC 9293 3.8.6.3: "an
// ACK SHOULD be generated for at least every second full-sized segment"
// and "MUST be less than 0.5 seconds"; Linux acks once more than one
// full segment is unacknowledged (__tcp_ack_snd_check) and otherwise
// waits at least TCP_DELACK_MIN (40 ms).
func (c *Conn) delayAck() {
	c.ackPending = true
	if int(c.rcvNxt-c.lastAckSent) > c.rcvMss {
		c.ackNow = true
		return
	}
	if !c.armed[DelayedAckTimer] {
		c.setTimer(DelayedAckTimer, c.env.Now()+c.cfg.DelayedAck)
	}
}

// keepOutOfOrder stores the parts of [seq, seq+len(data)) not already
// held, so duplicates cost nothing.
func (c *Conn) keepOutOfOrder(seq uint32, data []byte) {
	s, e := seq, seq+uint32(len(data))
	var add []oooPiece
	for _, p := range c.ooo {
		if seqLE(p.end(), s) {
			continue
		}
		if seqGE(p.seq, e) {
			break
		}
		if seqLT(s, p.seq) {
			add = append(add, oooPiece{s, slices.Clone(data[s-seq : p.seq-seq])})
		}
		s = seqMax(s, p.end())
	}
	if seqLT(s, e) {
		add = append(add, oooPiece{s, slices.Clone(data[s-seq:])})
	}
	c.ooo = append(c.ooo, add...)
	slices.SortFunc(c.ooo, func(a, b oooPiece) int {
		if seqLT(a.seq, b.seq) {
			return -1
		}
		if a.seq == b.seq {
			return 0
		}
		return 1
	})
}

// pullOutOfOrder moves into the buffer the held pieces that RCV.NXT has
// reached, and reports whether it moved any.
func (c *Conn) pullOutOfOrder() bool {
	moved := false
	for len(c.ooo) > 0 && seqLE(c.ooo[0].seq, c.rcvNxt) {
		p := c.ooo[0]
		c.ooo = c.ooo[1:]
		if seqGT(p.end(), c.rcvNxt) {
			c.rcvBuf = append(c.rcvBuf, p.data[c.rcvNxt-p.seq:]...)
			c.rcvNxt = p.end()
		}
		moved = true
	}
	if len(c.ooo) == 0 {
		c.ooo = nil
	}
	return moved
}

// receiveFin takes the peer's FIN, in order: RFC 9293 3.10.7.4 eighth
// step, "If the FIN bit is set, signal the user "connection closing" and
// return any pending RECEIVEs with same message, advance RCV.NXT over the
// FIN, and send an acknowledgment for the FIN."
func (c *Conn) receiveFin() {
	c.rcvNxt++
	c.finRcvd = true
	c.oooFin = false
	c.ooo = nil // nothing lies beyond the FIN
	c.ackNow = true
	switch c.state {
	case SynReceived, Established:
		// "SYN-RECEIVED STATE, ESTABLISHED STATE: Enter the CLOSE-WAIT
		// state."
		c.setState(CloseWait)
	case FinWait1:
		// "If our FIN has been ACKed (perhaps in this segment), then
		// enter TIME-WAIT, start the time-wait timer, turn off the
		// other timers; otherwise, enter the CLOSING state."
		if c.finAcked() {
			c.setState(TimeWait)
		} else {
			c.setState(Closing)
		}
	case FinWait2:
		// "Enter the TIME-WAIT state. Start the time-wait timer, turn
		// off the other timers."
		c.setState(TimeWait)
	}
	c.env.Notify()
}

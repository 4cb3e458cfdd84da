package tcp

// output sends what the connection may send now: a SYN, data and a FIN
// as the windows, Nagle and sender SWS avoidance allow, then an ACK if one
// is owed and no segment carried it. It arms the persist timer when a
// zero window stops the data. Every path that changes what may be sent
// ends here.
func (c *Conn) output() {
	if c.env == nil || c.state == Closed || c.state == Listen {
		return
	}
	for c.sendOne() {
	}
	if c.ackNow {
		c.sendAck()
	}
	c.persistCheck()
}

// sendOne sends the next segment from SND.NXT if it may, and reports
// whether it did.
func (c *Conn) sendOne() bool {
	if c.sndNxt == c.iss {
		// Our SYN, first sent or sent again after a timeout: SYN in
		// SYN-SENT, SYN,ACK once the peer's SYN is known (RFC 9293
		// 3.10.7.2 and 3.10.7.3).
		flags := SYN
		if c.state != SynSent {
			flags |= ACK
		}
		c.transmit(c.iss, nil, flags)
		return true
	}
	switch c.state {
	case Established, CloseWait, FinWait1, Closing, LastAck:
	default:
		return false
	}
	if !c.synAcked() {
		return false // no data before the handshake completes
	}
	off := int(c.sndNxt - c.bufSeq)
	if off < 0 || off > len(c.sndBuf) {
		return false // SND.NXT is past the FIN: everything is sent
	}
	avail := len(c.sndBuf) - off
	inFlight := c.sndNxt - c.sndUna
	// RFC 9293 3.8.6.2.1: the sender may send up to SND.UNA+SND.WND;
	// RFC 5681 3: "a TCP MUST NOT send data with a sequence number
	// higher than the sum of the highest acknowledged sequence number
	// and the minimum of cwnd and rwnd."
	limit := min(c.sndWnd, c.cwnd)
	usable := 0
	if limit > inFlight {
		usable = int(limit - inFlight)
	}
	n := min(avail, usable, c.sndMss)
	if n == 0 {
		// A FIN alone, after all the data. It takes one sequence
		// number of the peer's window (Linux tcp_snd_wnd_test), but
		// Linux does not hold "the final FIN" for cwnd (tcp_cwnd_test).
		if c.finQueued && avail == 0 && c.sndNxt == c.finSeq() && c.sndWnd > inFlight {
			c.transmit(c.sndNxt, nil, FIN|ACK)
			return true
		}
		return false
	}
	if n < c.sndMss {
		if n == avail {
			// RFC 9293 3.7.4 (Nagle, RFC 896): "If there is
			// unacknowledged data (i.e., SND.NXT > SND.UNA), then
			// the sending TCP endpoint buffers all user data
			// (regardless of the PSH bit) until the outstanding data
			// has been acknowledged or until the TCP endpoint can
			// send a full-sized segment". TCP_NODELAY turns it off;
			// like Linux, a pending FIN pushes the last piece out.
			if !c.cfg.NoDelay && inFlight > 0 && !c.finQueued {
				return false
			}
		} else if inFlight > 0 && n < int(c.maxSndWnd/2) {
			// RFC 1122 4.2.3.4, sender SWS avoidance: send a piece
			// smaller than a segment that is not the last only "if at
			// least a fraction Fs of the maximum window can be sent"
			// (Fs = 1/2). With nothing in flight we send it anyway,
			// in place of the RFC's override timer.
			return false
		}
	}
	flags := ACK
	if off+n == len(c.sndBuf) {
		flags |= PSH
		// The FIN rides on the last data segment if the window has room.
		if c.finQueued && c.sndWnd > inFlight+uint32(n) {
			flags |= FIN
		}
	}
	data := c.segmentData(n)
	copy(data, c.sndBuf[off:off+n])
	c.transmit(c.sndNxt, data, flags)
	return true
}

// transmit sends a segment of our sequence space starting at seq (a
// SYN, data, a FIN), advancing SND.NXT past it, and does the bookkeeping
// of sending: the retransmission timer, RTT timing, retransmission count.
func (c *Conn) transmit(seq uint32, data []byte, flags Flags) {
	seg := c.segment(seq, flags)
	seg.Data = data
	end := seq + seg.Len()
	if seqLT(seq, c.sndMax) {
		// Sent before: a retransmission. Karn (RFC 6298 3): "RTT
		// samples MUST NOT be made using segments that were
		// retransmitted".
		c.totalRetrans++
		c.timing = false
	} else if !c.timing {
		c.timing, c.rttSeq, c.rttStart = true, seq, c.env.Now()
	}
	if seqGT(end, c.sndNxt) {
		c.sndNxt = end
	}
	if seqGT(end, c.sndMax) {
		c.sndMax = end
	}
	// RFC 6298 5.1: "Every time a packet containing data is sent
	// (including a retransmission), if the timer is not running, start
	// it running so that it will expire after RTO seconds".
	if !c.armed[RetransmitTimer] {
		c.setTimer(RetransmitTimer, c.env.Now()+c.rto())
	}
	c.stopTimer(PersistTimer)
	c.send(seg)
}

// retransmitFirst sends again the first unacknowledged segment without
// moving SND.NXT (fast retransmit, RFC 5681 3.2; a partial ACK, RFC 6582).
func (c *Conn) retransmitFirst() {
	if c.sndUna == c.sndMax {
		return
	}
	if c.sndUna == c.iss {
		c.transmitAt(c.iss, nil, SYN|ACK)
		return
	}
	off := int(c.sndUna - c.bufSeq)
	if off < 0 || off > len(c.sndBuf) {
		return
	}
	// Within the peer's window (Linux would resend the first segment
	// even beyond it; a zero window is left to the persist timer).
	n := min(len(c.sndBuf)-off, c.sndMss, int(c.sndMax-c.sndUna), int(c.sndWnd))
	if n == 0 && c.sndWnd == 0 {
		return
	}
	flags := ACK
	if off+n == len(c.sndBuf) && c.finQueued && seqLT(c.finSeq(), c.sndMax) {
		flags |= FIN
	}
	if n == 0 && flags&FIN == 0 {
		return
	}
	data := c.segmentData(n)
	copy(data, c.sndBuf[off:off+n])
	c.transmitAt(c.sndUna, data, flags)
}

// transmitAt sends a segment of old sequence space again, leaving
// SND.NXT where it is.
func (c *Conn) transmitAt(seq uint32, data []byte, flags Flags) {
	nxt := c.sndNxt
	c.transmit(seq, data, flags)
	c.sndNxt = nxt
}

// sendAck sends an ACK now: <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>.
//
// Its SEQ is the highest sequence number sent, not where the next
// retransmission starts: Linux never moves snd_nxt back after a timeout
// (it resends from its queue), and our sndNxt, which does move back, is
// its retransmission pointer. An ACK with an older SEQ would fail the
// peer's first check, and its acknowledgment would be lost: two sides
// retransmitting at once could then never hear each other.
func (c *Conn) sendAck() {
	if !c.haveIRS() {
		return
	}
	c.send(c.segment(c.sndMax, ACK))
}

// sendReset sends <SEQ=SND.NXT><ACK=RCV.NXT><CTL=RST,ACK>, as Linux's
// tcp_send_active_reset does (an abort, a close with unread data).
func (c *Conn) sendReset() {
	seg := c.segment(c.sndMax, RST|ACK)
	seg.Window = 0
	c.env.Event(Event{Kind: ResetSent, Text: "connection reset by us"})
	c.send(seg)
}

// haveIRS reports whether the peer's SYN has been seen, so RCV.NXT means
// something.
func (c *Conn) haveIRS() bool {
	return c.state != Closed && c.state != SynSent && c.state != Listen
}

// segment builds a segment from our side with the current ACK and window.
func (c *Conn) segment(seq uint32, flags Flags) *Segment {
	seg := c.spareSeg
	if seg == nil {
		seg = new(Segment)
	}
	c.spareSeg = nil
	*seg = Segment{SrcPort: c.localPort, DstPort: c.remotePort, Seq: seq, Flags: flags}
	if flags&SYN != 0 {
		// RFC 9293 3.7.1: the MSS option goes on SYN segments only.
		seg.MSS = c.cfg.MSS
	}
	if flags&ACK != 0 || flags&RST == 0 {
		seg.Window = uint16(c.receiveWindow())
	}
	if flags&ACK != 0 {
		seg.Ack = c.rcvNxt
	}
	return seg
}

// send hands seg to the network, noting what it acknowledged and the
// window it promised.
func (c *Conn) send(seg *Segment) {
	if seg.Flags&ACK != 0 {
		// Any ACK we send carries all we owe (RFC 9293 3.8.6.3).
		c.lastAckSent = c.rcvNxt
		c.ackPending, c.ackNow = false, false
		c.stopTimer(DelayedAckTimer)
		if edge := c.rcvNxt + uint32(seg.Window); seqGT(edge, c.rcvAdv) {
			c.rcvAdv = edge
		}
	}
	c.env.Output(seg)
}

// persistCheck arms the persist timer when data (or a FIN) waits for a
// window the peer closed and nothing is in flight to bring an ACK back:
// RFC 9293 3.8.6.1 (zero-window probing) has the sender keep probing a
// zero window, or a lost window update would stall the connection.
func (c *Conn) persistCheck() {
	if c.sndWnd != 0 || c.sndNxt != c.sndUna || !c.synAcked() || c.armed[RetransmitTimer] {
		return
	}
	waiting := len(c.sndBuf) > int(c.sndNxt-c.bufSeq) || (c.finQueued && c.sndNxt == c.finSeq())
	if waiting && !c.armed[PersistTimer] {
		c.setTimer(PersistTimer, c.env.Now()+c.rto())
	}
}

// segmentData returns an array of n bytes for a segment's data: the one given
// back by Reuse if it is big enough, else a new one.
func (c *Conn) segmentData(n int) []byte {
	if n > 0 && cap(c.spareData) >= n {
		d := c.spareData[:n]
		c.spareData = nil
		return d
	}
	return make([]byte, n)
}

// Reuse gives the connection a segment that some Conn sent (Env.Output)
// and its owner no longer uses, nor its data: the connection may build
// its next segment in it and put the next data in its array. Only an
// owner that keeps nothing of seg, and has given nothing of it to anyone
// who does, may call it (the stack's loopback, once the segment was
// delivered). Data arrays beyond keepBuf are left to the collector.
func (c *Conn) Reuse(seg *Segment) {
	if d := seg.Data; cap(d) > cap(c.spareData) && cap(d) <= keepBuf {
		c.spareData = d[:0]
	}
	seg.Data = nil
	if c.spareSeg == nil {
		c.spareSeg = seg
	}
}

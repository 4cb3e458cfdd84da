package tcp

import "ipcsim/abi"

// ResetFor returns the RST that answers seg when no connection exists
// for it (RFC 9293 3.10.7.1, "If the state is CLOSED ... An incoming
// segment not containing a RST causes a RST to be sent in response"), or
// nil when seg is itself a RST. The stack answers segments for ports with
// no socket with it (connect to a closed port: ECONNREFUSED).
func ResetFor(seg *Segment) *Segment {
	if seg == nil || seg.Flags&RST != 0 {
		return nil
	}
	r := &Segment{SrcPort: seg.DstPort, DstPort: seg.SrcPort}
	if seg.Flags&ACK != 0 {
		// "If the ACK bit is on, <SEQ=SEG.ACK><CTL=RST>"
		r.Seq, r.Flags = seg.Ack, RST
	} else {
		// "If the ACK bit is off, sequence number zero is used,
		// <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>"
		r.Ack, r.Flags = seg.Seq+seg.Len(), RST|ACK
	}
	return r
}

// Input processes a segment that arrived for this connection: RFC 9293
// 3.10.7, SEGMENT ARRIVES. Any segment is safe: what is malformed or
// hostile is dropped or answered as the RFC says.
func (c *Conn) Input(seg *Segment) {
	if seg == nil || c.env == nil {
		return
	}
	switch c.state {
	case Closed, Listen:
		// RFC 9293 3.10.7.1: "all data in the incoming segment is
		// discarded ... An incoming segment not containing a RST
		// causes a RST to be sent in response." (A Conn is never in
		// LISTEN: the Listener is.)
		if r := ResetFor(seg); r != nil {
			c.env.Event(Event{Kind: ResetSent, Text: "segment for a closed connection: " + seg.String()})
			c.env.Output(r)
		}
		return
	case SynSent:
		c.inputSynSent(seg)
	default:
		c.inputSynchronized(seg)
	}
	c.output()
}

// drop reports a segment dropped without an answer.
func (c *Conn) drop(seg *Segment, why string) {
	c.env.Event(Event{Kind: Dropped, Text: why + ": " + seg.String()})
}

// setIRS records the peer's SYN.
func (c *Conn) setIRS(seg *Segment) {
	c.irs = seg.Seq
	c.rcvNxt = seg.Seq + 1
	c.rcvAdv = c.rcvNxt
	c.lastAckSent = c.rcvNxt
	// RFC 9293 3.7.1: the send MSS is the peer's option, or 536 when
	// absent, and never more than our own interface allows.
	peer := int(seg.MSS)
	if peer == 0 {
		peer = DefaultSendMSS
	}
	c.sndMss = max(min(peer, int(c.cfg.MSS)), 1)
	c.updateWindow(seg)
}

// updateWindow takes the window of seg: "set SND.WND <- SEG.WND, set
// SND.WL1 <- SEG.SEQ, and set SND.WL2 <- SEG.ACK" (RFC 9293 3.10.7.4).
func (c *Conn) updateWindow(seg *Segment) {
	old := c.sndWnd
	c.sndWnd, c.sndWl1, c.sndWl2 = uint32(seg.Window), seg.Seq, seg.Ack
	c.maxSndWnd = max(c.maxSndWnd, c.sndWnd)
	if old == 0 && c.sndWnd > 0 && c.armed[PersistTimer] {
		// Linux tcp_ack_probe: the window opened, stop probing.
		c.stopTimer(PersistTimer)
		c.backoff, c.probes = 0, 0
	}
}

// inputSynSent is RFC 9293 3.10.7.3, "If the state is SYN-SENT".
func (c *Conn) inputSynSent(seg *Segment) {
	ackOK := false
	if seg.Flags&ACK != 0 {
		// "first check the ACK bit ... If SEG.ACK =< ISS or SEG.ACK >
		// SND.NXT, send a reset (unless the RST bit is set, if so drop
		// the segment and return) <SEQ=SEG.ACK><CTL=RST>".
		if seqLE(seg.Ack, c.iss) || seqGT(seg.Ack, c.sndMax) {
			if r := ResetFor(seg); r != nil {
				c.env.Event(Event{Kind: ResetSent, Text: "unacceptable ACK in SYN-SENT: " + seg.String()})
				c.env.Output(r)
			} else {
				c.drop(seg, "RST with an unacceptable ACK in SYN-SENT")
			}
			return
		}
		// "If SND.UNA < SEG.ACK =< SND.NXT, then the ACK is acceptable."
		ackOK = seqLT(c.sndUna, seg.Ack)
	}
	if seg.Flags&RST != 0 {
		// "second check the RST bit ... If the ACK was acceptable,
		// then signal to the user "error: connection reset", drop the
		// segment, enter CLOSED state, delete TCB, and return.
		// Otherwise (no ACK), drop the segment and return." Linux
		// reports ECONNREFUSED (tcp_reset in SYN-SENT).
		if ackOK {
			c.env.Event(Event{Kind: ResetReceived, Text: "connection refused: " + seg.String()})
			c.fail(abi.ECONNREFUSED)
		} else {
			c.drop(seg, "RST without an acceptable ACK in SYN-SENT")
		}
		return
	}
	if seg.Flags&SYN == 0 {
		// "fifth, if neither of the SYN or RST bits is set, then drop
		// the segment and return."
		c.drop(seg, "neither SYN nor RST in SYN-SENT")
		return
	}
	// "fourth check the SYN bit ... RCV.NXT is set to SEG.SEQ+1, IRS is
	// set to SEG.SEQ. SND.UNA should be advanced to equal SEG.ACK (if
	// there is an ACK)".
	c.setIRS(seg)
	c.lastRecv = c.env.Now()
	if ackOK {
		c.ackOurData(seg.Ack)
	}
	if c.synAcked() {
		// "If SND.UNA > ISS (our SYN has been ACKed), change the
		// connection state to ESTABLISHED, form an ACK segment
		// <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK> and send it. Data or
		// controls that were queued for transmission MAY be included.
		// ... If there are other controls or text in the segment, then
		// continue processing at the sixth step".
		c.initCongestion()
		c.setState(Established)
		c.ackNow = true
		c.rcvAdv = c.rcvNxt + uint32(c.receiveWindow())
		seq, data, fin := c.trim(seg.Seq+1, seg.Data, seg.Flags&FIN != 0)
		c.receive(seq, data, fin)
		return
	}
	// "Otherwise, enter SYN-RECEIVED, form a SYN,ACK segment
	// <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK> and send it. ... If there are
	// other controls or text in the segment, queue them for processing
	// after the ESTABLISHED state has been reached" - a simultaneous
	// open. We drop the text; the peer sends it again.
	c.setState(SynReceived)
	c.transmitAt(c.iss, nil, SYN|ACK)
}

// acceptable is RFC 9293 3.10.7.4's table, "first check sequence
// number", for a segment of length segLen against window wnd:
//
//	Length  Window  Test
//	0       0       SEG.SEQ = RCV.NXT
//	0       >0      RCV.NXT =< SEG.SEQ < RCV.NXT+RCV.WND
//	>0      0       not acceptable
//	>0      >0      RCV.NXT =< SEG.SEQ < RCV.NXT+RCV.WND
//	                or RCV.NXT =< SEG.SEQ+SEG.LEN-1 < RCV.NXT+RCV.WND
//
// Linux differs for empty segments (tcp_sequence: "!after(seq, rcv_nxt +
// tcp_receive_window(tp))"): SEG.SEQ may equal the right edge, so an ACK
// from a sender that filled the window exactly, and whose last segment
// was lost, is still heard. We follow Linux; the two zero-length rows
// become RCV.NXT =< SEG.SEQ =< RCV.NXT+RCV.WND.
func (c *Conn) acceptable(seq, segLen, wnd uint32) bool {
	inWindow := func(s uint32) bool { return seqLE(c.rcvNxt, s) && seqLT(s, c.rcvNxt+wnd) }
	switch {
	case segLen == 0:
		return seqLE(c.rcvNxt, seq) && seqLE(seq, c.rcvNxt+wnd)
	case wnd == 0:
		return false
	}
	return inWindow(seq) || inWindow(seq+segLen-1)
}

// trim cuts a segment's text to the window: "Segments with higher
// beginning sequence numbers SHOULD be held for later processing"
// and the parts before RCV.NXT or beyond RCV.NXT+RCV.WND are dropped
// (RFC 9293 3.10.7.4, after the first check). A FIN beyond the window goes
// with the data beyond it.
func (c *Conn) trim(seq uint32, data []byte, fin bool) (uint32, []byte, bool) {
	if seqLT(seq, c.rcvNxt) {
		skip := c.rcvNxt - seq
		if skip >= uint32(len(data)) {
			// All the data is old; a FIN right after it is still news.
			if fin && seq+uint32(len(data)) == c.rcvNxt {
				return c.rcvNxt, nil, true
			}
			return c.rcvNxt, nil, false
		}
		data, seq = data[skip:], c.rcvNxt
	}
	wnd := c.acceptWindow()
	right := c.rcvNxt + wnd
	if seqGE(seq, right) {
		return seq, nil, false
	}
	if room := right - seq; uint32(len(data)) >= room {
		// The FIN's sequence number lies beyond the window too.
		data, fin = data[:room], false
	}
	return seq, data, fin
}

// inputSynchronized is RFC 9293 3.10.7.4, "Otherwise" (SYN-RECEIVED and
// the synchronized states).
func (c *Conn) inputSynchronized(seg *Segment) {
	f := seg.Flags
	// Linux (tcp_check_req): a SYN repeated by the peer while we are in
	// SYN-RECEIVED means our SYN,ACK was lost: send it again. The RFC's
	// first check would answer with a bare ACK.
	if c.state == SynReceived && f&SYN != 0 && f&(ACK|RST) == 0 && seg.Seq == c.irs {
		c.transmitAt(c.iss, nil, SYN|ACK)
		return
	}

	// "first check sequence number"
	wnd := uint32(0)
	if seqGT(c.rcvAdv, c.rcvNxt) {
		wnd = c.rcvAdv - c.rcvNxt
	}
	data, fin := seg.Data, f&FIN != 0
	seq := seg.Seq
	if f&SYN != 0 {
		seq++ // the text starts after the SYN
	}
	if !c.acceptable(seg.Seq, seg.Len(), wnd) {
		if wnd == 0 && seg.Seq == c.rcvNxt && f&(ACK|RST) != 0 && f&SYN == 0 {
			// "If the RCV.WND is zero, no segments will be
			// acceptable, but special allowance should be made to
			// accept valid ACKs, URGs, and RSTs." The text is
			// dropped, and our ACK tells the window again.
			data, fin = nil, false
			c.ackNow = true
		} else {
			// "If an incoming segment is not acceptable, an
			// acknowledgment should be sent in reply (unless the RST
			// bit is set, if so drop the segment and return):
			// <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>"
			if f&RST != 0 {
				c.drop(seg, "RST out of window")
				return
			}
			c.drop(seg, "out of window, answered with an ACK")
			if c.state == TimeWait && fin {
				// RFC 9293 3.10.7.4 eighth, TIME-WAIT: a retransmitted
				// FIN: "Restart the 2 MSL time-wait timeout." Linux
				// restarts TCP_TIMEWAIT_LEN (tcp_timewait_state_process).
				c.setTimer(TimeWaitTimer, c.env.Now()+c.cfg.TimeWait)
			}
			c.sendAck()
			return
		}
	}
	c.lastRecv = c.env.Now()

	// "second check the RST bit". RFC 5961 3.2, which RFC 9293 adopts
	// and Linux implements: "If the RST bit is set and the sequence
	// number exactly matches the next expected sequence number
	// (RCV.NXT), then TCP MUST reset the connection"; if it is merely in
	// the window, "TCP MUST send an acknowledgment (challenge ACK)".
	if f&RST != 0 {
		if seg.Seq != c.rcvNxt {
			c.env.Event(Event{Kind: ChallengeAck, Text: "RST in window but not at RCV.NXT: " + seg.String()})
			c.sendAck()
			return
		}
		c.resetReceived(seg)
		return
	}

	// "third check security" - not implemented (no IP security options).

	// "fourth, check the SYN bit": RFC 5961 4.2 as RFC 9293 adopts it,
	// "If the SYN bit is set, irrespective of the sequence number, TCP
	// endpoints MUST send a 'challenge ACK' to the remote peer". In
	// SYN-RECEIVED after a passive open, "return this connection to the
	// LISTEN state": Linux resets the embryonic connection
	// (tcp_check_req, embryonic_reset).
	if f&SYN != 0 {
		if c.state == SynReceived && c.listener != nil {
			c.env.Event(Event{Kind: ResetSent, Text: "unexpected SYN in SYN-RECEIVED: " + seg.String()})
			if r := ResetFor(seg); r != nil {
				c.env.Output(r)
			}
			c.setState(Closed)
			return
		}
		c.env.Event(Event{Kind: ChallengeAck, Text: "SYN on a synchronized connection: " + seg.String()})
		c.sendAck()
		return
	}

	// "fifth check the ACK field: if the ACK bit is off, drop the
	// segment and return".
	if f&ACK == 0 {
		c.drop(seg, "no ACK")
		return
	}
	if !c.processAck(seg) {
		return
	}

	// "sixth, check the URG bit": urgent data is not implemented; the
	// data is delivered inline like any other.

	// "seventh, process the segment text"
	seq, data, fin = c.trim(seq, data, fin)
	switch c.state {
	case Established, FinWait1, FinWait2:
		// Linux (tcp_rcv_state_process): once the user has closed the
		// connection nobody can read new data, so its arrival resets
		// the connection ("tcp_reset ... TCP_MIB_ABORTONDATA"). This is
		// what a write to a peer that closed completely gets back.
		if c.userClosed && len(data) > 0 {
			c.sendReset()
			c.setState(Closed)
			return
		}
		c.receive(seq, data, fin)
	case SynReceived:
		c.receive(seq, data, fin)
	default:
		// "CLOSE-WAIT STATE, CLOSING STATE, LAST-ACK STATE, TIME-WAIT
		// STATE: This should not occur since a FIN has been received
		// from the remote side. Ignore the segment text." (A FIN again
		// is acknowledged: a retransmission the first check let by.)
		if fin || len(data) > 0 {
			c.ackNow = true
		}
		if c.state == TimeWait && fin {
			// "TIME-WAIT STATE: Remain in the TIME-WAIT state.
			// Restart the 2 MSL time-wait timeout."
			c.setTimer(TimeWaitTimer, c.env.Now()+c.cfg.TimeWait)
		}
	}
}

// resetReceived handles an acceptable RST in a state after SYN-SENT
// (RFC 9293 3.10.7.4 second check).
func (c *Conn) resetReceived(seg *Segment) {
	c.env.Event(Event{Kind: ResetReceived, Text: "connection reset by peer: " + seg.String()})
	switch c.state {
	case SynReceived:
		// "If this connection was initiated with a passive OPEN (i.e.,
		// came from the LISTEN state), then return this connection to
		// LISTEN state and return. ... If this connection was initiated
		// with an active OPEN (i.e., came from SYN-SENT state), then
		// the connection was refused".
		if c.listener != nil {
			c.setState(Closed)
			return
		}
		c.fail(abi.ECONNREFUSED)
	case Established, FinWait1, FinWait2:
		// "any outstanding RECEIVEs and SEND should receive "reset"
		// responses ... enter the CLOSED state".
		c.fail(abi.ECONNRESET)
	case CloseWait:
		// Linux (tcp_reset): in CLOSE-WAIT the error is EPIPE.
		c.fail(abi.EPIPE)
	default:
		// "CLOSING STATE, LAST-ACK STATE, TIME-WAIT: If the RST bit is
		// set, then enter the CLOSED state".
		c.setState(Closed)
	}
}

// processAck is the fifth check for a segment with ACK on, and reports
// whether processing goes on to the text.
func (c *Conn) processAck(seg *Segment) bool {
	ack := seg.Ack
	if c.state == SynReceived {
		// "SYN-RECEIVED STATE: If SND.UNA < SEG.ACK =< SND.NXT, then
		// enter ESTABLISHED state and continue processing with the
		// variables below set to: SND.WND <- SEG.WND, SND.WL1 <-
		// SEG.SEQ, SND.WL2 <- SEG.ACK. If the segment acknowledgment
		// is not acceptable, form a reset segment <SEQ=SEG.ACK>
		// <CTL=RST> and send it."
		if !(seqLT(c.sndUna, ack) && seqLE(ack, c.sndMax)) {
			c.env.Event(Event{Kind: ResetSent, Text: "unacceptable ACK in SYN-RECEIVED: " + seg.String()})
			if r := ResetFor(seg); r != nil {
				c.env.Output(r)
			}
			return false
		}
		if c.listener != nil && c.listener.acceptQueueFull() {
			// Linux with tcp_abort_on_overflow = 0 (tcp_check_req,
			// listen_overflow): the accept queue is full, so the ACK
			// is dropped as if lost; the SYN,ACK is sent again later
			// and the peer's answer may find room.
			c.env.Event(Event{Kind: ListenOverflow, Text: "accept queue full: handshake ACK dropped: " + seg.String()})
			return false
		}
		c.ackOurData(ack)
		c.updateWindow(seg)
		c.initCongestion()
		c.setState(Established)
		return true
	}
	// RFC 9293 3.10.7.4, ESTABLISHED STATE: "If the ACK acks something
	// not yet sent (SEG.ACK > SND.NXT), then send an ACK, drop the
	// segment, and return."
	if seqGT(ack, c.sndMax) {
		c.drop(seg, "ACK for data never sent")
		c.sendAck()
		return false
	}
	// RFC 5961 5.2: an ACK older than SND.UNA - MAX.SND.WND is
	// unacceptable: "the ACK value is acceptable only if it is in the
	// range of ((SND.UNA - MAX.SND.WND) =< SEG.ACK =< SND.NXT)" -
	// drop it with a challenge ACK (Linux: tcp_ack, "old ACK").
	if seqLT(ack, c.sndUna-max(c.maxSndWnd, uint32(c.sndMss))) {
		c.env.Event(Event{Kind: ChallengeAck, Text: "ACK far below SND.UNA: " + seg.String()})
		c.sendAck()
		return false
	}
	// RFC 5681 2, duplicate ACK: "(a) the receiver of the ACK has
	// outstanding data, (b) the incoming acknowledgment carries no data,
	// (c) the SYN and FIN bits are both off, (d) the acknowledgment
	// number is equal to the greatest acknowledgment received on the
	// given connection (SND.UNA) and (e) the advertised window in the
	// incoming acknowledgment equals the advertised window in the last
	// incoming acknowledgment."
	dup := ack == c.sndUna && len(seg.Data) == 0 && seg.Flags&(SYN|FIN) == 0 &&
		uint32(seg.Window) == c.sndWnd && c.sndMax != c.sndUna
	if seqLE(c.sndUna, ack) {
		c.probes = 0 // Linux tcp_ack: "Something worked"
	}
	// "If SND.UNA =< SEG.ACK =< SND.NXT, the send window should be
	// updated. If (SND.WL1 < SEG.SEQ or (SND.WL1 = SEG.SEQ and SND.WL2
	// =< SEG.ACK)), set SND.WND <- SEG.WND, set SND.WL1 <- SEG.SEQ, and
	// set SND.WL2 <- SEG.ACK." (An older ACK is a duplicate and is
	// ignored.) Linux also takes the window of any ACK that acknowledges
	// new data (tcp_may_update_window: "after(ack, tp->snd_una)"): else
	// a retransmitted segment, whose SEQ is old, would move SND.UNA but
	// not the window, and SND.UNA+SND.WND would pass the right edge the
	// peer advertised. We follow Linux.
	newData := seqLT(c.sndUna, ack)
	if seqLE(c.sndUna, ack) && (newData || seqLT(c.sndWl1, seg.Seq) || (c.sndWl1 == seg.Seq && seqLE(c.sndWl2, ack))) {
		c.updateWindow(seg)
	}
	// "If SND.UNA < SEG.ACK =< SND.NXT, then set SND.UNA <- SEG.ACK. Any
	// segments on the retransmission queue that are thereby entirely
	// acknowledged are removed."
	if newData {
		c.ackOurData(ack)
	}
	if dup {
		c.onDupAck(ack)
	}
	switch c.state {
	case FinWait1:
		// "In addition to the processing for the ESTABLISHED state, if
		// the FIN segment is now acknowledged, then enter FIN-WAIT-2
		// and continue processing in that state."
		if c.finAcked() {
			c.setState(FinWait2)
		}
	case Closing:
		// "if the ACK acknowledges our FIN, then enter the TIME-WAIT
		// state; otherwise, ignore the segment."
		if c.finAcked() {
			c.setState(TimeWait)
		}
	case LastAck:
		// "The only thing that can arrive in this state is an
		// acknowledgment of our FIN. If our FIN is now acknowledged,
		// delete the TCB, enter the CLOSED state, and return."
		if c.finAcked() {
			c.setState(Closed)
			return false
		}
	}
	return true
}

// ackOurData takes an ACK of new data: SND.UNA moves to ack, the bytes
// before it leave the send buffer, the RTT may be sampled and the window
// grows (RFC 9293 3.10.7.4, RFC 6298, RFC 5681).
func (c *Conn) ackOurData(ack uint32) {
	acked := ack - c.sndUna
	c.sndUna = ack
	if seqGT(ack, c.bufSeq) {
		n := min(int(ack-c.bufSeq), len(c.sndBuf))
		c.sndBuf = drop(c.sndBuf, n)
		c.bufSeq += uint32(n)
	}
	if seqLT(c.sndNxt, ack) {
		c.sndNxt = ack // after a timeout sent SND.NXT back
	}
	if c.timing && seqGT(ack, c.rttSeq) {
		c.timing = false
		c.rttSample(c.env.Now() - c.rttStart)
	}
	c.retries = 0
	if c.state.synchronized() {
		c.onNewAck(ack, acked)
	}
	// RFC 6298 5.2: "When all outstanding data has been acknowledged,
	// turn off the retransmission timer." 5.3: "When an ACK is received
	// that acknowledges new data, restart the retransmission timer so
	// that it will expire after RTO seconds".
	c.stopTimer(RetransmitTimer)
	if c.sndUna != c.sndMax {
		c.setTimer(RetransmitTimer, c.env.Now()+c.rto())
	}
	c.env.Notify() // room in the send buffer
}

// ReusableBy reports whether seg, a SYN from this connection's peer
// address and port, may open a new connection while this one is in
// TIME-WAIT. Linux accepts a SYN whose sequence number is beyond RCV.NXT
// (tcp_timewait_state_process, as RFC 1122 4.2.2.13 allows): the stack
// then forgets this Conn and gives the SYN to the listener.
func (c *Conn) ReusableBy(seg *Segment) bool {
	return c.state == TimeWait && seg != nil && seg.Flags&(SYN|ACK|RST) == SYN && seqGT(seg.Seq, c.rcvNxt)
}

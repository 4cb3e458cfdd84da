package tcp

import (
	"io"
	"strconv"

	"ipcsim/abi"
	"ipcsim/sched"
)

// Connect is the active OPEN (RFC 9293 3.10.1): CLOSED -> SYN-SENT, and
// the SYN <SEQ=ISS><CTL=SYN> goes out. The caller picks the ISS (so runs
// are reproducible). A connection not in CLOSED, or one used before, is
// left alone: the socket layer answers EALREADY or EISCONN itself.
func (c *Conn) Connect(iss uint32) {
	if c.env == nil || c.state != Closed || c.userClosed || c.sendShut {
		return
	}
	c.iss, c.sndUna, c.sndNxt, c.sndMax = iss, iss, iss, iss
	c.bufSeq = iss + 1
	c.recover = iss
	c.setState(SynSent)
	c.output()
}

// passiveOpen is the LISTEN state's answer to a SYN (RFC 9293 3.10.7.2,
// third check): "Set RCV.NXT to SEG.SEQ+1, IRS is set to SEG.SEQ ... ISS
// should be selected and a SYN segment sent of the form:
// <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>. SND.NXT is set to ISS+1 and
// SND.UNA to ISS. The connection state should be changed to SYN-RECEIVED."
// Data on the SYN is dropped, as Linux does without Fast Open.
func (c *Conn) passiveOpen(seg *Segment, iss uint32) {
	c.iss, c.sndUna, c.sndNxt, c.sndMax = iss, iss, iss, iss
	c.bufSeq = iss + 1
	c.recover = iss
	c.setIRS(seg)
	c.lastRecv = c.env.Now()
	c.state = Listen // a listener's child: RFC 9293's LISTEN -> SYN-RECEIVED
	c.setState(SynReceived)
	c.output()
}

// Write appends p to the send buffer, as much as fits, and sends what it
// may. It returns ErrWouldBlock when the buffer is full or the handshake
// is still under way (tcp_sendmsg waits for the connection). Errors: the
// pending error once (ECONNRESET after a reset, Linux's
// sk_stream_wait_connect), then EPIPE once the connection cannot send
// (shut down, closed, reset); the socket layer raises SIGPIPE.
func (c *Conn) Write(p []byte) (int, error) {
	if c.err != 0 {
		return 0, c.TakeErr()
	}
	switch {
	case c.sendShut:
		return 0, abi.EPIPE
	case c.state == SynSent || c.state == SynReceived:
		return 0, ErrWouldBlock
	case c.state != Established && c.state != CloseWait:
		return 0, abi.EPIPE
	}
	if len(p) == 0 {
		return 0, nil
	}
	free := c.cfg.SndBuf - len(c.sndBuf)
	if free <= 0 {
		return 0, ErrWouldBlock
	}
	n := min(len(p), free)
	c.sndBuf = append(c.sndBuf, p[:n]...)
	c.output()
	return n, nil
}

// Read takes received bytes into p (or copies them, if peek). Once the
// bytes are read it reports, as Linux's tcp_recvmsg: io.EOF after the
// peer's FIN; the pending error once (ECONNRESET after a reset), then
// io.EOF; ENOTCONN on a connection never opened; else ErrWouldBlock.
func (c *Conn) Read(p []byte, peek bool) (int, error) {
	if len(c.rcvBuf) > 0 {
		if len(p) == 0 {
			return 0, nil
		}
		n := copy(p, c.rcvBuf)
		if !peek {
			c.consume(n)
		}
		return n, nil
	}
	switch {
	case c.finRcvd:
		return 0, io.EOF
	case c.err != 0:
		return 0, c.TakeErr()
	case c.rcvShut:
		return 0, io.EOF
	case c.state == Closed:
		return 0, abi.ENOTCONN
	}
	return 0, ErrWouldBlock
}

// consume drops n read bytes and, if that opened the window enough,
// tells the peer. Linux's rule (tcp_cleanup_rbuf): send a window update
// when the window we could advertise is at least twice the one the peer
// knows, which with receiver SWS avoidance (receiveWindow) means at least
// min(RcvBuf/2, MSS) of new room (RFC 1122 4.2.3.3).
func (c *Conn) consume(n int) {
	c.rcvBuf = drop(c.rcvBuf, n)
	if c.finRcvd || c.env == nil {
		return
	}
	switch c.state {
	case Established, FinWait1, FinWait2:
	default:
		return
	}
	cur := uint32(0)
	if seqGT(c.rcvAdv, c.rcvNxt) {
		cur = c.rcvAdv - c.rcvNxt
	}
	if next := uint32(c.receiveWindow()); next > cur && next >= 2*cur {
		c.env.Event(Event{Kind: WindowUpdate, Text: "reader made room: window " + strconv.Itoa(int(cur)) + " -> " + strconv.Itoa(int(next))})
		c.sendAck()
	}
}

// Shutdown is shutdown(SHUT_WR), RFC 9293's CLOSE for the sending half:
// a FIN follows the data already written, and the peer can go on
// sending. Linux (tcp_shutdown, tcp_close_state): ESTABLISHED and
// SYN-RECEIVED go to FIN-WAIT-1, CLOSE-WAIT to LAST-ACK, SYN-SENT
// straight to CLOSED.
func (c *Conn) Shutdown() {
	if c.sendShut || c.env == nil {
		return
	}
	c.sendShut = true
	c.closeSending()
	c.env.Notify()
	c.output()
}

// closeSending queues our FIN and moves to the state that waits for its
// ACK (RFC 9293 3.10.4, CLOSE call).
func (c *Conn) closeSending() {
	switch c.state {
	case SynSent:
		// "SYN-SENT STATE: Delete the TCB and return "error:
		// closing" responses to any queued SENDs".
		c.setState(Closed)
	case SynReceived, Established:
		// "ESTABLISHED STATE: Queue this until all preceding SENDs have
		// been segmentized, then form a FIN segment and send it. In
		// any case, enter FIN-WAIT-1 state." (SYN-RECEIVED: the FIN
		// waits for the handshake to complete.)
		c.finQueued = true
		c.setState(FinWait1)
	case CloseWait:
		// "CLOSE-WAIT STATE: Queue this request until all preceding
		// SENDs have been segmentized; then send a FIN segment, enter
		// LAST-ACK state."
		c.finQueued = true
		c.setState(LastAck)
	}
}

// Close is the last close of the socket: no process will read or write
// it again. With unread data it resets the connection instead of closing
// it (RFC 2525 2.17 "Failure to RST on close with data pending"; Linux
// tcp_close: "We need to flush the recv. buffs. We do this only on the
// descriptor close, not protocol-sourced closes, because the reader
// process may not have drained the data yet!"). Otherwise the FIN follows
// the queued data and the connection finishes on its own.
func (c *Conn) Close() {
	if c.userClosed || c.env == nil {
		return
	}
	c.userClosed = true
	unread := len(c.rcvBuf)
	c.rcvBuf, c.ooo = nil, nil
	c.rcvShut = true
	switch {
	case c.state == Closed:
		return
	case unread > 0 && c.haveIRS():
		c.sendReset()
		c.sendShut = true
		c.setState(Closed)
		return
	}
	if !c.sendShut {
		c.sendShut = true
		c.closeSending()
	}
	if c.state == FinWait2 {
		// Linux: an orphaned FIN-WAIT-2 lasts tcp_fin_timeout.
		c.setTimer(TimeWaitTimer, c.env.Now()+c.cfg.TimeWait)
	}
	c.output()
}

// Abort resets the connection now: SO_LINGER {1, 0} then close, or
// RFC 9293's ABORT ("Send a reset segment: <SEQ=SND.NXT><CTL=RST>").
// Linux sends the RST from the states of tcp_need_reset and from
// CLOSING and LAST-ACK with data unsent.
func (c *Conn) Abort() {
	if c.env == nil {
		return
	}
	c.userClosed = true
	c.rcvBuf, c.ooo = nil, nil
	switch c.state {
	case SynReceived, Established, FinWait1, FinWait2, CloseWait, Closing, LastAck:
		c.sendReset()
	}
	c.setState(Closed)
}

// Readiness returns the poll events now, as Linux's tcp_poll computes
// them: POLLHUP when both directions are shut or the connection is
// closed; POLLIN|POLLRDHUP once the peer's FIN (or the end) is reached;
// POLLIN with data; POLLOUT when there is room to write (or writing would
// fail at once); POLLERR with a pending error. Nothing but HUP/ERR during
// the handshake.
func (c *Conn) Readiness() sched.EventMask {
	var ev sched.EventMask
	if c.state == Closed || (c.sendShut && c.rcvShut) {
		ev |= abi.POLLHUP
	}
	if c.finRcvd || c.rcvShut {
		ev |= abi.POLLIN | abi.POLLRDNORM | abi.POLLRDHUP
	}
	if c.state != SynSent && c.state != SynReceived {
		if len(c.rcvBuf) > 0 {
			ev |= abi.POLLIN | abi.POLLRDNORM
		}
		if c.sendShut || c.Writable() {
			ev |= abi.POLLOUT | abi.POLLWRNORM
		}
	}
	if c.err != 0 {
		ev |= abi.POLLERR
	}
	return ev
}

// Readable reports whether a Read would not block.
func (c *Conn) Readable() bool { return c.Readiness()&abi.POLLIN != 0 || c.err != 0 }

// Writable reports whether the send buffer has room enough to wake a
// writer: Linux's sk_stream_is_writeable, free space at least a third of
// the buffer ("sk_stream_wspace(sk) >= sk_stream_min_wspace(sk)").
func (c *Conn) Writable() bool {
	if c.state != Established && c.state != CloseWait {
		return false
	}
	free := c.cfg.SndBuf - len(c.sndBuf)
	return free > 0 && free >= len(c.sndBuf)/2
}

// HungUp reports whether the connection is over in both directions.
func (c *Conn) HungUp() bool { return c.Readiness()&abi.POLLHUP != 0 }

// keepBuf is the largest send or receive buffer kept for reuse once
// emptied: a ping-pong appends to and drains the same small array (fast
// path: no allocation per round trip), and a bulk transfer's big buffer
// goes back to the heap.
const keepBuf = 4096

// drop removes the first n bytes of buf: it returns the rest, or, when
// nothing is left, buf emptied from its start (nil if it is big).
func drop(buf []byte, n int) []byte {
	switch {
	case n < len(buf):
		return buf[n:]
	case cap(buf) <= keepBuf:
		return buf[:0]
	}
	return nil
}

package tcp

import (
	"errors"
	"net/netip"

	"ipcsim/abi"
)

// ErrWouldBlock: the operation cannot proceed now (the send buffer is
// full, or nothing is readable yet): block, or fail with EAGAIN.
var ErrWouldBlock = errors.New("tcp: would block")

// Conn is one connection: RFC 9293's Transmission Control Block, its
// buffers and its timers.
type Conn struct {
	env                   Env
	cfg                   Config
	localPort, remotePort uint16
	remote                netip.AddrPort // for a connection made by a Listener: where the SYN came from
	state                 State
	listener              *Listener // for a passive open not yet accepted: the listener holding it

	// Send sequence space (RFC 9293 3.3.1).
	iss       uint32 // ISS: our initial sequence number
	sndUna    uint32 // SND.UNA: oldest unacknowledged sequence number
	sndNxt    uint32 // SND.NXT: next sequence number to send (moves back to SND.UNA on a timeout)
	sndMax    uint32 // one past the highest sequence number ever sent
	sndWnd    uint32 // SND.WND: the window the peer last advertised
	sndWl1    uint32 // SND.WL1: SEG.SEQ of the segment that last updated SND.WND
	sndWl2    uint32 // SND.WL2: SEG.ACK of the segment that last updated SND.WND
	maxSndWnd uint32 // the largest window the peer ever advertised (sender SWS avoidance)
	sndMss    int    // the largest segment we send: the peer's MSS option (or 536), at most cfg.MSS

	sndBuf    []byte // bytes written and not yet acknowledged; sndBuf[0] is sequence number bufSeq
	bufSeq    uint32 // sequence number of sndBuf[0]
	finQueued bool   // a FIN follows the buffered data: its sequence number is bufSeq+len(sndBuf)

	// Receive sequence space.
	irs         uint32     // IRS: the peer's initial sequence number
	rcvNxt      uint32     // RCV.NXT: next sequence number expected
	rcvAdv      uint32     // RCV.NXT+RCV.WND as last advertised: the right edge we promised
	lastAckSent uint32     // the RCV.NXT our last segment acknowledged
	rcvBuf      []byte     // bytes received in order and not yet read
	ooo         []oooPiece // bytes received beyond a hole, sorted, not overlapping
	oooFin      bool       // a FIN arrived beyond a hole ...
	oooFinSeq   uint32     // ... with this sequence number
	finRcvd     bool       // the peer's FIN arrived in order: reads end in EOF
	rcvMss      int        // the largest segment received (an estimate of the peer's MSS)
	ackPending  bool       // in-order data arrived and is not yet acknowledged (delayed ACK)
	ackNow      bool       // an ACK must go out before the current call returns

	// The user's side.
	sendShut   bool      // no more writes: shutdown(SHUT_WR), close, or the connection ended
	rcvShut    bool      // reads end: close, or the connection ended
	userClosed bool      // Close or Abort was called: no process holds the connection (Linux: orphan)
	err        abi.Errno // sk_err: a pending error, reported once (SO_ERROR)

	// Round-trip time and retransmission (RFC 6298).
	hasRTT       bool   // a first RTT sample was taken
	srtt, rttvar uint64 // SRTT and RTTVAR, ns
	rtoBase      uint64 // the RTO the estimator gives, before backoff
	backoff      int    // timeouts since the last valid RTT sample: RTO is rtoBase << backoff
	retries      int    // consecutive retransmission timeouts of the same data
	totalRetrans int    // segments sent again, over the connection's life
	timing       bool   // a segment is being timed ...
	rttSeq       uint32 // ... its sequence number ...
	rttStart     uint64 // ... and when it was sent

	// Congestion control (RFC 5681, RFC 6582).
	cwnd       uint32 // congestion window, bytes
	ssthresh   uint32 // slow start threshold, bytes
	caAcked    uint32 // bytes acknowledged since cwnd last grew in congestion avoidance
	dupAcks    int    // duplicate ACKs in a row
	inRecovery bool   // in fast recovery ...
	recover    uint32 // ... until SND.UNA reaches this (RFC 6582 "recover")

	probes   int    // zero-window or keepalive probes unanswered (Linux icsk_probes_out)
	lastRecv uint64 // when the last acceptable segment arrived (keepalive idle time)

	armed [numTimers]bool // which timers are armed

	// A segment and a data array the owner gave back (Reuse), for the
	// next segment sent (fast path: no allocation per segment).
	spareSeg  *Segment
	spareData []byte
}

// NewConn returns a connection in CLOSED between localPort and
// remotePort that talks through env. Connect opens it.
func NewConn(env Env, cfg Config, localPort, remotePort uint16) *Conn {
	c := newConn(cfg, localPort, remotePort)
	c.env = env
	return c
}

func newConn(cfg Config, localPort, remotePort uint16) *Conn {
	cfg = cfg.sane()
	c := &Conn{cfg: cfg, localPort: localPort, remotePort: remotePort}
	c.sndMss = min(DefaultSendMSS, int(cfg.MSS))
	c.rcvMss = min(DefaultSendMSS, int(cfg.MSS))
	c.rtoBase = cfg.InitialRTO
	c.ssthresh = maxCwnd
	return c
}

// State returns the connection's state.
func (c *Conn) State() State { return c.state }

// LocalPort and RemotePort return the connection's ports.
func (c *Conn) LocalPort() uint16  { return c.localPort }
func (c *Conn) RemotePort() uint16 { return c.remotePort }

// Remote returns, for a connection a Listener made, the address and port
// its SYN came from; the zero AddrPort for one made by NewConn.
func (c *Conn) Remote() netip.AddrPort { return c.remote }

// Config returns the connection's settings.
func (c *Conn) Config() Config { return c.cfg }

// SetNoDelay sets TCP_NODELAY; turning it on sends what Nagle held back.
func (c *Conn) SetNoDelay(on bool) {
	c.cfg.NoDelay = on
	c.output()
}

// SetKeepAlive sets SO_KEEPALIVE; on a synchronized connection it arms
// (or disarms) the keepalive timer.
func (c *Conn) SetKeepAlive(on bool) {
	c.cfg.KeepAlive = on
	if !on {
		c.stopTimer(KeepaliveTimer)
	} else if c.state.synchronized() && c.state != TimeWait {
		c.setTimer(KeepaliveTimer, c.env.Now()+c.cfg.KeepIdle)
	}
}

// Err returns the pending error (ECONNREFUSED, ECONNRESET, ETIMEDOUT,
// EPIPE), or nil.
func (c *Conn) Err() error {
	if c.err == 0 {
		return nil
	}
	return c.err
}

// TakeErr returns the pending error and clears it, as reading SO_ERROR
// does ("SO_ERROR Get and clear the pending socket error" - socket(7)).
func (c *Conn) TakeErr() error {
	err := c.Err()
	c.err = 0
	return err
}

// setState moves the connection to s, reports it, and does what entering
// s implies.
func (c *Conn) setState(s State) {
	old := c.state
	if old == s {
		return
	}
	c.state = s
	c.env.Event(Event{Kind: StateChange, From: old, To: s, Text: old.String() + " -> " + s.String()})
	switch s {
	case Established:
		if c.cfg.KeepAlive {
			c.setTimer(KeepaliveTimer, c.env.Now()+c.cfg.KeepIdle)
		}
	case FinWait2:
		// Linux: an orphaned connection waits in FIN-WAIT-2 at most
		// tcp_fin_timeout (60 s, as long as TIME-WAIT), then goes away.
		if c.userClosed {
			c.setTimer(TimeWaitTimer, c.env.Now()+c.cfg.TimeWait)
		}
	case TimeWait:
		// RFC 9293 3.10.7.4: "Enter the TIME-WAIT state. Start the
		// time-wait timer, turn off the other timers." Linux waits
		// TCP_TIMEWAIT_LEN (60 s), not 2*MSL.
		for t := range numTimers {
			c.stopTimer(t)
		}
		c.setTimer(TimeWaitTimer, c.env.Now()+c.cfg.TimeWait)
		c.sendShut, c.rcvShut = true, true
		c.sndBuf = nil
	case Closed:
		// RFC 9293 3.10.7: "enter the CLOSED state, delete the TCB".
		// The receive buffer stays readable (Linux reads queued data
		// before reporting the error).
		for t := range numTimers {
			c.stopTimer(t)
		}
		c.sendShut, c.rcvShut = true, true
		c.sndBuf, c.ooo, c.finQueued = nil, nil, false
	}
	if c.listener != nil {
		c.listener.childChanged(c)
	}
	c.env.Notify()
}

// fail ends the connection with error e (as Linux's tcp_done with sk_err
// set): the user's next call reports it.
func (c *Conn) fail(e abi.Errno) {
	c.err = e
	c.setState(Closed)
}

func (c *Conn) setTimer(t Timer, at uint64) {
	c.armed[t] = true
	c.env.SetTimer(t, at)
}

func (c *Conn) stopTimer(t Timer) {
	if c.armed[t] {
		c.armed[t] = false
		c.env.StopTimer(t)
	}
}

// synAcked reports whether our SYN has been acknowledged.
func (c *Conn) synAcked() bool { return c.state != Closed && seqGT(c.sndUna, c.iss) }

// finSeq is the sequence number of our FIN (meaningful when finQueued).
func (c *Conn) finSeq() uint32 { return c.bufSeq + uint32(len(c.sndBuf)) }

// finAcked reports whether our FIN has been sent and acknowledged.
func (c *Conn) finAcked() bool { return c.finQueued && seqGT(c.sndUna, c.finSeq()) }

// Info is what `ss -tin` shows about a connection.
type Info struct {
	State        State
	SndUna       uint32 // SND.UNA
	SndNxt       uint32 // SND.NXT: the highest sequence number sent, plus one (Linux's snd_nxt)
	SndWnd       uint32 // SND.WND: the peer's window
	RcvNxt       uint32 // RCV.NXT
	RcvWnd       uint32 // RCV.WND: the window we last advertised
	SendQueue    int    // bytes written and not yet acknowledged (ss Send-Q)
	RecvQueue    int    // bytes received and not yet read (ss Recv-Q)
	OutOfOrder   int    // bytes held beyond a hole
	MSS          int    // the largest segment we send
	RTO          uint64 // the retransmission timeout now, backoff included, ns
	SRTT, RTTVar uint64 // ns; 0 before the first sample
	Cwnd         int    // congestion window, segments
	Ssthresh     int    // slow start threshold, segments (large before the first loss)
	Retransmits  int    // consecutive timeouts of the oldest segment
	TotalRetrans int    // segments sent again over the connection's life
	Backoff      int    // RTO doublings since the last RTT sample
	Probes       int    // zero-window or keepalive probes unanswered
}

// Info returns the connection's counters.
func (c *Conn) Info() Info {
	in := Info{
		State: c.state, SndUna: c.sndUna, SndNxt: c.sndMax, SndWnd: c.sndWnd,
		RcvNxt: c.rcvNxt, SendQueue: len(c.sndBuf), RecvQueue: len(c.rcvBuf),
		MSS: c.sndMss, RTO: c.rto(), SRTT: c.srtt, RTTVar: c.rttvar,
		Cwnd: int(c.cwnd) / c.sndMss, Ssthresh: int(c.ssthresh) / c.sndMss,
		Retransmits: c.retries, TotalRetrans: c.totalRetrans, Backoff: c.backoff, Probes: c.probes,
	}
	if seqGT(c.rcvAdv, c.rcvNxt) {
		in.RcvWnd = c.rcvAdv - c.rcvNxt
	}
	for _, p := range c.ooo {
		in.OutOfOrder += len(p.data)
	}
	return in
}

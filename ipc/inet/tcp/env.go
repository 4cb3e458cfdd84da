package tcp

import "strconv"

// Env is everything a connection needs from outside: the time, a way to
// send, timers, and a way to tell its owner what happened. The machine
// calls it and does no I/O of its own. The methods are called during
// Connect, Input, Fire and the user calls, never later.
type Env interface {
	// Now is the virtual time in nanoseconds.
	Now() uint64
	// Output sends seg to the peer. The Conn keeps nothing of seg after
	// the call, and never reuses seg or seg.Data unless they are given
	// back to a Conn (Conn.Reuse): the callee may keep both.
	Output(seg *Segment)
	// SetTimer arms timer t to fire at time at; arming an armed timer
	// moves it. When it fires the owner calls Conn.Fire(t).
	SetTimer(t Timer, at uint64)
	// StopTimer disarms t; a stopped timer must not fire.
	StopTimer(t Timer)
	// Event reports something the trace should show.
	Event(e Event)
	// Notify says that readiness may have changed (readable, writable,
	// error, hang-up, or a listener's accept queue): the owner wakes its
	// waiters, which look at Readiness.
	Notify()
}

// Timer names one of a connection's timers. The names end in Timer
// because State and EventKind already have a TimeWait and a Retransmit.
type Timer int

const (
	RetransmitTimer Timer = iota // RTO: retransmit the oldest unacknowledged segment (RFC 6298)
	DelayedAckTimer              // send the ACK held back (RFC 9293 3.8.6.3)
	PersistTimer                 // probe a zero window (RFC 9293 3.8.6.1)
	KeepaliveTimer               // probe an idle connection (RFC 1122 4.2.3.6)
	TimeWaitTimer                // leave TIME-WAIT (also: an orphaned FIN-WAIT-2 gives up)
	numTimers
)

var timerNames = [...]string{"retransmit", "delayed-ack", "persist", "keepalive", "time-wait"}

func (t Timer) String() string {
	if t < 0 || t >= numTimers {
		return "Timer(" + strconv.Itoa(int(t)) + ")"
	}
	return timerNames[t]
}

// EventKind says what an Event is about.
type EventKind int

const (
	StateChange      EventKind = iota // From -> To
	Retransmit                        // a segment sent again after a timeout (the trace also shows the segment)
	FastRetransmit                    // a segment sent again after three duplicate ACKs (RFC 5681 3.2)
	RTOUpdate                         // the retransmission timeout changed (RFC 6298)
	KeepaliveProbe                    // an idle connection probed (RFC 1122 4.2.3.6)
	WindowProbe                       // a zero window probed (RFC 9293 3.8.6.1)
	WindowUpdate                      // an ACK sent because the reader made room (RFC 1122 4.2.3.3)
	Dropped                           // an incoming segment dropped: out of window, a bad ACK, a full queue...
	ResetSent                         // we sent a RST
	ResetReceived                     // an acceptable RST closed the connection
	ChallengeAck                      // an ACK answering a suspicious RST or SYN (RFC 5961)
	GaveUp                            // too many retransmissions or probes: the connection timed out
	ListenOverflow                    // a listener dropped a SYN or a completing ACK: its queue is full
	CongestionUpdate                  // cwnd or ssthresh changed on a loss (RFC 5681)
	numEventKinds
)

// Event is something the trace shows about a connection.
type Event struct {
	Kind     EventKind
	From, To State  // for StateChange
	Text     string // a short plain-English sentence
}

var eventNames = [...]string{"state", "retransmit", "fast-retransmit", "rto", "keepalive-probe",
	"window-probe", "window-update", "dropped", "reset-sent", "reset-received", "challenge-ack",
	"gave-up", "listen-overflow", "congestion"}

func (k EventKind) String() string {
	if k < 0 || k >= numEventKinds {
		return "EventKind(" + strconv.Itoa(int(k)) + ")"
	}
	return eventNames[k]
}

func (e Event) String() string { return e.Kind.String() + ": " + e.Text }

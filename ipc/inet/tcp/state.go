package tcp

// State is a connection's state, RFC 9293 3.3.2.
type State int

const (
	Closed      State = iota // no connection
	Listen                   // waiting for a connection request from any remote TCP
	SynSent                  // sent a SYN, waiting for a matching one
	SynReceived              // received and sent a SYN, waiting for the ACK of ours
	Established              // open: data flows both ways
	FinWait1                 // closed by us, our FIN not yet acknowledged
	FinWait2                 // our FIN acknowledged, waiting for the peer's FIN
	CloseWait                // the peer's FIN received, waiting for our close
	Closing                  // both FINs sent, ours not yet acknowledged
	LastAck                  // the peer closed first, waiting for the ACK of our FIN
	TimeWait                 // both closed; waiting so the peer surely got our last ACK
)

var stateNames = [...]string{"CLOSED", "LISTEN", "SYN-SENT", "SYN-RECEIVED", "ESTABLISHED",
	"FIN-WAIT-1", "FIN-WAIT-2", "CLOSE-WAIT", "CLOSING", "LAST-ACK", "TIME-WAIT"}

// String gives the RFC's name of the state: "SYN-SENT", "ESTABLISHED".
func (s State) String() string {
	if s < 0 || int(s) >= len(stateNames) {
		return "State(?)"
	}
	return stateNames[s]
}

// synchronized reports whether the state is one of RFC 9293's
// "synchronized states" (ESTABLISHED and after), in which both sides know
// each other's sequence numbers.
func (s State) synchronized() bool { return s >= Established }

package kernel

import (
	"fmt"

	"ipcsim/sched"
)

// InetState is one TCP or UDP socket, or an orphaned TCP connection, as
// `ss -tuanpi` lists it: protocol, state, queues, addresses, the
// connection's windows and timers, and who waits on it.
type InetState struct {
	ID      int      `json:"id,omitempty"` // the socket (inet#ID); 0 for an orphan
	Proto   string   `json:"proto"`        // tcp, udp
	State   string   `json:"state"`        // LISTEN, ESTAB, SYN-SENT, TIME-WAIT, UNCONN ...
	RecvQ   int      `json:"recv_q"`
	SendQ   int      `json:"send_q"`
	Local   string   `json:"local"`
	Peer    string   `json:"peer"` // "*:*" when there is none
	Orphan  bool     `json:"orphan,omitempty"`
	Error   string   `json:"error,omitempty"`
	Detail  string   `json:"detail,omitempty"`
	Waiting []string `json:"waiting"`
}

func (k *Kernel) inetSnapshot(s *Snapshot) {
	if k.inet == nil {
		return
	}
	socks := k.inet.Sockets()
	for _, in := range k.inet.Infos() {
		st := InetState{ID: in.ID, Proto: in.Proto, State: in.State, RecvQ: in.RecvQ, SendQ: in.SendQ,
			Local: in.Local.String(), Peer: "*:*", Orphan: in.Orphan, Error: in.Error, Detail: in.Detail, Waiting: []string{}}
		if in.Remote.IsValid() {
			st.Peer = in.Remote.String()
		}
		for _, so := range socks {
			if so.ID != in.ID || in.Orphan {
				continue
			}
			so.Queue.Each(func(e *sched.Entry) {
				if t, ok := e.Waiter.(*Task); ok {
					what := "poll"
					if t.call != nil {
						what = t.call.no.String()
					}
					st.Waiting = append(st.Waiting, fmt.Sprintf("pid %d (%s)", t.PID, what))
				}
			})
		}
		s.Inet = append(s.Inet, st)
	}
}

package kernel

import (
	"fmt"

	"ipcsim/abi"
	"ipcsim/ipc/unix"
	"ipcsim/sched"
)

// SocketState is one Unix socket, as `ss -xp` lists it: type, state,
// bound name, peer, what is queued each way, the connections waiting in
// a listener's backlog, descriptors in flight, and who waits.
type SocketState struct {
	ID       int      `json:"id"`
	Type     string   `json:"type"`            // u_str, u_dgr, u_seq (ss's names)
	State    string   `json:"state"`           // UNCONN, LISTEN, ESTAB
	Local    string   `json:"local,omitempty"` // "/tmp/s", "@name" (abstract)
	Peer     int      `json:"peer,omitempty"`  // the peer's socket id
	RecvQ    int      `json:"recv_q"`          // unread bytes (a listener: connections waiting)
	RecvMsgs int      `json:"recv_msgs"`       // buffers in the receive queue
	SendQ    int      `json:"send_q"`          // bytes charged to the send buffer (true sizes), of Sndbuf
	Sndbuf   int      `json:"sndbuf"`
	Backlog  int      `json:"backlog,omitempty"`
	Pending  []int    `json:"pending,omitempty"` // a listener's connections not yet accepted
	InFlight int      `json:"in_flight,omitempty"`
	Shutdown string   `json:"shutdown,omitempty"`
	Error    string   `json:"error,omitempty"`
	Waiting  []string `json:"waiting"`
}

func (k *Kernel) socketSnapshot(s *Snapshot) {
	if k.socks == nil {
		return
	}
	for _, so := range k.socks.net.Sockets() {
		s.Sockets = append(s.Sockets, socketState(so))
	}
}

func socketState(so *unix.Socket) SocketState {
	st := SocketState{ID: so.ID, Type: map[int]string{abi.SOCK_STREAM: "u_str", abi.SOCK_DGRAM: "u_dgr", abi.SOCK_SEQPACKET: "u_seq"}[so.Type],
		State: so.State().String(), SendQ: so.Wmem(), Sndbuf: so.Sndbuf(), InFlight: so.InFlight(), Waiting: []string{}}
	if a := so.Addr(); a != nil {
		if so.IsPath() {
			st.Local = string(a[:len(a)-1])
		} else {
			st.Local = "@" + string(a[1:])
		}
	}
	if p := so.Peer(); p != nil {
		st.Peer = p.ID
	}
	st.RecvQ, st.RecvMsgs = so.Queued()
	if so.State() == unix.Listening {
		st.Backlog = so.Backlog()
		for _, c := range so.Pending() {
			st.Pending = append(st.Pending, c.ID)
		}
		st.RecvQ = len(st.Pending)
	}
	st.Shutdown = [...]string{"", "SHUT_RD", "SHUT_WR", "SHUT_RDWR"}[so.ShutdownBits()]
	if e := so.PendingError(); e != 0 {
		st.Error = e.String()
	}
	so.Queue.Each(func(e *sched.Entry) {
		t, ok := e.Waiter.(*Task)
		if !ok {
			return
		}
		what := "poll"
		if t.call != nil {
			what = t.call.no.String()
		}
		st.Waiting = append(st.Waiting, fmt.Sprintf("pid %d (%s)", t.PID, what))
	})
	return st
}

package kernel

import (
	"fmt"

	"ipcsim/sched"
)

// InetState is one TCP or UDP socket, or an orphaned TCP connection, as
// `ss -tuanpi` lists it: protocol, state, queues, addresses, the
// connection's windows and timers, who holds it and who waits on it.
type InetState struct {
	ID     int    `json:"id,omitempty"` // the socket (inet#ID); 0 for an orphan
	Proto  string `json:"proto"`        // tcp, udp
	State  string `json:"state"`        // LISTEN, ESTAB, SYN-SENT, TIME-WAIT, UNCONN ...
	RecvQ  int    `json:"recv_q"`
	SendQ  int    `json:"send_q"`
	Local  string `json:"local"`
	Peer   string `json:"peer"` // "*:*" when there is none
	Orphan bool   `json:"orphan,omitempty"`
	Error  string `json:"error,omitempty"`
	Detail string `json:"detail,omitempty"`
	// Users are the descriptors that refer to the socket, by pid then
	// fd (ss -p's users:(("bulk",pid=2,fd=3))): a socket shared after
	// fork or dup has several; an orphan has none.
	Users   []InetUser `json:"users"`
	Waiting []string   `json:"waiting"`
}

// InetUser is one descriptor of one process that refers to a socket.
type InetUser struct {
	Name string `json:"name"` // the process's name
	PID  int    `json:"pid"`
	FD   int    `json:"fd"`
}

func (k *Kernel) inetSnapshot(s *Snapshot) {
	if k.inet == nil {
		return
	}
	users := k.inetUsers()
	socks := k.inet.Sockets()
	for _, in := range k.inet.Infos() {
		st := InetState{ID: in.ID, Proto: in.Proto, State: in.State, RecvQ: in.RecvQ, SendQ: in.SendQ,
			Local: in.Local.String(), Peer: "*:*", Orphan: in.Orphan, Error: in.Error, Detail: in.Detail,
			Users: []InetUser{}, Waiting: []string{}}
		if in.Remote.IsValid() {
			st.Peer = in.Remote.String()
		}
		if !in.Orphan {
			st.Users = append(st.Users, users[in.ID]...)
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

// inetUsers returns, for each inet socket's ID, the descriptors that
// refer to it: the processes in pid order, each one's descriptors in fd
// order, so each list comes out in that order (the map is only looked
// up, never walked).
func (k *Kernel) inetUsers() map[int][]InetUser {
	users := map[int][]InetUser{}
	for _, t := range k.sortedProcs() {
		if t.Files == nil {
			continue
		}
		for _, fd := range t.Files.Open() {
			ref, _ := t.Files.Get(fd)
			if f, ok := ref.(*OpenFile).ops.(*inetFile); ok {
				users[f.s.ID] = append(users[f.s.ID], InetUser{Name: t.Name, PID: t.PID, FD: fd})
			}
		}
	}
	return users
}

package kernel

import (
	"fmt"
	"strings"

	"ipcsim/abi"
	"ipcsim/ipc/epoll"
	"ipcsim/sched"
)

// EpollState is one epoll instance: its interest list, its ready list in
// order, and who waits on it.
type EpollState struct {
	ID       int              `json:"id"`
	Name     string           `json:"name"`     // epoll#1
	Interest []EpollItemState `json:"interest"` // by fd
	Ready    []int            `json:"ready"`    // the fds of the ready list, head first
	Waiting  []string         `json:"waiting"`  // "pid 3 (epoll_pwait)", "epoll#2 (fd 5)", in wait-queue order
}

// EpollItemState is one watched (file, fd) pair.
type EpollItemState struct {
	FD     int    `json:"fd"`
	File   string `json:"file"`            // "pipe#2 (read end)"
	Events string `json:"events"`          // EPOLLIN|EPOLLET
	Data   uint64 `json:"data"`            // epoll_data_t as a number
	State  string `json:"state,omitempty"` // "ready", "disarmed" (a one-shot item that reported)
}

// epollSnapshot adds every epoll instance to s, by id. It does not ask a
// watched file for its readiness: looking changes nothing.
func (k *Kernel) epollSnapshot(s *Snapshot) {
	for _, ep := range k.epolls {
		s.Epolls = append(s.Epolls, epollState(ep))
	}
}

func epollState(ep *epoll.Instance) EpollState {
	st := EpollState{ID: ep.ID, Name: fmt.Sprintf("epoll#%d", ep.ID), Interest: []EpollItemState{}, Ready: []int{}, Waiting: []string{}}
	for _, it := range ep.Items() {
		is := EpollItemState{FD: it.FD, File: fileName(it.File.(*OpenFile)), Data: it.Data,
			Events: flagNames(uint64(it.Events&^epoll.Always), epollFlags)}
		var state []string
		if it.Ready() {
			state = append(state, "ready")
		}
		if it.Disarmed() {
			state = append(state, "disarmed")
		}
		is.State = strings.Join(state, ", ")
		st.Interest = append(st.Interest, is)
	}
	for _, it := range ep.ReadyList() {
		st.Ready = append(st.Ready, it.FD)
	}
	ep.Queue().Each(func(e *sched.Entry) {
		switch w := e.Waiter.(type) {
		case *Task:
			what := "poll"
			if w.call != nil && (w.call.no == abi.SysEpollPwait || w.call.no == abi.SysEpollPwait2) {
				what = w.call.no.String()
			}
			st.Waiting = append(st.Waiting, fmt.Sprintf("pid %d (%s)", w.PID, what))
		case *epoll.Item:
			st.Waiting = append(st.Waiting, fmt.Sprintf("epoll#%d (fd %d)", w.Owner().ID, w.FD))
		}
	})
	return st
}

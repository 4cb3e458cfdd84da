package kernel

import (
	"fmt"

	"ipcsim/abi"
	"ipcsim/ipc/mqueue"
	"ipcsim/ipc/msgq"
)

// MsgQueueState is one System V message queue, as ipcs -q lists it, with
// its list of messages head to tail and who waits.
type MsgQueueState struct {
	Key       string     `json:"key"` // 0x00001234
	ID        int        `json:"msqid"`
	Owner     int        `json:"owner"` // uid
	Perms     string     `json:"perms"` // octal, as ipcs prints it: 600
	UsedBytes int        `json:"used_bytes"`
	Messages  int        `json:"messages"`
	QBytes    int        `json:"qbytes"`
	LSPID     int        `json:"lspid"`
	LRPID     int        `json:"lrpid"`
	List      []MsgState `json:"list"`      // head to tail
	Senders   []string   `json:"senders"`   // "pid 3 (8192 bytes)", in wait order
	Receivers []string   `json:"receivers"` // "pid 4 (type <= 3)", in wait order
}

// MsgState is one node of a queue's list.
type MsgState struct {
	Type int64  `json:"type"`
	Size int    `json:"size"`
	Data string `json:"data"` // the first bytes, quoted
}

// MqState is one POSIX message queue.
type MqState struct {
	Name      string       `json:"name"` // "/jobs"
	Unlinked  bool         `json:"unlinked,omitempty"`
	MaxMsg    int          `json:"maxmsg"`
	MsgSize   int          `json:"msgsize"`
	CurMsgs   int          `json:"curmsgs"`
	Opens     int          `json:"opens"`
	List      []MqMsgState `json:"list"`             // in receive order
	Notify    string       `json:"notify,omitempty"` // "pid 3, SIGUSR1"
	Senders   []string     `json:"senders"`
	Receivers []string     `json:"receivers"`
}

// MqMsgState is one message of a POSIX queue.
type MqMsgState struct {
	Prio uint32 `json:"prio"`
	Size int    `json:"size"`
	Data string `json:"data"`
}

const inspectBytes = 16 // how much of a message a listing shows

// msgSnapshot adds every message queue to s: System V ones by index, POSIX
// ones by name (never in map order).
func (k *Kernel) msgSnapshot(s *Snapshot) {
	if k.msgIDs != nil {
		for _, q := range k.msgIDs.All() {
			s.MsgQueues = append(s.MsgQueues, msgQueueState(q))
		}
	}
	if k.mqNS != nil {
		for _, q := range k.mqNS.Queues() {
			s.MQueues = append(s.MQueues, mqState(q))
		}
	}
}

func msgQueueState(q *msgq.Queue) MsgQueueState {
	p := q.IPCPerm()
	st := MsgQueueState{Key: fmt.Sprintf("0x%08x", uint32(p.Key)), ID: p.ID, Owner: p.UID,
		Perms: fmt.Sprintf("%o", p.Mode), UsedBytes: q.CBytes, Messages: q.QNum, QBytes: q.QBytes,
		LSPID: q.LSPID, LRPID: q.LRPID, List: []MsgState{}, Senders: []string{}, Receivers: []string{}}
	for m := q.Head(); m != nil; m = m.Next() {
		st.List = append(st.List, MsgState{Type: m.Type, Size: m.Size, Data: quoteBytes(m.Data, inspectBytes)})
	}
	for _, w := range q.Senders() {
		st.Senders = append(st.Senders, fmt.Sprintf("pid %d (type %d, %d bytes)", w.PID, w.Msg.Type, w.Size))
	}
	for _, r := range q.Receivers() {
		wants := r.Req.Wants()
		if wants == "" {
			wants = " of any type"
		}
		st.Receivers = append(st.Receivers, fmt.Sprintf("pid %d (a message%s, buffer %d bytes)", r.PID, wants, r.Req.Size))
	}
	return st
}

func mqState(q *mqueue.Queue) MqState {
	st := MqState{Name: "/" + q.Name, Unlinked: q.Unlinked(), MaxMsg: q.MaxMsg, MsgSize: q.MsgSize,
		CurMsgs: q.CurMsgs, Opens: q.Opens(), List: []MqMsgState{}, Senders: []string{}, Receivers: []string{}}
	for m := q.Head(); m != nil; m = m.Next() {
		st.List = append(st.List, MqMsgState{Prio: m.Prio, Size: len(m.Data), Data: quoteBytes(m.Data, inspectBytes)})
	}
	if n := q.Notification(); n != nil {
		st.Notify = fmt.Sprintf("pid %d, SIGEV_NONE", n.PID)
		if n.Notify == abi.SIGEV_SIGNAL {
			st.Notify = fmt.Sprintf("pid %d, signal %d", n.PID, n.Signo)
		}
	}
	for _, w := range q.Senders() {
		st.Senders = append(st.Senders, fmt.Sprintf("pid %d (priority %d, %d bytes)", w.PID, w.Msg.Prio, len(w.Msg.Data)))
	}
	for _, r := range q.Receivers() {
		st.Receivers = append(st.Receivers, fmt.Sprintf("pid %d", r.PID))
	}
	return st
}

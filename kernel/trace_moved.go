package kernel

import (
	"fmt"

	"ipcsim/abi"
	"ipcsim/ipc/unix"
)

// traceMoved fills the fields of a successful call's event that say what
// it moved, for the views that draw an arrow from a send to the receive
// that took it (sim/timeline.go): the message of a message-queue send or
// receive (Obj and Msg, which its handler noted in c), and the queue of a
// socket send or receive (Via). Called only when tracing.
func (k *Kernel) traceMoved(t *Task, c *call, e *Event) {
	switch c.no {
	case abi.SysMsgsnd, abi.SysMsgrcv, abi.SysMqTimedsend, abi.SysMqTimedreceive:
		if c.traceMsg != 0 {
			e.Msg = c.traceMsg
			e.Obj = c.traceObj
			if e.Obj == "" {
				e.Obj = fdName(t, c.a[0]) // a POSIX queue's descriptor
			}
		}
	case abi.SysWrite, abi.SysWritev, abi.SysSendto, abi.SysSendmsg:
		e.Via = socketVia(t, c, true)
	case abi.SysRead, abi.SysReadv:
		e.Via = socketVia(t, c, false)
	case abi.SysRecvfrom, abi.SysRecvmsg:
		flags := c.a[3] // recvfrom(fd, buf, len, flags, ...)
		if c.no == abi.SysRecvmsg {
			flags = c.a[2] // recvmsg(fd, msg, flags)
		}
		if flags&abi.MSG_PEEK == 0 { // a peek takes nothing
			e.Via = socketVia(t, c, false)
		}
	}
}

// socketVia names the queue a send on descriptor c.a[0] put its bytes in
// (send), or a receive took them from, for Event.Via: a Unix socket's
// receive queue, prefixed by its type, or one direction of a TCP
// connection; "" for a descriptor that is no such socket (a pipe), a
// datagram sent nowhere traced, or UDP.
func socketVia(t *Task, c *call, send bool) string {
	ref, ok := t.Files.Get(int(int32(c.a[0])))
	if !ok {
		return ""
	}
	f, ok := ref.(*OpenFile)
	if !ok {
		return ""
	}
	switch s := f.ops.(type) {
	case *socketFile:
		kind := "stream"
		switch s.s.Type {
		case abi.SOCK_DGRAM:
			kind = "dgram"
		case abi.SOCK_SEQPACKET:
			kind = "seqpacket"
		}
		to := s.s
		if send {
			if c.traceVia != "" { // sendto a named socket (doSend)
				return kind + " " + c.traceVia
			}
			if to = s.s.Peer(); to == nil {
				return ""
			}
		}
		return kind + " " + socketName(to)
	case *inetFile:
		if s.s.Type != abi.SOCK_STREAM {
			return ""
		}
		remote, ok := s.s.Remote()
		if !ok {
			return ""
		}
		if send {
			return fmt.Sprintf("tcp %v>%v", s.s.Local(), remote)
		}
		return fmt.Sprintf("tcp %v>%v", remote, s.s.Local())
	}
	return ""
}

// socketName is a Unix socket's name in the trace: "socket#3".
func socketName(s *unix.Socket) string { return fmt.Sprintf("socket#%d", s.ID) }

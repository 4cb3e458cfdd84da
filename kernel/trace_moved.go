package kernel

import (
	"fmt"

	"ipcsim/abi"
	"ipcsim/ipc/inet"
	"ipcsim/ipc/unix"
)

// moved is what a traced call moved, as its handler notes it (only when
// tracing) for traceMoved; the kernel clears it after each call's event
// and when a call blocks.
type moved struct {
	obj string            // the message queue ("q#0"); "" for a POSIX queue, named by its descriptor
	msg uint64            // the message's number on its queue (Seq)
	via string            // the socket a datagram was sent to by name: "socket#4"
	udp inet.DatagramName // the UDP datagram sent or taken
}

// traceMoved fills the fields of a successful call's event that say what
// it moved, for the views that draw an arrow from a send to the receive
// that took it (sim/timeline.go): the message of a message-queue send or
// receive (Obj and Msg, which its handler noted in k.moved), the queue of a
// socket send or receive (Via), and the UDP datagram a send or receive
// moved (Via and Msg, noted by inetSend and inetRecv). Called only when
// tracing.
func (k *Kernel) traceMoved(t *Task, c *call, e *Event) {
	switch c.no {
	case abi.SysMsgsnd, abi.SysMsgrcv, abi.SysMqTimedsend, abi.SysMqTimedreceive:
		if k.moved.msg != 0 {
			e.Msg, e.Obj = k.moved.msg, k.movedQueue(t, c)
		}
	case abi.SysWrite, abi.SysWritev, abi.SysSendto, abi.SysSendmsg:
		if k.moved.udp.Num != 0 {
			k.traceDatagram(e)
			return
		}
		e.Via = socketVia(t, c, k.moved.via, true)
	case abi.SysRead, abi.SysReadv:
		if k.moved.udp.Num != 0 {
			k.traceDatagram(e)
			return
		}
		e.Via = socketVia(t, c, "", false)
	case abi.SysRecvfrom, abi.SysRecvmsg:
		if k.moved.udp.Num != 0 { // not noted for a peek, which takes nothing
			k.traceDatagram(e)
			return
		}
		flags := c.a[3] // recvfrom(fd, buf, len, flags, ...)
		if c.no == abi.SysRecvmsg {
			flags = c.a[2] // recvmsg(fd, msg, flags)
		}
		if flags&abi.MSG_PEEK == 0 { // a peek takes nothing
			e.Via = socketVia(t, c, "", false)
		}
	}
}

// movedQueue names the message queue a message-queue call moved its
// message through (k.moved), for Event.Obj: a System V queue's name, or
// what a POSIX queue's descriptor names.
func (k *Kernel) movedQueue(t *Task, c *call) string {
	if k.moved.obj != "" {
		return k.moved.obj
	}
	return fdName(t, c.a[0])
}

// traceDatagram names the UDP datagram a send or receive moved, as
// inetSend or inetRecv noted it: Via "udp 10.0.0.1:5000>10.0.0.2:53" and
// Msg its number among the datagrams its host sent, the same where it was
// sent and where it was taken, on one host or two.
func (k *Kernel) traceDatagram(e *Event) {
	e.Via, e.Msg = k.moved.udp.String(), k.moved.udp.Num
}

// socketVia names the queue a send on descriptor c.a[0] put its bytes in
// (send; to names the socket a datagram was sent to by name, if any), or
// a receive took them from, for Event.Via: a Unix socket's
// receive queue, prefixed by its type, or one direction of a TCP
// connection; "" for a descriptor that is no such socket (a pipe), a
// datagram sent nowhere traced, or UDP.
func socketVia(t *Task, c *call, to string, send bool) string {
	f := openFileOf(t, c.a[0])
	if f == nil {
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
		dst := s.s
		if send {
			if to != "" { // sendto a named socket (doSend)
				return kind + " " + to
			}
			if dst = s.s.Peer(); dst == nil {
				return ""
			}
		}
		return kind + " " + socketName(dst)
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
func socketName(s *unix.Socket) string { return string(appendSocketName(nil, s.ID)) }

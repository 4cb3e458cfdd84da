package sim

import (
	"fmt"
	"maps"
	"strings"

	"ipcsim/kernel"
)

// ipcFlows matches each receive of a run to the sends whose bytes or
// message it took, for the arrows of the timeline (Timeline) and the
// Mermaid diagram. It reads only the events' fields, never their text:
//
//   - a pipe or FIFO (Event.Obj) and a stream socket (Event.Via: a Unix
//     socket's receive queue, or one direction of a TCP connection) are
//     first in, first out: a read takes the oldest unread bytes, so it
//     is matched to the writes whose bytes they were, as a count of
//     bytes;
//   - a datagram or record socket (Via "dgram ..." or "seqpacket ...")
//     queues one message a send and gives one a receive, in order;
//   - a message queue names the message a send and a receive moved
//     (Event.Obj and Event.Msg), so a receive is matched to its send
//     whatever order it took it in (by type, by priority);
//   - a UDP datagram is named by its send and by each receive of it
//     (Event.Via "udp 10.0.0.1:5000>10.0.0.2:53" and Event.Msg, its
//     number among the datagrams its host sent), so a receive is matched
//     to its own send even when the link lost datagrams sent before it.
//     A link may duplicate a datagram: each copy taken gets an arrow from
//     the one send (the second labelled "a copy").
//
// Names are per host, but for TCP's ("tcp 10.0.0.1:40000>10.0.0.2:80")
// and UDP's, which are the same on both hosts, so that the arrow goes
// from one host to the other (a connection or datagram from a loopback
// address, 127.0.0.0/8, which every host has, stays named per host).
//
// A host that loses power (at CYCLE down) takes what was sent to it and
// not yet received with it: nothing of its boot receives again, and the
// next boot (at CYCLE up) names its pipes, sockets and queues afresh
// (pipe#1 again), its pids from 1. So its power events (power) forget
// every send named on that host, and a receive of a later boot takes
// nothing sent on a TCP connection or as a UDP datagram before that boot
// began: those were for the host's earlier boot. Each send and receive
// carries the boot of its host (0 for the first), so that an arrow from a
// send of an earlier boot, received after its host booted again, starts
// at the process of that boot.
//
// It keeps at most mermaidMaxWrites unread sends a pipe or socket, and
// gives up on one (unclear) beyond them or when a receive takes what it
// did not see sent (splice, sendfile); at most maxFlowMessages messages
// sent and not yet received; and the last maxFlowMessages UDP datagrams
// sent, received or not (a copy may come later, a lost one never).
type ipcFlows struct {
	unread  map[flowQueue][]flowSend // the unread sends of each pipe or socket queue
	unclear map[flowQueue]bool       // queues whose receives can no longer be matched
	msgs    map[flowMsg]flowSend     // messages sent, not yet received
	early   map[flowMsg]flowArrive   // messages received before their send's event (a POSIX queue's sleeping sender)

	datagrams map[flowMsg]*flowDatagram // the last UDP datagrams sent, by name
	sentOrder []flowMsg                 // the keys of datagrams, oldest first

	boots  map[int]int    // each host's current boot: 0, one more each power-on
	bootAt map[int]uint64 // the cycle each host's current boot began, for the hosts booted again
}

// flowDatagram is a UDP datagram sent: its send, and how many copies of
// it were received so far.
type flowDatagram struct {
	send     flowSend
	received int
}

// maxFlowMessages is how many messages ipcFlows keeps, sent and not yet
// received (and received before their send was seen), at most.
const maxFlowMessages = 4096

// flowQueue names a pipe or a socket's queue: its host (-1 for a TCP
// connection's, named alike on both) and its name.
type flowQueue struct {
	host int
	name string
}

// flowSend is one send: where (the host, its boot and the process) and
// when, and how many bytes of it are not yet read.
type flowSend struct {
	host, boot, pid int
	at              uint64
	bytes           int64
}

// flowMsg names a message: its host, its queue and its number on it.
type flowMsg struct {
	host int
	obj  string
	seq  uint64
}

// flowArrive is a receive: where (the host, its boot and the process),
// when, and how many bytes it took.
type flowArrive struct {
	host, boot, pid int
	at              uint64
	bytes           int64
}

// flowArrow is what ipcFlows draws: an arrow from a send to a receive.
type flowArrow struct {
	cat, label string // "bytes" or "message"; "pipe#1: 5 bytes"
	from       flowSend
	to         flowArrive
}

func newIPCFlows() ipcFlows {
	return ipcFlows{unread: map[flowQueue][]flowSend{}, unclear: map[flowQueue]bool{},
		msgs: map[flowMsg]flowSend{}, early: map[flowMsg]flowArrive{}, datagrams: map[flowMsg]*flowDatagram{},
		boots: map[int]int{}, bootAt: map[int]uint64{}}
}

// boot is host's current boot: 0 for its first, one more each time it
// booted again.
func (f *ipcFlows) boot(host int) int { return f.boots[host] }

// power follows a power event of host (kind "down"): its power lost, or
// restored (kernel.PowerRestored: a new boot begins). Either way, what was
// sent on the host's own pipes, sockets and queues can no longer be
// received: they died with its boot, and the next one's reuse their
// names. What other hosts sent it over the network is forgotten when a
// later boot receives (stale).
func (f *ipcFlows) power(host int, e *kernel.Event) {
	if e.Text == kernel.PowerRestored {
		f.boots[host]++
		f.bootAt[host] = e.Cycle
	}
	maps.DeleteFunc(f.unread, func(k flowQueue, _ []flowSend) bool { return k.host == host })
	maps.DeleteFunc(f.unclear, func(k flowQueue, _ bool) bool { return k.host == host })
	maps.DeleteFunc(f.msgs, func(k flowMsg, _ flowSend) bool { return k.host == host })
	maps.DeleteFunc(f.early, func(k flowMsg, _ flowArrive) bool { return k.host == host })
	kept := f.sentOrder[:0]
	for _, k := range f.sentOrder {
		if k.host == host {
			delete(f.datagrams, k) // from a loopback address of the host
			continue
		}
		kept = append(kept, k)
	}
	clear(f.sentOrder[len(kept):])
	f.sentOrder = kept
}

// stale reports whether send s, on a connection or a datagram between
// hosts, cannot be what host receives now: it was sent before the host's
// current boot began, so it was for an earlier boot. (A send at the very
// cycle of the boot reaches the new boot: the cluster powers a host on
// before any other host runs past that cycle.)
func (f *ipcFlows) stale(s flowSend, host int) bool {
	at, ok := f.bootAt[host]
	return ok && s.at < at
}

// sends reports whether a syscall event of a socket is a send (else it
// is a receive).
func sends(syscall string) bool {
	switch syscall {
	case "write", "writev", "sendto", "sendmsg", "mq_timedsend", "msgsnd":
		return true
	}
	return false
}

// take follows a syscall event of host: a send is remembered, a receive
// calls arrow for each send whose bytes or message it took. It reports a
// pipe or socket that became unclear by its name, "" if none did.
func (f *ipcFlows) take(host int, e *kernel.Event, arrow func(flowArrow)) (unclear string) {
	if e.Ret == nil || *e.Ret < 0 {
		return ""
	}
	if strings.HasPrefix(e.Via, "udp ") {
		f.datagram(host, e, arrow)
		return ""
	}
	if e.Msg != 0 {
		f.message(host, e, arrow)
		return ""
	}
	var key flowQueue
	var name string
	switch {
	case e.Via != "":
		name = e.Via[strings.IndexByte(e.Via, ' ')+1:] // "socket#4", "10.0.0.1:40000>10.0.0.2:80"
		key = flowQueue{host, e.Via}
		if strings.HasPrefix(e.Via, "tcp ") && !strings.HasPrefix(name, "127.") { // the loopback: every host has it
			key.host = -1
		}
	case isPipe(e.Obj) && (e.Syscall == "read" || e.Syscall == "write"):
		name, key = e.Obj, flowQueue{host, e.Obj}
	default:
		return ""
	}
	if *e.Ret == 0 || f.unclear[key] {
		return ""
	}
	records := strings.HasPrefix(e.Via, "dgram ") || strings.HasPrefix(e.Via, "seqpacket ")
	q := f.unread[key]
	if sends(e.Syscall) {
		if len(q) >= mermaidMaxWrites {
			f.giveUp(key)
			return name
		}
		f.unread[key] = append(q, flowSend{host, f.boot(host), e.PID, e.Cycle, *e.Ret})
		return ""
	}
	for key.host < 0 && len(q) > 0 && f.stale(q[0], host) {
		q = q[1:] // sent to the host's earlier boot: never received
	}
	to := flowArrive{host, f.boot(host), e.PID, e.Cycle, *e.Ret}
	if records {
		if len(q) == 0 { // a datagram not seen sent
			f.giveUp(key)
			return ""
		}
		arrow(flowArrow{"message", fmt.Sprintf("%s: a message (%s)", name, plural(int(q[0].bytes), "byte")), q[0], to})
		q = q[1:]
	} else {
		n := *e.Ret
		for n > 0 && len(q) > 0 {
			took := min(n, q[0].bytes)
			arrow(flowArrow{"bytes", fmt.Sprintf("%s: %s", name, plural(int(took), "byte")), q[0], to})
			n -= took
			if q[0].bytes -= took; q[0].bytes == 0 {
				q = q[1:]
			}
		}
		if n > 0 { // bytes of a send not seen (writev to a pipe, splice, sendfile)
			f.giveUp(key)
			return ""
		}
	}
	if len(q) == 0 {
		delete(f.unread, key)
	} else {
		f.unread[key] = q
	}
	return ""
}

// giveUp stops matching the sends and receives of queue key.
func (f *ipcFlows) giveUp(key flowQueue) {
	f.unclear[key] = true
	delete(f.unread, key)
}

// message follows a send or receive of a message queue.
func (f *ipcFlows) message(host int, e *kernel.Event, arrow func(flowArrow)) {
	k := flowMsg{host, e.Obj, e.Msg}
	label := func(bytes int64) string {
		return fmt.Sprintf("%s: message %d (%s)", e.Obj, e.Msg, plural(int(bytes), "byte"))
	}
	if sends(e.Syscall) {
		from := flowSend{host, f.boot(host), e.PID, e.Cycle, 0}
		if to, ok := f.early[k]; ok {
			delete(f.early, k)
			from.at = min(from.at, to.at)
			arrow(flowArrow{"message", label(to.bytes), from, to})
			return
		}
		if len(f.msgs) < maxFlowMessages {
			f.msgs[k] = from
		}
		return
	}
	to := flowArrive{host, f.boot(host), e.PID, e.Cycle, *e.Ret}
	from, ok := f.msgs[k]
	if !ok {
		if len(f.early) < maxFlowMessages {
			f.early[k] = to
		}
		return
	}
	delete(f.msgs, k)
	arrow(flowArrow{"message", label(to.bytes), from, to})
}

// datagram follows a send or receive of a UDP datagram: a send is
// remembered (the oldest forgotten beyond maxFlowMessages), and each
// receive of it, the first and any copy a link made, gets an arrow from
// it. A receive of a datagram whose send was forgotten is not drawn.
func (f *ipcFlows) datagram(host int, e *kernel.Event, arrow func(flowArrow)) {
	via := e.Via[len("udp "):] // "10.0.0.1:5000>10.0.0.2:53"
	k := flowMsg{-1, via, e.Msg}
	if strings.HasPrefix(via, "127.") { // the loopback: every host has it
		k.host = host
	}
	if sends(e.Syscall) {
		if len(f.sentOrder) >= maxFlowMessages {
			delete(f.datagrams, f.sentOrder[0])
			f.sentOrder = f.sentOrder[1:]
		}
		f.datagrams[k] = &flowDatagram{send: flowSend{host, f.boot(host), e.PID, e.Cycle, *e.Ret}}
		f.sentOrder = append(f.sentOrder, k)
		return
	}
	d := f.datagrams[k]
	if d == nil || k.host < 0 && f.stale(d.send, host) {
		return
	}
	d.received++
	what := plural(int(*e.Ret), "byte")
	if d.received > 1 {
		what += ", a copy"
	}
	arrow(flowArrow{"message", fmt.Sprintf("%s: datagram %d (%s)", via, e.Msg, what), d.send, flowArrive{host, f.boot(host), e.PID, e.Cycle, *e.Ret}})
}

package kernel

import (
	"fmt"
	"net/netip"

	"ipcsim/abi"
	"ipcsim/ipc/inet"
	"ipcsim/proc"
	"ipcsim/sched"
)

// IPv4 sockets as files. The stack is package inet (its TCP is package
// inet/tcp); this file makes the host's stack, gives a socket a file
// (inetFile), runs the stack's timers on the machine's timer and traces
// what the stack does.

// inetStack returns the host's stack, made at its first use.
func (k *Kernel) inetStack() *inet.Stack {
	if k.inet == nil {
		var capture func(*inet.Packet)
		if k.pcap != nil {
			capture = k.capturePacket
		}
		k.inet = inet.New(inet.Config{
			Addr:    k.cfg.Addr,
			Seed:    k.cfg.Seed,
			Now:     k.Now,
			Output:  k.cfg.Network,
			Trace:   k.traceInet,
			Capture: capture,
		})
	}
	return k.inet
}

// capturePacket adds a packet the host sends or receives to its capture
// (Config.Pcap), stamped now.
func (k *Kernel) capturePacket(p *inet.Packet) { k.pcap.WritePacket(k.Now(), p) }

// Receive takes a packet that arrived from the network (the cluster calls
// it when the packet's arrival time comes). As a network card would, it
// raises an interrupt; its handler runs the stack.
func (k *Kernel) Receive(p *inet.Packet) {
	if k.pcap != nil {
		// Captured as it arrives, before the interrupt's cost and
		// before the stack looks at it (tcpdump sees a packet nobody
		// takes too).
		k.capturePacket(p)
	}
	k.quiet = false
	k.m.Clock.Advance(k.cfg.TrapCost)
	k.irq = "by the network (a packet arrived)"
	k.netIRQ = true
	k.inetStack().Receive(p)
	k.irq, k.netIRQ = "", false
	k.interrupted("when a packet arrived")
}

// interrupted tells the policy, if it asks (sched.InterruptObserver),
// that an interrupt changed the kernel's state: what says which.
func (k *Kernel) interrupted(what string) {
	if o, ok := k.policy.(sched.InterruptObserver); ok {
		o.Interrupt(k.Now(), what)
	}
}

// traceInet turns what the stack reports into trace events.
func (k *Kernel) traceInet(e inet.Event) {
	if !k.tracing {
		return
	}
	t := k.cur // the process whose call sent it
	if k.netIRQ {
		t = nil // the kernel, taking an interrupt
	}
	if k.recordSegment(t, e) {
		return
	}
	var text, tcpKind string
	switch e.Kind {
	case inet.EventSend:
		text = "sends " + e.Packet.String()
	case inet.EventReceive:
		text = "receives " + e.Packet.String()
		if e.Text != "" {
			text += ": " + e.Text
		}
	case inet.EventDrop:
		text = "drops " + e.Packet.String() + ": " + e.Text
	case inet.EventTCP:
		text, tcpKind = e.Text, e.TCP.String()
	}
	proto := "tcp"
	if p := e.Packet; p != nil && p.TCP == nil {
		proto = "udp"
		if p.ICMP != nil {
			proto = "icmp"
		}
	}
	k.text = append(appendNetWho(k.text[:0], proto, e.Socket), text...)
	k.emitEvent(t, &Event{Kind: "net", Text: k.textOf(k.text), TCP: tcpKind, Packet: packetEvent(e.Packet)})
}

// appendNetWho appends the start of a stack's line: its protocol and the
// socket concerned, if any (0 for none): "tcp: inet#2 ", "udp: ".
func appendNetWho(b []byte, proto string, socket int) []byte {
	b = append(append(b, proto...), ": "...)
	if socket != 0 {
		b = append(appendInetName(b, socket), ' ')
	}
	return b
}

// inetTimers fires the stack's due timers (from the timer interrupt).
func (k *Kernel) inetTimers(now uint64) bool {
	if k.inet == nil {
		return false
	}
	if at, ok := k.inet.NextTimer(); !ok || at > now {
		return false
	}
	k.irq = "by a TCP timer"
	k.netIRQ = true
	k.inet.Advance(now)
	k.irq, k.netIRQ = "", false
	k.interrupted("when a TCP timer fired")
	return true
}

// inetDeadline is when the stack's next timer fires.
func (k *Kernel) inetDeadline() (uint64, bool) {
	if k.inet == nil {
		return 0, false
	}
	return k.inet.NextTimer()
}

// inetFile is an IPv4 socket as an open file.
type inetFile struct {
	k   *Kernel
	s   *inet.Socket
	ino *anonInode

	// lastBlocked and lastBlock are the last *inet.Blocked that blockOr
	// turned into a sleep, and the sleep it made: the socket answers a
	// read of its empty stream with the same *inet.Blocked each time, so a
	// blocked read reuses its blockError (fast path: no allocation).
	lastBlocked *inet.Blocked
	lastBlock   *blockError
}

func (f *inetFile) Name() string { return string(appendInetName(nil, f.s.ID)) }

// Read is recv(2) with no flags.
func (f *inetFile) Read(c *call, dst []byte, nonblock bool) (int, error) {
	flags := 0
	if nonblock {
		flags = abi.MSG_DONTWAIT
	}
	r, err := f.recv(len(dst), flags)
	if err != nil {
		return 0, f.blockOr(err, nonblock)
	}
	return copy(dst, r.Data), nil
}

// Write is send(2) with no flags.
func (f *inetFile) Write(c *call, src []byte, nonblock bool) (int, error) {
	n, err := f.send(src, nil)
	if err != nil {
		return 0, f.sendError(c, err, nonblock, 0)
	}
	return n, nil
}

func (f *inetFile) recv(max, flags int) (*inet.Received, error) {
	if f.s.Type == abi.SOCK_STREAM {
		return f.s.RecvTCP(max, flags)
	}
	return f.s.RecvUDP(max, flags)
}

func (f *inetFile) send(data []byte, to *netip.AddrPort) (int, error) {
	if f.s.Type == abi.SOCK_STREAM {
		return f.s.SendTCP(data)
	}
	return f.s.SendUDP(data, to)
}

// blockOr turns the stack's *inet.Blocked into EAGAIN or what the call
// sleeps on.
func (f *inetFile) blockOr(err error, nonblock bool) error {
	b, ok := err.(*inet.Blocked) // the stack never wraps it
	if !ok {
		return err
	}
	if nonblock {
		return abi.EAGAIN
	}
	if b != f.lastBlocked {
		f.lastBlocked = b
		f.lastBlock = &blockError{q: b.Queue, mask: b.Mask, reason: b.Reason}
	}
	return f.lastBlock
}

// sendError turns a send's error into the call's: SIGPIPE with EPIPE on a
// stream (sk_stream_error, unless MSG_NOSIGNAL), EAGAIN or a sleep.
func (f *inetFile) sendError(c *call, err error, nonblock bool, flags int) error {
	if err == abi.EPIPE && f.s.Type == abi.SOCK_STREAM && flags&abi.MSG_NOSIGNAL == 0 {
		f.k.sendThreadSignal(c.t, abi.SIGPIPE, proc.SigInfo{Code: abi.SI_USER, PID: c.t.PID}, fmt.Sprintf("send on %s, which cannot send", f.Name()))
	}
	return f.blockOr(err, nonblock)
}

func (f *inetFile) Readiness() sched.EventMask { return f.s.Readiness() }
func (f *inetFile) Queue() *sched.WaitQueue    { return &f.s.Queue }
func (f *inetFile) Release()                   { f.s.Close() }

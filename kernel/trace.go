package kernel

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"ipcsim/abi"
	"ipcsim/hw"
	"ipcsim/ipc/inet"
	"ipcsim/ipc/inet/tcp"
	"ipcsim/proc"
)

// An Event is one thing that happened, for the trace. Kind is one of
// EventKinds.
type Event struct {
	Cycle uint64 `json:"cycle"`
	Host  string `json:"host,omitempty"` // the host (Config.Host) among several; "" for a machine alone
	PID   int    `json:"pid"`
	TID   int    `json:"tid,omitempty"` // the thread, if not its process's first
	// Thread is that thread's own name, if it has one (prctl PR_SET_NAME,
	// pthread_setname_np) and it is not its process's: "worker".
	Thread string `json:"thread,omitempty"`
	Kind   string `json:"kind"`
	Text   string `json:"text"` // the readable line: `write(1, "hi\n", 3) = 3`

	Syscall string   `json:"syscall,omitempty"` // the call's name, for syscall and block events
	Args    []uint64 `json:"args,omitempty"`    // the call's raw arguments (a0.., as many as it takes), for syscall and block events
	Ret     *int64   `json:"ret,omitempty"`     // the call's raw return value (a0: -errno on failure)
	Errno   string   `json:"errno,omitempty"`   // "EFAULT" when the call failed
	Addr    string   `json:"addr,omitempty"`    // the faulting address, for faults
	Other   int      `json:"other,omitempty"`   // the other process: the one switched to, woken, forked or reaped; a signal's sender
	PC      string   `json:"pc,omitempty"`      // the instruction's address, for instructions and faults

	// For views of the trace (sim/chrome.go, sim/mermaid.go), which should
	// not have to parse Text:
	Name   string `json:"name,omitempty"`   // the process's name (comm), for spawn and exec events
	Signal string `json:"signal,omitempty"` // the signal, for the events of its generation: "SIGCHLD"; for a call whose arguments name one (kill, rt_sigaction)
	Obj    string `json:"obj,omitempty"`    // the object a read or write used (or blocks on): "pipe#1", "tty"; the queue of a message send or receive: "msq#1", "mqueue /q"
	// Via names the queue a socket send put its bytes in, or a receive
	// took them from (views match the two): "stream socket#4" (a Unix
	// stream socket's receive queue), "dgram socket#4" or "seqpacket
	// socket#4" (one message a send, one a receive), "tcp
	// 10.0.0.1:40000>10.0.0.2:80" (one direction of a TCP connection,
	// named alike on both hosts), "udp 10.0.0.1:5000>10.0.0.2:53" (one
	// UDP datagram, from and to the addresses its packet carried; Msg
	// numbers it).
	Via string `json:"via,omitempty"`
	// Msg numbers the message a message-queue send or receive moved: the
	// queue's count of accepted sends when it accepted it (1 for the
	// first), the same at both ends. For a UDP datagram (Via "udp ..."),
	// its number among the datagrams its host sent (1 for the first),
	// the same where it was sent and where it was taken: with Via's
	// source address it names one datagram on the network (with its
	// host too for a source on the loopback, 127.0.0.0/8, which every
	// host has).
	Msg uint64    `json:"msg,omitempty"`
	Mem *MemEvent `json:"mem,omitempty"` // what a traced instruction loaded or stored
	// Injected says what a fault of the plan did to the call (Config.Faults):
	// "ENOMEM", "EINTR", "short".
	Injected string `json:"injected,omitempty"`
	// TCP says what a TCP connection or listener did, for its net events:
	// the kind of package tcp's event ("state", "retransmit",
	// "reset-received", "reset-sent", "gave-up"...; tcp.EventKind's
	// names), so that views need not parse Text.
	TCP string `json:"tcp,omitempty"`
	// Packet is the packet or frame of a net event, in typed fields, so
	// that views and jq need not parse Text.
	Packet *PacketEvent `json:"packet,omitempty"`
}

// PacketEvent is a net event's packet, as tcpdump would print it, and for
// the wire's events the frame on its link.
type PacketEvent struct {
	Proto string `json:"proto"`           // "tcp", "udp" or "icmp"
	Src   string `json:"src"`             // address and port (tcp, udp) or address (icmp): "10.0.0.1:5000"
	Dst   string `json:"dst"`             // the same for the destination
	Flags string `json:"flags,omitempty"` // TCP's flags as tcpdump prints them: "S.", "P.", "R"
	Seq   uint32 `json:"seq,omitempty"`   // TCP: the sequence number
	Ack   uint32 `json:"ack,omitempty"`   // TCP: the acknowledgement number, with ACK
	Win   uint16 `json:"win,omitempty"`   // TCP: the window advertised
	Len   int    `json:"len"`             // the data carried (TCP, UDP), in bytes
	// For the wire's events (a frame sent, arriving, dropped, duplicated
	// or held back on a link):
	Link   string `json:"link,omitempty"`   // the link's name: "alice-bob"
	Frame  uint64 `json:"frame,omitempty"`  // the frame's number on the network
	Arrive uint64 `json:"arrive,omitempty"` // the cycle it arrives (sent, duplicated, held back)
	Drop   string `json:"drop,omitempty"`   // why it was dropped: "loss", "partitioned", "queue full"...
}

// packetEvent describes p for a net event; nil for none.
func packetEvent(p *inet.Packet) *PacketEvent {
	if p == nil {
		return nil
	}
	e := &PacketEvent{Src: p.Src.String(), Dst: p.Dst.String()}
	switch {
	case p.TCP != nil:
		s := p.TCP
		e.Proto = "tcp"
		e.Src = netip.AddrPortFrom(p.Src, s.SrcPort).String()
		e.Dst = netip.AddrPortFrom(p.Dst, s.DstPort).String()
		e.Flags, e.Seq, e.Win, e.Len = s.Flags.String(), s.Seq, s.Window, len(s.Data)
		if s.Flags&tcp.ACK != 0 {
			e.Ack = s.Ack
		}
	case p.UDP != nil:
		e.Proto = "udp"
		e.Src = netip.AddrPortFrom(p.Src, p.UDP.SrcPort).String()
		e.Dst = netip.AddrPortFrom(p.Dst, p.UDP.DstPort).String()
		e.Len = len(p.UDP.Data)
	case p.ICMP != nil:
		e.Proto = "icmp"
	}
	return e
}

// An EventKind is a value of Event.Kind and what events of that kind mark.
type EventKind struct{ Kind, What string }

// EventKinds lists every Event.Kind, each with what it marks, in the
// order the help lists them (ipcsim run --hide and --only take these).
var EventKinds = []EventKind{
	{"syscall", "a system call returned"},
	{"block", "a call put the process to sleep"},
	{"wake", "a sleeping process was woken"},
	{"switch", "a context switch"},
	{"irq", "an interrupt (the timer, the keyboard, the host's input)"},
	{"fault", "a page fault"},
	{"signal", "a signal generated, delivered, or what it did"},
	{"spawn", "a process or thread was born"},
	{"exec", "a thread's execve made it its process's only thread"},
	{"exit", "a process or thread ended"},
	{"reap", "a parent reaped a child"},
	{"reparent", "init adopted an orphan"},
	{"ipc", "a message, semaphore or segment changed hands"},
	{"futex", "a futex requeue or a robust futex's dead owner"},
	{"tty", "the terminal: a signal key, a new foreground group"},
	{"net", "a packet sent, received or dropped, a TCP state change"},
	{"down", "a host lost power"},
	{"note", "something the kernel does not simulate, or a timed spawn that failed"},
	{"inspect", "the process table at a scenario's \"at CYCLE inspect\""},
	{"insn", "an instruction (insns=on)"},
	{"watch", "a store to a watched word"},
}

// instruction renders the instruction at pc of task t: "sd a1, 0(zero)",
// or its word in hex without a disassembler. It peeks (proc/peek.go), so
// that tracing instructions changes nothing: no page is faulted in, and the
// CPU's page table, TLB and decoded-instruction cache are left alone.
func (k *Kernel) instruction(t *Task, pc uint64) string {
	word, ok := t.AS.PeekInstruction(pc)
	switch {
	case !ok:
		return "(no instruction)"
	case k.cfg.Disassemble != nil:
		return k.cfg.Disassemble(word, pc)
	}
	return fmt.Sprintf(".word %#08x", word)
}

// MemEvent is the memory access of a traced instruction: what it loaded
// or stored, where (the virtual address, in the process's memory).
type MemEvent struct {
	Op    string `json:"op"` // load, store, amo, lr, sc
	Addr  uint64 `json:"addr"`
	Size  int    `json:"size"`
	Value uint64 `json:"value"`          // loaded, or stored (an AMO's and an SC's: what memory holds after)
	Old   uint64 `json:"old,omitempty"`  // an AMO's value before
	Fail  bool   `json:"fail,omitempty"` // an SC that did not store
	// Phys is the physical address of Addr (frame and offset) after the
	// access, when HasPhys: two processes' accesses are to the same memory
	// if their Phys are equal, whatever their virtual addresses (private
	// pages of two processes share virtual addresses, not frames).
	Phys    uint64 `json:"phys,omitempty"`
	HasPhys bool   `json:"-"`
}

// traceInstruction emits the event of one executed instruction: its
// text, the registers it changed ("a5 = 42"), and the memory it loaded or
// stored with the value ("loads 41 from 0x12008"). before is the
// registers before it ran; done is false when it trapped (a fault: it did
// not complete, and nothing is reported of its effects).
func (k *Kernel) traceInstruction(t *Task, pc uint64, insn string, before *[32]uint64, done bool) {
	e := &Event{Kind: "insn", PC: fmt.Sprintf("%#x", pc)}
	text := fmt.Sprintf("%#x: %s", pc, insn)
	if !done {
		e.Text = text
		k.emitEvent(t, e)
		return
	}
	var notes []string
	if word, ok := t.AS.PeekInstruction(pc); ok {
		if a, ok := hw.AccessOf(word); ok {
			addr := before[a.Base] + uint64(a.Imm)
			m := &MemEvent{Addr: addr, Size: int(a.Size)}
			var b [8]byte
			if t.AS.PeekBytes(addr, b[:a.Size]) == nil {
				m.Value = binary.LittleEndian.Uint64(b[:])
			}
			switch a.Kind {
			case hw.AccessLoad:
				m.Op = "load"
				notes = append(notes, fmt.Sprintf("loads %d from %#x", signed(m.Value, a.Size), addr))
			case hw.AccessStore:
				m.Op = "store"
				notes = append(notes, fmt.Sprintf("stores %d to %#x", signed(m.Value, a.Size), addr))
			case hw.AccessAMO:
				m.Op, m.Old = "amo", t.Regs.X[a.Rd]
				if a.Rd == 0 {
					m.Old = 0
				}
				notes = append(notes, fmt.Sprintf("%#x: %d -> %d", addr, signed(m.Old, a.Size), signed(m.Value, a.Size)))
			case hw.AccessLR:
				m.Op = "lr"
				notes = append(notes, fmt.Sprintf("loads %d from %#x, reserved", signed(m.Value, a.Size), addr))
			case hw.AccessSC:
				m.Op = "sc"
				m.Fail = k.m.CPU.X[a.Rd] != 0 && a.Rd != 0
				if m.Fail {
					notes = append(notes, fmt.Sprintf("stores nothing to %#x: the reservation was lost", addr))
				} else {
					notes = append(notes, fmt.Sprintf("stores %d to %#x", signed(m.Value, a.Size), addr))
				}
			}
			if pte, ok := t.AS.PT().Lookup(addr); ok {
				m.Phys, m.HasPhys = uint64(pte.Frame())<<hw.PageShift|addr&(hw.PageSize-1), true
			}
			e.Mem = m
		}
	}
	for r := 1; r < 32; r++ {
		if now := k.m.CPU.X[r]; now != before[r] {
			notes = append(notes, fmt.Sprintf("%s = %d", hw.RegName(r), int64(now)))
		}
	}
	if len(notes) > 0 {
		text += "  # " + strings.Join(notes, "; ")
	}
	e.Text = text
	k.emitEvent(t, e)
}

// signed reads the low size bytes of v as a signed number.
func signed(v, size uint64) int64 {
	shift := 64 - 8*size
	return int64(v<<shift) >> shift
}

// emit sends an event for task t (nil: the machine itself, pid 0). Callers
// on hot paths test k.tracing first, so that a trace that is off costs no
// formatting either.
func (k *Kernel) emit(t *Task, kind, text string) {
	k.emitEvent(t, &Event{Kind: kind, Text: text})
}

// emitSignal sends the event of sig's generation for t: sent by the
// process info names (its sender, or the child of a SIGCHLD), if another.
func (k *Kernel) emitSignal(t *Task, sig abi.Signal, info proc.SigInfo, text string) {
	e := &Event{Kind: "signal", Signal: sig.String(), Text: text}
	if info.PID != 0 && info.PID != t.PID {
		e.Other = info.PID
	}
	k.emitEvent(t, e)
}

// callArgs returns the raw arguments of c, as many as the call takes (all
// six registers for a call ipcsim does not know), for Event.Args. They are
// copied into k.eventArgs, which the next traced call reuses: like the
// event itself, Args is valid only during the Trace call (Event.Keep).
func (k *Kernel) callArgs(c *call) []uint64 {
	n := len(c.a)
	if c.no < abi.Sysno(len(syscalls)) && syscalls[c.no].fn != nil {
		n = len(syscalls[c.no].args)
	}
	if n == 0 {
		return nil
	}
	return k.eventArgs[:copy(k.eventArgs[:], c.a[:n])]
}

// callSignal returns the signal that c's arguments name (kill's, tgkill's,
// rt_sigaction's), for Event.Signal; "" for a call without one.
func callSignal(c *call) string {
	if c.no >= abi.Sysno(len(syscalls)) {
		return ""
	}
	for i, letter := range []byte(syscalls[c.no].args) {
		if letter == 'S' && int32(c.a[i]) != 0 {
			return abi.Signal(int32(c.a[i])).String()
		}
	}
	return ""
}

// fdName names the object behind descriptor fd of t, for Event.Obj; "" if
// there is none.
func fdName(t *Task, fd uint64) string {
	if f := openFileOf(t, fd); f != nil {
		return f.ops.Name()
	}
	return ""
}

// openFileOf returns the open file behind descriptor fd of t (a call's
// raw argument, read as an int as the kernel does), or nil: for the trace,
// which names what a call used and never fails.
func openFileOf(t *Task, fd uint64) *OpenFile {
	if ref, ok := t.Files.Get(int(int32(fd))); ok {
		if f, ok := ref.(*OpenFile); ok {
			return f
		}
	}
	return nil
}

// A textCache holds the strings of recent event texts, so that a text
// that repeats (a loop's write(4, "x", 1) = 1, the switches between two
// processes) becomes a string once rather than at every event. A text
// goes in the slot its hash picks, replacing what was there, so the cache
// stays small whatever a program does. It saves allocations and nothing
// else: the string String returns has b's bytes whether it was found or
// made, so the trace is the same with or without it. The kernel keeps one
// for its events' texts, and a RecordEvent two.
type textCache struct {
	slots [256]string
}

// String returns b's bytes as a string, from the cache if they are there.
func (c *textCache) String(b []byte) string {
	slot := &c.slots[textHash(b)>>56] // its top byte: 256 slots
	if *slot != string(b) {           // a comparison: Go converts nothing here
		*slot = string(b)
	}
	return *slot
}

// textOf returns the text built in b (k.text) as a string for Event.Text.
func (k *Kernel) textOf(b []byte) string {
	if k.texts == nil { // made at the first traced text: a run without a trace has none
		k.texts = new(textCache)
	}
	return k.texts.String(b)
}

// textHash is a cheap hash of an event's text for textCache: FNV-style
// mixing of its length and its 8-byte words, then of the bytes left over,
// and a finaliser so that its top byte (the slot) depends on every byte.
// It has no seed (hash/maphash's is random), so a run allocates the same
// way every time.
func textHash(b []byte) uint64 {
	const prime = 0x9e3779b97f4a7c15
	h := uint64(len(b))
	for ; len(b) >= 8; b = b[8:] {
		h = (h ^ binary.LittleEndian.Uint64(b)) * prime
	}
	for _, c := range b {
		h = (h ^ uint64(c)) * prime
	}
	// SplitMix64's finaliser: every bit of h moves the top byte.
	h = (h ^ h>>30) * 0xbf58476d1ce4e5b9
	h = (h ^ h>>27) * 0x94d049bb133111eb
	return h ^ h>>31
}

// Keep returns a copy of e that a consumer of Config.Trace may keep after
// the call: the kernel reuses the Event it passes, and what its Ret and Args
// point to, for the next event, so a kept event must own its own.
func (e *Event) Keep() Event {
	c := *e
	if e.Ret != nil {
		r := *e.Ret
		c.Ret = &r
	}
	if e.Args != nil {
		c.Args = append([]uint64(nil), e.Args...)
	}
	if e.Packet != nil { // a RecordEvent's is its own, and reused
		p := *e.Packet
		c.Packet = &p
	}
	return c
}

// emitEvent gives e to Config.Trace, with its cycle, host, pid, tid and
// the thread's own name. The event is copied into k.event and the copy is
// what Config.Trace gets (valid only during the call, as Config.Trace
// says): so the caller's &Event{...} does not escape, and an event costs
// no allocation of its own.
func (k *Kernel) emitEvent(t *Task, e *Event) { k.emitEventAt(t, e, k.m.Clock.Now()) }

// emitEventAt is emitEvent with the event stamped at cycle at rather than
// now (NoteAtEnd).
func (k *Kernel) emitEventAt(t *Task, e *Event, at uint64) {
	if !k.tracing {
		return
	}
	k.event = *e
	ev := &k.event // not e: the variable that reaches Trace would leak
	ev.Cycle = at
	ev.Host = k.cfg.Host
	if t != nil {
		ev.PID = t.PID
		if t.TID != t.PID {
			ev.TID = t.TID
			ev.Thread = t.ownName()
		}
	}
	k.trace(ev)
}

// trace gives the event to Config.TraceLog or Config.Trace.
func (k *Kernel) trace(e *Event) {
	if k.cfg.TraceLog != nil {
		k.cfg.TraceLog.Event(e)
		return
	}
	k.cfg.Trace(e)
}

// quoteBytes renders bytes as strace does: a C string, cut after max bytes
// with "..." after the closing quote.
func quoteBytes(b []byte, max int) string { return string(appendQuoted(nil, b, max)) }

// appendQuoted appends quoteBytes's rendering of b to dst.
func appendQuoted(dst, b []byte, max int) []byte {
	cut := len(b) > max
	if cut {
		b = b[:max]
	}
	dst = append(dst, '"')
	for i, c := range b {
		switch c {
		case '"':
			dst = append(dst, `\"`...)
		case '\\':
			dst = append(dst, `\\`...)
		case '\n':
			dst = append(dst, `\n`...)
		case '\t':
			dst = append(dst, `\t`...)
		case '\r':
			dst = append(dst, `\r`...)
		default:
			switch {
			case (c < 0x20 || c >= 0x7f) && i+1 < len(b) && b[i+1] >= '0' && b[i+1] <= '7':
				// "\0001", not "\01" followed by '1': three digits.
				dst = append(dst, '\\', '0'+c>>6, '0'+c>>3&7, '0'+c&7)
			case c < 0x20 || c >= 0x7f:
				dst = append(dst, '\\')
				dst = strconv.AppendUint(dst, uint64(c), 8)
			default:
				dst = append(dst, c)
			}
		}
	}
	dst = append(dst, '"')
	if cut {
		dst = append(dst, "..."...)
	}
	return dst
}

// quoteArgv renders an argument vector as ["a", "b"].
func quoteArgv(argv []string) string {
	q := make([]string, len(argv))
	for i, a := range argv {
		q[i] = strconv.Quote(a)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

package kernel

import (
	"math"
	"strconv"
	"unsafe"

	"ipcsim/abi"
	"ipcsim/proc"
)

// Records: the commonest events of a trace in a small form.
//
// An IPC program's trace is mostly a few shapes of event: a read or a
// write on a pipe or a socket, a read that blocks on an empty one, the
// wakeup a write makes, the switch to the woken process; the system
// calls around them (kill, msgsnd, rt_sigtimedwait...) and the blocks of
// those; a message handed to a waiting receiver, a signal made pending, a
// handler's frame; a TCP segment. For these the kernel fills a Record,
// 128 bytes with no pointers (most use only the first 64), rather than
// an Event with its sentence: the Record holds what the sentence and the
// Event's fields are made of, taken at the event (the arguments, the
// bytes the call moved, the pipe's state), and AppendText and Event make
// them, now or later. Filling a Record costs the simulation about a tenth
// of making the Event (BENCHMARKS.md, "Tracing"). An event the Records do
// not cover (a fault's, a thread's with a name of its own, a call whose
// sentence needs more than a Record holds) is an Event, as before.
//
// With Config.Trace the kernel turns each Record into its Event at once,
// so a consumer of events sees no Records. With Config.TraceLog it hands
// the Records over as they are, and a writer can make their lines on
// another core (sim.TraceWriter). Either way the sentence comes from
// AppendText: there is one rendering of each shape, and every trace of
// the tests checks it.

// A TraceLog takes a machine's trace in the order of its events
// (Config.TraceLog).
type TraceLog interface {
	// Record takes an event of a common shape. r is the kernel's, valid
	// during the call only: a log keeps a copy.
	Record(r *Record)
	// Event takes any other event, as Config.Trace does.
	Event(e *Event)
}

// A RecordKind is the shape of a Record.
type RecordKind uint8

const (
	// RecordCall is a read or a write on a pipe(2) end that returned:
	// `read(3, "x", 1) = 1`.
	RecordCall RecordKind = 1 + iota
	// RecordBlock is a read that blocks on an empty pipe(2): `read(3,
	// 0x3fffffe6fb, 1) blocks: pipe#2 empty (0/65536)`.
	RecordBlock
	// RecordWake is the wakeup of a process by another's system call:
	// `woken by pid 3 (write)`.
	RecordWake
	// RecordSwitch is a switch from a process that blocked in a call:
	// `switch pid 2 -> pid 3 (pid 2 blocked in read)`.
	RecordSwitch
	// RecordSocketCall is a read or a write on a stream socket of the
	// Unix domain that returned, as RecordCall on a pipe; its Event names
	// the queue the bytes went through too (Via "stream socket#2").
	RecordSocketCall
	// RecordSocketBlock is a read that blocks on an empty Unix stream
	// socket: `read(3, 0x3fffffe6d3, 1) blocks: socket#1 empty`.
	RecordSocketBlock
	// RecordSyscall is any other call that returned whose sentence comes
	// from its arguments, its result and a few bytes of memory: `kill(2,
	// SIGUSR1) = 0` (trace_record_call.go).
	RecordSyscall
	// RecordSyscallBlock is any other call that blocks, shown as a
	// RecordSyscall is, with what it waits for: `msgrcv(0, 0x3fffffe6e0,
	// 8, 2, 0) blocks: q#0 has no message of type 2`.
	RecordSyscallBlock
	// RecordHand is a message-queue send that hands its message to a
	// waiting receiver: `msgsnd(q#0) hands the message (type 1, 8 bytes)
	// to pid 3, waiting in msgrcv` (trace_record_sentence.go).
	RecordHand
	// RecordPending is a signal made pending: `SIGUSR1 (kill from pid 2):
	// pending`.
	RecordPending
	// RecordDeliver is a signal handler's frame: `SIGUSR1 delivered:
	// handler at 0x1037c runs with mask SIGUSR1 (the frame at
	// 0x3fffffe100 saves mask SIGUSR1)`.
	RecordDeliver
	// RecordSigreturn is the return from a handler: `rt_sigreturn() back
	// to pc 0x1304c, mask SIGUSR1`.
	RecordSigreturn
	// RecordInetCall is a read or a write on a TCP socket that returned,
	// as RecordCall on a pipe; its Event names the socket (Obj "inet#2")
	// and the direction of the connection the bytes went (Via "tcp
	// 127.0.0.1:43868>127.0.0.1:48617"), whose addresses are in the tail
	// (trace_record_inet.go).
	RecordInetCall
	// RecordInetBlock is a read that blocks on a TCP socket: `read(3,
	// 0x3fffffe6d3, 1) blocks: no data received`.
	RecordInetBlock
	// RecordSegment is a TCP segment an IPv4 stack sends or receives:
	// `tcp: inet#2 sends 127.0.0.1:43868 > 127.0.0.1:48617 [P.] seq
	// 2131204901 ack 1696362194 win 65502 len 1`.
	RecordSegment
)

// A Record is an event of one of the shapes of RecordKind, in 144 bytes:
// a head of one cache line, which is all that most Records use, a tail of
// another that only some need (HasTail): a RecordSyscall's arguments and
// memory, a TCP call's connection, a sentence's words, a buffer of more
// than 7 bytes; and 16 bytes more that fewer still need (Extra): the
// threads it names, a sixth argument. A writer that hands Records to
// another core copies the tail and the extra only when there are some
// (sim.TraceWriter): each line more a Record made the traced ping-pong
// measurably slower, and so did a tail of 80 bytes rather than 64 (the
// signal ping-pong's trace, 3%).
type Record struct {
	RecordHead
	RecordTail
	RecordExtra
}

// RecordHead is the first 64 bytes of a Record.
type RecordHead struct {
	Cycle uint64
	// A holds the call's first three arguments (a call or block on a
	// pipe or socket: fd, buffer, count); the tail's More the others.
	A [3]uint64
	// Ret is, for a call, the call's result; for RecordBlock, the bytes in
	// the pipe.
	Ret int64
	PID int32 // the process of the event
	// Other is, for RecordWake, the process whose call woke PID; for
	// RecordSwitch, the process switched from, which blocked; for
	// RecordBlock, the pipe's capacity; for RecordSocketCall, the number
	// of the socket whose queue the bytes went through (Via), 0 if none.
	Other int32
	Obj   int32  // a call or block: the number of its pipe (pipe#N) or socket (socket#N)
	Sysno uint16 // the call: the event's, the waker's, or the one blocked in
	Kind  RecordKind
	// N is, for a call on a pipe or socket, how many bytes of the buffer
	// at A[1] the Record holds, shown quoted, or ShowPointer: the buffer
	// is shown by its address (a read that returned nothing or blocked,
	// or memory the trace cannot read). For a RecordSyscall, 1 if it uses
	// its tail, 0 if not (kill(2, SIGUSR1) = 0 does not).
	N uint8
	// Extra says that the Record uses its RecordExtra: it names a thread
	// other than its process's first, or has a sixth argument.
	Extra bool
	// Buf holds the first 7 bytes of memory the event shows, the tail's
	// Ext the rest (bytes).
	Buf [7]byte
}

// RecordTail is the second 64 bytes of a Record.
type RecordTail struct {
	More [2]uint64 // a RecordSyscall's fourth and fifth arguments
	Msg  uint64    // RecordSyscall: the message a message-queue call moved (Event.Msg)
	// Mem says which memory a RecordSyscall's arguments show: the bytes
	// hold each region's in turn, then Name bytes of its Event's Obj (or
	// of what a RecordSyscallBlock waits for, or WhyFutex).
	Mem  [3]MemRegion
	Name uint8
	Ext  [30]byte // the bytes after Buf
}

// RecordExtra is the last 16 bytes of a Record, which it uses if Extra.
type RecordExtra struct {
	A6 uint64 // a RecordSyscall's sixth argument
	// TID is the thread of PID whose event it is, 0 for the process's
	// first; OtherTID is Other's likewise (RecordWake, RecordSwitch).
	TID, OtherTID int32
}

// A MemRegion is Len bytes of a process's memory at argument Arg plus
// Off, as a RecordSyscall took them for its sentence; Len 0 is none.
type MemRegion struct{ Arg, Off, Len uint8 }

// recordBytes is how many bytes of memory (and names) a Record holds: its
// head's Buf and its tail's Ext.
const recordBytes = len(RecordHead{}.Buf) + len(RecordTail{}.Ext)

// HasTail reports whether r uses its tail: a RecordSyscall with more than
// three arguments or memory to show, a TCP call or block, or a Record
// whose N bytes are more than the head's 7. A Record without one has a
// tail of zeros (and without Extra, an extra of zeros). It looks at the
// head alone: a writer that copied only the head knows from it whether a
// tail follows.
func (r *RecordHead) HasTail() bool {
	switch r.Kind {
	case RecordSyscall, RecordSyscallBlock:
		return r.N == 1
	case RecordInetCall, RecordInetBlock:
		return true // the connection's addresses, what it waits for
	case RecordSegment:
		return false
	}
	return r.N != ShowPointer && int(r.N) > len(r.Buf)
}

// bytes returns the memory bytes r holds, Buf then Ext.
func (r *Record) bytes() (b [recordBytes]byte) {
	copy(b[copy(b[:], r.Buf[:]):], r.Ext[:])
	return b
}

// text returns the N bytes a Record of a sentence holds (a call's
// buffer, a RecordWake's why, a RecordHand's queue, a RecordPending's
// why): in its head if they fit, else gathered in buf.
func (r *Record) text(buf *[recordBytes]byte) []byte {
	switch {
	case r.N == ShowPointer || int(r.N) > recordBytes:
		return nil
	case int(r.N) <= len(r.Buf):
		return r.Buf[:r.N]
	}
	*buf = r.bytes()
	return buf[:r.N]
}

// setBytes puts b at offset off of r's bytes (off+len(b) at most
// recordBytes).
func (r *Record) setBytes(off int, b []byte) {
	if off < len(r.Buf) {
		n := copy(r.Buf[off:], b)
		b, off = b[n:], len(r.Buf)
	}
	copy(r.Ext[off-len(r.Buf):], b)
}

// arg returns argument i of a RecordSyscall.
func (r *Record) arg(i int) uint64 {
	switch {
	case i < len(r.A):
		return r.A[i]
	case i < len(r.A)+len(r.More):
		return r.More[i-len(r.A)]
	case i == len(r.A)+len(r.More):
		return r.A6
	}
	return 0 // not a Record the kernel made
}

// setArg sets argument i of a RecordSyscall (i < recordArgs).
func (r *Record) setArg(i int, v uint64) {
	switch {
	case i < len(r.A):
		r.A[i] = v
	case i < len(r.A)+len(r.More):
		r.More[i-len(r.A)] = v
	default:
		r.A6, r.Extra = v, true
	}
}

// ShowPointer is Record.N for a buffer shown by its address.
const ShowPointer = 0xff

// WhyFutex is a RecordSyscallBlock's Name for a FUTEX_WAIT: what it waits
// for is made from its arguments (appendFutexWhy of A[0] and A[2]), being
// longer than a Record's bytes.
const WhyFutex = 0xff

// AppendText appends the record's sentence, the Text of its Event, to b.
func (r *Record) AppendText(b []byte) []byte {
	var c *call
	if r.Kind == RecordSyscall || r.Kind == RecordSyscallBlock {
		c = new(call)
	}
	return r.appendText(b, c, nil)
}

// appendText is AppendText with c, scratch space for a RecordSyscall's
// call, and re, the RecordEvent making the Event, if one does.
func (r *Record) appendText(b []byte, c *call, re *RecordEvent) []byte {
	switch r.Kind {
	case RecordSyscall, RecordSyscallBlock:
		return r.appendSyscall(b, c)
	case RecordHand, RecordPending, RecordDeliver, RecordSigreturn:
		return r.appendSentence(b)
	case RecordSegment:
		return r.appendSegment(b, re)
	case RecordCall, RecordBlock, RecordSocketCall, RecordSocketBlock, RecordInetCall, RecordInetBlock:
		b = append(append(b, abi.Sysno(r.Sysno).String()...), '(')
		b = append(strconv.AppendInt(b, int64(int32(r.A[0])), 10), ", "...)
		if r.N == ShowPointer {
			b = appendPointer(b, r.A[1])
		} else {
			var buf [recordBytes]byte
			b = appendQuoted(b, r.text(&buf), traceBytes)
		}
		b = append(strconv.AppendUint(append(b, ", "...), r.A[2], 10), ')')
		switch r.Kind {
		case RecordCall, RecordSocketCall, RecordInetCall:
			return appendRet(append(b, " = "...), r.Ret)
		case RecordSocketBlock:
			return append(appendSocketName(append(b, " blocks: "...), int(r.Obj)), " empty"...)
		case RecordInetBlock:
			var buf [recordBytes]byte
			return append(append(b, " blocks: "...), r.name(&buf)...)
		}
		b = appendPipeName(append(b, " blocks: "...), int(r.Obj))
		b = strconv.AppendInt(append(b, " empty ("...), r.Ret, 10)
		b = strconv.AppendInt(append(b, '/'), int64(r.Other), 10)
		return append(b, ')')
	case RecordWake:
		b = appendWho(append(b, "woken by "...), r.Other, r.OtherTID)
		b = append(append(append(b, " ("...), abi.Sysno(r.Sysno).String()...), ')')
		var buf [recordBytes]byte
		if why := r.text(&buf); len(why) > 0 {
			b = append(append(b, ": "...), why...)
		}
		return b
	case RecordSwitch:
		b = appendWho(append(b, "switch "...), r.Other, r.OtherTID)
		b = appendWho(append(b, " -> "...), r.PID, r.TID)
		b = appendWho(append(b, " ("...), r.Other, r.OtherTID)
		return append(append(append(b, " blocked in "...), abi.Sysno(r.Sysno).String()...), ')')
	}
	return b
}

// appendPipeName appends a pipe's name in the trace: "pipe#2"
// (pipeEnd.Name).
func appendPipeName(b []byte, n int) []byte {
	return strconv.AppendInt(append(b, "pipe#"...), int64(n), 10)
}

// appendSocketName appends a Unix socket's name in the trace: "socket#2"
// (socketFile.Name, socketName).
func appendSocketName(b []byte, n int) []byte {
	return strconv.AppendInt(append(b, "socket#"...), int64(n), 10)
}

// appendInetName appends an IPv4 socket's name in the trace: "inet#2"
// (inetFile.Name).
func appendInetName(b []byte, n int) []byte {
	return strconv.AppendInt(append(b, "inet#"...), int64(n), 10)
}

// A RecordEvent turns Records into Events without allocating: it holds the
// Event, what its Args and Ret point to, and the strings of its Text and
// Obj, which repeat from event to event.
type RecordEvent struct {
	// Views makes the Event's Text and Obj (and a Packet's addresses)
	// views of the RecordEvent's own bytes, which the next Event
	// overwrites, rather than strings: for a
	// consumer that formats the Event and forgets it, as sim.TraceWriter
	// does, that saves a hash of each and a comparison. A consumer that
	// keeps anything of the Event must not set it.
	Views bool

	e      Event
	c      call              // a RecordSyscall's, for its decoders
	buf    [recordBytes]byte // a RecordSyscall's Obj
	packet PacketEvent       // a RecordSegment's
	args   [recordArgs]uint64
	ret    int64
	text   []byte
	texts  textCache
	objs   textCache   // the names of pipes and sockets, and Vias
	name   []byte      // Obj's bytes
	via    []byte      // Via's bytes
	addrs  [2]keptAddr // the addresses formatted last (appendAddr)
	older  int         // the one of addrs to replace next
}

// A keptAddr is an IPv4 address and port as packAddr packs it, and its
// text.
type keptAddr struct {
	w    uint64
	kept bool
	text []byte
}

// Event returns r's Event, as the kernel would have traced it on host
// host. It is valid until the next call; Event.Keep copies it.
func (re *RecordEvent) Event(r *Record, host string) *Event {
	re.text = r.appendText(re.text[:0], &re.c, re)
	// The fields a Record sets, each set or cleared; the Event's others
	// stay zero. Clearing the whole Event at each Record was a fifth of
	// this function's time in a profile of BenchmarkTraceWriterJSON.
	e := &re.e
	e.Cycle, e.Host, e.PID, e.TID, e.Text = r.Cycle, host, int(r.PID), int(r.TID), re.str(&re.texts, re.text)
	e.Kind, e.Syscall, e.Args, e.Ret, e.Obj, e.Via, e.Other = r.Kind.EventKind(), "", nil, nil, "", "", 0
	e.Errno, e.Signal, e.Msg, e.Packet = "", "", 0, nil
	switch r.Kind {
	case RecordSyscall, RecordSyscallBlock:
		e.Syscall = abi.Sysno(r.Sysno).String()
		if r.Kind == RecordSyscall {
			re.ret = r.Ret
			e.Ret, e.Errno = &re.ret, errnoName(r.Ret)
		}
		for i := range re.args {
			re.args[i] = r.arg(i)
		}
		if int(r.Sysno) < len(syscalls) { // the kernel makes none for a call out of its table
			if n := min(len(syscalls[r.Sysno].args), len(re.args)); n > 0 {
				e.Args = re.args[:n]
			}
		}
		e.Signal = callSignal(&re.c) // appendText set it up
		re.c.shown = nil
		if r.Kind == RecordSyscall && r.Msg != 0 {
			e.Msg, e.Obj = r.Msg, re.str(&re.objs, r.name(&re.buf))
		}
	case RecordCall, RecordBlock, RecordSocketCall, RecordSocketBlock, RecordInetCall, RecordInetBlock:
		if r.Kind == RecordCall || r.Kind == RecordSocketCall || r.Kind == RecordInetCall {
			re.ret = r.Ret
			e.Ret = &re.ret
		}
		e.Syscall = abi.Sysno(r.Sysno).String()
		copy(re.args[:], r.A[:])
		e.Args = re.args[:3]
		switch r.Kind {
		case RecordCall, RecordBlock:
			re.name = appendPipeName(re.name[:0], int(r.Obj))
			e.Obj = re.str(&re.objs, re.name)
			return e
		case RecordInetCall, RecordInetBlock:
			re.name = appendInetName(re.name[:0], int(r.Obj))
			e.Obj = re.str(&re.objs, re.name)
			if r.Kind == RecordInetCall && r.Other != 0 {
				re.via = r.appendVia(re.via[:0])
				e.Via = re.str(&re.objs, re.via)
			}
			return e
		}
		re.name = appendSocketName(re.name[:0], int(r.Obj))
		e.Obj = re.str(&re.objs, re.name)
		if r.Kind == RecordSocketCall && r.Other != 0 {
			re.via = appendSocketName(append(re.via[:0], "stream "...), int(r.Other))
			e.Via = re.str(&re.objs, re.via)
		}
	case RecordWake:
		e.Other = int(r.Other)
	case RecordSwitch:
		e.Other = int(r.PID)
	case RecordPending:
		e.Signal, e.Other = abi.Signal(r.Obj).String(), int(r.Other)
	case RecordSigreturn:
		e.Syscall = abi.Sysno(r.Sysno).String()
	case RecordSegment:
		e.Packet = r.packetEvent(re)
	}
	return e
}

// EventKind is the Kind of the Event of a Record of kind k.
func (k RecordKind) EventKind() string {
	switch k {
	case RecordCall, RecordSocketCall, RecordSyscall, RecordInetCall:
		return "syscall"
	case RecordBlock, RecordSocketBlock, RecordSyscallBlock, RecordInetBlock:
		return "block"
	case RecordSegment:
		return "net"
	case RecordWake:
		return "wake"
	case RecordSwitch:
		return "switch"
	case RecordHand:
		return "ipc"
	case RecordPending, RecordDeliver:
		return "signal"
	case RecordSigreturn:
		return "syscall"
	}
	return ""
}

// str returns b as a string: from the cache c, or a view of b (Views).
func (re *RecordEvent) str(c *textCache, b []byte) string {
	if re.Views {
		return unsafe.String(unsafe.SliceData(b), len(b))
	}
	return c.String(b)
}

// record returns the kernel's Record, cleared, to fill and give to
// emitRecord: a Record is made where it is given, with no copy on the way
// (it is two cache lines, and the traced ping-pong makes one every 100
// ns or so).
func (k *Kernel) record() *Record {
	k.rec = Record{}
	return &k.rec
}

// emitRecord gives r, the kernel's Record, stamped now, to
// Config.TraceLog, or its Event to Config.Trace.
func (k *Kernel) emitRecord(r *Record) {
	r.Cycle = k.m.Clock.Now()
	if k.cfg.TraceLog != nil {
		k.cfg.TraceLog.Record(r)
		return
	}
	if k.records == nil {
		k.records = new(RecordEvent)
	}
	k.trace(k.records.Event(r, k.cfg.Host))
}

// recordable reports whether t's events may be Records: any thread but
// one that gave itself a name of its own, which its lines show and a
// Record has no room for (Event.Thread).
func (k *Kernel) recordable(t *Task) bool { return !k.noRecords && t != nil && t.ownName() == "" }

// setTask makes t the task of r's event: its PID, and its TID if it is
// not its process's first thread.
func (r *Record) setTask(t *Task) {
	r.PID = int32(t.PID)
	if t.TID != t.PID {
		r.Extra, r.TID = true, int32(t.TID)
	}
}

// setOther makes t r's Other, as setTask does.
func (r *Record) setOther(t *Task) {
	r.Other = int32(t.PID)
	if t.TID != t.PID {
		r.Extra, r.OtherTID = true, int32(t.TID)
	}
}

// appendWho appends the name of a task in the trace: "pid 4", or "pid 4
// tid 5" (tid not 0): Task.appendWho's, and a Record's of the task it
// names.
func appendWho(b []byte, pid, tid int32) []byte {
	b = strconv.AppendInt(append(b, "pid "...), int64(pid), 10)
	if tid != 0 {
		b = strconv.AppendInt(append(b, " tid "...), int64(tid), 10)
	}
	return b
}

// recordFile returns the operations of the open file behind descriptor
// fd of t if its events may be Records: a pipe(2) end (not a FIFO's,
// whose name is its path), a Unix stream socket or a TCP socket,
// numbered within a Record's int32; nil otherwise.
func recordFile(t *Task, fd uint64) FileOps {
	f := openFileOf(t, fd)
	if f == nil {
		return nil
	}
	switch o := f.ops.(type) {
	case *pipeEnd:
		if o.fifo == nil && recordNumber(o.p.ID) {
			return o
		}
	case *socketFile:
		if o.s.Type == abi.SOCK_STREAM && recordNumber(o.s.ID) {
			return o
		}
	case *inetFile:
		if o.s.Type == abi.SOCK_STREAM && recordNumber(o.s.ID) {
			return o
		}
	}
	return nil
}

// recordNumber reports whether n, a pipe's, a socket's or a process's
// number, fits a Record's int32 (a run would need two billion pipes or
// sockets to make one that does not).
func recordNumber(n int) bool { return n > 0 && n <= math.MaxInt32 }

// recordCall traces c's return with ret as a RecordCall, a
// RecordSocketCall or a RecordInetCall, if it is one: a read or write on
// a pipe(2) end, a Unix stream socket or a TCP socket (recordFile) that
// returned, by a task whose events may be Records (recordable), with its
// arguments read now (not at entry), and no fault of the plan.
func (k *Kernel) recordCall(c *call, ret int64) bool {
	t := c.t
	if (c.no != abi.SysRead && c.no != abi.SysWrite) || ret < 0 || c.entryArgs != "" || c.inject != nil || !k.recordable(t) {
		return false
	}
	n := c.a[2] // a write shows what it was asked to write; a read what it read
	if c.no == abi.SysRead {
		n = uint64(ret)
	}
	n = min(n, traceBytes+1) // as appendBuffer reads: 33 bytes show 32 and "..."
	r := k.record()
	r.Kind, r.Sysno, r.A, r.Ret = RecordCall, uint16(c.no), [3]uint64{c.a[0], c.a[1], c.a[2]}, ret
	r.setTask(t)
	switch f := recordFile(t, c.a[0]).(type) {
	case *pipeEnd:
		r.Obj = int32(f.p.ID)
	case *socketFile:
		if k.moved.via != "" || k.moved.udp.Num != 0 {
			return false
		}
		// The queue the bytes went through, as socketVia names it:
		// the reader's own, or the writer's peer's (none once the
		// peer is gone).
		r.Kind, r.Obj = RecordSocketCall, int32(f.s.ID)
		via := f.s
		if c.no == abi.SysWrite {
			via = f.s.Peer()
		}
		if via != nil {
			if !recordNumber(via.ID) {
				return false
			}
			r.Other = int32(via.ID)
		}
	case *inetFile:
		if k.moved.via != "" || k.moved.udp.Num != 0 || !recordInet(r, f) {
			return false
		}
	default:
		return false
	}
	r.capture(t.AS, c.no == abi.SysRead && ret == 0, n)
	k.emitRecord(r)
	k.moved = moved{} // as the general path forgets it after the event
	return true
}

// recordBlock traces c's going to sleep on blk as a RecordBlock, a
// RecordSocketBlock or a RecordInetBlock, if it is one: a read of an
// empty pipe(2), Unix stream socket or TCP socket (recordable).
func (k *Kernel) recordBlock(t *Task, c *call, blk *blockError) bool {
	if c.no != abi.SysRead || c.entryArgs != "" || !k.recordable(t) {
		return false
	}
	r := k.record()
	r.Kind, r.Sysno, r.A, r.N = RecordBlock, uint16(c.no), [3]uint64{c.a[0], c.a[1], c.a[2]}, ShowPointer
	r.setTask(t)
	switch f := recordFile(t, c.a[0]).(type) {
	case *pipeEnd:
		if blk != f.emptyBlock {
			return false
		}
		r.Obj, r.Ret, r.Other = int32(f.p.ID), int64(f.p.Len()), int32(f.p.Cap())
	case *socketFile:
		if blk != f.lastBlock || !f.s.IsEmptyRead(f.lastBlocked) {
			return false
		}
		r.Kind, r.Obj = RecordSocketBlock, int32(f.s.ID)
	case *inetFile:
		if blk != f.lastBlock || !k.recordInetBlock(r, f, blk) {
			return false
		}
	default:
		return false
	}
	k.emitRecord(r)
	k.moved = moved{} // noted by a try that did not finish
	return true
}

// recordWake traces the wakeup of t as a RecordWake, if it is one: woken
// by another task's call, saying why in at most recordBytes.
func (k *Kernel) recordWake(t, by *Task, why string) bool {
	if by == nil || by == t || by.inCall == nil || by.inCall.no >= 1<<16 || len(why) > recordBytes || !k.recordable(t) || !k.recordable(by) {
		return false
	}
	r := k.record()
	r.Kind, r.Sysno = RecordWake, uint16(by.inCall.no)
	r.setTask(t)
	r.setOther(by)
	k.emitBytes(r, why)
	return true
}

// recordSwitch traces the switch to t as a RecordSwitch, if it is one:
// from a task that blocked in a call to another.
func (k *Kernel) recordSwitch(t *Task) bool {
	from, w := k.last, k.switchReason
	if from == nil || from == t || w.format != blockedIn || w.t != from || w.no >= 1<<16 || !k.recordable(from) || !k.recordable(t) {
		return false
	}
	r := k.record()
	r.Kind, r.Sysno = RecordSwitch, uint16(w.no)
	r.setTask(t)
	r.setOther(from)
	k.emitRecord(r)
	return true
}

// capture takes the n bytes of the buffer at A[1] (n at most recordBytes)
// for the record's sentence, or shows the address instead (ptr, or the
// trace cannot read them).
func (r *Record) capture(as *proc.AddressSpace, ptr bool, n uint64) {
	r.N = ShowPointer
	if ptr {
		return
	}
	if n <= uint64(len(r.Buf)) { // the commonest: the head alone
		if as.PeekBytes(r.A[1], r.Buf[:n]) == nil { // the trace only looks (peeker)
			r.N = uint8(n)
		}
		return
	}
	var b [recordBytes]byte
	if as.PeekBytes(r.A[1], b[:n]) == nil {
		r.setBytes(0, b[:n])
		r.N = uint8(n)
	}
}

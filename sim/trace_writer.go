package sim

import (
	"bytes"
	"encoding/binary"
	"io"
	"math/bits"
	"runtime"
	"strconv"
	"sync"

	"ipcsim/kernel"
)

// A TraceWriter writes a machine's trace to w as HostTracer does, the same
// bytes in the same order, but makes the lines of the kernel's Records
// (kernel.Config.TraceLog: the commonest events, kernel/trace_record.go)
// on a goroutine of its own. The simulation then only copies each Record
// into a batch, and a second core, if there is one, makes the sentences
// and the lines (BENCHMARKS.md, "Tracing", has what it saves).
//
// Every other event is formatted at once, as HostTracer would, and its
// line goes in the batch between the Records around it, so that the order
// is the events'. The lines reach w only as the goroutine writes them,
// so a trace that shares its destination with what the program writes
// (ipcsim exec's standard error) calls Sync before each of the program's
// writes. Close writes the rest and must be called.
//
// The trace of several hosts, in a process that has one core to run on
// (GOMAXPROCS 1: ipcsim under taskset -c 0, a container of one CPU), is
// made inline: each line at once, from the Record where the cluster held
// it, into the buffer w is written from. There is no second core to give
// the lines to, and the cluster hands its held Records over in bursts
// (kernel.Cluster's flush), so the batches would only add a copy of each
// Record and a walk of the copies: 14% of what the trace of two hosts
// each running the pipe ping-pong costs in instructions, and 6% of its
// time. A machine alone hands each Record over as its kernel makes it,
// between the simulation's steps, and there the batches are the faster
// way even on one core: made at once, the lines of the TCP ping-pong cost
// half again as many misses of the instruction cache, and 7% more time
// (BENCHMARKS.md, "Tracing").
type TraceWriter struct {
	json   bool
	hosts  []string // the machines' names (kernel.Config.Host), for their Records' lines
	width  int
	filter *TraceFilter // the events written; nil: every one

	b     *traceBatch      // the batch being filled
	full  chan *traceBatch // batches for the goroutine to write
	free  chan *traceBatch // batches written, to fill again
	done  chan struct{}    // closed when the goroutine has written everything
	dirty bool             // an event came since the last Sync

	lw     *lineWriter   // makes and writes the lines
	synced chan struct{} // the goroutine has written a batch marked sync

	// inline says that the lines are made at once, into lw's buffer,
	// with no batch and no goroutine (several hosts on one core:
	// NewTraceWriter).
	inline bool
	closed bool // inline: Close was called
}

// A lineWriter makes the lines of batches and writes them: the
// goroutine's, or Sync's when the goroutine has nothing to do, with mu
// held. (An inline TraceWriter has no goroutine: it makes each line with
// its lineWriter, without mu.) It is a struct of its own, apart from the
// TraceWriter's fields that the simulation writes at every event: when
// its fields shared cache lines with those, each side's writes took the
// lines from the other core, and the traced pipe ping-pong took a
// quarter more CPU time.
type lineWriter struct {
	_        [64]byte // nothing of the TraceWriter's, or of another object, on its cache lines
	mu       sync.Mutex
	inFlight int // batches sent and not yet written
	// The TraceWriter's json, hosts and width, kept here too: the
	// goroutine then reads nothing on the simulation's cache lines.
	json  bool
	hosts []string
	width int
	w     io.Writer
	out   []byte             // lines to write to w
	err   error              // the first error of w
	r     kernel.Record      // the Record whose line is being made
	re    kernel.RecordEvent // each Event is formatted and forgotten

	// The start of the last line (lineStart): cycleText[:cycleLen], which
	// ends in the cycle's cycleDigits digits.
	cycle       uint64
	cycleKept   bool
	cycleLen    int
	cycleDigits int
	cycleText   [32]byte // `{"cycle":` and 20 digits at most

	seen seenLines // the lines of Records seen lately
	_    [64]byte
}

// The size of a batch and how many go round. A batch costs a wakeup of
// the goroutine, so it must hold many round trips of a ping-pong (with
// 1,024 Records a batch, the wakeups took most of the gain; with room for
// 1,024 tails, a message-queue ping-pong's batches filled with tails
// first, and it was a fifth slower than with 4,096; a thread's Records
// all have extras). A batch takes some 1.1 MB (512 KiB of heads, 256 KiB
// of tails, 64 KiB of extras and 260 KiB of lines), and the number of
// them bounds the writer's memory however far the simulation runs ahead
// of the formatting, which then waits for a free batch: about 9 MB with
// batches, 3.3 MB with batchesOne.
//
// How many pays best depends on the cores (runtime.GOMAXPROCS). With two
// or more, the simulation and the goroutine run side by side, and the
// batches are the simulation's slack when the goroutine falls behind for
// a moment: with 3, the pipe ping-pong's trace took 5-9% longer. With
// one, the simulation fills every free batch before the goroutine runs,
// and the fewer there are, the more of them stay in a cache: with 8, the
// traced runs of bench-trace.sh took 3-5% longer (BENCHMARKS.md,
// "Tracing").
const (
	batchRecords = 8192
	batchTails   = 4096
	batchExtras  = 4096
	batchLines   = 256 << 10 // bytes of lines formatted in place
	batches      = 8         // with two cores or more
	batchesOne   = 3         // with one
)

// A traceBatch holds Records and the lines of the events between them.
// A Record's tail is copied only if it has one (kernel.RecordHead.HasTail),
// and its extra likewise (Extra): most Records are their head alone, a
// cache line.
type traceBatch struct {
	recs   []kernel.RecordHead
	tails  []kernel.RecordTail  // the tails of the Records that have one, in order
	extras []kernel.RecordExtra // the extras of the Records that have one, in order
	hosts  []int                // the host of each Record, with more than one host
	lines  []byte
	marks  []lineMark
	sync   bool // the goroutine writes w's lines so far, then says so on synced
}

// A lineMark says where lines go among the Records: lines up to end (from
// the previous mark's end) go before recs[before].
type lineMark struct{ before, end int }

// NewTraceWriter returns a TraceWriter to w of the trace of the machines
// hosts, named as in their kernel.Config.Host (none for a machine alone),
// as text with the hosts' names given width columns (Scenario.HostWidth),
// or JSON lines, of the events filter shows (nil: every one). It takes a
// machine's trace (kernel.Config.TraceLog: the first host's) or a
// cluster's (kernel.ClusterConfig.TraceLog). The lines of several hosts
// on one core (runtime.GOMAXPROCS) are made inline.
func NewTraceWriter(w io.Writer, json bool, hosts []string, width int, filter *TraceFilter) *TraceWriter {
	return newTraceWriter(w, json, hosts, width, filter, len(hosts) > 1 && runtime.GOMAXPROCS(0) == 1)
}

// newTraceWriter is NewTraceWriter, making the lines at once (inline) or
// on a goroutine of its own.
func newTraceWriter(w io.Writer, json bool, hosts []string, width int, filter *TraceFilter, inline bool) *TraceWriter {
	if len(hosts) == 0 {
		hosts = []string{""}
	}
	if filter != nil && !filter.Active() {
		filter = nil
	}
	t := &TraceWriter{json: json, hosts: hosts, width: width, filter: filter, inline: inline,
		lw: &lineWriter{json: json, hosts: hosts, width: width, w: w, out: make([]byte, 0, flushAt), re: kernel.RecordEvent{Views: true}}}
	if inline {
		return t // no batches, no goroutine to hand them to
	}
	t.full, t.free, t.done, t.synced = make(chan *traceBatch, batches), make(chan *traceBatch, batches), make(chan struct{}), make(chan struct{})
	n := batches
	if runtime.GOMAXPROCS(0) == 1 {
		n = batchesOne
	}
	t.b = newTraceBatch()
	for range n - 1 {
		t.free <- newTraceBatch()
	}
	go t.write()
	return t
}

// reset empties b, to be filled again.
func (b *traceBatch) reset() {
	b.recs, b.tails, b.extras, b.hosts, b.lines, b.marks, b.sync = b.recs[:0], b.tails[:0], b.extras[:0], b.hosts[:0], b.lines[:0], b.marks[:0], false
}

func newTraceBatch() *traceBatch {
	return &traceBatch{recs: make([]kernel.RecordHead, 0, batchRecords), tails: make([]kernel.RecordTail, 0, batchTails),
		extras: make([]kernel.RecordExtra, 0, batchExtras), lines: make([]byte, 0, batchLines+4096)}
}

// Record takes an event of a common shape of the first host
// (kernel.TraceLog).
func (t *TraceWriter) Record(r *kernel.Record) { t.HostRecord(0, r) }

// HostRecord takes an event of a common shape of host number host
// (kernel.ClusterLog).
func (t *TraceWriter) HostRecord(host int, r *kernel.Record) {
	if t.filter != nil && !t.filter.MatchRecord(r, t.hosts[host]) {
		return
	}
	t.dirty = true
	if t.inline {
		t.lw.out = t.lw.appendRecordLine(t.lw.out, r, host)
		t.lw.flushFull()
		return
	}
	b := t.b
	b.recs = appendCopy(b.recs, &r.RecordHead)
	if r.HasTail() {
		b.tails = appendCopy(b.tails, &r.RecordTail)
	}
	if r.Extra {
		b.extras = appendCopy(b.extras, &r.RecordExtra)
	}
	if len(t.hosts) > 1 {
		b.hosts = append(b.hosts, host)
	}
	if len(b.recs) == cap(b.recs) || len(b.tails) == cap(b.tails) || len(b.extras) == cap(b.extras) {
		t.send()
	}
}

// appendCopy appends *v to s, copying it once. append(s, *v) copies a
// struct of this size to the stack and from there to s (go1.26), and every
// traced event's Record paid it (BENCHMARKS.md, "Whole programs timed by
// bash"). A batch is made with room for all it takes (newTraceBatch), so
// the append below is the rare case.
func appendCopy[T any](s []T, v *T) []T {
	n := len(s)
	if n == cap(s) {
		return append(s, *v)
	}
	s = s[:n+1]
	s[n] = *v
	return s
}

// Event takes any other event (kernel.TraceLog), whose line is made now.
func (t *TraceWriter) Event(e *kernel.Event) {
	if t.filter != nil && !t.filter.Match(e) {
		return
	}
	t.dirty = true
	if t.inline {
		t.lw.out = appendLine(t.lw.out, e, t.json, t.width)
		t.lw.flushFull()
		return
	}
	b := t.b
	b.lines = appendLine(b.lines, e, t.json, t.width)
	b.marks = append(b.marks, lineMark{before: len(b.recs), end: len(b.lines)})
	if len(b.lines) >= batchLines {
		t.send()
	}
}

// send hands the batch to the goroutine and takes a free one.
func (t *TraceWriter) send() {
	t.lw.mu.Lock()
	t.lw.inFlight++
	t.lw.mu.Unlock()
	t.full <- t.b
	t.b = <-t.free
}

// Sync returns when every line of the events so far has been written to
// w (w's Write has returned), at once if there was none since the last
// Sync. It is for the moments when the trace's lines must be out before
// something else is (a program's write to the same file). If the
// goroutine has nothing to do, the lines are made here, as a Tracer
// makes them: a program that writes after each call must not wait for a
// wakeup of the goroutine at each write (that made such a program's trace
// twice as dear as made in place). Otherwise the batch goes after the
// others, and Sync waits for the goroutine.
func (t *TraceWriter) Sync() {
	if t.inline {
		if t.dirty && !t.closed {
			t.dirty = false
			t.lw.flush()
		}
		return
	}
	if !t.dirty || t.b == nil {
		return
	}
	t.dirty = false
	lw := t.lw
	lw.mu.Lock()
	if lw.inFlight == 0 {
		lw.writeBatch(t.b)
		lw.flush()
		lw.mu.Unlock()
		t.b.reset()
		return
	}
	lw.mu.Unlock()
	t.b.sync = true
	t.send()
	<-t.synced
}

// Close writes what is left and returns the first error of w; the
// TraceWriter takes nothing after it. Closing it again returns the same.
func (t *TraceWriter) Close() error {
	if t.inline {
		if !t.closed {
			t.closed = true
			t.lw.flush()
		}
		return t.lw.err
	}
	if t.b != nil { // not closed yet
		t.send()
		t.b = nil
		close(t.full)
		<-t.done
	}
	return t.lw.err
}

// write is the goroutine: it writes each batch's lines, in order, to w,
// through a buffer, and returns the batch to be filled again. After an
// error of w it writes nothing more, but still takes the batches, so
// that the simulation never waits for it.
func (t *TraceWriter) write() {
	defer close(t.done)
	lw := t.lw
	for b := range t.full {
		sync := b.sync
		lw.mu.Lock()
		lw.writeBatch(b)
		if sync {
			lw.flush()
		}
		lw.inFlight--
		lw.mu.Unlock()
		b.reset()
		t.free <- b // never waits: free has room for every batch
		if sync {
			t.synced <- struct{}{}
		}
	}
	lw.mu.Lock()
	lw.flush()
	lw.mu.Unlock()
}

// writeBatch appends the lines of b to out, in order, and writes out to w
// whenever it holds flushAt bytes (flushFull). mu is held.
func (l *lineWriter) writeBatch(b *traceBatch) {
	r := &l.r
	from, m, tail, extra := 0, 0, 0, 0 // the next line's start, the next mark, the next tail and extra
	for i := 0; i <= len(b.recs); i++ {
		for ; m < len(b.marks) && b.marks[m].before == i; m++ {
			l.out = append(l.out, b.lines[from:b.marks[m].end]...)
			from = b.marks[m].end
		}
		if i < len(b.recs) {
			host := 0
			if len(b.hosts) > 0 {
				host = b.hosts[i]
			}
			r.RecordHead = b.recs[i]
			if r.HasTail() {
				r.RecordTail = b.tails[tail]
				tail++
			} else {
				r.RecordTail = kernel.RecordTail{}
			}
			if r.Extra {
				r.RecordExtra = b.extras[extra]
				extra++
			} else {
				r.RecordExtra = kernel.RecordExtra{}
			}
			l.out = l.appendRecordLine(l.out, r, host)
		}
		l.flushFull()
	}
}

// flushAt is how many bytes of lines a lineWriter gathers before it
// writes them to w (flushFull), and the room its buffer is made with.
const flushAt = 64 << 10

// flushFull writes out to w if it holds flushAt bytes or more. mu is
// held, or the TraceWriter is inline.
func (l *lineWriter) flushFull() {
	if len(l.out) >= flushAt {
		l.flush()
	}
}

// flush writes out to w, unless w has failed. mu is held.
func (l *lineWriter) flush() {
	if l.err == nil && len(l.out) > 0 {
		_, l.err = l.w.Write(l.out)
	}
	l.out = l.out[:0]
}

// appendRecordLine appends the line of Record r of host number host,
// newline included, made from the rest of the line of a Record seen
// before if there was one (seenLines), and the line's rest kept for the
// next one otherwise.
func (l *lineWriter) appendRecordLine(out []byte, r *kernel.Record, host int) []byte {
	if r.Kind == kernel.RecordSegment {
		// Its sequence and acknowledgment numbers differ at every
		// segment: never seen before, it would only push out a line
		// that is.
		e := l.re.Event(r, l.hosts[host])
		if l.json {
			return appendSegmentJSON(out, e)
		}
		return appendLine(out, e, false, l.width)
	}
	slot := l.seen.slot(r, host)
	if slot.seen {
		out = append(append(out, l.lineStart(r.Cycle)...), slot.rest...)
		if slot.msg {
			out = append(strconv.AppendUint(out, r.Msg, 10), "}\n"...)
		}
		return out
	}
	start := len(out)
	out = appendLine(out, l.re.Event(r, l.hosts[host]), l.json, l.width)
	n := len(l.lineStart(r.Cycle))
	slot.seen, slot.msg = true, false
	rest := out[start+n:]
	if r.Msg != 0 && l.json {
		// A message's number is the last field of its line: kept apart,
		// the rest serves every message of the same call.
		var end [32]byte
		tail := append(strconv.AppendUint(append(end[:0], `,"msg":`...), r.Msg, 10), "}\n"...)
		if bytes.HasSuffix(rest, tail) {
			rest, slot.msg = rest[:len(rest)-len(tail)+len(`,"msg":`)], true
		} else {
			slot.seen = false // not the shape expected: the line is made afresh each time
		}
	}
	slot.rest = append(slot.rest[:0], rest...)
	return out
}

// lineStart returns the start of a line, which is all that depends on the
// event's cycle: the cycle in 9 columns in text, the first field in JSON.
// Several events in a row often share a cycle (a write, the wakeup it
// makes, the switch that follows): the last one's start is kept, and a
// later cycle is added to its digits where they are (addCycles), for
// strconv took some 190 instructions a cycle, about a tenth of what the
// traced pipe ping-pong's trace cost. The bytes are valid until the next
// call.
func (l *lineWriter) lineStart(cycle uint64) []byte {
	if !l.cycleKept || cycle != l.cycle {
		if !l.cycleKept || cycle < l.cycle || !l.addCycles(cycle-l.cycle) {
			var start []byte
			if l.json {
				start = strconv.AppendUint(append(l.cycleText[:0], `{"cycle":`...), cycle, 10)
				l.cycleDigits = len(start) - len(`{"cycle":`)
			} else {
				start = appendUintPadLeft(l.cycleText[:0], cycle, 9)
				l.cycleDigits = len(start) - 1 - bytes.LastIndexByte(start, ' ') // after the padding
			}
			l.cycleLen, l.cycleKept = len(start), true
		}
		l.cycle = cycle
	}
	return l.cycleText[:l.cycleLen]
}

// addCycles adds d to the cycle whose digits end the kept start, in place,
// and reports whether it could: not if the sum needs a digit more (lineStart
// then makes the start afresh, and the digits left here do not matter).
func (l *lineWriter) addCycles(d uint64) bool {
	digits := l.cycleText[l.cycleLen-l.cycleDigits : l.cycleLen]
	for i := len(digits) - 1; d > 0; i-- {
		if i < 0 {
			return false
		}
		sum := uint64(digits[i]-'0') + d%10
		d /= 10
		if sum >= 10 {
			sum -= 10
			d++ // the carry
		}
		digits[i] = byte('0' + sum)
	}
	return true
}

// seenLines keeps the lines of Records seen lately, but for their cycle.
// A program's loop makes the same Records again and again but for their
// cycle: the same call on the same descriptor with the same buffer and
// bytes, the same wakeup, the same switch. A Record's line is its cycle
// (lineStart) and a rest made of its other fields and its host's name
// alone, so the rest of a Record seen before is the rest kept for it. In
// the ping-pong every Record after the first round trip is one seen, and
// its line costs a fraction of what making it does (BENCHMARKS.md,
// "Tracing"). A hash of the Record picks two slots of the table; a Record
// seen in neither replaces the one of the two used least lately, so that
// two Records of a loop that meet in one slot do not push each other out
// at every turn. A loop's Records also come in the same order at every
// turn, so each slot remembers the slot used after it (next), and a Record
// is looked for there first, before it is hashed.
type seenLines struct {
	slots [256]seenLine
	clock uint64    // counts the slots' uses
	last  *seenLine // the slot used last
}

type seenLine struct {
	key  kernel.Record // the Record seen, its Cycle and Msg 0
	host int
	seen bool
	msg  bool   // the rest ends before the message's number, and "}\n"
	used uint64 // the clock when it was last used
	rest []byte // its line after lineStart's part
	// next is the slot used after this one, last time: in a loop, the
	// slot of the Record that comes next.
	next *seenLine
}

// slot returns the slot of r of host number host: seen if it holds r's
// line, to be filled otherwise. A Record's cycle and message number
// (which only JSON shows, last) are no part of its key. A Record that
// comes where it came last time (the loop's next) costs a comparison;
// another one a hash too (find).
func (s *seenLines) slot(r *kernel.Record, host int) *seenLine {
	cycle, msg := r.Cycle, r.Msg
	r.Cycle, r.Msg = 0, 0
	s.clock++
	var found *seenLine
	if s.last != nil && s.last.next != nil && s.last.next.holds(r, host) {
		found = s.last.next
	} else {
		found = s.find(r, host)
		if s.last != nil {
			s.last.next = found
		}
	}
	found.used, s.last = s.clock, found
	r.Cycle, r.Msg = cycle, msg
	return found
}

// holds reports whether l is the slot of r (its Cycle and Msg 0) of host
// number host. A zero slot is no Record's (its Kind is none). A Record
// without a tail compares its head alone: HasTail and Extra are decided
// by the head, and the tail and extra of such a Record are zero.
func (l *seenLine) holds(r *kernel.Record, host int) bool {
	return l.host == host && l.key.RecordHead == r.RecordHead && (!r.HasTail() || l.key.RecordTail == r.RecordTail) &&
		(!r.Extra || l.key.RecordExtra == r.RecordExtra)
}

// find returns the slot of r (its Cycle and Msg 0) of host number host
// by r's hash: the one of its two that holds it, or the one of them used
// least lately, emptied for r. It costs a few nanoseconds a line, the
// lines of a loop being few and short: words of the Record are mixed by
// xor and rotation and one multiplication, rather than by a
// multiplication each, whose chain took a third of its time.
func (s *seenLines) find(r *kernel.Record, host int) *seenLine {
	h := r.A[0] ^ bits.RotateLeft64(r.A[1], 13) ^ bits.RotateLeft64(r.A[2], 26) ^ bits.RotateLeft64(uint64(r.Ret), 39) ^
		(uint64(uint32(r.PID)) | uint64(uint32(r.Other))<<32) ^
		bits.RotateLeft64(uint64(uint32(r.Obj))|uint64(r.Sysno)<<32|uint64(r.Kind)<<48|uint64(r.N)<<56, 7) ^
		bits.RotateLeft64(uint64(binary.LittleEndian.Uint32(r.Buf[:]))|uint64(binary.LittleEndian.Uint32(r.Buf[3:]))<<32, 20) ^
		bits.RotateLeft64(uint64(host), 33)
	if r.HasTail() {
		h ^= bits.RotateLeft64(r.More[0], 46) ^ bits.RotateLeft64(r.More[1], 59) ^ bits.RotateLeft64(binary.LittleEndian.Uint64(r.Ext[:]), 3)
	}
	if r.Extra {
		h ^= bits.RotateLeft64(r.A6, 17) ^ (uint64(uint32(r.TID)) | uint64(uint32(r.OtherTID))<<32)
	}
	h *= 0x9e3779b97f4a7c15 // the high bits mix every word: the slots' numbers come from them
	a, b := &s.slots[(h>>56)%uint64(len(s.slots))], &s.slots[(h>>48)%uint64(len(s.slots))]
	switch {
	case a.holds(r, host):
		return a
	case b.holds(r, host):
		return b
	}
	found := a
	if b.used < a.used {
		found = b
	}
	found.key, found.host, found.seen = *r, host, false
	return found
}

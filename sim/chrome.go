package sim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"ipcsim/kernel"
)

// ChromeTrace renders the events of a run as a Chrome trace (the Trace
// Event Format's JSON object form), which Perfetto (ui.perfetto.dev) and
// chrome://tracing open: one track per process, "pid N (name)", with
// complete events for the slices in which it runs, is ready or is blocked
// (the blocked slices named by what the process waits on), instant events
// for signals, and flow arrows (Timeline) for forks (parent to child),
// wakeups (waker to woken), signals (sender to target), the bytes through
// pipes, FIFOs and stream sockets (each write to the reads that took its
// bytes), the messages through message queues and datagram sockets
// (each send to its receive) and UDP datagrams (each send to the receive
// of each copy taken); a TCP connection's and a UDP datagram's go from
// host to host. Timestamps are microseconds of virtual time (a cycle
// is a nanosecond), with three decimals, so nothing is rounded.
//
// It writes as the run goes: a slice is written when it ends, so what it
// holds is one open slice per live process. The output depends only on
// the events, so the same run gives the same bytes.
type ChromeTrace struct {
	w     io.Writer
	err   error
	n     int // events written
	flows int // flow ids used
	tl    *Timeline
	buf   bytes.Buffer
	enc   *json.Encoder
}

// chromePID is the Chrome process that holds every track of the
// machine; with hosts, host i's tracks are in Chrome process chromePID+i,
// so that each host's pids are its own.
const chromePID = 1

// chromeEvent is one event of the Trace Event Format, its fields in a
// fixed order.
type chromeEvent struct {
	Name string            `json:"name"`
	Cat  string            `json:"cat,omitempty"`
	Ph   string            `json:"ph"`
	TS   json.Number       `json:"ts"`
	Dur  json.Number       `json:"dur,omitempty"`
	PID  int               `json:"pid"`
	TID  int               `json:"tid"`
	ID   int               `json:"id,omitempty"`
	S    string            `json:"s,omitempty"`
	BP   string            `json:"bp,omitempty"`
	Args map[string]string `json:"args,omitempty"`
}

// NewChromeTrace starts a Chrome trace on w; name names the machine's
// track group (the scenario's path, say).
func NewChromeTrace(w io.Writer, name string) *ChromeTrace {
	return NewChromeTraceHosts(w, name, nil)
}

// NewChromeTraceHosts starts a Chrome trace of a run with hosts: a Chrome
// process per host, in the order given ("ipcsim NAME: host alice"), each
// with its own tracks, so that every host's pid 2 has its own. With no
// hosts it is NewChromeTrace.
func NewChromeTraceHosts(w io.Writer, name string, hosts []string) *ChromeTrace {
	c := &ChromeTrace{w: w}
	c.tl = NewTimeline(c, hosts, true)
	c.enc = json.NewEncoder(&c.buf)
	c.enc.SetEscapeHTML(false)
	_, c.err = io.WriteString(w, "{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n")
	if len(hosts) == 0 {
		hosts = []string{""}
	}
	for i, h := range hosts {
		pname := "ipcsim " + name
		if h != "" {
			pname += ": host " + h
		}
		c.write(chromeEvent{Name: "process_name", Ph: "M", TS: "0", PID: chromePID + i, Args: map[string]string{"name": pname}})
		c.write(chromeEvent{Name: "thread_name", Ph: "M", TS: "0", PID: chromePID + i, TID: 0, Args: map[string]string{"name": "machine (interrupts, terminal)"}})
	}
	return c
}

// micros renders a cycle count (nanoseconds) as microseconds.
func micros(cycles uint64) json.Number {
	return json.Number(fmt.Sprintf("%d.%03d", cycles/1000, cycles%1000))
}

func (c *ChromeTrace) write(e chromeEvent) {
	if c.err != nil {
		return
	}
	c.buf.Reset()
	if c.n > 0 {
		c.buf.WriteString(",")
	}
	if c.err = c.enc.Encode(e); c.err != nil { // Encode ends the line
		return
	}
	c.n++
	_, c.err = c.w.Write(c.buf.Bytes())
}

// Event takes the next event of the run (for Options.Trace).
func (c *ChromeTrace) Event(e *kernel.Event) { c.tl.Event(e) }

// Track names pid's track: "pid 2 (parent)"; the sort index keeps the
// tracks in pid order (TimelineSink).
func (c *ChromeTrace) Track(host, pid int, name string, at uint64) {
	c.write(chromeEvent{Name: "thread_name", Ph: "M", TS: micros(at), PID: chromePID + host, TID: pid,
		Args: map[string]string{"name": name}})
	c.write(chromeEvent{Name: "thread_sort_index", Ph: "M", TS: micros(at), PID: chromePID + host, TID: pid,
		Args: map[string]string{"sort_index": fmt.Sprint(pid)}})
}

// Slice writes a complete event (TimelineSink).
func (c *ChromeTrace) Slice(host, pid int, state, name string, from, to uint64, args map[string]string) {
	c.write(chromeEvent{Name: name, Cat: state, Ph: "X", TS: micros(from), Dur: micros(to - from),
		PID: chromePID + host, TID: pid, Args: args})
}

// Flow draws an arrow from process from to process to: it starts in
// from's enclosing slice at sent and ends at to's next slice at at (a
// fork's child, a woken process, a signal's target), or for bytes and
// messages in the slice in which the receive returned (TimelineSink).
// The label is the start's argument.
func (c *ChromeTrace) Flow(cat, label string, fromHost, from int, sent uint64, toHost, to int, at uint64) {
	c.flows++
	var args map[string]string
	if label != cat {
		args = map[string]string{"label": label}
	}
	c.write(chromeEvent{Name: cat, Cat: cat, Ph: "s", TS: micros(sent), PID: chromePID + fromHost, TID: from, ID: c.flows, Args: args})
	bp := "" // the next slice: the woken, the forked one runs later
	if sent != at || cat == "bytes" || cat == "message" {
		bp = "e" // the slice in which the receive returned
	}
	c.write(chromeEvent{Name: cat, Cat: cat, Ph: "f", TS: micros(at), PID: chromePID + toHost, TID: to, ID: c.flows, BP: bp})
}

// Instant marks a moment on a process's track (TimelineSink).
func (c *ChromeTrace) Instant(host, pid int, cat, name, text string, at uint64) {
	var args map[string]string
	if name != text {
		args = map[string]string{"text": text}
	}
	c.write(chromeEvent{Name: name, Cat: cat, Ph: "i", TS: micros(at), PID: chromePID + host, TID: pid, S: "t", Args: args})
}

// Close ends the slices still open at the end of the run, at the last
// event's cycle (end, if later), in pid order, and ends the JSON.
func (c *ChromeTrace) Close(end uint64) error {
	c.tl.Close(end)
	if c.err == nil {
		_, c.err = io.WriteString(c.w, "]}\n")
	}
	return c.err
}

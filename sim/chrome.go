package sim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"ipcsim/kernel"
)

// ChromeTrace renders the events of a run as a Chrome trace (the Trace
// Event Format's JSON object form), which Perfetto (ui.perfetto.dev) and
// chrome://tracing open: one track per process, "pid N (name)", with
// complete events for the slices in which it runs, is ready or is blocked
// (the blocked slices named by what the process waits on), instant events
// for signals, and flow arrows for wakeups (waker to woken) and forks
// (parent to child). Timestamps are microseconds of virtual time (a cycle
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
	now   uint64
	procs map[int]*chromeProc
	run   int // the pid on the CPU, 0 for none
	buf   bytes.Buffer
	enc   *json.Encoder
}

// chromeProc is what a process is doing since when: the open slice.
type chromeProc struct {
	state string // "running", "ready", "blocked", "stopped" or "" (none)
	name  string // the slice's name
	since uint64
	args  map[string]string
}

// chromePID is the Chrome process that holds every track: the machine.
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
	c := &ChromeTrace{w: w, procs: map[int]*chromeProc{}}
	c.enc = json.NewEncoder(&c.buf)
	c.enc.SetEscapeHTML(false)
	_, c.err = io.WriteString(w, "{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n")
	c.write(chromeEvent{Name: "process_name", Ph: "M", TS: "0", PID: chromePID, Args: map[string]string{"name": "ipcsim " + name}})
	c.write(chromeEvent{Name: "thread_name", Ph: "M", TS: "0", PID: chromePID, TID: 0, Args: map[string]string{"name": "machine (interrupts, terminal)"}})
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
func (c *ChromeTrace) Event(e *kernel.Event) {
	c.now = e.Cycle
	switch e.Kind {
	case "spawn":
		c.name(e.PID, e.Name, e.Cycle)
		p := c.proc(e.PID)
		c.enter(e.PID, p, "ready", "ready", nil)
		if e.Other != 0 { // fork
			c.flow("fork", e.Other, e.PID)
		}
	case "syscall":
		if e.Syscall == "execve" && e.Name != "" && (e.Ret == nil || *e.Ret == 0) {
			c.name(e.PID, e.Name, e.Cycle)
		}
	case "switch":
		if c.run != 0 && c.run != e.PID {
			if p := c.procs[c.run]; p != nil && p.state == "running" {
				c.enter(c.run, p, "ready", "ready", nil) // preempted, or it yielded
			}
		}
		c.run = e.PID
		c.enter(e.PID, c.proc(e.PID), "running", "running", nil)
	case "block":
		why := e.Text
		if i := strings.Index(why, " blocks: "); i >= 0 {
			why = why[i+len(" blocks: "):]
		}
		c.enter(e.PID, c.proc(e.PID), "blocked", e.Syscall+": "+why, map[string]string{"call": e.Text})
		if c.run == e.PID {
			c.run = 0
		}
	case "wake":
		c.enter(e.PID, c.proc(e.PID), "ready", "ready", nil)
		if e.Other != 0 {
			c.flow("wakeup", e.Other, e.PID)
		}
	case "signal":
		c.instant(e, "signal")
		switch {
		case strings.Contains(e.Text, "the default action stops the process"):
			c.enter(e.PID, c.proc(e.PID), "stopped", "stopped", nil)
			if c.run == e.PID {
				c.run = 0
			}
		case strings.HasPrefix(e.Text, "continued by SIGCONT"):
			if p := c.proc(e.PID); p.state == "stopped" {
				c.enter(e.PID, p, "ready", "ready", nil)
			}
		}
	case "exit":
		c.instant(e, "exit")
		if p := c.procs[e.PID]; p != nil {
			c.enter(e.PID, p, "", "", nil)
			delete(c.procs, e.PID)
		}
		if c.run == e.PID {
			c.run = 0
		}
	case "irq", "tty":
		c.instant(e, e.Kind)
	case "fault":
		c.instant(e, "fault")
	}
}

// proc returns the state of pid, making it if new.
func (c *ChromeTrace) proc(pid int) *chromeProc {
	p := c.procs[pid]
	if p == nil {
		p = &chromeProc{}
		c.procs[pid] = p
	}
	return p
}

// name names pid's track: "pid 2 (parent)"; the sort index keeps the
// tracks in pid order.
func (c *ChromeTrace) name(pid int, name string, cycle uint64) {
	c.write(chromeEvent{Name: "thread_name", Ph: "M", TS: micros(cycle), PID: chromePID, TID: pid,
		Args: map[string]string{"name": fmt.Sprintf("pid %d (%s)", pid, name)}})
	c.write(chromeEvent{Name: "thread_sort_index", Ph: "M", TS: micros(cycle), PID: chromePID, TID: pid,
		Args: map[string]string{"sort_index": fmt.Sprint(pid)}})
}

// enter ends p's open slice now, writing it unless it is empty, and opens
// the next ("" for none).
func (c *ChromeTrace) enter(pid int, p *chromeProc, state, name string, args map[string]string) {
	if p.state != "" && c.now > p.since {
		c.write(chromeEvent{Name: p.name, Cat: p.state, Ph: "X", TS: micros(p.since), Dur: micros(c.now - p.since),
			PID: chromePID, TID: pid, Args: p.args})
	}
	p.state, p.name, p.since, p.args = state, name, c.now, args
}

// flow draws an arrow from process from to process to, now: it starts in
// from's enclosing slice and ends at to's next slice.
func (c *ChromeTrace) flow(cat string, from, to int) {
	c.flows++
	c.write(chromeEvent{Name: cat, Cat: cat, Ph: "s", TS: micros(c.now), PID: chromePID, TID: from, ID: c.flows})
	c.write(chromeEvent{Name: cat, Cat: cat, Ph: "f", TS: micros(c.now), PID: chromePID, TID: to, ID: c.flows})
}

// instant marks e on its process's track.
func (c *ChromeTrace) instant(e *kernel.Event, cat string) {
	name := e.Text
	if e.Signal != "" {
		name = e.Signal
	}
	var args map[string]string
	if name != e.Text {
		args = map[string]string{"text": e.Text}
	}
	c.write(chromeEvent{Name: name, Cat: cat, Ph: "i", TS: micros(e.Cycle), PID: chromePID, TID: e.PID, S: "t", Args: args})
}

// Close ends the slices still open at the end of the run, at the last
// event's cycle (end, if later), in pid order, and ends the JSON.
func (c *ChromeTrace) Close(end uint64) error {
	c.now = max(c.now, end)
	pids := make([]int, 0, len(c.procs))
	for pid := range c.procs {
		pids = append(pids, pid)
	}
	slices.Sort(pids)
	for _, pid := range pids {
		c.enter(pid, c.procs[pid], "", "", nil)
	}
	if c.err == nil {
		_, c.err = io.WriteString(c.w, "]}\n")
	}
	return c.err
}

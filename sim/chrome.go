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
	procs map[[2]int]*chromeProc // by Chrome process (host) and pid
	run   map[int]int            // the pid on each host's CPU, 0 for none
	hosts map[string]int         // the Chrome process of each host
	hp    int                    // the Chrome process of the event being taken
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
	c := &ChromeTrace{w: w, procs: map[[2]int]*chromeProc{}, run: map[int]int{}, hosts: map[string]int{}}
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
		c.hosts[h] = chromePID + i
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
func (c *ChromeTrace) Event(e *kernel.Event) {
	c.now = e.Cycle
	c.hp = c.hosts[e.Host]
	if c.hp == 0 {
		c.hp = chromePID
	}
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
		if run := c.run[c.hp]; run != 0 && run != e.PID {
			if p := c.procs[[2]int{c.hp, run}]; p != nil && p.state == "running" {
				c.enter(run, p, "ready", "ready", nil) // preempted, or it yielded
			}
		}
		c.run[c.hp] = e.PID
		c.enter(e.PID, c.proc(e.PID), "running", "running", nil)
	case "block":
		why := e.Text
		if i := strings.Index(why, " blocks: "); i >= 0 {
			why = why[i+len(" blocks: "):]
		}
		c.enter(e.PID, c.proc(e.PID), "blocked", e.Syscall+": "+why, map[string]string{"call": e.Text})
		if c.run[c.hp] == e.PID {
			c.run[c.hp] = 0
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
			if c.run[c.hp] == e.PID {
				c.run[c.hp] = 0
			}
		case strings.HasPrefix(e.Text, "continued by SIGCONT"):
			if p := c.proc(e.PID); p.state == "stopped" {
				c.enter(e.PID, p, "ready", "ready", nil)
			}
		}
	case "exit":
		c.instant(e, "exit")
		if p := c.procs[[2]int{c.hp, e.PID}]; p != nil {
			c.enter(e.PID, p, "", "", nil)
			delete(c.procs, [2]int{c.hp, e.PID})
		}
		if c.run[c.hp] == e.PID {
			c.run[c.hp] = 0
		}
	case "irq", "tty", "down":
		c.instant(e, e.Kind)
	case "fault":
		c.instant(e, "fault")
	}
}

// proc returns the state of pid, making it if new.
func (c *ChromeTrace) proc(pid int) *chromeProc {
	p := c.procs[[2]int{c.hp, pid}]
	if p == nil {
		p = &chromeProc{}
		c.procs[[2]int{c.hp, pid}] = p
	}
	return p
}

// name names pid's track: "pid 2 (parent)"; the sort index keeps the
// tracks in pid order.
func (c *ChromeTrace) name(pid int, name string, cycle uint64) {
	c.write(chromeEvent{Name: "thread_name", Ph: "M", TS: micros(cycle), PID: c.hp, TID: pid,
		Args: map[string]string{"name": fmt.Sprintf("pid %d (%s)", pid, name)}})
	c.write(chromeEvent{Name: "thread_sort_index", Ph: "M", TS: micros(cycle), PID: c.hp, TID: pid,
		Args: map[string]string{"sort_index": fmt.Sprint(pid)}})
}

// enter ends p's open slice now, writing it unless it is empty, and opens
// the next ("" for none).
func (c *ChromeTrace) enter(pid int, p *chromeProc, state, name string, args map[string]string) {
	if p.state != "" && c.now > p.since {
		c.write(chromeEvent{Name: p.name, Cat: p.state, Ph: "X", TS: micros(p.since), Dur: micros(c.now - p.since),
			PID: c.hp, TID: pid, Args: p.args})
	}
	p.state, p.name, p.since, p.args = state, name, c.now, args
}

// flow draws an arrow from process from to process to, now: it starts in
// from's enclosing slice and ends at to's next slice.
func (c *ChromeTrace) flow(cat string, from, to int) {
	c.flows++
	c.write(chromeEvent{Name: cat, Cat: cat, Ph: "s", TS: micros(c.now), PID: c.hp, TID: from, ID: c.flows})
	c.write(chromeEvent{Name: cat, Cat: cat, Ph: "f", TS: micros(c.now), PID: c.hp, TID: to, ID: c.flows})
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
	c.write(chromeEvent{Name: name, Cat: cat, Ph: "i", TS: micros(e.Cycle), PID: c.hp, TID: e.PID, S: "t", Args: args})
}

// Close ends the slices still open at the end of the run, at the last
// event's cycle (end, if later), in pid order, and ends the JSON.
func (c *ChromeTrace) Close(end uint64) error {
	c.now = max(c.now, end)
	keys := make([][2]int, 0, len(c.procs))
	for k := range c.procs {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b [2]int) int {
		if a[0] != b[0] {
			return a[0] - b[0]
		}
		return a[1] - b[1]
	})
	for _, k := range keys {
		c.hp = k[0]
		c.enter(k[1], c.procs[k], "", "", nil)
	}
	if c.err == nil {
		_, c.err = io.WriteString(c.w, "]}\n")
	}
	return c.err
}

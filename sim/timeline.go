package sim

import (
	"fmt"
	"slices"
	"strings"

	"ipcsim/kernel"
)

// Timeline turns the events of a run into what a timeline view draws: a
// track per process with the slices in which it runs, is ready, is
// blocked (named by what it waits on) or is stopped; instant marks for
// signals, exits, interrupts, the terminal and faults; and flow arrows
// between processes (forks, wakeups and, with IPC flows on, the bytes
// through a pipe, a FIFO or a stream socket, from each write to the reads
// that took its bytes; each message through a message queue or a
// datagram socket, from its send to its receive; and signals one process
// sends another). A TCP connection's and a UDP datagram's arrows go from
// host to host. The
// Chrome trace (ChromeTrace) and
// the HTML report (Report) are two renderings of it: each is a
// TimelineSink.
//
// It takes the events as the run goes: a slice goes to the sink when it
// ends, so what it holds is one open slice per live process (and the
// sends not yet received, ipcFlows). What it
// gives the sink depends only on the events, in their order.
type Timeline struct {
	sink  TimelineSink
	ipc   bool // draw the IPC flows too
	now   uint64
	procs map[[2]int]*timelineProc // by host and pid
	run   map[int]int              // the pid on each host's CPU, 0 for none
	hosts map[string]int           // the index of each host
	hp    int                      // the host of the event being taken
	flows ipcFlows                 // the sends not yet received, for IPC flows
}

// TimelineSink is what a timeline is drawn on. Hosts are numbered from 0
// in the order NewTimeline was given them.
type TimelineSink interface {
	// Track names pid's track on host ("pid 2 (parent)"), at the cycle
	// the process got that name (its birth, an execve).
	Track(host, pid int, name string, at uint64)
	// Slice is a span of a process in one state: "running", "ready",
	// "blocked" or "stopped", from cycle from to cycle to (later). name
	// says what it is ("read: pipe#1 empty (0/65536)" for a blocked one).
	Slice(host, pid int, state, name string, from, to uint64, args map[string]string)
	// Instant marks one moment of a process (pid 0: the machine): cat is
	// "signal", "exit", "irq", "tty", "down" or "fault"; name is short,
	// text the whole event's text.
	Instant(host, pid int, cat, name, text string, at uint64)
	// Flow is an arrow from process from of host fromHost at cycle sent
	// to process to of host toHost at cycle at (sent <= at; the same
	// cycle but for bytes and messages, sent when the send was made):
	// cat is "fork", "wakeup", "bytes", "message" or "signal", label what
	// it carries.
	Flow(cat, label string, fromHost, from int, sent uint64, toHost, to int, at uint64)
}

// timelineProc is what a process is doing since when: the open slice.
type timelineProc struct {
	state string // "running", "ready", "blocked", "stopped" or "" (none)
	name  string // the slice's name
	since uint64
	args  map[string]string
}

// NewTimeline starts a timeline of a run on sink; hosts are the
// scenario's hosts in order (none for a scenario without them). With ipc,
// it draws the flows of bytes, messages and signals besides forks and
// wakeups.
func NewTimeline(sink TimelineSink, hosts []string, ipc bool) *Timeline {
	t := &Timeline{sink: sink, ipc: ipc, procs: map[[2]int]*timelineProc{}, run: map[int]int{}, hosts: map[string]int{}}
	for i, h := range hosts {
		t.hosts[h] = i
	}
	t.flows = newIPCFlows()
	return t
}

// Event takes the next event of the run (for Options.Trace).
func (t *Timeline) Event(e *kernel.Event) {
	t.now = e.Cycle
	t.hp = t.hosts[e.Host]
	switch e.Kind {
	case "spawn":
		t.sink.Track(t.hp, e.PID, fmt.Sprintf("pid %d (%s)", e.PID, e.Name), e.Cycle)
		p := t.proc(e.PID)
		t.enter(e.PID, p, "ready", "ready", nil)
		if e.Other != 0 { // fork
			t.flow("fork", "fork", e.Other, e.PID)
		}
	case "syscall":
		if e.Syscall == "execve" && e.Name != "" && (e.Ret == nil || *e.Ret == 0) {
			t.sink.Track(t.hp, e.PID, fmt.Sprintf("pid %d (%s)", e.PID, e.Name), e.Cycle)
		}
		if t.ipc {
			t.flows.take(t.hp, e, func(a flowArrow) {
				t.sink.Flow(a.cat, a.label, a.from.host, a.from.pid, a.from.at, a.to.host, a.to.pid, a.to.at)
			})
		}
	case "switch":
		if run := t.run[t.hp]; run != 0 && run != e.PID {
			if p := t.procs[[2]int{t.hp, run}]; p != nil && p.state == "running" {
				t.enter(run, p, "ready", "ready", nil) // preempted, or it yielded
			}
		}
		t.run[t.hp] = e.PID
		t.enter(e.PID, t.proc(e.PID), "running", "running", nil)
	case "block":
		why := e.Text
		if i := strings.Index(why, " blocks: "); i >= 0 {
			why = why[i+len(" blocks: "):]
		}
		t.enter(e.PID, t.proc(e.PID), "blocked", e.Syscall+": "+why, map[string]string{"call": e.Text})
		if t.run[t.hp] == e.PID {
			t.run[t.hp] = 0
		}
	case "wake":
		t.enter(e.PID, t.proc(e.PID), "ready", "ready", nil)
		if e.Other != 0 {
			t.flow("wakeup", e.Text, e.Other, e.PID) // "woken by pid 3 (write)"
		}
	case "signal":
		t.instant(e, "signal")
		if t.ipc && e.Signal != "" && e.Other != 0 && e.Other != e.PID {
			t.flow("signal", e.Signal, e.Other, e.PID)
		}
		switch {
		case strings.Contains(e.Text, "the default action stops the process"):
			t.enter(e.PID, t.proc(e.PID), "stopped", "stopped", nil)
			if t.run[t.hp] == e.PID {
				t.run[t.hp] = 0
			}
		case strings.HasPrefix(e.Text, "continued by SIGCONT"):
			if p := t.proc(e.PID); p.state == "stopped" {
				t.enter(e.PID, p, "ready", "ready", nil)
			}
		}
	case "exit":
		t.instant(e, "exit")
		if p := t.procs[[2]int{t.hp, e.PID}]; p != nil {
			t.enter(e.PID, p, "", "", nil)
			delete(t.procs, [2]int{t.hp, e.PID})
		}
		if t.run[t.hp] == e.PID {
			t.run[t.hp] = 0
		}
	case "irq", "tty", "down":
		t.instant(e, e.Kind)
	case "fault":
		t.instant(e, "fault")
	}
}

// flow draws an arrow from process from to process to of the event's
// host, now.
func (t *Timeline) flow(cat, label string, from, to int) {
	t.sink.Flow(cat, label, t.hp, from, t.now, t.hp, to, t.now)
}

// proc returns the state of pid, making it if new.
func (t *Timeline) proc(pid int) *timelineProc {
	p := t.procs[[2]int{t.hp, pid}]
	if p == nil {
		p = &timelineProc{}
		t.procs[[2]int{t.hp, pid}] = p
	}
	return p
}

// enter ends p's open slice now, giving it to the sink unless it is
// empty, and opens the next ("" for none).
func (t *Timeline) enter(pid int, p *timelineProc, state, name string, args map[string]string) {
	if p.state != "" && t.now > p.since {
		t.sink.Slice(t.hp, pid, p.state, p.name, p.since, t.now, p.args)
	}
	p.state, p.name, p.since, p.args = state, name, t.now, args
}

// instant marks e on its process's track, named by its signal if it has
// one.
func (t *Timeline) instant(e *kernel.Event, cat string) {
	name := e.Text
	if e.Signal != "" {
		name = e.Signal
	}
	t.sink.Instant(t.hp, e.PID, cat, name, e.Text, e.Cycle)
}

// Close ends the slices still open at the end of the run, at the last
// event's cycle (end, if later), in host and pid order.
func (t *Timeline) Close(end uint64) {
	t.now = max(t.now, end)
	keys := make([][2]int, 0, len(t.procs))
	for k := range t.procs {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b [2]int) int {
		if a[0] != b[0] {
			return a[0] - b[0]
		}
		return a[1] - b[1]
	})
	for _, k := range keys {
		t.hp = k[0]
		t.enter(k[1], t.procs[k], "", "", nil)
	}
}

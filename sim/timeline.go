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
	procs map[[2]int]*timelineProc // by host and track (Timeline.track)
	run   map[int]int              // the track on each host's CPU, 0 for none
	hosts map[string]int           // the index of each host
	hp    int                      // the host of the event being taken
	flows ipcFlows                 // the sends not yet received, for IPC flows; each host's boot
}

// TimelineSink is what a timeline is drawn on. Hosts are numbered from 0
// in the order NewTimeline was given them. A process is its host and its
// track: its pid, but for a process of a later boot of its host (after
// "at CYCLE up", whose pids start again at 1) pid+boot*TimelineBootStride,
// so that the new boot's pid 2 is not the old one's (TimelineTrackPID
// gives back the pid and the boot). Without reboots the track is the pid.
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
	if e.Kind == "down" {
		t.flows.power(t.hp, e) // lost or restored: the boot's sends are retired; a new boot's pids start again (as in RunTree)
	}
	pid, other := t.track(t.hp, e.PID), t.track(t.hp, e.Other)
	switch e.Kind {
	case "spawn":
		t.sink.Track(t.hp, pid, t.trackName(e.PID, e.Name), e.Cycle)
		p := t.proc(pid)
		t.enter(pid, p, "ready", "ready", nil)
		if e.Other != 0 { // fork
			t.flow("fork", "fork", other, pid)
		}
	case "syscall":
		if e.Syscall == "execve" && e.Name != "" && (e.Ret == nil || *e.Ret == 0) {
			t.sink.Track(t.hp, pid, t.trackName(e.PID, e.Name), e.Cycle)
		}
		if t.ipc {
			t.flows.take(t.hp, e, func(a flowArrow) {
				t.sink.Flow(a.cat, a.label, a.from.host, bootTrack(a.from.pid, a.from.boot), a.from.at, a.to.host, bootTrack(a.to.pid, a.to.boot), a.to.at)
			})
		}
	case "switch":
		if run := t.run[t.hp]; run != 0 && run != pid {
			if p := t.procs[[2]int{t.hp, run}]; p != nil && p.state == "running" {
				t.enter(run, p, "ready", "ready", nil) // preempted, or it yielded
			}
		}
		t.run[t.hp] = pid
		t.enter(pid, t.proc(pid), "running", "running", nil)
	case "block":
		why := e.Text
		if i := strings.Index(why, " blocks: "); i >= 0 {
			why = why[i+len(" blocks: "):]
		}
		t.enter(pid, t.proc(pid), "blocked", e.Syscall+": "+why, map[string]string{"call": e.Text})
		if t.run[t.hp] == pid {
			t.run[t.hp] = 0
		}
	case "wake":
		t.enter(pid, t.proc(pid), "ready", "ready", nil)
		if e.Other != 0 {
			t.flow("wakeup", e.Text, other, pid) // "woken by pid 3 (write)"
		}
	case "signal":
		t.instant(e, pid, "signal")
		if t.ipc && e.Signal != "" && e.Other != 0 && e.Other != e.PID {
			t.flow("signal", e.Signal, other, pid)
		}
		switch {
		case strings.Contains(e.Text, "the default action stops the process"):
			t.enter(pid, t.proc(pid), "stopped", "stopped", nil)
			if t.run[t.hp] == pid {
				t.run[t.hp] = 0
			}
		case strings.HasPrefix(e.Text, "continued by SIGCONT"):
			if p := t.proc(pid); p.state == "stopped" {
				t.enter(pid, p, "ready", "ready", nil)
			}
		}
	case "exit":
		t.instant(e, pid, "exit")
		if p := t.procs[[2]int{t.hp, pid}]; p != nil {
			t.enter(pid, p, "", "", nil)
			delete(t.procs, [2]int{t.hp, pid})
		}
		if t.run[t.hp] == pid {
			t.run[t.hp] = 0
		}
	case "irq", "tty", "down":
		t.instant(e, pid, e.Kind)
	case "fault":
		t.instant(e, pid, "fault")
	}
}

// TimelineBootStride is what a boot adds to a pid in a process's track
// (TimelineSink): beyond the pids a run reaches (Linux caps pids there,
// PID_MAX_LIMIT).
const TimelineBootStride = 1 << 22

// TimelineTrackPID returns the pid and the boot of a process's track
// (TimelineSink): boot 0 is the host's first.
func TimelineTrackPID(track int) (pid, boot int) {
	return track % TimelineBootStride, track / TimelineBootStride
}

// track is the track of pid of host (TimelineSink), in the host's
// current boot.
func (t *Timeline) track(host, pid int) int { return bootTrack(pid, t.flows.boot(host)) }

// bootTrack is the track of pid in a boot of its host (TimelineSink); the
// machine (pid 0) has one track over all boots.
func bootTrack(pid, boot int) int {
	if pid <= 0 {
		return pid
	}
	return pid + boot*TimelineBootStride
}

// trackName names pid's track: "pid 2 (server)", and in a later boot of
// its host "pid 2 (server) boot 2", as the process tree does.
func (t *Timeline) trackName(pid int, name string) string {
	if b := t.flows.boot(t.hp); b > 0 {
		return fmt.Sprintf("pid %d (%s) boot %d", pid, name, b+1)
	}
	return fmt.Sprintf("pid %d (%s)", pid, name)
}

// flow draws an arrow from process from to process to of the event's
// host, now.
func (t *Timeline) flow(cat, label string, from, to int) {
	t.sink.Flow(cat, label, t.hp, from, t.now, t.hp, to, t.now)
}

// proc returns the state of the process of track pid, making it if new.
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
func (t *Timeline) instant(e *kernel.Event, pid int, cat string) {
	name := e.Text
	if e.Signal != "" {
		name = e.Signal
	}
	t.sink.Instant(t.hp, pid, cat, name, e.Text, e.Cycle)
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

package sim

import (
	"fmt"
	"io"
	"strings"

	"ipcsim/kernel"
)

// MaxMermaidItems is how many arrows and notes a Mermaid diagram shows by
// default: a diagram longer than that is no longer read, and a run may go
// on for ever.
const MaxMermaidItems = 200

// mermaidMaxWrites is how many unread writes a pipe may hold before the
// diagram gives up matching its reads to its writes.
const mermaidMaxWrites = 64

// Mermaid renders the events of a run as a Mermaid sequence diagram of
// its IPC, for slides and Markdown: a participant per process, and arrows
// for forks, for the bytes that go through a pipe, a FIFO or a stream
// socket (a write matched to the reads that take its bytes, which is exact
// because they are first in, first out), for the messages of message
// queues and datagram sockets (ipcFlows), for signals one process sends another, for
// wakeups (waker to woken) and for reaping; notes for exec, for signals
// from the kernel or the terminal, and for exits. It shows at most max
// arrows and notes, then a note says how many more there were. It writes
// as the run goes and keeps the sends not yet received (ipcFlows).
type Mermaid struct {
	w       io.Writer
	err     error
	max     int
	items   int
	dropped int
	first   int            // the first participant's pid
	last    int            // the latest participant's pid
	known   map[int]bool   // pids declared as participants
	flows   ipcFlows       // the sends not yet received
	hosts   map[string]int // the hosts seen, numbered in order (for flows)
}

// NewMermaid starts a diagram on w with at most max arrows and notes.
func NewMermaid(w io.Writer, max int) *Mermaid {
	m := &Mermaid{w: w, max: max, known: map[int]bool{}, flows: newIPCFlows(), hosts: map[string]int{}}
	m.line("sequenceDiagram")
	return m
}

func (m *Mermaid) line(format string, args ...any) {
	if m.err == nil {
		_, m.err = fmt.Fprintf(m.w, format+"\n", args...)
	}
}

// label makes text safe in a message or note: Mermaid ends a statement at
// ';' and reads '#' as the start of an entity.
func label(text string) string {
	return strings.NewReplacer("#", "#35;", ";", "#59;", "\n", " ", "<", "#lt;", ">", "#gt;").Replace(text)
}

// item reports whether one more arrow or note fits, counting those that
// do not.
func (m *Mermaid) item() bool {
	if m.items >= m.max {
		m.dropped++
		return false
	}
	m.items++
	return true
}

// participant declares pid, if it is new and the diagram has room.
func (m *Mermaid) participant(pid int, name string, create bool) {
	if m.known[pid] || m.items >= m.max {
		return
	}
	if len(m.known) == 0 {
		m.first = pid
	}
	m.known[pid], m.last = true, pid
	kw := "participant"
	if create {
		kw = "create participant" // the next message must go to it
	}
	m.line("    %s P%d as pid %d (%s)", kw, pid, pid, label(name))
}

func (m *Mermaid) arrow(from, to int, arrow, text string) {
	if m.items >= m.max {
		m.dropped++
		return
	}
	if !m.known[from] || !m.known[to] {
		return
	}
	if m.item() {
		m.line("    P%d%sP%d: %s", from, arrow, to, label(text))
	}
}

func (m *Mermaid) note(pid int, text string) {
	if m.items >= m.max {
		m.dropped++
		return
	}
	if !m.known[pid] {
		return
	}
	if m.item() {
		m.line("    Note over P%d: %s", pid, label(text))
	}
}

// Event takes the next event of the run (for Options.Trace).
func (m *Mermaid) Event(e *kernel.Event) {
	switch e.Kind {
	case "spawn":
		if e.Other != 0 && m.known[e.Other] {
			m.participant(e.PID, e.Name, true)
			m.arrow(e.Other, e.PID, "->>", "fork")
			return
		}
		m.participant(e.PID, e.Name, false)
	case "syscall":
		m.syscall(e)
	case "wake":
		if e.Other != 0 {
			why := strings.TrimPrefix(e.Text, fmt.Sprintf("woken by pid %d", e.Other))
			m.arrow(e.Other, e.PID, "-->>", "wakes"+why)
		}
	case "signal":
		if e.Signal == "" { // delivery, a stop, a continue
			m.note(e.PID, e.Text)
			return
		}
		if e.Other != 0 && m.known[e.Other] {
			text := e.Signal
			if i := strings.LastIndex(e.Text, "): "); i >= 0 {
				text += " (" + e.Text[i+3:] + ")"
			}
			m.arrow(e.Other, e.PID, "-)", text)
			return
		}
		m.note(e.PID, e.Text)
	case "exit":
		text := strings.TrimPrefix(e.Text, "exit: ")
		if i := strings.Index(text, " (status word"); i >= 0 {
			text = text[:i]
		}
		m.note(e.PID, text)
	case "reap":
		m.arrow(e.PID, e.Other, "-x", "reaps")
	}
}

// syscall draws the bytes of reads from a pipe or a socket as arrows from
// the processes whose writes they were, and the messages of a queue or a
// datagram socket from their sender (on one host: a diagram with hosts has
// a participant per pid, whatever its host), and notes an exec.
func (m *Mermaid) syscall(e *kernel.Event) {
	if e.Syscall == "execve" && e.Ret != nil && *e.Ret == 0 {
		m.note(e.PID, "execve: now "+e.Name)
		return
	}
	host, ok := m.hosts[e.Host]
	if !ok {
		host = len(m.hosts)
		m.hosts[e.Host] = host
	}
	arrow := func(a flowArrow) {
		if a.from.host == a.to.host {
			m.arrow(a.from.pid, a.to.pid, "->>", a.label)
		}
	}
	if obj := m.flows.take(host, e, arrow); obj != "" {
		m.note(e.PID, obj+": too many unread writes to match reads to them; not drawn from here on")
	}
}

// isPipe reports whether an object named obj is a pipe or a FIFO, whose
// bytes are read in the order they were written.
func isPipe(obj string) bool {
	return strings.HasPrefix(obj, "pipe#") || strings.HasPrefix(obj, "fifo ")
}

// Close ends the diagram, with a note of what the cap left out.
func (m *Mermaid) Close() error {
	if m.dropped > 0 && len(m.known) > 0 {
		over := fmt.Sprintf("P%d", m.first)
		if m.last != m.first {
			over += fmt.Sprintf(",P%d", m.last)
		}
		m.line("    Note over %s: %d more arrows and notes not shown (at most %d)", over, m.dropped, m.max)
	}
	return m.err
}

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
// queues, datagram sockets and UDP (ipcFlows), for signals one process sends another, for
// wakeups (waker to woken) and for reaping; notes for exec, for signals
// from the kernel or the terminal, and for exits. It shows at most max
// arrows and notes, then a note says how many more there were. It writes
// as the run goes and keeps the sends not yet received (ipcFlows).
//
// With hosts (NewMermaidHosts), a participant is a process of one host
// ("alice pid 2 (client)"), each host's participants are grouped in a box
// named for the host, the bytes of a TCP connection go from one host's
// process to the other's, and notes say when a connection is made
// (connect, accept) or fails (ECONNREFUSED, ECONNRESET, ...). Mermaid
// wants a box's participants declared together, before the messages, so
// that diagram keeps its lines (at most max and a few) until Close.
type Mermaid struct {
	w       io.Writer
	err     error
	max     int
	items   int
	dropped int
	first   mermaidActor          // the first participant
	last    mermaidActor          // the latest participant
	known   map[mermaidActor]bool // the participants declared
	flows   ipcFlows              // the sends not yet received; each host's boot
	hosts   map[string]int        // the hosts seen, numbered in order (for flows)

	// With hosts only:
	hostNames []string         // the scenario's hosts, in order
	actors    [][]mermaidActor // each host's participants, in order of appearance
	names     map[mermaidActor]string
	body      []string // the diagram's lines after the participants
}

// mermaidActor is a participant: a process of a host (host 0 without
// hosts) in one boot of it (0, one more each time "at CYCLE up" boots it
// again, its pids starting again at 1).
type mermaidActor struct{ host, pid, boot int }

// NewMermaid starts a diagram on w with at most max arrows and notes.
func NewMermaid(w io.Writer, max int) *Mermaid {
	return NewMermaidHosts(w, max, nil)
}

// NewMermaidHosts starts a diagram of a run with hosts, given in the
// scenario's order: a box per host. With no hosts it is NewMermaid.
func NewMermaidHosts(w io.Writer, max int, hosts []string) *Mermaid {
	m := &Mermaid{w: w, max: max, known: map[mermaidActor]bool{}, flows: newIPCFlows(), hosts: map[string]int{}}
	m.line("sequenceDiagram")
	if len(hosts) > 0 {
		m.hostNames = hosts
		m.actors = make([][]mermaidActor, len(hosts))
		m.names = map[mermaidActor]string{}
		for i, h := range hosts {
			m.hosts[h] = i
		}
	}
	return m
}

// line writes a line of the diagram; with hosts, it keeps it for Close.
func (m *Mermaid) line(format string, args ...any) {
	if m.hostNames != nil {
		m.body = append(m.body, fmt.Sprintf(format, args...))
		return
	}
	m.write(format, args...)
}

func (m *Mermaid) write(format string, args ...any) {
	if m.err == nil {
		_, m.err = fmt.Fprintf(m.w, format+"\n", args...)
	}
}

// alias is a participant's name in the diagram's statements: "P2", or
// with hosts "H1P2" (pid 2 of the first host), "H1P2B2" in the host's
// second boot. Letters and digits only, so that no host name can end a
// statement or read as a keyword.
func (m *Mermaid) alias(a mermaidActor) string {
	if m.hostNames == nil {
		return fmt.Sprintf("P%d", a.pid)
	}
	if a.boot > 0 {
		return fmt.Sprintf("H%dP%dB%d", a.host+1, a.pid, a.boot+1)
	}
	return fmt.Sprintf("H%dP%d", a.host+1, a.pid)
}

// actor is the participant of pid on the host of e, in its current boot.
func (m *Mermaid) actor(e *kernel.Event, pid int) mermaidActor {
	return m.actorOn(m.host(e.Host), pid)
}

// actorOn is the participant of pid on host, in its current boot.
func (m *Mermaid) actorOn(host, pid int) mermaidActor {
	return mermaidActor{host, pid, m.flows.boot(host)}
}

// host numbers a host, in the order of the scenario's host lines (in the
// order seen without them).
func (m *Mermaid) host(name string) int {
	i, ok := m.hosts[name]
	if !ok {
		i = len(m.hosts)
		m.hosts[name] = i
	}
	return i
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

// participant declares a, if it is new and the diagram has room. With
// hosts, Close declares it in its host's box.
func (m *Mermaid) participant(a mermaidActor, name string, create bool) {
	if m.known[a] || m.items >= m.max {
		return
	}
	if len(m.known) == 0 {
		m.first = a
	}
	m.known[a], m.last = true, a
	if m.hostNames != nil {
		m.actors[a.host] = append(m.actors[a.host], a)
		m.names[a] = fmt.Sprintf("%s pid %d (%s)", m.hostNames[a.host], a.pid, label(name))
		if a.boot > 0 {
			m.names[a] += fmt.Sprintf(" boot %d", a.boot+1)
		}
		return
	}
	kw := "participant"
	if create {
		kw = "create participant" // the next message must go to it
	}
	m.line("    %s %s as pid %d (%s)", kw, m.alias(a), a.pid, label(name))
}

func (m *Mermaid) arrow(from, to mermaidActor, arrow, text string) {
	if m.items >= m.max {
		m.dropped++
		return
	}
	if !m.known[from] || !m.known[to] {
		return
	}
	if m.item() {
		m.line("    %s%s%s: %s", m.alias(from), arrow, m.alias(to), label(text))
	}
}

func (m *Mermaid) note(a mermaidActor, text string) {
	if m.items >= m.max {
		m.dropped++
		return
	}
	if !m.known[a] {
		return
	}
	if m.item() {
		m.line("    Note over %s: %s", m.alias(a), label(text))
	}
}

// Event takes the next event of the run (for Options.Trace).
func (m *Mermaid) Event(e *kernel.Event) {
	if e.Kind == "down" {
		m.flows.power(m.host(e.Host), e) // lost or restored: the boot's sends are retired; a new boot's pids start again
	}
	pid := m.actor(e, e.PID)
	other := m.actor(e, e.Other)
	switch e.Kind {
	case "spawn":
		if e.Other != 0 && m.known[other] {
			m.participant(pid, e.Name, true)
			m.arrow(other, pid, "->>", "fork")
			return
		}
		m.participant(pid, e.Name, false)
	case "syscall":
		m.syscall(e)
	case "wake":
		if e.Other != 0 {
			why := strings.TrimPrefix(e.Text, fmt.Sprintf("woken by pid %d", e.Other))
			m.arrow(other, pid, "-->>", "wakes"+why)
		}
	case "signal":
		if e.Signal == "" { // delivery, a stop, a continue
			m.note(pid, e.Text)
			return
		}
		if e.Other != 0 && m.known[other] {
			text := e.Signal
			if i := strings.LastIndex(e.Text, "): "); i >= 0 {
				text += " (" + e.Text[i+3:] + ")"
			}
			m.arrow(other, pid, "-)", text)
			return
		}
		m.note(pid, e.Text)
	case "exit":
		text := strings.TrimPrefix(e.Text, "exit: ")
		if i := strings.Index(text, " (status word"); i >= 0 {
			text = text[:i]
		}
		m.note(pid, text)
	case "reap":
		m.arrow(pid, other, "-x", "reaps")
	}
}

// syscall draws the bytes of reads from a pipe or a socket as arrows from
// the processes whose writes they were (from the other host, for TCP),
// and the messages of a queue or a datagram socket from their sender, and
// notes an exec. With hosts, it notes connections made and failed.
func (m *Mermaid) syscall(e *kernel.Event) {
	pid := m.actor(e, e.PID)
	if e.Syscall == "execve" && e.Ret != nil && *e.Ret == 0 {
		m.note(pid, "execve: now "+e.Name)
		return
	}
	if m.hostNames != nil {
		m.connection(pid, e)
	}
	arrow := func(a flowArrow) {
		m.arrow(mermaidActor{a.from.host, a.from.pid, a.from.boot}, mermaidActor{a.to.host, a.to.pid, a.to.boot}, "->>", a.label)
	}
	if obj := m.flows.take(pid.host, e, arrow); obj != "" {
		m.note(pid, obj+": too many unread writes to match reads to them; not drawn from here on")
	}
}

// connectionErrors are the errors of a call that say a connection was
// refused, reset or lost.
var connectionErrors = map[string]bool{
	"ECONNREFUSED": true, "ECONNRESET": true, "ECONNABORTED": true, "EPIPE": true,
	"ETIMEDOUT": true, "EHOSTUNREACH": true, "ENETUNREACH": true,
}

// connection notes over the caller a connection made (a connect that
// returned 0, an accept that returned a descriptor) or a call that
// failed because of its connection ("read: ECONNRESET"). The event does
// not say which connect an accept answers, so they are notes, not an
// arrow from one host to the other.
func (m *Mermaid) connection(pid mermaidActor, e *kernel.Event) {
	if e.Ret == nil {
		return
	}
	switch {
	case connectionErrors[e.Errno]:
		m.note(pid, e.Syscall+": "+e.Errno)
	case *e.Ret < 0:
	case e.Syscall == "connect" && len(e.Args) > 0:
		m.note(pid, fmt.Sprintf("connect: fd %d connected", int32(e.Args[0])))
	case e.Syscall == "accept" || e.Syscall == "accept4":
		m.note(pid, fmt.Sprintf("%s: a connection, fd %d", e.Syscall, *e.Ret))
	}
}

// isPipe reports whether an object named obj is a pipe or a FIFO, whose
// bytes are read in the order they were written.
func isPipe(obj string) bool {
	return strings.HasPrefix(obj, "pipe#") || strings.HasPrefix(obj, "fifo ")
}

// Close ends the diagram, with a note of what the cap left out. With
// hosts, it writes each host's box of participants, then the lines kept.
func (m *Mermaid) Close() error {
	if m.dropped > 0 && len(m.known) > 0 {
		over := m.alias(m.first)
		if m.last != m.first {
			over += "," + m.alias(m.last)
		}
		m.line("    Note over %s: %d more arrows and notes not shown (at most %d)", over, m.dropped, m.max)
	}
	if m.hostNames == nil {
		return m.err
	}
	for i, actors := range m.actors {
		if len(actors) == 0 {
			continue // Mermaid draws no empty box
		}
		// "transparent" first: a host named like a colour (red) is
		// then the box's title, not its colour.
		m.write("    box transparent %s", m.hostNames[i])
		for _, a := range actors {
			m.write("        participant %s as %s", m.alias(a), m.names[a])
		}
		m.write("    end")
	}
	for _, l := range m.body {
		m.write("%s", l)
	}
	return m.err
}

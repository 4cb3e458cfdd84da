package kernel

import (
	"fmt"

	"ipcsim/abi"
	"ipcsim/proc"
	"strconv"
	"strings"
)

// An Event is one thing that happened, for the trace. Kind is one of
// "syscall" (a call returned), "block" (a call put the process to sleep),
// "wake", "switch" (context switch), "irq" (interrupt), "fault" (page
// fault), "signal", "spawn" (a process was born), "exec", "exit" and "reap".
type Event struct {
	Cycle uint64 `json:"cycle"`
	Host  string `json:"host,omitempty"` // the host (Config.Host) among several; "" for a machine alone
	PID   int    `json:"pid"`
	TID   int    `json:"tid,omitempty"` // the thread, if not its process's first
	Kind  string `json:"kind"`
	Text  string `json:"text"` // the readable line: `write(1, "hi\n", 3) = 3`

	Syscall string `json:"syscall,omitempty"` // the call's name, for syscall and block events
	Ret     *int64 `json:"ret,omitempty"`     // the call's raw return value (a0: -errno on failure)
	Errno   string `json:"errno,omitempty"`   // "EFAULT" when the call failed
	Addr    string `json:"addr,omitempty"`    // the faulting address, for faults
	Other   int    `json:"other,omitempty"`   // the other process: the one switched to, woken, forked or reaped; a signal's sender
	PC      string `json:"pc,omitempty"`      // the instruction's address, for instructions and faults

	// For views of the trace (sim/chrome.go, sim/mermaid.go), which should
	// not have to parse Text:
	Name   string `json:"name,omitempty"`   // the process's name (comm), for spawn and exec events
	Signal string `json:"signal,omitempty"` // the signal, for the events of its generation: "SIGCHLD"
	Obj    string `json:"obj,omitempty"`    // the object a read or write used: "pipe#1", "tty"
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

// fdName names the object behind descriptor fd of t, for Event.Obj; "" if
// there is none.
func fdName(t *Task, fd uint64) string {
	if ref, ok := t.Files.Get(int(int32(fd))); ok {
		if f, ok := ref.(*OpenFile); ok {
			return f.ops.Name()
		}
	}
	return ""
}

func (k *Kernel) emitEvent(t *Task, e *Event) {
	if !k.tracing {
		return
	}
	e.Cycle = k.m.Clock.Now()
	e.Host = k.cfg.Host
	if t != nil {
		e.PID = t.PID
		if t.TID != t.PID {
			e.TID = t.TID
		}
	}
	k.cfg.Trace(e)
}

// quoteBytes renders bytes as strace does: a C string, cut after max bytes
// with "..." after the closing quote.
func quoteBytes(b []byte, max int) string {
	cut := len(b) > max
	if cut {
		b = b[:max]
	}
	var sb strings.Builder
	sb.WriteByte('"')
	for _, c := range b {
		switch c {
		case '"':
			sb.WriteString(`\"`)
		case '\\':
			sb.WriteString(`\\`)
		case '\n':
			sb.WriteString(`\n`)
		case '\t':
			sb.WriteString(`\t`)
		case '\r':
			sb.WriteString(`\r`)
		default:
			if c < 0x20 || c >= 0x7f {
				fmt.Fprintf(&sb, `\%o`, c)
			} else {
				sb.WriteByte(c)
			}
		}
	}
	sb.WriteByte('"')
	if cut {
		sb.WriteString("...")
	}
	return sb.String()
}

// quoteArgv renders an argument vector as ["a", "b"].
func quoteArgv(argv []string) string {
	q := make([]string, len(argv))
	for i, a := range argv {
		q[i] = strconv.Quote(a)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

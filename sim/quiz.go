package sim

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"ipcsim/kernel"
)

// Quiz mode, as OSTEP's simulators have it: the trace with what a
// student should predict hidden, each hidden thing numbered and turned
// into a question, and the answers kept for the end. What is hidden: the
// results of the calls a course asks about (a read, a wait, a fork...),
// with what they wrote back into memory (the bytes a read returns, the
// descriptors pipe2 makes: quizOutArgs), who woke a process and why, what
// a TCP connection makes of a segment or a timer (refused, reset, a new
// state: quizNetOutcomes, by the event's typed TCP field), which tells how
// a connect or a read ends, and the console (what a process writes to the
// terminal too). Nor does a line before a question answer it (Quiz).

// quizCalls are the calls whose result a quiz hides.
var quizCalls = map[string]bool{
	"read": true, "write": true, "wait4": true, "clone": true, "pipe2": true, "msgrcv": true, "msgsnd": true,
	"mq_timedreceive": true, "mq_timedsend": true, "semop": true, "semtimedop": true, "accept": true, "accept4": true,
	"connect": true, "recvfrom": true, "sendto": true, "pselect6": true, "ppoll": true, "epoll_pwait": true,
	"futex": true, "kill": true, "rt_sigtimedwait": true, "openat": true, "readv": true, "recvmsg": true,
}

// quizOutArgs are, for each call of quizCalls, the arguments it writes
// its results into (0 for the first): a quiz shows them as the address
// the call was given, as strace shows them at the call's entry, since the
// bytes a read returns tell how many it read.
var quizOutArgs = map[string][]int{
	"read": {1}, "readv": {1}, "recvfrom": {1, 4, 5}, "recvmsg": {1}, "msgrcv": {1}, "mq_timedreceive": {1, 3}, "pipe2": {0},
	"wait4": {1, 3}, "accept": {1, 2}, "accept4": {1, 2}, "pselect6": {1, 2, 3}, "ppoll": {0},
	"epoll_pwait": {1}, "rt_sigtimedwait": {1},
}

// quizNetOutcomes are the kinds of a TCP connection's events (Event.TCP,
// package tcp's names) that tell how a call on it ends: a new state, a
// reset received (connection refused, reset by the peer), a reset sent
// (by us, or when keepalive gives up) and a connection that timed out. A
// quiz asks what happened instead.
var quizNetOutcomes = map[string]bool{"state": true, "reset-received": true, "reset-sent": true, "gave-up": true}

// A Quiz turns a run's events into quiz lines and writes them.
//
// Some lines would answer the question that follows them, so a quiz holds
// them back until it knows (quizFold): a child's reaping ("reaps pid 3")
// comes just before the wait4 that reaps it, a signal a call raises
// ("SIGPIPE (send on inet#2, which cannot send)") just before that call
// returns EPIPE, and a signal a kill sends (with what it does: "continued
// by SIGCONT", the parent's SIGCHLD) just before kill returns. If the call
// they come before is quizzed and theirs, they become part of its answer;
// otherwise they are printed as they came. And the first switch to a
// process whose wakeup is a question does not say why the CPU changed
// hands ("switch pid 3 -> pid 2", not "(pid 3 exited)").
type Quiz struct {
	out   io.Writer
	width int // FormatHostEvent's width of a host's name

	answers []string
	held    []heldLine // the lines held back, in order
	// woken are the processes whose wakeup is a question and which have
	// not run since.
	woken map[quizPID]bool
}

// A quizPID names a process among the hosts of a run.
type quizPID struct {
	host string
	pid  int
}

// A heldLine is a line of the quiz held back: an event that may answer
// the call it comes before, or a line rendered already (a wakeup's
// question, which may come between a signal and the call that sent it).
type heldLine struct {
	line string // the line as printed if it is not folded into an answer
	fold string // the event's text, for the answer; "" for a line always printed
	// cause is the process whose call the event may answer; signal, for
	// a signal it raised on itself (SIGPIPE, raise's kill), the signal:
	// the call must be one that raises it (selfRaised) or names it.
	cause  quizPID
	signal string
}

// selfRaised are the signals a call raises on the process making it, as
// part of its result: SIGPIPE with EPIPE, SIGXFSZ with EFBIG, SIGTTIN and
// SIGTTOU for a read or write of the terminal from the background.
var selfRaised = map[string]bool{"SIGPIPE": true, "SIGXFSZ": true, "SIGTTIN": true, "SIGTTOU": true}

// NewQuiz returns a quiz that writes its lines to out, hosts' names
// width wide (Scenario.HostWidth).
func NewQuiz(out io.Writer, width int) *Quiz {
	return &Quiz{out: out, width: width, woken: map[quizPID]bool{}}
}

// quizFold returns e as a held line if it is an event a quiz holds back:
// a child's reaping (by the process reaping it), a signal's generation (by
// its sender, the process itself, or for a SIGCHLD the child, whose exit
// or stop is no quizzed call), a stopped process continued by SIGCONT.
func quizFold(e *kernel.Event) (heldLine, bool) {
	h := heldLine{fold: e.Text, cause: quizPID{e.Host, e.PID}}
	switch {
	case e.Kind == "reap":
	case e.Kind == "signal" && e.Signal != "" && e.Other != 0:
		h.cause.pid = e.Other
	case e.Kind == "signal" && e.Signal != "":
		h.signal = e.Signal
	case e.Kind == "signal" && strings.HasPrefix(e.Text, "continued by "):
		// SIGCONT's side effect, at its generation, before the event of
		// the generation (sim/timeline.go reads it alike).
	default:
		return heldLine{}, false
	}
	return h, true
}

// answers reports whether h answers e, the call it comes before.
func (h *heldLine) answers(e *kernel.Event) bool {
	return h.fold != "" && h.cause == quizPID{e.Host, e.PID} &&
		(h.signal == "" || selfRaised[h.signal] || e.Signal == h.signal)
}

// quizzed reports whether e is a call whose result a quiz asks.
func quizzed(e *kernel.Event) bool {
	return e.Kind == "syscall" && quizCalls[e.Syscall] && e.Ret != nil
}

// Event writes the quiz's lines for e, the run's next event: as
// FormatHostEvent does, with a call's result or a wakeup's cause replaced
// by a numbered question. Lines that may answer the next call wait for it
// (Flush writes them at the end of the run).
func (q *Quiz) Event(e *kernel.Event) {
	if len(q.held) > 0 {
		h, fold := quizFold(e)
		switch {
		case quizzed(e) && slices.ContainsFunc(q.held, func(h heldLine) bool { return h.answers(e) }):
			// The run held back answers e: all of it is part of e's
			// answer, but for the questions that came between.
			var folds []string
			for _, h := range q.held {
				if h.fold != "" {
					folds = append(folds, h.fold)
				} else {
					q.println(h.line)
				}
			}
			q.held = q.held[:0]
			q.println(q.line(e, folds))
			return
		case fold:
			h.line = FormatHostEvent(e, q.width)
			q.held = append(q.held, h)
			return
		case e.Kind == "wake":
			q.held = append(q.held, heldLine{line: q.line(e, nil)})
			return
		}
		q.Flush()
	}
	if h, fold := quizFold(e); fold {
		h.line = FormatHostEvent(e, q.width)
		q.held = append(q.held, h)
		return
	}
	q.println(q.line(e, nil))
}

// Flush writes the lines held back as they came: the call they came
// before was not quizzed, or the run ended.
func (q *Quiz) Flush() {
	for _, h := range q.held {
		q.println(h.line)
	}
	q.held = q.held[:0]
}

func (q *Quiz) println(line string) {
	fmt.Fprintln(q.out, line)
}

// line renders e for the quiz, with folds (the texts of the events held
// back that answer it) added to its answer.
func (q *Quiz) line(e *kernel.Event, folds []string) string {
	c := *e
	who := quizPID{e.Host, e.PID}
	switch {
	case quizzed(e):
		i := strings.LastIndex(e.Text, ") = ")
		if i < 0 {
			break
		}
		answer := strings.TrimPrefix(e.Text[i+1:], " = ")
		call := e.Text[:i]
		if hidden, shown := hideOutArgs(e, call); hidden != call {
			answer += ", with " + shown
			call = hidden
		}
		for _, f := range folds {
			answer += "; " + f
		}
		q.answers = append(q.answers, answer)
		c.Text = fmt.Sprintf("%s) = ?   [Q%d: what does %s return here?]", call, len(q.answers), e.Syscall)
	case e.Kind == "block" && e.Obj == "tty":
		// A write to the console that waits (output stopped): its bytes
		// are the console's, which the quiz holds back.
		if i := strings.LastIndex(e.Text, ") blocks"); i >= 0 {
			if hidden, _ := hideOutArgs(e, e.Text[:i]); hidden != e.Text[:i] {
				c.Text = hidden + e.Text[i:]
			}
		}
	case e.Kind == "net" && quizNetOutcomes[e.TCP]:
		conn, what, ok := netOutcome(e.Text)
		if !ok {
			break
		}
		q.answers = append(q.answers, what)
		c.Text = fmt.Sprintf("%s: ?   [Q%d: what happens to the connection here?]", conn, len(q.answers))
	case e.Kind == "wake":
		q.answers = append(q.answers, e.Text)
		c.Text = fmt.Sprintf("woken: ?   [Q%d: who or what woke it, and why?]", len(q.answers))
		q.woken[who] = true
	case e.Kind == "switch" && q.woken[who]:
		// Why the CPU changed hands ("pid 3 exited", "woken after
		// idle") would tell who woke it.
		if arrow := strings.Index(e.Text, " -> "); arrow >= 0 {
			if why := strings.Index(e.Text[arrow:], " ("); why >= 0 {
				c.Text = e.Text[:arrow+why]
			}
		}
	}
	if e.Kind == "switch" || e.Kind == "syscall" || e.Kind == "block" {
		delete(q.woken, who) // it runs
	}
	return FormatHostEvent(&c, q.width)
}

// hideOutArgs returns call (a call's text up to its closing parenthesis,
// "read(3, \"hi\", 128") with the arguments of quizOutArgs shown as
// addresses ("read(3, 0x11058, 128"), and what they showed
// ("buf \"hi\"" ...) for the answer.
func hideOutArgs(e *kernel.Event, call string) (hidden, shown string) {
	open := strings.IndexByte(call, '(')
	outs := quizOutArgs[e.Syscall]
	if e.Syscall == "write" && e.Obj == "tty" {
		// What a process writes to the console: the console is an
		// answer (it tells what reads returned, what wait4's status was).
		outs = []int{1}
	}
	if open < 0 || len(outs) == 0 {
		return call, ""
	}
	args := splitArgs(call[open+1:])
	var was []string
	for _, i := range outs {
		if i >= len(args) || i >= len(e.Args) || e.Args[i] == 0 {
			continue // NULL: nothing written
		}
		addr := fmt.Sprintf("%#x", e.Args[i])
		if args[i] != addr {
			was = append(was, fmt.Sprintf("%s at %s", args[i], addr))
			args[i] = addr
		}
	}
	if len(was) == 0 {
		return call, ""
	}
	return call[:open+1] + strings.Join(args, ", "), strings.Join(was, " and ")
}

// splitArgs splits a call's rendered arguments at the commas outside
// strings, brackets and braces.
func splitArgs(s string) []string {
	var args []string
	depth, start, quoted := 0, 0, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case quoted && c == '\\':
			i++ // an escaped character, maybe a quote
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == '(' || c == '[' || c == '{':
			depth++
		case c == ')' || c == ']' || c == '}':
			depth--
		case c == ',' && depth == 0:
			args = append(args, strings.TrimSpace(s[start:i]))
			start = i + 1
		}
	}
	return append(args, strings.TrimSpace(s[start:]))
}

// netOutcome splits a TCP connection's trace line ("tcp: inet#1 A > B:
// connection refused: ...") into the connection and what happened. A
// listener's lines ("listener ADDR: ...") name no connection: not ok.
func netOutcome(text string) (conn, what string, ok bool) {
	// The connection's name ends at the first ": " after the addresses.
	arrow := strings.Index(text, " > ")
	if arrow < 0 {
		return "", "", false
	}
	end := strings.Index(text[arrow:], ": ")
	if end < 0 {
		return "", "", false
	}
	return text[:arrow+end], text[arrow+end+2:], true
}

// Answers are the answers to the questions, in order: "Q1: 5".
func (q *Quiz) Answers() []string {
	out := make([]string, len(q.answers))
	for i, a := range q.answers {
		out[i] = fmt.Sprintf("Q%d: %s", i+1, a)
	}
	return out
}

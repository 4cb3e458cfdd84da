package sim

import (
	"fmt"
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
// a connect or a read ends, and the console.

// quizCalls are the calls whose result a quiz hides.
var quizCalls = map[string]bool{
	"read": true, "write": true, "wait4": true, "clone": true, "pipe2": true, "msgrcv": true, "msgsnd": true,
	"mq_timedreceive": true, "mq_timedsend": true, "semop": true, "semtimedop": true, "accept": true, "accept4": true,
	"connect": true, "recvfrom": true, "sendto": true, "pselect6": true, "ppoll": true, "epoll_pwait": true,
	"futex": true, "kill": true, "rt_sigtimedwait": true, "openat": true,
}

// quizOutArgs are, for each call of quizCalls, the arguments it writes
// its results into (0 for the first): a quiz shows them as the address
// the call was given, as strace shows them at the call's entry, since the
// bytes a read returns tell how many it read.
var quizOutArgs = map[string][]int{
	"read": {1}, "recvfrom": {1, 4}, "msgrcv": {1}, "mq_timedreceive": {1, 3}, "pipe2": {0},
	"wait4": {1, 3}, "accept": {1, 2}, "accept4": {1, 2}, "pselect6": {1, 2, 3}, "ppoll": {0},
	"epoll_pwait": {1}, "rt_sigtimedwait": {1},
}

// quizNetOutcomes are the kinds of a TCP connection's events (Event.TCP,
// package tcp's names) that tell how a call on it ends: a new state, a
// reset received (connection refused, reset by the peer), a reset sent
// (by us, or when keepalive gives up) and a connection that timed out. A
// quiz asks what happened instead.
var quizNetOutcomes = map[string]bool{"state": true, "reset-received": true, "reset-sent": true, "gave-up": true}

// A Quiz turns a run's events into quiz lines.
type Quiz struct {
	answers []string
}

// Line renders e for the quiz: as FormatHostEvent does, with a call's
// result or a wakeup's cause replaced by a numbered question.
func (q *Quiz) Line(e *kernel.Event, width int) string {
	c := *e
	switch {
	case e.Kind == "syscall" && quizCalls[e.Syscall] && e.Ret != nil:
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
		q.answers = append(q.answers, answer)
		c.Text = fmt.Sprintf("%s) = ?   [Q%d: what does %s return here?]", call, len(q.answers), e.Syscall)
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
	}
	return FormatHostEvent(&c, width)
}

// hideOutArgs returns call (a call's text up to its closing parenthesis,
// "read(3, \"hi\", 128") with the arguments of quizOutArgs shown as
// addresses ("read(3, 0x11058, 128"), and what they showed
// ("buf \"hi\"" ...) for the answer.
func hideOutArgs(e *kernel.Event, call string) (hidden, shown string) {
	open := strings.IndexByte(call, '(')
	outs := quizOutArgs[e.Syscall]
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

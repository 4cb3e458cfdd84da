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
// who woke a process and why, and the console.

// quizCalls are the calls whose result a quiz hides.
var quizCalls = map[string]bool{
	"read": true, "write": true, "wait4": true, "clone": true, "pipe2": true, "msgrcv": true, "msgsnd": true,
	"mq_timedreceive": true, "mq_timedsend": true, "semop": true, "semtimedop": true, "accept": true, "accept4": true,
	"connect": true, "recvfrom": true, "sendto": true, "pselect6": true, "ppoll": true, "epoll_pwait": true,
	"futex": true, "kill": true, "rt_sigtimedwait": true, "openat": true,
}

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
		q.answers = append(q.answers, strings.TrimPrefix(e.Text[i+1:], " = "))
		c.Text = fmt.Sprintf("%s) = ?   [Q%d: what does %s return here?]", e.Text[:i], len(q.answers), e.Syscall)
	case e.Kind == "wake":
		q.answers = append(q.answers, e.Text)
		c.Text = fmt.Sprintf("woken: ?   [Q%d: who or what woke it, and why?]", len(q.answers))
	}
	return FormatHostEvent(&c, width)
}

// Answers are the answers to the questions, in order: "Q1: 5".
func (q *Quiz) Answers() []string {
	out := make([]string, len(q.answers))
	for i, a := range q.answers {
		out[i] = fmt.Sprintf("Q%d: %s", i+1, a)
	}
	return out
}

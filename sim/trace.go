package sim

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"ipcsim/kernel"
)

// FormatEvent renders one event as a line of the text trace (without the
// newline): the cycle right-aligned in 9 columns, two spaces, the pid (0 for
// events of the machine itself) and the event's readable text, as in
// "     1234  pid 2   write(1, \"hi\\n\", 3) = 3".
//
// A newline in the text is written as \n, so that every event is one line.
//
// An event of a thread other than its process's first names the thread
// after the pid: "     1234  pid 4   tid 5   futex(...)", and with its own
// name if it gave itself one (Event.Thread): "     1234  pid 4   tid 5
// (worker) futex(...)".
//
// An event of a host among several (Event.Host) names it before the pid:
// "     1234  alice pid 2   write(...)" (FormatHostEvent).
func FormatEvent(e *kernel.Event) string { return FormatHostEvent(e, 0) }

// FormatHostEvent is FormatEvent with the host's name padded to width
// columns, so that the pids of a trace with hosts line up
// (Scenario.HostWidth).
func FormatHostEvent(e *kernel.Event, width int) string {
	text := e.Text
	switch {
	case e.TID != 0 && e.Thread != "":
		// A thread with a name of its own: "pid 4   tid 5   (worker)".
		text = fmt.Sprintf("tid %-3d (%s) %s", e.TID, e.Thread, text)
	case e.TID != 0:
		// A thread other than its process's first: "pid 4   tid 5".
		text = fmt.Sprintf("tid %-3d %s", e.TID, text)
	}
	if strings.ContainsAny(text, "\n\r") {
		// The name too: prctl(PR_SET_NAME) takes any bytes.
		text = strings.NewReplacer("\n", `\n`, "\r", `\r`).Replace(text)
	}
	if e.Host != "" {
		return fmt.Sprintf("%9d  %-*s pid %-3d %s", e.Cycle, width, e.Host, e.PID, text)
	}
	return fmt.Sprintf("%9d  pid %-3d %s", e.Cycle, e.PID, text)
}

// WriteText writes the text trace of events, one line each.
func WriteText(w io.Writer, events []kernel.Event) error {
	bw := bufio.NewWriter(w)
	width := 0
	for i := range events {
		width = max(width, len(events[i].Host))
	}
	for i := range events {
		bw.WriteString(FormatHostEvent(&events[i], width))
		bw.WriteByte('\n')
	}
	return bw.Flush()
}

// WriteJSON writes events as JSON lines: one encoding/json object each.
func WriteJSON(w io.Writer, events []kernel.Event) error {
	bw := bufio.NewWriter(w)
	enc := jsonLines(bw)
	for i := range events {
		if err := enc.Encode(&events[i]); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// jsonLines returns an encoder of JSON lines to w. <, > and & are
// written as they are (SetEscapeHTML(false)), so that a line reads as the
// text trace does: "switch pid 2 -> pid 3".
func jsonLines(w io.Writer) *json.Encoder {
	enc := json.NewEncoder(w) // Encode ends each document with a newline
	enc.SetEscapeHTML(false)
	return enc
}

// Tracer returns a function that writes each event it is given to w, as
// text or (json true) as a JSON line, for Options.Trace and for the
// kernel's Config.Trace when the trace is streamed rather than kept. The
// first write error is kept and returned by the second function; later
// events are dropped.
func Tracer(w io.Writer, json bool) (trace func(*kernel.Event), errp func() error) {
	return HostTracer(w, json, 0)
}

// HostTracer is Tracer for a trace with hosts: text lines give host names
// width columns (Scenario.HostWidth); JSON lines carry a "host" field.
func HostTracer(w io.Writer, json bool, width int) (trace func(*kernel.Event), errp func() error) {
	var werr error
	var buf []byte // reused: a line is appended, written, and forgotten
	trace = func(e *kernel.Event) {
		if werr != nil {
			return
		}
		buf = appendLine(buf[:0], e, json, width)
		_, werr = w.Write(buf)
	}
	return trace, func() error { return werr }
}

// appendLine appends e's line of the trace, newline included: text, its
// host's name given width columns, or a JSON line.
func appendLine(b []byte, e *kernel.Event, json bool, width int) []byte {
	if json {
		return AppendEventJSON(b, e)
	}
	return append(AppendHostEvent(b, e, width), '\n')
}

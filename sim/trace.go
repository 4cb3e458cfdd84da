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
func FormatEvent(e *kernel.Event) string {
	text := e.Text
	if strings.ContainsAny(text, "\n\r") {
		text = strings.NewReplacer("\n", `\n`, "\r", `\r`).Replace(text)
	}
	return fmt.Sprintf("%9d  pid %-3d %s", e.Cycle, e.PID, text)
}

// WriteText writes the text trace of events, one line each.
func WriteText(w io.Writer, events []kernel.Event) error {
	bw := bufio.NewWriter(w)
	for i := range events {
		bw.WriteString(FormatEvent(&events[i]))
		bw.WriteByte('\n')
	}
	return bw.Flush()
}

// WriteJSON writes events as JSON lines: one encoding/json object each.
func WriteJSON(w io.Writer, events []kernel.Event) error {
	bw := bufio.NewWriter(w)
	for i := range events {
		if err := writeJSONEvent(bw, &events[i]); err != nil {
			return err
		}
	}
	return bw.Flush()
}

func writeJSONEvent(w io.Writer, e *kernel.Event) error {
	b, err := json.Marshal(e)
	if err != nil {
		return err
	}
	b = append(b, '\n')
	_, err = w.Write(b)
	return err
}

// Tracer returns a function that writes each event it is given to w, as
// text or (json true) as a JSON line, for Options.Trace and for the
// kernel's Config.Trace when the trace is streamed rather than kept. The
// first write error is kept and returned by the second function; later
// events are dropped.
func Tracer(w io.Writer, json bool) (trace func(*kernel.Event), errp func() error) {
	var werr error
	trace = func(e *kernel.Event) {
		if werr != nil {
			return
		}
		if json {
			werr = writeJSONEvent(w, e)
			return
		}
		_, werr = io.WriteString(w, FormatEvent(e)+"\n")
	}
	return trace, func() error { return werr }
}

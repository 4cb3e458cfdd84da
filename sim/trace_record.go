package sim

import (
	"bytes"
	"fmt"
)

// MaxTraceBytes is the longest text trace a want/trace section can check or
// record: a run whose trace is longer fails the section ("trace exceeds
// 1048576 bytes"), and ipcsim test --update refuses to record it.
const MaxTraceBytes = 1 << 20

// traceRecord is the text trace of a run as far as a want/trace section
// needs it, kept in bounded memory: each line is compared with the section
// as it comes, and while they agree nothing is kept but how far they agree
// (want[:matched]); from the first line that differs on, the run's lines
// are kept in tail, as long as the whole trace stays within MaxTraceBytes.
// So the trace of a run that goes on for ever costs the host at most
// MaxTraceBytes, and a trace that matches costs nothing beyond the section.
type traceRecord struct {
	want    []byte // the want/trace section, ending in a newline
	matched int    // want[:matched] is the run's trace up to tail
	tail    []byte // the run's lines after want[:matched]: not empty once they differ
	total   uint64 // bytes of the run's whole trace
}

// add takes the next line of the run's trace (without its newline).
func (r *traceRecord) add(line string) {
	n := uint64(len(line)) + 1
	r.total += n
	if len(r.tail) == 0 {
		if rest := r.want[r.matched:]; len(rest) > len(line) && rest[len(line)] == '\n' && string(rest[:len(line)]) == line {
			r.matched += len(line) + 1
			return
		}
	}
	if r.total <= MaxTraceBytes {
		r.tail = append(append(r.tail, line...), '\n')
	}
}

// exceeded reports whether the trace is longer than MaxTraceBytes (and so
// only its first MaxTraceBytes are in text).
func (r *traceRecord) exceeded() bool { return r.total > MaxTraceBytes }

// text returns the run's trace: all of it, or its first MaxTraceBytes.
func (r *traceRecord) text() []byte {
	return append(r.want[:r.matched:r.matched], r.tail...)
}

// exceededMsg says that the trace was too long to check, and where it
// first departed from want/trace.
func (r *traceRecord) exceededMsg() string {
	msg := fmt.Sprintf("trace exceeds %d bytes (%d written): want/trace checks at most that much", MaxTraceBytes, r.total)
	if len(r.tail) > 0 || r.matched < len(r.want) {
		msg += fmt.Sprintf("; it first differs from want/trace at line %d", bytes.Count(r.want[:r.matched], []byte("\n"))+1)
	}
	return msg
}

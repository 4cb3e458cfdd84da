package main

import (
	"bufio"
	"cmp"
	"io"
	"os"
	"os/signal"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"ipcsim/sim"
)

// sharedStderr is ipcsim exec's standard error when the trace goes there
// (--trace) and it is not a terminal (2>file, 2>/dev/null, 2>&1 | less):
// the program writes to it too. Writing each line as it happens made the
// trace ten times dearer than a file's (one write(2) a line), and making
// each line in place twice as dear as making it on another core. So the
// trace's lines are made on another core (sim.TraceWriter) and wait in a
// buffer, and go out before whatever the program does that could be seen
// after them:
//
//   - its own writes to standard error, which then go out at once, so
//     that it sees their errors (EPIPE) when Linux would;
//   - its writes to standard output, which may be the same file (2>&1);
//   - its waits for standard input: whoever types sees the trace so far;
//   - the end of the run, and a signal that ends ipcsim (^C, SIGTERM,
//     SIGHUP), which stops the machine where it is (kernel.Interrupt),
//     writes the trace so far and ends ipcsim as the signal would have.
//
// A signal ipcsim was started with ignored (nohup, a script's cmd &) stays
// ignored. What SIGKILL, SIGQUIT or a crash ends loses the lines waiting:
// at most the TraceWriter's batches and the buffer's 64 KiB. A terminal
// gets each line as it happens, as before: its reader watches.
type sharedStderr struct {
	mu       sync.Mutex // the trace's goroutine and the signal's write too
	w        io.Writer
	bw       *bufio.Writer
	trace    *sim.TraceWriter // its lines go to bw; nil: they come by Write, made in place
	stop     func()           // stops the machine, at a signal (nil: none); set before the signal's goroutine starts
	sigs     chan os.Signal
	written  chan struct{} // closed by close once the trace is written
	reading  atomic.Bool   // the machine waits in a read of ipcsim's standard input (readAfter)
	done     chan struct{} // closed by close
	finished chan struct{} // closed when the signal's goroutine has returned
}

// signalFlushWait bounds how long a signal that ends ipcsim waits for the
// lines to go out: a writer stuck on a reader that does not read (a pipe
// to a pager at a full screen) must not keep ipcsim alive. It bounds the
// way out only: the run and its output are the same whatever it is.
const signalFlushWait = 200 * time.Millisecond

// newSharedStderr buffers w and writes the buffer when a signal ends
// ipcsim, until close, after calling stop (nil: none) to stop the machine,
// so that the run's end writes the trace so far. The trace's lines come
// by Write until traceTo.
func newSharedStderr(w io.Writer, stop func()) *sharedStderr {
	s := &sharedStderr{w: w, bw: bufio.NewWriterSize(w, 64<<10), stop: stop, sigs: make(chan os.Signal, 1),
		written: make(chan struct{}), done: make(chan struct{}), finished: make(chan struct{})}
	for _, sig := range []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGHUP} {
		if !signal.Ignored(sig) { // Notify would catch what was ignored
			signal.Notify(s.sigs, sig)
		}
	}
	go func() {
		defer close(s.finished)
		select {
		case sig := <-s.sigs:
			s.die(sig)
		case <-s.done:
			select {
			case sig := <-s.sigs: // came as the run ended
				s.die(sig)
			default:
			}
		}
	}()
	return s
}

// traceTo makes a TraceWriter of the trace, in format json or text, whose
// lines go to the buffer: the machine's kernel.Config.TraceLog. close
// closes it. Only the machine's goroutine uses it (syncTrace, close).
func (s *sharedStderr) traceTo(json bool) *sim.TraceWriter {
	s.trace = sim.NewTraceWriter(s, json, nil, 0, nil)
	return s.trace
}

// die stops the machine, writes the lines waiting and ends ipcsim by sig,
// as sig would have ended it without us. A second signal of the kind ends
// it at once, and so does the first if the lines cannot go out within
// signalFlushWait.
func (s *sharedStderr) die(sig os.Signal) {
	signal.Reset(sig)
	deadline := make(chan struct{}) // closed: every wait below is over
	time.AfterFunc(signalFlushWait, func() { close(deadline) })
	if s.stop != nil && !s.reading.Load() {
		// The run ends, and close writes the trace so far, unless the
		// writer is stuck. A machine that waits for the host's input
		// would not see the stop until the input came; its lines went
		// out before the read.
		s.stop()
		select {
		case <-s.written:
		case <-deadline:
		}
	}
	flushed := make(chan struct{})
	go func() {
		s.mu.Lock() // kept: nothing is written after these lines
		s.bw.Flush()
		close(flushed)
	}()
	select {
	case <-flushed:
	case <-deadline:
	}
	syscall.Kill(os.Getpid(), sig.(syscall.Signal))
	select {} // until the signal ends the process
}

// Write takes lines of the trace: they wait in the buffer. After an
// error the buffer starts afresh, as flushLocked does.
func (s *sharedStderr) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n, err := s.bw.Write(p)
	if err != nil {
		s.bw.Reset(s.w)
	}
	return n, err
}

// flush writes the lines waiting: the TraceWriter's first, then the
// buffer.
func (s *sharedStderr) flush() error {
	s.syncTrace()
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.flushLocked()
}

// flushLocked writes the lines waiting, with mu held. After an error the
// buffer starts afresh, without them: a bufio.Writer would keep the error
// and fail every later write, where the program's next write to its
// standard error is tried again, as a write(2) is.
func (s *sharedStderr) flushLocked() error {
	err := s.bw.Flush()
	if err != nil {
		s.bw.Reset(s.w)
	}
	return err
}

// syncTrace has the TraceWriter write its lines so far to the buffer.
// Only the machine's goroutine calls it: the program's writes and reads,
// ipcsim's messages after the run.
func (s *sharedStderr) syncTrace() {
	if s.trace != nil {
		s.trace.Sync()
	}
}

// close writes the lines waiting and lets signals end ipcsim again; a
// signal that came meanwhile ends it now.
func (s *sharedStderr) close() error {
	var err error
	if s.trace != nil {
		err = s.trace.Close()
	}
	err = cmp.Or(err, s.flush())
	close(s.written)
	signal.Stop(s.sigs)
	close(s.done)
	<-s.finished
	return err
}

// program returns the program's standard error: each write goes out at
// once, after the lines before it.
func (s *sharedStderr) program() io.Writer { return programStderr{s} }

type programStderr struct{ s *sharedStderr }

func (p programStderr) Write(b []byte) (int, error) {
	p.s.syncTrace()
	p.s.mu.Lock()
	defer p.s.mu.Unlock()
	if err := p.s.flushLocked(); err != nil {
		// The lines before b did not all go out: as a write(2) to a
		// broken pipe, nothing of b is written, and the error.
		return 0, err
	}
	// b itself, as the program's write(2) would go: what part of it went
	// out, if not all, and why.
	return p.s.w.Write(b)
}

// before returns w, written to only after the lines waiting.
func (s *sharedStderr) before(w io.Writer) io.Writer { return flushFirst{s, w} }

type flushFirst struct {
	s *sharedStderr
	w io.Writer
}

func (f flushFirst) Write(b []byte) (int, error) {
	f.s.flush() // the trace's error, not this write's
	return f.w.Write(b)
}

// beforeRead returns r, read only after the lines waiting are written.
func (s *sharedStderr) beforeRead(r io.Reader) io.Reader { return readAfter{s, r} }

type readAfter struct {
	s *sharedStderr
	r io.Reader
}

func (r readAfter) Read(b []byte) (int, error) {
	r.s.flush()
	r.s.reading.Store(true)
	defer r.s.reading.Store(false)
	return r.r.Read(b)
}

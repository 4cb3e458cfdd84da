package main

import (
	"bufio"
	"io"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"
)

// sharedStderr is ipcsim exec's standard error when the trace goes there
// (--trace) and it is not a terminal (2>file, 2>&1 | less): the program
// writes to it too, so the trace's lines cannot go to a file of their own
// on another core (sim.TraceWriter), but writing each line as it happens
// made the trace ten times dearer than a file's (one write(2) a line). The
// lines wait in a buffer instead, and go out before whatever the program
// does that could be seen after them:
//
//   - its own writes to standard error, which then go out at once, so
//     that it sees their errors (EPIPE) when Linux would;
//   - its writes to standard output, which may be the same file (2>&1);
//   - its waits for standard input: whoever types sees the trace so far;
//   - the end of the run, and a signal that ends ipcsim (^C, SIGTERM,
//     SIGHUP), which then ends it as it would have.
//
// A signal ipcsim was started with ignored (nohup, a script's cmd &) stays
// ignored. What SIGKILL, SIGQUIT or a crash ends loses the lines waiting,
// at most the buffer's 64 KiB. A terminal gets each line as it happens, as
// before: its reader watches.
type sharedStderr struct {
	mu       sync.Mutex // the signal's goroutine flushes too
	w        io.Writer
	bw       *bufio.Writer
	sigs     chan os.Signal
	done     chan struct{} // closed by close
	finished chan struct{} // closed when the signal's goroutine has returned
}

// signalFlushWait bounds how long a signal that ends ipcsim waits for the
// lines to go out: a writer stuck on a reader that does not read (a pipe
// to a pager at a full screen) must not keep ipcsim alive. It bounds the
// way out only: the run and its output are the same whatever it is.
const signalFlushWait = 200 * time.Millisecond

// newSharedStderr buffers w and writes the buffer when a signal ends
// ipcsim, until close.
func newSharedStderr(w io.Writer) *sharedStderr {
	s := &sharedStderr{w: w, bw: bufio.NewWriterSize(w, 64<<10), sigs: make(chan os.Signal, 1),
		done: make(chan struct{}), finished: make(chan struct{})}
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

// die writes the lines waiting and ends ipcsim by sig, as sig would have
// ended it without us. A second signal of the kind ends it at once, and
// so does the first if the lines cannot go out within signalFlushWait.
func (s *sharedStderr) die(sig os.Signal) {
	signal.Reset(sig)
	flushed := make(chan struct{})
	go func() {
		s.mu.Lock() // kept: nothing is written after these lines
		s.bw.Flush()
		close(flushed)
	}()
	select {
	case <-flushed:
	case <-time.After(signalFlushWait):
	}
	syscall.Kill(os.Getpid(), sig.(syscall.Signal))
	select {} // until the signal ends the process
}

// Write takes lines of the trace: they wait in the buffer.
func (s *sharedStderr) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.writeLocked(p)
}

// writeLocked buffers p, with mu held, and starts the buffer afresh
// after an error, as flushLocked does.
func (s *sharedStderr) writeLocked(p []byte) (int, error) {
	n, err := s.bw.Write(p)
	if err != nil {
		s.bw.Reset(s.w)
	}
	return n, err
}

// flush writes the lines waiting.
func (s *sharedStderr) flush() error {
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

// close writes the lines waiting and lets signals end ipcsim again; a
// signal that came meanwhile ends it now.
func (s *sharedStderr) close() error {
	err := s.flush()
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
	p.s.mu.Lock()
	defer p.s.mu.Unlock()
	if _, err := p.s.writeLocked(b); err != nil {
		return 0, err
	}
	if err := p.s.flushLocked(); err != nil {
		// b comes last: whatever went out, it did not all go. As a
		// write(2) to a broken pipe: nothing written, and the error.
		return 0, err
	}
	return len(b), nil
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
	return r.r.Read(b)
}

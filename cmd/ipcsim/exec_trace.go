package main

import (
	"bufio"
	"io"
	"os"
	"os/signal"
	"sync"
	"syscall"
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
// A terminal gets each line as it happens, as before: its reader watches.
type sharedStderr struct {
	mu   sync.Mutex // the signal's goroutine flushes too
	bw   *bufio.Writer
	sigs chan os.Signal
	done chan struct{}
}

// newSharedStderr buffers w and writes the buffer when a signal ends
// ipcsim, until close.
func newSharedStderr(w io.Writer) *sharedStderr {
	s := &sharedStderr{bw: bufio.NewWriterSize(w, 64<<10), sigs: make(chan os.Signal, 1), done: make(chan struct{})}
	signal.Notify(s.sigs, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	go func() {
		select {
		case sig := <-s.sigs:
			// Write what waits, and nothing after it: the lock is
			// kept until ipcsim ends, as the signal would have ended
			// it without us.
			s.mu.Lock()
			s.bw.Flush()
			signal.Reset(sig)
			syscall.Kill(os.Getpid(), sig.(syscall.Signal))
		case <-s.done:
		}
	}()
	return s
}

// Write takes lines of the trace: they wait in the buffer.
func (s *sharedStderr) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.bw.Write(p)
}

// flush writes the lines waiting.
func (s *sharedStderr) flush() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.bw.Flush()
}

// close writes the lines waiting and lets signals end ipcsim again.
func (s *sharedStderr) close() error {
	signal.Stop(s.sigs)
	close(s.done)
	return s.flush()
}

// program returns the program's standard error: each write goes out at
// once, after the lines before it.
func (s *sharedStderr) program() io.Writer { return programStderr{s} }

type programStderr struct{ s *sharedStderr }

func (p programStderr) Write(b []byte) (int, error) {
	p.s.mu.Lock()
	defer p.s.mu.Unlock()
	if _, err := p.s.bw.Write(b); err != nil {
		return 0, err
	}
	if err := p.s.bw.Flush(); err != nil {
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

package main

import (
	"errors"
	"strings"
	"testing"
)

// failOnce is a writer whose first write fails.
type failOnce struct {
	failed bool
	b      strings.Builder
}

func (f *failOnce) Write(p []byte) (int, error) {
	if !f.failed {
		f.failed = true
		return 0, errors.New("no space left on device")
	}
	return f.b.Write(p)
}

// TestSharedStderrRetries: after a write of the program's to its standard
// error fails, its next write is tried again, as a write(2) is, and goes
// out after the trace's lines since; the lines that failed are dropped.
func TestSharedStderrRetries(t *testing.T) {
	w := &failOnce{}
	s := newSharedStderr(w, nil)
	s.Write([]byte("line 1\n"))
	if n, err := s.program().Write([]byte("first\n")); n != 0 || err == nil {
		t.Errorf("the failed write: %d, %v; want 0 and the error", n, err)
	}
	s.Write([]byte("line 2\n"))
	if n, err := s.program().Write([]byte("second\n")); n != 7 || err != nil {
		t.Errorf("the next write: %d, %v; want 7, nil", n, err)
	}
	if err := s.close(); err != nil {
		t.Fatal(err)
	}
	if got := w.b.String(); got != "line 2\nsecond\n" {
		t.Errorf("written %q", got)
	}
}

// partial is a writer that takes at most room bytes in all, then fails.
type partial struct {
	room int
	b    strings.Builder
}

func (p *partial) Write(b []byte) (int, error) {
	n := min(len(b), p.room)
	p.room -= n
	p.b.Write(b[:n])
	if n < len(b) {
		return n, errors.New("no space left on device")
	}
	return n, nil
}

// TestSharedStderrPartial: a write of the program's that goes out in part
// says how much went, after the trace's lines before it, as write(2) does.
func TestSharedStderrPartial(t *testing.T) {
	w := &partial{room: 10}
	s := newSharedStderr(w, nil)
	s.Write([]byte("line\n"))
	if n, err := s.program().Write([]byte("0123456789")); n != 5 || err == nil {
		t.Errorf("the write: %d, %v; want 5 and the error", n, err)
	}
	s.close()
	if got := w.b.String(); got != "line\n01234" {
		t.Errorf("written %q", got)
	}
}

package hw

import "io"

// Console is the output device: every byte written to it goes to the
// console's writer (the terminal of `ipcsim exec`, a buffer in a scenario).
type Console struct {
	w     io.Writer
	bytes uint64 // bytes written so far
}

// NewConsole returns a console writing to w.
func NewConsole(w io.Writer) *Console { return &Console{w: w} }

// Write sends p to the console.
func (c *Console) Write(p []byte) (int, error) {
	c.bytes += uint64(len(p))
	return c.w.Write(p)
}

// Written returns how many bytes the console has received.
func (c *Console) Written() uint64 { return c.bytes }

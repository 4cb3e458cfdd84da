package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// singleHostCapture is the name of the capture of a scenario without
// host lines: its one machine's name, as uname -n gives it there.
const singleHostCapture = "ipcsim"

// captureFiles are the files of ipcsim run --pcap=DIR: DIR/HOST.pcap for
// each host, in the order of the scenario's host lines, or
// DIR/ipcsim.pcap for a scenario without them.
type captureFiles struct {
	files []*os.File
	bufs  []*bufio.Writer
}

// createCaptures makes dir if it does not exist and creates a capture
// file in it for each host (hosts: the scenario's host names, none for a
// scenario of one machine), replacing files of the same names.
func createCaptures(dir string, hosts []string) (*captureFiles, error) {
	if len(hosts) == 0 {
		hosts = []string{singleHostCapture}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	c := &captureFiles{}
	for _, h := range hosts {
		f, err := os.Create(filepath.Join(dir, h+".pcap"))
		if err != nil {
			c.close()
			return nil, err
		}
		c.files = append(c.files, f)
		c.bufs = append(c.bufs, bufio.NewWriter(f))
	}
	return c, nil
}

// writers are the captures' writers, for sim.Options.Pcap.
func (c *captureFiles) writers() []io.Writer {
	w := make([]io.Writer, len(c.bufs))
	for i, b := range c.bufs {
		w[i] = b
	}
	return w
}

// finish writes out what the captures hold and closes their files. The
// error is the first that writing any of them met (a bufio.Writer keeps
// the first error of the file under it), with the file's name.
func (c *captureFiles) finish() error {
	var first error
	for i, f := range c.files {
		err := c.bufs[i].Flush()
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil && first == nil {
			first = fmt.Errorf("writing %s: %w", f.Name(), err)
		}
	}
	c.files = nil
	return first
}

// close closes the files without writing out what is buffered: a run
// that failed leaves its captures incomplete.
func (c *captureFiles) close() {
	for _, f := range c.files {
		f.Close()
	}
	c.files = nil
}

package sim

import (
	"bytes"
	"fmt"
	"os"
)

// Updated returns the scenario file with each of its want/ sections
// rewritten to hold what o shows. Every other byte of the file is kept as it
// was. It fails if an output holds a line that txtar would read as a file
// marker.
func (s *Scenario) Updated(o *Outcome) ([]byte, error) {
	var out bytes.Buffer
	last := 0
	for _, sec := range s.sections {
		if !isWant(sec.name) || s.want(sec.name) == nil {
			continue
		}
		got, over := s.render(sec.name, o)
		if over != "" {
			return nil, fmt.Errorf("%s:%d:1: cannot record %s: %s", s.Path, sec.markerLine, sec.name, over)
		}
		if n := markerLine(got); n > 0 {
			return nil, fmt.Errorf("%s:%d:1: cannot record %s: its line %d reads as a txtar file marker (-- NAME --)", s.Path, sec.markerLine, sec.name, n)
		}
		out.Write(s.data[last:sec.start])
		if sec.start == len(s.data) && len(got) > 0 && (sec.start == 0 || s.data[sec.start-1] != '\n') {
			out.WriteByte('\n') // the marker was the file's last line, without a newline
		}
		out.Write(got)
		last = sec.end
	}
	out.Write(s.data[last:])
	return out.Bytes(), nil
}

// Update rewrites the scenario file's want/ sections (see Updated).
func (s *Scenario) Update(o *Outcome) error {
	data, err := s.Updated(o)
	if err != nil {
		return err
	}
	if bytes.Equal(data, s.data) {
		return nil
	}
	mode := os.FileMode(0o644)
	if fi, err := os.Stat(s.Path); err == nil {
		mode = fi.Mode().Perm()
	}
	return os.WriteFile(s.Path, data, mode)
}

// markerLine returns the 1-based number of the first line of data that is a
// txtar file marker, or 0.
func markerLine(data []byte) int {
	for i, l := range splitLines(string(data)) {
		if _, ok := markerName([]byte(trimNL(l))); ok {
			return i + 1
		}
	}
	return 0
}

func trimNL(s string) string {
	if n := len(s); n > 0 && s[n-1] == '\n' {
		return s[:n-1]
	}
	return s
}

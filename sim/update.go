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

// withMissingWants appends to data the basic want/ sections the
// scenario lacks, recorded from o.
func (s *Scenario) withMissingWants(data []byte, o *Outcome) ([]byte, error) {
	out := bytes.NewBuffer(data)
	for _, name := range s.basicWants() {
		if s.want(name) != nil {
			continue
		}
		got, over := s.render(name, o)
		if over != "" {
			return nil, fmt.Errorf("%s: cannot record %s: %s", s.Path, name, over)
		}
		if n := markerLine(got); n > 0 {
			return nil, fmt.Errorf("%s: cannot record %s: its line %d reads as a txtar file marker (-- NAME --)", s.Path, name, n)
		}
		if b := out.Bytes(); len(b) > 0 && b[len(b)-1] != '\n' {
			out.WriteByte('\n')
		}
		fmt.Fprintf(out, "-- %s --\n", name)
		out.Write(got)
	}
	return out.Bytes(), nil
}

// basicWants are the want/ sections every scenario can have: the
// console (one per host) and the exits.
func (s *Scenario) basicWants() []string {
	var names []string
	if len(s.Hosts) == 0 {
		names = append(names, "want/console")
	}
	for _, h := range s.Hosts {
		names = append(names, "want/console/"+h.Name)
	}
	return append(names, "want/exits")
}

// ChecksNothing reports whether the scenario has neither an expect line
// nor a want/ section: ipcsim test would pass it whatever it did.
func (s *Scenario) ChecksNothing() bool { return len(s.Expects) == 0 && len(s.Wants) == 0 }

// Update rewrites the scenario file's want/ sections (see Updated) and
// adds those it lacks: its console (each host's) and its exits, at the
// end. (A trace is recorded only where a want/trace section asks for it:
// it is long.)
func (s *Scenario) Update(o *Outcome) error {
	data, err := s.Updated(o)
	if err != nil {
		return err
	}
	if data, err = s.withMissingWants(data, o); err != nil {
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

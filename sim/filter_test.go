package sim

import (
	"path/filepath"
	"slices"
	"testing"

	"ipcsim/kernel"
)

func TestTraceFilterMatch(t *testing.T) {
	ev := func(host string, pid int, kind string, cycle uint64) *kernel.Event {
		return &kernel.Event{Host: host, PID: pid, Kind: kind, Cycle: cycle}
	}
	pids := func(s string) []PIDRef {
		r, err := ParsePIDs(s)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	for _, c := range []struct {
		name string
		f    TraceFilter
		e    *kernel.Event
		want bool
	}{
		{"zero", TraceFilter{}, ev("", 2, "switch", 5), true},
		{"pid", TraceFilter{PIDs: pids("2,3")}, ev("", 3, "syscall", 5), true},
		{"other pid", TraceFilter{PIDs: pids("2,3")}, ev("", 4, "syscall", 5), false},
		{"machine", TraceFilter{PIDs: pids("0")}, ev("", 0, "irq", 5), true},
		{"pid on every host", TraceFilter{PIDs: pids("2")}, ev("bob", 2, "syscall", 5), true},
		{"host pid", TraceFilter{PIDs: pids("alice:2")}, ev("alice", 2, "syscall", 5), true},
		{"other host's pid", TraceFilter{PIDs: pids("alice:2")}, ev("bob", 2, "syscall", 5), false},
		{"host", TraceFilter{Hosts: []string{"bob"}}, ev("bob", 7, "net", 5), true},
		{"other host", TraceFilter{Hosts: []string{"bob"}}, ev("alice", 7, "net", 5), false},
		{"from", TraceFilter{From: 5}, ev("", 2, "syscall", 5), true},
		{"before from", TraceFilter{From: 6}, ev("", 2, "syscall", 5), false},
		{"to, included", TraceFilter{To: 5, HasTo: true}, ev("", 2, "syscall", 5), true},
		{"after to", TraceFilter{To: 4, HasTo: true}, ev("", 2, "syscall", 5), false},
		{"to 0", TraceFilter{To: 0, HasTo: true}, ev("", 1, "spawn", 0), true},
		{"hidden", TraceFilter{Hide: []string{"switch", "irq"}}, ev("", 2, "irq", 5), false},
		{"not hidden", TraceFilter{Hide: []string{"switch", "irq"}}, ev("", 2, "wake", 5), true},
		{"only", TraceFilter{Only: []string{"signal"}}, ev("", 2, "signal", 5), true},
		{"not only", TraceFilter{Only: []string{"signal"}}, ev("", 2, "wake", 5), false},
		{"all of them", TraceFilter{PIDs: pids("2"), Only: []string{"syscall"}, From: 3, To: 9, HasTo: true}, ev("", 2, "syscall", 5), true},
		{"all but one", TraceFilter{PIDs: pids("2"), Only: []string{"syscall"}, From: 3, To: 9, HasTo: true}, ev("", 2, "block", 5), false},
	} {
		if got := c.f.Match(c.e); got != c.want {
			t.Errorf("%s: Match(%+v) = %v, want %v", c.name, *c.e, got, c.want)
		}
	}
}

// TestEventKindsComplete runs every bundled scenario and requires each
// event's kind to be one of kernel.EventKinds, which --hide and --only
// take and the help lists.
func TestEventKindsComplete(t *testing.T) {
	var known []string
	for _, k := range kernel.EventKinds {
		known = append(known, k.Kind)
	}
	seen := map[string]bool{}
	for _, file := range scenarioFiles(t) {
		s, err := Load(file)
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.Run(Options{Trace: func(e *kernel.Event) {
			if !slices.Contains(known, e.Kind) {
				t.Errorf("%s: an event of kind %q, which kernel.EventKinds does not list: %s", filepath.Base(file), e.Kind, e.Text)
			}
			seen[e.Kind] = true
		}})
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, k := range []string{"syscall", "block", "wake", "switch", "irq", "signal", "spawn", "exit", "reap", "net", "insn", "watch"} {
		if !seen[k] {
			t.Errorf("no bundled scenario emits a %q event", k)
		}
	}
}

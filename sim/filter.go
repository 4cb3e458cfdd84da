package sim

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"ipcsim/kernel"
)

// A TraceFilter chooses which events of a trace are shown (ipcsim run
// --pid, --host, --from, --to, --hide, --only). It only looks at events:
// the run is the same with or without it, and so are its console and
// exits. The zero TraceFilter shows every event.
//
// An event is shown when it passes every part that is set: its pid is
// one of PIDs, its host one of Hosts, its cycle within From..To, and its
// kind in Only (if set) and not in Hide.
type TraceFilter struct {
	PIDs  []PIDRef // the processes shown (any of them); none: every process
	Hosts []string // the hosts shown (any of them); none: every host
	From  uint64   // the first cycle shown
	To    uint64   // the last cycle shown, if HasTo
	HasTo bool
	Hide  []string // the kinds not shown (kernel.EventKinds)
	Only  []string // if not empty, the only kinds shown
}

// A PIDRef names a process of a trace: a pid, on every host (Host ""),
// or on one host ("alice:2"). Pid 0 is the machine itself (interrupts,
// the terminal, the network).
type PIDRef struct {
	Host string
	PID  int
}

func (r PIDRef) String() string {
	if r.Host != "" {
		return fmt.Sprintf("%s:%d", r.Host, r.PID)
	}
	return strconv.Itoa(r.PID)
}

// Active reports whether f hides anything at all.
func (f *TraceFilter) Active() bool {
	return len(f.PIDs) > 0 || len(f.Hosts) > 0 || f.From > 0 || f.HasTo || len(f.Hide) > 0 || len(f.Only) > 0
}

// Match reports whether e is shown.
func (f *TraceFilter) Match(e *kernel.Event) bool { return f.match(e.Cycle, e.Host, e.PID, e.Kind) }

// MatchRecord reports whether the event of r, a Record of host host, is
// shown: the fields a filter looks at are the Record's own.
func (f *TraceFilter) MatchRecord(r *kernel.Record, host string) bool {
	return f.match(r.Cycle, host, int(r.PID), r.Kind.EventKind())
}

// match reports whether an event of cycle, host, pid and kind is shown.
func (f *TraceFilter) match(cycle uint64, host string, pid int, kind string) bool {
	if cycle < f.From || (f.HasTo && cycle > f.To) {
		return false
	}
	if len(f.Only) > 0 && !slices.Contains(f.Only, kind) {
		return false
	}
	if slices.Contains(f.Hide, kind) {
		return false
	}
	if len(f.Hosts) > 0 && !slices.Contains(f.Hosts, host) {
		return false
	}
	if len(f.PIDs) > 0 {
		return slices.ContainsFunc(f.PIDs, func(r PIDRef) bool {
			return r.PID == pid && (r.Host == "" || r.Host == host)
		})
	}
	return true
}

// Wrap returns a trace function that passes trace the events f shows;
// trace itself if f hides nothing.
func (f *TraceFilter) Wrap(trace func(*kernel.Event)) func(*kernel.Event) {
	if !f.Active() {
		return trace
	}
	return func(e *kernel.Event) {
		if f.Match(e) {
			trace(e)
		}
	}
}

// Check checks f against the hosts of a scenario (their names, in order;
// none for a scenario without hosts): every host it names exists, --hide
// and --only are not both given, and the cycle range is not empty.
func (f *TraceFilter) Check(hosts []string) error {
	known := func(flag, host string) error {
		switch {
		case slices.Contains(hosts, host):
			return nil
		case len(hosts) == 0:
			return fmt.Errorf("%s: the scenario has no hosts (no host lines), so no host %q", flag, host)
		}
		return fmt.Errorf("%s: the scenario has no host %q (its hosts: %s)", flag, host, strings.Join(hosts, ", "))
	}
	for _, h := range f.Hosts {
		if err := known("--host "+h, h); err != nil {
			return err
		}
	}
	for _, r := range f.PIDs {
		if r.Host != "" {
			if err := known("--pid "+r.String(), r.Host); err != nil {
				return err
			}
		}
	}
	if len(f.Hide) > 0 && len(f.Only) > 0 {
		return fmt.Errorf("--hide and --only do not go together: --only shows just its kinds")
	}
	if f.HasTo && f.To < f.From {
		return fmt.Errorf("--from %d is after --to %d: no event would be shown", f.From, f.To)
	}
	return nil
}

// ParsePIDs parses a list of processes, "2,3" or "alice:2,bob:3".
func ParsePIDs(s string) ([]PIDRef, error) {
	var refs []PIDRef
	for _, item := range strings.Split(s, ",") {
		item = strings.TrimSpace(item)
		var r PIDRef
		num := item
		if i := strings.LastIndexByte(item, ':'); i >= 0 {
			r.Host, num = item[:i], item[i+1:]
			if r.Host == "" {
				return nil, fmt.Errorf("bad pid %q: expected a host name before the colon, as alice:2", item)
			}
		}
		n, err := strconv.ParseUint(num, 10, 31)
		if err != nil {
			return nil, fmt.Errorf("bad pid %q: expected a pid or HOST:PID, as 2 or alice:2, in a list such as 2,3", item)
		}
		r.PID = int(n)
		refs = append(refs, r)
	}
	return refs, nil
}

// ParseHosts parses a list of host names, "alice,bob".
func ParseHosts(s string) ([]string, error) {
	var hosts []string
	for _, h := range strings.Split(s, ",") {
		h = strings.TrimSpace(h)
		if h == "" {
			return nil, fmt.Errorf("bad host list %q: expected host names separated by commas, as alice,bob", s)
		}
		hosts = append(hosts, h)
	}
	return hosts, nil
}

// ParseKinds parses a list of event kinds, "switch,irq": each one of
// kernel.EventKinds.
func ParseKinds(s string) ([]string, error) {
	var kinds []string
	for _, k := range strings.Split(s, ",") {
		k = strings.TrimSpace(k)
		if !slices.ContainsFunc(kernel.EventKinds, func(x kernel.EventKind) bool { return x.Kind == k }) {
			return nil, fmt.Errorf("unknown event kind %q: the kinds are %s", k, KindNames())
		}
		kinds = append(kinds, k)
	}
	return kinds, nil
}

// KindNames lists the event kinds, "syscall, block, wake, ...".
func KindNames() string {
	names := make([]string, len(kernel.EventKinds))
	for i, k := range kernel.EventKinds {
		names[i] = k.Kind
	}
	return strings.Join(names, ", ")
}

package sim

import (
	"bytes"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"ipcsim/abi"
	"ipcsim/kernel"
)

// Mismatch is one want/ section or expect line that the outcome does not
// satisfy.
type Mismatch struct {
	Pos  Pos    // the section's marker line, or the expect line
	What string // "want/trace", or the expect line as written
	Msg  string // what differs: a unified diff (-want +got) ending in a newline, or a sentence
}

// String returns "file:line:col: what: msg".
func (m Mismatch) String() string {
	if strings.Contains(m.Msg, "\n") {
		return fmt.Sprintf("%s: %s differs (-want +got):\n%s", m.Pos, m.What, m.Msg)
	}
	return fmt.Sprintf("%s: %s: %s", m.Pos, m.What, m.Msg)
}

// Check compares the outcome of a run with every want/ section and expect
// line of the scenario, in file order, and returns what does not match.
// A run that called a system call ipcsim does not implement (each call
// failed with ENOSYS) does not match, first of all, unless an "expect
// unimplemented" line names those calls.
//
// An expect line over a seed range ("expect seeds 1..100 never exit racer
// 1") does not look at o: Check runs the scenario once per seed of the
// ranges (each seed once, in increasing order) and checks the line against
// each run as it ends.
func (s *Scenario) Check(o *Outcome) []Mismatch {
	var out []Mismatch
	if m, ok := s.checkInvariants(o); !ok {
		out = append(out, m)
	}
	if m, ok := s.checkUnexpected(o); !ok {
		out = append(out, m)
	}
	var tallies map[int]*seedTally
	for i, e := range s.Expects {
		var msg string
		if e.Seeds != nil {
			if tallies == nil {
				tallies = s.runSeeds()
			}
			msg = s.checkSeeds(e, tallies[i])
		} else {
			msg = s.checkExpect(e, o)
		}
		if msg != "" {
			out = append(out, Mismatch{Pos: e.Pos, What: e.Text, Msg: msg})
		}
	}
	out = append(out, s.checkAsserts(o, &tallies)...)
	for _, w := range s.Wants {
		got, over := s.render(w.Name, o)
		if over != "" {
			out = append(out, Mismatch{Pos: w.Pos, What: w.Name, Msg: over})
			continue
		}
		if d := Diff(wantContents(w), got); d != "" {
			out = append(out, Mismatch{Pos: w.Pos, What: w.Name, Msg: d})
		}
	}
	return out
}

// checkUnexpected fails a run that called something ipcsim does not
// implement when no expect unimplemented line says the scenario means to:
// a program that "passes" while every socket call fails with ENOSYS tests
// nothing. The mismatch is placed at the top of the file.
func (s *Scenario) checkUnexpected(o *Outcome) (Mismatch, bool) {
	u := o.Result.Unimplemented
	if len(u) == 0 {
		return Mismatch{}, true
	}
	for _, e := range s.Expects {
		if e.Kind == ExpectUnimplemented {
			return Mismatch{}, true // checked there
		}
	}
	return Mismatch{
		Pos:  Pos{Filename: s.Path, Line: 1, Col: 1},
		What: "unimplemented",
		Msg: fmt.Sprintf("the run called what ipcsim does not implement, and each call failed with ENOSYS: %s (if the scenario means to, say so: expect unimplemented %s)",
			FormatUnimplemented(u), strings.Join(unimplementedNames(u), " ")),
	}, false
}

// checkUnimplemented returns "" if the run called exactly the unimplemented
// system calls that e names, or what it called instead.
func checkUnimplemented(e Expect, o *Outcome) string {
	u := o.Result.Unimplemented
	got := unimplementedNames(u)
	if slices.Equal(got, e.Calls) {
		return ""
	}
	var missing []string
	for _, name := range e.Calls {
		if !slices.Contains(got, name) {
			missing = append(missing, name)
		}
	}
	var extra []kernel.Unimplemented
	for _, x := range u {
		if !slices.Contains(e.Calls, x.Name) {
			extra = append(extra, x)
		}
	}
	var parts []string
	if len(extra) > 0 {
		parts = append(parts, "the run also called "+FormatUnimplemented(extra))
	}
	if len(missing) > 0 {
		parts = append(parts, fmt.Sprintf("the run made no unimplemented call to %s (did not call it, or ipcsim implements it now)", strings.Join(missing, ", ")))
	}
	return strings.Join(parts, "; ")
}

// unimplementedNames returns the names of the calls, sorted, each once (a
// call may be listed once per operation it lacks).
func unimplementedNames(u []kernel.Unimplemented) []string {
	names := make([]string, 0, len(u))
	for _, x := range u {
		names = append(names, x.Name)
	}
	sort.Strings(names)
	return dedup(names)
}

// FormatUnimplemented renders the unimplemented calls of a run, sorted by
// name: "bind (1 call, first by pid 2 at cycle 40), socket (3 calls, first
// by pid 2 at cycle 12)".
func FormatUnimplemented(u []kernel.Unimplemented) string {
	parts := make([]string, len(u))
	for i, x := range u {
		parts[i] = x.Describe()
	}
	return strings.Join(parts, ", ")
}

// checkExpect returns "" if e holds, or what happened instead.
func (s *Scenario) checkExpect(e Expect, o *Outcome) string {
	if e.Kind == ExpectUnimplemented {
		return checkUnimplemented(e, o)
	}
	h := o.host(e.Host)
	if e.Kind == ExpectConsole {
		if h.ConsoleExceeded() {
			return consoleExceeded(h)
		}
		if bytes.Equal(e.Console, h.Console) {
			return ""
		}
		return Diff(e.Console, h.Console)
	}
	pid := e.Who.PID
	if e.Who.Spawn >= 0 && e.Who.Spawn < len(o.PIDs) {
		pid = o.PIDs[e.Who.Spawn]
	}
	r := &h.Result
	for _, x := range r.Exits {
		if x.PID != pid {
			continue
		}
		code, sig, exited := decodeStatus(x.Status)
		if (e.Kind == ExpectExit && exited && code == e.Status) ||
			(e.Kind == ExpectSignal && !exited && sig == e.Signal) {
			return ""
		}
		return fmt.Sprintf("pid %d (%s) %s", x.PID, x.Name, x.Describe())
	}
	if n := r.ExitsDropped; n > 0 {
		return fmt.Sprintf("pid %d is not among the first %d exits, which are all a run keeps (%d more processes exited)", pid, len(r.Exits), n)
	}
	if r.Down {
		return fmt.Sprintf("pid %d did not exit (its host lost power at cycle %d)", pid, r.Cycles)
	}
	return fmt.Sprintf("pid %d did not exit (the run stopped: %s)", pid, r.Reason)
}

// decodeStatus takes a wait status word apart as the W* macros of wait(2)
// do: WIFEXITED is a zero low 7 bits, WEXITSTATUS the next 8; otherwise the
// low 7 bits are WTERMSIG.
func decodeStatus(status int) (code, sig int, exited bool) {
	if status&0x7f == 0 {
		return (status >> 8) & 0xff, 0, true
	}
	return 0, status & 0x7f, false
}

// render returns what the want/ section called name should hold for o, or
// (over not "") why it cannot say: the output exceeded what a run keeps.
func (s *Scenario) render(name string, o *Outcome) (data []byte, over string) {
	if host, ok := strings.CutPrefix(name, "want/console/"); ok {
		if i := s.hostIndex(host); i >= 0 && i < len(o.Hosts) {
			return renderConsole(&o.Hosts[i])
		}
		return nil, ""
	}
	switch name {
	case "want/console":
		return renderConsole(o.host(0))
	case "want/exits":
		if len(s.Hosts) > 0 {
			for _, h := range o.Hosts {
				if n := h.Result.ExitsDropped; n > 0 {
					return nil, fmt.Sprintf("more than %d processes exited on %s (%d in all): want/exits records at most %d a host", len(h.Result.Exits), h.Name, uint64(len(h.Result.Exits))+n, MaxExits)
				}
			}
			return []byte(FormatHostExits(o.Hosts)), ""
		}
		if n := o.Result.ExitsDropped; n > 0 {
			return nil, fmt.Sprintf("more than %d processes exited (%d in all): want/exits records at most %d", len(o.Result.Exits), uint64(len(o.Result.Exits))+n, MaxExits)
		}
		return []byte(FormatExits(o.Result)), ""
	case "want/trace":
		if o.trace != nil {
			if o.trace.exceeded() {
				return nil, o.trace.exceededMsg()
			}
			return o.trace.text(), ""
		}
		var b bytes.Buffer
		WriteText(&b, o.Trace)
		return b.Bytes(), ""
	}
	return nil, ""
}

// renderConsole is a want/console section for a host's console.
func renderConsole(h *HostOutcome) ([]byte, string) {
	if h.ConsoleExceeded() {
		return nil, consoleExceeded(h)
	}
	return EncodeConsole(h.Console), ""
}

// consoleExceeded says that the console held more than a run keeps.
func consoleExceeded(h *HostOutcome) string {
	return fmt.Sprintf("console output exceeds %d bytes (%d written): want/console and expect console check at most that much", MaxConsoleBytes, h.ConsoleBytes)
}

// FormatHostExits renders the exits of a run with hosts: every exit of
// every host in order of death (by cycle, then host order), each line
// naming its host ("alice: pid 2 (server): exited with status 0"); then,
// for each host in order that did not end with every process exited, why
// it stopped ("bob: stopped at cycle 5016: deadlock: ...", "carol: down at
// cycle 30000: power lost") and one indented line for each process that
// waits, or that died with it. A host that lost power and booted again
// says so first ("bob: down at cycle 500: power lost; up again at cycle
// 900: ..."), with the processes that died then.
func FormatHostExits(hosts []HostOutcome) string {
	var b strings.Builder
	for _, e := range exitOrder(hosts) {
		fmt.Fprintf(&b, "%s: pid %d (%s): %s\n", hosts[e.host].Name, e.x.PID, e.x.Name, e.x.Describe())
	}
	for _, h := range hosts {
		r := h.Result
		if r.ExitsDropped > 0 {
			fmt.Fprintf(&b, "%s: ... and %d more exits, not kept (a run keeps the first %d)\n", h.Name, r.ExitsDropped, len(r.Exits))
		}
		for _, p := range r.Past {
			fmt.Fprintf(&b, "%s: down at cycle %d: power lost; up again at cycle %d: it boots afresh, pids from 1\n", h.Name, p.Down, p.Up)
			for _, l := range p.Lost {
				b.WriteString("  " + l + "\n")
			}
		}
		lines := r.Blocked
		switch {
		case r.Down:
			fmt.Fprintf(&b, "%s: down at cycle %d: power lost\n", h.Name, r.Cycles)
			lines = r.Lost
		case r.Reason != kernel.StopAllExited:
			fmt.Fprintf(&b, "%s: stopped at cycle %d: %s\n", h.Name, r.Cycles, r.Reason)
		}
		for _, l := range lines {
			b.WriteString("  " + l + "\n")
		}
	}
	return b.String()
}

// hostExit is an exit of a host's process: hosts[host].
type hostExit struct {
	host int
	x    kernel.Exit
}

// exitOrder returns the exits of every host in order of death: by cycle,
// then in the order of the hosts.
func exitOrder(hosts []HostOutcome) []hostExit {
	var all []hostExit
	for i, h := range hosts {
		for _, x := range h.Result.Exits {
			all = append(all, hostExit{i, x})
		}
	}
	slices.SortStableFunc(all, func(a, b hostExit) int {
		if a.x.Cycle != b.x.Cycle {
			if a.x.Cycle < b.x.Cycle {
				return -1
			}
			return 1
		}
		return a.host - b.host
	})
	return all
}

// FormatExits renders the exits of a run, one line each ("pid 2 (hello):
// exited with status 0"), then, unless every process exited, a line saying
// why the machine stopped and, on deadlock, one indented line per blocked
// process.
func FormatExits(r kernel.Result) string {
	var b strings.Builder
	for _, x := range r.Exits {
		fmt.Fprintf(&b, "pid %d (%s): %s\n", x.PID, x.Name, x.Describe())
	}
	if r.ExitsDropped > 0 {
		fmt.Fprintf(&b, "... and %d more exits, not kept (a run keeps the first %d)\n", r.ExitsDropped, len(r.Exits))
	}
	if r.Reason != kernel.StopAllExited {
		fmt.Fprintf(&b, "stopped at cycle %d: %s\n", r.Cycles, r.Reason)
		for _, l := range r.Blocked {
			b.WriteString("  " + l + "\n")
		}
	}
	return b.String()
}

// noNewline ends a want/console section whose output does not end in a
// newline: a txtar file always ends in one, so the marker says that the last
// newline is not part of the output (as diff -u marks such a line).
const noNewline = `\ No newline at end of console`

// EncodeConsole returns console output as a want/console section holds it,
// and as ipcsim run prints it. The encoding is one-to-one, so that two
// outputs never pass each other's test:
//
//   - a line of the output that starts with a backslash is written with one
//     more backslash in front: for the output line `\x` the section holds
//     `\\x`;
//   - output that does not end in a newline gets one, and then the line
//     `\ No newline at end of console`.
//
// Every other line is written as it is. So a section line starting with
// one backslash is always that marker, and output that prints the marker's
// text itself ends up with two backslashes.
func EncodeConsole(out []byte) []byte {
	if len(out) == 0 {
		return out
	}
	if out[len(out)-1] == '\n' && out[0] != '\\' && !bytes.Contains(out, []byte("\n\\")) {
		return out // the common case: nothing to escape
	}
	var b bytes.Buffer
	for _, line := range splitLines(string(out)) {
		if line[0] == '\\' {
			b.WriteByte('\\')
		}
		b.WriteString(line)
	}
	if out[len(out)-1] != '\n' {
		b.WriteString("\n" + noNewline + "\n")
	}
	return b.Bytes()
}

// decodeConsole is the inverse of EncodeConsole: it returns the output a
// want/console section stands for, or the 1-based number of a line that no
// output encodes to (a line starting with one backslash that is not the
// last line's marker).
func decodeConsole(data []byte) ([]byte, int) {
	var out []byte
	lines := splitLines(string(data))
	for i, line := range lines {
		switch {
		case line == "" || line[0] != '\\':
			out = append(out, line...)
		case len(line) > 1 && line[1] == '\\':
			out = append(out, line[1:]...)
		case i == len(lines)-1 && trimNL(line) == noNewline && len(out) > 0:
			out = out[:len(out)-1] // the output's last newline is not there
		default:
			return nil, i + 1
		}
	}
	return out, 0
}

// wantContents returns a want/ section's data as txtar reads it: with a
// final newline added if the file ends without one.
func wantContents(w Want) []byte {
	d := w.Data
	if len(d) > 0 && d[len(d)-1] != '\n' {
		d = append(append([]byte(nil), d...), '\n')
	}
	return d
}

// signalName returns "SIGSEGV" for 11.
func signalName(n int) string {
	if n > 0 && n < 65 {
		return abi.Signal(n).String()
	}
	return "signal " + strconv.Itoa(n)
}

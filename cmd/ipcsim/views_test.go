package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"ipcsim/sim"
)

// viewScenarios are the scenarios whose Chrome traces are checked for
// validity: pipes, forks, signals from the terminal, job control, orphans,
// message queues, sockets, and (net_) TCP and UDP between hosts, and a
// host that boots again (its second boot's processes on tracks of their own).
var viewScenarios = []string{
	"pipe_parent_child", "pipeline", "ctrl_c", "catch_sigint", "sigchld_reaper",
	"job_shell", "server_fork", "fifo_meet", "preempt", "msg_server",
	"msg_queued_types", "mq_dispatch", "unix_echo", "unix_dgram_queue", "net_server_iterative",
	"net_server_fork", "net_reset", "net_udp", "net_host_reboot",
}

// TestRunViewsGolden compares "ipcsim run --format=chrome|mermaid" and
// "run --tree" of pipe_parent_child, and of net_reset and net_server_fork
// (scenarios with hosts), with their golden files (-update rewrites them), and checks that a second
// run gives the same bytes.
func TestRunViewsGolden(t *testing.T) {
	scenario := "../../testdata/scenarios/pipe_parent_child.txtar"
	reset := "../../testdata/scenarios/net_reset.txtar"
	fork := "../../testdata/scenarios/net_server_fork.txtar"
	for _, c := range []struct {
		golden string
		args   []string
	}{
		{"run_pipe_parent_child.chrome.json", []string{"run", "--format=chrome", scenario}},
		{"run_pipe_parent_child.mmd", []string{"run", "--format=mermaid", scenario}},
		{"run_pipe_parent_child.tree", []string{"run", "--tree", scenario}},
		{"run_net_reset.mmd", []string{"run", "--format=mermaid", reset}},
		{"run_net_server_fork.mmd", []string{"run", "--format=mermaid", fork}},
		{"run_net_server_fork.tree", []string{"run", "--tree", "--hide=switch,net", fork}},
		{"run_net_reset.tree.json", []string{"run", "--tree", "--format=json", "--only=spawn,exit", reset}},
	} {
		st, out, stderr := run(t, c.args...)
		if st != exitOK || stderr != "" {
			t.Fatalf("%v: status %d, stderr %q", c.args, st, stderr)
		}
		if _, again, _ := run(t, c.args...); again != out {
			t.Errorf("%v: a second run gives other bytes", c.args)
		}
		golden := filepath.Join("testdata", c.golden)
		if *update {
			if err := os.WriteFile(golden, []byte(out), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%v (run go test ./cmd/ipcsim -run TestRunViewsGolden -update to record it)", err)
		}
		if out != string(want) {
			t.Errorf("%v differs from %s (-want +got):\n%s", c.args, golden, sim.Diff(want, []byte(out)))
		}
	}
}

// TestRunTreeKeepsText checks that without --tree the output has no
// processes section, so that what run printed before stays as it was.
func TestRunTreeKeepsText(t *testing.T) {
	_, out, _ := run(t, "run", "../../testdata/scenarios/pipe_parent_child.txtar")
	if strings.Contains(out, "--- processes") {
		t.Errorf("run without --tree prints the tree:\n%s", out)
	}
	st, _, stderr := run(t, "run", "--tree", "--format=chrome", "../../testdata/scenarios/pipe_parent_child.txtar")
	if st != exitBadInput || !strings.Contains(stderr, "--tree goes with") {
		t.Errorf("--tree --format=chrome: status %d, stderr %q", st, stderr)
	}
}

// chromeTrace is the JSON object form of the Trace Event Format.
type chromeTrace struct {
	DisplayTimeUnit string `json:"displayTimeUnit"`
	TraceEvents     []struct {
		Name string   `json:"name"`
		Ph   string   `json:"ph"`
		TS   *float64 `json:"ts"`
		Dur  *float64 `json:"dur"`
		PID  *int     `json:"pid"`
		TID  *int     `json:"tid"`
		ID   int      `json:"id"`
	} `json:"traceEvents"`
}

// TestChromeTraceValid checks the Chrome traces of several scenarios: the
// output is JSON; every event has a name, a phase, a time, pid and tid;
// a complete event has a duration >= 0, and no slices of one track
// overlap; a B has its E; every flow start has one finish and the other
// way round; every track is named.
func TestChromeTraceValid(t *testing.T) {
	for _, name := range viewScenarios {
		t.Run(name, func(t *testing.T) {
			st, out, stderr := run(t, "run", "--format=chrome", "../../testdata/scenarios/"+name+".txtar")
			if st != exitOK {
				t.Fatalf("status %d, stderr %q", st, stderr)
			}
			var tr chromeTrace
			if err := json.Unmarshal([]byte(out), &tr); err != nil {
				t.Fatalf("not JSON: %v", err)
			}
			if len(tr.TraceEvents) == 0 {
				t.Fatal("no events")
			}
			type track [2]int // Chrome pid (a host) and tid (a process)
			depth := map[track]int{}
			flows := map[int]string{}
			named := map[track]bool{}
			used := map[track]bool{}
			type span struct{ from, to float64 }
			spans := map[track][]span{}
			for i, e := range tr.TraceEvents {
				where := fmt.Sprintf("event %d (%s %q)", i, e.Ph, e.Name)
				if e.Name == "" || e.Ph == "" || e.TS == nil || e.PID == nil || e.TID == nil {
					t.Fatalf("%s: a field is missing", where)
				}
				if *e.TS < 0 {
					t.Errorf("%s: ts %v", where, *e.TS)
				}
				tr := track{*e.PID, *e.TID}
				switch e.Ph {
				case "M":
					if e.Name == "thread_name" {
						named[tr] = true
					}
				case "X":
					if e.Dur == nil || *e.Dur < 0 {
						t.Errorf("%s: no duration >= 0", where)
						continue
					}
					used[tr] = true
					spans[tr] = append(spans[tr], span{*e.TS, *e.TS + *e.Dur})
				case "B":
					depth[tr]++
				case "E":
					if depth[tr]--; depth[tr] < 0 {
						t.Errorf("%s: an E without its B", where)
					}
				case "s", "f":
					if e.ID == 0 {
						t.Errorf("%s: a flow without an id", where)
					}
					if flows[e.ID] == e.Ph {
						t.Errorf("%s: flow %d has two %s", where, e.ID, e.Ph)
					}
					if flows[e.ID] == "" {
						flows[e.ID] = e.Ph
					} else {
						flows[e.ID] = "both"
					}
				case "i":
				default:
					t.Errorf("%s: unexpected phase", where)
				}
			}
			for tid, d := range depth {
				if d != 0 {
					t.Errorf("track %d: %d B without E", tid, d)
				}
			}
			for id, ph := range flows {
				if ph != "both" {
					t.Errorf("flow %d has only %s", id, ph)
				}
			}
			for tid := range used {
				if !named[tid] {
					t.Errorf("track %d has slices but no name", tid)
				}
			}
			for tid, ss := range spans {
				for i := range ss {
					for j := i + 1; j < len(ss); j++ {
						if ss[i].from < ss[j].to-1e-9 && ss[j].from < ss[i].to-1e-9 {
							t.Errorf("track %d: slices %v and %v overlap", tid, ss[i], ss[j])
						}
					}
				}
			}
		})
	}
}

// entity is a Mermaid entity code: "#35;" is '#'.
var entity = regexp.MustCompile(`#[0-9a-z]+;`)

// mermaidAlias is what a participant's alias may be: letters and digits
// ("P2", "H1P2"), so that no name ends a statement or reads as a keyword.
var mermaidAlias = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9]*$`)

// TestMermaidShape checks the diagrams of several scenarios: each starts
// with sequenceDiagram; each participant is declared once, with a valid
// alias, before any arrow or note uses it; a created participant's first
// message is the next line; a box holds only participants, is closed,
// and comes before the first message (as Mermaid wants); each host of a
// scenario with hosts has its box; no text holds a ';'.
func TestMermaidShape(t *testing.T) {
	for _, name := range viewScenarios {
		path := "../../testdata/scenarios/" + name + ".txtar"
		st, out, stderr := run(t, "run", "--format=mermaid", path)
		if st != exitOK {
			t.Fatalf("%s: status %d, stderr %q", name, st, stderr)
		}
		checkMermaid(t, name, out)
		s, err := sim.Load(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range s.Hosts {
			if !strings.Contains(out, "\n    box transparent "+h.Name+"\n") {
				t.Errorf("%s: no box for host %s", name, h.Name)
			}
		}
	}
}

// checkMermaid checks the shape of a sequence diagram (TestMermaidShape).
func checkMermaid(t *testing.T, name, out string) {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if lines[0] != "sequenceDiagram" {
		t.Fatalf("%s: starts with %q", name, lines[0])
	}
	if len(lines) > sim.MaxMermaidItems+100 {
		t.Errorf("%s: %d lines, more than the cap allows", name, len(lines))
	}
	declared := map[string]bool{}
	inBox, messages := false, false
	for i, l := range lines[1:] {
		l = strings.TrimSpace(l)
		switch {
		case strings.HasPrefix(l, "box "):
			if inBox || messages {
				t.Errorf("%s: %q: a box inside a box, or after the first message", name, l)
			}
			inBox = true
			continue
		case l == "end":
			if !inBox {
				t.Errorf("%s: line %d: an end without its box", name, i+2)
			}
			inBox = false
			continue
		case strings.HasPrefix(l, "participant "), strings.HasPrefix(l, "create participant "):
			p := strings.Fields(strings.TrimPrefix(l, "create "))[1]
			if !mermaidAlias.MatchString(p) {
				t.Errorf("%s: %q: alias %q is not letters and digits", name, l, p)
			}
			if declared[p] {
				t.Errorf("%s: %q: %s is declared twice", name, l, p)
			}
			declared[p] = true
			if strings.HasPrefix(l, "create ") && !strings.Contains(lines[i+2], p+":") {
				t.Errorf("%s: %q is not followed by a message to it: %q", name, l, lines[i+2])
			}
			continue
		}
		if inBox {
			t.Errorf("%s: %q: a box holds only participants", name, l)
		}
		messages = true
		if strings.HasPrefix(l, "Note over ") {
			for _, p := range strings.Split(strings.SplitN(strings.TrimPrefix(l, "Note over "), ":", 2)[0], ",") {
				if !declared[p] {
					t.Errorf("%s: %q: %s is not declared", name, l, p)
				}
			}
		} else {
			head := strings.SplitN(l, ":", 2)[0]
			ps := strings.FieldsFunc(head, func(r rune) bool { return strings.ContainsRune("-<>)x", r) })
			if len(ps) != 2 || !declared[ps[0]] || !declared[ps[1]] {
				t.Errorf("%s: %q: not an arrow between declared participants", name, l)
			}
		}
		if strings.ContainsAny(entity.ReplaceAllString(l[strings.Index(l, ":")+1:], ""), ";") {
			t.Errorf("%s: %q: a ';' ends a Mermaid statement", name, l)
		}
	}
	if inBox {
		t.Errorf("%s: a box is not closed", name)
	}
}

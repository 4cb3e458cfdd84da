package main

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"ipcsim/kernel"
	"ipcsim/sim"
)

func scenarioPath(name string) string {
	return filepath.Join("..", "..", "testdata", "scenarios", name+".txtar")
}

// jsonDoc is any line of run --format=json: a trace event (Kind) or a
// document with a Type.
type jsonDoc struct {
	Kind string `json:"kind"`
	Type string `json:"type"`
	Host string `json:"host"`
	PID  *int   `json:"pid"`

	Cycle   uint64   `json:"cycle"`
	Syscall string   `json:"syscall"`
	Args    []uint64 `json:"args"`
	Ret     *int64   `json:"ret"`
	Errno   string   `json:"errno"`
	Signal  string   `json:"signal"`
	Obj     string   `json:"obj"`
	TCP     string   `json:"tcp"`
	Packet  *struct {
		Proto, Src, Dst, Flags, Link, Drop string
		Seq, Ack                           uint32
		Len                                int
		Frame, Arrive                      uint64
	} `json:"packet"`

	Text     string   `json:"text"`
	Name     string   `json:"name"`
	Status   *int     `json:"status"`
	Describe string   `json:"describe"`
	Reason   string   `json:"reason"`
	Blocked  []string `json:"blocked"`
	Parent   *int     `json:"parent"`
	State    string   `json:"state"`
	Calls    []struct {
		Name  string `json:"name"`
		Count int    `json:"count"`
	} `json:"calls"`
}

// decodeLines decodes every line of out with encoding/json, strictly (no
// unknown fields are tolerated in the event lines: they are kernel.Event).
func decodeLines(t *testing.T, what, out string) []jsonDoc {
	t.Helper()
	if !strings.HasSuffix(out, "\n") {
		t.Fatalf("%s: the output does not end in a newline:\n%s", what, out)
	}
	var docs []jsonDoc
	for i, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		var d jsonDoc
		dec := json.NewDecoder(strings.NewReader(line))
		if err := dec.Decode(&d); err != nil {
			t.Fatalf("%s: line %d is not JSON (%v): %s", what, i+1, err, line)
		}
		if dec.More() {
			t.Fatalf("%s: line %d holds more than one document: %s", what, i+1, line)
		}
		if (d.Kind == "") == (d.Type == "") {
			t.Fatalf("%s: line %d has %q kind and %q type: want exactly one", what, i+1, d.Kind, d.Type)
		}
		if d.Kind != "" {
			var e kernel.Event
			strict := json.NewDecoder(strings.NewReader(line))
			strict.DisallowUnknownFields()
			if err := strict.Decode(&e); err != nil {
				t.Fatalf("%s: line %d is not a kernel.Event (%v): %s", what, i+1, err, line)
			}
		}
		docs = append(docs, d)
	}
	return docs
}

// TestRunJSONEveryLine pipes the JSON output of bundled scenarios through
// encoding/json line by line: every line decodes, the trace events come
// first, then the console, exits, stops (the tree) and the unimplemented
// calls, in that order; and a second run gives the same bytes.
func TestRunJSONEveryLine(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "sock.txtar")
	writeFile(t, sock, []byte("spawn sock.s\n-- sock.s --\n"+sockSrc), 0o644)
	for _, c := range []struct {
		args       []string
		hosts      []string
		types      []string // the documents after the events, in order
		exitStatus []int
		reason     string
	}{
		{[]string{scenarioPath("hello")}, nil, []string{"console", "exit", "stop"}, []int{0}, "exited"},
		{[]string{"--tree", scenarioPath("pipe_parent_child")}, nil,
			[]string{"console", "exit", "exit", "stop", "process", "process", "process"}, []int{0, 0}, "exited"},
		{[]string{scenarioPath("net_reset")}, []string{"client", "server"},
			[]string{"console", "console", "exit", "exit", "stop", "stop"}, []int{0, 0}, "exited"},
		{[]string{scenarioPath("job_shell")}, nil, []string{"console", "exit", "exit", "stop"}, []int{130, 0}, "exited"},
		{[]string{scenarioPath("threads_deadlock")}, nil, []string{"console", "stop"}, nil, "deadlock"},
		{[]string{scenarioPath("cycle_limit")}, nil, []string{"console", "stop"}, nil, "cycle_limit"},
		{[]string{sock}, nil, []string{"console", "exit", "stop", "unimplemented"}, []int{0}, "exited"},
	} {
		args := append([]string{"run", "--format=json"}, c.args...)
		st, out, stderr := run(t, args...)
		if st != exitOK {
			t.Fatalf("%v: status %d, stderr %q", args, st, stderr)
		}
		if _, again, _ := run(t, args...); again != out {
			t.Errorf("%v: a second run gives other bytes", args)
		}
		docs := decodeLines(t, strings.Join(args, " "), out)
		var types []string
		var hosts []string
		var statuses []int
		events := 0
		for _, d := range docs {
			if d.Kind != "" {
				if len(types) > 0 {
					t.Fatalf("%v: an event after the %s document: %+v", args, types[len(types)-1], d)
				}
				events++
				continue
			}
			types = append(types, d.Type)
			switch d.Type {
			case "console":
				hosts = append(hosts, d.Host)
			case "exit":
				statuses = append(statuses, *d.Status)
			case "stop":
				if d.Reason != c.reason {
					t.Errorf("%v: stop reason %q, want %q", args, d.Reason, c.reason)
				}
				if d.Reason == "deadlock" && len(d.Blocked) == 0 {
					t.Errorf("%v: a deadlock without the blocked processes: %+v", args, d)
				}
			case "unimplemented":
				if len(d.Calls) != 2 || d.Calls[0].Name != "acct" || d.Calls[1].Count != 2 {
					t.Errorf("%v: unimplemented %+v", args, d.Calls)
				}
			}
		}
		if events == 0 {
			t.Errorf("%v: no trace events", args)
		}
		if !slices.Equal(types, c.types) {
			t.Errorf("%v: documents %v, want %v", args, types, c.types)
		}
		if c.hosts != nil && !slices.Equal(hosts, c.hosts) {
			t.Errorf("%v: consoles of hosts %q, want %q", args, hosts, c.hosts)
		}
		if !slices.Equal(statuses, c.exitStatus) {
			t.Errorf("%v: exit statuses %v, want %v", args, statuses, c.exitStatus)
		}
	}
}

// TestRunJSONConsole checks that the console documents hold the console
// exactly: hello's, and one that does not end in a newline.
func TestRunJSONConsole(t *testing.T) {
	_, out, _ := run(t, "run", "--format=json", helloScenario)
	want := `{"type":"console","text":"hello, world\n"}` + "\n" +
		`{"type":"exit","pid":2,"name":"hello","cycle":12,"status":0,"wstatus":0,"describe":"exited with status 0"}` + "\n"
	if !strings.Contains(out, want) {
		t.Errorf("output:\n%s\nwant it to hold\n%s", out, want)
	}
	_, text, _ := run(t, "run", "--format=json", scenarioPath("job_shell"))
	if !strings.Contains(text, `minishell> fg\n`) {
		t.Errorf("the console is not written as it is (minishell> fg):\n%s", text)
	}
}

// TestRunJSONSyscallFields checks the typed fields of syscall events: the
// raw arguments, the return value, errno, the object and the signal.
func TestRunJSONSyscallFields(t *testing.T) {
	_, out, _ := run(t, "run", "--format=json", helloScenario)
	var write *jsonDoc
	for _, d := range decodeLines(t, "hello", out) {
		if d.Kind == "syscall" && d.Syscall == "write" {
			write = &d
			break
		}
	}
	if write == nil || len(write.Args) != 3 || write.Args[0] != 1 || write.Args[2] != 13 ||
		write.Ret == nil || *write.Ret != 13 || write.Obj != "tty" || write.Errno != "" {
		t.Errorf("hello's write: %+v", write)
	}

	_, out, _ = run(t, "run", "--format=json", "--only=syscall", scenarioPath("eintr_restart"))
	var kill, failed *jsonDoc
	for _, d := range decodeLines(t, "eintr_restart", out) {
		switch {
		case d.Syscall == "kill" && kill == nil:
			kill = &d
		case d.Errno != "" && failed == nil:
			failed = &d
		}
	}
	if kill == nil || kill.Signal != "SIGUSR1" || len(kill.Args) != 2 || kill.Args[1] != 10 {
		t.Errorf("eintr_restart's kill: %+v", kill)
	}
	if failed == nil || failed.Errno != "EINTR" || failed.Ret == nil || *failed.Ret != -4 {
		t.Errorf("eintr_restart's interrupted read: %+v", failed)
	}

	// What a TCP connection did is typed: the client's connect is refused
	// (a reset received in SYN-SENT), between two state changes.
	_, out, _ = run(t, "run", "--format=json", "--only=net", scenarioPath("net_reset"))
	var kinds []string
	for _, d := range decodeLines(t, "net_reset", out) {
		if d.Host == "client" && d.TCP != "" && len(kinds) < 3 {
			kinds = append(kinds, d.TCP+": "+d.Text[strings.LastIndex(d.Text, "6001: ")+6:])
		}
	}
	want := []string{"state: CLOSED -> SYN-SENT", "reset-received: connection refused: [R.] seq 0 ack 689706694 win 0 len 0", "state: SYN-SENT -> CLOSED"}
	if !slices.Equal(kinds, want) {
		t.Errorf("net_reset's first TCP events on the client: %q, want %q", kinds, want)
	}

	// Packets and frames are typed too: the client's SYN as it is sent,
	// then on the link, with its frame number and arrival.
	var pkts []string
	for _, d := range decodeLines(t, "net_reset", out) {
		if p := d.Packet; p != nil && len(pkts) < 2 {
			pkts = append(pkts, fmt.Sprintf("%s %s>%s [%s] seq %d ack %d len %d link %q frame %d arrive %d",
				p.Proto, p.Src, p.Dst, p.Flags, p.Seq, p.Ack, p.Len, p.Link, p.Frame, p.Arrive))
		}
	}
	wantPkts := []string{
		`tcp 10.0.0.1:54372>10.0.0.2:6001 [S] seq 689706693 ack 0 len 0 link "" frame 0 arrive 0`,
		`tcp 10.0.0.1:54372>10.0.0.2:6001 [S] seq 689706693 ack 0 len 0 link "client-server" frame 1 arrive 101442`,
	}
	if !slices.Equal(pkts, wantPkts) {
		t.Errorf("net_reset's first packets:\n%q\nwant\n%q", pkts, wantPkts)
	}
}

// tail returns the output of run after its trace: from the first line
// that is not a trace event.
func tail(t *testing.T, format, out string) string {
	t.Helper()
	if format == "json" {
		i := strings.Index(out, "\n{\"type\":")
		if i < 0 {
			t.Fatalf("no documents after the trace:\n%s", out)
		}
		return out[i+1:]
	}
	i := strings.Index(out, "--- console")
	if i < 0 {
		t.Fatalf("no console section:\n%s", out)
	}
	return out[i:]
}

// TestRunFilters runs scenarios with and without trace filters: the
// console, the exits and what follows are the same bytes, the trace lines
// shown are the unfiltered trace's lines that pass the filter, in order.
func TestRunFilters(t *testing.T) {
	for _, c := range []struct {
		scenario string
		filters  []string
		pass     func(d jsonDoc) bool
	}{
		{"pipe_parent_child", []string{"--pid", "2,3"}, func(d jsonDoc) bool { return *d.PID == 2 || *d.PID == 3 }},
		{"pipe_parent_child", []string{"--pid=3", "--pid=0"}, func(d jsonDoc) bool { return *d.PID == 3 || *d.PID == 0 }},
		{"preempt", []string{"--hide", "switch,irq"}, func(d jsonDoc) bool { return d.Kind != "switch" && d.Kind != "irq" }},
		{"job_shell", []string{"--only", "syscall,signal"}, func(d jsonDoc) bool { return d.Kind == "syscall" || d.Kind == "signal" }},
		{"job_shell", []string{"--from", "1000", "--to", "20_000"}, func(d jsonDoc) bool { return d.Cycle >= 1000 && d.Cycle <= 20000 }},
		{"net_reset", []string{"--pid", "client:2"}, func(d jsonDoc) bool { return d.Host == "client" && *d.PID == 2 }},
		{"net_reset", []string{"--host", "server", "--hide=net"}, func(d jsonDoc) bool { return d.Host == "server" && d.Kind != "net" }},
		{"net_reset", []string{"--pid", "2", "--only=syscall", "--from=5000000"}, func(d jsonDoc) bool {
			return *d.PID == 2 && d.Kind == "syscall" && d.Cycle >= 5000000
		}},
	} {
		file := scenarioPath(c.scenario)
		for _, format := range []string{"text", "json"} {
			base := []string{"run", "--format=" + format, "--tree"}
			all := append(slices.Clone(base), file)
			filtered := append(append(slices.Clone(base), c.filters...), file)
			st, want, _ := run(t, all...)
			st2, got, stderr := run(t, filtered...)
			if st != exitOK || st2 != exitOK {
				t.Fatalf("%v: status %d, stderr %q", filtered, st2, stderr)
			}
			if tail(t, format, got) != tail(t, format, want) {
				t.Errorf("%v: the console, exits or tree differ from the unfiltered run:\n%s", filtered, sim.Diff([]byte(tail(t, format, want)), []byte(tail(t, format, got))))
			}
			wantLines := lines(strings.TrimSuffix(want, tail(t, format, want)))
			gotLines := lines(strings.TrimSuffix(got, tail(t, format, got)))
			if format == "json" {
				// The events shown are the events that pass, in order.
				var pass []string
				for _, line := range wantLines {
					if c.pass(decodeLines(t, "event", line+"\n")[0]) {
						pass = append(pass, line)
					}
				}
				if len(pass) == 0 || len(pass) == len(wantLines) {
					t.Errorf("%v: the filter keeps %d of %d events: choose one that shows some", filtered, len(pass), len(wantLines))
				}
				if !slices.Equal(gotLines, pass) {
					t.Errorf("%v: %d events shown, want the %d that pass", filtered, len(gotLines), len(pass))
				}
			} else if !isSubsequence(gotLines, wantLines) || len(gotLines) >= len(wantLines) {
				t.Errorf("%v: the text trace is not a part of the unfiltered one (%d of %d lines)", filtered, len(gotLines), len(wantLines))
			}
		}
	}
}

// lines splits out into its lines, without their newlines.
func lines(out string) []string {
	return strings.Split(strings.TrimSuffix(out, "\n"), "\n")
}

// isSubsequence reports whether the lines of sub appear in all, in order.
func isSubsequence(sub, all []string) bool {
	i := 0
	for _, l := range all {
		if i < len(sub) && sub[i] == l {
			i++
		}
	}
	return i == len(sub)
}

// TestRunFilterBadInput: a bad filter is bad input (status 2), with a
// message that says what is expected.
func TestRunFilterBadInput(t *testing.T) {
	hello, hosts := helloScenario, scenarioPath("net_reset")
	for _, c := range []struct {
		args   []string
		stderr string
	}{
		{[]string{"--hide", "swich", hello}, `invalid value "swich" for flag -hide: unknown event kind "swich": the kinds are syscall, block, wake, switch, irq, fault, signal, spawn, exec, exit, reap, reparent, ipc, futex, tty, net, down, note, inspect, insn, watch`},
		{[]string{"--only", "syscall,", hello}, `unknown event kind ""`},
		{[]string{"--pid", "two", hello}, `invalid value "two" for flag -pid: bad pid "two": expected a pid or HOST:PID`},
		{[]string{"--pid", "-1", hello}, `bad pid "-1"`},
		{[]string{"--pid", ":2", hello}, `bad pid ":2": expected a host name before the colon`},
		{[]string{"--pid", "alice:2", hello}, `--pid alice:2: the scenario has no hosts (no host lines), so no host "alice"`},
		{[]string{"--pid", "carol:2", hosts}, `--pid carol:2: the scenario has no host "carol" (its hosts: client, server)`},
		{[]string{"--host", "carol", hosts}, `--host carol: the scenario has no host "carol" (its hosts: client, server)`},
		{[]string{"--host", "client,", hosts}, `bad host list "client,"`},
		{[]string{"--from", "x", hello}, `invalid value "x" for flag -from: bad number "x"`},
		{[]string{"--from", "10", "--to", "5", hello}, `--from 10 is after --to 5`},
		{[]string{"--hide", "irq", "--only", "syscall", hello}, `--hide and --only do not go together`},
		{[]string{"--format=chrome", "--pid", "2", hello}, `the trace filters (--pid, --host, --from, --to, --hide, --only) go with --format=text or json`},
	} {
		args := append([]string{"run"}, c.args...)
		st, out, stderr := run(t, args...)
		if st != exitBadInput || !strings.Contains(stderr, c.stderr) || out != "" {
			t.Errorf("%v: status %d, stdout %q, stderr %q; want status 2 and %q", args, st, out, stderr, c.stderr)
		}
	}
}

// TestRunHelpListsKinds: the help names every event kind that --hide and
// --only take.
func TestRunHelpListsKinds(t *testing.T) {
	_, out, _ := run(t, "help")
	for _, k := range kernel.EventKinds {
		if !strings.Contains(out, " "+k.Kind+",") && !strings.Contains(out, " "+k.Kind+".") {
			t.Errorf("the help does not list the event kind %q", k.Kind)
		}
	}
}

// TestRunQuiz: --quiz hides the console and numbers its questions;
// --answers answers each of them.
func TestRunQuiz(t *testing.T) {
	file := "../../testdata/scenarios/pipe_parent_child.txtar"
	st, out, _ := run(t, "run", "--quiz", file)
	if st != exitOK || !strings.Contains(out, ") = ?   [Q1: what does ") || !strings.HasSuffix(out, "--- console (hidden in a quiz)\n") {
		t.Fatalf("quiz: status %d, output ends %q", st, out[max(0, len(out)-300):])
	}
	st, out, _ = run(t, "run", "--quiz", "--answers", file)
	questions := strings.Count(out, "   [Q")
	if st != exitOK || questions == 0 || !strings.Contains(out, "--- answers\nQ1: ") || !strings.Contains(out, fmt.Sprintf("\nQ%d: ", questions)) {
		t.Fatalf("answers: status %d, %d questions, output %q", st, questions, out[max(0, len(out)-300):])
	}
	if st, _, _ := run(t, "run", "--answers", file); st != exitBadInput {
		t.Errorf("--answers without --quiz: status %d, want 2", st)
	}

	// No answer shows before its question: not the bytes a read returns
	// (they tell how many it read), nor pipe2's descriptors; they are in
	// the answers.
	_, out, _ = run(t, "run", "--quiz", "--answers", file)
	quiz, answers, _ := strings.Cut(out, "--- answers\n")
	for _, leak := range []string{`read(3, "hello`, "pipe2([3, 4]"} {
		if strings.Contains(quiz, leak) {
			t.Errorf("the quiz shows %q before its answers:\n%s", leak, quiz)
		}
	}
	if !strings.Contains(quiz, "read(3, 0x11058, 128) = ?   [Q") || !strings.Contains(answers, `30, with "hello from your parent, child\n" at 0x11058`) {
		t.Errorf("the read's bytes are not in the answers:\n%s", out)
	}
	// Nor what a TCP connection makes of a segment, which tells how the
	// connect waiting on it ends (refused) before connect's "= ?".
	_, out, _ = run(t, "run", "--quiz", "--answers", "../../testdata/scenarios/net_reset.txtar")
	quiz, answers, _ = strings.Cut(out, "--- answers\n")
	for _, leak := range []string{"connection refused", "ECONNREFUSED", "SYN-SENT -> ", "connection reset by peer"} {
		if strings.Contains(quiz, leak) {
			t.Errorf("the quiz of net_reset shows %q before its answers", leak)
		}
		if !strings.Contains(answers, leak) {
			t.Errorf("the answers of net_reset lack %q:\n%s", leak, answers)
		}
	}
}

// TestRunQuizLeaks: no line of a quiz gives away the answer of the
// question after it, and what it holds back is in the answers: the reaping
// a wait4 does, the console in what a process writes to the terminal, the
// reason of the switch to a process whose wakeup is asked, the signal a
// call raises or sends.
func TestRunQuizLeaks(t *testing.T) {
	for _, c := range []struct {
		scenario string
		hidden   []string // in the answers, not in the quiz
		shown    []string // in the quiz
	}{
		{"fork_wait", []string{
			"; reaps pid 3 (fork_wait)", // wait4's answer: it reaps pid 3
			"wait4 status 0x00000300",   // the console
			"child: exiting with status 3",
		}, []string{
			"write(1, 0x11000, 29) = ?   [Q",
			"switch pid 3 -> pid 2\n", // not "(pid 3 exited)"
		}},
		{"pipe_parent_child", []string{
			`29, with "hello from your parent, child" at 0x11058`, // the read's bytes, echoed to the console
		}, []string{
			"write(1, 0x11058, 29) = ?   [Q",
		}},
		{"net_reset", []string{
			"-1 EPIPE (Broken pipe); SIGPIPE (send on inet#2, which cannot send): ignored",
			"; reaps pid 2 (reset)",
		}, []string{
			`write(3, "x", 1) = ?   [Q`,
		}},
		{"bg_read", []string{
			"0; continued by SIGCONT; SIGCHLD (child pid 3 continued): ignored; SIGCONT (kill from pid 2): ignored",
		}, []string{
			"kill(-3, SIGCONT) = ?   [Q",
		}},
	} {
		_, out, _ := run(t, "run", "--quiz", "--answers", "../../testdata/scenarios/"+c.scenario+".txtar")
		quiz, answers, _ := strings.Cut(out, "--- answers\n")
		for _, h := range c.hidden {
			if !strings.Contains(answers, h) {
				t.Errorf("%s: the answers lack %q:\n%s", c.scenario, h, answers)
			}
		}
		for _, h := range c.shown {
			if !strings.Contains(quiz, h) {
				t.Errorf("%s: the quiz lacks %q:\n%s", c.scenario, h, quiz)
			}
		}
		lines := strings.Split(quiz, "\n")
		for i, line := range lines {
			for _, h := range c.hidden {
				if _, what, _ := strings.Cut(h, "; "); strings.Contains(line, h) || what != "" && strings.Contains(line, what) {
					t.Errorf("%s: the quiz shows %q", c.scenario, line)
				}
			}
			for _, leak := range []string{"reaps pid", "SIGPIPE (", "continued by SIGCONT", `write(1, "`} {
				if strings.Contains(line, leak) {
					t.Errorf("%s: the quiz shows %q", c.scenario, line)
				}
			}
			if strings.Contains(line, "woken: ?") {
				for _, next := range lines[i+1 : min(i+3, len(lines))] {
					if strings.Contains(next, "switch ") && strings.HasSuffix(next, ")") {
						t.Errorf("%s: the switch after a hidden wakeup says why: %q", c.scenario, next)
					}
				}
			}
		}
	}
}

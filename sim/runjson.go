package sim

import (
	"encoding/json"
	"io"
	"unicode/utf8"

	"ipcsim/abi"
	"ipcsim/kernel"
)

// The documents that follow the trace events in the output of ipcsim run
// --format=json, one JSON object a line (WriteRunJSON). Each has a "type";
// a trace event has a "kind" instead (kernel.Event). Host is the host's
// name in a scenario with hosts, absent without them.

// ConsoleDoc is a host's whole console output: {"type":"console",
// "text":"hello\n"}. Text holds the bytes as written (encoding/json
// writes invalid UTF-8 as U+FFFD: then Base64 holds the exact bytes). Of
// a console beyond what a run keeps (MaxConsoleBytes), Text is the first
// part, Truncated is set and Bytes says how many bytes were written.
type ConsoleDoc struct {
	Type      string `json:"type"` // "console"
	Host      string `json:"host,omitempty"`
	Text      string `json:"text"`
	Base64    []byte `json:"base64,omitempty"` // the exact bytes, when Text is not valid UTF-8
	Truncated bool   `json:"truncated,omitempty"`
	Bytes     uint64 `json:"bytes,omitempty"` // bytes written in all, when Truncated
}

// ExitDoc is the death of a process: {"type":"exit","pid":2,
// "name":"hello","cycle":1234,"status":0,"describe":"exited with status
// 0","wstatus":0}. Status is what a shell reports (the exit code, or
// 128+N for a process that signal N killed, with Signal naming it);
// WStatus is the wait status word.
type ExitDoc struct {
	Type       string `json:"type"` // "exit"
	Host       string `json:"host,omitempty"`
	PID        int    `json:"pid"`
	Name       string `json:"name"`
	Cycle      uint64 `json:"cycle"`
	Status     int    `json:"status"`
	Signal     string `json:"signal,omitempty"`
	CoreDumped bool   `json:"core_dumped,omitempty"`
	WStatus    int    `json:"wstatus"`
	Describe   string `json:"describe"`
}

// StopDoc says how a host's machine stopped, one for each host, even when
// every process exited: {"type":"stop","reason":"deadlock","describe":
// "deadlock: every process is blocked","cycle":5016,"instructions":4000,
// "blocked":["pid 2 (reader) in read: ..."]}. Reason is "exited",
// "cycle_limit", "deadlock" or "down" (the host lost power; Lost lists
// the processes that died with it).
type StopDoc struct {
	Type         string   `json:"type"` // "stop"
	Host         string   `json:"host,omitempty"`
	Reason       string   `json:"reason"`
	Describe     string   `json:"describe"`
	Cycle        uint64   `json:"cycle"`
	Instructions uint64   `json:"instructions"`
	Blocked      []string `json:"blocked,omitempty"`
	Lost         []string `json:"lost,omitempty"`
	ExitsDropped uint64   `json:"exits_dropped,omitempty"` // exits beyond the MaxExits a run keeps
	// Past are the host's earlier boots, each ended by a power loss and
	// followed by a new boot (at CYCLE up); the stop is the last boot's.
	Past []PastBootDoc `json:"past,omitempty"`
}

// PastBootDoc is an earlier boot of a host: {"down":500000000,
// "up":700000000,"lost":["pid 2 (server) in read: ..."]}.
type PastBootDoc struct {
	Down uint64   `json:"down"`
	Up   uint64   `json:"up"`
	Lost []string `json:"lost,omitempty"`
}

// ProcessDoc is a process of the run's tree (ipcsim run --tree):
// {"type":"process","pid":3,"parent":2,"name":"child","state":"exited
// with status 0"}, in the order of birth; with hosts, host by host in
// the order of the host lines, each with its own pids. Orphaned: its
// parent died first and init adopted it (Parent stays the one that
// forked it).
type ProcessDoc struct {
	Type     string `json:"type"` // "process"
	Host     string `json:"host,omitempty"`
	PID      int    `json:"pid"`
	Parent   int    `json:"parent"`
	Name     string `json:"name"`
	State    string `json:"state"`
	Orphaned bool   `json:"orphaned,omitempty"`
	// Boot numbers the boots of a host that booted again (at CYCLE up):
	// 2 for the processes of its second boot, whose pids start again at
	// 1; left out for the first.
	Boot int `json:"boot,omitempty"`
}

// ProcessesDroppedDoc counts the processes a run's tree did not keep (of
// Host, with hosts).
type ProcessesDroppedDoc struct {
	Type  string `json:"type"` // "processes_dropped"
	Host  string `json:"host,omitempty"`
	Count int    `json:"count"`
	Kept  int    `json:"kept"`
}

// UnimplementedDoc names the calls of the run that ipcsim does not
// implement (each failed with ENOSYS), sorted by name; Text is the line
// that the text output ends with, after "unimplemented: ".
type UnimplementedDoc struct {
	Type  string              `json:"type"` // "unimplemented"
	Text  string              `json:"text"`
	Calls []UnimplementedCall `json:"calls"`
}

// UnimplementedCall is one call of an UnimplementedDoc.
type UnimplementedCall struct {
	Name  string `json:"name"`
	Op    string `json:"op,omitempty"`
	Count int    `json:"count"`
	PID   int    `json:"pid"`   // the first caller
	Cycle uint64 `json:"cycle"` // of its first call
}

// stopReason names a StopReason in a StopDoc.
func stopReason(r kernel.StopReason) string {
	switch r {
	case kernel.StopAllExited:
		return "exited"
	case kernel.StopCycleLimit:
		return "cycle_limit"
	case kernel.StopDeadlock:
		return "deadlock"
	case kernel.StopInvariant:
		return "invariant"
	}
	return "paused"
}

// WriteRunJSON writes what follows the trace in ipcsim run --format=json,
// one JSON document a line: each host's console (ConsoleDoc, in the
// order of the hosts), every exit (ExitDoc, in order of death: by cycle,
// then host), how each host stopped (StopDoc), with tree the processes
// of the run (ProcessDoc, host by host), and last, if the run called
// what ipcsim does not implement, an UnimplementedDoc.
func WriteRunJSON(w io.Writer, o *Outcome, tree *RunTree) error {
	enc := jsonLines(w)
	hosts := o.Hosts
	if len(hosts) == 0 {
		hosts = []HostOutcome{*o.host(0)}
	}
	for i := range hosts {
		h := &hosts[i]
		d := ConsoleDoc{Type: "console", Host: h.Name, Text: string(h.Console)}
		if !utf8.Valid(h.Console) {
			d.Base64 = h.Console
		}
		if h.ConsoleExceeded() {
			d.Truncated, d.Bytes = true, h.ConsoleBytes
		}
		if err := enc.Encode(d); err != nil {
			return err
		}
	}
	for _, e := range exitOrder(hosts) {
		x := e.x
		d := ExitDoc{Type: "exit", Host: hosts[e.host].Name, PID: x.PID, Name: x.Name, Cycle: x.Cycle,
			Status: x.ShellStatus(), WStatus: x.Status, Describe: x.Describe()}
		if sig := x.Status & 0x7f; sig != 0 {
			d.Signal = abi.Signal(sig).String()
			d.CoreDumped = x.Status&0x80 != 0
		}
		if err := enc.Encode(d); err != nil {
			return err
		}
	}
	for i := range hosts {
		r := hosts[i].Result
		d := StopDoc{Type: "stop", Host: hosts[i].Name, Reason: stopReason(r.Reason), Describe: r.Reason.String(),
			Cycle: r.Cycles, Instructions: r.Instructions, ExitsDropped: r.ExitsDropped}
		for _, p := range r.Past {
			d.Past = append(d.Past, PastBootDoc{Down: p.Down, Up: p.Up, Lost: p.Lost})
		}
		switch {
		case r.Down:
			d.Reason, d.Describe, d.Lost = "down", "power lost", r.Lost
		case r.Reason != kernel.StopAllExited:
			d.Blocked = r.Blocked
		}
		if err := enc.Encode(d); err != nil {
			return err
		}
	}
	if tree != nil {
		for i := range max(len(tree.Hosts()), 1) {
			if err := writeTreeJSON(enc, tree, i); err != nil {
				return err
			}
		}
	}
	if u := o.Result.Unimplemented; len(u) > 0 {
		d := UnimplementedDoc{Type: "unimplemented", Text: FormatUnimplemented(u)}
		for _, x := range u {
			d.Calls = append(d.Calls, UnimplementedCall{Name: x.Name, Op: x.Op, Count: x.Calls, PID: x.PID, Cycle: x.Cycle})
		}
		if err := enc.Encode(d); err != nil {
			return err
		}
	}
	return nil
}

// writeTreeJSON writes the processes of host (its number in tree.Hosts)
// as ProcessDocs, and a ProcessesDroppedDoc if the tree left some out.
func writeTreeJSON(enc *json.Encoder, tree *RunTree, host int) error {
	var name string
	if hosts := tree.Hosts(); len(hosts) > 0 {
		name = hosts[host]
	}
	nodes, dropped := tree.Nodes(host)
	for _, n := range nodes {
		d := ProcessDoc{Type: "process", Host: name, PID: n.PID, Parent: n.Parent, Name: n.Name, State: n.Note, Orphaned: n.Orphaned}
		if n.Boot > 0 {
			d.Boot = n.Boot + 1
		}
		if err := enc.Encode(d); err != nil {
			return err
		}
	}
	if dropped > 0 {
		return enc.Encode(ProcessesDroppedDoc{Type: "processes_dropped", Host: name, Count: dropped, Kept: MaxTreeNodes})
	}
	return nil
}

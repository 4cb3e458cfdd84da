package sim

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"ipcsim/kernel"
)

// A TreeNode is one process of a process tree.
type TreeNode struct {
	PID    int
	Parent int    // the parent's pid; 0 for a root
	Name   string // the name (comm), the last one an exec gave it
	Note   string // how it ended, or its state: "exited with status 0"
	// Orphaned: its parent died first, and init adopted it (a run's tree
	// keeps it under the parent that forked it).
	Orphaned bool
	// Boot is the boot of its host it lived in: 0, and one more each time
	// the host booted again after a power loss (at CYCLE up), whose pids
	// start again at 1. A boot's processes form a tree of their own.
	Boot int
}

// treeKey is a process in a tree: its pid in its boot.
type treeKey struct{ boot, pid int }

// WriteTree draws a process tree as pstree(1) does, one process a line
// under its parent, in pid order:
//
//	pid 1 (init)
//	└─ pid 2 (parent): exited with status 0
//	   └─ pid 3 (parent): exited with status 0
//
// A node whose parent is not among nodes is a root. The processes of a
// later boot of a host (TreeNode.Boot) come after the earlier boot's, init
// marked "pid 1 (init) boot 2".
//
// Each line starts with indent.
func WriteTree(w io.Writer, nodes []TreeNode, indent string) error {
	byPID := map[treeKey]bool{}
	for _, n := range nodes {
		byPID[treeKey{n.Boot, n.PID}] = true
	}
	children := map[treeKey][]TreeNode{}
	var roots []TreeNode
	for _, n := range nodes {
		if parent := (treeKey{n.Boot, n.Parent}); n.Parent != 0 && n.Parent != n.PID && byPID[parent] {
			children[parent] = append(children[parent], n)
		} else {
			roots = append(roots, n)
		}
	}
	byPIDOrder := func(a, b TreeNode) int {
		if a.Boot != b.Boot {
			return a.Boot - b.Boot
		}
		return a.PID - b.PID
	}
	slices.SortStableFunc(roots, byPIDOrder)
	var b strings.Builder
	var draw func(n TreeNode, prefix, branch, indent string)
	draw = func(n TreeNode, prefix, branch, indent string) {
		fmt.Fprintf(&b, "%s%spid %d (%s)", prefix, branch, n.PID, n.Name)
		if n.Boot > 0 && branch == "" {
			fmt.Fprintf(&b, " boot %d", n.Boot+1)
		}
		if n.Orphaned {
			b.WriteString(" orphaned, adopted by init")
		}
		if n.Note != "" {
			b.WriteString(": " + n.Note)
		}
		b.WriteByte('\n')
		key := treeKey{n.Boot, n.PID}
		cs := children[key]
		delete(children, key) // a cycle of parents draws each once
		slices.SortStableFunc(cs, byPIDOrder)
		for i, c := range cs {
			if i == len(cs)-1 {
				draw(c, prefix+indent, "└─ ", "   ")
			} else {
				draw(c, prefix+indent, "├─ ", "│  ")
			}
		}
	}
	for _, r := range roots {
		draw(r, indent, "", "")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// SnapshotTree returns the processes of a snapshot as tree nodes, each
// with its state.
func SnapshotTree(s *kernel.Snapshot) []TreeNode {
	nodes := make([]TreeNode, 0, len(s.Procs))
	for _, p := range s.Procs {
		note := p.State
		if p.Waiting != "" && p.State == "sleeping" { // a woken process may keep its last reason
			note += ", waiting for " + p.Waiting
		}
		nodes = append(nodes, TreeNode{PID: p.PID, Parent: p.PPID, Name: p.Name, Note: note})
	}
	return nodes
}

// MaxTreeNodes is how many processes a RunTree keeps of a host; it
// counts the rest.
const MaxTreeNodes = MaxExits

// RunTree collects, from the events of a run, every process that lived
// in it: who forked it (the parent at birth: an orphan stays under the
// process that made it, with a note), its last name, and how it ended.
// With hosts it keeps a tree per host, since each host numbers its own
// processes. It keeps the first MaxTreeNodes processes of a host and
// counts the rest.
type RunTree struct {
	hosts []string       // the scenario's hosts, in order; none without host lines
	index map[string]int // host name -> its tree
	trees []hostTree     // one per host (one without host lines)
}

// hostTree is the processes of one host.
type hostTree struct {
	nodes   []TreeNode
	index   map[int]int // pid -> its latest node, in the current boot
	boot    int         // the current boot (TreeNode.Boot)
	dropped int
}

// NewRunTree returns an empty RunTree of a run with these hosts (none
// for a scenario without host lines).
func NewRunTree(hosts []string) *RunTree {
	r := &RunTree{hosts: hosts, index: map[string]int{}, trees: make([]hostTree, max(len(hosts), 1))}
	for i, h := range hosts {
		r.index[h] = i
	}
	for i := range r.trees {
		r.trees[i].index = map[int]int{}
	}
	return r
}

// Event takes the next event of the run (for Options.Trace).
func (r *RunTree) Event(e *kernel.Event) {
	t := &r.trees[r.index[e.Host]] // the first without hosts: e.Host is ""
	switch e.Kind {
	case "down":
		if e.Text == kernel.PowerRestored {
			t.boot++
			clear(t.index) // the new boot's pids start again
		}
	case "spawn":
		if len(t.nodes) >= MaxTreeNodes {
			t.dropped++
			delete(t.index, e.PID)
			return
		}
		parent := e.Other
		if parent == 0 && e.PID != 1 {
			parent = 1 // spawned by the scenario, as a child of init
		}
		t.index[e.PID] = len(t.nodes)
		t.nodes = append(t.nodes, TreeNode{PID: e.PID, Parent: parent, Name: e.Name, Note: "still alive", Boot: t.boot})
	case "syscall":
		if i, ok := t.index[e.PID]; ok && e.Syscall == "execve" && e.Ret != nil && *e.Ret == 0 && e.Name != "" {
			t.nodes[i].Name = e.Name
		}
	case "exit":
		if i, ok := t.index[e.PID]; ok {
			text := strings.TrimPrefix(e.Text, "exit: ")
			if j := strings.Index(text, " (status word"); j >= 0 {
				text = text[:j]
			}
			t.nodes[i].Note = strings.TrimSuffix(text, ", zombie until reaped")
		}
	case "reparent":
		if i, ok := t.index[e.PID]; ok {
			t.nodes[i].Orphaned = true
		}
	}
}

// Hosts returns the hosts whose trees it keeps, in the scenario's order:
// none without host lines (then host 0 is the machine).
func (r *RunTree) Hosts() []string { return r.hosts }

// Nodes returns the processes kept of host (its number in Hosts, 0
// without hosts), in order of birth, and how many more there were.
func (r *RunTree) Nodes(host int) ([]TreeNode, int) {
	return r.trees[host].nodes, r.trees[host].dropped
}

// Write draws the tree of host (its number in Hosts, 0 without hosts) as
// WriteTree does and, if processes were left out, a last line that says
// how many.
func (r *RunTree) Write(w io.Writer, host int) error {
	t := &r.trees[host]
	if err := WriteTree(w, t.nodes, ""); err != nil {
		return err
	}
	if t.dropped > 0 {
		_, err := fmt.Fprintf(w, "... and %d more processes, not kept (a run keeps the first %d)\n", t.dropped, MaxTreeNodes)
		return err
	}
	return nil
}

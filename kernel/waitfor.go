package kernel

import (
	"encoding/binary"
	"fmt"
	"strings"

	"ipcsim/abi"
	"ipcsim/proc"
)

// The wait-for graph of a deadlock: when every task is blocked, who
// waits for whom. An edge goes from a blocked task to a task that could
// end its wait:
//
//   - a thread in FUTEX_WAIT waits for the thread the futex word names as
//     its owner, when the word holds an owner's tid (robust and
//     priority-inheritance mutexes, as glibc and musl make them:
//     FUTEX_TID_MASK), or for the thread whose exit will clear the word
//     (pthread_join waits on the joined thread's CLONE_CHILD_CLEARTID word);
//   - a read of an empty pipe waits for the processes that hold its write
//     end (a write, or their close, ends it), a write to a full pipe for
//     those that hold its read end;
//   - wait4 waits for the children it may reap.
//
// Other waits (a message queue, a socket, a timer) name no task and end
// a path. A cycle of these edges is a deadlock that no one outside it can
// break.

// waitEdge is one edge: from waits for on, for the reason given.
type waitEdge struct {
	on  *Task
	why string
}

// waitsFor lists the tasks t waits for, in a fixed order.
func (k *Kernel) waitsFor(t *Task) []waitEdge {
	c := t.call
	if t.State != proc.Sleeping || c == nil {
		return nil
	}
	switch c.no {
	case abi.SysFutex:
		return k.futexWaitsFor(t, c.a[0])
	case abi.SysRead, abi.SysReadv, abi.SysWrite, abi.SysWritev:
		return k.pipeWaitsFor(t, int32(c.a[0]), c.no == abi.SysWrite || c.no == abi.SysWritev)
	case abi.SysWait4, abi.SysWaitid:
		var out []waitEdge
		for ch := t.FirstChild(); ch != nil; ch = ch.NextSibling() {
			if o := k.task(ch); o != nil && o.Process.State != proc.Zombie {
				for _, th := range o.threads {
					out = append(out, waitEdge{th, fmt.Sprintf("its child %s to change state (wait4)", th.who())})
				}
			}
		}
		return out
	}
	return nil
}

func (k *Kernel) futexWaitsFor(t *Task, addr uint64) []waitEdge {
	var b [4]byte
	if t.AS.ReadBytes(addr, b[:]) != nil {
		return nil
	}
	word := binary.LittleEndian.Uint32(b[:])
	if o := k.tasks[int(word&futexTIDMask)]; o != nil && o != t && o.State != proc.Zombie && o.AS == t.AS {
		return []waitEdge{{o, fmt.Sprintf("the futex at %#x, which %s holds", addr, o.who())}}
	}
	for _, o := range t.threads {
		if o != t && o.ClearChildTID == addr {
			return []waitEdge{{o, fmt.Sprintf("%s to exit (pthread_join: the futex at %#x)", o.who(), addr)}}
		}
	}
	return nil
}

// pipeWaitsFor: a reader waits for the pipe's writers, a writer for its
// readers (every live thread of a process that holds that end).
func (k *Kernel) pipeWaitsFor(t *Task, fd int32, writing bool) []waitEdge {
	ref, ok := t.Files.Get(int(fd))
	if !ok {
		return nil
	}
	end, ok := ref.(*OpenFile).ops.(*pipeEnd)
	if !ok {
		return nil
	}
	side, what := "write", "writes to it or closes it"
	if writing {
		side, what = "read", "reads from it or closes it"
	}
	var out []waitEdge
	for _, o := range k.sortedProcs() {
		if o.Process.State == proc.Zombie || o.Files == nil {
			continue
		}
		holds := false
		for _, n := range o.Files.Open() {
			r, _ := o.Files.Get(n)
			if e, ok := r.(*OpenFile).ops.(*pipeEnd); ok && e.p == end.p && (writing && e.reads || !writing && e.writes) {
				holds = true
			}
		}
		if !holds {
			continue
		}
		for _, th := range o.threads {
			if th != t {
				out = append(out, waitEdge{th, fmt.Sprintf("%s, which holds the %s end of pipe#%d, until it %s", th.who(), side, end.p.ID, what)})
			}
		}
	}
	return out
}

// waitForCycle describes the first cycle of the wait-for graph, found by
// a depth-first search from the tasks in tid order, or "" if there is
// none.
func (k *Kernel) waitForCycle() string {
	const (
		unseen = iota
		onPath
		done
	)
	state := map[*Task]int{} // looked up only
	var path []*Task
	var whys []string
	var found string
	var visit func(t *Task) bool
	visit = func(t *Task) bool {
		state[t] = onPath
		path = append(path, t)
		for _, e := range k.waitsFor(t) {
			switch state[e.on] {
			case onPath:
				i := len(path) - 1
				for path[i] != e.on {
					i--
				}
				var b strings.Builder
				b.WriteString("wait-for cycle: ")
				for j := i; j < len(path); j++ {
					if j > i {
						b.WriteString("; ")
					}
					why := e.why
					if j < len(path)-1 {
						why = whys[j]
					}
					fmt.Fprintf(&b, "%s waits for %s", path[j].who(), why)
				}
				found = b.String()
				return true
			case unseen:
				whys = append(whys, e.why)
				if visit(e.on) {
					return true
				}
				whys = whys[:len(whys)-1]
			}
		}
		state[t] = done
		path = path[:len(path)-1]
		return false
	}
	for _, t := range k.sortedTasks() {
		if state[t] == unseen && visit(t) {
			return found
		}
	}
	return ""
}

package kernel

import (
	"encoding/binary"
	"fmt"
	"strings"

	"ipcsim/abi"
	"ipcsim/proc"
)

// The wait-for graph of a deadlock: when every task is blocked, who
// waits for whom. A thread blocked in FUTEX_WAIT waits for the thread
// the futex word names as its owner, when the word holds an owner's tid
// (robust and priority-inheritance mutexes, as glibc and musl make them:
// FUTEX_TID_MASK), or for the thread whose exit will clear the word
// (pthread_join waits on the joined thread's CLONE_CHILD_CLEARTID word).
// Other waits (a pipe, a queue) name no single task and end a path.

// waitEdge is one edge: t waits for on, for the reason given.
type waitEdge struct {
	on  *Task
	why string
}

// waitsFor finds the task t waits for, if its wait names one.
func (k *Kernel) waitsFor(t *Task) (waitEdge, bool) {
	c := t.call
	if t.State != proc.Sleeping || c == nil || c.no != abi.SysFutex {
		return waitEdge{}, false
	}
	addr := c.a[0]
	var b [4]byte
	if t.AS.ReadBytes(addr, b[:]) != nil {
		return waitEdge{}, false
	}
	word := binary.LittleEndian.Uint32(b[:])
	if o := k.tasks[int(word&futexTIDMask)]; o != nil && o != t && o.State != proc.Zombie && o.AS == t.AS {
		return waitEdge{o, fmt.Sprintf("the futex at %#x, which %s holds", addr, o.who())}, true
	}
	for _, o := range t.threads {
		if o != t && o.ClearChildTID == addr {
			return waitEdge{o, fmt.Sprintf("%s to exit (pthread_join: the futex at %#x)", o.who(), addr)}, true
		}
	}
	return waitEdge{}, false
}

// waitForCycle describes the first cycle of the wait-for graph, starting
// from the tasks in tid order, or "" if there is none.
func (k *Kernel) waitForCycle() string {
	for _, start := range k.sortedTasks() {
		seen := map[*Task]int{} // looked up only
		var path []*Task
		var whys []string
		for t := start; ; {
			if i, ok := seen[t]; ok {
				var b strings.Builder
				b.WriteString("wait-for cycle: ")
				for j := i; j < len(path); j++ {
					if j > i {
						b.WriteString("; ")
					}
					fmt.Fprintf(&b, "%s waits for %s", path[j].who(), whys[j])
				}
				return b.String()
			}
			e, ok := k.waitsFor(t)
			if !ok {
				break
			}
			seen[t] = len(path)
			path = append(path, t)
			whys = append(whys, e.why)
			t = e.on
		}
	}
	return ""
}

package kernel

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"ipcsim/abi"
)

// Calls ipcsim does not implement. A program that makes one gets ENOSYS,
// as Linux answers a number it does not know, and carries on; the trace
// shows the failed call, but a run that merely "finishes" says nothing
// about it. So the kernel remembers each such call, and Result lists them:
// ipcsim run prints them at the end, and ipcsim test fails a scenario that
// made one unless the scenario says it expects it.
//
// Two kinds of call count:
//
//   - a number without a row in the system call table (invoke): socket,
//     epoll_create1, or a number Linux does not define (syscall_0x1f4);
//   - an operation that a handler knows it lacks (c.notImplemented): a
//     futex requeue or priority-inheritance operation.
//
// An ENOSYS that Linux itself gives for a valid reason is not counted:
// only the calls and operations ipcsim leaves out.

// Unimplemented is a system call, or an operation of one, that the run
// made and ipcsim does not implement: each such call failed with ENOSYS.
type Unimplemented struct {
	Name  string // the call's name as the trace writes it: "socket", "syscall_0x1f4"
	Op    string // the operation ipcsim lacks, for a call that has a handler ("FUTEX_CMP_REQUEUE"), or ""
	Calls int    // how many times the run made it
	PID   int    // the first process that made it
	Cycle uint64 // when it first did (the cycle of its syscall event in the trace)
}

// Describe says what was called and how often: "socket (3 calls, first by
// pid 2 at cycle 1234)", "futex FUTEX_CMP_REQUEUE (1 call, first by pid 3
// at cycle 80)".
func (u Unimplemented) Describe() string {
	what := u.Name
	if u.Op != "" {
		what += " " + u.Op
	}
	return fmt.Sprintf("%s (%s, first by pid %d at cycle %d)", what, plural(u.Calls, "call"), u.PID, u.Cycle)
}

// unimplKey tells the recorded calls apart: a number, and the operation of
// a call that has a handler.
type unimplKey struct {
	no abi.Sysno
	op string
}

// notImplemented records that the call asked for an operation ipcsim does
// not implement (op names it as the man page does) and returns ENOSYS, for
// a handler to return: "return 0, c.notImplemented(\"FUTEX_REQUEUE\")".
func (c *call) notImplemented(op string) error {
	c.t.k.recordUnimplemented(c, op)
	return abi.ENOSYS
}

// recordUnimplemented counts one call of an unimplemented call or
// operation. The index is only looked up, never iterated: the order of
// Result.Unimplemented comes from sorting (result).
func (k *Kernel) recordUnimplemented(c *call, op string) {
	key := unimplKey{c.no, op}
	if i, ok := k.unimplAt[key]; ok {
		k.unimpl[i].Calls++
		return
	}
	if k.unimplAt == nil {
		k.unimplAt = make(map[unimplKey]int)
	}
	k.unimplAt[key] = len(k.unimpl)
	k.unimpl = append(k.unimpl, Unimplemented{Name: c.no.String(), Op: op, Calls: 1, PID: c.t.PID, Cycle: k.Now()})
}

// unimplemented returns the recorded calls sorted by name, then operation:
// the same list whatever order the processes made them in.
func (k *Kernel) unimplemented() []Unimplemented {
	if len(k.unimpl) == 0 {
		return nil
	}
	out := slices.Clone(k.unimpl)
	slices.SortFunc(out, func(a, b Unimplemented) int {
		return cmp.Or(compareNames(a.Name, b.Name), cmp.Compare(a.Op, b.Op))
	})
	return out
}

// compareNames orders call names alphabetically, except that numbers
// without a name (syscall_0xN) compare by number: syscall_0x1f4 before
// syscall_0x400.
func compareNames(a, b string) int {
	const p = "syscall_"
	if strings.HasPrefix(a, p) && strings.HasPrefix(b, p) && len(a) != len(b) {
		return cmp.Compare(len(a), len(b)) // hex numbers without leading zeros
	}
	return cmp.Compare(a, b)
}

// Package proc is the process: its identity and family, its state, its saved
// registers, its address space and its file descriptor table. The kernel
// creates, schedules and destroys processes; proc only holds them.
package proc

import "ipcsim/abi"

// State is where a process is in its life (the states of ps(1)'s STAT column).
type State uint8

const (
	Runnable State = iota // R: on the run queue, or running
	Sleeping              // S: blocked in a system call, on a wait queue
	Stopped               // T: stopped by a signal
	Zombie                // Z: exited, waiting for its parent to reap it
)

func (s State) String() string {
	return [...]string{"runnable", "sleeping", "stopped", "zombie"}[s]
}

// Regs are the user registers saved while the process is not on the CPU.
// fork copies them all; execve starts from zero (Linux's flush_thread
// clears the floating-point state too).
type Regs struct {
	X  [32]uint64 // x0..x31 (x0 is always 0)
	PC uint64
	// FP says that F or FCSR may be non-zero: the thread has used
	// floating point, or a signal frame gave it some. While it is false
	// they are all zero, and the kernel need not copy them to or from the
	// CPU (kernel/run.go's loadFP and saveFP). It is next to PC, which a
	// switch reads anyway, so that its test costs no cache line of its
	// own.
	FP   bool
	FCSR uint32     // frm and fflags
	F    [32]uint64 // f0..f31 (a single is NaN-boxed in its register)
}

// Process is one simulated process: what its threads share (Linux's
// thread group). Each thread is a task of the kernel's, with its own
// registers, state and signal mask; the first has the process's PID as
// its thread id.
type Process struct {
	PID    int
	Parent *Process
	// The live and zombie children, in the order they became children
	// (birth, or adoption by init): an intrusive doubly linked list, so that
	// reaping or reparenting one is O(1) however many there are (issue 13:
	// removing from a slice made tearing down N children quadratic). Walk
	// it with FirstChild and NextSibling.
	firstChild, lastChild *Process
	prevSib, nextSib      *Process
	numChildren           int
	PGID                  int // process group
	SID                   int // session
	// Credentials (credentials(7)): real and effective user and group ids.
	// Every process descends from init, which runs as root (0); fork
	// copies them.
	UID, EUID, SUID int    // real, effective and saved set-user-ID
	GID, EGID, SGID int    // real, effective and saved set-group-ID
	Name            string // command name: the base name of the program, at most 15 bytes (comm)

	// State is the process's state as its parent sees it: Zombie once
	// its last thread has exited. (Each thread has a state of its own.)
	State State
	// What a context switch reads is together, in one cache line: the
	// memory, the descriptors, the cycles run, the pending signals.
	AS    *AddressSpace
	Files *FDTable
	// Cycles counts the cycles the process ran in user mode.
	Cycles uint64
	// Shared holds the process-directed signals pending (kill(2)), which
	// any thread that does not block them may take. Only its pending set
	// is used: the dispositions are the threads' Sig.Actions.
	Shared Signals

	// Exit holds the wait status word once the process is a zombie
	// (wait(2): exited = code<<8, killed = signal | 0x80 if core dumped).
	Exit int

	// NotDumpable is prctl(PR_SET_DUMPABLE, 0); execve makes the process
	// dumpable again.
	NotDumpable bool

	// Limits are the resource limits (getrlimit(2)), by RLIMIT_* number;
	// fork copies them and execve keeps them.
	Limits [abi.RLIM_NLIMITS]Rlimit

	// Faults counts the page faults the process took (minor faults of
	// getrusage(2): demand-zero fills and copy-on-write copies).
	Faults uint64

	// Groups are the supplementary group ids (setgroups(2)), sorted. A
	// fork shares the slice with its parent, as Linux shares its
	// group_info: setgroups makes a new one and never changes it in place.
	Groups []int
}

// An Rlimit is a struct rlimit: a soft and a hard limit
// (abi.RLIM_INFINITY: none).
type Rlimit struct{ Cur, Max uint64 }

// SetComm sets the command name from a program path, as execve does: the
// last path element, truncated to TASK_COMM_LEN-1 = 15 bytes.
func (p *Process) SetComm(path string) {
	name := path
	for i := len(path) - 1; i >= 0; i-- {
		if path[i] == '/' {
			name = path[i+1:]
			break
		}
	}
	if len(name) > 15 {
		name = name[:15]
	}
	p.Name = name
}

// AddChild appends c, which is no one's child, to p's children (the
// caller sets c.Parent).
func (p *Process) AddChild(c *Process) {
	c.prevSib, c.nextSib = p.lastChild, nil
	if p.lastChild != nil {
		p.lastChild.nextSib = c
	} else {
		p.firstChild = c
	}
	p.lastChild = c
	p.numChildren++
}

// RemoveChild drops c, one of p's children, from them (when c is reaped or
// reparented) in O(1).
func (p *Process) RemoveChild(c *Process) {
	if c.prevSib != nil {
		c.prevSib.nextSib = c.nextSib
	} else {
		p.firstChild = c.nextSib
	}
	if c.nextSib != nil {
		c.nextSib.prevSib = c.prevSib
	} else {
		p.lastChild = c.prevSib
	}
	c.prevSib, c.nextSib = nil, nil
	p.numChildren--
}

// FirstChild returns p's oldest child (the first to become its child), or
// nil if it has none.
func (p *Process) FirstChild() *Process { return p.firstChild }

// NextSibling returns the child of p's parent after p, or nil.
func (p *Process) NextSibling() *Process { return p.nextSib }

// NumChildren returns how many live and zombie children p has.
func (p *Process) NumChildren() int { return p.numChildren }

// ExitedStatus returns the wait status word of a process that called
// exit(code): only the low 8 bits of the code are visible (_exit(2)).
func ExitedStatus(code int) int { return (code & 0xff) << 8 }

// KilledStatus returns the wait status word of a process killed by sig.
// WCOREDUMP's bit 0x80 is set only when a core file was written: Linux
// sets it after do_coredump succeeds, and with RLIMIT_CORE at its default
// of 0 none is, so a SIGSEGV death reads 0x0b, not 0x8b (core(5)).
func KilledStatus(sig abi.Signal, dumped bool) int {
	st := int(sig) & 0x7f
	if dumped {
		st |= 0x80
	}
	return st
}

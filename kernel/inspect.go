package kernel

import (
	"fmt"
	"strconv"
	"strings"

	"ipcsim/proc"

	"ipcsim/abi"
	"ipcsim/ipc/pipe"
	"ipcsim/sched"
)

// A Snapshot is the state of the kernel's objects at one cycle, for a
// student to look at: the processes and the pipes.
type Snapshot struct {
	Cycle uint64      `json:"cycle"`
	Procs []ProcState `json:"processes"`
	Pipes []PipeState `json:"pipes"`

	MsgQueues []MsgQueueState `json:"msg_queues,omitempty"`   // System V (inspect_msg.go)
	MQueues   []MqState       `json:"mqueues,omitempty"`      // POSIX (inspect_msg.go)
	Segments  []SegmentState  `json:"shm_segments,omitempty"` // System V shared memory (inspect_shm.go)
	SemSets   []SemSetState   `json:"sem_sets,omitempty"`     // System V semaphores (inspect_sem.go)
	Epolls    []EpollState    `json:"epolls,omitempty"`       // epoll instances (inspect_epoll.go)
	Sockets   []SocketState   `json:"sockets,omitempty"`      // Unix sockets (inspect_socket.go)
	Inet      []InetState     `json:"inet,omitempty"`         // TCP and UDP sockets (inspect_inet.go)
	Terminal  *TerminalState  `json:"terminal,omitempty"`     // the terminal: its foreground group and what is typed
	Futexes   []FutexState    `json:"futexes,omitempty"`      // futex words with waiters (inspect_futex.go)
	Files     *FilesState     `json:"files,omitempty"`        // regular files (inspect_file.go)
}

// ProcState is one process.
type ProcState struct {
	PID     int        `json:"pid"`
	PPID    int        `json:"ppid"`
	PGID    int        `json:"pgid"`
	Name    string     `json:"name"`
	State   string     `json:"state"`             // runnable, running, sleeping, zombie
	Waiting string     `json:"waiting,omitempty"` // what a sleeping process waits for
	FDs     []FDState  `json:"fds"`
	Maps    []MapState `json:"maps,omitempty"`    // the address space, with frames (inspect_shm.go)
	Faults  uint64     `json:"page_faults"`       // page faults taken (demand fills, copy-on-write)
	Cycles  uint64     `json:"cycles"`            // cycles run in user mode
	Pending string     `json:"pending,omitempty"` // pending signals
	Blocked string     `json:"blocked,omitempty"` // blocked signals
	// Creds are the user and group ids, real/effective/saved, and the
	// supplementary groups: "uid 1000/1000/1001, gid 100/100/100, groups
	// 1001 1003"; empty for root with no groups.
	Creds string `json:"creds,omitempty"`
	// AltStack is the first thread's alternate signal stack
	// (sigaltstack(2)), "0x3fffff0000, 16384 bytes", empty if none.
	AltStack string `json:"altstack,omitempty"`
	// Handlers lists the signals whose disposition is not the default:
	// "SIGINT: handler 0x10230 (SA_RESTART, mask SIGTERM)", "SIGPIPE:
	// ignored".
	Handlers []string `json:"handlers,omitempty"`
	// Threads lists every thread of a process that has more than one
	// (or whose first thread has exited): the process's line above is
	// its first thread's.
	Threads []ThreadState `json:"threads,omitempty"`
	// CPU is the first thread's registers and code (inspect_cpu.go).
	CPU *CPUState `json:"-"`
}

// ThreadState is one thread of a process.
type ThreadState struct {
	TID     int       `json:"tid"`
	Name    string    `json:"name"`
	State   string    `json:"state"` // runnable, running, sleeping, stopped, exited
	Waiting string    `json:"waiting,omitempty"`
	Pending string    `json:"pending,omitempty"` // signals pending for this thread alone
	Blocked string    `json:"blocked,omitempty"`
	PC      string    `json:"pc"` // where it is in its program
	SP      string    `json:"sp"`
	TP      string    `json:"tp"`             // its thread pointer (thread-local storage)
	Regs    *IntRegs  `json:"regs,omitempty"` // its integer registers, x1..x31 by ABI name (none once exited)
	FP      *FPState  `json:"fp,omitempty"`   // its floating-point registers and fcsr, if it has used them
	CPU     *CPUState `json:"-"`              // its registers and code (inspect_cpu.go)
}

// FDState is one open descriptor.
type FDState struct {
	FD      int    `json:"fd"`
	File    string `json:"file"`  // "tty", "pipe#2 read end", ...
	Flags   string `json:"flags"` // O_RDONLY|O_NONBLOCK
	Cloexec bool   `json:"cloexec,omitempty"`
}

// PipeState is one pipe: its ring of page buffers and who uses it.
type PipeState struct {
	ID      int          `json:"id"`
	Name    string       `json:"name"`    // pipe#2, or the FIFO's path
	Len     int          `json:"len"`     // unread bytes
	Cap     int          `json:"cap"`     // capacity in bytes, a page a slot
	Slots   int          `json:"slots"`   // capacity in slots (pipe->max_usage)
	Tail    int          `json:"tail"`    // the oldest buffer's slot (pipe->tail)
	Buffers []PipeBuffer `json:"buffers"` // the slots in use, oldest first
	Readers int          `json:"readers"`
	Writers int          `json:"writers"`
	Data    string       `json:"data"`    // the first unread bytes, quoted
	Waiting []string     `json:"waiting"` // "pid 3 (read)", in wait-queue order
}

// PipeBuffer is one slot in use: a page, of which Offset bytes are read
// and Len unread (struct pipe_buffer).
type PipeBuffer struct {
	Slot   int `json:"slot"`
	Offset int `json:"offset"`
	Len    int `json:"len"`
}

// credString is ProcState.Creds.
func credString(p *proc.Process) string {
	if p.UID == 0 && p.EUID == 0 && p.SUID == 0 && p.GID == 0 && p.EGID == 0 && p.SGID == 0 && len(p.Groups) == 0 {
		return ""
	}
	s := fmt.Sprintf("uid %d/%d/%d, gid %d/%d/%d", p.UID, p.EUID, p.SUID, p.GID, p.EGID, p.SGID)
	if len(p.Groups) > 0 {
		s += ", groups"
		for _, g := range p.Groups {
			s += " " + strconv.Itoa(g)
		}
	}
	return s
}

// Snapshot returns the state of every process and pipe now.
func (k *Kernel) Snapshot() Snapshot {
	s := Snapshot{Cycle: k.Now(), Procs: []ProcState{}, Pipes: []PipeState{}}
	for _, t := range k.sortedProcs() {
		ps := ProcState{PID: t.PID, PGID: t.PGID, Name: t.Name, State: t.State.String(), FDs: []FDState{},
			Faults: t.Faults, Cycles: t.Cycles}
		if t.Parent != nil {
			ps.PPID = t.Parent.PID
		}
		if t == k.cur {
			ps.State = "running"
		}
		if t.call != nil && t.State == proc.Sleeping {
			// A woken task keeps its call until it runs again: only a
			// sleeping one waits for something.
			ps.Waiting = fmt.Sprintf("%v: %s", t.call.no, t.blocked.text())
		}
		ps.Handlers = handlerStates(t)
		ps.Creds = credString(t.Process)
		ps.AltStack = t.altStack.String()
		if p := t.pendingSignals(); p != 0 {
			ps.Pending = sigSetString(p)
		}
		if t.Sig.Mask != 0 {
			ps.Blocked = sigSetString(t.Sig.Mask)
		}
		if t.Files != nil {
			for _, fd := range t.Files.Open() {
				ref, _ := t.Files.Get(fd)
				f := ref.(*OpenFile)
				ps.FDs = append(ps.FDs, FDState{FD: fd, File: fileName(f), Flags: formatOpenFlags(uint64(f.flags)), Cloexec: t.Files.CloseOnExecOf(fd)})
			}
		}
		if t.State != proc.Zombie {
			ps.CPU = cpuState(t)
		}
		if len(t.threads) > 1 || len(t.threads) == 1 && t.threads[0] != t {
			ps.Threads = k.threadStates(t)
		}
		s.Procs = append(s.Procs, ps)
	}
	for _, p := range k.pipes {
		s.Pipes = append(s.Pipes, k.pipeState(p))
	}
	k.msgSnapshot(&s)
	k.shmSnapshot(&s)
	k.semSnapshot(&s)
	k.epollSnapshot(&s)
	k.inetSnapshot(&s)
	k.futexSnapshot(&s)
	s.Terminal = k.tty.state()
	k.socketSnapshot(&s)
	k.fileSnapshot(&s)
	return s
}

// fileName names an open file for a listing: "pipe#2 (read end)".
func fileName(f *OpenFile) string {
	name := f.ops.Name()
	if e, ok := f.ops.(*pipeEnd); ok {
		switch {
		case e.reads && e.writes:
			name += " (both ends)"
		case e.reads:
			name += " (read end)"
		default:
			name += " (write end)"
		}
	}
	return name
}

func (k *Kernel) pipeState(p *pipe.Pipe) PipeState {
	_, slots := p.Slots()
	ps := PipeState{ID: p.ID, Name: fmt.Sprintf("pipe#%d", p.ID), Len: p.Len(), Cap: p.Cap(), Slots: slots,
		Tail: p.Tail(), Buffers: []PipeBuffer{}, Readers: p.Readers(), Writers: p.Writers(),
		Data: quoteBytes(p.Contents(), traceBytes), Waiting: []string{}}
	p.Buffers(func(slot, off, unread int) {
		ps.Buffers = append(ps.Buffers, PipeBuffer{Slot: slot, Offset: off, Len: unread})
	})
	for _, fifo := range k.fifos() {
		if fifo.p == p {
			ps.Name = fmt.Sprintf("fifo %s (pipe#%d)", fifo.path(), p.ID)
		}
	}
	p.Queue.Each(func(e *sched.Entry) {
		t, ok := e.Waiter.(*Task)
		if !ok {
			return
		}
		what := "poll"
		if t.call != nil {
			switch t.call.no {
			case abi.SysRead, abi.SysReadv:
				what = "read"
			case abi.SysWrite, abi.SysWritev:
				what = "write"
			case abi.SysOpenat:
				what = "open"
			}
		}
		ps.Waiting = append(ps.Waiting, fmt.Sprintf("pid %d (%s)", t.PID, what))
	})
	return ps
}

// fifos returns every FIFO in the namespace, in path order.
func (k *Kernel) fifos() []*fifoNode {
	var out []*fifoNode
	var walk func(n *node)
	walk = func(n *node) {
		if n.fifo != nil {
			out = append(out, n.fifo)
		}
		for _, name := range n.entries() {
			if n.children != nil {
				walk(n.children[name])
			}
		}
	}
	walk(k.root)
	return out
}

// sigSetString renders a signal set as "SIGINT SIGPIPE".
func sigSetString(set abi.SigSet) string { return string(appendSigSet(nil, set)) }

// appendSigSet appends sigSetString's names to b.
func appendSigSet(b []byte, set abi.SigSet) []byte {
	first := true
	for sig := abi.Signal(1); sig <= abi.NSIG; sig++ {
		if set.Has(sig) {
			if !first {
				b = append(b, ' ')
			}
			b, first = append(b, sig.String()...), false
		}
	}
	return b
}

// formatOpenFlags renders status flags as "O_RDONLY|O_NONBLOCK".
func formatOpenFlags(v uint64) string {
	acc := [...]string{"O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE"}[v&abi.O_ACCMODE]
	if rest := flagNames(v&^(abi.O_ACCMODE|oLargefile), openFlags); rest != "0" {
		return acc + "|" + rest
	}
	return acc
}

// threadStates lists the threads of t's process: the first (even
// exited, while others live), then the others by tid.
func (k *Kernel) threadStates(t *Task) []ThreadState {
	list := []*Task{t}
	for _, o := range t.threads {
		if o != t {
			list = append(list, o)
		}
	}
	var out []ThreadState
	for _, o := range list {
		ts := ThreadState{TID: o.TID, Name: o.threadName(), State: o.State.String(),
			PC: fmt.Sprintf("%#x", o.Regs.PC), SP: fmt.Sprintf("%#x", o.Regs.X[2]), TP: fmt.Sprintf("%#x", o.Regs.X[4])}
		if o.State != proc.Zombie {
			ts.CPU = cpuState(o)
			regs := IntRegs(o.Regs.X)
			ts.Regs, ts.FP = &regs, fpState(o)
		}
		switch {
		case o.State == proc.Zombie:
			ts.State = "exited"
		case o == k.cur:
			ts.State = "running"
		}
		if o.call != nil && o.State == proc.Sleeping {
			ts.Waiting = fmt.Sprintf("%v: %s", o.call.no, o.blocked.text())
		}
		if o.Sig.Pending != 0 {
			ts.Pending = sigSetString(o.Sig.Pending)
		}
		if o.Sig.Mask != 0 {
			ts.Blocked = sigSetString(o.Sig.Mask)
		}
		out = append(out, ts)
	}
	return out
}

// handlerStates describes t's signal dispositions that are not the
// default, by signal number.
func handlerStates(t *Task) []string {
	var out []string
	for sig := abi.Signal(1); sig <= abi.NSIG; sig++ {
		act := t.Sig.Actions[sig]
		switch act.Handler {
		case abi.SIG_DFL:
			continue
		case abi.SIG_IGN:
			out = append(out, fmt.Sprintf("%v: ignored", sig))
			continue
		}
		var extra []string
		if f := flagNames(act.Flags, sigactionFlags); f != "0" {
			extra = append(extra, f)
		}
		if act.Mask != 0 {
			extra = append(extra, "mask "+sigSetString(act.Mask))
		}
		d := fmt.Sprintf("%v: handler %#x", sig, act.Handler)
		if len(extra) > 0 {
			d += " (" + strings.Join(extra, ", ") + ")"
		}
		out = append(out, d)
	}
	return out
}

// TerminalState is the terminal as inspect shows it: the session it
// controls, its foreground process group, its mode, the line being typed
// and the input read can take.
type TerminalState struct {
	Session    int    `json:"session"`
	Foreground int    `json:"foreground"`
	Canonical  bool   `json:"canonical"` // ICANON: input by lines
	Echo       bool   `json:"echo"`
	Editing    string `json:"editing"`  // the line being typed, not yet readable
	Readable   string `json:"readable"` // what a read takes, quoted
}

// sigactionFlags names the SA_* flags of a disposition.
var sigactionFlags = []flagName{{abi.SA_NOCLDSTOP, "SA_NOCLDSTOP"}, {abi.SA_NOCLDWAIT, "SA_NOCLDWAIT"}, {abi.SA_SIGINFO, "SA_SIGINFO"},
	{abi.SA_ONSTACK, "SA_ONSTACK"}, {abi.SA_RESTART, "SA_RESTART"}, {abi.SA_NODEFER, "SA_NODEFER"}, {abi.SA_RESETHAND, "SA_RESETHAND"}}

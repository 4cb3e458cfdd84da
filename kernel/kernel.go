// Package kernel is ipcsim's mini-kernel: it runs processes on the simulated
// hart of package hw, takes their traps (system calls with Linux's riscv64
// ABI, page faults, illegal instructions), schedules them on the timer by
// the policy of package sched (round robin unless Config.Policy says
// otherwise), blocks them on wait queues and wakes them, and reports
// everything it does as trace events.
//
// Like gVisor's Sentry the kernel is Go code outside the simulated CPU; unlike
// it, the whole machine runs on one goroutine in virtual time, so every run of
// the same input is the same.
package kernel

import (
	"fmt"
	"io"
	"math/rand/v2"
	"net/netip"
	"sync/atomic"

	"ipcsim/abi"
	"ipcsim/hw"
	"ipcsim/ipc/epoll"
	"ipcsim/ipc/inet"
	"ipcsim/ipc/inet/pcap"
	"ipcsim/ipc/mqueue"
	"ipcsim/ipc/msgq"
	"ipcsim/ipc/pipe"
	"ipcsim/ipc/shm"
	"ipcsim/ipc/sysv"
	"ipcsim/proc"
	"ipcsim/sched"
)

// Config sets up a machine and its kernel.
type Config struct {
	MemBytes   uint64 // physical memory (default hw.DefaultMemBytes)
	Quantum    uint64 // cycles per time slice (default DefaultQuantum)
	TrapCost   uint64 // extra cycles charged for each trap (system call, fault, interrupt)
	Seed       uint64 // seed of the one PRNG (AT_RANDOM bytes, quantum jitter)
	Jitter     uint64 // each time slice is Quantum + a seeded random number of cycles in [0, Jitter]
	MaxProcs   int    // process limit; fork fails with EAGAIN beyond it (default DefaultMaxProcs)
	CycleLimit uint64 // stop the machine at this cycle (0: never)
	// Host names the machine among the hosts of a Cluster (cluster.go):
	// its trace events carry it (Event.Host). "" for a machine alone.
	Host string
	// PowerOn is the cycle the machine is switched on (0 for the start of
	// a run): its clock starts there, and init is born then. A host of a
	// Cluster that boots again after a power loss (Cluster.Up) is switched
	// on at the cluster's time, so that its clock goes on from the others'
	// (the trace's cycles, CLOCK_REALTIME), while the clocks that count
	// from the boot (CLOCK_MONOTONIC, CLOCK_BOOTTIME, the cycle and time
	// counters: Kernel.Uptime) start again at 0.
	PowerOn  uint64
	MaxExits int // how many exits Result.Exits keeps (0: all); later ones are only counted, so a fork loop costs the host no memory

	// Policy decides who runs and for how long (sched.Policy); nil is round
	// robin with Quantum, Jitter and the seeded PRNG. A policy serves one
	// kernel: it holds that machine's ready set.
	Policy sched.Policy

	// Watches are words whose every store the trace reports (watch.go);
	// watching runs the CPU one instruction at a time while tracing.
	Watches []Watch

	// Addr is the host's IPv4 address on the simulated network (the zero
	// value: none; the host has only its loopback, 127.0.0.1).
	Addr netip.Addr
	// Network takes the packets this host sends to other hosts (nil: no
	// network, and such a send fails with ENETUNREACH).
	Network func(*inet.Packet)
	// Pcap, if not nil, receives a capture of the host's packets in the
	// pcap format (package pcap), what tcpdump -i any would see on it:
	// every packet its stack sends, loopback ones included, when it is
	// sent, and every packet that arrives from the network, when it
	// arrives (before the stack takes it), stamped with the virtual time.
	// A packet a link drops is in the sender's capture only. Write errors
	// stop the capture, not the run: the caller learns of them from w
	// (a bufio.Writer keeps its first error).
	Pcap io.Writer

	Stdout io.Writer // the console: what the terminal shows (fd 1, and fd 2 unless Stderr is set)
	Stderr io.Writer // if not nil, fd 2 writes here instead of the terminal (ipcsim exec)
	Input  io.Reader // host input for the terminal, read when a process waits for it and nothing else can run (ipcsim exec)
	Echo   bool      // the terminal echoes typed input to the console, as a terminal in canonical mode does
	// StdinFile makes fd 0 a plain host file that Input feeds, instead of
	// the terminal: what a program sees under Linux when its standard
	// input is a pipe or a file. Bytes pass as they are (a 0x03 is data,
	// not ^C), end of input reads as 0, and TCGETS (isatty) fails with
	// ENOTTY. ipcsim exec sets it when its own standard input is not a
	// terminal. Input is still read only when every process sleeps and one
	// waits for it.
	StdinFile bool
	// StdoutFile makes fd 1 a plain host file writing to Stdout instead of
	// the terminal (TCGETS fails with ENOTTY), as when ipcsim exec's
	// standard output is a pipe or a file.
	StdoutFile bool

	// Trace receives every event; nil turns tracing off at no cost. The
	// event, and what its Ret and Args point to, are valid only during the
	// call: the kernel reuses them for the next one (Event.Keep makes a copy to keep).
	Trace func(*Event)
	// TraceLog, if not nil, takes the trace in place of Trace, in order:
	// the commonest events as Records (trace_record.go), which a writer
	// may format later or on another core, and every other as an Event,
	// as Trace would get it. A machine of a cluster has the cluster's
	// (NewCluster merges its hosts' events; ClusterConfig.TraceLog).
	TraceLog TraceLog
	// TraceInstructions adds an event for every retired instruction (with
	// Trace or TraceLog set): the CPU then runs one instruction at a time.
	TraceInstructions bool
	// Disassemble renders an instruction word at pc for the trace (the
	// sim/asm disassembler, passed in from above); nil prints the word.
	Disassemble func(inst uint32, pc uint64) string

	// FileBytes bounds what the regular files of the name space hold
	// together (the sum of their sizes, unlinked files still open
	// included), so that a program writing in a loop cannot exhaust the
	// host: beyond it write(2) fails with ENOSPC, as on a full disk
	// (default DefaultFileBytes).
	FileBytes int

	// Files are put into the name space at boot (Kernel.Install):
	// programs, which execve finds there as on Linux, and data files.
	// They are the caller's own, not user input: New panics on a path
	// Install refuses (a caller with user input calls Install itself).
	Files []File

	// HostFileBytes and HostBytes bound what a run reads of a host folder
	// shown in the name space (Kernel.MountHost, hostfs.go): one file
	// (default DefaultHostFileBytes; a bigger one gives EOVERFLOW) and all
	// files together (default DefaultHostBytes; beyond it ENOMEM).
	HostFileBytes int
	HostBytes     int

	// CheckInvariants makes Run check the kernel's invariants (frame and
	// descriptor reference counts, pipe and message accounting, the
	// scheduler's sets, the thread groups: invariants.go) before each turn
	// of its loop, and stop at the first broken one with StopInvariant and
	// Result.Invariant. It makes a run many times slower: for tests and
	// fuzzers.
	CheckInvariants bool

	// Faults is the fault plan (fault.go): calls that fail, transfer
	// short or kill their process. Each fault must pass CheckFault.
	Faults []Fault
}

// Defaults for a Config's zero fields.
const (
	DefaultQuantum  = 10000
	DefaultMaxProcs = 64
	// DefaultFileBytes is what the regular files of a machine may hold
	// together (Config.FileBytes): 16 MiB.
	DefaultFileBytes = 16 << 20
	// CyclesPerSecond is the virtual clock rate: one cycle is one nanosecond,
	// so a trace's cycle numbers read as nanoseconds of virtual time.
	CyclesPerSecond = 1_000_000_000
	// bootEpoch is CLOCK_REALTIME at cycle 0 (2024-01-01T00:00:00Z): a fixed
	// date, so that programs printing the time print the same thing each run.
	bootEpoch = 1704067200
)

// Kernel is the running system: the machine, the process table and the
// scheduler's state.
type Kernel struct {
	cfg  Config
	m    *hw.Machine
	mem  *proc.Memory
	rand *rand.Rand

	tasks   map[int]*Task // live and zombie processes by pid
	nextPID int           // next pid to try (pids grow, as Linux hands them out)
	init    *Task         // pid 1

	policy   sched.Policy // who runs next and for how long (Config.Policy)
	cur      *Task        // the task on the CPU, or nil
	sliceEnd uint64       // cycle at which cur's time slice ends
	resched  bool         // the policy asked to preempt cur once the current trap is handled
	sleepers []*Task      // tasks in a timed sleep, by deadline then pid
	alarms   []*Task      // tasks with an ITIMER_REAL timer, by deadline then pid
	last     *Task        // the task that ran last (for the trace of context switches)

	// readied holds the tasks made runnable lately, by tid modulo its
	// length (makeRunnable), so that schedule finds the task the policy
	// picks without a lookup in the tasks map: among 10,000 processes
	// that lookup was a cache miss or two at every switch, and the task
	// picked is nearly always one made runnable a moment before. An entry
	// may be stale (a task since reaped, or one whose tid changed at an
	// execve); schedule checks the tid and what the task's state allows.
	readied [64]*Task

	// cpuTimers counts the armed ITIMER_VIRTUAL and ITIMER_PROF timers of
	// all processes (setItimer), so that runUser skips them when there are
	// none (checkCPUTimers).
	cpuTimers int

	// observer is the policy, if it observes accesses (observe.go); nil if not.
	observer sched.AccessObserver

	// stopAsked is set by Interrupt, the one field another goroutine may
	// touch: Run returns StopInterrupted when it sees it.
	stopAsked atomic.Bool

	switchReason switchWhy // why the CPU was last given up, for the next switch event
	irq          string    // the device whose interrupt is being handled, for traces

	pipes   []*pipe.Pipe // live pipes (FIFOs' included), by id, for inspection
	pipeIDs int          // the last pipe id handed out

	epolls   []*epoll.Instance // live epoll instances, by id, for inspection (sys_epoll.go)
	epollIDs int               // the last epoll id handed out

	msgIDs    *sysv.Registry[*msgq.Queue]   // System V message queues (sys_msg.go)
	shmIDs    *sysv.Registry[*shm.Segment]  // System V shared memory segments (made at first use)
	shmMade   int                           // segments shmget has made, for shm.Segment.Nth
	shmKeys   []int32                       // the keys of watched segments (Config.Watches) shmget has made, for MadeSegment
	semIDs    *semRegistry                  // System V semaphore sets (sys_sem.go)
	futexes   map[futexKey]*sched.WaitQueue // FUTEX_WAIT waiters by word (looked up, never iterated)
	futexFree []*sched.WaitQueue            // empty lists dropped from futexes, for futexList to reuse
	mmActor   *Task                         // the process whose mappings change, for shm_lpid
	mqNS      *mqueue.Namespace             // POSIX message queues (sys_mqueue.go)

	root    *node  // the namespace's root directory
	lastIno uint64 // the last inode number handed out (names.go)

	files     []*regFile // live regular files, by inode number, for inspection (regfile.go)
	fileBytes int        // bytes all regular files hold (their sizes), at most cfg.FileBytes
	hostBytes int        // bytes read from host files (hostfs.go), at most cfg.HostBytes

	socks  *socketTable // Unix domain sockets (socket.go), made at the first one
	inet   *inet.Stack  // the IPv4 stack (inet.go), made at its first use
	pcap   *pcap.Writer // the capture of the host's packets (Config.Pcap), or nil
	netIRQ bool         // the stack runs for an interrupt (a packet, a TCP timer), not for a call

	tty  *Terminal
	out  *OpenFile // the terminal, as fds 0 and 1 (and 2 without Config.Stderr)
	errf *OpenFile // fd 2 when Config.Stderr is set
	inf  *OpenFile // fd 0 when Config.StdinFile is set
	in   *hostFile // its file, which readHostInput feeds
	outf *OpenFile // fd 1 when Config.StdoutFile is set

	pauseAt uint64 // RunUntil's cycle, or 0
	checks  uint64 // invariant checks made (InvariantChecks)

	actions   []action // timed actions to come, by cycle (actions.go)
	actionSeq int      // At calls so far
	// quiet: the last RunUntil stopped with every process asleep; nothing
	// happens before quietNext unless a packet comes (QuietUntil).
	quiet     bool
	quietNext uint64
	stopped   int // processes in the Stopped state
	exits     []Exit
	retired   uint64 // user instructions retired
	tracing   bool
	cpuFP     bool         // the CPU's F or fcsr may be non-zero (loadFP)
	event     Event        // the event being traced (emitEvent)
	text      []byte       // a reused buffer where a traced call's text is built
	texts     *textCache   // the strings of recent texts (textOf)
	rec       Record       // the Record being made (record)
	records   *RecordEvent // turns Records into Events for Config.Trace (emitRecord)
	noRecords bool         // for tests: every event is made as an Event (trace_record_test.go)
	eventRet  int64        // what a traced call's Event.Ret points to
	eventArgs [6]uint64    // what a traced call's Event.Args points into (callArgs)
	moved     moved        // what the traced call being made moved, as its handler noted it (trace_moved.go)

	unimpl   []Unimplemented   // calls ipcsim does not implement, in the order first made (unimplemented.go)
	unimplAt map[unimplKey]int // their index in unimpl (looked up, never iterated)

	exitsDropped uint64      // exits not kept in exits (Config.MaxExits)
	faults       *faultState // the fault plan (fault.go); nil without one, the common case

	scratch []byte // the buffer reads and writes move data through (scratchBuf): as long as the longest step so far
}

// A Task is the kernel's view of a thread: its process, and what the
// scheduler and an interrupted system call need.
//
// The fields are in the order a context switch uses them, so that what
// it reads fills the Task's first eleven cache lines one after another:
// the links, state and flags, the signal mask, the wait-queue entry, the
// call in progress (its own first fields are those a read or write
// needs), then the registers. The floating-point registers (the end of
// Regs, which only a program that uses them copies) and the rarely used
// fields come last. A switch among thousands of processes finds the woken
// task cold in the host's caches, and the host fetches a run of
// consecutive lines much sooner than as many scattered ones
// (BenchmarkRing/10000, BENCHMARKS.md).
type Task struct {
	*proc.Process // the process: what its threads share (pid, family, ids, memory, descriptors)
	*threadGroup  // the kernel's part of the process, shared by its threads too
	k             *Kernel
	call          *call       // the system call the task is blocked in, retried when woken
	inCall        *call       // the call the kernel is executing for the task, for traces
	blocked       *blockError // what the sleeping task waits for (its text, when asked)
	sleeps        *taskWaits  // records and sleeps reused by its blocking calls (waits.go), or nil
	TID           int         // its thread id; the process's first thread has TID == PID
	State         proc.State  // runnable, sleeping, stopped, or exited (Zombie)
	queued        bool        // in the policy's ready set (since Ready, until Pick returns it)
	interrupted   bool        // call is left pending for a deliverable signal (not to be retried)
	resume        bool        // preempted at the entry of a system call: make it without telling the policy again ...
	resumePC      uint64      // ... if it is the ecall at this pc
	deadline      uint64      // cycle at which a timed sleep ends (valid while in k.sleepers)

	Sig     proc.Signals // its mask and the signals sent to it alone; Sig.Actions are the process's
	entry   sched.Entry  // the task's registration on the wait queue it sleeps on
	callBuf call         // the system call in progress (a task makes one at a time)
	Regs    proc.Regs    // saved user registers: the integer ones first

	comm          string   // its name, if set in a thread other than the first (setThreadName)
	ClearChildTID uint64   // set_tid_address(2), clone's CLONE_CHILD_CLEARTID: cleared and woken at its exit
	RobustList    uint64   // set_robust_list(2)'s head (0: none)
	altStack      altStack // sigaltstack(2): where SA_ONSTACK handlers run
}

// threadGroup is what the threads of a process share in the kernel
// (Linux's signal_struct and fs_struct): the threads themselves, where
// wait4 sleeps, job control's report, the interval timers, the working
// directory.
type threadGroup struct {
	threads []*Task // the live threads, in the order they were made

	childExit sched.WaitQueue // wait4 sleeps here: a child changed state (signal->wait_chldexit)
	zombies   int             // children that are zombies: wait4 without one need not walk the children

	waitStop abi.Signal // stopped by this signal, not yet reported to wait4(WUNTRACED)
	waitCont bool       // continued, not yet reported to wait4(WCONTINUED)
	itimers  [3]itimer  // setitimer's ITIMER_REAL, ITIMER_VIRTUAL, ITIMER_PROF
	execed   bool       // has called execve since fork (setpgid's EACCES)
	cwd      *node      // the working directory
	exe      *node      // the program execve ran (/proc/self/exe); nil for init
	umask    uint32     // the file mode creation mask (umask(2)), inherited at fork
	exiting  bool       // exit_group or a fatal signal has begun: its threads are going
	stopped  bool       // stopped by a stop signal, every thread with it
}

// leader is the process's first thread (its TID is the PID), which
// stands for the process until it is reaped.
func (t *Task) leader() *Task { return t.k.tasks[t.PID] }

// multithreaded reports whether the process has more than one live thread.
func (t *Task) multithreaded() bool { return len(t.threads) > 1 }

// who names the task in the trace: "pid 4", or "pid 4 tid 5" for a
// thread other than the first.
func (t *Task) who() string { return string(t.appendWho(nil)) }

// appendWho appends who's rendering of t to b (appendWho, as a Record's
// line names a task).
func (t *Task) appendWho(b []byte) []byte {
	tid := 0
	if t.TID != t.PID {
		tid = t.TID
	}
	return appendWho(b, int32(t.PID), int32(tid))
}

// threadName is the thread's name: its own, or the process's.
func (t *Task) threadName() string {
	if t.comm != "" {
		return t.comm
	}
	return t.Name
}

// setThreadName names the thread (prctl PR_SET_NAME, a write of its
// comm file in /proc): the first thread's name is the process's.
func (t *Task) setThreadName(name string) {
	if t.TID == t.PID {
		t.Name = name
	} else {
		t.comm = name
	}
}

// ownName is the name the thread gave itself, if it differs from its
// process's: "" for the first thread (whose name is the process's), for
// a thread never named, and for one named as its process is. The trace
// names a thread by it ("pid 2   tid 8   (worker) ...").
func (t *Task) ownName() string {
	if t.TID == t.PID || t.comm == t.Name {
		return ""
	}
	return t.comm
}

// Wake makes a sleeping task runnable again so that it retries its call
// (sched.Waiter).
func (t *Task) Wake(sched.EventMask) {
	k := t.k
	switch {
	case k.irq != "":
		k.wake(t, nil, k.irq) // an interrupt handler woke it
	case k.cur != nil:
		k.wake(t, k.cur, "")
	default:
		k.wake(t, nil, "by the kernel")
	}
}

// New powers on a machine and boots the kernel: it creates init (pid 1),
// which reaps orphans forever.
func New(cfg Config) *Kernel {
	if cfg.Quantum == 0 {
		cfg.Quantum = DefaultQuantum
	}
	if cfg.MaxProcs == 0 {
		cfg.MaxProcs = DefaultMaxProcs
	}
	if cfg.FileBytes == 0 {
		cfg.FileBytes = DefaultFileBytes
	}
	if cfg.HostFileBytes == 0 {
		cfg.HostFileBytes = DefaultHostFileBytes
	}
	if cfg.HostBytes == 0 {
		cfg.HostBytes = DefaultHostBytes
	}
	if cfg.Stdout == nil {
		cfg.Stdout = io.Discard
	}
	m := hw.NewMachine(hw.Config{MemBytes: cfg.MemBytes, Stdout: cfg.Stdout})
	m.Clock.JumpTo(cfg.PowerOn)
	k := &Kernel{
		cfg:     cfg,
		m:       m,
		mem:     proc.NewMemory(m.Mem),
		rand:    rand.New(rand.NewPCG(cfg.Seed, 0x1p52)),
		tasks:   make(map[int]*Task),
		futexes: make(map[futexKey]*sched.WaitQueue),
		nextPID: 1,
		tracing: cfg.Trace != nil || cfg.TraceLog != nil,
	}
	if len(cfg.Faults) > 0 {
		k.faults = newFaultState(cfg.Seed, cfg.Faults)
	}
	if cfg.Pcap != nil {
		k.pcap = pcap.NewWriter(cfg.Pcap)
	}
	k.policy = cfg.Policy
	if k.policy == nil {
		k.policy = sched.NewRoundRobin(cfg.Quantum, cfg.Jitter, k.rand)
	}
	k.observer, _ = k.policy.(sched.AccessObserver)
	k.root = k.newNamespace()
	k.tty = newTerminal(k, cfg.Echo)
	k.out = newOpenFile(k.tty, abi.O_RDWR)
	if cfg.Stderr != nil {
		k.errf = newOpenFile(&hostFile{name: "stderr", w: cfg.Stderr}, abi.O_WRONLY)
	}
	if cfg.StdinFile {
		k.in = &hostFile{name: "stdin"}
		k.inf = newOpenFile(k.in, abi.O_RDONLY)
	}
	if cfg.StdoutFile {
		k.outf = newOpenFile(&hostFile{name: "stdout", w: cfg.Stdout}, abi.O_WRONLY)
	}
	k.init = k.bootInit()
	for _, f := range cfg.Files {
		if err := k.Install(f); err != nil {
			panic(err) // a caller's mistake: Install returns it to callers that take input
		}
	}
	k.switchReason = switchWhy{format: "first process"}
	return k
}

// Machine returns the simulated hardware (for inspection).
func (k *Kernel) Machine() *hw.Machine { return k.m }

// Now returns the current cycle.
func (k *Kernel) Now() uint64 { return k.m.Clock.Now() }

// Uptime returns the cycles since the machine was switched on
// (Config.PowerOn): what CLOCK_MONOTONIC counts. On Linux the monotonic
// clock is "the time since the system was booted" (clock_gettime(2),
// CLOCK_MONOTONIC: "On Linux, that point corresponds to the number of
// seconds that the system has been running since it was booted"), so a
// host that boots again (Cluster.Up) reads it from 0 again, while its
// trace's cycles, and CLOCK_REALTIME, go on.
func (k *Kernel) Uptime() uint64 { return k.Now() - k.cfg.PowerOn }

// newTask allocates a pid and a process; the caller fills in the rest.
func (k *Kernel) newTask(parent *Task) (*Task, bool) {
	if len(k.tasks) >= k.cfg.MaxProcs {
		return nil, false
	}
	id := k.allocID()
	t := &Task{Process: &proc.Process{PID: id}, threadGroup: &threadGroup{cwd: k.root, umask: defaultUmask}, k: k, TID: id}
	t.entry.Waiter = t
	t.altStack = noAltStack
	t.threads = []*Task{t}
	t.Sig = proc.NewSignals()
	k.tasks[t.TID] = t
	if parent != nil {
		t.Parent = parent.Process
		parent.AddChild(t.Process)
		t.PGID, t.SID = parent.PGID, parent.SID
		t.UID, t.EUID, t.SUID = parent.UID, parent.EUID, parent.SUID
		t.GID, t.EGID, t.SGID = parent.GID, parent.EGID, parent.SGID
		t.Groups = parent.Groups
		t.cwd = parent.cwd
		t.umask = parent.umask
		t.Limits = parent.Limits
		t.NotDumpable = parent.NotDumpable // a flag of the mm, which dup_mm copies
	} else {
		t.Limits = k.defaultLimits()
	}
	return t, true
}

// allocID takes the next free id: pids and tids come from one space, as
// on Linux.
func (k *Kernel) allocID() int {
	for k.tasks[k.nextPID] != nil {
		k.nextPID++
	}
	k.nextPID++
	return k.nextPID - 1
}

// task returns the Task that stands for a process: its first thread.
func (k *Kernel) task(p *proc.Process) *Task { return k.tasks[p.PID] }

// stdFiles gives a new process its three standard descriptors: the terminal,
// as a shell's child has them, or the host's files that Config names.
func (k *Kernel) stdFiles() *proc.FDTable {
	fds := &proc.FDTable{}
	in, out := k.out, k.out
	if k.inf != nil {
		in = k.inf
	}
	if k.outf != nil {
		out = k.outf
	}
	fds.Install(in, 0, false)
	fds.Install(out, 1, false)
	if k.errf != nil {
		fds.Install(k.errf, 2, false)
	} else {
		fds.Install(k.out, 2, false)
	}
	return fds
}

// Spawn starts the program at path as a new child of init, with the
// terminal as its standard descriptors, as a shell starts a command. It
// runs as root, as init does.
func (k *Kernel) Spawn(path string, argv, envp []string) (int, error) {
	return k.SpawnAs(path, argv, envp, 0, 0)
}

// SpawnAs is Spawn for a program that runs as user uid and group gid (real,
// effective and saved ids), as login does for a user's shell.
func (k *Kernel) SpawnAs(path string, argv, envp []string, uid, gid int) (int, error) {
	return k.spawn(path, argv, envp, uid, gid, true)
}

// spawn starts a program as a new child of init; a foreground one takes
// the terminal.
func (k *Kernel) spawn(path string, argv, envp []string, uid, gid int, foreground bool) (int, error) {
	t, ok := k.newTask(k.init)
	if !ok {
		return 0, fmt.Errorf("spawn %s: process limit (%d) reached", path, k.cfg.MaxProcs)
	}
	// Like a job started by a shell: its own process group, init's session.
	t.PGID = t.PID
	t.UID, t.EUID, t.SUID = uid, uid, uid
	t.GID, t.EGID, t.SGID = gid, gid, gid
	t.AS = proc.NewAddressSpace(k.mem)
	t.Files = k.stdFiles()
	if err := k.exec(t, path, argv, envp); err != nil {
		t.Files.CloseAll()
		k.init.RemoveChild(t.Process)
		delete(k.tasks, t.PID)
		return 0, fmt.Errorf("spawn %s: %w", path, err)
	}
	where := ""
	if !foreground {
		where = ", in the background"
	}
	k.emitEvent(t, &Event{Kind: "spawn", Name: t.Name, Text: fmt.Sprintf("spawn %s (parent pid 1)%s", quoteArgv(argv), where)})
	if foreground {
		// As a shell runs a command in the foreground: the terminal's
		// foreground group is the new process's.
		k.tty.setForeground(t.PGID)
	}
	k.makeRunnable(t, sched.WhyNew)
	return t.PID, nil
}

// Type schedules keystrokes to reach the keyboard at cycle at.
func (k *Kernel) Type(at uint64, keys []byte) { k.m.Keyboard.Type(at, keys) }

// StopReason says why Run returned.
type StopReason uint8

const (
	StopAllExited   StopReason = iota // every process but init has exited and been reaped
	StopCycleLimit                    // the cycle limit was reached
	StopDeadlock                      // every process sleeps and nothing can wake any of them
	StopPaused                        // RunUntil reached its cycle
	StopInvariant                     // Config.CheckInvariants found a broken invariant (Result.Invariant)
	StopInterrupted                   // Interrupt was called (ipcsim exec, a signal that ends it)
)

func (r StopReason) String() string {
	return [...]string{"all processes exited", "cycle limit reached", "deadlock: every process is blocked", "paused", "kernel invariant broken", "interrupted by the host"}[r]
}

// Result is how a run ended.
type Result struct {
	Reason       StopReason
	Cycles       uint64
	Instructions uint64   // user instructions retired by all processes
	Exits        []Exit   // in order of death (the first Config.MaxExits)
	ExitsDropped uint64   // exits past Config.MaxExits, not in Exits
	Blocked      []string // on deadlock or at the cycle limit: what each sleeping process waits for
	// Unimplemented lists the calls the run made that ipcsim does not
	// implement (each failed with ENOSYS), sorted by name: nil if none.
	Unimplemented []Unimplemented
	// Invariant is the broken invariant that stopped the run
	// (StopInvariant), or nil.
	Invariant *InvariantError
}

// Exit records a process's death.
type Exit struct {
	PID    int
	Name   string
	Status int    // the wait status word
	Cycle  uint64 // when it died
}

// ShellStatus returns the status a shell reports: the exit code, or 128+N
// for a process killed by signal N.
func (e Exit) ShellStatus() int {
	if sig := e.Status & 0x7f; sig != 0 {
		return 128 + sig
	}
	return e.Status >> 8 & 0xff
}

// Describe says how the process ended: "exited with status 3",
// "killed by SIGSEGV (core dumped)".
func (e Exit) Describe() string {
	sig := abi.Signal(e.Status & 0x7f)
	if sig == 0 {
		return fmt.Sprintf("exited with status %d", e.Status>>8&0xff)
	}
	if e.Status&0x80 != 0 {
		return fmt.Sprintf("killed by %v (core dumped)", sig)
	}
	return fmt.Sprintf("killed by %v", sig)
}

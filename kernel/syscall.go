package kernel

import (
	"errors"
	"fmt"

	"ipcsim/abi"
	"ipcsim/sched"
)

// A call is one system call in progress: its number and arguments, and what
// a blocked call must remember between retries.
type call struct {
	t  *Task
	no abi.Sysno
	a  [6]uint64 // a0..a5

	// State kept across retries of a blocked call.
	progress    uint64         // bytes a read or write has already moved
	total       uint64         // bytes the whole read or write asks for
	deadline    uint64         // cycle at which a timed sleep ends
	started     bool           // the call has begun (set by calls that need it)
	timed       bool           // poll/select: deadline is set (else wait forever)
	pending     *OpenFile      // a FIFO open waiting for its partner
	mark        int            // the partner's open count when the FIFO open began
	waits       []*sched.Entry // poll and select: one registration per descriptor
	oldMask     abi.SigSet     // ppoll/pselect6: the mask to restore afterwards
	waitSet     abi.SigSet     // rt_sigtimedwait: the signals waited for
	jobSignaled bool           // the terminal already sent SIGTTIN/SIGTTOU for this call
	futex       *futexWaiter   // FUTEX_WAIT: the task's place in its futex list
	setMask     bool           // ... and whether one was set
}

// sysFunc implements one system call. It returns the value for a0, or an
// error: an abi.Errno (a0 = -errno), a *blockError (sleep and retry), or
// errNoReturn (the call does not return to the caller: exit, or an execve
// that replaced the program).
type sysFunc func(c *call) (int64, error)

// errNoReturn: the task does not continue after the ecall instruction.
var errNoReturn = errors.New("no return")

// sysEntry is a row of the system call table.
type sysEntry struct {
	fn   sysFunc
	args string // one letter per argument, for the trace (see formatArgs)
}

// syscalls is the system call table, indexed by number (Linux riscv64 uses
// asm-generic numbering). A number without a function gives ENOSYS.
var syscalls [abi.SysSetMempolicyHomeNode + 1]sysEntry

// register adds calls to the table. The core calls are listed below; the
// file of each IPC object (sys_msg.go, ...) registers its own in an init
// function, so that each object's calls live beside its handlers.
func register(entries map[abi.Sysno]sysEntry) {
	for no, e := range entries {
		if syscalls[no].fn != nil {
			panic(fmt.Sprintf("kernel: %v registered twice", no))
		}
		syscalls[no] = e
	}
}

func init() {
	register(map[abi.Sysno]sysEntry{
		abi.SysRead:          {sysRead, "dru"},
		abi.SysWrite:         {sysWrite, "dwu"},
		abi.SysReadv:         {sysReadv, "dxd"},
		abi.SysWritev:        {sysWritev, "dVd"},
		abi.SysClose:         {sysClose, "d"},
		abi.SysExit:          {sysExit, "d"},
		abi.SysExitGroup:     {sysExit, "d"},
		abi.SysGetpid:        {sysGetpid, ""},
		abi.SysGetppid:       {sysGetppid, ""},
		abi.SysGettid:        {sysGetpid, ""},
		abi.SysGetuid:        {sysGetuid, ""},
		abi.SysGeteuid:       {sysGeteuid, ""},
		abi.SysGetgid:        {sysGetgid, ""},
		abi.SysGetegid:       {sysGetegid, ""},
		abi.SysClone:         {sysClone, "Cxxxx"},
		abi.SysExecve:        {sysExecve, "svv"},
		abi.SysBrk:           {sysBrk, "x"},
		abi.SysMmap:          {sysMmap, "xuPMdu"},
		abi.SysMunmap:        {sysMunmap, "xu"},
		abi.SysNanosleep:     {sysNanosleep, "Tx"},
		abi.SysClockGettime:  {sysClockGettime, "kx"},
		abi.SysSchedYield:    {sysSchedYield, ""},
		abi.SysUname:         {sysUname, "x"},
		abi.SysSetTidAddress: {sysSetTidAddress, "x"},
		abi.SysRtSigprocmask: {sysRtSigprocmask, "Hxxu"},
		abi.SysRtSigpending:  {sysRtSigpending, "xu"},
		abi.SysRtSigaction:   {sysRtSigaction, "Sxxu"},
		abi.SysRtSigreturn:   {sysRtSigreturn, ""},
		abi.SysPipe2:         {sysPipe2, "pf"},
		abi.SysDup:           {sysDup, "d"},
		abi.SysDup3:          {sysDup3, "ddf"},
		abi.SysFcntl:         {sysFcntl, "dFa"},
		abi.SysIoctl:         {sysIoctl, "dIx"},
		abi.SysLseek:         {sysLseek, "ddd"},
		abi.SysOpenat:        {sysOpenat, "DsOo"},
		abi.SysMknodat:       {sysMknodat, "Dsmu"},
		abi.SysMkdirat:       {sysMkdirat, "Dso"},
		abi.SysUnlinkat:      {sysUnlinkat, "DsR"},
		abi.SysChdir:         {sysChdir, "s"},
		abi.SysGetcwd:        {sysGetcwd, "xu"},
		abi.SysPpoll:         {sysPpoll, "xuTxu"},
		abi.SysPselect6:      {sysPselect6, "dxxxTx"},
	})
}

// syscall handles an ecall of the current task t.
func (k *Kernel) syscall(t *Task) {
	r := &t.Regs.X
	c := &t.callBuf
	*c = call{t: t, no: abi.Sysno(r[17]), a: [6]uint64{r[10], r[11], r[12], r[13], r[14], r[15]}}
	k.invoke(c)
}

// invoke runs a call and then either completes it or puts the task to sleep.
//
// The blocking protocol (sched.WaitQueue): try; if the attempt would block,
// register on the object's wait queue, try again (an event that came in
// between would otherwise be lost), and only then sleep. In this
// single-threaded kernel nothing can run between the two tries, so the
// second one cannot succeed where the first failed; it is kept because it is
// the protocol every blocking call follows, and because it stays correct
// when an object notifies from inside an attempt.
func (k *Kernel) invoke(c *call) {
	t := c.t
	t.inCall = c
	defer func() { t.inCall = nil }()
	var fn sysFunc
	if c.no < abi.Sysno(len(syscalls)) {
		fn = syscalls[c.no].fn
	}
	if fn == nil {
		k.complete(c, 0, abi.ENOSYS)
		return
	}
	ret, err := fn(c)
	if blk, ok := err.(*blockError); ok {
		t.waitOn(blk)
		ret, err = fn(c)
		if blk, ok := err.(*blockError); ok {
			k.block(t, c, blk)
			return
		}
		t.entry.Remove()
	}
	k.complete(c, ret, err)
}

// waitOn registers t's entry on the wait queue a blocked attempt named, for
// the events it waits for. An entry already on that queue keeps its place
// (FIFO order survives a spurious wakeup); one on another queue moves.
// Calls that register their own entries (poll, futex) name no queue.
func (t *Task) waitOn(blk *blockError) {
	if blk.q == nil {
		return
	}
	t.entry.Mask = blk.mask
	if t.entry.On(blk.q) {
		return
	}
	t.entry.Remove()
	blk.q.Add(&t.entry)
}

// block puts t to sleep in call c, unless a signal is already waiting to
// be delivered: then the call stays pending for deliverSignals, which
// interrupts it ("the call is interrupted by a signal handler").
func (k *Kernel) block(t *Task, c *call, blk *blockError) {
	if t.Sig.Deliverable() != 0 {
		t.call = c
		t.blocked = blk
		t.interrupted = true
		return
	}
	k.sleep(t, c, blk)
}

// retry re-runs the call a woken task was blocked in.
func (k *Kernel) retry(t *Task) {
	c := t.call
	t.call = nil
	t.inCall = c
	defer func() { t.inCall = nil }()
	ret, err := syscalls[c.no].fn(c)
	if blk, ok := err.(*blockError); ok {
		t.waitOn(blk)
		k.block(t, c, blk)
		return
	}
	t.entry.Remove()
	k.complete(c, ret, err)
}

// complete writes a call's result to a0 and steps past the ecall.
func (k *Kernel) complete(c *call, ret int64, err error) {
	t := c.t
	if err == errNoReturn {
		return
	}
	if err != nil {
		ret = -int64(errnoOf(c, err))
	}
	t.Regs.X[10] = uint64(ret)
	t.Regs.PC += 4
	if k.tracing {
		r := ret // a copy, so that ret itself stays off the heap when tracing is off
		k.emitEvent(t, &Event{Kind: "syscall", Syscall: c.no.String(), Ret: &r, Errno: errnoName(ret),
			Text: k.formatCall(c, ret) + " = " + formatRet(ret)})
	}
}

// errnoOf returns the errno a call failed with. Handlers return abi.Errno
// values directly; a wrapped one is unwrapped (the slow path).
func errnoOf(c *call, err error) abi.Errno {
	if e, ok := err.(abi.Errno); ok {
		return e
	}
	var e abi.Errno
	if !errors.As(err, &e) {
		panic(fmt.Sprintf("kernel: %v returned %v", c.no, err))
	}
	return e
}

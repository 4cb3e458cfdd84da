package kernel

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"

	"ipcsim/abi"
	"ipcsim/hw"
	"ipcsim/proc"
	"ipcsim/sched"
)

// Run runs the machine until every process but init has exited and been
// reaped, the cycle limit is reached, or every process is blocked with
// nothing left that could wake one (deadlock), or Interrupt is called.
func (k *Kernel) Run() Result {
	k.quiet = false
	for {
		if r, stop := k.checkStep(); stop {
			return r
		}
		if k.stopAsked.Load() {
			k.stopAsked.Store(false)
			return k.result(StopInterrupted)
		}
		if len(k.tasks) == 1 && !k.pendingActions() {
			return k.result(StopAllExited)
		}
		if lim := k.cfg.CycleLimit; lim != 0 && k.Now() >= lim {
			return k.result(StopCycleLimit)
		}
		if k.pauseAt != 0 && k.Now() >= k.pauseAt {
			k.pauseAt = 0
			return k.result(StopPaused)
		}
		if len(k.tasks) == 1 {
			// Only init, with no child to reap, until a timed action
			// starts one (a host booted again, Cluster.Up, before its
			// "at CYCLE spawn"): it would spin in wait4 (ECHILD), so the
			// machine idles to the action instead.
			if !k.idle() {
				return k.result(StopDeadlock)
			}
			continue
		}
		if k.cur == nil && !k.schedule() {
			if !k.idle() {
				return k.result(StopDeadlock)
			}
			continue
		}
		t := k.cur
		if t.call != nil && !t.interrupted {
			// Woken in a blocking call: try it again. (A call left pending
			// because a signal is deliverable goes to deliverSignals.)
			k.retry(t)
			k.observeSyscallDone(t)
		} else if t.deliverable() == 0 || k.deliverSignals(t) {
			if t.call == nil {
				k.runUser(t)
			}
		}
		k.interrupts()
		if k.resched {
			k.resched = false
			if k.cur != nil {
				k.preempt(sched.WhyPreempted, switchWhy{format: "the scheduling policy preempted it after a wakeup"})
			}
		}
	}
}

// Interrupt makes Run return StopInterrupted at its loop's next turn (a
// system call, a time slice's end, a wakeup, or at the latest slicePiece
// instructions on): soon, unless the machine waits for the host's input,
// which it then sees first. Unlike every other method it may be called
// from any goroutine: ipcsim exec calls it when a signal ends ipcsim, so
// that the run stops where it is and the trace so far is written whole.
// A run so stopped can go on with Run.
func (k *Kernel) Interrupt() { k.stopAsked.Store(true) }

// Release gives the memory of k's machine back for the next machine to
// take (hw.PhysMem.Release): a seed sweep or an exploration builds a
// machine per run, and the memory of each was two thirds of the bytes such
// a run allocated, which Go's collector then ran for. k must not run, nor
// be inspected, afterwards: its frames are another machine's.
func (k *Kernel) Release() { k.m.Release() }

func (k *Kernel) result(r StopReason) Result {
	res := Result{Reason: r, Cycles: k.Now(), Instructions: k.retired, Exits: k.exits, ExitsDropped: k.exitsDropped, Unimplemented: k.unimplemented()}
	if r != StopAllExited {
		for _, t := range k.sortedTasks() {
			if t.State == proc.Sleeping && t != k.init && t.call != nil {
				res.Blocked = append(res.Blocked, fmt.Sprintf("%s (%s) in %v: %s", t.who(), t.threadName(), t.call.no, t.blocked.text()))
			}
		}
		if r == StopDeadlock {
			if cycle := k.waitForCycle(); cycle != "" {
				res.Blocked = append(res.Blocked, cycle)
			}
		}
	}
	return res
}

// sortedProcs returns every process, by pid: the task that stands for
// each (its first thread).
func (k *Kernel) sortedProcs() []*Task {
	out := make([]*Task, 0, len(k.tasks))
	for _, t := range k.tasks {
		if t.TID == t.PID {
			out = append(out, t)
		}
	}
	slices.SortFunc(out, func(a, b *Task) int { return a.PID - b.PID })
	return out
}

// sortedTasks returns every task (every thread of every process) by tid.
func (k *Kernel) sortedTasks() []*Task {
	out := make([]*Task, 0, len(k.tasks))
	for _, t := range k.tasks {
		out = append(out, t)
	}
	slices.SortFunc(out, func(a, b *Task) int { return a.TID - b.TID })
	return out
}

// slicePiece bounds one CPU.Run of runUser: about 2 to 4 ms of the host's
// time, against well under a microsecond for the loop's turn between two
// pieces.
const slicePiece = 1 << 20

// runUser runs the current task on the CPU until its next trap or the next
// device event, whichever comes first (or for slicePiece instructions),
// then handles the trap.
func (k *Kernel) runUser(t *Task) {
	k.armTimer()
	now := k.Now()
	budget := uint64(1)
	if next, ok := k.nextEvent(); ok && next > now {
		budget = next - now
	} else if !ok {
		budget = 1 << 62
	}
	cpu := k.m.CPU
	cpu.X, cpu.PC, cpu.PT = t.Regs.X, t.Regs.PC, t.AS.PT()
	k.loadFP(t)
	cpu.Cycle, cpu.Instret = k.Uptime(), k.retired // rdcycle/rdtime (counters reset at power-on), rdinstret
	budget = k.cpuTimerBudget(t, budget)
	// A long slice runs in pieces of at most slicePiece instructions, so
	// that Run's loop, and with it Interrupt, comes round soon even with
	// --quantum=10^12 (a slice of an hour of the host's). The pieces
	// change nothing the simulation can see: the budget already ends
	// before the next event, the cycle limit and RunUntil's cycle, so at
	// a piece's end none is due and the loop goes straight back here.
	budget = min(budget, slicePiece)
	var insn string
	var before [32]uint64
	if k.cfg.TraceInstructions && k.tracing {
		budget = 1
		insn = k.instruction(t, cpu.PC)
		before = cpu.X
	}
	observed := k.observer != nil
	if observed {
		// The CPU stops at each integer access to memory another task
		// can see (observeAccess), which it then makes as the first
		// instruction of the next run (hw.CPU.SetWatch), so that the
		// observer sees each access with the registers it was made with,
		// and the instructions between two accesses run in one go.
		cpu.SetWatch(t.observedPages())
		before = cpu.X
	}
	var watch watchStep
	watched := false
	if len(k.cfg.Watches) > 0 && k.tracing {
		budget = 1
		watch, watched = k.watchBefore(t, cpu.PC)
	}
	pc := cpu.PC
	n, trap := cpu.Run(budget)
	if n == 1 && insn != "" {
		k.traceInstruction(t, pc, insn, &before, trap.Cause == hw.CauseNone)
	}
	if n == 1 && watched && trap.Cause == hw.CauseNone {
		k.watchAfter(t, watch)
	}
	if n == 1 && observed && trap.Cause == hw.CauseNone {
		k.observeAccess(t, pc, &before)
	}
	t.Regs.X, t.Regs.PC = cpu.X, cpu.PC
	k.saveFP(t)
	k.m.Clock.Advance(n)
	t.Cycles += n
	k.retired += n
	k.checkCPUTimers(t)
	if trap.Cause != hw.CauseNone {
		k.m.Clock.Advance(k.cfg.TrapCost)
		cpu.ClearReservation()
		k.trap(t, trap)
		if trap.Cause == hw.CauseEcall {
			k.observeSyscallDone(t)
		}
	}
}

// loadFP gives the CPU t's floating-point registers and fcsr. Most
// programs never use floating point, and then they are all zero and so,
// most of the time, are the CPU's already: copying them in and out at
// every trap was a quarter kilobyte each way, and at a switch between
// thousands of processes a few cache misses more (issue 13's ring). A
// kernel keeps a thread's FP state lazily the same way (RISC-V's
// sstatus.FS: Linux's __switch_to saves it only when it is dirty).
func (k *Kernel) loadFP(t *Task) {
	cpu := k.m.CPU
	switch {
	case t.Regs.FP:
		cpu.F, cpu.FCSR = t.Regs.F, t.Regs.FCSR
		k.cpuFP = true
	case k.cpuFP: // another thread's values: t's are zero
		cpu.F, cpu.FCSR = [32]uint64{}, 0
		k.cpuFP = false
	}
	cpu.FPUsed = false
}

// saveFP keeps the CPU's floating-point registers and fcsr in t's, if an
// instruction of t's may have changed them since loadFP.
func (k *Kernel) saveFP(t *Task) {
	cpu := k.m.CPU
	if cpu.FPUsed {
		t.Regs.F, t.Regs.FCSR, t.Regs.FP = cpu.F, cpu.FCSR, true
		k.cpuFP = true
	}
}

// nextEvent returns the cycle of the next device event, the cycle limit or
// the pause.
func (k *Kernel) nextEvent() (uint64, bool) {
	next, ok := k.m.NextEvent()
	for _, lim := range [2]uint64{k.cfg.CycleLimit, k.pauseAt} {
		if lim != 0 && (!ok || lim < next) {
			next, ok = lim, true
		}
	}
	return next, ok
}

// QuietUntil reports, for a machine that RunUntil stopped while every
// process slept, the cycle of its next event (a timer, a keystroke): the
// machine does nothing before it unless something comes from outside (a
// packet). ok is false if the machine did not stop idle.
func (k *Kernel) QuietUntil() (next uint64, ok bool) {
	if !k.quiet || k.cur != nil {
		return 0, false
	}
	return k.quietNext, true
}

// RunUntil runs the machine like Run but stops when the clock reaches
// cycle at (StopPaused), so that its state can be looked at. Run or RunUntil
// continues from there.
func (k *Kernel) RunUntil(at uint64) Result {
	k.pauseAt = max(at, 1)
	defer func() { k.pauseAt = 0 }()
	return k.Run()
}

// armTimer sets the hardware timer to the earliest thing the kernel waits
// for: the end of the running task's time slice or a sleeper's deadline.
func (k *Kernel) armTimer() {
	var at uint64
	armed := false
	if k.cur != nil {
		at, armed = k.sliceEnd, true
	}
	if len(k.sleepers) > 0 && (!armed || k.sleepers[0].deadline < at) {
		at, armed = k.sleepers[0].deadline, true
	}
	if len(k.alarms) > 0 {
		if a := k.alarms[0].itimers[abi.ITIMER_REAL].at; !armed || a < at {
			at, armed = a, true
		}
	}
	if len(k.actions) > 0 && (!armed || k.actions[0].at < at) {
		at, armed = k.actions[0].at, true
	}
	if d, ok := k.inetDeadline(); ok && (!armed || d < at) {
		at, armed = d, true
	}
	if armed {
		k.m.Timer.Set(at)
	} else {
		k.m.Timer.Cancel()
	}
}

// interrupts lets due devices raise their lines and handles every pending
// interrupt, as the trap handler does between two instructions.
func (k *Kernel) interrupts() {
	k.m.Tick()
	for {
		line, ok := k.m.IntC.Claim()
		if !ok {
			return
		}
		k.m.Clock.Advance(k.cfg.TrapCost)
		k.m.CPU.ClearReservation() // an interrupt is a trap
		switch line {
		case hw.IRQTimer:
			k.timerInterrupt()
		case hw.IRQKeyboard:
			keys := k.m.Keyboard.Read()
			if k.tracing {
				where := "while the CPU idles"
				if k.cur != nil {
					where = fmt.Sprintf("between two instructions of %s (pc %#x)", k.cur.who(), k.cur.Regs.PC)
				}
				k.emit(nil, "irq", fmt.Sprintf("keyboard: %s arrives and raises irq %d", keyString(keys), hw.IRQKeyboard))
				k.emit(k.cur, "irq", fmt.Sprintf("interrupt controller: irq %d (keyboard) taken %s; the handler passes %s to the tty", hw.IRQKeyboard, where, keyString(keys)))
			}
			k.irq = "by the keyboard (terminal input)"
			k.tty.receive(keys)
			k.irq = ""
		}
	}
}

// keyString renders typed keys with control characters in caret notation:
// "ls^C".
func keyString(keys []byte) string {
	s := `"`
	for _, ch := range keys {
		switch {
		case ch == '\n':
			s += `\n`
		case ch < 0x20 || ch == 0x7f:
			s += caret(ch)
		default:
			s += string(rune(ch))
		}
	}
	return s + `"`
}

// timerInterrupt wakes sleepers whose time has come and ends the running
// task's time slice if it is used up.
func (k *Kernel) timerInterrupt() {
	now := k.Now()
	expired := k.cur != nil && now >= k.sliceEnd
	alarm := len(k.alarms) > 0 && k.alarms[0].itimers[abi.ITIMER_REAL].at <= now
	netDue := false
	if d, ok := k.inetDeadline(); ok && d <= now {
		netDue = true
	}
	actionDue := len(k.actions) > 0 && k.actions[0].at <= now
	if k.tracing && (expired || alarm || netDue || actionDue || len(k.sleepers) > 0 && k.sleepers[0].deadline <= now) {
		k.emit(k.cur, "irq", "timer interrupt")
	}
	if netDue {
		k.inetTimers(now)
	}
	for len(k.sleepers) > 0 && k.sleepers[0].deadline <= now {
		k.wake(k.sleepers[0], nil, "by the timer: its sleep ended")
	}
	k.fireAlarms()
	k.runActions(now)
	if expired {
		pid := k.cur.TID
		if k.policy.Point(sched.Point{Kind: sched.PointSliceEnd, PID: pid, Cycle: now}) == sched.Continue {
			k.sliceEnd = hw.AddCycles(now, k.policy.Slice(pid)) // it keeps the CPU (round robin: nobody else wants it)
			return
		}
		k.preempt(sched.WhyPreempted, switchWhy{format: "time slice used up"})
	}
}

// blockedIn is the reason of a switch from a task that blocked in a call,
// the commonest (a RecordSwitch).
const blockedIn = "%s blocked in %v"

// A switchWhy says why the CPU was last given up, for the trace's next
// switch event. It keeps the format and its values and formats them only
// when the trace asks (text), so that a block or a preemption costs no
// formatting when tracing is off.
type switchWhy struct {
	format string    // a fixed reason, or a format of the task (%s: "pid 4", "pid 4 tid 5") and no
	t      *Task     // nil: the format takes no values
	no     abi.Sysno // the format's second value, if it has one
}

func (w switchWhy) text() string { return string(w.appendText(nil)) }

// appendText appends the reason to b: the format with %s replaced by the
// task ("pid 4", "pid 4 tid 5") and %v by the call's name.
func (w switchWhy) appendText(b []byte) []byte {
	f := w.format
	for {
		i := strings.IndexByte(f, '%')
		if i < 0 || i+1 == len(f) || w.t == nil {
			return append(b, f...)
		}
		b = append(b, f[:i]...)
		switch f[i+1] {
		case 's':
			b = w.t.appendWho(b)
		case 'v':
			b = append(b, w.no.String()...)
		default:
			b = append(b, f[i:i+2]...)
		}
		f = f[i+2:]
	}
}

// preempt takes the CPU from the running task and gives it back to the
// policy's ready set; reason is for the next switch event.
func (k *Kernel) preempt(why sched.Why, reason switchWhy) {
	t := k.cur
	k.cur = nil
	k.makeRunnable(t, why)
	k.switchReason = reason
}

// syscallEntry tells the policy that the running task t enters a system
// call, and reports false if the policy preempted t there. The call has
// then not begun: t's pc stays on its ecall, which t executes again when it
// next runs (after a signal handler, if one is due, as if t had been
// preempted just before the ecall), and that second entry is not reported.
func (k *Kernel) syscallEntry(t *Task) bool {
	if t.resume && t.resumePC == t.Regs.PC {
		t.resume = false
		return true
	}
	no := abi.Sysno(t.Regs.X[17])
	if k.policy.Point(sched.Point{Kind: sched.PointSyscall, PID: t.TID, Sysno: int(no), Cycle: k.Now()}) == sched.Continue {
		return true
	}
	t.resume, t.resumePC = true, t.Regs.PC
	k.preempt(sched.WhyPreempted, switchWhy{"the scheduling policy preempted %s at entry to %v", t, no})
	return false
}

// schedule puts the next runnable task the policy picks on the CPU. It
// reports false when no task is runnable.
//
// The policy may return a pid that is no longer runnable: one that died,
// slept or stopped while it waited in the ready set (sched.Policy). It is
// skipped here, which keeps the run queue O(1): nothing is ever removed
// from its middle. A pid that is not in the ready set at all (a policy's
// mistake) is skipped too.
func (k *Kernel) schedule() bool {
	for {
		pid, ok := k.policy.Pick()
		if !ok {
			return false
		}
		t := k.readied[pid%len(k.readied)]
		if t == nil || t.TID != pid {
			t = k.tasks[pid]
		}
		if t == nil || !t.queued {
			continue
		}
		t.queued = false
		if t.State != proc.Runnable {
			continue // it died or slept after it was queued
		}
		if k.tracing && k.last != t && !k.recordSwitch(t) {
			b := append(k.text[:0], "switch "...)
			if k.last != nil {
				b = k.last.appendWho(b)
			} else {
				b = append(b, "idle"...)
			}
			b = append(t.appendWho(append(b, " -> "...)), " ("...)
			b = append(k.switchReason.appendText(b), ')')
			k.text = b
			k.emitEvent(t, &Event{Kind: "switch", Other: t.PID, Text: k.textOf(b)})
		}
		k.cur, k.last = t, t
		k.sliceEnd = hw.AddCycles(k.Now(), k.policy.Slice(pid))
		return true
	}
}

// makeRunnable marks t runnable and gives it to the policy's ready set,
// unless it is already there (it keeps its place) or on the CPU.
func (k *Kernel) makeRunnable(t *Task, why sched.Why) {
	t.State = proc.Runnable
	if !t.queued && t != k.cur {
		k.policy.Ready(t.TID, why)
		t.queued = true
		k.readied[t.TID%len(k.readied)] = t
	}
}

// sleep blocks t in call c until a wakeup or the block's deadline.
func (k *Kernel) sleep(t *Task, c *call, blk *blockError) {
	t.State = proc.Sleeping
	t.call = c
	t.blocked = blk
	if c.timed {
		t.deadline = c.deadline
		i, _ := slices.BinarySearchFunc(k.sleepers, t, func(a, b *Task) int {
			return cmp.Or(cmp.Compare(a.deadline, b.deadline), cmp.Compare(a.TID, b.TID))
		})
		k.sleepers = slices.Insert(k.sleepers, i, t)
	}
	if k.tracing && !k.recordBlock(t, c, blk) && !k.recordSyscallBlock(c, blk) {
		b := append(k.appendBlocked(k.text[:0], c), " blocks: "...)
		b = blk.appendText(b)
		k.text = b
		e := &Event{Kind: "block", Syscall: c.no.String(), Args: k.callArgs(c), Signal: callSignal(c),
			Text: k.textOf(b)}
		if c.no == abi.SysRead || c.no == abi.SysWrite {
			e.Obj = fdName(t, c.a[0])
		}
		k.emitEvent(t, e)
		k.moved = moved{} // noted by a try that did not finish
	}
	k.policy.Point(sched.Point{Kind: sched.PointBlock, PID: t.TID, Sysno: int(c.no), Cycle: k.Now()})
	if k.cur == t {
		k.cur = nil
		k.switchReason = switchWhy{blockedIn, t, c.no}
	}
}

// wake makes a sleeping t runnable; it will retry its call. by is the
// process whose action woke it (nil for the timer or a device), why says
// what happened.
func (k *Kernel) wake(t *Task, by *Task, why string) {
	if t.State != proc.Sleeping {
		return
	}
	k.dropSleeper(t)
	k.makeRunnable(t, sched.WhyWoken)
	if k.tracing && !k.recordWake(t, by, why) {
		e := &Event{Kind: "wake"}
		b := k.text[:0]
		if by != nil && by != t {
			e.Other = by.PID
			b = by.appendWho(append(b, "woken by "...))
			if c := by.inCall; c != nil {
				b = append(append(append(b, " ("...), c.no.String()...), ')')
			} else if by.State == proc.Stopped {
				b = append(b, " (stopped)"...)
			}
			if why != "" {
				b = append(append(b, ": "...), why...)
			}
		} else {
			b = append(append(b, "woken: "...), why...)
		}
		k.text = b
		e.Text = k.textOf(b)
		k.emitEvent(t, e)
	}
	p := sched.Point{Kind: sched.PointWake, PID: t.TID, Cycle: k.Now()}
	if by != nil && by != t {
		p.Other = by.TID
	}
	if k.policy.Point(p) == sched.Preempt && k.cur != nil && k.cur != t {
		k.resched = true // honoured when the kernel is done with the current trap (Run)
	}
}

// dropSleeper removes t from the timed sleepers, if there.
func (k *Kernel) dropSleeper(t *Task) {
	for i, s := range k.sleepers {
		if s == t {
			k.sleepers = slices.Delete(k.sleepers, i, i+1)
			return
		}
	}
}

// idle runs when no task is runnable: the clock jumps to the next device
// event. It reports false if there is none and nothing can ever wake a
// sleeper: a deadlock.
func (k *Kernel) idle() bool {
	k.armTimer()
	next, ok := k.m.NextEvent()
	if !ok {
		if k.cfg.Input != nil && k.waitsForHost() {
			k.readHostInput()
			return true
		}
		return false
	}
	k.quietNext, k.quiet = next, true // until Run starts again: nothing runs before next
	for _, lim := range [2]uint64{k.cfg.CycleLimit, k.pauseAt} {
		if lim != 0 && next > lim {
			next = lim
		}
	}
	if k.last != nil {
		k.switchReason = switchWhy{format: "woken after idle"}
		k.last = nil
	}
	k.m.Clock.JumpTo(next)
	k.interrupts()
	return true
}

// waitsForHost reports whether a process sleeps on what the host's input
// feeds: fd 0's host file (Config.StdinFile), or else the terminal.
func (k *Kernel) waitsForHost() bool {
	if k.in != nil {
		return k.in.waiting()
	}
	return k.tty.waiting()
}

// readHostInput reads what the host has typed (ipcsim exec) and feeds it
// to the keyboard now, or, with Config.StdinFile, hands it to fd 0 as it
// is. The host is asked only when every process sleeps and one of them
// waits for that input, so the run stays reproducible for the same input.
func (k *Kernel) readHostInput() {
	buf := make([]byte, 4096)
	n, err := k.cfg.Input.Read(buf)
	if err != nil && err != io.EOF && k.tracing {
		k.emit(nil, "irq", "host input failed: "+err.Error())
	}
	if k.in != nil {
		if k.tracing {
			what := plural(n, "byte") + " on stdin"
			switch {
			case err != nil && n == 0:
				what = "end of stdin"
			case err != nil:
				what += ", then its end"
			}
			k.emit(nil, "irq", "host: "+what)
		}
		if err != nil {
			k.cfg.Input = nil
		}
		k.irq = "by the host (input on stdin)"
		k.in.receive(buf[:n], err)
		k.irq = ""
		return
	}
	if n > 0 {
		k.m.Keyboard.Type(k.Now(), buf[:n])
		k.interrupts()
	}
	if err != nil {
		k.cfg.Input = nil
		k.tty.hangup()
	}
}

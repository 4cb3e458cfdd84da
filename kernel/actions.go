package kernel

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"ipcsim/abi"
	"ipcsim/proc"
)

// Timed actions: what a scenario makes happen at a cycle from outside the
// machine, as a person at the console would (kill a process, start a
// command) or a debugger (print the process table). The machine's timer
// fires at each action's cycle; the action runs in the timer's interrupt,
// between two instructions, like the keyboard's keys.

type action struct {
	at  uint64
	seq int // the order of At calls, for actions of one cycle
	run func()
}

// At schedules f to run at cycle at. Actions of one cycle run in the order
// they were given.
func (k *Kernel) At(at uint64, f func()) {
	k.actionSeq++
	a := action{at, k.actionSeq, f}
	i, _ := slices.BinarySearchFunc(k.actions, a, func(x, y action) int {
		return cmp.Or(cmp.Compare(x.at, y.at), cmp.Compare(x.seq, y.seq))
	})
	k.actions = slices.Insert(k.actions, i, a)
}

// runActions runs the actions due at now (from the timer interrupt).
func (k *Kernel) runActions(now uint64) {
	for len(k.actions) > 0 && k.actions[0].at <= now {
		a := k.actions[0]
		k.actions = k.actions[1:]
		a.run()
	}
}

// Kill sends sig to process pid from outside the machine (a scenario's
// "at CYCLE kill PID SIG"), as kill(1) run by root would: si_code
// SI_USER, from pid 0. It reports false if there is no such process.
func (k *Kernel) Kill(pid int, sig abi.Signal) bool {
	t := k.tasks[pid]
	if t == nil || t.TID != t.PID || t.Process.State == proc.Zombie || t == k.init {
		if k.tracing {
			k.emit(nil, "signal", fmt.Sprintf("kill %d %v (from the scenario): no such process", pid, sig))
		}
		return false
	}
	k.irq = "by a signal from the scenario"
	k.sendSignal(t, sig, proc.SigInfo{Code: abi.SI_USER}, "kill from the scenario")
	k.irq = ""
	return true
}

// Procdump puts the process table into the trace, a line per thread, as
// xv6's Ctrl-P (procdump) prints it: pid, state, name, and what a
// sleeping task waits for.
func (k *Kernel) Procdump() {
	if !k.tracing {
		return
	}
	k.emit(nil, "inspect", "inspect: the processes at this cycle")
	for _, t := range k.sortedTasks() {
		state := t.State.String()
		switch {
		case t == k.cur:
			state = "running"
		case t.State == proc.Zombie && t.Process.State != proc.Zombie:
			state = "exited thread"
		}
		var b strings.Builder
		fmt.Fprintf(&b, "inspect: %s %s %s", t.who(), state, t.threadName())
		if t.call != nil && t.State == proc.Sleeping {
			fmt.Fprintf(&b, ", in %v: %s", t.call.no, t.blocked.text())
		}
		k.emitEvent(t, &Event{Kind: "inspect", Text: b.String()})
	}
}

// SpawnBackground is SpawnAs for a command started in the background
// (a shell's "cmd &"): its own process group, and the terminal stays
// with the foreground group it had.
func (k *Kernel) SpawnBackground(path string, argv, envp []string, uid, gid int) (int, error) {
	return k.spawn(path, argv, envp, uid, gid, false)
}

// pendingActions reports whether timed actions are still to come: a
// machine with no process left but init waits for them.
func (k *Kernel) pendingActions() bool { return len(k.actions) > 0 }

// Note puts a line of the caller's into the trace (pid 0): what happened
// outside the machine, such as a timed spawn that failed.
func (k *Kernel) Note(text string) {
	if k.tracing {
		k.emit(nil, "note", text)
	}
}

// NoteAtEnd puts a note about the whole run into the trace, as Note does,
// but stamped at cycle end, the run's last (at least the host's own
// clock): a caller that learns something only once every host has ended
// (sim's watches of segments never made) keeps the trace in time order
// although this host may have ended long before the others.
func (k *Kernel) NoteAtEnd(end uint64, text string) {
	k.emitEventAt(nil, &Event{Kind: "note", Text: text}, max(end, k.m.Clock.Now()))
}

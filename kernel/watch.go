package kernel

import (
	"encoding/binary"
	"fmt"

	"ipcsim/hw"
)

// Watches: a word of memory whose every store the trace reports, with
// the task that made it and the value before and after (Config.Watches).
// A watch makes the CPU run one instruction at a time, as the
// instruction trace does, so that each store is seen; it costs speed,
// never changes a run.

// A Watch is a watched word: Size bytes (1, 2, 4 or 8) at the virtual
// address Addr, in every process's memory (threads share one; a parent
// and the children it forked after attaching a shared segment see the
// segment at the same address).
type Watch struct {
	Addr uint64
	Size uint64
}

// watchStep is one instruction's store to a watched word, found before
// the instruction runs.
type watchStep struct {
	w    Watch
	addr uint64 // the store's address
	old  uint64 // the watched word before
	acc  hw.MemAccess
	pc   uint64
}

// watchBefore looks at the instruction t is about to run: if it may store
// into a watched word, it remembers the word's value.
func (k *Kernel) watchBefore(t *Task, pc uint64) (watchStep, bool) {
	word, ok := t.AS.PeekInstruction(pc)
	if !ok {
		return watchStep{}, false
	}
	a, ok := hw.AccessOf(word)
	if !ok || a.Kind == hw.AccessLoad || a.Kind == hw.AccessLR {
		return watchStep{}, false
	}
	addr := t.Regs.X[a.Base] + uint64(a.Imm)
	for _, w := range k.cfg.Watches {
		if addr < w.Addr+w.Size && w.Addr < addr+a.Size {
			return watchStep{w: w, addr: addr, old: k.peekWord(t, w), acc: a, pc: pc}, true
		}
	}
	return watchStep{}, false
}

// watchAfter reports the store if the instruction completed.
func (k *Kernel) watchAfter(t *Task, s watchStep) {
	if s.acc.Kind == hw.AccessSC && s.acc.Rd != 0 && k.m.CPU.X[s.acc.Rd] != 0 {
		return // the store-conditional failed: nothing was stored
	}
	now := k.peekWord(t, s.w)
	how := "unchanged"
	if now != s.old {
		how = fmt.Sprintf("was %d", int64(s.old))
	}
	insn := k.instruction(t, s.pc)
	k.emitEvent(t, &Event{Kind: "watch", PC: fmt.Sprintf("%#x", s.pc),
		Mem:  &MemEvent{Op: "store", Addr: s.w.Addr, Size: int(s.w.Size), Value: now, Old: s.old},
		Text: fmt.Sprintf("watch %#x: stores %d (%s) at pc %#x: %s", s.w.Addr, int64(now), how, s.pc, insn)})
}

// peekWord reads a watched word, sign-extended, without faulting.
func (k *Kernel) peekWord(t *Task, w Watch) uint64 {
	var b [8]byte
	if t.AS.PeekBytes(w.Addr, b[:w.Size]) != nil {
		return 0
	}
	return uint64(signed(binary.LittleEndian.Uint64(b[:]), w.Size))
}

package kernel

import (
	"encoding/binary"
	"fmt"
	"slices"

	"ipcsim/abi"
	"ipcsim/hw"
	"ipcsim/ipc/shm"
)

// Watches: a word of memory whose every store the trace reports, with
// the task that made it and the value before and after (Config.Watches).
// A watch makes the CPU run one instruction at a time, as the
// instruction trace does, so that each store is seen; it costs speed,
// never changes a run.
//
// A word is named by its virtual address, the same in every process, or
// as a word of a System V shared memory segment (Watch.Segment): then it
// is the segment's memory that is watched, wherever each process has
// attached it, and the store's address is found in the segment by the
// area (VMA) it falls in.

// A Watch is a watched word of Size bytes (1, 2, 4 or 8).
//
// Without Segment, the word is at the virtual address Addr in every
// process's memory (threads share one; a parent and the children it
// forked after attaching a shared segment see the segment at the same
// address). With Segment, Addr is the word's offset in that segment.
type Watch struct {
	Addr    uint64
	Size    uint64
	Segment *SegmentName
}

// A SegmentName names a System V shared memory segment before it exists:
// by the key given to shmget (Key, when Nth is 0), or by its order of
// creation on the host (Nth: 1 for the first segment shmget makes), which
// names IPC_PRIVATE segments too.
type SegmentName struct {
	Key int32
	Nth int
}

// names reports whether seg is the segment n names.
func (n *SegmentName) names(seg *shm.Segment) bool {
	if n.Nth > 0 {
		return seg.Nth == n.Nth
	}
	return n.Key != abi.IPC_PRIVATE && seg.MadeKey == n.Key
}

// String is the name as the trace shows it: "shm key 0x1234" or "shm#1".
func (n *SegmentName) String() string {
	if n.Nth > 0 {
		return fmt.Sprintf("shm#%d", n.Nth)
	}
	return fmt.Sprintf("shm key %#x", uint32(n.Key)) // as ipcs shows it: 0xdeadbeef, not -0x21524111
}

// watchStep is one instruction's store to a watched word, found before
// the instruction runs.
type watchStep struct {
	w   Watch
	va  uint64 // the watched word's virtual address in the storing process
	old uint64 // the watched word before
	acc hw.MemAccess
	pc  uint64
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
		va, ok := w.Addr, true
		if w.Segment != nil {
			va, ok = segmentWordAt(t, w, addr)
		}
		if ok && addr < va+w.Size && va < addr+a.Size {
			return watchStep{w: w, va: va, old: k.peekWord(t, va, w.Size), acc: a, pc: pc}, true
		}
	}
	return watchStep{}, false
}

// segmentWordAt returns the virtual address, in t's memory, of the
// segment word w watches, if the store address addr falls in an area
// where t attached that segment.
func segmentWordAt(t *Task, w Watch, addr uint64) (uint64, bool) {
	v := t.AS.AreaAt(addr)
	if v == nil {
		return 0, false
	}
	seg, ok := v.Tag.(*shm.Segment)
	if !ok || !w.Segment.names(seg) {
		return 0, false
	}
	// The area maps the segment from its page v.Off on.
	start := uint64(v.Off) * hw.PageSize
	if w.Addr < start || w.Addr >= start+(v.End-v.Start) {
		return 0, false // the word is in another area of this attachment
	}
	return v.Start + (w.Addr - start), true
}

// watchAfter reports the store if the instruction completed.
func (k *Kernel) watchAfter(t *Task, s watchStep) {
	if s.acc.Kind == hw.AccessSC && s.acc.Rd != 0 && k.m.CPU.X[s.acc.Rd] != 0 {
		return // the store-conditional failed: nothing was stored
	}
	now := k.peekWord(t, s.va, s.w.Size)
	how := "unchanged"
	if now != s.old {
		how = fmt.Sprintf("was %d", int64(s.old))
	}
	name := fmt.Sprintf("%#x", s.w.Addr)
	if s.w.Segment != nil {
		name = fmt.Sprintf("%s+%d (at %#x)", s.w.Segment, s.w.Addr, s.va)
	}
	insn := k.instruction(t, s.pc)
	k.emitEvent(t, &Event{Kind: "watch", PC: fmt.Sprintf("%#x", s.pc),
		Mem:  &MemEvent{Op: "store", Addr: s.va, Size: int(s.w.Size), Value: now, Old: s.old},
		Text: fmt.Sprintf("watch %s: stores %d (%s) at pc %#x: %s", name, int64(now), how, s.pc, insn)})
}

// peekWord reads the size bytes at va, sign-extended, without faulting.
func (k *Kernel) peekWord(t *Task, va, size uint64) uint64 {
	var b [8]byte
	if t.AS.PeekBytes(va, b[:size]) != nil {
		return 0
	}
	return uint64(signed(binary.LittleEndian.Uint64(b[:]), size))
}

// watchSegmentMade is told of each segment shmget makes. It records the
// keys of the watches that name seg (MadeSegment), and notes in the trace
// each of them whose word lies past seg's end (a scenario's offset that
// the segment turned out too small for): that watch will see nothing in
// this segment, and the note says why rather than leaving the watch
// silent.
func (k *Kernel) watchSegmentMade(t *Task, seg *shm.Segment) {
	for _, w := range k.cfg.Watches {
		if w.Segment == nil || !w.Segment.names(seg) {
			continue
		}
		if w.Segment.Nth == 0 && !slices.Contains(k.shmKeys, seg.MadeKey) {
			k.shmKeys = append(k.shmKeys, seg.MadeKey)
		}
		if w.Addr+w.Size > seg.Size {
			k.emit(t, "note", fmt.Sprintf("watch %s+%d: the segment is %d bytes, so the word is past its end: nothing to watch",
				w.Segment, w.Addr, seg.Size))
		}
	}
}

// MadeSegment reports whether shmget has made, on this boot of the host,
// the segment n names: a watch of a segment never made watched nothing,
// and the caller can say so at the end of the run.
//
// Preconditions: n is the Segment of one of the host's watches
// (Config.Watches): only the keys that they name are recorded.
func (k *Kernel) MadeSegment(n *SegmentName) bool {
	if n.Nth > 0 {
		return k.shmMade >= n.Nth
	}
	return slices.Contains(k.shmKeys, n.Key)
}

// SegmentsMade returns how many segments shmget has made on this boot of
// the host (the last is shm#N).
func (k *Kernel) SegmentsMade() int { return k.shmMade }

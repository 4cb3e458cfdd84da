package kernel

import (
	"encoding/binary"
	"fmt"
	"slices"
	"strings"

	"ipcsim/hw"
	"ipcsim/proc"
)

// SegmentState is one System V shared memory segment, as ipcs -m lists it,
// with the frames that hold its pages and where each process attached it.
type SegmentState struct {
	Key       string   `json:"key"`
	ID        int      `json:"shmid"`
	Owner     int      `json:"owner"`
	Perms     string   `json:"perms"` // octal, with SHM_DEST (01000) once removed
	Bytes     uint64   `json:"bytes"` // shm_segsz
	Nattch    int      `json:"nattch"`
	CPID      int      `json:"cpid"`
	LPID      int      `json:"lpid"`
	Removed   bool     `json:"removed,omitempty"` // IPC_RMID'd, destroyed at the last detach
	Frames    []string `json:"frames"`            // "page 0: frame 4", pages touched so far
	Attachers []string `json:"attachers"`         // "pid 2 at 0x3ff7ffe000"
	// The first bytes of the segment (up to segmentHead), read through
	// its frames without faulting anything in (an untouched page reads
	// as zeros): in hex, "2a 00 00 00 ...", and as little-endian 32-bit
	// ints, what a C program's int counter holds.
	Head string  `json:"head"`
	Ints []int32 `json:"ints"`
}

// segmentHead is how many of a segment's first bytes inspect shows.
const segmentHead = 64

// MapState is one area of a process's address space with the frames its
// pages map (a line of /proc/PID/maps, plus the page table).
type MapState struct {
	Range  string `json:"range"` // "0x10000-0x11000"
	Perms  string `json:"perms"` // "r-xp", "rw-s"
	Name   string `json:"name"`
	Frames string `json:"frames"` // frame of each page, "-" for not yet touched; "cow" marks copy-on-write
}

// shmSnapshot adds the segments, and each process's mappings.
func (k *Kernel) shmSnapshot(s *Snapshot) {
	for i := range s.Procs {
		if t := k.tasks[s.Procs[i].PID]; t != nil && t.Process.State != proc.Zombie {
			s.Procs[i].Maps = mapsOf(t.AS)
		}
	}
	if k.shmIDs == nil {
		return
	}
	for _, seg := range k.shmIDs.All() {
		st := SegmentState{Key: fmt.Sprintf("0x%08x", uint32(seg.Perm.Key)), ID: seg.Perm.ID, Owner: seg.Perm.UID,
			Perms: fmt.Sprintf("%o", seg.Mode()), Bytes: seg.Size, Nattch: seg.Nattch, CPID: seg.CPID, LPID: seg.LPID,
			Removed: seg.Marked, Frames: []string{}, Attachers: []string{}}
		mem := seg.Mem.(*proc.Shared)
		head := make([]byte, min(seg.Size, segmentHead))
		head = head[:mem.Peek(0, head)]
		st.Head = fmt.Sprintf("% x", head)
		for i := 0; i+4 <= len(head); i += 4 {
			st.Ints = append(st.Ints, int32(binary.LittleEndian.Uint32(head[i:])))
		}
		frames := mem.Frames()
		pages := make([]int, 0, len(frames))
		for p := range frames {
			pages = append(pages, p)
		}
		slices.Sort(pages)
		for _, p := range pages {
			st.Frames = append(st.Frames, fmt.Sprintf("page %d: frame %d", p, frames[p]))
		}
		for _, t := range k.sortedProcs() {
			if t.Process.State == proc.Zombie {
				continue
			}
			for _, v := range t.AS.VMAs() {
				if v.Tag == any(seg) {
					st.Attachers = append(st.Attachers, fmt.Sprintf("pid %d at %#x", t.PID, v.Start))
				}
			}
		}
		s.Segments = append(s.Segments, st)
	}
}

// mapsOf lists an address space's areas with their frames.
func mapsOf(as *proc.AddressSpace) []MapState {
	var out []MapState
	for _, v := range as.VMAs() {
		line := strings.Fields(v.String()) // "start-end perms name"
		ms := MapState{Range: fmt.Sprintf("%#x-%#x", v.Start, v.End), Perms: line[1], Name: v.Name}
		// One entry per page; a run of untouched pages reads "-x31".
		var fr []string
		untouched := 0
		flush := func() {
			switch {
			case untouched == 1:
				fr = append(fr, "-")
			case untouched > 1:
				fr = append(fr, fmt.Sprintf("-x%d", untouched))
			}
			untouched = 0
		}
		for va := v.Start; va < v.End && len(fr) < 64; va += hw.PageSize {
			pte, ok := as.PT().Lookup(va)
			if !ok {
				untouched++
				continue
			}
			flush()
			f := fmt.Sprint(pte.Frame())
			if pte&hw.PTECOW != 0 {
				f += "(cow)"
			}
			fr = append(fr, f)
		}
		flush()
		ms.Frames = strings.Join(fr, " ")
		out = append(out, ms)
	}
	return out
}

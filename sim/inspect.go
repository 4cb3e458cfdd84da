package sim

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"ipcsim/abi"
	"ipcsim/kernel"
)

// WriteSnapshot prints the state of the kernel's objects for a person: the
// processes with their descriptors, threads and memory, the terminal, the
// process tree, then every object (pipes with their ring of pages, queues,
// shared memory, semaphores, epoll, sockets, futexes, files) with who
// waits on it. With asJSON it writes the same as indented JSON.
func WriteSnapshot(w io.Writer, s *kernel.Snapshot, asJSON bool) error {
	if asJSON {
		b, err := json.MarshalIndent(s, "", "  ")
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(w, "%s\n", b)
		return err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "state at cycle %d\n%s\n\nprocesses:\n", s.Cycle, pauseRule(s.Cycle))
	fmt.Fprintf(&b, "  %4s %5s %5s  %-9s %-15s %s\n", "PID", "PPID", "PGID", "STATE", "NAME", "WAITING FOR")
	for _, p := range s.Procs {
		line := fmt.Sprintf("  %4d %5d %5d  %-9s %-15s %s", p.PID, p.PPID, p.PGID, p.State, p.Name, p.Waiting)
		b.WriteString(strings.TrimRight(line, " ") + "\n") // no padding after a name with nothing waited for
		for _, fd := range p.FDs {
			cloexec := ""
			if fd.Cloexec {
				cloexec = " FD_CLOEXEC"
			}
			fmt.Fprintf(&b, "         fd %d: %s %s%s\n", fd.FD, fd.File, fd.Flags, cloexec)
		}
		if p.Creds != "" {
			fmt.Fprintf(&b, "         credentials (real/effective/saved): %s\n", p.Creds)
		}
		if p.AltStack != "" {
			fmt.Fprintf(&b, "         alternate signal stack: %s\n", p.AltStack)
		}
		if p.Pending != "" {
			fmt.Fprintf(&b, "         signals pending: %s\n", p.Pending)
		}
		if p.Blocked != "" {
			fmt.Fprintf(&b, "         signals blocked: %s\n", p.Blocked)
		}
		for _, h := range p.Handlers {
			fmt.Fprintf(&b, "         signal %s\n", h)
		}
		for _, th := range p.Threads {
			fmt.Fprintf(&b, "         thread tid %d (%s): %s", th.TID, th.Name, th.State)
			if th.Waiting != "" {
				fmt.Fprintf(&b, ", in %s", th.Waiting)
			}
			fmt.Fprintf(&b, "; pc %s sp %s tp %s\n", th.PC, th.SP, th.TP)
			if th.Pending != "" {
				fmt.Fprintf(&b, "           its own signals pending: %s\n", th.Pending)
			}
			if th.Blocked != "" {
				fmt.Fprintf(&b, "           signals it blocks: %s\n", th.Blocked)
			}
			writeThreadRegisters(&b, th)
		}
		writeMaps(&b, p)
	}
	if t := s.Terminal; t != nil {
		mode := "raw"
		if t.Canonical {
			mode = "canonical (by lines)"
		}
		echo := "no echo"
		if t.Echo {
			echo = "echo"
		}
		fmt.Fprintf(&b, "\nterminal: session %d, foreground process group %d, %s, %s; being typed %s; readable %s\n",
			t.Session, t.Foreground, mode, echo, t.Editing, t.Readable)
	}
	fmt.Fprintf(&b, "\nprocess tree:\n")
	WriteTree(&b, SnapshotTree(s), "  ")
	fmt.Fprintf(&b, "\npipes:\n")
	if len(s.Pipes) == 0 {
		fmt.Fprintf(&b, "  none\n")
	}
	for _, p := range s.Pipes {
		fmt.Fprintf(&b, "  %s: %d bytes unread in %d of %d slots (capacity %d), readers %d, writers %d\n",
			p.Name, p.Len, len(p.Buffers), p.Slots, p.Cap, p.Readers, p.Writers)
		fmt.Fprintf(&b, "    %s\n", ringPicture(p))
		if p.Len > 0 {
			fmt.Fprintf(&b, "    unread: %s\n", p.Data)
		}
		if len(p.Waiting) > 0 {
			fmt.Fprintf(&b, "    waiting: %s\n", strings.Join(p.Waiting, ", "))
		}
	}
	writeMsgQueues(&b, s)
	writeSegments(&b, s)
	writeSemSets(&b, s)
	writeEpolls(&b, s)
	writeSockets(&b, s)
	writeInet(&b, s)
	if len(s.Futexes) > 0 {
		fmt.Fprintf(&b, "\nfutex wait queues:\n")
		for _, f := range s.Futexes {
			fmt.Fprintf(&b, "  %s: %s\n", f.Addr, strings.Join(f.Waiting, ", "))
		}
	}
	writeFiles(&b, s)
	_, err := io.WriteString(w, b.String())
	return err
}

// pauseRule says which events of the trace a state paused at cycle at
// holds. The kernel pauses at the top of its loop (kernel.RunUntil), once
// the clock has reached the cycle: the interrupts due then have been
// taken, as the clock's arrival takes them, and nothing else has run at
// that cycle. A trap (a system call, an interrupt) is never cut in half:
// one taken before the cycle finishes, and with trapcost > 0 its events
// are stamped after its cost, at the cycle or later.
func pauseRule(at uint64) string {
	return fmt.Sprintf("(as the clock reaches %d: after every event stamped before it, and of those stamped %d only the interrupts and what they wake; before any instruction, call or switch at %d)", at, at, at)
}

// writeThreadRegisters prints a live thread's registers under its line,
// as ipcsim step shows them, four a line; and if it has used floating
// point, the floating-point registers that are not zero and fcsr.
func writeThreadRegisters(b *strings.Builder, th kernel.ThreadState) {
	if th.Regs == nil {
		return // exited
	}
	regs := [32]uint64(*th.Regs)
	for _, l := range IntRegisterLines(&regs, 4) {
		fmt.Fprintf(b, "           %s\n", l)
	}
	if th.FP != nil {
		for _, l := range FPRegisterLines(th.FP, 3) {
			fmt.Fprintf(b, "           %s\n", l)
		}
	}
}

// WriteInspect prints what "ipcsim inspect --at=at" prints of a run of s
// paused at cycle at (Options.PauseAt, or a snapshot of
// Options.SnapshotAt): a first line if the run ended before that cycle,
// saying how (Outcome.End: every host's end), then the kernel's objects
// (WriteSnapshot), or every host's (WriteHostSnapshots). With asJSON the
// end is a field, "ended" (RunEnd): of the snapshot, or of each host.
func WriteInspect(w io.Writer, s *Scenario, o *Outcome, at uint64, asJSON bool) error {
	if len(s.Hosts) > 0 {
		if end := o.End(); end != "" && !asJSON {
			if _, err := fmt.Fprintf(w, "the run ended before cycle %d: %s; this is the state it ended in\n", at, end); err != nil {
				return err
			}
		}
		return WriteHostSnapshots(w, s, o, asJSON)
	}
	end := HostEnd(kernel.HostResult{Result: o.Result})
	if asJSON {
		b, err := json.MarshalIndent(struct {
			*kernel.Snapshot
			Ended *RunEnd `json:"ended,omitempty"`
		}{o.Snapshot, end}, "", "  ")
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(w, "%s\n", b)
		return err
	}
	if end != nil {
		if _, err := fmt.Fprintf(w, "the run ended before cycle %d: %s; this is the state it ended in\n", at, end); err != nil {
			return err
		}
	}
	return WriteSnapshot(w, o.Snapshot, false)
}

// WriteHostSnapshots prints the state of every host of a run with hosts,
// paused at a cycle: under a heading per host ("=== host alice
// (10.0.0.1) ==="), what WriteSnapshot prints of its kernel; a host that
// lost power says so instead (and when it boots again, if it does), and
// one that ended while another goes on says how before its state. With
// asJSON it writes one JSON array, an object per host: {"host", "ip",
// "down", "down_at", "up_at", "ended", "snapshot"}, "up_at" the cycle a
// host that is down boots again, "ended" (RunEnd) if the host had ended
// by the cycle (one that boots again has not).
func WriteHostSnapshots(w io.Writer, s *Scenario, o *Outcome, asJSON bool) error {
	type hostState struct {
		Host     string           `json:"host"`
		IP       string           `json:"ip"`
		Down     bool             `json:"down,omitempty"`
		DownAt   uint64           `json:"down_at,omitempty"` // the cycle it lost power
		UpAt     uint64           `json:"up_at,omitempty"`   // the cycle it boots again (at CYCLE up), if it does
		Ended    *RunEnd          `json:"ended,omitempty"`
		Snapshot *kernel.Snapshot `json:"snapshot,omitempty"`
	}
	var hosts []hostState
	for i, h := range o.Hosts {
		st := hostState{Host: h.Name, IP: s.Hosts[i].IP.String(), Down: h.Result.Down, Ended: HostEnd(h.Result)}
		if st.Down {
			st.DownAt, st.UpAt = h.Result.Cycles, h.Result.UpAt
		} else {
			st.Snapshot = h.Snapshot
		}
		hosts = append(hosts, st)
	}
	if asJSON {
		var v any = hosts
		if len(o.Links) > 0 {
			v = struct {
				Hosts []hostState        `json:"hosts"`
				Links []kernel.LinkState `json:"links"`
			}{hosts, o.Links}
		}
		b, err := json.MarshalIndent(v, "", "  ")
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(w, "%s\n", b)
		return err
	}
	runEnded := o.End() != "" // the first line says how each host ended
	for i, h := range hosts {
		if i > 0 {
			if _, err := io.WriteString(w, "\n"); err != nil {
				return err
			}
		}
		if h.Down {
			again := ""
			if h.UpAt != 0 {
				again = fmt.Sprintf("; it boots again at cycle %d", h.UpAt)
			}
			if _, err := fmt.Fprintf(w, "=== host %s (%s): down since cycle %d (power lost)%s\n", h.Host, h.IP, h.DownAt, again); err != nil {
				return err
			}
			continue
		}
		if _, err := fmt.Fprintf(w, "=== host %s (%s)\n", h.Host, h.IP); err != nil {
			return err
		}
		if h.Ended != nil && !runEnded {
			if _, err := fmt.Fprintf(w, "its run ended: %s; this is the state it ended in\n", h.Ended); err != nil {
				return err
			}
		}
		if err := WriteSnapshot(w, h.Snapshot, false); err != nil {
			return err
		}
	}
	return writeLinks(w, o.Links)
}

// writeLinks prints the network: each link, what it carried and dropped,
// and the frames on it.
func writeLinks(w io.Writer, links []kernel.LinkState) error {
	if len(links) == 0 {
		return nil
	}
	var b strings.Builder
	b.WriteString("\n=== network\n")
	for _, l := range links {
		fmt.Fprintf(&b, "link %s\n  %d frames sent, %d delivered", l.Link, l.Sent, l.Delivered)
		if len(l.Dropped) > 0 {
			fmt.Fprintf(&b, ", dropped: %s", strings.Join(l.Dropped, ", "))
		}
		b.WriteString("\n")
		if len(l.InFlight) == 0 {
			b.WriteString("  nothing in flight\n")
		}
		for _, f := range l.InFlight {
			fmt.Fprintf(&b, "  in flight: %s\n", f)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// ringPicture draws the ring of slots, one cell a slot (or a few slots, in
// a pipe of more than 64): '.' free, '#' a buffer whose page is full, '+' one
// with room left in its page, where a small write may still go; and where
// the oldest buffer is (tail) and the next one will go (head), as Linux's
// pipe_inode_info counts them.
func ringPicture(p kernel.PipeState) string {
	cells := min(p.Slots, 64)
	if cells == 0 {
		return "[]"
	}
	per := p.Slots / cells
	row := make([]byte, cells)
	for i := range row {
		row[i] = '.'
	}
	for _, b := range p.Buffers {
		c := b.Slot / per
		switch {
		case b.Offset+b.Len == abi.PageSize:
			row[c] = '#'
		case row[c] == '.':
			row[c] = '+'
		}
	}
	head := (p.Tail + len(p.Buffers)) % p.Slots
	return fmt.Sprintf("[%s]  tail at slot %d, head at slot %d", row, p.Tail, head)
}

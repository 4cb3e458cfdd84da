package sim

import (
	"fmt"
	"strings"

	"ipcsim/kernel"
)

// writeMaps prints a process's address space: each area with the frame
// of each page ("-": not touched yet; "(cow)": shared copy-on-write after
// fork). Two processes attached to one segment show the same frames.
func writeMaps(b *strings.Builder, p kernel.ProcState) {
	if len(p.Maps) == 0 {
		return
	}
	fmt.Fprintf(b, "         memory (%s, %d cycles run):\n", plural(int(p.Faults), "page fault"), p.Cycles)
	for _, m := range p.Maps {
		fmt.Fprintf(b, "           %-27s %s %-16s frames %s\n", m.Range, m.Perms, m.Name, m.Frames)
	}
}

// plural renders "1 page fault", "3 page faults".
func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// writeSegments prints the System V shared memory segments as ipcs -m
// does, plus their frames and attachers.
func writeSegments(b *strings.Builder, s *kernel.Snapshot) {
	if len(s.Segments) == 0 {
		return
	}
	fmt.Fprintf(b, "\nshared memory segments (ipcs -m):\n")
	fmt.Fprintf(b, "  %-10s %-6s %-6s %-6s %-8s %-6s %-5s %-5s %s\n", "key", "shmid", "owner", "perms", "bytes", "nattch", "cpid", "lpid", "status")
	for _, g := range s.Segments {
		status := ""
		if g.Removed {
			status = "dest"
		}
		fmt.Fprintf(b, "  %-10s %-6d %-6d %-6s %-8d %-6d %-5d %-5d %s\n", g.Key, g.ID, g.Owner, g.Perms, g.Bytes, g.Nattch, g.CPID, g.LPID, status)
		if len(g.Frames) > 0 {
			fmt.Fprintf(b, "    frames: %s\n", strings.Join(g.Frames, ", "))
		}
		if len(g.Attachers) > 0 {
			fmt.Fprintf(b, "    attached: %s\n", strings.Join(g.Attachers, ", "))
		}
		writeSegmentHead(b, g)
	}
}

// writeSegmentHead prints a segment's first bytes, 16 a line in hex with
// the same bytes as four ints beside them; the zeros after the last line
// that holds something are one line:
//
//	contents (the first 64 of 4096 bytes):
//	  +0    2a 01 00 00 07 00 00 00 00 00 00 00 00 00 00 00   ints 298 7 0 0
//	  +16   zeros to +63
func writeSegmentHead(b *strings.Builder, g kernel.SegmentState) {
	head := strings.Fields(g.Head)
	if len(head) == 0 {
		return
	}
	fmt.Fprintf(b, "    contents (the first %d of %d bytes):\n", len(head), g.Bytes)
	last := -1 // the last line with a byte that is not zero
	for i, h := range head {
		if h != "00" {
			last = i / 16
		}
	}
	for line := 0; line*16 < len(head); line++ {
		if line > last {
			fmt.Fprintf(b, "      +%-4d zeros to +%d\n", line*16, len(head)-1)
			break
		}
		bytes := head[line*16 : min(line*16+16, len(head))]
		var ints []string
		for i := line * 4; i < min(line*4+4, len(g.Ints)); i++ {
			ints = append(ints, fmt.Sprint(g.Ints[i]))
		}
		fmt.Fprintf(b, "      +%-4d %-47s   ints %s\n", line*16, strings.Join(bytes, " "), strings.Join(ints, " "))
	}
}

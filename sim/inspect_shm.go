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
	}
}

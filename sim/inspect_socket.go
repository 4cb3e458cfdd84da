package sim

import (
	"fmt"
	"strings"

	"ipcsim/kernel"
)

// writeSockets prints the Unix sockets of a snapshot as `ss -xp` does:
// one line each, then a listener's backlog and who waits.
func writeSockets(b *strings.Builder, s *kernel.Snapshot) {
	if len(s.Sockets) == 0 {
		return
	}
	fmt.Fprintf(b, "\nUnix sockets:\n")
	fmt.Fprintf(b, "  %-10s %-6s %-7s %-8s %-14s %-20s %s\n", "socket", "type", "state", "recv-q", "send-q", "local", "peer")
	for _, so := range s.Sockets {
		local := so.Local
		if local == "" {
			local = "*"
		}
		peer := "*"
		if so.Peer != 0 {
			peer = fmt.Sprintf("socket#%d", so.Peer)
		}
		fmt.Fprintf(b, "  %-10s %-6s %-7s %-8s %-14s %-20s %s\n", fmt.Sprintf("socket#%d", so.ID), so.Type, so.State,
			fmt.Sprintf("%d/%d", so.RecvQ, so.RecvMsgs), fmt.Sprintf("%d/%d", so.SendQ, so.Sndbuf), local, peer)
		if so.Backlog > 0 || len(so.Pending) > 0 {
			var ids []string
			for _, id := range so.Pending {
				ids = append(ids, fmt.Sprintf("socket#%d", id))
			}
			fmt.Fprintf(b, "    backlog %d, pending: [%s]\n", so.Backlog, strings.Join(ids, " "))
		}
		if so.InFlight > 0 {
			fmt.Fprintf(b, "    descriptors in flight: %d\n", so.InFlight)
		}
		if so.Shutdown != "" || so.Error != "" {
			fmt.Fprintf(b, "    shutdown %s, pending error %s\n", so.Shutdown, so.Error)
		}
		if len(so.Waiting) > 0 {
			fmt.Fprintf(b, "    waiting: %s\n", strings.Join(so.Waiting, ", "))
		}
	}
}
